//! Orders for 居家上门服务 (点单式): an item from a provider that serves the address, in
//! one of its timeslots, for the older person's profile. The price and who pays are
//! computed by the server with the same `quote` the app shows.

use crate::model::elder::{ElderProfile, Quote};
use super::*;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Where an order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Submitted,
    Accepted,
    Assigned,
    InService,
    Completed,
    Declined,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: &'static [OrderStatus] = &[
        OrderStatus::Submitted,
        OrderStatus::Accepted,
        OrderStatus::Assigned,
        OrderStatus::InService,
        OrderStatus::Completed,
        OrderStatus::Declined,
        OrderStatus::Cancelled,
    ];
    pub fn code(self) -> &'static str {
        match self {
            OrderStatus::Submitted => "submitted",
            OrderStatus::Accepted => "accepted",
            OrderStatus::Assigned => "assigned",
            OrderStatus::InService => "in_service",
            OrderStatus::Completed => "completed",
            OrderStatus::Declined => "declined",
            OrderStatus::Cancelled => "cancelled",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::Submitted => "已提交",
            OrderStatus::Accepted => "已接单",
            OrderStatus::Assigned => "已派单",
            OrderStatus::InService => "服务中",
            OrderStatus::Completed => "已完成",
            OrderStatus::Declined => "已拒绝",
            OrderStatus::Cancelled => "已取消",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.code() == s)
    }
    /// Still holds its timeslot.
    pub fn holds_timeslot(self) -> bool {
        Self::HOLDING_TIMESLOT.contains(&self)
    }

    /// Ended: retention anonymises these once they are old enough.
    pub const CLOSED: [OrderStatus; 3] = [OrderStatus::Completed, OrderStatus::Declined, OrderStatus::Cancelled];

    /// Orders that hold their timeslot (count against its capacity): not yet done, declined or
    /// cancelled.
    pub const HOLDING_TIMESLOT: [OrderStatus; 4] =
        [OrderStatus::Submitted, OrderStatus::Accepted, OrderStatus::Assigned, OrderStatus::InService];

    /// What a carer's list shows: visits assigned to them, under way or done.
    pub const ON_CARERS_LIST: [OrderStatus; 3] = [OrderStatus::Assigned, OrderStatus::InService, OrderStatus::Completed];
}

/// `POST /api/v1/orders`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewOrder {
    /// UUID made on the device.
    #[cfg_attr(feature = "ssr", schema(min_length = 36, max_length = 36, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"))]
    pub id: String,
    pub provider_id: i64,
    pub item: ServiceItem,
    #[serde(default)]
    pub meal_mode: Option<MealMode>,
    pub timeslot_id: i64,
    /// "YYYY-MM-DD", Beijing.
    #[cfg_attr(feature = "ssr", schema(min_length = 10, max_length = 10, format = Date))]
    pub date: String,
    /// The profile as shared (without consent the sensitive parts are left out).
    pub elder: ElderProfile,
    /// Consent to share the profile with this provider for this order (before consents were
    /// sent one by one: read as version 1 of each purpose the profile carried).
    #[serde(default)]
    pub consent: bool,
    /// The consents given, each with the version of the wording shown: `ProviderShare`
    /// (required); `ElderHealth` / `ElderCategories` to send those parts; `WeeklyVisit` for
    /// the weekly 探访 by this provider.
    #[serde(default)]
    pub consents: Vec<crate::model::privacy::ConsentGiven>,
}

impl NewOrder {
    /// Checks that need no database.
    pub fn validate(&self, today: NaiveDate) -> Vec<FieldError> {
        let mut e: Vec<FieldError> = self.elder.validate().into_iter().map(|f| FieldError { field: format!("elder.{}", f.field), ..f }).collect();
        let mut push = |f: &str, m: &str| e.push(FieldError { field: f.into(), message: m.into() });
        if !crate::model::requests::valid_uuid(&self.id) {
            push("id", "订单编号格式不正确，请刷新页面后重试");
        }
        if self.item == ServiceItem::Emergency {
            push("item", "助急不需要下单，请直接拨打机构紧急电话或 120");
        }
        if self.item == ServiceItem::Meal && self.meal_mode.is_none() {
            push("meal_mode", "请选择堂食、自取或送餐");
        }
        if self.item != ServiceItem::Meal && self.meal_mode.is_some() {
            push("meal_mode", "只有助餐需要选择用餐方式");
        }
        if let Some(m) = date_problem(&self.date, today) {
            push("timeslot", m);
        }
        crate::model::privacy::check_consents(&self.given_consents(), &[crate::model::privacy::Purpose::ProviderShare], &mut e);
        e
    }

