//! Every write the app makes, as one typed value: what it is, for which record, with its
//! body. The outbox stores these (not loose method/path/body strings), so a queued item
//! says what it does, and the request it becomes is decided here once.

use crate::model::orders::{CarerCreate, CheckIn, CheckOut, NewOrder, NewRating, OrderDecision, RecordWelfareVisit, Reschedule};
use crate::model::requests::{Decision, NewRequest, TimeslotCreate};
use crate::model::service_desk::{HomeSlotCreate, ItemSet, ServiceArea};
use crate::model::{ClassCreate, ClassEdit, PlaceEdit, VacancyChange};
use serde::{de::DeserializeOwned, Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::marker::PhantomData;

/// A write's body, kept as the JSON that is sent. Reading the outbox back then needs no
/// decoder per kind of body: the phone's bundles that only count and send queued writes
/// (every one of them, through the sync loop) do not carry the desks' and families' body
/// types. A page that shows what a queued write will change reads it typed with [`Body::get`].
/// Stored exactly as the typed body was, so outboxes kept by earlier versions read back.
pub struct Body<T> {
    json: Value,
    of: PhantomData<fn() -> T>,
}

impl<T: Serialize> Body<T> {
    pub fn new(body: &T) -> Self {
        Body::from_json(serde_json::to_value(body).unwrap_or(Value::Null))
    }
}

impl<T: DeserializeOwned> Body<T> {
    /// The body typed (`None` if what is stored is not one).
    pub fn get(&self) -> Option<T> {
        serde_json::from_str(&self.json.to_string()).ok()
    }
}

impl<T> Body<T> {
    pub fn from_json(json: Value) -> Self {
        Body { json, of: PhantomData }
    }
    pub fn json(&self) -> &Value {
        &self.json
    }
    /// The client-generated `id` of a body that creates a record (a request, an order).
    pub fn id(&self) -> &str {
        self.json["id"].as_str().unwrap_or_default()
    }
}

impl<T> Clone for Body<T> {
    fn clone(&self) -> Self {
        Body::from_json(self.json.clone())
    }
}
impl<T> PartialEq for Body<T> {
    fn eq(&self, other: &Self) -> bool {
        self.json == other.json
    }
}
impl<T> std::fmt::Debug for Body<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.json.fmt(f)
    }
}
impl<T> Serialize for Body<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(s)
    }
}
impl<'de, T> Deserialize<'de> for Body<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d).map(Body::from_json)
    }
}

/// How a write is kept in the outbox: `{"write": "<what>", <its fields>}` — the form every
/// version of the app stored. Written by hand (not serde's derive for a tagged enum, which
/// compiles a decoder per variant into every bundle): one small match each way.
trait Field: Sized {
    fn put(&self) -> Value;
    fn take(v: &mut Value) -> Option<Self>;
}
impl Field for i64 {
    fn put(&self) -> Value {
        Value::from(*self)
    }
    fn take(v: &mut Value) -> Option<Self> {
        v.as_i64()
    }
}
impl Field for String {
    fn put(&self) -> Value {
        Value::from(self.as_str())
    }
    fn take(v: &mut Value) -> Option<Self> {
        v.as_str().map(str::to_owned)
    }
}
impl<T> Field for Body<T> {
    fn put(&self) -> Value {
        self.json.clone()
    }
    fn take(v: &mut Value) -> Option<Self> {
        Some(Body::from_json(v.take()))
    }
}

