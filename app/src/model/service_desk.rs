//! What a provider keeps on the desk about its 居家上门服务 (besides its carers): the items it
//! offers with duration and price, the weekly timeslots of each item with a capacity, and the
//! area it serves (a radius around it, or a list of 街道 of its district).

use crate::model::requests::{parse_hhmm, weekday_label};
use crate::model::{FieldError, MealMode, ProviderItem, ServiceItem};
use serde::{Deserialize, Serialize};

/// `GET /api/v1/operator/providers/{id}/service`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProviderService {
    pub provider_id: i64,
    /// Items offered now and items stopped (`offered: false`), in catalogue order.
    pub items: Vec<ItemOffer>,
    pub timeslots: Vec<HomeSlot>,
    pub area: ServiceArea,
    /// The 街道 of the provider's district, to choose the area from.
    pub streets: Vec<StreetChoice>,
}

/// An item as the provider offers it, or offered before.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemOffer {
    #[serde(flatten)]
    pub item: ProviderItem,
    pub offered: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StreetChoice {
    pub id: String,
    pub name: String,
}

/// A weekly home-care window of one item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HomeSlot {
    pub id: i64,
    pub item: ServiceItem,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// "HH:MM", Beijing time.
    pub start: String,
    pub end: String,
    /// Visits the provider can make in the window.
    pub capacity: u32,
    pub active: bool,
}

impl HomeSlot {
    /// "助浴 · 周三 09:00–11:00 · 每次 2 单"
    pub fn label(&self) -> String {
        format!("{} · {} {}–{} · 每次 {} 单", self.item.label(), weekday_label(self.weekday), self.start, self.end, self.capacity)
    }
}

/// `POST /api/v1/operator/providers/{id}/home-timeslots`: a new weekly window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HomeSlotCreate {
    pub item: ServiceItem,
    #[cfg_attr(feature = "ssr", schema(minimum = 1, maximum = 7))]
    pub weekday: u8,
    #[cfg_attr(feature = "ssr", schema(min_length = 5, max_length = 5, example = "09:00"))]
    pub start: String,
    #[cfg_attr(feature = "ssr", schema(min_length = 5, max_length = 5, example = "11:00"))]
    pub end: String,
    #[cfg_attr(feature = "ssr", schema(minimum = 1, maximum = 100))]
    pub capacity: u32,
}

fn push(e: &mut Vec<FieldError>, field: &str, message: &str) {
    e.push(FieldError { field: field.into(), message: message.into() });
}

impl HomeSlotCreate {
    /// Every problem, by field, in Chinese (whether the provider offers the item is the server's check).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if self.item == ServiceItem::Emergency {
            push(&mut e, "item", "助急不需要时段：请家属直接拨打 24 小时电话");
        }
        if !(1..=7).contains(&self.weekday) {
            push(&mut e, "weekday", "请选择星期几");
        }
        match (parse_hhmm(&self.start), parse_hhmm(&self.end)) {
            (None, _) => push(&mut e, "start", "请填写开始时间（时:分）"),
            (_, None) => push(&mut e, "end", "请填写结束时间（时:分）"),
            (Some(s), Some(t)) if t <= s => push(&mut e, "end", "结束时间要晚于开始时间"),
            _ => {}
        }
        if !(1..=100).contains(&self.capacity) {
            push(&mut e, "capacity", "每次可接单数应为 1 到 100");
        }
        e
    }
}

/// `PUT /api/v1/operator/providers/{id}/items`: offer an item at this duration and price (or
/// change them), or stop offering it (`offered: false`; booked visits stand).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemSet {
    pub item: ServiceItem,
    #[cfg_attr(feature = "ssr", schema(minimum = 5, maximum = 1440))]
    pub duration_min: u32,
    /// 市场价, whole yuan a visit.
    #[cfg_attr(feature = "ssr", schema(maximum = 100000))]
    pub market_price_yuan: u32,
    /// 助餐 only: how meals reach the older person.
    #[serde(default)]
    pub meal_modes: Vec<MealMode>,
    pub offered: bool,
}