    /// The consents this order carries. A write from before consents were sent one by one
    /// brings `consent` and the profile's two flags: version 1 of each (its wording named the
    /// weekly 探访 too).
    pub fn given_consents(&self) -> Vec<crate::model::privacy::ConsentGiven> {
        use crate::model::privacy::{ConsentGiven, Purpose};
        if !self.consents.is_empty() {
            return self.consents.clone();
        }
        let v1 = |purpose| ConsentGiven { purpose, version: 1 };
        let mut out = vec![];
        if self.consent {
            out.extend([v1(Purpose::ProviderShare), v1(Purpose::WeeklyVisit)]);
            if self.elder.consent_health {
                out.push(v1(Purpose::ElderHealth));
            }
            if self.elder.consent_categories {
                out.push(v1(Purpose::ElderCategories));
            }
        }
        out
    }

    pub fn consents_to(&self, purpose: crate::model::privacy::Purpose) -> bool {
        self.given_consents().iter().any(|g| g.purpose == purpose)
    }

    /// The profile this order sends: the level and the categories only with their consents.
    pub fn shared_elder(&self) -> ElderProfile {
        use crate::model::privacy::Purpose;
        let mut e = self.elder.shared();
        if !self.consents_to(Purpose::ElderHealth) {
            e.capability_level = None;
            e.consent_health = false;
        }
        if !self.consents_to(Purpose::ElderCategories) {
            e.categories.clear();
            e.consent_categories = false;
        }
        e
    }
}

/// What is wrong with a visit date, if anything (the `timeslot` field's message).
pub fn date_problem(date: &str, today: NaiveDate) -> Option<&'static str> {
    if date.len() != 10 {
        return Some("请选择一个时段");
    }
    match crate::rules::format::parse_ymd(date) {
        Some(d) if d < today => Some("这个时段已经过去了，请选择其他时段"),
        Some(d) if (d - today).num_days() > crate::model::requests::BOOKING_DAYS => Some("只能预约 14 天内的时段"),
        Some(_) => None,
        None => Some("请选择一个时段"),
    }
}

/// When a visit on `date` ("YYYY-MM-DD") at `start_min` minutes after midnight starts,
/// as an instant (dates and times are Beijing time, UTC+8).
pub fn visit_start(date: &str, start_min: u32) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    let d = crate::rules::format::parse_ymd(date)?;
    let local = d.and_hms_opt(start_min / 60, start_min % 60, 0)?;
    Some(Utc.from_utc_datetime(&(local - chrono::Duration::hours(8))))
}

/// Why an order cannot be moved to `date` at `start` ("HH:MM") at `now`: the new time must
/// leave the provider the same notice as a cancellation (its window, e.g. 12 h), or the
/// family could move a visit into the next hours and then neither cancel nor move it again.
pub fn move_problem(o: &OrderView, date: &str, start: &str, now: DateTime<Utc>) -> Option<String> {
    let window = visit_start(&o.date, crate::model::requests::parse_hhmm(&o.start)?)? - o.cancel_until;
    let new_start = visit_start(date, crate::model::requests::parse_hhmm(start)?)?;
    (now > new_start - window).then(|| {
        format!(
            "新时段距上门已不足 {} 小时（机构规定的改期时限），请选择更晚的时段，或直接致电 {} {}",
            window.num_hours(),
            o.provider_name,
            o.provider_phone
        )
    })
}

/// An order as the family sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderView {
    pub id: String,
    pub provider_id: i64,
    pub provider_name: String,
    pub provider_phone: String,
    pub item: ServiceItem,
    pub meal_mode: Option<MealMode>,
    pub date: String,
    pub start: String,
    pub end: String,
    pub elder_name: String,
    pub status: OrderStatus,
    pub quote: Quote,
    /// The provider has checked the categories / level the subsidy rests on.
    pub category_confirmed: bool,
    /// With 已派单: who comes.
    pub carer: Option<CarerView>,
    pub message: Option<String>,
    /// Latest time to cancel online (the provider's window before the visit).
    pub cancel_until: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub is_sample: bool,
    /// The carer's check-in at the door (服务中 from then).
    #[serde(default)]
    pub check_in: Option<VisitStamp>,
    /// The check-out (已完成 from then).
    #[serde(default)]
    pub check_out: Option<VisitStamp>,
    /// What the carer did, from the check-out.
    #[serde(default)]
    pub tasks: Vec<VisitTask>,
    #[serde(default)]
    pub carer_note: Option<String>,
    /// The family's rating, 1–5.
    #[serde(default)]
    pub rating: Option<u8>,
    #[serde(default)]
    pub rating_comment: Option<String>,
}

