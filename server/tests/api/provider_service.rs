//! A provider keeps its items, prices, home-care timeslots and service area on the desk
//! (issue 14): every change reaches families at once, bad input names its field, and only
//! the provider's own organisation may change them.

use crate::helpers::{fields, start, Login, TestServer};
use serde_json::{json, Value};
use server::db::sample::SAMPLE_PASSWORD;

/// The 旺庄 station (sample) and its operator.
async fn station(s: &TestServer) -> (i64, Login) {
    let (_, body) = s.get(None, "/api/v1/providers?lat=31.575&lng=120.358&street=wuxi-xinwu-wangzhuang&item=bathing").await;
    let id = body["providers"].as_array().unwrap().iter().find(|p| p["kind"] == "home_care_station").unwrap()["id"].as_i64().unwrap();
    (id, s.login("op-xinwu-yanglao", SAMPLE_PASSWORD).await.1.unwrap())
}

async fn family_sees(s: &TestServer, street: &str, item: &str) -> Vec<Value> {
    let (lat, lng) = if street.ends_with("wangzhuang") { (31.575, 120.358) } else { (31.482, 120.462) };
    let (st, body) = s.get(None, &format!("/api/v1/providers?lat={lat}&lng={lng}&street={street}&item={item}")).await;
    assert_eq!(st, 200, "{body}");
    body["providers"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_price_change_and_a_stopped_item_reach_families_at_once() {
    let s = start().await;
    let (pid, op) = station(&s).await;
    let (st, service) = s.get(Some(&op), &format!("/api/v1/operator/providers/{pid}/service")).await;
    assert_eq!(st, 200, "{service}");
    let bath = service["items"].as_array().unwrap().iter().find(|i| i["item"] == "bathing").unwrap().clone();
    assert_eq!(bath["offered"], true);
    let set = json!({ "item": "bathing", "duration_min": 90, "market_price_yuan": 135, "meal_modes": [], "offered": true });
    let (st, after) = s.write(Some(&op), "PUT", &format!("/api/v1/operator/providers/{pid}/items"), "item-key-0001", set.clone()).await;
    assert_eq!(st, 200, "{after}");
    let seen = family_sees(&s, "wuxi-xinwu-wangzhuang", "bathing").await;
    let mine = seen.iter().find(|p| p["id"] == pid).unwrap();
    let item = mine["items"].as_array().unwrap().iter().find(|i| i["item"] == "bathing").unwrap();
    assert_eq!((item["market_price_yuan"].as_u64(), item["duration_min"].as_u64()), (Some(135), Some(90)));
    // the same write again (a retried tap) answers the same and changes nothing more
    let (st, again) = s.write(Some(&op), "PUT", &format!("/api/v1/operator/providers/{pid}/items"), "item-key-0001", set).await;
    assert_eq!((st, &again), (200, &after));
    // stopped: no longer offered for bathing, its openings gone; booked visits are not touched
    let stop = json!({ "item": "bathing", "duration_min": 90, "market_price_yuan": 135, "offered": false });
    let (st, _) = s.write(Some(&op), "PUT", &format!("/api/v1/operator/providers/{pid}/items"), "item-key-0002", stop).await;
    assert_eq!(st, 200);
    assert!(family_sees(&s, "wuxi-xinwu-wangzhuang", "bathing").await.iter().all(|p| p["id"] != pid));
    let (_, open) = s.get(None, &format!("/api/v1/providers/{pid}/openings?item=bathing")).await;
    assert_eq!(open["openings"], json!([]), "{open}");
    let audited: i64 = server::db::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'provider_item_set'").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(audited, 2);
    // bad input: named fields
    let bad = json!({ "item": "meal", "duration_min": 2, "market_price_yuan": 200000, "meal_modes": [], "offered": true });
    let (st, body) = s.write(Some(&op), "PUT", &format!("/api/v1/operator/providers/{pid}/items"), "item-key-0003", bad).await;
    assert_eq!(st, 422, "{body}");
    assert_eq!(fields(&body), ["duration_min", "market_price_yuan", "meal_modes"]);
    let (st, body) = s.write(Some(&op), "PUT", &format!("/api/v1/operator/providers/{pid}/items"), "item-key-0004", json!({ "item": "flying" })).await;
    assert_eq!((st, fields(&body)), (422, vec!["item".to_string()]));
}

#[tokio::test]
async fn a_new_timeslot_opens_bookings_and_a_switched_off_one_closes_them() {
    let s = start().await;
    let (pid, op) = station(&s).await;
    // Sunday evening cleaning: the sample station has no Sunday windows
    let new = json!({ "item": "cleaning", "weekday": 7, "start": "18:00", "end": "20:00", "capacity": 3 });
    let (st, slot) = s.write(Some(&op), "POST", &format!("/api/v1/operator/providers/{pid}/home-timeslots"), "slot-key-0001", new).await;
    assert_eq!(st, 201, "{slot}");
    assert_eq!((slot["weekday"].as_u64(), slot["start"].as_str(), slot["capacity"].as_u64()), (Some(7), Some("18:00"), Some(3)));
    let id = slot["id"].as_i64().unwrap();
    let (_, open) = s.get(None, &format!("/api/v1/providers/{pid}/openings?item=cleaning")).await;
    assert!(open["openings"].as_array().unwrap().iter().any(|o| o["timeslot_id"] == id), "{open}");
    let (st, off) = s.write(Some(&op), "POST", &format!("/api/v1/operator/home-timeslots/{id}/deactivate"), "slot-key-0002", json!({})).await;
    assert_eq!((st, off["active"].as_bool()), (200, Some(false)), "{off}");
    let (_, open) = s.get(None, &format!("/api/v1/providers/{pid}/openings?item=cleaning")).await;
    assert!(open["openings"].as_array().unwrap().iter().all(|o| o["timeslot_id"] != id));
    // an item it does not offer, and times that make no sense
    let (st, body) = s.write(Some(&op), "POST", &format!("/api/v1/operator/providers/{pid}/home-timeslots"), "slot-key-0003",
        json!({ "item": "adaptation_assessment", "weekday": 8, "start": "10:00", "end": "09:00", "capacity": 0 })).await;
    assert_eq!(st, 422, "{body}");
    assert_eq!(fields(&body), ["weekday", "end", "capacity", "item"], "every problem at once");
    let (st, body) = s.write(Some(&op), "POST", &format!("/api/v1/operator/providers/{pid}/home-timeslots"), "slot-key-0004",
        json!({ "item": "adaptation_assessment", "weekday": 1, "start": "09:00", "end": "10:00", "capacity": 1 })).await;
    assert_eq!((st, fields(&body)), (422, vec!["item".to_string()]), "{body}");
}

#[tokio::test]
async fn the_service_area_decides_who_is_offered_the_provider_and_only_its_organisation_changes_it() {
    let s = start().await;
    let (pid, op) = station(&s).await;
    // 鸿山 is ~12 km away: not served now; listed by 街道, it is
    assert!(family_sees(&s, "wuxi-xinwu-hongshan", "cleaning").await.iter().all(|p| p["id"] != pid));
    let area = json!({ "radius_m": null, "street_ids": ["wuxi-xinwu-hongshan", "wuxi-xinwu-wangzhuang"] });
    let (st, body) = s.write(Some(&op), "PUT", &format!("/api/v1/operator/providers/{pid}/area"), "area-key-0001", area).await;
    assert_eq!(st, 200, "{body}");
    assert!(family_sees(&s, "wuxi-xinwu-hongshan", "cleaning").await.iter().any(|p| p["id"] == pid));
    let (_, service) = s.get(Some(&op), &format!("/api/v1/operator/providers/{pid}/service")).await;
    assert_eq!(service["area"]["street_ids"], json!(["wuxi-xinwu-hongshan", "wuxi-xinwu-wangzhuang"]));
    assert_eq!(service["streets"].as_array().unwrap().len(), 6);
    // back to a radius of 2 km
    let (st, _) = s.write(Some(&op), "PUT", &format!("/api/v1/operator/providers/{pid}/area"), "area-key-0002", json!({ "radius_m": 2000 })).await;
    assert_eq!(st, 200);
    assert!(family_sees(&s, "wuxi-xinwu-hongshan", "cleaning").await.iter().all(|p| p["id"] != pid));
    // a 街道 of another district, an empty list, a radius out of range
    let (st, body) = s.write(Some(&op), "PUT", &format!("/api/v1/operator/providers/{pid}/area"), "area-key-0003",
        json!({ "radius_m": null, "street_ids": ["yangzhou-hanjiang-wenhui"] })).await;
    assert_eq!((st, fields(&body)), (422, vec!["street_ids".to_string()]), "{body}");
    let (st, body) = s.write(Some(&op), "PUT", &format!("/api/v1/operator/providers/{pid}/area"), "area-key-0004", json!({ "radius_m": 50 })).await;
    assert_eq!((st, fields(&body)), (422, vec!["radius_m".to_string()]));
    // a childcare operator is not this provider's
    let other = s.login("op-feiqitu", SAMPLE_PASSWORD).await.1.unwrap();
    let (st, _) = s.write(Some(&other), "PUT", &format!("/api/v1/operator/providers/{pid}/area"), "area-key-0005", json!({ "radius_m": 3000 })).await;
    assert_eq!(st, 403);
    assert_eq!(s.get(Some(&other), &format!("/api/v1/operator/providers/{pid}/service")).await.0, 403);
}

#[tokio::test]
async fn a_carer_whose_certificate_expired_is_renewed_and_can_be_assigned_again() {
    let s = start().await;
    let (pid, op) = station(&s).await;
    let (_, list) = s.get(Some(&op), &format!("/api/v1/operator/providers/{pid}/carers")).await;
    let (first, second) = (list[0].clone(), list[1].clone());
    let id = first["id"].as_i64().unwrap();
    server::db::query("UPDATE carers SET certificate_expires_on = '2020-01-31' WHERE id = ?").bind(id).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let today = app::model::requests::beijing_today(chrono::Utc::now());
    let assignable = |s: TestServer| async move {
        let mut conn = s.pool.acquire().await.unwrap();
        server::db::carers::assignable(&mut conn, id, pid, today).await.unwrap().is_ok()
    };
    assert!(!assignable(s.clone()).await, "expired: not assignable");
    let renew = |cert: &str, until: &str| json!({ "name": first["name"], "phone": "13912340001", "level": "senior", "certificate_no": cert, "certificate_expires_on": until });
    // a date already past, and another carer's certificate: both named
    let (st, body) = s.write(Some(&op), "PUT", &format!("/api/v1/operator/carers/{id}"), "carer-edit-0001", renew("S-NEW-0001", "2021-01-01")).await;
    assert_eq!((st, fields(&body)), (422, vec!["certificate_expires_on".to_string()]), "{body}");
    let taken = second["certificate_no"].as_str().unwrap();
    let (st, body) = s.write(Some(&op), "PUT", &format!("/api/v1/operator/carers/{id}"), "carer-edit-0002", renew(taken, "2029-06-30")).await;
    assert_eq!((st, fields(&body)), (422, vec!["certificate_no".to_string()]), "{body}");
    // renewed: the list says so, and the carer can be assigned again
    let (st, list) = s.write(Some(&op), "PUT", &format!("/api/v1/operator/carers/{id}"), "carer-edit-0003", renew("S-NEW-0001", "2029-06-30")).await;
    assert_eq!(st, 200, "{list}");
    let me = list.as_array().unwrap().iter().find(|c| c["id"] == id).unwrap();
    assert_eq!((me["certificate_no"].as_str(), me["certificate_expires_on"].as_str(), me["level"].as_str()), (Some("S-NEW-0001"), Some("2029-06-30"), Some("高级养老护理员")));
    assert!(assignable(s.clone()).await);
    let audited: i64 = server::db::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'carer_edit'").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(audited, 1);
    // another organisation's operator may not
    let other = s.login("op-feiqitu", SAMPLE_PASSWORD).await.1.unwrap();
    let (st, _) = s.write(Some(&other), "PUT", &format!("/api/v1/operator/carers/{id}"), "carer-edit-0004", renew("S-NEW-0002", "2029-06-30")).await;
    assert_eq!(st, 403);
}
