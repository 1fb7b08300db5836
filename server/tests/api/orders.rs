//! Orders for 居家上门服务: the provider must serve the address, a timeslot is never
//! over-booked, the server prices with the rule table, one order however often sent,
//! cancelling within the provider's window.


use crate::helpers::{answers, booked, elder_with_categories, fields, start, uuid, TestServer};
use serde_json::{json, Value};



/// The 旺庄 station and its first bathing opening (capacity 2).
async fn station_opening(s: &TestServer) -> (i64, Value) {
    let (_, body) = s.get(None, "/api/v1/providers?lat=31.575&lng=120.358&street=wuxi-xinwu-wangzhuang&item=bathing").await;
    let station = body["providers"].as_array().unwrap().iter().find(|p| p["kind"] == "home_care_station").unwrap()["id"].as_i64().unwrap();
    let (st, open) = s.get(None, &format!("/api/v1/providers/{station}/openings?item=bathing")).await;
    assert_eq!(st, 200, "{open}");
    // at least two days ahead, so the provider's cancellation window (12 h) is not reached
    let soon = (app::model::requests::beijing_today(chrono::Utc::now()) + chrono::Duration::days(2)).format("%Y-%m-%d").to_string();
    let o = open["openings"].as_array().unwrap().iter().find(|o| o["booked"] == 0 && o["date"].as_str().unwrap() >= soon.as_str()).unwrap().clone();
    (station, o)
}

fn order(n: u64, provider: i64, o: &Value, elder: Value) -> Value {
    json!({ "id": uuid(n), "provider_id": provider, "item": "bathing", "timeslot_id": o["timeslot_id"], "date": o["date"], "elder": elder, "consent": true })
}

