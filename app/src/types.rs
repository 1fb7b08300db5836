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

impl Default for CareMode {
    fn default() -> Self {
        CareMode::FullDay
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

/// One class (an age band in one care mode at a place) as a parent needs it for search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClassVacancy {
    pub id: i64,
    pub age_band: AgeBand,
    /// The care mode these places are in (全日托 places and 半日托 places are counted apart).
    #[serde(default)]
    pub care_mode: CareMode,
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

labelled_enum!(
    /// What a parent asks a place for (slots are of kind visit or trial).
    RequestKind {
        Visit = "visit", "预约参观";
        Trial = "trial", "免费入托体验";
        Application = "application", "申请托位";
    }
);

labelled_enum!(
    /// Where a request stands on the server.
    RequestStatus {
        Submitted = "submitted", "已提交";
        Confirmed = "confirmed", "已确认";
        Waitlisted = "waitlisted", "候补";
        Offered = "offered", "已录取";
        Declined = "declined", "未通过";
        Cancelled = "cancelled", "已取消";
    }
);

labelled_enum!(
    /// 困境婴幼儿 priority grounds a family may declare (checked by the operator).
    PriorityGround {
        EconomicHardship = "economic_hardship", "家庭经济困难";
        ParentDisabled = "parent_disabled", "父母一方以上残疾";
        SingleParent = "single_parent", "单亲家庭";
        OtherGuardian = "other_guardian", "由父母以外其他监护人抚养";
    }
);

labelled_enum!(
    /// What an operator does with a request.
    DecisionAction {
        Accept = "accept", "接受";
        Decline = "decline", "不通过";
        Waitlist = "waitlist", "列入候补";
        Offer = "offer", "录取";
    }
);

impl RequestStatus {
    /// Still open: the request holds a slot, a waitlist position or an offered place.
    pub fn is_open(self) -> bool {
        matches!(self, RequestStatus::Submitted | RequestStatus::Confirmed | RequestStatus::Waitlisted | RequestStatus::Offered)
    }

    /// A visit or trial that holds its timeslot (counts against its capacity).
    pub const HOLDING_TIMESLOT: [RequestStatus; 2] = [RequestStatus::Submitted, RequestStatus::Confirmed];

    /// An application still in play: waiting for a decision, on the waitlist or offered.
    pub const OPEN_APPLICATION: [RequestStatus; 3] = [RequestStatus::Submitted, RequestStatus::Waitlisted, RequestStatus::Offered];
}

labelled_enum!(
    /// 居家上门服务 items (the catalogue). 助急 is listed so it can be shown, but it is
    /// never ordered: the app shows call buttons instead.
    ServiceItem {
        Meal = "meal", "助餐";
        Cleaning = "cleaning", "助洁";
        Bathing = "bathing", "助浴";
        MedicalEscort = "medical_escort", "助医/伴医";
        Mobility = "mobility", "助行";
        WelfareVisit = "welfare_visit", "探访";
        LifeCare = "life_care", "生活照料";
        RehabNursing = "rehab_nursing", "康复护理";
        Companionship = "companionship", "精神慰藉";
        Respite = "respite", "喘息服务";
        Errands = "errands", "代办帮办";
        AdaptationAssessment = "adaptation_assessment", "适老化改造评估";
        Emergency = "emergency", "助急";
    }
);

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

labelled_enum!(
    /// How a 助餐 meal reaches the older person.
    MealMode {
        DineIn = "dine_in", "堂食";
        PickUp = "pick_up", "自取";
        Delivery = "delivery", "送餐";
    }
);

labelled_enum!(
    /// 老年人能力评估 result.
    CapabilityLevel {
        Intact = "intact", "能力完好";
        Mild = "mild", "轻度失能";
        Moderate = "moderate", "中度失能";
        Severe = "severe", "重度失能";
    }
);

labelled_enum!(
    /// Categories the plans name (高龄 is not declared: it follows from the age).
    ElderCategory {
        Tekun = "tekun", "特困";
        Dibao = "dibao", "低保";
        DibaoEdge = "dibao_edge", "低保边缘";
        EconomicHardship = "economic_hardship", "经济困难";
        FamilyPlanningSpecial = "family_planning_special", "计划生育特殊家庭";
        SevereDisability = "severe_disability", "重残";
    }
);

labelled_enum!(
    /// Who pays under a rule.
    Payer {
        GovernmentPurchase = "government_purchase", "政府购买服务";
        Subsidy = "subsidy", "服务补贴";
    }
);

labelled_enum!(
    /// Kinds of elderly-care service providers.
    ProviderKind {
        HomeCareCentre = "home_care_centre", "居家养老服务中心";
        HomeCareStation = "home_care_station", "居家养老服务站";
        StreetCentre = "street_centre", "街道综合性养老服务中心";
        MealPoint = "meal_point", "助餐点";
        NursingStation = "nursing_station", "护理站";
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
    #[serde(default)]
    pub care_mode: CareMode,
    pub capacity: i64,
    pub enrolled: i64,
    pub vacancies: i64,
    /// 普惠托位 among the capacity (the capacity cannot go below it).
    #[serde(default)]
    pub puhui_slots: i64,
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
    /// How the operator resolved a conflict, recorded in the audit trail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
}

/// How an operator resolved a write that met a newer figure from another tablet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Sent the tablet's own figure over the other one.
    KeptMine,
    /// Took the other tablet's figure.
    TookTheirs,
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
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 100))]
    pub opening_hours: String,
    /// A mobile (11 digits) or a landline such as 0510-12345678.
    #[cfg_attr(feature = "ssr", schema(max_length = 20))]
    pub phone: String,
    /// Every care mode offered, with its fee (the unit follows the mode).
    pub care_modes: Vec<CareModeFeeEdit>,
    /// The 普惠 monthly price; required when the place has 普惠托位.
    #[cfg_attr(feature = "ssr", schema(minimum = 1, maximum = 10000))]
    pub puhui_fee_yuan: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CareModeFeeEdit {
    pub care_mode: CareMode,
    #[cfg_attr(feature = "ssr", schema(minimum = 1, maximum = 100000))]
    pub fee_yuan: u32,
}

