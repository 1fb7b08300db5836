//! Parents' requests and the operator's inbox: timeslots never over-booked, one request
//! however often it is sent, waitlist order, offers that take a vacancy atomically,
//! masked phones with a logged reveal, validation, organisation boundaries.


use crate::helpers::{answers, booked, fields, start, uuid, Login, TestServer};
use chrono::Timelike;
use serde_json::{json, Value};
use server::db::sample::SAMPLE_PASSWORD;


async fn op(s: &TestServer, name: &str) -> Login {
    s.login(name, SAMPLE_PASSWORD).await.1.unwrap()
}

/// A place of `op-feiqitu`'s organisation with a class, and the class.
async fn feiqitu_place(s: &TestServer) -> (i64, i64) {
    server::db::query_as(
        "SELECT p.id, c.id FROM places p JOIN classes c ON c.place_id = p.id JOIN users u ON u.organisation_id = p.organisation_id
         WHERE u.username = 'op-feiqitu' AND c.age_band = 'toddler' ORDER BY p.id, c.id LIMIT 1",
    )
    .fetch_one(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap()
}

/// The first bookable opening of a kind at a place (of a capacity, if given).
async fn opening_of(s: &TestServer, place_id: i64, kind: &str, capacity: Option<u32>) -> Value {
    let (st, body) = s.get(None, &format!("/api/v1/places/{place_id}/timeslots")).await;
    assert_eq!(st, 200, "{body}");
    body["openings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == kind && o["booked"] == 0 && capacity.is_none_or(|c| o["capacity"] == c))
        .cloned()
        .expect("an opening")
}

async fn opening(s: &TestServer, place_id: i64, kind: &str) -> Value {
    opening_of(s, place_id, kind, None).await
}

fn visit(n: u64, place_id: i64, o: &Value, phone: &str) -> Value {
    json!({
        "id": uuid(n), "place_id": place_id, "kind": o["kind"], "timeslot_id": o["timeslot_id"], "timeslot_date": o["date"],
        "contact_name": "王女士", "contact_phone": phone, "consent": true
    })
}

/// "YYYY-MM" of the Beijing month `k` months from now (the months the server counts in).
fn month_from_now(k: i32) -> String {
    use chrono::Datelike;
    let today = app::model::requests::beijing_today(chrono::Utc::now());
    let m = today.year() * 12 + today.month0() as i32 + k;
    format!("{}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
}

fn application(n: u64, place_id: i64, class_id: i64, phone: &str, grounds: Value) -> Value {
    // a child of 18 months next month: fits 托小班 (12–24)
    json!({
        "id": uuid(n), "place_id": place_id, "kind": "application", "class_id": class_id,
        "child_birth_month": month_from_now(-17), "start_month": month_from_now(1),
        "priority_grounds": grounds, "contact_name": "李先生", "contact_phone": phone, "consent": true,
        "consents": [{ "purpose": "contact", "version": 2 }, { "purpose": "child_data", "version": 2 }]
    })
}

async fn send(s: &TestServer, key: &str, body: Value) -> (u16, Value) {
    s.write(None, "POST", "/api/v1/requests", key, body).await
}

async fn decide(s: &TestServer, l: &Login, id: &str, key: &str, body: Value) -> (u16, Value) {
    s.write(Some(l), "POST", &format!("/api/v1/operator/requests/{id}/decision"), key, body).await
}

#[tokio::test]
async fn thirty_concurrent_bookings_of_a_slot_for_three_make_exactly_three_and_a_cancel_frees_one() {
    let s = start().await;
    let (place_id, _) = feiqitu_place(&s).await;
    let o = opening_of(&s, place_id, "visit", Some(3)).await;
    let mut tasks = Vec::new();
    for i in 0..30u64 {
        let (s, body) = (s.clone(), visit(100 + i, place_id, &o, &format!("1390000{i:04}")));
        let (device, key) = (format!("device-key-concurrent-{i:04}"), format!("book-key-{i:04}"));
        tasks.push(tokio::spawn(async move { s.write_from(&device, None, "POST", "/api/v1/requests", &key, body).await }));
    }
    assert_eq!(booked(&answers(tasks).await), 3);
    let (_, timeslots) = s.get(None, &format!("/api/v1/places/{place_id}/timeslots")).await;
    let now = timeslots["openings"].as_array().unwrap().iter().find(|x| x["timeslot_id"] == o["timeslot_id"] && x["date"] == o["date"]).unwrap().clone();
    assert_eq!(now["booked"], 3);
    // a parent cancels: the timeslot frees and someone else can book
    let booked: String = server::db::query_scalar("SELECT id FROM requests WHERE status = 'submitted' ORDER BY rowid LIMIT 1").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let device: String = server::db::query_scalar("SELECT device_hash FROM requests WHERE id = ?").bind(&booked).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let key = (0..30).map(|i| format!("device-key-concurrent-{i:04}")).find(|k| server::http::device::sha256_hex(k.as_bytes()) == device).unwrap();
    let res = s.http.post(format!("{}/api/v1/requests/{booked}/cancel", s.base)).header("X-Device-Key", &key).header("Idempotency-Key", "cancel-key-1").send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "cancelled");
    let (st, body) = send(&s, "book-key-late", visit(999, place_id, &o, "13700001111")).await;
    assert_eq!(st, 201, "{body}");
}

#[tokio::test]
async fn the_same_request_twice_is_one_request() {
    let s = start().await;
    let (place_id, _) = feiqitu_place(&s).await;
    let o = opening(&s, place_id, "visit").await;
    let body = visit(1, place_id, &o, "13812341234");
    let (st, first) = send(&s, "dup-key-1", body.clone()).await;
    assert_eq!(st, 201, "{first}");
    assert_eq!(first["status"], "submitted");
    // the same key again: the stored answer
    assert_eq!(send(&s, "dup-key-1", body.clone()).await, (201, first.clone()));
    // a new key for the same request (a retry after being set aside): still one request
    let (st, again) = send(&s, "dup-key-2", body.clone()).await;
    assert_eq!((st, &again["id"]), (200, &first["id"]));
    let n: i64 = server::db::query_scalar("SELECT count(*) FROM requests").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(n, 1);
    // another device cannot take over the id
    assert_eq!(s.write_from("another-device-key-123456", None, "POST", "/api/v1/requests", "dup-key-3", body.clone()).await.0, 409);
    // the parent's list has it
    let (_, mine) = s.get(None, "/api/v1/requests").await;
    assert_eq!(mine["error"], "unauthorized", "a device key is needed");
    let res = s.http.get(format!("{}/api/v1/requests", s.base)).header("X-Device-Key", crate::helpers::DEVICE).send().await.unwrap();
    let mine: Value = res.json().await.unwrap();
    assert_eq!(mine["requests"].as_array().unwrap().len(), 1);
    let r = &mine["requests"][0];
    assert_eq!((&r["kind"], &r["timeslot_date"], &r["timeslot_start"]), (&o["kind"], &o["date"], &o["start"]), "the opening booked: {r}");
}

#[tokio::test]
async fn phone_age_and_consent_are_checked_with_field_messages() {
    let s = start().await;
    let (place_id, class_id) = feiqitu_place(&s).await;
    let o = opening(&s, place_id, "visit").await;
    let mut bad = visit(2, place_id, &o, "0510-82345678");
    bad["consent"] = json!(false);
    let (st, body) = send(&s, "bad-key-1", bad).await;
    assert_eq!((st, fields(&body)), (422, vec!["contact_phone".to_string(), "consents.contact".into()]), "{body}");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("手机号"));
    // a child too old for 托小班
    let mut old = application(3, place_id, class_id, "13812340000", json!([]));
    old["child_birth_month"] = json!(month_from_now(-29));
    let (st, body) = send(&s, "bad-key-2", old).await;
    assert_eq!((st, fields(&body)), (422, vec!["child_birth_month".to_string()]), "{body}");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("托小班只收"), "{body}");
    // at most two open applications per phone at a place, and the message says why
    for n in 4..6 {
        let (st, body) = send(&s, &format!("app-key-{n}"), application(n, place_id, class_id, "13812340000", json!([]))).await;
        assert_eq!(st, 201, "{body}");
    }
    let (st, body) = send(&s, "app-key-6", application(6, place_id, class_id, "13812340000", json!([]))).await;
    assert_eq!((st, fields(&body)), (422, vec!["contact_phone".to_string()]), "{body}");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("候补名额"));
    // a class of another place
    let other: i64 = server::db::query_scalar("SELECT id FROM classes WHERE place_id <> ? LIMIT 1").bind(place_id).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (st, body) = send(&s, "app-key-7", application(7, place_id, other, "13812349999", json!([]))).await;
    assert_eq!((st, fields(&body)), (422, vec!["class_id".to_string()]), "{body}");
}