/// A position farther than this from the address is kept, and flagged.
pub const FAR_FROM_ADDRESS_M: f64 = 100.0;

/// A check-in or check-out as recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VisitStamp {
    /// When the carer tapped (the phone's time, kept when it reached the server later).
    pub at: DateTime<Utc>,
    /// When it reached the server.
    pub received_at: DateTime<Utc>,
    /// Distance of the tap's position from the address; none when no position was given.
    pub distance_m: Option<f64>,
    /// Farther than 100 m from the address, or without a position.
    pub flagged: bool,
}

impl VisitStamp {
    /// A stamp with its flag: farther than 100 m from the address, or no position.
    pub fn new(at: DateTime<Utc>, received_at: DateTime<Utc>, distance_m: Option<f64>) -> Self {
        VisitStamp { at, received_at, distance_m, flagged: distance_m.is_none_or(|d| d > FAR_FROM_ADDRESS_M) }
    }
}

/// One task of a visit, as the carer records it at check-out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VisitTask {
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 40))]
    pub task: String,
    pub done: bool,
    /// Required when not done.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 100))]
    pub reason: Option<String>,
}

/// `POST /api/v1/carer/orders/{id}/check-in`: the tap's time and position (GCJ-02).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CheckIn {
    pub tapped_at: DateTime<Utc>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lng: Option<f64>,
}

/// `POST /api/v1/carer/orders/{id}/check-out`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CheckOut {
    pub tapped_at: DateTime<Utc>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lng: Option<f64>,
    pub tasks: Vec<VisitTask>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 300))]
    pub note: Option<String>,
}

impl CheckOut {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if self.tasks.is_empty() {
            e.push(FieldError { field: "tasks".into(), message: "请逐项记录服务内容".into() });
        }
        for (i, t) in self.tasks.iter().enumerate() {
            if t.task.trim().is_empty() || t.task.chars().count() > 40 {
                e.push(FieldError { field: format!("tasks.{i}.task"), message: "服务项目名称应为 1–40 个字".into() });
            }
            let reason = t.reason.as_deref().map(str::trim).unwrap_or("");
            if !t.done && reason.is_empty() {
                e.push(FieldError { field: format!("tasks.{i}.reason"), message: format!("“{}”未完成，请写明原因", t.task.trim()) });
            }
            if t.reason.as_deref().is_some_and(|r| r.chars().count() > 100) {
                e.push(FieldError { field: format!("tasks.{i}.reason"), message: "原因最多 100 个字".into() });
            }
        }
        if self.note.as_deref().is_some_and(|n| n.chars().count() > 300) {
            e.push(FieldError { field: "note".into(), message: "服务记录最多 300 个字".into() });
        }
        e.extend(position_errors(self.lat, self.lng));
        e
    }
}

/// A position is both coordinates or neither.
pub fn position_errors(lat: Option<f64>, lng: Option<f64>) -> Vec<FieldError> {
    match (lat, lng) {
        (None, None) => vec![],
        (Some(a), Some(b)) if a.is_finite() && b.is_finite() && (-90.0..=90.0).contains(&a) && (-180.0..=180.0).contains(&b) => vec![],
        _ => vec![FieldError { field: "position".into(), message: "定位数据不完整，请重新定位".into() }],
    }
}

/// The tasks a carer checks off for an item (the provider's standard for the visit).
pub fn default_tasks(item: ServiceItem) -> &'static [&'static str] {
    match item {
        ServiceItem::Bathing => &["洗浴前测量血压、询问身体状况", "调好水温、做好防滑", "协助洗浴", "更衣并整理浴室"],
        ServiceItem::Cleaning => &["清扫地面", "整理床铺衣物", "清洁厨房和卫生间", "检查水电燃气安全"],
        ServiceItem::Meal => &["按约定供应或送达餐食", "了解老人进食情况"],
        ServiceItem::MedicalEscort => &["陪同挂号就诊", "取药并讲清用法", "安全送回家"],
        ServiceItem::Mobility => &["协助出行", "安全送达"],
        ServiceItem::WelfareVisit => &["了解身体和生活情况", "检查居家安全", "记录需求并告知家属"],
        ServiceItem::RehabNursing => &["测量生命体征", "完成约定的康复护理", "讲解居家注意事项"],
        ServiceItem::Respite => &["交接老人情况", "完成约定的照护", "向家属交回情况"],
        ServiceItem::AdaptationAssessment => &["查看居室与通道", "记录需改造的部位", "给出改造建议"],
        _ => &["了解身体状况", "完成约定服务", "检查居家安全"],
    }
}

