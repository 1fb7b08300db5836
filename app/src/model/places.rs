//! Places, their classes and vacancies, areas, the offline sync feed and 收藏.

use super::*;
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
    /// 位置待核实: the registry gave no coordinates; the position is the 街道 centre.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub location_unverified: bool,
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
    /// 位置待核实 (see `PlaceSummary::location_unverified`): the distance is to the 街道 centre.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub location_unverified: bool,
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
