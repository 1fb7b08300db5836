//! Personal information (PIPL): the purposes a family consents to, each with its wording
//! versioned here (what the user saw is stored with the consent), the family's own data as
//! the server holds it (`GET /api/v1/me/data`), who viewed it, and moving to a new phone.

use super::*;

labelled_enum! {
    /// What a consent is for; each is asked for separately (PIPL art. 14, 29).
    Purpose {
        Contact = "contact", "称呼和手机号";
        ChildData = "child_data", "孩子的出生年月和困境情况";
        ProviderShare = "provider_share", "老人的基本信息";
        ElderHealth = "elder_health", "老人的能力评估等级";
        ElderCategories = "elder_categories", "老人的身份类别";
        WeeklyVisit = "weekly_visit", "每周探访";
    }
}

impl Purpose {
    /// What the consent covers, as listed with it.
    pub fn covers(self) -> &'static [&'static str] {
        match self {
            Purpose::Contact => &["联系人称呼", "手机号"],
            Purpose::ChildData => &["孩子出生年月", "入托月份", "困境婴幼儿情况"],
            Purpose::ProviderShare => &["老人称呼", "年龄", "街道和详细地址", "住址位置", "联系电话", "独居 / 空巢"],
            Purpose::ElderHealth => &["能力评估等级"],
            Purpose::ElderCategories => &["身份类别（特困、低保等）"],
            Purpose::WeeklyVisit => &["老人称呼", "年龄", "地址", "联系电话", "独居 / 空巢", "每周探访记录"],
        }
    }

    /// Whether it can be withdrawn on its own while the request or order stays (the others
    /// end with it: cancel it, or delete my data).
    pub fn withdrawable(self) -> bool {
        matches!(self, Purpose::ElderHealth | Purpose::ElderCategories | Purpose::WeeklyVisit)
    }
}

/// One version of a consent's wording. `{机构}` stands for the recipient's name, `{事项}`
/// for what the request is (预约参观 …).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConsentText {
    pub purpose: Purpose,
    pub version: u16,
    pub text: &'static str,
}

/// Every wording ever shown, oldest first; a new wording is a new version (never edit one).
/// Version 1 is what the forms said before consents were recorded one by one (a write
/// queued on a phone then still arrives with it).
pub const TEXTS: &[ConsentText] = &[
    ConsentText { purpose: Purpose::Contact, version: 1, text: "我同意把上面的称呼和手机号提供给「{机构}」，只用于处理这次{事项}。机构接受之前只能看到部分号码。" },
    ConsentText { purpose: Purpose::ProviderShare, version: 1, text: "我同意把老人的称呼、年龄、地址和电话（以及上面同意提供的评估等级、身份类别）提供给「{机构}」，用于这次上门服务。" },
    ConsentText { purpose: Purpose::ElderHealth, version: 1, text: "我同意提供能力评估等级" },
    ConsentText { purpose: Purpose::ElderCategories, version: 1, text: "我同意提供身份类别" },
    ConsentText { purpose: Purpose::WeeklyVisit, version: 1, text: "老人符合每周探访条件，这家机构也会用这些信息每周探访。" },
    ConsentText {
        purpose: Purpose::Contact,
        version: 2,
        text: "我同意把称呼和手机号提供给「{机构}」，只用于处理这次{事项}。机构接受之前只能看到部分号码；结束后保存 12 个月再匿名处理；可随时在「我的信息」查看、下载或删除。",
    },
    ConsentText {
        purpose: Purpose::ChildData,
        version: 2,
        text: "我同意把孩子的出生年月、入托月份和所选困境情况提供给「{机构}」，只用于审核这次申请和排定候补顺序（属于敏感个人信息）。结束后保存 12 个月再匿名处理。",
    },
    ConsentText {
        purpose: Purpose::ProviderShare,
        version: 2,
        text: "我同意把老人的称呼、年龄、地址、住址位置和电话提供给「{机构}」，只用于这次上门服务。机构接单前只能看到部分电话；服务结束后保存 12 个月再匿名处理（补贴结算所需的金额和次数除外）。",
    },
    ConsentText {
        purpose: Purpose::ElderHealth,
        version: 2,
        text: "我同意把老人的能力评估等级（敏感个人信息）提供给「{机构}」，用于核实失能补贴和安排护理员。可随时在「我的信息」撤回，撤回后机构看不到。",
    },
    ConsentText {
        purpose: Purpose::ElderCategories,
        version: 2,
        text: "我同意把老人的身份类别（敏感个人信息）提供给「{机构}」，用于核实政府购买服务和服务补贴。可随时在「我的信息」撤回，撤回后机构看不到，未核实的补贴不再结算。",
    },
    ConsentText {
        purpose: Purpose::WeeklyVisit,
        version: 2,
        text: "老人符合每周探访条件：我同意「{机构}」用老人的称呼、年龄、地址和电话每周探访一次（上门、电话或视频）。可随时在「我的订单」结束探访；换机构需要重新同意。",
    },
];