/// An operator's edit of a class's figures (`PUT /api/v1/operator/classes/{id}`),
/// based on the `version` the tablet showed; a moved version answers 409 with the current class.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClassEdit {
    pub version: i64,
    /// 托位 (places the class is licensed and staffed for).
    pub capacity: i64,
    /// 在托 (children enrolled).
    pub enrolled: i64,
    /// 空位 (free places parents may ask for); at most capacity − enrolled.
    pub vacancies: i64,
    /// How the operator resolved a conflict, recorded in the audit trail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
}

/// The largest figure one class row may carry (a row may stand for several rooms of one band).
pub const MAX_CLASS_CAPACITY: i64 = 300;

/// Checks capacity ≥ enrolled + vacancies and the 普惠托位 already counted in the class.
pub fn validate_class_figures(capacity: i64, enrolled: i64, vacancies: i64, puhui_slots: i64) -> Vec<FieldError> {
    let mut e = Vec::new();
    let mut push = |f: &str, m: String| e.push(FieldError { field: f.into(), message: m });
    if !(0..=MAX_CLASS_CAPACITY).contains(&capacity) {
        push("capacity", format!("托位数应在 0 到 {MAX_CLASS_CAPACITY} 之间"));
    } else if capacity < puhui_slots {
        push("capacity", format!("托位数不能少于其中的普惠托位（{puhui_slots} 个）"));
    }
    if enrolled < 0 {
        push("enrolled", "在托人数不能小于 0".into());
    } else if enrolled > capacity {
        push("enrolled", "在托人数不能超过托位数".into());
    }
    if vacancies < 0 {
        push("vacancies", "空位不能小于 0".into());
    } else if enrolled <= capacity && vacancies > capacity - enrolled.max(0) {
        push("vacancies", format!("空位不能超过 托位 − 在托（{}）", capacity - enrolled.max(0)));
    }
    e
}

/// A new class × care mode at a place (`POST /api/v1/operator/places/{id}/classes`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClassCreate {
    pub age_band: AgeBand,
    pub care_mode: CareMode,
    pub capacity: i64,
    pub enrolled: i64,
    pub vacancies: i64,
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

impl PlaceEdit {
    /// Every bad field, with messages in Chinese.
    pub fn validate(&self, has_puhui: bool) -> Vec<FieldError> {
        let mut e = Vec::new();
        let mut push = |f: &str, m: &str| e.push(FieldError { field: f.into(), message: m.into() });
        let hours = self.opening_hours.trim();
        if hours.is_empty() || self.opening_hours.chars().count() > 100 {
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

    #[test]
    fn class_figures() {
        assert!(validate_class_figures(20, 15, 5, 10).is_empty());
        let fields = |c, e, v, p| validate_class_figures(c, e, v, p).into_iter().map(|f| f.field).collect::<Vec<_>>();
        assert_eq!(fields(20, 21, 0, 0), ["enrolled"]);
        assert_eq!(fields(20, 15, 6, 0), ["vacancies"]);
        assert_eq!(fields(20, 0, -1, 0), ["vacancies"]);
        assert_eq!(fields(8, 0, 0, 10), ["capacity"]);
        assert_eq!(fields(-1, 0, 0, 0), ["capacity", "enrolled"]);
        assert_eq!(fields(MAX_CLASS_CAPACITY + 1, 0, 0, 0), ["capacity"]);
    }

    #[test]
    fn organisation_and_account_checks() {
        let org = OrganisationCreate {
            name: "示例托育有限公司".into(),
            uscc: "91320214MA1XXXXXX0".into(),
            beian_status: BeianStatus::Filed,
            beian_number: None,
        };
        let fields: Vec<String> = org.validate().into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["uscc", "beian_number"]);
        // a valid code: the check character computed by GB 32100
        assert!(valid_uscc("91350100M000100Y43"));
        assert!(!valid_uscc("91350100M000100Y44"));
        let acc = AccountCreate {
            username: "Op One".into(),
            display_name: "".into(),
            password: "short".into(),
            role: Role::Operator,
            organisation_id: None,
            district_id: None,
        };
        let fields: Vec<String> = acc.validate().into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["username", "display_name", "password", "organisation_id"]);
        let ok = AccountCreate {
            username: "op-new_1".into(),
            display_name: "王老师".into(),
            password: "a-long-password".into(),
            role: Role::Supervisor,
            organisation_id: None,
            district_id: Some("320214".into()),
        };
        assert!(ok.validate().is_empty());
    }
}