#[tokio::test]
async fn the_waitlist_orders_by_priority_then_time_and_parents_see_their_position() {
    let s = start().await;
    let a = op(&s, "op-feiqitu").await;
    let (place_id, class_id) = feiqitu_place(&s).await;
    let plain1 = application(11, place_id, class_id, "13800000011", json!([]));
    let plain2 = application(12, place_id, class_id, "13800000012", json!([]));
    let single = application(13, place_id, class_id, "13800000013", json!(["single_parent"]));
    for (k, b) in [("wl-key-11", plain1), ("wl-key-12", plain2), ("wl-key-13", single)] {
        assert_eq!(send(&s, k, b).await.0, 201);
    }
    for n in [11u64, 12, 13] {
        let (st, body) = decide(&s, &a, &uuid(n), &format!("wl-dec-{n}"), json!({ "action": "waitlist" })).await;
        assert_eq!(st, 200, "{body}");
    }
    let (_, inbox) = s.get(Some(&a), &format!("/api/v1/operator/places/{place_id}/requests")).await;
    let pos = |n: u64| inbox.as_array().unwrap().iter().find(|i| i["id"] == uuid(n)).unwrap()["waitlist_position"].clone();
    assert_eq!((pos(13), pos(11), pos(12)), (json!(1), json!(2), json!(3)));
    let declared = inbox.as_array().unwrap().iter().find(|i| i["id"] == uuid(13)).unwrap();
    assert_eq!(declared["priority_grounds"], json!(["single_parent"]));
    let res = s.http.get(format!("{}/api/v1/requests", s.base)).header("X-Device-Key", crate::helpers::DEVICE).send().await.unwrap();
    let mine: Value = res.json().await.unwrap();
    let p12 = mine["requests"].as_array().unwrap().iter().find(|r| r["id"] == uuid(12)).unwrap();
    assert_eq!((p12["status"].as_str(), p12["waitlist_position"].as_i64()), (Some("waitlisted"), Some(3)));
    // a visit cannot be waitlisted, an application cannot be "accepted"
    let (st, body) = decide(&s, &a, &uuid(11), "wl-dec-bad", json!({ "action": "accept" })).await;
    assert_eq!((st, fields(&body)), (422, vec!["action".to_string()]), "{body}");
    // declining needs a reason
    let (st, body) = decide(&s, &a, &uuid(11), "wl-dec-bad2", json!({ "action": "decline" })).await;
    assert_eq!((st, fields(&body)), (422, vec!["message".to_string()]), "{body}");
}