/// The wording a form shows now.
pub fn current(purpose: Purpose) -> &'static ConsentText {
    TEXTS.iter().rev().find(|t| t.purpose == purpose).expect("every purpose has a wording")
}

/// A version's wording, if it exists.
pub fn text(purpose: Purpose, version: u16) -> Option<&'static ConsentText> {
    TEXTS.iter().find(|t| t.purpose == purpose && t.version == version)
}

impl ConsentText {
    /// The wording as the user saw it, with the recipient and the matter filled in.
    pub fn render(&self, recipient: &str, matter: &str) -> String {
        self.text.replace("{机构}", recipient).replace("{事项}", matter)
    }

    pub fn given(&self) -> ConsentGiven {
        ConsentGiven { purpose: self.purpose, version: self.version }
    }
}

/// A consent as a form sends it: the purpose and the version of the wording shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ConsentGiven {
    pub purpose: Purpose,
    pub version: u16,
}

/// The consents a write carries: unknown versions and missing required purposes are field
/// errors (`consents.<purpose>`), each in words.
pub fn check_consents(given: &[ConsentGiven], required: &[Purpose], errors: &mut Vec<FieldError>) {
    for g in given {
        if text(g.purpose, g.version).is_none() {
            errors.push(FieldError { field: format!("consents.{}", g.purpose.code()), message: "同意书版本不存在，请刷新页面后重新确认".into() });
        }
    }
    for p in required {
        if !given.iter().any(|g| g.purpose == *p) {
            let message = match p {
                Purpose::Contact => "需要您同意把称呼和手机号提供给这家机构，才能提交",
                Purpose::ChildData => "申请托位需要您单独同意提供孩子的出生年月（以及所选困境情况）",
                Purpose::ProviderShare => "需要您同意把老人的信息提供给这家机构，才能下单",
                Purpose::ElderHealth => "提供能力评估等级需要您单独同意",
                Purpose::ElderCategories => "提供身份类别需要您单独同意",
                Purpose::WeeklyVisit => "每周探访需要您单独同意",
            };
            errors.push(FieldError { field: format!("consents.{}", p.code()), message: message.into() });
        }
    }
}

/// A consent as recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ConsentRecord {
    pub id: i64,
    pub purpose: Purpose,
    pub version: u16,
    /// The wording as shown, recipient filled in.
    pub text: String,
    pub covers: Vec<String>,
    /// Who receives it (the place or provider).
    pub recipient: String,
    /// `request`, `order` or `plan`, and its id.
    pub subject_kind: String,
    pub subject_id: String,
    pub given_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// One read of this family's data by someone at a place, provider or the government (查看记录).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccessEntry {
    pub at: DateTime<Utc>,
    /// "飞骑兔托育 · 张老师" — the organisation and the account's display name.
    pub who: String,
    /// What was read, in words ("老人信息", "完整手机号" …).
    pub what: String,
    pub why: String,
    pub subject_id: Option<String>,
}

/// A request as the server holds it, with the personal parts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyRequest {
    pub request: RequestView,
    pub contact_name: String,
    pub contact_phone: String,
    pub child_birth_month: Option<String>,
    pub priority_grounds: Vec<PriorityGround>,
}

/// An order as the server holds it, with the profile shared for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyOrder {
    pub order: OrderView,
    pub elder: crate::model::elder::ElderProfile,
}

