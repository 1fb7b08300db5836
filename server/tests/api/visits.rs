//! The visit itself: a carer's own visits, check-in / check-out with the tap's time and
//! a flag for positions far from the address, the family's rating and rescheduling, and
//! the weekly 探访 (once per week however often generated; missed weeks shown).


use chrono::{Duration, Utc};
use crate::helpers::{elder, fields, start, uuid, Login, TestServer};

/// A write with an Idempotency-Key long enough to be one.
async fn w(s: &TestServer, l: Option<&Login>, method: &str, path: &str, key: &str, body: Value) -> (u16, Value) {
    s.write(l, method, path, &format!("visits-test-{key}"), body).await
}
use serde_json::{json, Value};
use server::db::sample::SAMPLE_PASSWORD;



/// The 旺庄 station and its bathing openings at least two days ahead.
async fn station_openings(s: &TestServer) -> (i64, Vec<Value>) {
    let (_, body) = s.get(None, "/api/v1/providers?lat=31.575&lng=120.358&street=wuxi-xinwu-wangzhuang&item=bathing").await;
    let station = body["providers"].as_array().unwrap().iter().find(|p| p["kind"] == "home_care_station").unwrap()["id"].as_i64().unwrap();
    let (_, open) = s.get(None, &format!("/api/v1/providers/{station}/openings?item=bathing")).await;
    let soon = (app::model::requests::beijing_today(Utc::now()) + Duration::days(2)).format("%Y-%m-%d").to_string();
    let list = open["openings"].as_array().unwrap().iter().filter(|o| o["booked"] == 0 && o["date"].as_str().unwrap() >= soon.as_str()).cloned().collect();
    (station, list)
}

async fn order(s: &TestServer, n: u64, station: i64, o: &Value, elder: Value) -> Value {
    let body = json!({ "id": uuid(n), "provider_id": station, "item": "bathing", "timeslot_id": o["timeslot_id"], "date": o["date"], "elder": elder, "consent": true });
    let (st, v) = w(s, None, "POST", "/api/v1/orders", &format!("order-{n}"), body).await;
    assert_eq!(st, 201, "{v}");
    v
}

/// Ordered, accepted and assigned to the sample carer account's carer.
async fn assigned(s: &TestServer, n: u64) -> (i64, Login, Login) {
    let (station, open) = station_openings(s).await;
    order(s, n, station, &open[0], elder("张大爷", 82, true)).await;
    let op = s.login("op-xinwu-yanglao", SAMPLE_PASSWORD).await.1.unwrap();
    let carer = s.login("carer-wangzhuang", SAMPLE_PASSWORD).await.1.expect("the sample carer account signs in");
    let carer_id = carer.body["user"]["carer_id"].as_i64().expect("a carer account says whose it is");
    let decision = format!("/api/v1/operator/orders/{}/decision", uuid(n));
    assert_eq!(w(s, Some(&op), "POST", &decision, &format!("acc-{n}"), json!({ "action": "accept" })).await.0, 200);
    let (st, body) = w(s, Some(&op), "POST", &decision, &format!("asg-{n}"), json!({ "action": "assign", "carer_id": carer_id })).await;
    assert_eq!(st, 200, "{body}");
    (station, op, carer)
}

async fn family_order(s: &TestServer, id: &str) -> Value {
    let res = s.http.get(format!("{}/api/v1/orders", s.base)).header("X-Device-Key", crate::helpers::DEVICE).send().await.unwrap();
    let all: Value = res.json().await.unwrap();
    all["orders"].as_array().unwrap().iter().find(|o| o["id"] == id).unwrap().clone()
}

