//! Personal information (PIPL): consents on record per purpose with their wording's version,
//! withdrawal that the provider sees at once, a weekly 探访 that follows only the provider its
//! consent named, the family's export and erasure, the access log, and transfer / share /
//! recovery codes.

use crate::helpers::{fields, start, uuid, Login, TestServer};
use chrono::{Duration, Utc};
use serde_json::{json, Value};
use server::db::sample::SAMPLE_PASSWORD;

const PHONE_A: &str = "family-phone-a-0123456789";
const PHONE_B: &str = "family-phone-b-0123456789";
const PHONE_C: &str = "family-phone-c-0123456789";

async fn w(s: &TestServer, device: &str, method: &str, path: &str, key: &str, body: Value) -> (u16, Value) {
    s.write_from(device, None, method, path, &format!("privacy-test-{key}"), body).await
}

async fn get_as(s: &TestServer, device: &str, path: &str) -> (u16, Value) {
    let res = s.http.get(format!("{}{path}", s.base)).header("X-Device-Key", device).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

fn given(purposes: &[&str]) -> Value {
    json!(purposes.iter().map(|p| json!({ "purpose": p, "version": 2 })).collect::<Vec<_>>())
}

/// An 82-year-old living alone in 旺庄 with a capability level and a category.
fn elder() -> Value {
    json!({
        "name": "张大爷", "age": 82, "street_id": "wuxi-xinwu-wangzhuang", "address_detail": "旺庄路 1 号 2 栋 301",
        "lat": 31.575, "lng": 120.358, "phone": "13812345678", "lives_alone": true, "empty_nest": false,
        "capability_level": "moderate", "categories": ["dibao"], "consent_health": true, "consent_categories": true
    })
}

/// Two providers serving 旺庄 with bathing and 探访 (the 旺庄 station and the district centre).
async fn two_providers(s: &TestServer) -> (i64, i64) {
    let (_, body) = s.get(None, "/api/v1/providers?lat=31.575&lng=120.358&street=wuxi-xinwu-wangzhuang&item=bathing").await;
    let ids: Vec<i64> = body["providers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["items"].as_array().unwrap().iter().any(|i| i["item"] == "welfare_visit"))
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert!(ids.len() >= 2, "{body}");
    (ids[0], ids[1])
}

/// Bathing openings of a provider from two days on.
async fn openings(s: &TestServer, provider: i64) -> Vec<Value> {
    let (_, open) = s.get(None, &format!("/api/v1/providers/{provider}/openings?item=bathing")).await;
    let soon = (app::model::requests::beijing_today(Utc::now()) + Duration::days(2)).format("%Y-%m-%d").to_string();
    open["openings"].as_array().unwrap().iter().filter(|o| o["booked"] == 0 && o["date"].as_str().unwrap() >= soon.as_str()).cloned().collect()
}

async fn order(s: &TestServer, device: &str, n: u64, provider: i64, slot: &Value, consents: &[&str]) -> (u16, Value) {
    let body = json!({
        "id": uuid(n), "provider_id": provider, "item": "bathing", "timeslot_id": slot["timeslot_id"], "date": slot["date"],
        "elder": elder(), "consents": given(consents)
    });
    w(s, device, "POST", "/api/v1/orders", &format!("order-{n}"), body).await
}

async fn provider_orders(s: &TestServer, op: &Login, provider: i64) -> Vec<Value> {
    let (st, list) = s.get(Some(op), &format!("/api/v1/operator/providers/{provider}/orders")).await;
    assert_eq!(st, 200, "{list}");
    list.as_array().unwrap().clone()
}

async fn consents_of(s: &TestServer, device: &str) -> Vec<Value> {
    let (st, data) = get_as(s, device, "/api/v1/me/data").await;
    assert_eq!(st, 200, "{data}");
    data["consents"].as_array().unwrap().clone()
}

#[tokio::test]
async fn consents_are_recorded_per_purpose_with_their_wording_and_withdrawal_hides_the_part_at_once() {
    let s = start().await;
    let (p1, _) = two_providers(&s).await;
    let slot = openings(&s, p1).await.remove(0);
    // no consent to share: refused, naming the consent
    let (st, body) = order(&s, PHONE_A, 1, p1, &slot, &[]).await;
    assert_eq!((st, fields(&body)), (422, vec!["consents.provider_share".to_string()]), "{body}");
    // an unknown wording version is refused by name
    let bad = json!({ "id": uuid(1), "provider_id": p1, "item": "bathing", "timeslot_id": slot["timeslot_id"], "date": slot["date"],
        "elder": elder(), "consents": [{ "purpose": "provider_share", "version": 99 }] });
    let (st, body) = w(&s, PHONE_A, "POST", "/api/v1/orders", "bad-version", bad).await;
    assert_eq!((st, fields(&body)), (422, vec!["consents.provider_share".to_string()]), "{body}");

    // sharing, and the level, but not the categories: the categories are not sent
    let (st, body) = order(&s, PHONE_A, 1, p1, &slot, &["provider_share", "elder_health"]).await;
    assert_eq!(st, 201, "{body}");
    let consents = consents_of(&s, PHONE_A).await;
    let mut purposes: Vec<(&str, i64)> = consents.iter().map(|c| (c["purpose"].as_str().unwrap(), c["version"].as_i64().unwrap())).collect();
    purposes.sort();
    assert_eq!(purposes, [("elder_health", 2), ("provider_share", 2)]);
    let share = consents.iter().find(|c| c["purpose"] == "provider_share").unwrap();
    let provider_name: String = server::db::query_scalar("SELECT name FROM providers WHERE id = ?").bind(p1).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert!(share["text"].as_str().unwrap().contains(&format!("「{provider_name}」")), "the wording as shown, recipient filled in: {share}");
    assert_eq!(share["recipient"], provider_name.as_str());
    assert!(share["covers"].as_array().unwrap().iter().any(|c| c == "联系电话"));

    let op = s.login("op-xinwu-yanglao", SAMPLE_PASSWORD).await.1.unwrap();
    let seen = provider_orders(&s, &op, p1).await;
    let o = seen.iter().find(|o| o["id"] == uuid(1)).unwrap();
    assert_eq!(o["elder"]["capability_level"], "moderate");
    assert_eq!(o["elder"]["categories"], json!([]), "no consent, no categories");
    // not accepted yet: the phone is masked and the house number held back
    assert_eq!((o["elder"]["phone"].as_str(), o["elder"]["address_detail"].as_str()), (Some("138****5678"), Some("（接单后显示）")));

    // withdrawing the level: the provider no longer sees it, at once
    let health = consents.iter().find(|c| c["purpose"] == "elder_health").unwrap()["id"].as_i64().unwrap();
    let (st, body) = w(&s, PHONE_A, "POST", &format!("/api/v1/me/consents/{health}/withdraw"), "withdraw-1", json!(null)).await;
    assert_eq!(st, 200, "{body}");
    assert!(body["withdrawn_at"].is_string());
    let seen = provider_orders(&s, &op, p1).await;
    assert_eq!(seen.iter().find(|o| o["id"] == uuid(1)).unwrap()["elder"]["capability_level"], Value::Null);
    // another phone cannot withdraw this family's consent; the contact consent ends only with the order
    let (st, _) = w(&s, PHONE_B, "POST", &format!("/api/v1/me/consents/{health}/withdraw"), "withdraw-2", json!(null)).await;
    assert_eq!(st, 404);
    let share_id = share["id"].as_i64().unwrap();
    let (st, body) = w(&s, PHONE_A, "POST", &format!("/api/v1/me/consents/{share_id}/withdraw"), "withdraw-3", json!(null)).await;
    assert_eq!((st, fields(&body)), (422, vec!["id".to_string()]), "{body}");

    // accepted: the phone shows, and the provider's reads are in the family's 查看记录
    let decision = format!("/api/v1/operator/orders/{}/decision", uuid(1));
    assert_eq!(s.write(Some(&op), "POST", &decision, "privacy-accept-1", json!({ "action": "accept" })).await.0, 200);
    let seen = provider_orders(&s, &op, p1).await;
    assert_eq!(seen.iter().find(|o| o["id"] == uuid(1)).unwrap()["elder"]["phone"], "13812345678");
    let (_, data) = get_as(&s, PHONE_A, "/api/v1/me/data").await;
    let views = data["views"].as_array().unwrap();
    assert_eq!(views.len(), 1, "one row per account, record and day however often the list is read: {views:?}");
    assert_eq!((views[0]["what"].as_str(), views[0]["why"].as_str()), (Some("老人信息"), Some("处理上门服务订单")));
    assert!(views[0]["who"].as_str().unwrap().contains(" · "), "organisation · name: {}", views[0]["who"]);
    let logged: i64 = server::db::query_scalar("SELECT count(*) FROM access_log WHERE what = 'elder_profile' AND subject_id = ?").bind(uuid(1)).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(logged, 1);
}

#[tokio::test]
async fn requests_record_contact_and_child_consents_and_old_clients_map_to_version_one() {
    let s = start().await;
    let (place, class): (i64, i64) = server::db::query_as(
        "SELECT p.id, c.id FROM places p JOIN classes c ON c.place_id = p.id JOIN users u ON u.organisation_id = p.organisation_id
         WHERE u.username = 'op-feiqitu' AND c.age_band = 'toddler' ORDER BY p.id, c.id LIMIT 1",
    )
    .fetch_one(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    use chrono::Datelike;
    let today = app::model::requests::beijing_today(Utc::now());
    let month = |k: i32| {
        let m = today.year() * 12 + today.month0() as i32 + k;
        format!("{}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
    };
    let app = |consents: Value| {
        json!({ "id": uuid(7), "place_id": place, "kind": "application", "class_id": class, "child_birth_month": month(-17),
            "start_month": month(1), "priority_grounds": ["single_parent"], "contact_name": "李先生", "contact_phone": "13800007777",
            "consent": true, "consents": consents })
    };
    let (st, body) = w(&s, PHONE_A, "POST", "/api/v1/requests", "app-1", app(given(&["contact"]))).await;
    assert_eq!((st, fields(&body)), (422, vec!["consents.child_data".to_string()]), "{body}");
    let (st, body) = w(&s, PHONE_A, "POST", "/api/v1/requests", "app-2", app(given(&["contact", "child_data"]))).await;
    assert_eq!(st, 201, "{body}");
    let rows: Vec<(String, i64, String)> =
        server::db::query_as("SELECT purpose, text_version, recipient FROM consents WHERE subject_kind = 'request' AND subject_id = ? ORDER BY purpose")
            .bind(uuid(7))
            .fetch_all(&mut *s.pool.acquire().await.unwrap())
            .await
            .unwrap();
    assert_eq!(rows, [("child_data".into(), 2, format!("place:{place}")), ("contact".into(), 2, format!("place:{place}"))]);

    // the operator's inbox read of the application is logged for the family
    let op = s.login("op-feiqitu", SAMPLE_PASSWORD).await.1.unwrap();
    let (st, _) = s.get(Some(&op), &format!("/api/v1/operator/places/{place}/requests")).await;
    assert_eq!(st, 200);
    let (_, data) = get_as(&s, PHONE_A, "/api/v1/me/data").await;
    assert_eq!(data["views"][0]["what"], "孩子的入托申请");
    assert_eq!(data["requests"][0]["child_birth_month"], month(-17).as_str());
    assert_eq!(data["requests"][0]["contact_phone"], "13800007777");
    // offered, the operator reveals the phone: logged with its reason
    let (st, body) = s.write(Some(&op), "POST", &format!("/api/v1/operator/requests/{}/decision", uuid(7)), "privacy-offer-7", json!({ "action": "offer" })).await;
    assert_eq!(st, 200, "{body}");
    let (st, body) = s.write(Some(&op), "POST", &format!("/api/v1/operator/requests/{}/reveal", uuid(7)), "privacy-reveal-7", json!(null)).await;
    assert_eq!(st, 200, "{body}");
    let (_, data) = get_as(&s, PHONE_A, "/api/v1/me/data").await;
    let whats: Vec<&str> = data["views"].as_array().unwrap().iter().map(|v| v["what"].as_str().unwrap()).collect();
    assert!(whats.contains(&"完整手机号") && whats.contains(&"孩子的入托申请"), "{whats:?}");

    // a visit request from before consents came one by one (only `consent`): version 1
    let (_, slots) = s.get(None, &format!("/api/v1/places/{place}/timeslots")).await;
    let o = slots["openings"].as_array().unwrap().iter().find(|o| o["kind"] == "visit" && o["booked"] == 0).unwrap().clone();
    let old = json!({ "id": uuid(8), "place_id": place, "kind": "visit", "timeslot_id": o["timeslot_id"], "timeslot_date": o["date"],
        "contact_name": "王女士", "contact_phone": "13800008888", "consent": true });
    let (st, body) = w(&s, PHONE_A, "POST", "/api/v1/requests", "old-visit", old).await;
    assert_eq!(st, 201, "{body}");
    let (v, text): (i64, String) = server::db::query_as("SELECT text_version, text FROM consents WHERE subject_id = ? AND purpose = 'contact'")
        .bind(uuid(8))
        .fetch_one(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    assert_eq!(v, 1);
    assert!(text.contains("只用于处理这次预约参观"), "{text}");
}

#[tokio::test]
async fn a_weekly_visit_follows_only_the_provider_its_consent_named_and_the_family_can_end_it() {
    let s = start().await;
    let (p1, p2) = two_providers(&s).await;
    let (s1, s2) = (openings(&s, p1).await, openings(&s, p2).await);
    // an order with no 探访 consent makes no plan
    assert_eq!(order(&s, PHONE_A, 1, p1, &s1[0], &["provider_share"]).await.0, 201);
    let plans: i64 = server::db::query_scalar("SELECT count(*) FROM welfare_plans").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(plans, 0);
    // with it: a plan with provider 1
    assert_eq!(order(&s, PHONE_A, 2, p1, &s1[1], &["provider_share", "weekly_visit"]).await.0, 201);
    let (provider, consent): (i64, i64) = server::db::query_as("SELECT provider_id, consent_id FROM welfare_plans").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(provider, p1);
    // an order from provider 2 without the 探访 consent: the plan stays with provider 1, unchanged
    server::db::query(server::db::Sql::by_engine(
        "UPDATE welfare_plans SET elder = json_set(elder, '$.address_detail', '旧地址')",
        "UPDATE welfare_plans SET elder = jsonb_set(CAST(elder AS jsonb), '{address_detail}', '\"旧地址\"')::text",
    )).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(order(&s, PHONE_A, 3, p2, &s2[0], &["provider_share"]).await.0, 201);
    let (provider, address): (i64, String) =
        server::db::query_as("SELECT provider_id, json_extract(elder, '$.address_detail') FROM welfare_plans").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!((provider, address.as_str()), (p1, "旧地址"), "the new profile did not go to provider 1 through the plan");
    // with a new consent naming provider 2: the plan moves, the old consent no longer applies
    assert_eq!(order(&s, PHONE_A, 4, p2, &s2[1], &["provider_share", "weekly_visit"]).await.0, 201);
    let (provider, new_consent): (i64, i64) = server::db::query_as("SELECT provider_id, consent_id FROM welfare_plans").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(provider, p2);
    assert_ne!(new_consent, consent);
    let withdrawn: Option<i64> = server::db::query_scalar("SELECT withdrawn_at FROM consents WHERE id = ?").bind(consent).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert!(withdrawn.is_some());
    let names: Vec<String> = server::db::query_scalar("SELECT recipient_name FROM consents WHERE purpose = 'weekly_visit' ORDER BY id").fetch_all(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(names.len(), 2);
    assert_ne!(names[0], names[1]);

    // the family ends the plan: no visit is due any more, and the provider's list is empty
    let (_, plans) = get_as(&s, PHONE_A, "/api/v1/welfare-visits").await;
    assert_eq!(plans["plans"][0]["consent_id"], new_consent);
    let (st, body) = w(&s, PHONE_A, "POST", &format!("/api/v1/me/consents/{new_consent}/withdraw"), "end-plan", json!(null)).await;
    assert_eq!(st, 200, "{body}");
    let (_, plans) = get_as(&s, PHONE_A, "/api/v1/welfare-visits").await;
    assert_eq!(plans["plans"], json!([]));
    let g = server::db::welfare::generate(&s.pool, Utc::now() + Duration::days(7)).await.unwrap();
    assert_eq!(g.created, 0, "an ended plan makes no visits");
    let op = s.login("op-xinwu-yanglao", SAMPLE_PASSWORD).await.1.unwrap();
    let (st, list) = s.get(Some(&op), &format!("/api/v1/operator/providers/{p2}/welfare-visits")).await;
    assert_eq!((st, list), (200, json!([])));
}

#[tokio::test]
async fn the_export_holds_every_record_of_the_family_and_nothing_of_another_and_erasure_empties_it() {
    let s = start().await;
    let (p1, _) = two_providers(&s).await;
    let slots = openings(&s, p1).await;
    assert_eq!(order(&s, PHONE_A, 1, p1, &slots[0], &["provider_share", "elder_health", "elder_categories", "weekly_visit"]).await.0, 201);
    assert_eq!(order(&s, PHONE_A, 2, p1, &slots[1], &["provider_share"]).await.0, 201);
    assert_eq!(order(&s, PHONE_B, 3, p1, &slots[2], &["provider_share"]).await.0, 201);
    let place: i64 = server::db::query_scalar("SELECT id FROM places ORDER BY id LIMIT 1").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(w(&s, PHONE_A, "POST", "/api/v1/favorites", "fav", json!({ "place_id": place })).await.0, 201);
    // order 2 is completed (kept for settlement after erasure)
    server::db::query("UPDATE orders SET status = 'completed', check_in_lat = 31.5, check_in_lng = 120.3, carer_note = '洗浴顺利' WHERE id = ?")
        .bind(uuid(2))
        .execute(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();

    let (st, data) = get_as(&s, PHONE_A, "/api/v1/me/data").await;
    assert_eq!(st, 200);
    let ids: Vec<&str> = data["orders"].as_array().unwrap().iter().map(|o| o["order"]["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&uuid(1).as_str()) && ids.contains(&uuid(2).as_str()) && !ids.contains(&uuid(3).as_str()));
    assert_eq!(data["orders"].as_array().unwrap().iter().find(|o| o["order"]["id"] == uuid(1)).unwrap()["elder"]["categories"], json!(["dibao"]));
    assert_eq!(data["plans"].as_array().unwrap().len(), 1);
    assert_eq!(data["saved_places"][0]["place_id"], place);
    assert_eq!(data["consents"].as_array().unwrap().len(), 5, "4 with order 1 (incl. 探访), 1 with order 2");
    let (_, other) = get_as(&s, PHONE_B, "/api/v1/me/data").await;
    assert_eq!(other["orders"].as_array().unwrap().len(), 1);
    assert_eq!(other["plans"], json!([]));

    // erasure: the open order is cancelled, the completed one kept without a person
    let (st, erased) = w(&s, PHONE_A, "DELETE", "/api/v1/me/data", "erase", json!(null)).await;
    assert_eq!(st, 200, "{erased}");
    assert_eq!((erased["cancelled"].as_i64(), erased["orders_anonymised"].as_i64(), erased["plans_ended"].as_i64(), erased["saved_places_erased"].as_i64()),
        (Some(1), Some(2), Some(1), Some(1)));
    let (_, data) = get_as(&s, PHONE_A, "/api/v1/me/data").await;
    for k in ["requests", "orders", "plans", "saved_places", "consents", "views"] {
        assert_eq!(data[k], json!([]), "{k} after erasure");
    }
    let kept: (String, String, Option<f64>, Option<String>, String, String) = server::db::query_as(
        "SELECT status, elder_name, check_in_lat, carer_note, quote, json_extract(elder, '$.phone') || json_extract(elder, '$.address_detail') FROM orders WHERE id = ?",
    )
    .bind(uuid(2))
    .fetch_one(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    assert_eq!((kept.0.as_str(), kept.1.as_str(), kept.2, kept.3, kept.5.as_str()), ("completed", "（已匿名）", None, None, ""));
    assert!(kept.4.contains("market_price_yuan"), "the settlement figures stay: {}", kept.4);
    let anywhere: (i64, i64, i64) = server::db::query_as(
        "SELECT (SELECT count(*) FROM orders WHERE elder LIKE '%13812345678%' AND device_hash <> ?1),
                (SELECT count(*) FROM welfare_plans WHERE elder_phone <> '' OR elder LIKE '%张大爷%'),
                (SELECT count(*) FROM idempotency_keys WHERE device_hash <> ?1 AND response LIKE '%张大爷%')",
    )
    .bind(app_hash(PHONE_B))
    .fetch_one(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    assert_eq!(anywhere, (0, 0, 0), "no name, phone or address of the family is left outside the other phone's own order");
    // the provider's desk no longer shows the profile
    let op = s.login("op-xinwu-yanglao", SAMPLE_PASSWORD).await.1.unwrap();
    let seen = provider_orders(&s, &op, p1).await;
    for o in seen.iter().filter(|o| o["id"] == uuid(1) || o["id"] == uuid(2)) {
        assert_eq!(o["elder"]["name"], "（已匿名）");
        assert_eq!(o["elder"]["address_detail"].as_str().map(|a| a.is_empty() || a == "（接单后显示）"), Some(true), "{o}");
    }
    // the other family is untouched
    let (_, other) = get_as(&s, PHONE_B, "/api/v1/me/data").await;
    assert_eq!(other["orders"][0]["elder"]["name"], "张大爷");
}

fn app_hash(key: &str) -> String {
    server::http::device::sha256_hex(key.as_bytes())
}

#[tokio::test]
async fn transfer_codes_are_single_use_expire_are_rate_limited_and_take_over_or_share() {
    let s = start().await;
    let (p1, _) = two_providers(&s).await;
    let slots = openings(&s, p1).await;
    assert_eq!(order(&s, PHONE_A, 1, p1, &slots[0], &["provider_share"]).await.0, 201);

    // share: both phones see the order and either can order
    let (st, code) = w(&s, PHONE_A, "POST", "/api/v1/me/transfer-codes", "code-1", json!({ "mode": "share" })).await;
    assert_eq!(st, 201, "{code}");
    let c = code["code"].as_str().unwrap().to_string();
    assert_eq!(c.len(), 9, "XXXX-XXXX: {c}");
    assert!(code["qr_svg"].as_str().unwrap().starts_with("<?xml") || code["qr_svg"].as_str().unwrap().contains("<svg"));
    assert!(code["link"].as_str().unwrap().ends_with(&format!("/me/join?code={c}")));
    let stored: i64 = server::db::query_scalar("SELECT count(*) FROM transfer_codes WHERE code_hash = ? OR code_hash LIKE ?")
        .bind(c.replace('-', ""))
        .bind(format!("%{}%", c.replace('-', "")))
        .fetch_one(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    assert_eq!(stored, 0, "codes are stored hashed");
    let (st, body) = w(&s, PHONE_B, "POST", "/api/v1/me/transfer", "enter-1", json!({ "code": c.to_lowercase() })).await;
    assert_eq!((st, body["mode"].as_str(), body["orders"].as_i64()), (200, Some("share"), Some(1)), "{body}");
    let (_, b) = get_as(&s, PHONE_B, "/api/v1/orders").await;
    let (_, a) = get_as(&s, PHONE_A, "/api/v1/orders").await;
    assert_eq!((a["orders"].as_array().unwrap().len(), b["orders"].as_array().unwrap().len()), (1, 1), "after a share both phones follow");
    assert_eq!(order(&s, PHONE_B, 2, p1, &slots[1], &["provider_share"]).await.0, 201);
    let (_, a) = get_as(&s, PHONE_A, "/api/v1/orders").await;
    assert_eq!(a["orders"].as_array().unwrap().len(), 2, "an order from the sharing phone shows on the first");
    let (_, data) = get_as(&s, PHONE_A, "/api/v1/me/data").await;
    assert_eq!(data["shared_with"], 1);
    // single use
    let (st, body) = w(&s, PHONE_C, "POST", "/api/v1/me/transfer", "enter-2", json!({ "code": c })).await;
    assert_eq!((st, fields(&body)), (422, vec!["code".to_string()]), "{body}");
    // the sharing phone stops sharing: it sees nothing, the family keeps everything
    assert_eq!(w(&s, PHONE_B, "DELETE", "/api/v1/me/sharing", "stop", json!(null)).await.0, 200);
    let (_, b) = get_as(&s, PHONE_B, "/api/v1/orders").await;
    let (_, a) = get_as(&s, PHONE_A, "/api/v1/orders").await;
    assert_eq!((a["orders"].as_array().unwrap().len(), b["orders"].as_array().unwrap().len()), (2, 0));

    // take over: the new phone has everything, the old one nothing
    let (_, code) = w(&s, PHONE_A, "POST", "/api/v1/me/transfer-codes", "code-2", json!({ "mode": "take" })).await;
    let (st, body) = w(&s, PHONE_C, "POST", "/api/v1/me/transfer", "enter-3", json!({ "code": code["code"] })).await;
    assert_eq!((st, body["mode"].as_str(), body["orders"].as_i64()), (200, Some("take"), Some(2)), "{body}");
    let (_, a) = get_as(&s, PHONE_A, "/api/v1/orders").await;
    let (_, c3) = get_as(&s, PHONE_C, "/api/v1/orders").await;
    assert_eq!((a["orders"].as_array().unwrap().len(), c3["orders"].as_array().unwrap().len()), (0, 2), "after a takeover only the new phone");
    let (_, data) = get_as(&s, PHONE_C, "/api/v1/me/data").await;
    assert_eq!(data["consents"].as_array().unwrap().len(), 2, "the consents move along");

    // expiry: a code older than ten minutes is refused
    let (_, code) = w(&s, PHONE_C, "POST", "/api/v1/me/transfer-codes", "code-3", json!({ "mode": "take" })).await;
    server::db::query("UPDATE transfer_codes SET expires_at = ? WHERE mode = 'take' AND used_at IS NULL").bind(Utc::now().timestamp() - 1).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (st, _) = w(&s, PHONE_A, "POST", "/api/v1/me/transfer", "enter-4", json!({ "code": code["code"] })).await;
    assert_eq!(st, 422);

    // recovery code: written down, entered on a new phone after the old one is lost
    let (st, rec) = w(&s, PHONE_C, "POST", "/api/v1/me/recovery-code", "rec", json!(null)).await;
    assert_eq!(st, 201);
    assert_eq!(rec["code"].as_str().unwrap().len(), 19);
    let (_, data) = get_as(&s, PHONE_C, "/api/v1/me/data").await;
    assert_eq!(data["has_recovery_code"], true);

    // wrong codes: after five from one address, 429 with Retry-After — even the right code waits
    let lost_phone_replacement = "family-phone-d-0123456789";
    for i in 0..3 {
        let (st, _) = w(&s, lost_phone_replacement, "POST", "/api/v1/me/transfer", &format!("wrong-{i}"), json!({ "code": format!("AAAA-AAA{}", i + 2) })).await;
        assert_eq!(st, 422);
    }
    let res = s
        .send_write(lost_phone_replacement, None, "POST", "/api/v1/me/transfer", "privacy-test-wrong-9", json!({ "code": "BBBB-BBBB" }))
        .await;
    assert_eq!(res.status().as_u16(), 429, "five wrong codes from this address (two before) within 15 minutes");
    assert!(res.headers().get("retry-after").is_some());
    let res = s.send_write(lost_phone_replacement, None, "POST", "/api/v1/me/transfer", "privacy-test-right", json!({ "code": rec["code"] })).await;
    assert_eq!(res.status().as_u16(), 429);
    server::db::query("DELETE FROM code_attempts").execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (st, body) = w(&s, lost_phone_replacement, "POST", "/api/v1/me/transfer", "right", json!({ "code": rec["code"] })).await;
    assert_eq!((st, body["orders"].as_i64()), (200, Some(2)), "{body}");
    let (_, c3) = get_as(&s, PHONE_C, "/api/v1/orders").await;
    assert_eq!(c3["orders"], json!([]));
}

#[tokio::test]
async fn every_supervisor_export_is_logged() {
    let s = start().await;
    let sup = s.login("sup-xinwu", SAMPLE_PASSWORD).await.1.unwrap();
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    for _ in 0..2 {
        let res = s
            .http
            .get(format!("{}/api/v1/supervise/export.csv?area=wuxi-xinwu&month={month}&table=indicators", s.base))
            .header("Cookie", &sup.cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
    }
    let rows: Vec<(String, String, String)> =
        server::db::query_as("SELECT who, why, subject_id FROM access_log WHERE what = 'export'").fetch_all(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(rows.len(), 2, "every export is a row: {rows:?}");
    assert_eq!(rows[0].1, "监管数据导出");
    assert!(rows[0].2.starts_with("wuxi-xinwu"), "{rows:?}");
}