/// `GET /api/v1/me/data`: everything the server holds for this device (and the devices it
/// shares with): requests, orders with the shared profile, weekly 探访 plans, saved places,
/// consents, and who viewed them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyData {
    pub generated_at: DateTime<Utc>,
    /// When this device (or the household it shares with) was first and last seen.
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    pub requests: Vec<MyRequest>,
    pub orders: Vec<MyOrder>,
    pub plans: Vec<WelfarePlan>,
    pub saved_places: Vec<Favorite>,
    pub consents: Vec<ConsentRecord>,
    pub views: Vec<AccessEntry>,
    /// Other phones this one shares with.
    pub shared_with: u32,
    /// Whether a recovery code is set.
    pub has_recovery_code: bool,
}

impl MyData {
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty() && self.orders.is_empty() && self.plans.is_empty() && self.saved_places.is_empty() && self.consents.is_empty()
    }

    /// The newest profile shared for an order (a phone that takes over starts with it).
    pub fn latest_elder(&self) -> Option<&crate::model::elder::ElderProfile> {
        self.orders.iter().max_by_key(|o| o.order.created_at).map(|o| &o.elder)
    }
}

/// `DELETE /api/v1/me/data`: what was done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Erased {
    /// Open requests and orders cancelled first.
    pub cancelled: u32,
    pub requests_erased: u32,
    /// Orders kept without anyone's name for subsidy settlement (item, date, price, who paid).
    pub orders_anonymised: u32,
    pub plans_ended: u32,
    pub saved_places_erased: u32,
}

labelled_enum! {
    /// What a transfer code does on the phone that enters it.
    TransferMode {
        Take = "take", "换到新手机（本机不再显示）";
        Share = "share", "与家人共享（两部手机都能查看和下单）";
    }
}

/// `POST /api/v1/me/transfer-codes`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewTransferCode {
    pub mode: TransferMode,
}

/// A code to enter on the other phone, valid once, for ten minutes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TransferCode {
    /// "K7QM-4XPR"
    pub code: String,
    pub mode: TransferMode,
    pub expires_at: DateTime<Utc>,
    /// The address to open on the other phone (`/me/join?code=…`), also as a QR code (SVG).
    pub link: String,
    pub qr_svg: String,
}

/// `POST /api/v1/me/transfer`: a transfer or recovery code entered on this phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EnterCode {
    pub code: String,
}

/// What entering a code did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Transferred {
    pub mode: TransferMode,
    pub requests: u32,
    pub orders: u32,
}

/// `POST /api/v1/me/recovery-code`: shown once, to be written down.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecoveryCode {
    pub code: String,
}

/// The alphabet of codes: no 0/O, 1/I/L, so a code read aloud or off paper is entered right.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A code as typed ("k7qm 4xpr", "K7QM-4XPR") in its stored form ("K7QM4XPR"), or `None`
/// when it holds a character no code has.
pub fn normalise_code(s: &str) -> Option<String> {
    let out: String = s.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    (!out.is_empty() && out.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(out)
}

/// "K7QM4XPR" → "K7QM-4XPR" (groups of four).
pub fn group_code(s: &str) -> String {
    s.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_purpose_has_a_current_wording_and_versions_are_unique() {
        for p in Purpose::ALL {
            assert!(current(*p).version >= 2, "{p:?}");
        }
        for (i, a) in TEXTS.iter().enumerate() {
            assert!(TEXTS[i + 1..].iter().all(|b| (a.purpose, a.version) != (b.purpose, b.version)));
        }
        assert!(current(Purpose::Contact).render("飞骑兔", "预约参观").contains("「飞骑兔」，只用于处理这次预约参观"));
    }

    #[test]
    fn consents_are_checked_per_purpose() {
        let mut e = vec![];
        check_consents(&[current(Purpose::Contact).given(), ConsentGiven { purpose: Purpose::ElderHealth, version: 9 }], &[Purpose::Contact, Purpose::ChildData], &mut e);
        let fields: Vec<_> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["consents.elder_health", "consents.child_data"]);
    }

    #[test]
    fn codes_are_read_as_typed() {
        assert_eq!(normalise_code(" k7qm-4xpr ").as_deref(), Some("K7QM4XPR"));
        assert_eq!(normalise_code("K7QM 4XP0"), None);
        assert_eq!(group_code("K7QM4XPR"), "K7QM-4XPR");
    }
}