/// `POST /api/v1/orders/{id}/rating`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewRating {
    #[cfg_attr(feature = "ssr", schema(minimum = 1, maximum = 5))]
    pub stars: u8,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 200))]
    pub comment: Option<String>,
}

impl NewRating {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if !(1..=5).contains(&self.stars) {
            e.push(FieldError { field: "stars".into(), message: "请选择 1 到 5 星".into() });
        }
        if self.comment.as_deref().is_some_and(|c| c.chars().count() > 200) {
            e.push(FieldError { field: "comment".into(), message: "评价最多 200 个字".into() });
        }
        e
    }
}

/// `POST /api/v1/orders/{id}/reschedule`: another timeslot (and date) of the same item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Reschedule {
    pub timeslot_id: i64,
    /// "YYYY-MM-DD", Beijing.
    #[cfg_attr(feature = "ssr", schema(min_length = 10, max_length = 10, format = Date))]
    pub date: String,
}

/// A carer as the family and the provider see them (the phone only for the provider).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CarerView {
    pub id: i64,
    pub name: String,
    /// 初级 / 中级 / 高级 养老护理员.
    pub level: String,
    pub certificate_no: String,
}

/// `GET /api/v1/orders`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrdersResponse {
    pub orders: Vec<OrderView>,
    pub generated_at: DateTime<Utc>,
}

/// A provider of the operator's organisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OperatorProvider {
    pub id: i64,
    pub name: String,
    pub kind: crate::model::ProviderKind,
}

/// An order in the provider's inbox: the family's order with the profile they shared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProviderOrder {
    #[serde(flatten)]
    pub order: OrderView,
    pub elder: ElderProfile,
}

/// What a provider does with an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderAction {
    Accept,
    Decline,
    Assign,
    ConfirmCategory,
}

/// `POST /api/v1/operator/orders/{id}/decision`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderDecision {
    pub action: OrderAction,
    /// With `assign`.
    #[serde(default)]
    pub carer_id: Option<i64>,
    /// To the family; required when declining.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 200))]
    pub message: Option<String>,
}

/// A carer as the provider manages them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Carer {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub level: String,
    pub certificate_no: String,
    /// The certificate's last valid day ("YYYY-MM-DD"); `None` for carers recorded before
    /// expiry dates were kept. An expired certificate cannot be assigned.
    #[serde(default)]
    pub certificate_expires_on: Option<String>,
    pub is_sample: bool,
}

impl Carer {
    /// Whether the certificate is still valid on `today` (Beijing date).
    pub fn certified_on(&self, today: NaiveDate) -> bool {
        certified_on(self.certificate_expires_on.as_deref(), today)
    }
}

/// A certificate valid through `expires_on` (or with no recorded expiry) counts on `today`.
pub fn certified_on(expires_on: Option<&str>, today: NaiveDate) -> bool {
    match expires_on.map(|d| crate::rules::format::parse_ymd(d).ok_or(())) {
        None => true,
        Some(Ok(d)) => d >= today,
        Some(Err(_)) => false,
    }
}

labelled_enum!(
    /// 养老护理员 level (国家职业技能标准).
    CarerLevel {
        Junior = "junior", "初级养老护理员";
        Intermediate = "intermediate", "中级养老护理员";
        Senior = "senior", "高级养老护理员";
    }
);

/// `POST /api/v1/operator/providers/{id}/carers`: a carer the provider adds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CarerCreate {
    #[cfg_attr(feature = "ssr", schema(max_length = 20))]
    pub name: String,
    /// An 11-digit mainland mobile number.
    #[cfg_attr(feature = "ssr", schema(max_length = 20))]
    pub phone: String,
    pub level: CarerLevel,
    /// 养老护理员职业技能等级证书 number.
    #[cfg_attr(feature = "ssr", schema(max_length = 40))]
    pub certificate_no: String,
    /// The certificate's last valid day, "YYYY-MM-DD"; not already past.
    pub certificate_expires_on: String,
}

