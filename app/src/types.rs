//! The API's types, shared by the server (JSON out), the typed client and the UI.
//! Identifiers follow the domain glossary: `place`, `organisation`, `age_band`,
//! `care_mode`, `puhui`, `beian`. Coordinates are GCJ-02.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];
            /// The code used in the API, the database and URLs.
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code,)+ } }
            /// The Chinese name users see.
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label,)+ } }
            pub fn from_code(s: &str) -> Option<Self> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

labelled_enum!(
    /// 托育机构类型.
    ProviderType {
        PureChildcare = "pure_childcare", "纯托育机构";
        Kindergarten = "kindergarten", "幼儿园托班";
        EarlyEducation = "early_education", "早教机构托班";
        Community = "community", "社区嵌入式托育点";
        Family = "family", "家庭托育点";
        Employer = "employer", "用人单位办托";
    }
);

labelled_enum!(
    /// Official recognition of a place.
    Badge {
        ProvincialPuhui = "provincial_puhui", "省级普惠";
        ProvincialModel = "provincial_model", "省级示范";
        CityPuhui = "city_puhui", "市级普惠";
        CityModel = "city_model", "市级示范";
        DistrictModel = "district_model", "区级示范";
    }
);

labelled_enum!(
    /// 托育服务形式.
    CareMode {
        FullDay = "full_day", "全日托";
        HalfDay = "half_day", "半日托";
        Hourly = "hourly", "计时托";
        Occasional = "occasional", "临时托";
    }
);

labelled_enum!(
    /// 班级 by age band (托育机构设置标准（试行）).
    AgeBand {
        Infant = "infant", "乳儿班";
        Toddler = "toddler", "托小班";
        Preschool = "preschool", "托大班";
        Mixed = "mixed", "混龄班";
    }
);

labelled_enum!(
    /// The unit a fee is charged in.
    FeeUnit {
        Month = "month", "月";
        Day = "day", "天";
        Hour = "hour", "小时";
    }
);

labelled_enum!(
    /// 备案 status in the national 托育机构备案信息系统.
    BeianStatus {
        Filed = "filed", "已备案";
        Pending = "pending", "备案审核中";
        NotFiled = "not_filed", "未备案";
    }
);

impl AgeBand {
    /// Ages the band takes, in months: `[from, to)`.
    pub fn months(self) -> (u16, u16) {
        match self {
            AgeBand::Infant => (6, 12),
            AgeBand::Toddler => (12, 24),
            AgeBand::Preschool => (24, 36),
            AgeBand::Mixed => (18, 36),
        }
    }
    /// The most children one class of this band may hold.
    pub fn max_class_size(self) -> u16 {
        match self {
            AgeBand::Infant => 10,
            AgeBand::Toddler => 15,
            AgeBand::Preschool => 20,
            AgeBand::Mixed => 18,
        }
    }
    pub fn accepts(self, age_months: u16) -> bool {
        let (from, to) = self.months();
        (from..to).contains(&age_months)
    }
    /// "乳儿班（6–12 个月）"
    pub fn label_with_ages(self) -> String {
        let (from, to) = self.months();
        format!("{}（{from}–{to} 个月）", self.label())
    }
}

impl CareMode {
    pub fn fee_unit(self) -> FeeUnit {
        match self {
            CareMode::FullDay | CareMode::HalfDay => FeeUnit::Month,
            CareMode::Hourly => FeeUnit::Hour,
            CareMode::Occasional => FeeUnit::Day,
        }
    }
}

/// A care mode a place offers and its fee in whole yuan per `unit`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CareModeFee {
    pub care_mode: CareMode,
    pub fee_yuan: u32,
    pub unit: FeeUnit,
}

/// One class (an age band at a place) as a parent needs it for search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClassVacancy {
    pub id: i64,
    pub age_band: AgeBand,
    pub capacity: u32,
    pub enrolled: u32,
    /// How many of the capacity are 普惠托位.
    pub puhui_slots: u32,
    pub vacancies: u32,
    /// When an operator last confirmed `vacancies` (not when the row last changed).
    pub confirmed_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub change_seq: i64,
}

/// Everything the search and the result list need about a place. This is also the
/// document a client caches per area, so search can run offline over it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlaceSummary {
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    pub provider_type: ProviderType,
    pub badges: Vec<Badge>,
    /// The place has 普惠托位 (sold at the capped 普惠 price).
    pub puhui: bool,
    /// The 普惠 monthly price, where it has 普惠托位.
    pub puhui_fee_yuan: Option<u32>,
    pub district_id: String,
    pub district_name: String,
    pub street_id: String,
    pub street_name: String,
    pub address: String,
    /// GCJ-02 latitude.
    pub lat: f64,
    /// GCJ-02 longitude.
    pub lng: f64,
    pub care_modes: Vec<CareModeFee>,
    pub classes: Vec<ClassVacancy>,
    /// Sample (示例) data, never a real record.
    pub is_sample: bool,
    pub updated_at: DateTime<Utc>,
    /// Server-wide change sequence number of this place's latest change.
    pub change_seq: i64,
}

