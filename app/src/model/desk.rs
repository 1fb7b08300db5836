//! What the desk edits: its places, classes and their figures, vacancy changes, the audit trail.

use super::*;
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

/// `POST /api/v1/admin/organisations/{id}/places`: a place (点位) the admin registers for an
/// organisation (1+N: its main centre or a community point).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlaceCreate {
    #[cfg_attr(feature = "ssr", schema(max_length = 60))]
    pub name: String,
    pub is_main: bool,
    pub provider_type: crate::model::ProviderType,
    /// The 街道 (`/api/v1/areas`); the district follows from it.
    pub street_id: String,
    #[cfg_attr(feature = "ssr", schema(max_length = 100))]
    pub address: String,
    /// GCJ-02; without a position the place is put at its 街道's centre and shown as 位置待核实.
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lng: Option<f64>,
    #[cfg_attr(feature = "ssr", schema(max_length = 100))]
    pub opening_hours: String,
    #[cfg_attr(feature = "ssr", schema(max_length = 20))]
    pub phone: String,
    pub care_modes: Vec<CareModeFeeEdit>,
    pub puhui: bool,
    #[serde(default)]
    pub puhui_fee_yuan: Option<u32>,
}

impl PlaceCreate {
    /// Every problem, by field, in Chinese (the street is checked by the server).
    pub fn validate(&self) -> Vec<crate::model::FieldError> {
        let mut e = Vec::new();
        let mut push = |f: &str, m: &str| e.push(crate::model::FieldError { field: f.into(), message: m.into() });
        let len = |s: &str| s.trim().chars().count();
        if !(2..=60).contains(&len(&self.name)) || self.name.chars().count() > 60 {
            push("name", "点位名称应为 2 到 60 个字");
        }
        if self.name.contains("示例") {
            push("name", "真实点位的名称不能带“示例”");
        }
        if self.street_id.trim().is_empty() {
            push("street_id", "请选择所在街道");
        }
        if !(2..=100).contains(&len(&self.address)) {
            push("address", "请填写详细地址（2 到 100 个字）");
        }
        match (self.lat, self.lng) {
            (None, None) => {}
            (Some(lat), Some(lng)) if (3.0..=54.0).contains(&lat) && (73.0..=136.0).contains(&lng) => {}
            (Some(_), Some(_)) => push("lat", "经纬度应在中国境内（GCJ-02）"),
            _ => push("lat", "经度和纬度要一起填写"),
        }
        if !(2..=100).contains(&len(&self.opening_hours)) {
            push("opening_hours", "请填写开放时间");
        }
        if !crate::model::valid_phone(&self.phone) {
            push("phone", "请填写手机号或带区号的电话，如 0510-88881234");
        }
        if self.care_modes.is_empty() {
            push("care_modes", "至少选择一种托育形式并填写收费");
        }
        let mut seen = Vec::new();
        for m in &self.care_modes {
            if seen.contains(&m.care_mode) {
                push("care_modes", "同一托育形式只能填写一次");
            }
            seen.push(m.care_mode);
            if !(1..=100_000).contains(&m.fee_yuan) {
                push("care_modes", "收费应为 1 到 100000 元");
            }
        }
        match (self.puhui, self.puhui_fee_yuan) {
            (true, None) => push("puhui_fee_yuan", "提供普惠托位时请填写普惠收费"),
            (_, Some(f)) if !(1..=10_000).contains(&f) => push("puhui_fee_yuan", "普惠收费应为 1 到 10000 元/月"),
            _ => {}
        }
        e
    }
}