macro_rules! writes {
    ($( $(#[$doc:meta])* $variant:ident = $tag:literal { $($field:ident : $ty:ty),* } ),* $(,)?) => {
        /// Every write the app makes.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Write {
            $( $(#[$doc])* $variant { $($field: $ty),* } ),*
        }

        impl Write {
            /// The stored form (see [`Field`]).
            pub fn to_json(&self) -> Value {
                let mut m = serde_json::Map::new();
                match self {
                    $( Write::$variant { $($field),* } => {
                        m.insert("write".into(), Value::from($tag));
                        $( m.insert(stringify!($field).into(), Field::put($field)); )*
                    } )*
                }
                Value::Object(m)
            }

            /// Reads the stored form back; `None` for a write this version does not know.
            pub fn from_json(mut v: Value) -> Option<Write> {
                let tag = v.get("write")?.as_str()?.to_owned();
                Some(match tag.as_str() {
                    $( $tag => Write::$variant { $($field: Field::take(v.get_mut(stringify!($field))?)?),* }, )*
                    _ => return None,
                })
            }
        }
    };
}

writes! {
    /// A parent's or family's phone (down to `WithdrawConsent`): saves a place.
    SaveFavorite = "save_favorite" { place_id: i64 },
    RemoveFavorite = "remove_favorite" { place_id: i64 },
    CreateRequest = "create_request" { request: Body<NewRequest> },
    CancelRequest = "cancel_request" { id: String },
    CreateOrder = "create_order" { order: Body<NewOrder> },
    CancelOrder = "cancel_order" { id: String },
    RateOrder = "rate_order" { id: String, rating: Body<NewRating> },
    RescheduleOrder = "reschedule_order" { id: String, to: Body<Reschedule> },
    /// Withdraws a consent (the level, the categories, the weekly 探访).
    WithdrawConsent = "withdraw_consent" { id: i64 },
    /// The desk (down to `SetServiceArea`): a vacancy tap.
    SetVacancies = "set_vacancies" { class_id: i64, change: Body<VacancyChange> },
    EditClass = "edit_class" { class_id: i64, edit: Body<ClassEdit> },
    CreateClass = "create_class" { place_id: i64, class: Body<ClassCreate> },
    EditPlace = "edit_place" { place_id: i64, edit: Body<PlaceEdit> },
    DecideRequest = "decide_request" { id: String, decision: Body<Decision> },
    CreateTimeslot = "create_timeslot" { place_id: i64, timeslot: Body<TimeslotCreate> },
    DeactivateTimeslot = "deactivate_timeslot" { place_id: i64, timeslot_id: i64 },
    DecideOrder = "decide_order" { id: String, decision: Body<OrderDecision> },
    RecordWelfareVisit = "record_welfare_visit" { id: i64, record: Body<RecordWelfareVisit> },
    AddCarer = "add_carer" { provider_id: i64, carer: Body<CarerCreate> },
    DisableCarer = "disable_carer" { provider_id: i64, carer_id: i64 },
    EditCarer = "edit_carer" { provider_id: i64, carer_id: i64, carer: Body<CarerCreate> },
    SetProviderItem = "set_provider_item" { provider_id: i64, set: Body<ItemSet> },
    CreateHomeSlot = "create_home_slot" { provider_id: i64, slot: Body<HomeSlotCreate> },
    DeactivateHomeSlot = "deactivate_home_slot" { provider_id: i64, slot_id: i64 },
    SetServiceArea = "set_service_area" { provider_id: i64, area: Body<ServiceArea> },
    /// the carer's phone
    CheckIn = "check_in" { order_id: String, check_in: Body<CheckIn> },
    CheckOut = "check_out" { order_id: String, check_out: Body<CheckOut> },
}

impl Serialize for Write {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}
impl<'de> Deserialize<'de> for Write {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Write::from_json(v).ok_or_else(|| serde::de::Error::custom("a write this version of the app does not know"))
    }
}

impl Write {
    pub fn method(&self) -> &'static str {
        match self {
            Write::RemoveFavorite { .. } => "DELETE",
            Write::EditClass { .. }
            | Write::EditPlace { .. }
            | Write::EditCarer { .. }
            | Write::SetProviderItem { .. }
            | Write::SetServiceArea { .. } => "PUT",
            _ => "POST",
        }
    }

    pub fn path(&self) -> String {
        match self {
            Write::SaveFavorite { .. } => "/api/v1/favorites".into(),
            Write::RemoveFavorite { place_id } => format!("/api/v1/favorites/{place_id}"),
            Write::CreateRequest { .. } => "/api/v1/requests".into(),
            Write::CancelRequest { id } => format!("/api/v1/requests/{id}/cancel"),
            Write::CreateOrder { .. } => "/api/v1/orders".into(),
            Write::CancelOrder { id } => format!("/api/v1/orders/{id}/cancel"),
            Write::RateOrder { id, .. } => format!("/api/v1/orders/{id}/rating"),
            Write::RescheduleOrder { id, .. } => format!("/api/v1/orders/{id}/reschedule"),
            Write::WithdrawConsent { id } => format!("/api/v1/me/consents/{id}/withdraw"),
            Write::SetVacancies { class_id, .. } => format!("/api/v1/operator/classes/{class_id}/vacancies"),
            Write::EditClass { class_id, .. } => format!("/api/v1/operator/classes/{class_id}"),
            Write::CreateClass { place_id, .. } => format!("/api/v1/operator/places/{place_id}/classes"),
            Write::EditPlace { place_id, .. } => format!("/api/v1/operator/places/{place_id}"),
            Write::DecideRequest { id, .. } => format!("/api/v1/operator/requests/{id}/decision"),
            Write::CreateTimeslot { place_id, .. } => format!("/api/v1/operator/places/{place_id}/timeslots"),
            Write::DeactivateTimeslot { timeslot_id, .. } => format!("/api/v1/operator/timeslots/{timeslot_id}/deactivate"),
            Write::DecideOrder { id, .. } => format!("/api/v1/operator/orders/{id}/decision"),
            Write::RecordWelfareVisit { id, .. } => format!("/api/v1/operator/welfare-visits/{id}"),
            Write::AddCarer { provider_id, .. } => format!("/api/v1/operator/providers/{provider_id}/carers"),
            Write::DisableCarer { carer_id, .. } => format!("/api/v1/operator/carers/{carer_id}/disable"),
            Write::EditCarer { carer_id, .. } => format!("/api/v1/operator/carers/{carer_id}"),
            Write::SetProviderItem { provider_id, .. } => format!("/api/v1/operator/providers/{provider_id}/items"),
            Write::CreateHomeSlot { provider_id, .. } => format!("/api/v1/operator/providers/{provider_id}/home-timeslots"),
            Write::DeactivateHomeSlot { slot_id, .. } => format!("/api/v1/operator/home-timeslots/{slot_id}/deactivate"),
            Write::SetServiceArea { provider_id, .. } => format!("/api/v1/operator/providers/{provider_id}/area"),
            Write::CheckIn { order_id, .. } => format!("/api/v1/carer/orders/{order_id}/check-in"),
            Write::CheckOut { order_id, .. } => format!("/api/v1/carer/orders/{order_id}/check-out"),
        }
    }

    /// The JSON body (`None`: the request has none).
    pub fn body(&self) -> Option<Value> {
        fn json<T>(v: &Body<T>) -> Option<Value> {
            Some(v.json().clone())
        }
        match self {
            Write::SaveFavorite { place_id } => Some(serde_json::json!({ "place_id": place_id })),
            Write::RemoveFavorite { .. } => None,
            Write::CancelRequest { .. }
            | Write::CancelOrder { .. }
            | Write::WithdrawConsent { .. }
            | Write::DeactivateTimeslot { .. }
            | Write::DisableCarer { .. }
            | Write::DeactivateHomeSlot { .. } => {
                Some(serde_json::json!({}))
            }
            Write::AddCarer { carer, .. } | Write::EditCarer { carer, .. } => json(carer),
            Write::SetProviderItem { set, .. } => json(set),
            Write::CreateHomeSlot { slot, .. } => json(slot),
            Write::SetServiceArea { area, .. } => json(area),
            Write::CreateRequest { request } => json(request),
            Write::CreateOrder { order } => json(order),
            Write::RateOrder { rating, .. } => json(rating),
            Write::RescheduleOrder { to, .. } => json(to),
            Write::SetVacancies { change, .. } => json(change),
            Write::EditClass { edit, .. } => json(edit),
            Write::CreateClass { class, .. } => json(class),
            Write::EditPlace { edit, .. } => json(edit),
            Write::DecideRequest { decision, .. } => json(decision),
            Write::CreateTimeslot { timeslot, .. } => json(timeslot),
            Write::DecideOrder { decision, .. } => json(decision),
            Write::RecordWelfareVisit { record, .. } => json(record),
            Write::CheckIn { check_in, .. } => json(check_in),
            Write::CheckOut { check_out, .. } => json(check_out),
        }
    }

    /// The record the write is about: items of one entity are sent in order, and a set-aside
    /// item holds back the later ones of its entity.
    pub fn entity(&self) -> String {
        match self {
            Write::SaveFavorite { place_id } | Write::RemoveFavorite { place_id } => entity::favorite(*place_id),
            Write::CreateRequest { request } => entity::request(request.id()),
            Write::CancelRequest { id } => entity::request(id),
            Write::CreateOrder { order } => entity::order(order.id()),
            Write::CancelOrder { id } | Write::RateOrder { id, .. } | Write::RescheduleOrder { id, .. } => entity::order(id),
            Write::WithdrawConsent { id } => entity::consent(*id),
            Write::SetVacancies { class_id, .. } | Write::EditClass { class_id, .. } => entity::class(*class_id),
            Write::CreateClass { place_id, .. } => entity::new_class(*place_id),
            Write::EditPlace { place_id, .. } => entity::place(*place_id),
            Write::DecideRequest { id, .. } => entity::decision(id),
            Write::CreateTimeslot { place_id, .. } | Write::DeactivateTimeslot { place_id, .. } => entity::timeslots(*place_id),
            Write::DecideOrder { id, .. } => entity::order_decision(id),
            Write::RecordWelfareVisit { id, .. } => entity::welfare_visit(*id),
            Write::AddCarer { provider_id, .. } | Write::DisableCarer { provider_id, .. } | Write::EditCarer { provider_id, .. } => {
                entity::carers(*provider_id)
            }
            Write::SetProviderItem { provider_id, .. }
            | Write::CreateHomeSlot { provider_id, .. }
            | Write::DeactivateHomeSlot { provider_id, .. }
            | Write::SetServiceArea { provider_id, .. } => entity::service(*provider_id),
            Write::CheckIn { order_id, .. } | Write::CheckOut { order_id, .. } => entity::visit(order_id),
        }
    }

    /// Made with a desk or carer session: sent with its CSRF token, only under the account
    /// that made it, and a 401 means the session ended rather than that the write was wrong.
    pub fn signed_in(&self) -> bool {
        !matches!(
            self,
            Write::SaveFavorite { .. }
                | Write::RemoveFavorite { .. }
                | Write::CreateRequest { .. }
                | Write::CancelRequest { .. }
                | Write::CreateOrder { .. }
                | Write::CancelOrder { .. }
                | Write::RateOrder { .. }
                | Write::RescheduleOrder { .. }
                | Write::WithdrawConsent { .. }
        )
    }

    /// A write stored by an earlier version of the app as method, path, body and entity: read
    /// back into what it is. `None` for anything this version never made.
    pub fn from_stored(method: &str, path: &str, body: Option<Value>, entity: &str) -> Option<Write> {
        let seg: Vec<&str> = path.strip_prefix("/api/v1/")?.split('/').collect();
        let num = |s: &str| s.parse::<i64>().ok();
        Some(match (method, seg.as_slice()) {
            ("POST", ["favorites"]) => Write::SaveFavorite { place_id: body?.get("place_id")?.as_i64()? },
            ("DELETE", ["favorites", id]) => Write::RemoveFavorite { place_id: num(id)? },
            ("POST", ["requests"]) => Write::CreateRequest { request: body_as(body)? },
            ("POST", ["requests", id, "cancel"]) => Write::CancelRequest { id: id.to_string() },
            ("POST", ["orders"]) => Write::CreateOrder { order: body_as(body)? },
            ("POST", ["orders", id, "cancel"]) => Write::CancelOrder { id: id.to_string() },
            ("POST", ["orders", id, "rating"]) => Write::RateOrder { id: id.to_string(), rating: body_as(body)? },
            ("POST", ["orders", id, "reschedule"]) => Write::RescheduleOrder { id: id.to_string(), to: body_as(body)? },
            ("POST", ["operator", "classes", id, "vacancies"]) => Write::SetVacancies { class_id: num(id)?, change: body_as(body)? },
            ("PUT", ["operator", "classes", id]) => Write::EditClass { class_id: num(id)?, edit: body_as(body)? },
            ("POST", ["operator", "places", id, "classes"]) => Write::CreateClass { place_id: num(id)?, class: body_as(body)? },
            ("PUT", ["operator", "places", id]) => Write::EditPlace { place_id: num(id)?, edit: body_as(body)? },
            ("POST", ["operator", "requests", id, "decision"]) => Write::DecideRequest { id: id.to_string(), decision: body_as(body)? },
            ("POST", ["operator", "places", id, "timeslots"]) => Write::CreateTimeslot { place_id: num(id)?, timeslot: body_as(body)? },
            ("POST", ["operator", "timeslots", id, "deactivate"]) => {
                Write::DeactivateTimeslot { place_id: num(entity.strip_prefix("timeslots:")?)?, timeslot_id: num(id)? }
            }
            ("POST", ["operator", "orders", id, "decision"]) => Write::DecideOrder { id: id.to_string(), decision: body_as(body)? },
            ("POST", ["operator", "welfare-visits", id]) => Write::RecordWelfareVisit { id: num(id)?, record: body_as(body)? },
            ("POST", ["carer", "orders", id, "check-in"]) => Write::CheckIn { order_id: id.to_string(), check_in: body_as(body)? },
            ("POST", ["carer", "orders", id, "check-out"]) => Write::CheckOut { order_id: id.to_string(), check_out: body_as(body)? },
            _ => return None,
        })
    }
}

/// A stored body: any JSON object (the server checks it, as it checks every write).
fn body_as<T>(b: Option<Value>) -> Option<Body<T>> {
    b.filter(Value::is_object).map(Body::from_json)
}


#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// One of every write, as the app makes them.
    fn every_write() -> Vec<Write> {
        every_write_json().into_iter().map(|v| serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{v}: {e}"))).collect()
    }

    fn every_write_json() -> Vec<Value> {
        let t = "2026-12-02T01:02:03Z";
        let elder = json!({ "name": "张大爷", "age": 82, "street_id": "wuxi-xinwu-wangzhuang", "address_detail": "旺庄路 1 号",
                            "lat": 31.575, "lng": 120.358, "phone": "13812345678", "lives_alone": true, "empty_nest": false });
        let id = "6b1f3c2e-0000-4000-8000-0000000000aa";
        [
            json!({ "write": "save_favorite", "place_id": 12 }),
            json!({ "write": "remove_favorite", "place_id": 12 }),
            json!({ "write": "create_request", "request": { "id": id, "place_id": 3, "kind": "visit", "timeslot_id": 4, "timeslot_date": "2026-12-05",
                    "contact_name": "李女士", "contact_phone": "13812345678", "consent": true } }),
            json!({ "write": "cancel_request", "id": id }),
            json!({ "write": "create_order", "order": { "id": id, "provider_id": 2, "item": "bathing", "timeslot_id": 7, "date": "2026-12-07",
                    "elder": elder, "consent": true } }),
            json!({ "write": "cancel_order", "id": id }),
            json!({ "write": "rate_order", "id": id, "rating": { "stars": 5, "comment": "很好" } }),
            json!({ "write": "reschedule_order", "id": id, "to": { "timeslot_id": 8, "date": "2026-12-09" } }),
            json!({ "write": "set_vacancies", "class_id": 31, "change": { "delta": -1 } }),
            json!({ "write": "edit_class", "class_id": 31, "edit": { "version": 4, "capacity": 20, "enrolled": 15, "vacancies": 5 } }),
            json!({ "write": "create_class", "place_id": 3, "class": { "age_band": "toddler", "care_mode": "full_day", "capacity": 15, "enrolled": 10, "vacancies": 5 } }),
            json!({ "write": "edit_place", "place_id": 3, "edit": { "opening_hours": "周一至周五 7:30–17:30", "phone": "0510-00001234",
                    "care_modes": [{ "care_mode": "full_day", "fee_yuan": 2000 }], "puhui_fee_yuan": 1500 } }),
            json!({ "write": "decide_request", "id": id, "decision": { "action": "accept", "message": "欢迎" } }),
            json!({ "write": "create_timeslot", "place_id": 3, "timeslot": { "kind": "visit", "weekday": 3, "start": "09:30", "end": "10:30", "capacity": 3 } }),
            json!({ "write": "deactivate_timeslot", "place_id": 3, "timeslot_id": 9 }),
            json!({ "write": "decide_order", "id": id, "decision": { "action": "assign", "carer_id": 5 } }),
            json!({ "write": "record_welfare_visit", "id": 77, "record": { "mode": "phone", "done_at": t, "note": "一切安好" } }),
            json!({ "write": "check_in", "order_id": id, "check_in": { "tapped_at": t, "lat": 31.5, "lng": 120.3 } }),
            json!({ "write": "check_out", "order_id": id, "check_out": { "tapped_at": t, "tasks": [{ "task": "助浴", "done": true }] } }),
        ]
        .into()
    }

    #[test]
    fn every_write_is_stored_in_the_form_every_version_kept() {
        // `every_write` reads them from that form; written back, each is the same JSON.
        let stored = every_write_json();
        for (w, json) in every_write().iter().zip(&stored) {
            assert_eq!(&serde_json::to_value(w).unwrap(), json);
            assert_eq!(Write::from_json(json.clone()).as_ref(), Some(w));
        }
        assert_eq!(Write::from_json(json!({ "write": "launch_rocket", "id": 1 })), None);
        assert_eq!(Write::from_json(json!({ "write": "cancel_order" })), None, "a field missing");
        assert!(serde_json::from_value::<Write>(json!({ "write": "set_vacancies", "class_id": "x", "change": {} })).is_err());
    }

    #[test]
    fn every_write_reads_back_from_the_form_earlier_versions_stored() {
        let writes = every_write();
        assert_eq!(writes.len(), 19);
        for w in writes {
            let back = Write::from_stored(w.method(), &w.path(), w.body(), &w.entity());
            assert_eq!(back.as_ref(), Some(&w), "{} {}", w.method(), w.path());
        }
    }

    #[test]
    fn requests_go_where_the_server_routes_them() {
        let w = every_write();
        assert_eq!((w[1].method(), w[1].path(), w[1].body()), ("DELETE", "/api/v1/favorites/12".to_string(), None));
        assert_eq!((w[9].method(), w[9].path()), ("PUT", "/api/v1/operator/classes/31".to_string()));
        assert_eq!(w[14].path(), "/api/v1/operator/timeslots/9/deactivate");
        assert_eq!(w[14].entity(), "timeslots:3");
        assert_eq!(w[8].body(), Some(json!({ "delta": -1 })));
        // signed-in: the desk's and the carer's, never a phone's
        let signed: Vec<bool> = w.iter().map(Write::signed_in).collect();
        assert_eq!(signed.iter().filter(|s| **s).count(), 11);
        assert!(w.iter().all(|x| x.signed_in() == (x.path().starts_with("/api/v1/operator/") || x.path().starts_with("/api/v1/carer/"))));
    }

    #[test]
    fn a_providers_carer_writes_go_in_one_lane_with_the_session() {
        let add: Write = serde_json::from_value(json!({ "write": "add_carer", "provider_id": 4, "carer": { "name": "王芳", "phone": "13812345678",
            "level": "intermediate", "certificate_no": "Y320214000123", "certificate_expires_on": "2028-06-30" } })).unwrap();
        let off: Write = serde_json::from_value(json!({ "write": "disable_carer", "provider_id": 4, "carer_id": 9 })).unwrap();
        assert_eq!((add.method(), add.path(), add.entity()), ("POST", "/api/v1/operator/providers/4/carers".to_string(), "carers:4".to_string()));
        assert_eq!((off.method(), off.path(), off.entity()), ("POST", "/api/v1/operator/carers/9/disable".to_string(), "carers:4".to_string()));
        assert_eq!(add.body().unwrap()["level"], "intermediate");
        assert!(add.signed_in() && off.signed_in());
    }

    #[test]
    fn an_outbox_item_stored_before_typed_writes_is_upgraded_with_everything_it_held() {
        // as the version before this one kept it in `yl1.outbox`
        let stored = r#"[{"id":"6b1f3c2e-0000-4000-8000-0000000000dd","label":"空位 −1 托小班","method":"POST",
            "path":"/api/v1/operator/classes/31/vacancies","body":{"delta":-1},"entity":"class:31",
            "created_at":"2026-12-02T01:02:03Z","attempts":2,"last_error":"网络不通","next_attempt_at":"2026-12-02T01:03:03Z",
            "quarantined":false,"needs_login":true,"account":{"id":7,"username":"op-libao"}},
            {"id":"6b1f3c2e-0000-4000-8000-0000000000de","label":"?","method":"POST","path":"/api/v1/unknown","body":null,
            "entity":"x:1","created_at":"2026-12-02T01:02:03Z","attempts":0,"last_error":null,
            "next_attempt_at":"2026-12-02T01:02:03Z","quarantined":false}]"#;
        let items: Vec<crate::offline::store::StoredItemV1> = serde_json::from_str(stored).unwrap();
        let mut up = items.into_iter().map(|i| i.upgrade());
        let item = up.next().unwrap().expect("a vacancy tap is upgraded");
        assert_eq!(item.write, Write::SetVacancies { class_id: 31, change: serde_json::from_value(json!({ "delta": -1 })).unwrap() });
        assert_eq!((item.id.as_str(), item.attempts, item.needs_login), ("6b1f3c2e-0000-4000-8000-0000000000dd", 2, true));
        assert_eq!(item.account.map(|a| a.username), Some("op-libao".into()));
        assert_eq!(item.last_error.as_deref(), Some("网络不通"));
        assert!(up.next().unwrap().is_none(), "a write this version never made is not guessed at");
    }
}