/// Free places for one child's age (or for every class when no age is given).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VacancySummary {
    pub age_bands: Vec<AgeBand>,
    pub vacancies: u32,
    pub capacity: u32,
    /// The oldest confirmation among the classes counted: the figure is only as fresh as that.
    pub confirmed_at: DateTime<Utc>,
}

/// One search result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlaceHit {
    pub id: i64,
    pub name: String,
    pub distance_m: f64,
    pub provider_type: ProviderType,
    pub badges: Vec<Badge>,
    pub puhui: bool,
    pub puhui_fee_yuan: Option<u32>,
    /// The lowest monthly fee (全日托/半日托, or the 普惠 price), for the fee cap and the list.
    pub monthly_fee_yuan: Option<u32>,
    pub district_name: String,
    pub street_id: String,
    pub street_name: String,
    pub lat: f64,
    pub lng: f64,
    pub care_modes: Vec<CareMode>,
    /// `None` when the place has no class for the child's age.
    pub vacancy: Option<VacancySummary>,
    pub is_sample: bool,
    /// When the place's facts (fees, care modes …) last changed.
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlacesResponse {
    /// Where distances are measured from (GCJ-02).
    pub origin_lat: f64,
    pub origin_lng: f64,
    pub radius_m: u32,
    pub age_months: Option<u16>,
    /// Results within the radius that pass every filter, nearest first (at most `limit`).
    pub places: Vec<PlaceHit>,
    /// How many places matched before `limit` cut the list.
    pub total: u32,
    pub generated_at: DateTime<Utc>,
    /// Set by the app, never by the server: the answer was computed on the device
    /// from its cache (offline), with data last synced at this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_cache: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    /// 统一社会信用代码 (18 characters).
    pub uscc: String,
    pub beian_status: BeianStatus,
    pub beian_number: Option<String>,
    pub is_sample: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SiblingPlace {
    pub id: i64,
    pub name: String,
    pub street_name: String,
    pub is_main: bool,
}

/// Everything about one place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlaceDetail {
    #[serde(flatten)]
    pub summary: PlaceSummary,
    /// The organisation's main centre (1+N: the others are community points).
    pub is_main: bool,
    pub opening_hours: String,
    pub phone: String,
    pub organisation: Organisation,
    pub siblings: Vec<SiblingPlace>,
    pub generated_at: DateTime<Utc>,
    /// Set by the app, never by the server: read from the device's cache (offline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_cache: Option<DateTime<Utc>>,
    /// Set by the app: built from the cached search data of a place never opened,
    /// so the organisation, hours and phone are not known yet.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Street {
    pub id: String,
    pub name: String,
    pub lat: f64,
    pub lng: f64,
    pub place_count: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct District {
    pub id: String,
    pub name: String,
    pub city: String,
    pub lat: f64,
    pub lng: f64,
    pub streets: Vec<Street>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AreasResponse {
    pub districts: Vec<District>,
}

/// One bad field of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    /// A message for users, in Chinese.
    pub message: String,
}

/// The body of every error answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// A stable machine code: `validation`, `not_found`, `internal` …
    pub error: String,
    /// A message for users, in Chinese.
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// With a conflict (409): the server's current value, so the client can show both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub current: Option<serde_json::Value>,
}

/// Everything that changed in some areas since a change sequence number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChangesResponse {
    /// The server's change sequence number now: ask with `since=seq` next time.
    pub seq: i64,
    /// The client is too far behind: drop the areas' cache and fetch them again.
    pub reset: bool,
    /// Places (in the areas asked for) inserted or changed since `since`, whole.
    pub places: Vec<PlaceSummary>,
    /// Ids of places deleted since `since` (anywhere: ignore unknown ids).
    pub deleted_places: Vec<i64>,
    pub generated_at: DateTime<Utc>,
}

/// All places of a district or 街道, for the client's cache.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AreaPlacesResponse {
    pub area_id: String,
    /// The change sequence number the snapshot is consistent with.
    pub seq: i64,
    pub places: Vec<PlaceSummary>,
    pub generated_at: DateTime<Utc>,
}

/// `POST /api/v1/favorites` body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FavoriteRequest {
    pub place_id: i64,
}

/// A place saved (收藏) on a device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Favorite {
    pub place_id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FavoritesResponse {
    pub favorites: Vec<Favorite>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FavoriteDeleted {
    pub place_id: i64,
    /// False when the place was not saved (deleting twice is fine).
    pub deleted: bool,
}

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
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub user: User,
    /// Echo in `X-CSRF-Token` on every write made with the session cookie.
    pub csrf_token: String,
}

