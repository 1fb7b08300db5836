//! Accounts: roles, the signed-in user, sign-in, and the admin's organisations and accounts
//! (with the 统一社会信用代码 and phone checks both sides run).

use super::*;
labelled_enum!(
    /// What an account may do.
    Role {
        Admin = "admin", "平台管理员";
        Operator = "operator", "机构运营";
        Supervisor = "supervisor", "监管";
    }
);

/// A signed-in user, as the API shows it (never the password hash).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub organisation_id: Option<i64>,
    pub district_id: Option<String>,
    pub is_sample: bool,
    /// A carer's account (an operator account of the provider tied to one carer): it
    /// sees and records only its own visits.
    #[serde(default)]
    pub carer_id: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 64))]
    pub username: String,
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 128))]
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub user: User,
    /// Echo in `X-CSRF-Token` on every write made with the session cookie.
    pub csrf_token: String,
}

/// An organisation as the platform admin sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrganisationAdmin {
    #[serde(flatten)]
    pub organisation: Organisation,
    pub place_count: i64,
    pub account_count: i64,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/admin/organisations`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrganisationCreate {
    #[cfg_attr(feature = "ssr", schema(min_length = 2, max_length = 60))]
    pub name: String,
    /// 统一社会信用代码, 18 characters with a valid check character.
    #[cfg_attr(feature = "ssr", schema(min_length = 18, max_length = 18))]
    pub uscc: String,
    pub beian_status: BeianStatus,
    #[cfg_attr(feature = "ssr", schema(max_length = 40))]
    pub beian_number: Option<String>,
}

impl OrganisationCreate {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        let mut push = |f: &str, m: &str| e.push(FieldError { field: f.into(), message: m.into() });
        let n = self.name.trim().chars().count();
        if !(2..=60).contains(&n) || self.name.chars().count() > 60 {
            push("name", "机构名称应为 2 到 60 个字");
        }
        if !valid_uscc(self.uscc.trim()) {
            push("uscc", "统一社会信用代码应为 18 位，且校验位正确（字母大写，不含 I、O、Z、S、V）");
        }
        let number = self.beian_number.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if self.beian_status == BeianStatus::Filed && number.is_none() {
            push("beian_number", "已备案的机构请填写备案号");
        }
        if self.beian_number.as_deref().is_some_and(|s| s.chars().count() > 40) {
            push("beian_number", "备案号最多 40 个字符");
        }
        e
    }
}

/// `POST /api/v1/admin/users`: an operator (with its organisation), a supervisor
/// (with its district) or another admin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccountCreate {
    /// 3–32 of `a-z 0-9 - _`.
    #[cfg_attr(feature = "ssr", schema(min_length = 3, max_length = 32))]
    pub username: String,
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 30))]
    pub display_name: String,
    #[cfg_attr(feature = "ssr", schema(min_length = 10, max_length = 128))]
    pub password: String,
    pub role: Role,
    pub organisation_id: Option<i64>,
    #[cfg_attr(feature = "ssr", schema(max_length = 40))]
    pub district_id: Option<String>,
}

pub const MIN_PASSWORD_CHARS: usize = 10;

impl AccountCreate {
    /// The checks that need no database (the organisation and district must also exist).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        let mut push = |f: &str, m: &str| e.push(FieldError { field: f.into(), message: m.into() });
        let u = self.username.trim();
        if !(3..=32).contains(&u.len()) || self.username.len() > 32 || !u.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_') {
            push("username", "用户名为 3 到 32 位小写字母、数字、- 或 _");
        }
        let n = self.display_name.trim().chars().count();
        if !(1..=30).contains(&n) || self.display_name.chars().count() > 30 {
            push("display_name", "姓名（显示名）应为 1 到 30 个字");
        }
        if self.password.chars().count() < MIN_PASSWORD_CHARS || self.password.len() > 128 {
            push("password", "初始密码至少 10 个字符");
        } else if self.password.trim() != self.password {
            push("password", "密码首尾不能有空格");
        }
        match self.role {
            Role::Operator if self.organisation_id.is_none() => push("organisation_id", "机构运营账号必须选择所属机构"),
            Role::Supervisor if self.district_id.as_deref().is_none_or(|d| d.trim().is_empty()) => {
                push("district_id", "监管账号必须选择负责的区")
            }
            _ => {}
        }
        e
    }
}

/// An account as the platform admin sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Account {
    #[serde(flatten)]
    pub user: User,
    pub organisation_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub disabled: bool,
}

/// 统一社会信用代码 (GB 32100-2015): 18 characters from the code set, the last a check character.
pub fn valid_uscc(s: &str) -> bool {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const W: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let b = s.as_bytes();
    if b.len() != 18 {
        return false;
    }
    let Some(vals) = b.iter().map(|c| CHARS.iter().position(|x| x == c)).collect::<Option<Vec<_>>>() else {
        return false;
    };
    let sum: u32 = vals[..17].iter().zip(W).map(|(&v, w)| v as u32 * w).sum();
    (31 - sum % 31) % 31 == vals[17] as u32
}

/// Mainland phone numbers: a mobile (1[3-9] + 9 digits) or a landline with area code
/// (0 + 2–3 digits, optional "-", 7–8 digits).
pub fn valid_phone(s: &str) -> bool {
    if s.len() > 20 {
        return false;
    }
    let s = s.trim();
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    if s.len() == 11 && s.starts_with('1') && digits(s) && matches!(s.as_bytes()[1], b'3'..=b'9') {
        return true;
    }
    let (area, local) = match s.split_once('-') {
        Some((a, l)) => (a, l),
        None if s.starts_with('0') && digits(s) && (10..=12).contains(&s.len()) => return true,
        None => return false,
    };
    area.starts_with('0') && (3..=4).contains(&area.len()) && digits(area) && (7..=8).contains(&local.len()) && digits(local) && !local.starts_with('0')
}