async fn post(s: &TestServer, device: &str, key: &str, path: &str, body: Value) -> (u16, Value) {
    let res = s.http.post(format!("{}{path}", s.base)).header("X-Device-Key", device).header("Idempotency-Key", key).json(&body).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn thirty_concurrent_orders_for_a_timeslot_of_two_make_exactly_two() {
    let s = start().await;
    let (station, o) = station_opening(&s).await;
    assert_eq!(o["capacity"], 2);
    let mut tasks = Vec::new();
    for i in 0..30u64 {
        let (s, body) = (s.clone(), order(100 + i, station, &o, elder_with_categories("张大爷", 70, true, json!([]))));
        let (device, key) = (format!("family-device-key-{i:05}"), format!("order-key-{i:04}"));
        tasks.push(tokio::spawn(async move { s.write_from(&device, None, "POST", "/api/v1/orders", &key, body).await }));
    }
    assert_eq!(booked(&answers(tasks).await), 2);
}

#[tokio::test]
async fn the_server_prices_the_order_and_one_order_is_one_order() {
    let s = start().await;
    let (station, o) = station_opening(&s).await;
    let body = order(1, station, &o, elder_with_categories("张大爷", 82, true, json!(["dibao"])));
    let (st, first) = post(&s, crate::helpers::DEVICE, "ord-key-1", "/api/v1/orders", body.clone()).await;
    assert_eq!(st, 201, "{first}");
    assert_eq!(first["status"], "submitted");
    assert_eq!((first["quote"]["public_pays_yuan"].as_u64(), first["quote"]["family_pays_yuan"].as_u64()), (Some(120), Some(0)));
    assert_eq!(first["quote"]["rule_id"], 1);
    assert_eq!(first["category_confirmed"], false, "public money waits for the provider's check");
    // a retry under a new key is the same order
    let (st, again) = post(&s, crate::helpers::DEVICE, "ord-key-2", "/api/v1/orders", body.clone()).await;
    assert_eq!((st, &again["id"]), (200, &first["id"]));
    // without consent for the categories, they do not count (79: no 80+ either → market price)
    let mut p = elder_with_categories("张大爷", 79, true, json!(["dibao"]));
    p["consent_categories"] = json!(false);
    let (st, body) = post(&s, crate::helpers::DEVICE, "ord-key-3", "/api/v1/orders", order(2, station, &o, p)).await;
    assert_eq!(st, 422, "the profile says it holds categories without consent: {body}");
    assert_eq!(fields(&body), ["elder.consent_categories"]);
    let (st, body) = post(&s, crate::helpers::DEVICE, "ord-key-4", "/api/v1/orders", order(3, station, &o, elder_with_categories("张大爷", 79, true, json!([])))).await;
    assert_eq!(st, 201, "{body}");
    assert_eq!((body["quote"]["public_pays_yuan"].as_u64(), body["quote"]["family_pays_yuan"].as_u64()), (Some(0), Some(120)));
    let res = s.http.get(format!("{}/api/v1/orders", s.base)).header("X-Device-Key", crate::helpers::DEVICE).send().await.unwrap();
    let mine: Value = res.json().await.unwrap();
    assert_eq!(mine["orders"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_orders_quote_stays_as_priced_when_the_rule_table_changes() {
    let s = start().await;
    let (station, o) = station_opening(&s).await;
    // 82 with 低保: rule 1 pays all 120 yuan
    let (st, before) = post(&s, crate::helpers::DEVICE, "rule-edit-1", "/api/v1/orders", order(1, station, &o, elder_with_categories("张大爷", 82, true, json!(["dibao"])))).await;
    assert_eq!(st, 201, "{before}");
    assert_eq!((before["quote"]["public_pays_yuan"].as_u64(), before["quote"]["rule_id"].as_i64()), (Some(120), Some(1)));
    // the rule table is edited: rule 1 now pays 30 % with a cap of 20 yuan
    server::db::query("UPDATE subsidy_rules SET share_percent = 30, cap_yuan = 20 WHERE id = 1").execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (_, rules) = s.get(None, "/api/v1/subsidy-rules").await;
    let r1 = rules.as_array().unwrap().iter().find(|r| r["id"] == 1).unwrap();
    assert_eq!((r1["share_percent"].as_u64(), r1["cap_yuan"].as_u64()), (Some(30), Some(20)), "the app prices new orders with the new rule");
    // the order already placed keeps the price it was placed at, in every view
    let res = s.http.get(format!("{}/api/v1/orders", s.base)).header("X-Device-Key", crate::helpers::DEVICE).send().await.unwrap();
    let mine: Value = res.json().await.unwrap();
    let kept = mine["orders"].as_array().unwrap().iter().find(|x| x["id"] == uuid(1)).unwrap();
    assert_eq!(kept["quote"], before["quote"]);
    let op = s.login("op-xinwu-yanglao", server::db::sample::SAMPLE_PASSWORD).await.1.unwrap();
    let (_, inbox) = s.get(Some(&op), &format!("/api/v1/operator/providers/{station}/orders")).await;
    let seen = inbox.as_array().unwrap().iter().find(|x| x["id"] == uuid(1)).unwrap();
    assert_eq!(seen["quote"], before["quote"], "the provider sees the same split");
    // a new order is priced by the rule as it is now: 30 % of 120 = 36, capped at 20
    let (st, after) = post(&s, crate::helpers::DEVICE, "rule-edit-2", "/api/v1/orders", order(2, station, &o, elder_with_categories("张大爷", 82, true, json!(["dibao"])))).await;
    assert_eq!(st, 201, "{after}");
    assert_eq!((after["quote"]["public_pays_yuan"].as_u64(), after["quote"]["family_pays_yuan"].as_u64()), (Some(20), Some(100)));
}

#[tokio::test]
async fn a_provider_that_does_not_serve_the_address_is_refused_and_bad_orders_name_their_fields() {
    let s = start().await;
    let (station, o) = station_opening(&s).await;
    // the 旺庄 station does not serve an address in 江溪
    let mut far = elder_with_categories("张大爷", 70, true, json!([]));
    far["street_id"] = json!("wuxi-xinwu-jiangxi");
    far["lat"] = json!(31.537);
    far["lng"] = json!(120.352);
    let (st, body) = post(&s, crate::helpers::DEVICE, "bad-ord-1", "/api/v1/orders", order(5, station, &o, far)).await;
    assert_eq!((st, fields(&body)), (422, vec!["provider_id".to_string()]), "{body}");
    let mut bad = order(6, station, &o, elder_with_categories("张大爷", 70, true, json!([])));
    bad["consent"] = json!(false);
    bad["item"] = json!("emergency");
    let (st, body) = post(&s, crate::helpers::DEVICE, "bad-ord-2", "/api/v1/orders", bad).await;
    assert_eq!(st, 422);
    assert!(fields(&body).contains(&"item".to_string()) && fields(&body).contains(&"consents.provider_share".to_string()), "{body}");
    assert_eq!(s.get(None, "/api/v1/providers/999999/openings?item=bathing").await.0, 404);
}

#[tokio::test]
async fn families_cancel_within_the_window_and_the_timeslot_frees() {
    let s = start().await;
    let (station, o) = station_opening(&s).await;
    let (st, body) = post(&s, crate::helpers::DEVICE, "can-ord-1", "/api/v1/orders", order(7, station, &o, elder_with_categories("张大爷", 70, true, json!([])))).await;
    assert_eq!(st, 201, "{body}");
    let booked = |v: &Value| v["openings"].as_array().unwrap().iter().find(|x| x["timeslot_id"] == o["timeslot_id"] && x["date"] == o["date"]).unwrap()["booked"].clone();
    let (_, open) = s.get(None, &format!("/api/v1/providers/{station}/openings?item=bathing")).await;
    assert_eq!(booked(&open), 1);
    // another device cannot cancel it
    assert_eq!(post(&s, "someone-elses-device-key-1", "can-ord-2", &format!("/api/v1/orders/{}/cancel", uuid(7)), json!({})).await.0, 404);
    let (st, body) = post(&s, crate::helpers::DEVICE, "can-ord-3", &format!("/api/v1/orders/{}/cancel", uuid(7)), json!({})).await;
    assert_eq!((st, body["status"].as_str()), (200, Some("cancelled")), "{body}");
    let (_, open) = s.get(None, &format!("/api/v1/providers/{station}/openings?item=bathing")).await;
    assert_eq!(booked(&open), 0);
    // inside the window: refused with the provider's number
    server::db::query("UPDATE providers SET cancel_window_h = 168 WHERE id = ?").bind(station).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (st, _) = post(&s, crate::helpers::DEVICE, "can-ord-4", "/api/v1/orders", order(8, station, &o, elder_with_categories("张大爷", 70, true, json!([])))).await;
    assert_eq!(st, 201);
    let (st, body) = post(&s, crate::helpers::DEVICE, "can-ord-5", &format!("/api/v1/orders/{}/cancel", uuid(8)), json!({})).await;
    assert_eq!(st, 422, "{body}");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("致电"));
}

#[tokio::test]
async fn the_provider_accepts_assigns_a_carer_and_confirms_the_category_and_others_cannot() {
    let s = start().await;
    let (station, o) = station_opening(&s).await;
    let (st, _) = post(&s, crate::helpers::DEVICE, "prov-ord-1", "/api/v1/orders", order(9, station, &o, elder_with_categories("张大爷", 82, true, json!(["dibao"])))).await;
    assert_eq!(st, 201);
    let op = s.login("op-xinwu-yanglao", server::db::sample::SAMPLE_PASSWORD).await.1.unwrap();
    let other = s.login("op-feiqitu", server::db::sample::SAMPLE_PASSWORD).await.1.unwrap();
    let (_, mine) = s.get(Some(&op), "/api/v1/operator/providers").await;
    assert!(mine.as_array().unwrap().iter().any(|p| p["id"] == station));
    assert_eq!(s.get(Some(&other), "/api/v1/operator/providers").await.1, json!([]));
    // boundaries: 401 without a session, 403 for another organisation, on each endpoint
    for path in [format!("/api/v1/operator/providers/{station}/orders"), format!("/api/v1/operator/providers/{station}/carers")] {
        assert_eq!(s.get(None, &path).await.0, 401, "{path}");
        assert_eq!(s.get(Some(&other), &path).await.0, 403, "{path}");
    }
    let decision = format!("/api/v1/operator/orders/{}/decision", uuid(9));
    assert_eq!(s.write(None, "POST", &decision, "prov-dec-0", json!({ "action": "accept" })).await.0, 401);
    assert_eq!(s.write(Some(&other), "POST", &decision, "prov-dec-1", json!({ "action": "accept" })).await.0, 403);
    // the inbox has the order with the profile the family shared
    let (_, inbox) = s.get(Some(&op), &format!("/api/v1/operator/providers/{station}/orders")).await;
    let item = inbox.as_array().unwrap().iter().find(|x| x["id"] == uuid(9)).unwrap();
    assert_eq!((item["elder"]["age"].as_u64(), item["elder"]["categories"].clone()), (Some(82), json!(["dibao"])));
    // assign before accepting is not possible; accept, then assign one of its own carers
    assert_eq!(s.write(Some(&op), "POST", &decision, "prov-dec-2", json!({ "action": "assign", "carer_id": 1 })).await.0, 409);
    let (st, body) = s.write(Some(&op), "POST", &decision, "prov-dec-3", json!({ "action": "accept" })).await;
    assert_eq!((st, body["status"].as_str()), (200, Some("accepted")), "{body}");
    let foreign: i64 = server::db::query_scalar("SELECT id FROM carers WHERE provider_id <> ? LIMIT 1").bind(station).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (st, body) = s.write(Some(&op), "POST", &decision, "prov-dec-4", json!({ "action": "assign", "carer_id": foreign })).await;
    assert_eq!((st, fields(&body)), (422, vec!["carer_id".to_string()]));
    let (_, carers) = s.get(Some(&op), &format!("/api/v1/operator/providers/{station}/carers")).await;
    let carer = carers[0].clone();
    let (st, body) = s.write(Some(&op), "POST", &decision, "prov-dec-5", json!({ "action": "assign", "carer_id": carer["id"] })).await;
    assert_eq!((st, body["status"].as_str()), (200, Some("assigned")), "{body}");
    let (st, body) = s.write(Some(&op), "POST", &decision, "prov-dec-6", json!({ "action": "confirm_category" })).await;
    assert_eq!((st, body["category_confirmed"].as_bool()), (200, Some(true)), "{body}");
    // the family sees who comes: name, level, certificate
    let res = s.http.get(format!("{}/api/v1/orders", s.base)).header("X-Device-Key", crate::helpers::DEVICE).send().await.unwrap();
    let orders: Value = res.json().await.unwrap();
    let o = &orders["orders"][0];
    assert_eq!(o["status"], "assigned");
    assert_eq!(o["carer"]["name"], carer["name"]);
    assert!(o["carer"]["level"].as_str().unwrap().ends_with("养老护理员"));
    assert!(!o["carer"]["certificate_no"].as_str().unwrap().is_empty());
    assert!(o.get("phone").is_none() && !o["carer"].to_string().contains("1000000"), "the carer's phone is not shown to families");
    // declining needs a reason
    let (st, body) = s.write(Some(&op), "POST", &decision, "prov-dec-7", json!({ "action": "decline" })).await;
    assert_eq!((st, fields(&body)), (422, vec!["message".to_string()]));
    let n: i64 = server::db::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'order_decision'").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(n, 3);
}

#[tokio::test]
async fn a_provider_adds_a_carer_assigns_them_and_an_expired_certificate_or_a_disabled_carer_is_refused() {
    let s = start().await;
    let (station, o) = station_opening(&s).await;
    let op = s.login("op-xinwu-yanglao", server::db::sample::SAMPLE_PASSWORD).await.1.unwrap();
    let other = s.login("op-feiqitu", server::db::sample::SAMPLE_PASSWORD).await.1.unwrap();
    let add = format!("/api/v1/operator/providers/{station}/carers");
    let today = app::model::requests::beijing_today(chrono::Utc::now());
    let day = |d: i64| (today + chrono::Duration::days(d)).format("%Y-%m-%d").to_string();
    let carer = |name: &str, cert: &str, until: String| json!({ "name": name, "phone": "13912345678", "level": "intermediate", "certificate_no": cert, "certificate_expires_on": until });
    // bad input names each field; an already expired certificate is refused
    let (st, body) = s.write(Some(&op), "POST", &add, "carer-key-1", json!({ "name": "王", "phone": "123", "level": "intermediate", "certificate_no": "1", "certificate_expires_on": day(-1) })).await;
    assert_eq!((st, fields(&body)), (422, vec!["name".to_string(), "phone".into(), "certificate_no".into(), "certificate_expires_on".into()]), "{body}");
    assert!(body["fields"][3]["message"].as_str().unwrap().contains("已过期"));
    assert_eq!(s.write(Some(&other), "POST", &add, "carer-key-2", carer("王芳", "Y3202140001", day(400))).await.0, 403);
    // added; the same key again is the same carer, not two
    let (st, added) = s.write(Some(&op), "POST", &add, "carer-key-3", carer("王芳", "Y3202140001", day(400))).await;
    assert_eq!(st, 201, "{added}");
    assert_eq!((added["level"].as_str(), added["certificate_expires_on"].as_str()), (Some("中级养老护理员"), Some(day(400).as_str())));
    assert_eq!(s.write(Some(&op), "POST", &add, "carer-key-3", carer("王芳", "Y3202140001", day(400))).await.1, added);
    let (st, body) = s.write(Some(&op), "POST", &add, "carer-key-4", carer("王芳芳", "Y3202140001", day(400))).await;
    assert_eq!((st, fields(&body)), (422, vec!["certificate_no".to_string()]), "one certificate, one carer");
    let (_, list) = s.get(Some(&op), &add).await;
    assert!(list.as_array().unwrap().iter().any(|c| c["id"] == added["id"]));
    // an order to assign
    let (st, _) = post(&s, crate::helpers::DEVICE, "carer-ord", "/api/v1/orders", order(31, station, &o, elder_with_categories("李奶奶", 85, true, json!([])))).await;
    assert_eq!(st, 201);
    let decision = format!("/api/v1/operator/orders/{}/decision", uuid(31));
    assert_eq!(s.write(Some(&op), "POST", &decision, "carer-dec-1", json!({ "action": "accept" })).await.0, 200);
    // a certificate that has since expired cannot be assigned
    let (_, late) = s.write(Some(&op), "POST", &add, "carer-key-5", carer("赵敏", "Y3202140002", day(0))).await;
    server::db::query("UPDATE carers SET certificate_expires_on = ? WHERE id = ?").bind(day(-3)).bind(late["id"].as_i64()).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (st, body) = s.write(Some(&op), "POST", &decision, "carer-dec-2", json!({ "action": "assign", "carer_id": late["id"] })).await;
    assert_eq!((st, fields(&body)), (422, vec!["carer_id".to_string()]), "{body}");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("过期"), "{body}");
    // the new carer is assigned
    let (st, body) = s.write(Some(&op), "POST", &decision, "carer-dec-3", json!({ "action": "assign", "carer_id": added["id"] })).await;
    assert_eq!((st, body["carer"]["name"].as_str()), (200, Some("王芳")), "{body}");
    // disabled: off the list, not assignable, and a carer account of theirs cannot sign in
    let (_, sample_carers) = s.get(Some(&op), &add).await;
    let with_account: i64 = server::db::query_scalar("SELECT carer_id FROM users WHERE carer_id IN (SELECT id FROM carers WHERE provider_id = ?) LIMIT 1")
        .bind(station)
        .fetch_one(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    let username: String = server::db::query_scalar("SELECT username FROM users WHERE carer_id = ?").bind(with_account).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let session = s.login(&username, server::db::sample::SAMPLE_PASSWORD).await.1.unwrap();
    assert!(sample_carers.as_array().unwrap().iter().any(|c| c["id"] == with_account));
    let (st, list) = s.write(Some(&op), "POST", &format!("/api/v1/operator/carers/{with_account}/disable"), "carer-off-1", json!({})).await;
    assert_eq!(st, 200, "{list}");
    assert!(list.as_array().unwrap().iter().all(|c| c["id"] != with_account));
    assert_eq!(s.login(&username, server::db::sample::SAMPLE_PASSWORD).await.0, 403, "a disabled carer's account cannot sign in");
    assert_eq!(s.get(Some(&session), "/api/v1/carer/visits").await.0, 401, "and its session has ended");
    let (st, _) = s.write(Some(&op), "POST", &decision, "carer-dec-4", json!({ "action": "assign", "carer_id": with_account })).await;
    assert_eq!(st, 422);
    assert_eq!(s.write(Some(&other), "POST", &format!("/api/v1/operator/carers/{}/disable", added["id"]), "carer-off-2", json!({})).await.0, 403);
    let audit: i64 = server::db::query_scalar("SELECT count(*) FROM audit_log WHERE action IN ('carer_add', 'carer_disable')").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(audit, 3);
}