impl ItemSet {
    pub fn validate(&self) -> Vec<FieldError> {
        let item = self.item;
        let mut e = Vec::new();
        if item == ServiceItem::Emergency {
            push(&mut e, "item", "助急不需要下单，不能作为服务项目");
        }
        if !(5..=1440).contains(&self.duration_min) {
            push(&mut e, "duration_min", "服务时长应为 5 到 1440 分钟");
        }
        if self.market_price_yuan > 100_000 {
            push(&mut e, "market_price_yuan", "市场价应为 0 到 100000 元");
        }
        match (item == ServiceItem::Meal, self.meal_modes.is_empty()) {
            (true, true) if self.offered => push(&mut e, "meal_modes", "助餐请至少选择一种方式：堂食、自取或送餐"),
            (false, false) => push(&mut e, "meal_modes", "只有助餐选择助餐方式"),
            _ => {}
        }
        e
    }
}

/// `PUT /api/v1/operator/providers/{id}/area`: where the provider goes to people's homes —
/// within `radius_m` metres of it, or exactly the 街道 listed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServiceArea {
    #[cfg_attr(feature = "ssr", schema(minimum = 100, maximum = 50000))]
    pub radius_m: Option<u32>,
    /// 街道 ids of the provider's district (when there is no radius).
    #[serde(default)]
    pub street_ids: Vec<String>,
}

impl ServiceArea {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        match (self.radius_m, self.street_ids.is_empty()) {
            (Some(m), _) if !(100..=50_000).contains(&m) => push(&mut e, "radius_m", "服务半径应为 100 到 50000 米"),
            (Some(_), false) => push(&mut e, "street_ids", "按半径服务时不再选择街道"),
            (None, true) => push(&mut e, "street_ids", "请选择服务的街道，或改为按半径服务"),
            _ => {}
        }
        e
    }

    /// "3 公里内上门" / "服务旺庄街道、江溪街道"
    pub fn text(&self, streets: &[StreetChoice]) -> String {
        match self.radius_m {
            Some(m) if m >= 1000 => format!("{} 公里内上门", m as f64 / 1000.0),
            Some(m) => format!("{m} 米内上门"),
            None => {
                // in the district's order, then any the list does not know
                let mut names: Vec<&str> = streets.iter().filter(|s| self.street_ids.contains(&s.id)).map(|s| s.name.as_str()).collect();
                names.extend(self.street_ids.iter().filter(|id| !streets.iter().any(|s| &s.id == *id)).map(String::as_str));
                format!("服务{}", names.join("、"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: Vec<FieldError>) -> Vec<String> {
        e.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn a_timeslot_names_each_wrong_field() {
        let ok = HomeSlotCreate { item: ServiceItem::Bathing, weekday: 3, start: "09:00".into(), end: "11:00".into(), capacity: 2 };
        assert!(ok.validate().is_empty());
        let bad = HomeSlotCreate { item: ServiceItem::Emergency, weekday: 0, start: "10:00".into(), end: "09:00".into(), capacity: 0 };
        assert_eq!(fields(bad.validate()), ["item", "weekday", "end", "capacity"]);
    }

    #[test]
    fn an_item_needs_a_duration_and_meal_modes_only_for_meals() {
        let set = |item, d, modes: Vec<MealMode>| ItemSet { item, duration_min: d, market_price_yuan: 60, meal_modes: modes, offered: true };
        assert!(set(ServiceItem::Bathing, 60, vec![]).validate().is_empty());
        assert_eq!(fields(set(ServiceItem::Bathing, 2, vec![MealMode::DineIn]).validate()), ["duration_min", "meal_modes"]);
        assert_eq!(fields(set(ServiceItem::Meal, 30, vec![]).validate()), ["meal_modes"]);
        assert!(ItemSet { offered: false, ..set(ServiceItem::Meal, 30, vec![]) }.validate().is_empty());
    }

    #[test]
    fn an_area_is_a_radius_or_streets() {
        assert!(ServiceArea { radius_m: Some(3000), street_ids: vec![] }.validate().is_empty());
        assert!(ServiceArea { radius_m: None, street_ids: vec!["a".into()] }.validate().is_empty());
        assert_eq!(fields(ServiceArea { radius_m: None, street_ids: vec![] }.validate()), ["street_ids"]);
        assert_eq!(fields(ServiceArea { radius_m: Some(50), street_ids: vec![] }.validate()), ["radius_m"]);
        let streets = vec![StreetChoice { id: "b".into(), name: "旺庄街道".into() }, StreetChoice { id: "a".into(), name: "鸿山街道".into() }];
        assert_eq!(ServiceArea { radius_m: None, street_ids: vec!["a".into(), "b".into()] }.text(&streets), "服务旺庄街道、鸿山街道");
        assert_eq!(ServiceArea { radius_m: Some(2500), street_ids: vec![] }.text(&streets), "2.5 公里内上门");
    }
}