/// The outbox's lanes, one per thing written about: writes in one lane are sent in order, one
/// at a time, and a page finds the queued writes of what it shows by the same key. A family's
/// own request or order and a desk's decision on it are separate lanes (two devices, two people).
pub mod entity {
    pub fn favorite(place_id: i64) -> String {
        format!("favorite:{place_id}")
    }
    /// A parent's own request (send, cancel).
    pub fn request(id: &str) -> String {
        format!("request:{id}")
    }
    /// A family's own order (send, cancel, rate, reschedule).
    pub fn order(id: &str) -> String {
        format!("order:{id}")
    }
    /// A family's consent (withdrawal).
    pub fn consent(id: i64) -> String {
        format!("consent:{id}")
    }
    /// A lane of a family's own records (requests, orders, consents): dropped at 删除我的信息.
    pub fn is_family(entity: &str) -> bool {
        ["request:", "order:", "consent:"].iter().any(|p| entity.starts_with(p))
    }
    /// A class's figures (vacancy taps, edits).
    pub fn class(class_id: i64) -> String {
        format!("{CLASSES}{class_id}")
    }
    pub const CLASSES: &str = "class:";
    /// New classes of a place.
    pub fn new_class(place_id: i64) -> String {
        format!("newclass:{place_id}")
    }
    /// A place's hours, phone and fees.
    pub fn place(place_id: i64) -> String {
        format!("place:{place_id}")
    }
    /// The desk's decision on a parent's request.
    pub fn decision(request_id: &str) -> String {
        format!("{DECISIONS}{request_id}")
    }
    pub const DECISIONS: &str = "req:";
    /// A place's timeslots.
    pub fn timeslots(place_id: i64) -> String {
        format!("timeslots:{place_id}")
    }
    /// The provider's decision on an order.
    pub fn order_decision(order_id: &str) -> String {
        format!("{ORDER_DECISIONS}{order_id}")
    }
    pub const ORDER_DECISIONS: &str = "ord:";
    /// A week's 探访 recorded at the desk.
    pub fn welfare_visit(id: i64) -> String {
        format!("{WELFARE_VISITS}{id}")
    }
    pub const WELFARE_VISITS: &str = "welfare:";
    /// A carer's check-in and check-out of a visit.
    pub fn visit(order_id: &str) -> String {
        format!("{VISITS}{order_id}")
    }
    pub const VISITS: &str = "visit:";
    /// A provider's carers (add, disable), in order.
    pub fn carers(provider_id: i64) -> String {
        format!("{CARERS}{provider_id}")
    }
    pub const CARERS: &str = "carers:";
    /// A provider's items, home-care timeslots and service area, in order.
    pub fn service(provider_id: i64) -> String {
        format!("{SERVICE}{provider_id}")
    }
    pub const SERVICE: &str = "service:";
}