#[tokio::test]
async fn a_carer_checks_in_and_out_of_their_own_visit_and_a_far_tap_is_kept_but_flagged() {
    let s = start().await;
    let (station, _op, carer) = assigned(&s, 1).await;
    let id = uuid(1);

    // the carer's list has the visit with the address, without the family's declared categories
    let (st, list) = s.get(Some(&carer), "/api/v1/carer/visits").await;
    assert_eq!(st, 200, "{list}");
    let v = list.as_array().unwrap().iter().find(|o| o["id"] == id).expect("the assigned visit is on the carer's list");
    assert_eq!((v["elder"]["address_detail"].as_str(), v["elder"]["categories"].clone()), (Some("旺庄路 1 号 2 栋 301"), json!([])));
    assert_eq!((v["quote"]["explanation"].as_str(), v["quote"]["rule_id"].clone()), (Some(""), Value::Null), "who pays would tell the categories");
    // a carer account reaches nothing of the desk
    assert_eq!(s.get(Some(&carer), &format!("/api/v1/operator/providers/{station}/orders")).await.0, 403);
    assert_eq!(s.get(Some(&carer), "/api/v1/operator/providers").await.1, json!([]));
    // and an operator has no carer list
    let op = s.login("op-xinwu-yanglao", SAMPLE_PASSWORD).await.1.unwrap();
    assert_eq!(s.get(Some(&op), "/api/v1/carer/visits").await.0, 403);

    // ordered yesterday (a tap may not be older than its order)
    server::db::query("UPDATE orders SET created_at = created_at - 86400 WHERE id = ?").bind(&id).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let check_in = format!("/api/v1/carer/orders/{id}/check-in");
    let check_out = format!("/api/v1/carer/orders/{id}/check-out");
    // out before in: refused
    let tasks = json!([{ "task": "协助洗浴", "done": true }]);
    let now = Utc::now();
    assert_eq!(w(&s, Some(&carer), "POST", &check_out, "out-0", json!({ "tapped_at": now, "tasks": tasks })).await.0, 409);
    // a tap from the future is refused, naming the field
    let (st, body) = w(&s, Some(&carer), "POST", &check_in, "in-0", json!({ "tapped_at": now + Duration::hours(1), "lat": 31.575, "lng": 120.358 })).await;
    assert_eq!((st, fields(&body)), (422, vec!["tapped_at".to_string()]));
    // before the order existed: refused by name
    let (st, body) = w(&s, Some(&carer), "POST", &check_in, "in-00", json!({ "tapped_at": now - Duration::days(2), "lat": 31.575, "lng": 120.358 })).await;
    assert_eq!((st, fields(&body)), (422, vec!["tapped_at".to_string()]));
    // tapped two hours ago (kept on the phone without signal), ~500 m from the address
    let tapped = now - Duration::hours(2);
    let (st, body) = w(&s, Some(&carer), "POST", &check_in, "in-1", json!({ "tapped_at": tapped, "lat": 31.5795, "lng": 120.358 })).await;
    assert_eq!((st, body["status"].as_str()), (200, Some("in_service")), "{body}");
    let stamp = &body["check_in"];
    assert_eq!(stamp["at"].as_str().unwrap()[..16], tapped.to_rfc3339()[..16], "the tap's time is kept");
    let d = stamp["distance_m"].as_f64().unwrap();
    assert!((450.0..550.0).contains(&d), "{d}");
    assert_eq!(stamp["flagged"], true);
    // a second tap (another phone, a new key) does not move the first
    let (st, body) = w(&s, Some(&carer), "POST", &check_in, "in-2", json!({ "tapped_at": now, "lat": 31.575, "lng": 120.358 })).await;
    assert_eq!((st, body["check_in"]["flagged"].as_bool()), (200, Some(true)));

    // a task not done needs its reason
    let bad = json!([{ "task": "协助洗浴", "done": true }, { "task": "整理浴室", "done": false }]);
    let (st, body) = w(&s, Some(&carer), "POST", &check_out, "out-1", json!({ "tapped_at": now, "tasks": bad })).await;
    assert_eq!((st, fields(&body)), (422, vec!["tasks.1.reason".to_string()]));
    let ok = json!([{ "task": "协助洗浴", "done": true }, { "task": "整理浴室", "done": false, "reason": "老人要求不用整理" }]);
    let (st, body) = w(&s, Some(&carer), "POST", &check_out, "out-2", json!({ "tapped_at": now, "lat": 31.57501, "lng": 120.35801, "tasks": ok, "note": "洗浴顺利" })).await;
    assert_eq!((st, body["status"].as_str()), (200, Some("completed")), "{body}");
    assert_eq!(body["check_out"]["flagged"], false, "a few metres from the door");

    // the family sees each step
    let f = family_order(&s, &id).await;
    assert_eq!(f["status"], "completed");
    assert_eq!((f["check_in"]["flagged"].as_bool(), f["check_out"]["flagged"].as_bool()), (Some(true), Some(false)));
    assert_eq!(f["tasks"][1]["reason"], "老人要求不用整理");
    assert_eq!(f["carer_note"], "洗浴顺利");
    let n: i64 = server::db::query_scalar("SELECT count(*) FROM audit_log WHERE action IN ('check_in', 'check_out')").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(n, 2, "one entry per recorded tap");

    // the family rates it (the rating is checked; another device cannot)
    let rating = format!("/api/v1/orders/{id}/rating");
    let (st, body) = w(&s, None, "POST", &rating, "rate-0", json!({ "stars": 6 })).await;
    assert_eq!((st, fields(&body)), (422, vec!["stars".to_string()]));
    let res = s.http.post(format!("{}{rating}", s.base)).header("X-Device-Key", "someone-elses-device-key-1").header("Idempotency-Key", "rate-other-device").json(&json!({ "stars": 1 })).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 404);
    let (st, body) = w(&s, None, "POST", &rating, "rate-1", json!({ "stars": 5, "comment": "很细心" })).await;
    assert_eq!((st, body["rating"].as_u64(), body["rating_comment"].as_str()), (200, Some(5), Some("很细心")), "{body}");
}