impl CarerCreate {
    /// Every problem, by field, in Chinese (`today`: the Beijing date).
    pub fn validate(&self, today: NaiveDate) -> Vec<crate::model::FieldError> {
        let mut e = Vec::new();
        let mut push = |f: &str, m: &str| e.push(crate::model::FieldError { field: f.into(), message: m.into() });
        let n = self.name.trim().chars().count();
        if !(2..=20).contains(&n) || self.name.chars().count() > 20 {
            push("name", "姓名应为 2 到 20 个字");
        }
        if !crate::model::requests::valid_mobile(&self.phone) {
            push("phone", "请填写 11 位手机号");
        }
        let c = self.certificate_no.trim();
        if !(4..=40).contains(&c.chars().count()) || self.certificate_no.chars().count() > 40 {
            push("certificate_no", "请填写证书编号（4 到 40 个字符）");
        }
        match crate::rules::format::parse_ymd(self.certificate_expires_on.trim()) {
            None => push("certificate_expires_on", "请填写证书有效期（年-月-日）"),
            Some(d) if d < today => push("certificate_expires_on", "证书已过期：过期的护理员不能上门服务"),
            Some(_) => {}
        }
        e
    }
}

/// "senior" → "高级养老护理员"
pub fn carer_level_label(code: &str) -> &'static str {
    match code {
        "senior" => "高级养老护理员",
        "intermediate" => "中级养老护理员",
        "junior" => "初级养老护理员",
        _ => "养老护理员",
    }
}

/// One week's 探访 of a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WelfareVisit {
    pub id: i64,
    /// Monday of the week, "YYYY-MM-DD".
    pub week_start: String,
    /// Sunday of the week.
    pub due_on: String,
    pub status: crate::model::WelfareStatus,
    pub mode: Option<crate::model::WelfareMode>,
    pub done_at: Option<DateTime<Utc>>,
    pub carer_name: Option<String>,
    pub note: Option<String>,
}

/// The weekly 探访 an older person receives (宿城区 rule: 80+ living alone or
/// empty-nest, or in economic hardship with a disability), as the family sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WelfarePlan {
    pub id: i64,
    pub elder_name: String,
    /// Which part of the rule applies, in words.
    pub reason: String,
    pub provider_id: i64,
    pub provider_name: String,
    pub provider_phone: String,
    pub started_on: String,
    /// Newest week first.
    pub visits: Vec<WelfareVisit>,
    pub is_sample: bool,
    /// The consent the plan follows (withdrawing it ends the plan).
    #[serde(default)]
    pub consent_id: Option<i64>,
    /// "YYYY-MM-DD" when ended.
    #[serde(default)]
    pub ended_on: Option<String>,
}

/// `GET /api/v1/welfare-visits`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WelfarePlansResponse {
    pub plans: Vec<WelfarePlan>,
    pub generated_at: DateTime<Utc>,
}

/// A week's 探访 in the provider's list: due this week or missed, with the person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProviderWelfareVisit {
    #[serde(flatten)]
    pub visit: WelfareVisit,
    pub plan_id: i64,
    pub reason: String,
    pub elder: ElderProfile,
}

/// `POST /api/v1/operator/welfare-visits/{id}`: the visit was made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecordWelfareVisit {
    pub mode: crate::model::WelfareMode,
    /// When it happened (the tap on the tablet or phone).
    pub done_at: DateTime<Utc>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 300))]
    pub note: Option<String>,
}

/// Why the rule applies to this person, in words; none when it does not.
pub fn welfare_reason(e: &ElderProfile) -> Option<String> {
    if !e.needs_weekly_visit() {
        return None;
    }
    Some(if e.age >= crate::model::elder::ADVANCED_AGE && (e.lives_alone || e.empty_nest) {
        format!("{} 岁{}", e.age, if e.lives_alone { "独居" } else { "空巢" })
    } else {
        "经济困难且失能".to_string()
    })
}

/// Monday of the (Beijing) week a date falls in.
pub fn week_start(d: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    d - chrono::Duration::days(d.weekday().num_days_from_monday() as i64)
}


labelled_enum!(
    /// How a weekly 探访 was made.
    WelfareMode {
        InPerson = "in_person", "上门探访";
        Phone = "phone", "电话探访";
        Video = "video", "视频探访";
    }
);