#[tokio::test]
async fn an_offer_takes_the_vacancy_in_the_same_transaction() {
    let s = crate::helpers::start_at(chrono::Utc::now().with_nanosecond(0).unwrap()).await;
    let a = op(&s, "op-feiqitu").await;
    let (place_id, class_id) = feiqitu_place(&s).await;
    server::db::query("UPDATE classes SET capacity = 20, enrolled = 18, vacancies = 1, puhui_slots = 0 WHERE id = ?").bind(class_id).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let version: i64 = server::db::query_scalar("SELECT version FROM classes WHERE id = ?").bind(class_id).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    for n in [21u64, 22, 23] {
        assert_eq!(send(&s, &format!("of-key-{n}"), application(n, place_id, class_id, &format!("138000000{n}"), json!([]))).await.0, 201);
    }
    // two concurrent offers for one free place: exactly one wins
    let (u21, u22) = (uuid(21), uuid(22));
    let (r1, r2) = tokio::join!(
        decide(&s, &a, &u21, "of-dec-21", json!({ "action": "offer", "message": "请于下周一来办理入托" })),
        decide(&s, &a, &u22, "of-dec-22", json!({ "action": "offer" }))
    );
    let mut statuses = [r1.0, r2.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{r1:?} {r2:?}");
    let loser = if r1.0 == 409 { &r1.1 } else { &r2.1 };
    assert_eq!(loser["current"]["vacancies"], 0, "the answer carries the class as it is");
    let (v, ver): (i64, i64) = server::db::query_as("SELECT vacancies, version FROM classes WHERE id = ?").bind(class_id).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!((v, ver), (0, version + 1));
    let offered: i64 = server::db::query_scalar("SELECT count(*) FROM requests WHERE status = 'offered'").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(offered, 1, "the refused offer left its application as it was");
    // the family of the offered application cancels: the place goes back to the class
    let winner = if r1.0 == 200 { uuid(21) } else { uuid(22) };
    s.clock.advance(chrono::Duration::minutes(30));
    let res = s.http.post(format!("{}/api/v1/requests/{winner}/cancel", s.base)).header("X-Device-Key", crate::helpers::DEVICE).header("Idempotency-Key", "of-cancel-1").send().await.unwrap();
    assert_eq!(res.status(), 200);
    let v: i64 = server::db::query_scalar("SELECT vacancies FROM classes WHERE id = ?").bind(class_id).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(v, 1);
    // parents see the fresh figure
    let place = s.client.place(place_id).await.unwrap();
    assert_eq!(place.summary.classes.iter().find(|c| c.id == class_id).unwrap().confirmed_at, s.clock.now(), "confirmed when the place came back");
}

#[tokio::test]
async fn phones_are_masked_until_accepted_and_every_reveal_is_logged() {
    let s = start().await;
    let a = op(&s, "op-feiqitu").await;
    let (place_id, _) = feiqitu_place(&s).await;
    let o = opening(&s, place_id, "visit").await;
    assert_eq!(send(&s, "mask-key-1", visit(31, place_id, &o, "13812345678")).await.0, 201);
    let (_, inbox) = s.get(Some(&a), &format!("/api/v1/operator/places/{place_id}/requests")).await;
    assert_eq!(inbox[0]["contact_phone_masked"], "138****5678");
    assert!(!inbox.to_string().contains("13812345678"), "the full number is never in the inbox");
    assert_eq!(inbox[0]["status"], "submitted");
    let reveal = |key: &'static str| {
        let (http, url, cookie, csrf) = (s.http.clone(), format!("{}/api/v1/operator/requests/{}/reveal", s.base, uuid(31)), a.cookie.clone(), a.csrf.clone());
        async move {
            let res = http.post(url).header("Cookie", cookie).header("X-CSRF-Token", csrf).header("Idempotency-Key", key).send().await.unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    assert_eq!(reveal("reveal-key-0").await.0, 403, "not before accepting");
    let (st, body) = decide(&s, &a, &uuid(31), "mask-dec-1", json!({ "action": "accept", "message": "请带上孩子的疫苗本" })).await;
    assert_eq!((st, body["status"].as_str()), (200, Some("confirmed")), "{body}");
    let (st, body) = reveal("reveal-key-1").await;
    assert_eq!((st, body["contact_phone"].as_str()), (200, Some("13812345678")));
    reveal("reveal-key-2").await;
    let logged: Vec<(String, String)> = server::db::query_as(
        "SELECT u.username, a.detail FROM audit_log a JOIN users u ON u.id = a.user_id WHERE a.action = 'phone_reveal' ORDER BY a.id",
    )
    .fetch_all(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    assert_eq!(logged.len(), 2);
    assert!(logged.iter().all(|(u, d)| u == "op-feiqitu" && d.contains(&uuid(31))));
    // the parent sees 已确认 and the message
    let res = s.http.get(format!("{}/api/v1/requests", s.base)).header("X-Device-Key", crate::helpers::DEVICE).send().await.unwrap();
    let mine: Value = res.json().await.unwrap();
    assert_eq!(mine["requests"][0]["status"], "confirmed");
    assert_eq!(mine["requests"][0]["message"], "请带上孩子的疫苗本");
}

#[tokio::test]
async fn another_organisation_cannot_see_or_act_on_requests() {
    let s = start().await;
    let b = op(&s, "op-libao").await;
    let (place_id, _) = feiqitu_place(&s).await;
    let o = opening(&s, place_id, "visit").await;
    assert_eq!(send(&s, "org-key-1", visit(41, place_id, &o, "13812345678")).await.0, 201);
    for path in [format!("/api/v1/operator/places/{place_id}/requests"), format!("/api/v1/operator/places/{place_id}/timeslots")] {
        assert_eq!(s.get(None, &path).await.0, 401, "{path}");
        assert_eq!(s.get(Some(&b), &path).await.0, 403, "{path}");
    }
    let timeslot_id = o["timeslot_id"].as_i64().unwrap();
    let writes = [
        (format!("/api/v1/operator/requests/{}/decision", uuid(41)), json!({ "action": "accept" })),
        (format!("/api/v1/operator/requests/{}/reveal", uuid(41)), json!({})),
        (format!("/api/v1/operator/places/{place_id}/timeslots"), json!({ "kind": "visit", "weekday": 1, "start": "09:00", "end": "09:30", "capacity": 2 })),
        (format!("/api/v1/operator/timeslots/{timeslot_id}/deactivate"), json!({})),
    ];
    for (i, (path, body)) in writes.iter().enumerate() {
        assert_eq!(s.write(None, "POST", path, &format!("org-w401-{i}"), body.clone()).await.0, 401, "{path}");
        let (st, res) = s.write(Some(&b), "POST", path, &format!("org-w403-{i}"), body.clone()).await;
        assert_eq!(st, 403, "{path}: {res}");
    }
    let status: String = server::db::query_scalar("SELECT status FROM requests").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(status, "submitted");
    let reveals: i64 = server::db::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'phone_reveal'").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(reveals, 0);
}

#[tokio::test]
async fn operators_add_and_switch_off_weekly_timeslots() {
    let s = start().await;
    let a = op(&s, "op-feiqitu").await;
    let (place_id, _) = feiqitu_place(&s).await;
    let path = format!("/api/v1/operator/places/{place_id}/timeslots");
    let (st, body) = s.write(Some(&a), "POST", &path, "timeslot-key-1", json!({ "kind": "trial", "weekday": 8, "start": "10:00", "end": "09:00", "capacity": 0 })).await;
    assert_eq!((st, fields(&body)), (422, vec!["weekday".to_string(), "end".into(), "capacity".into()]), "{body}");
    let (st, timeslot) = s.write(Some(&a), "POST", &path, "timeslot-key-2", json!({ "kind": "trial", "weekday": 5, "start": "14:00", "end": "16:30", "capacity": 4 })).await;
    assert_eq!(st, 201, "{timeslot}");
    let (_, open) = s.get(None, &format!("/api/v1/places/{place_id}/timeslots")).await;
    let fridays: Vec<&Value> = open["openings"].as_array().unwrap().iter().filter(|o| o["timeslot_id"] == timeslot["id"]).collect();
    assert!(fridays.len() >= 2 && fridays.iter().all(|o| o["start"] == "14:00" && o["weekday"] == 5 && o["capacity"] == 4));
    let (st, _) = s.write(Some(&a), "POST", &format!("/api/v1/operator/timeslots/{}/deactivate", timeslot["id"]), "timeslot-key-3", json!({})).await;
    assert_eq!(st, 200);
    let (_, open) = s.get(None, &format!("/api/v1/places/{place_id}/timeslots")).await;
    assert!(open["openings"].as_array().unwrap().iter().all(|o| o["timeslot_id"] != timeslot["id"]));
    let (_, listed) = s.get(Some(&a), &path).await;
    assert_eq!(listed.as_array().unwrap().iter().find(|x| x["id"] == timeslot["id"]).unwrap()["active"], false);
}