#[tokio::test]
async fn another_carer_cannot_see_or_record_a_visit_and_ratings_wait_for_completion() {
    let s = start().await;
    let (station, _op, _carer) = assigned(&s, 2).await;
    // a second carer of the same station with an account
    let other_carer: i64 = server::db::query_scalar("SELECT id FROM carers WHERE provider_id = ? ORDER BY id DESC LIMIT 1").bind(station).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let org: i64 = server::db::query_scalar("SELECT organisation_id FROM providers WHERE id = ?").bind(station).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let hash = server::api::auth::hash_password(SAMPLE_PASSWORD).unwrap();
    let uid = server::db::accounts::create_account(&s.pool, server::db::accounts::NewAccount { username: "carer-other", display_name: "另一位护理员", password_hash: &hash, role: app::model::Role::Operator, organisation_id: Some(org), district_id: None, is_sample: true }, chrono::Utc::now().timestamp()).await.unwrap();
    server::db::query("UPDATE users SET carer_id = ? WHERE id = ?").bind(other_carer).bind(uid).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let other = s.login("carer-other", SAMPLE_PASSWORD).await.1.unwrap();
    let (_, list) = s.get(Some(&other), "/api/v1/carer/visits").await;
    assert!(list.as_array().unwrap().iter().all(|o| o["id"] != uuid(2)));
    let (st, _) = w(&s, Some(&other), "POST", &format!("/api/v1/carer/orders/{}/check-in", uuid(2)), "oth-in", json!({ "tapped_at": Utc::now() })).await;
    assert_eq!(st, 404);
    // not completed yet: no rating
    let (st, body) = w(&s, None, "POST", &format!("/api/v1/orders/{}/rating", uuid(2)), "rate-early", json!({ "stars": 4 })).await;
    assert_eq!(st, 409, "{body}");
}

