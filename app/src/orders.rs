//! Orders for 居家上门服务 (点单式): an item from a provider that serves the address, in
//! one of its timeslots, for the older person's profile. The price and who pays are
//! computed by the server with the same `quote` the app shows.

use crate::elder::{ElderProfile, Quote};
use crate::types::{FieldError, MealMode, ServiceItem};
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
        matches!(self, OrderStatus::Submitted | OrderStatus::Accepted | OrderStatus::Assigned | OrderStatus::InService)
    }
}

/// `POST /api/v1/orders`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewOrder {
    /// UUID made on the device.
    pub id: String,
    pub provider_id: i64,
    pub item: ServiceItem,
    #[serde(default)]
    pub meal_mode: Option<MealMode>,
    pub timeslot_id: i64,
    /// "YYYY-MM-DD", Beijing.
    pub date: String,
    /// The profile as shared (without consent the sensitive parts are left out).
    pub elder: ElderProfile,
    /// Consent to share the profile with this provider for this order.
    pub consent: bool,
}

impl NewOrder {
    /// Checks that need no database.
    pub fn validate(&self, today: NaiveDate) -> Vec<FieldError> {
        let mut e: Vec<FieldError> = self.elder.validate().into_iter().map(|f| FieldError { field: format!("elder.{}", f.field), ..f }).collect();
        let mut push = |f: &str, m: &str| e.push(FieldError { field: f.into(), message: m.into() });
        if self.id.len() != 36 || !self.id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
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
        match NaiveDate::parse_from_str(&self.date, "%Y-%m-%d") {
            Ok(d) if d < today => push("timeslot", "这个时段已经过去了，请选择其他时段"),
            Ok(d) if (d - today).num_days() > crate::requests::BOOKING_DAYS => push("timeslot", "只能预约 14 天内的时段"),
            Ok(_) => {}
            Err(_) => push("timeslot", "请选择一个时段"),
        }
        if !self.consent {
            push("consent", "需要您同意把老人的信息提供给这家机构，才能下单");
        }
        e
    }
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
    pub kind: crate::types::ProviderKind,
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
    pub is_sample: bool,
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
        assert_eq!(f, ["elder.name", "item", "timeslot", "consent"]);
        assert_eq!(OrderStatus::from_code("in_service"), Some(OrderStatus::InService));
        assert!(OrderStatus::Assigned.holds_timeslot() && !OrderStatus::Cancelled.holds_timeslot());
    }
}