/// A place an operator manages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OperatorPlace {
    pub id: i64,
    pub name: String,
    pub street_name: String,
}

/// A class as an operator edits it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClassState {
    pub class_id: i64,
    pub place_id: i64,
    pub age_band: AgeBand,
    pub capacity: i64,
    pub enrolled: i64,
    pub vacancies: i64,
    pub version: i64,
    pub confirmed_at: DateTime<Utc>,
}

/// One vacancy write: exactly one of `delta` (a tap), `to` (with `from` and `version`:
/// what the tablet showed), or `confirm` (unchanged, with `version`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VacancyChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delta: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub confirm: bool,
    /// How the operator resolved a conflict (`kept_mine` / `took_theirs`), recorded in the audit trail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub user: String,
    pub place_id: Option<i64>,
    pub class_id: Option<i64>,
    pub action: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub detail: serde_json::Value,
    pub at: DateTime<Utc>,
}

/// An operator's edit of a place's facts (`PUT /api/v1/operator/places/{id}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlaceEdit {
    pub opening_hours: String,
    pub phone: String,
    /// Every care mode offered, with its fee (the unit follows the mode).
    pub care_modes: Vec<CareModeFeeEdit>,
    /// The 普惠 monthly price; required when the place has 普惠托位.
    pub puhui_fee_yuan: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CareModeFeeEdit {
    pub care_mode: CareMode,
    pub fee_yuan: u32,
}

/// Mainland phone numbers: a mobile (1[3-9] + 9 digits) or a landline with area code
/// (0 + 2–3 digits, optional "-", 7–8 digits).
pub fn valid_phone(s: &str) -> bool {
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

impl PlaceEdit {
    /// Every bad field, with messages in Chinese.
    pub fn validate(&self, has_puhui: bool) -> Vec<FieldError> {
        let mut e = Vec::new();
        let mut push = |f: &str, m: &str| e.push(FieldError { field: f.into(), message: m.into() });
        let hours = self.opening_hours.trim();
        if hours.is_empty() || hours.chars().count() > 100 {
            push("opening_hours", "开放时间不能为空，最多 100 个字");
        }
        if !valid_phone(&self.phone) {
            push("phone", "电话号码格式不正确：手机 11 位，座机如 0510-12345678");
        }
        if self.care_modes.is_empty() {
            push("care_modes", "至少提供一种托育形式");
        }
        let mut seen = std::collections::HashSet::new();
        for m in &self.care_modes {
            if !seen.insert(m.care_mode) {
                push("care_modes", &format!("{}重复了", m.care_mode.label()));
            }
            if !(1..=100_000).contains(&m.fee_yuan) {
                push("care_modes", &format!("{}的收费应在 1 到 100000 元之间", m.care_mode.label()));
            }
        }
        match (has_puhui, self.puhui_fee_yuan) {
            (true, None) => push("puhui_fee_yuan", "有普惠托位的机构必须填写普惠价格"),
            (_, Some(f)) if !(1..=10_000).contains(&f) => push("puhui_fee_yuan", "普惠价格应在 1 到 10000 元/月之间"),
            _ => {}
        }
        e
    }
}

#[cfg(test)]
mod edit_tests {
    use super::*;

    #[test]
    fn phones() {
        for ok in ["13812345678", "0510-82345678", "0514-8234567", "051082345678", "021-62345678"] {
            assert!(valid_phone(ok), "{ok}");
        }
        for bad in ["12812345678", "1381234567", "0510-0000123", "510-82345678", "abc", "", "0510-823456789"] {
            assert!(!valid_phone(bad), "{bad}");
        }
    }

    #[test]
    fn edits_name_each_bad_field() {
        let e = PlaceEdit {
            opening_hours: " ".into(),
            phone: "123".into(),
            care_modes: vec![
                CareModeFeeEdit { care_mode: CareMode::FullDay, fee_yuan: 0 },
                CareModeFeeEdit { care_mode: CareMode::FullDay, fee_yuan: 3000 },
            ],
            puhui_fee_yuan: None,
        };
        let fields: Vec<String> = e.validate(true).into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["opening_hours", "phone", "care_modes", "care_modes", "puhui_fee_yuan"]);
        let good = PlaceEdit {
            opening_hours: "周一至周五 07:30–17:30".into(),
            phone: "0510-82345678".into(),
            care_modes: vec![CareModeFeeEdit { care_mode: CareMode::FullDay, fee_yuan: 3000 }],
            puhui_fee_yuan: Some(1500),
        };
        assert!(good.validate(true).is_empty());
    }
}