#[tokio::test]
async fn families_reschedule_within_the_window_and_the_provider_confirms_again() {
    let s = start().await;
    let (station, open) = station_openings(&s).await;
    order(&s, 3, station, &open[0], elder("王奶奶", 70, false)).await;
    let path = format!("/api/v1/orders/{}/reschedule", uuid(3));
    let target = open.iter().find(|o| o["timeslot_id"] != open[0]["timeslot_id"] || o["date"] != open[0]["date"]).unwrap();
    // a date outside the fortnight names the field
    let (st, body) = w(&s, None, "POST", &path, "rs-0", json!({ "timeslot_id": target["timeslot_id"], "date": "2099-01-01" })).await;
    assert_eq!((st, fields(&body)), (422, vec!["timeslot".to_string()]));
    // fill the target, then try it
    let cap = target["capacity"].as_u64().unwrap();
    for i in 0..cap {
        order(&s, 100 + i, station, target, elder(&format!("邻居{i}"), 70, false)).await;
    }
    let (st, body) = w(&s, None, "POST", &path, "rs-1", json!({ "timeslot_id": target["timeslot_id"], "date": target["date"] })).await;
    assert_eq!((st, fields(&body)), (422, vec!["timeslot".to_string()]), "{body}");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("约满"));
    // a free one: moved, back to 已提交 for the provider to confirm, the old timeslot freed
    let free = open.iter().skip(1).find(|o| o["timeslot_id"] != target["timeslot_id"] || o["date"] != target["date"]).unwrap();
    let (st, body) = w(&s, None, "POST", &path, "rs-2", json!({ "timeslot_id": free["timeslot_id"], "date": free["date"] })).await;
    assert_eq!((st, body["status"].as_str(), body["date"].as_str()), (200, Some("submitted"), free["date"].as_str()), "{body}");
    let (_, now_open) = s.get(None, &format!("/api/v1/providers/{station}/openings?item=bathing")).await;
    let booked = |o: &Value| now_open["openings"].as_array().unwrap().iter().find(|x| x["timeslot_id"] == o["timeslot_id"] && x["date"] == o["date"]).unwrap()["booked"].as_u64().unwrap();
    assert_eq!((booked(&open[0]), booked(free)), (0, 1));
}