labelled_enum!(
    /// Where a week's 探访 stands.
    WelfareStatus {
        Due = "due", "本周待探访";
        Done = "done", "已探访";
        Missed = "missed", "未按时探访";
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> NewOrder {
        NewOrder {
            id: "00000000-0000-4000-8000-000000000001".into(),
            provider_id: 1,
            item: ServiceItem::Bathing,
            meal_mode: None,
            timeslot_id: 1,
            date: "2026-11-24".into(),
            elder: ElderProfile {
                name: "张大爷".into(),
                age: 82,
                street_id: "wuxi-xinwu-wangzhuang".into(),
                address_detail: "旺庄路 1 号".into(),
                lat: 31.575,
                lng: 120.358,
                phone: "13812345678".into(),
                lives_alone: true,
                empty_nest: false,
                capability_level: None,
                categories: vec![],
                consent_health: false,
                consent_categories: false,
            },
            consent: true,
            consents: vec![],
        }
    }

    #[test]
    fn orders_are_checked() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert!(order().validate(today).is_empty());
        let meal = NewOrder { item: ServiceItem::Meal, ..order() };
        assert_eq!(meal.validate(today)[0].field, "meal_mode");
        let mut bad = NewOrder { consent: false, date: "2026-11-20".into(), item: ServiceItem::Emergency, ..order() };
        bad.elder.name = String::new();
        let f: Vec<String> = bad.validate(today).into_iter().map(|e| e.field).collect();
        assert_eq!(f, ["elder.name", "item", "timeslot", "consents.provider_share"]);
        assert_eq!(OrderStatus::from_code("in_service"), Some(OrderStatus::InService));
        assert!(OrderStatus::Assigned.holds_timeslot() && !OrderStatus::Cancelled.holds_timeslot());
    }

    #[test]
    fn check_outs_need_a_reason_for_each_task_not_done() {
        let t = |task: &str, done: bool, reason: Option<&str>| VisitTask { task: task.into(), done, reason: reason.map(String::from) };
        let out = CheckOut { tapped_at: Utc::now(), lat: Some(31.5), lng: Some(120.3), tasks: vec![t("协助洗浴", true, None)], note: None };
        assert!(out.validate().is_empty());
        let bad = CheckOut { tasks: vec![t("协助洗浴", true, None), t("整理浴室", false, Some("  "))], lat: Some(31.5), lng: None, ..out.clone() };
        let f: Vec<String> = bad.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(f, ["tasks.1.reason", "position"]);
        assert_eq!(CheckOut { tasks: vec![], ..out.clone() }.validate()[0].field, "tasks");
        let ok = CheckOut { tasks: vec![t("整理浴室", false, Some("老人不需要"))], ..out };
        assert!(ok.validate().is_empty());
        for item in ServiceItem::ALL {
            assert!(!default_tasks(*item).is_empty(), "{item:?}");
        }
    }

    #[test]
    fn ratings_are_one_to_five_stars() {
        assert!(NewRating { stars: 5, comment: Some("很细心".into()) }.validate().is_empty());
        assert_eq!(NewRating { stars: 0, comment: None }.validate()[0].field, "stars");
        assert_eq!(NewRating { stars: 6, comment: None }.validate()[0].field, "stars");
        assert_eq!(NewRating { stars: 3, comment: Some("好".repeat(201)) }.validate()[0].field, "comment");
    }

    #[test]
    fn the_weekly_visit_rule_says_why_and_weeks_start_on_monday() {
        let mut e = order().elder;
        assert_eq!(welfare_reason(&e).as_deref(), Some("82 岁独居"));
        e.lives_alone = false;
        assert_eq!(welfare_reason(&e), None);
        e.empty_nest = true;
        assert_eq!(welfare_reason(&e).as_deref(), Some("82 岁空巢"));
        e.age = 79;
        assert_eq!(welfare_reason(&e), None);
        e.categories = vec![crate::model::ElderCategory::Dibao];
        e.capability_level = Some(crate::model::CapabilityLevel::Moderate);
        assert_eq!(welfare_reason(&e).as_deref(), Some("经济困难且失能"));
        let sunday = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!((week_start(sunday), week_start(monday)), (monday, monday));
        assert_eq!(week_start(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()), NaiveDate::from_ymd_opt(2026, 11, 16).unwrap());
    }
}