#[tokio::test]
async fn weekly_welfare_visits_are_made_once_a_week_and_missed_weeks_show() {
    let s = start().await;
    let (station, open) = station_openings(&s).await;
    // 70 and living with family: no plan
    order(&s, 4, station, &open[0], elder("王奶奶", 70, false)).await;
    let plans: i64 = server::db::query_scalar("SELECT count(*) FROM welfare_plans").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(plans, 0);
    // 82 living alone: a plan, and this week's visit at once
    order(&s, 5, station, &open[1], elder("张大爷", 82, true)).await;
    let (plans, visits): (i64, i64) =
        server::db::query_as("SELECT (SELECT count(*) FROM welfare_plans), (SELECT count(*) FROM welfare_visits)").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!((plans, visits), (1, 1));
    // a second order for the same person: still one plan
    order(&s, 6, station, &open[2], elder("张大爷", 82, true)).await;
    let plans: i64 = server::db::query_scalar("SELECT count(*) FROM welfare_plans").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(plans, 1);

    let now = Utc::now();
    let g = server::db::welfare::generate(&s.pool, now).await.unwrap();
    assert_eq!((g.created, g.missed), (0, 0), "run twice in a week: nothing new");
    let next_week = app::model::requests::beijing_today(now + Duration::days(7));
    let g = server::db::welfare::generate(&s.pool, now + Duration::days(7)).await.unwrap();
    assert_eq!((g.created, g.missed), (1, 1), "next week: one new visit; this week's, undone, is missed");
    let g = server::db::welfare::generate(&s.pool, now + Duration::days(7)).await.unwrap();
    assert_eq!((g.created, g.missed), (0, 0));
    // had the generator not run for two weeks, the week in between is made as missed
    let g = server::db::welfare::generate(&s.pool, now + Duration::days(21)).await.unwrap();
    assert_eq!((g.created, g.missed), (2, 1), "week 3 due, week 2 missed (made now), week 1 marked missed");
    server::db::query("DELETE FROM welfare_visits WHERE week_start > ?")
        .bind(app::model::orders::week_start(next_week).format("%Y-%m-%d").to_string())
        .execute(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    server::db::query("UPDATE welfare_visits SET status = 'due' WHERE week_start = ?")
        .bind(app::model::orders::week_start(next_week).format("%Y-%m-%d").to_string())
        .execute(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();

    // the family's log
    let res = s.http.get(format!("{}/api/v1/welfare-visits", s.base)).header("X-Device-Key", crate::helpers::DEVICE).send().await.unwrap();
    let fam: Value = res.json().await.unwrap();
    let plan = &fam["plans"][0];
    assert_eq!((plan["elder_name"].as_str(), plan["reason"].as_str()), (Some("张大爷"), Some("82 岁独居")));
    let statuses: Vec<&str> = plan["visits"].as_array().unwrap().iter().map(|v| v["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["due", "missed"]);

    // the provider: missed first; another organisation cannot look
    let op = s.login("op-xinwu-yanglao", SAMPLE_PASSWORD).await.1.unwrap();
    let other = s.login("op-feiqitu", SAMPLE_PASSWORD).await.1.unwrap();
    let provider: i64 = server::db::query_scalar("SELECT provider_id FROM welfare_plans").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(provider, station, "the profile goes only to the provider the family ordered from");
    let path = format!("/api/v1/operator/providers/{provider}/welfare-visits");
    assert_eq!(s.get(Some(&other), &path).await.0, 403);
    let (st, list) = s.get(Some(&op), &path).await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(list[0]["status"], "missed");
    assert_eq!(list[0]["elder"]["name"], "张大爷");
    // (the clock above ran a week ahead: in real time the "missed" row is this week's and the
    // "due" one next week's)
    let this_week = list[0]["id"].as_i64().unwrap();
    let next_week_id = list[1]["id"].as_i64().unwrap();
    // a call made now cannot count for next week
    let (st, body) = w(&s, Some(&op), "POST", &format!("/api/v1/operator/welfare-visits/{next_week_id}"), "wv-0", json!({ "mode": "phone", "done_at": Utc::now() })).await;
    assert_eq!((st, fields(&body)), (422, vec!["done_at".to_string()]), "{body}");
    // another organisation cannot record; a time in the future is refused by name
    let (st, body) = w(&s, Some(&other), "POST", &format!("/api/v1/operator/welfare-visits/{this_week}"), "wv-2", json!({ "mode": "in_person", "done_at": Utc::now() })).await;
    assert_eq!(st, 403, "{body}");
    let (st, body) = w(&s, Some(&op), "POST", &format!("/api/v1/operator/welfare-visits/{this_week}"), "wv-3", json!({ "mode": "phone", "done_at": Utc::now() + Duration::hours(2) })).await;
    assert_eq!((st, fields(&body)), (422, vec!["done_at".to_string()]));
    let (st, body) = w(&s, Some(&op), "POST", &format!("/api/v1/operator/welfare-visits/{this_week}"), "wv-1", json!({ "mode": "phone", "done_at": Utc::now(), "note": "电话问候，一切安好" })).await;
    assert_eq!((st, body["status"].as_str(), body["mode"].as_str()), (200, Some("done"), Some("phone")), "{body}");
    // recorded once: a second record (another tablet) does not replace the first
    let (st, body) = w(&s, Some(&op), "POST", &format!("/api/v1/operator/welfare-visits/{this_week}"), "wv-4", json!({ "mode": "in_person", "done_at": Utc::now() })).await;
    assert_eq!((st, body["mode"].as_str(), body["note"].as_str()), (200, Some("phone"), Some("电话问候，一切安好")), "{body}");
}
