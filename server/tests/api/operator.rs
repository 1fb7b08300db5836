//! Operators: accounts, sessions, CSRF, rate limits, organisation boundaries,
//! vacancy writes with conflicts, concurrency and the audit trail.


use chrono::Timelike;
use crate::helpers::{answers, fields, start, start_at, tally, Login, TestServer, DEVICE};
use serde_json::{json, Value};
use server::db::sample::{SAMPLE_OPERATORS, SAMPLE_PASSWORD};

async fn op(s: &TestServer, n: usize) -> Login {
    s.login(SAMPLE_OPERATORS[n].0, SAMPLE_PASSWORD).await.1.expect("sample operator logs in")
}

/// A class of the organisation the operator runs, set to `vacancies` free places
/// and one place held back (so +1 is possible).
async fn own_class(s: &TestServer, l: &Login, vacancies: i64) -> (i64, i64) {
    let org = l.body["user"]["organisation_id"].as_i64().unwrap();
    let (class_id, place_id): (i64, i64) = server::db::query_as(
        "SELECT c.id, c.place_id FROM classes c JOIN places p ON p.id = c.place_id
         WHERE p.organisation_id = ? AND c.capacity > ? ORDER BY c.id LIMIT 1",
    )
    .bind(org)
    .bind(vacancies)
    .fetch_one(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    server::db::query("UPDATE classes SET vacancies = ?1, enrolled = capacity - ?1 - 1 WHERE id = ?2")
        .bind(vacancies)
        .bind(class_id)
        .execute(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    (class_id, place_id)
}

async fn get_json(s: &TestServer, l: &Login, path: &str) -> Value {
    s.http.get(format!("{}{path}", s.base)).header("Cookie", &l.cookie).send().await.unwrap().json().await.unwrap()
}

async fn change(s: &TestServer, l: Option<&Login>, class_id: i64, key: &str, body: Value) -> (u16, Value) {
    s.write(l, "POST", &format!("/api/v1/operator/classes/{class_id}/vacancies"), key, body).await
}

#[tokio::test]
async fn login_sets_a_safe_cookie_and_never_returns_the_hash() {
    let s = start().await;
    let (status, l, body, cookie) = s.login("op-feiqitu", SAMPLE_PASSWORD).await;
    assert_eq!(status, 200);
    let cookie = cookie.unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"));
    assert!(!cookie.contains("Secure"), "plain http here");
    assert!(!body.to_string().contains("argon2") && !body.to_string().contains("password"));
    let l = l.unwrap();
    let me = get_json(&s, &l, "/api/v1/auth/me").await;
    assert_eq!(me["username"], "op-feiqitu");
    assert_eq!(me["role"], "operator");
    assert!(!me.to_string().contains("argon2"));
    // the raw session token is not stored
    let token = l.cookie.split('=').nth(1).unwrap().to_string();
    let n: i64 = server::db::query_scalar("SELECT count(*) FROM sessions WHERE token_hash = ?").bind(&token).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(n, 0);
    // behind an HTTPS proxy the cookie is Secure
    let res = s
        .http
        .post(format!("{}/api/v1/auth/login", s.base))
        .header("X-Forwarded-Proto", "https")
        .json(&json!({ "username": "op-feiqitu", "password": SAMPLE_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert!(res.headers()["set-cookie"].to_str().unwrap().contains("Secure"));
}

#[tokio::test]
async fn logout_revokes_the_session_server_side() {
    let s = start().await;
    let l = op(&s, 0).await;
    let me = |c: String| {
        let http = s.http.clone();
        let url = format!("{}/api/v1/auth/me", s.base);
        async move { http.get(url).header("Cookie", c).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(me(l.cookie.clone()).await, 200);
    let res = s.http.post(format!("{}/api/v1/auth/logout", s.base)).header("Cookie", &l.cookie).send().await.unwrap();
    assert_eq!(res.status(), 403, "a write without the CSRF token");
    let res = s
        .http
        .post(format!("{}/api/v1/auth/logout", s.base))
        .header("Cookie", &l.cookie)
        .header("X-CSRF-Token", &l.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(me(l.cookie.clone()).await, 401);
    assert_eq!(me(String::new()).await, 401);
}

/// A sign-in from `address` (behind the test's trusted proxy, 127.0.0.1).
async fn login_from(s: &TestServer, address: &str, username: &str, password: &str) -> (u16, Value, Option<String>) {
    let res = s
        .http
        .post(format!("{}/api/v1/auth/login", s.base))
        .header("X-Forwarded-For", address)
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap();
    let retry = res.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
    (res.status().as_u16(), res.json().await.unwrap(), retry)
}

#[tokio::test]
async fn a_stranger_on_a_shared_address_locks_only_their_own_guesses() {
    let s = crate::helpers::start_custom(server::clock::Clock::fixed(chrono::Utc::now()), vec!["127.0.0.1".parse().unwrap()]).await;
    // five wrong passwords for op-libao from one carrier address, a minute apart
    for _ in 0..5 {
        let (st, body, _) = login_from(&s, "203.0.113.7", "op-libao", "wrong-password").await;
        assert_eq!((st, body["message"].as_str()), (401, Some("用户名或密码错误")));
        s.clock.advance(chrono::Duration::minutes(1));
    }
    // that address and that account: locked, with the time to wait
    let (st, body, retry) = login_from(&s, "203.0.113.7", "op-libao", SAMPLE_PASSWORD).await;
    assert_eq!(st, 429, "{body}");
    assert!(body["message"].as_str().unwrap().contains("分钟"), "{body}");
    let retry: i64 = retry.expect("Retry-After").parse().unwrap();
    assert!((1..=15 * 60).contains(&retry), "{retry}");
    // everyone else on the same address signs in; a stranger guessing twenty other names
    // locks nobody
    for i in 0..20 {
        login_from(&s, "203.0.113.7", &format!("nobody-{i}"), "x").await;
    }
    assert_eq!(login_from(&s, "203.0.113.7", "op-feiqitu", SAMPLE_PASSWORD).await.0, 200);
    assert_eq!(login_from(&s, "203.0.113.7", "op-tongxin", SAMPLE_PASSWORD).await.0, 200);
    // the owner from their own network signs in (five failures are not a lock yet) …
    assert_eq!(login_from(&s, "198.51.100.20", "op-libao", SAMPLE_PASSWORD).await.0, 200);
    // … and that success does not unlock the stranger's address
    assert_eq!(login_from(&s, "203.0.113.7", "op-libao", SAMPLE_PASSWORD).await.0, 429);
    // a header sent by the client itself, not by a trusted proxy, is not believed
    let direct = crate::helpers::start_at(chrono::Utc::now()).await;
    for i in 0..5 {
        direct.clock.advance(chrono::Duration::minutes(1));
        let res = direct
            .http
            .post(format!("{}/api/v1/auth/login", direct.base))
            .header("X-Forwarded-For", format!("192.0.2.{i}"))
            .json(&json!({ "username": "op-libao", "password": "wrong-password" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
    }
    assert_eq!(direct.login("op-libao", SAMPLE_PASSWORD).await.0, 429, "all five came from 127.0.0.1");
}

#[tokio::test]
async fn an_account_under_attack_slows_down_then_locks_and_says_so() {
    let s = crate::helpers::start_custom(server::clock::Clock::fixed(chrono::Utc::now()), vec!["127.0.0.1".parse().unwrap()]).await;
    // wrong passwords from ever new addresses (a botnet): the 3rd makes the next wait 1 s
    for i in 0..3 {
        assert_eq!(login_from(&s, &format!("10.0.1.{i}"), "op-libao", "wrong").await.0, 401);
    }
    let (st, body, retry) = login_from(&s, "10.0.1.50", "op-libao", SAMPLE_PASSWORD).await;
    assert_eq!((st, retry.as_deref()), (429, Some("1")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("秒后再试"), "{body}");
    s.clock.advance(chrono::Duration::seconds(1));
    // the delay doubles with each failure: 1, 2, 4 … s
    for (i, wait) in [(3, 1), (4, 2), (5, 4), (6, 8), (7, 16), (8, 32), (9, 64)] {
        assert_eq!(login_from(&s, &format!("10.0.1.{i}"), "op-libao", "wrong").await.0, 401, "try {i}");
        let (st, _, retry) = login_from(&s, "10.0.1.99", "op-libao", "wrong").await;
        if i < 9 {
            assert_eq!((st, retry), (429, Some(format!("{}", wait * 2))), "after failure {}", i + 1);
            s.clock.advance(chrono::Duration::seconds(wait * 2));
        }
    }
    // ten in a row: locked for 15 minutes, even with the right password, and it says so
    let (st, body, retry) = login_from(&s, "198.51.100.20", "op-libao", SAMPLE_PASSWORD).await;
    assert_eq!(st, 429, "{body}");
    assert!(body["message"].as_str().unwrap().contains("已锁定"), "{body}");
    assert_eq!(retry.as_deref(), Some("900"));
    // other accounts are untouched; after the window the owner signs in
    assert_eq!(login_from(&s, "10.0.1.0", "op-feiqitu", SAMPLE_PASSWORD).await.0, 200);
    s.clock.advance(chrono::Duration::minutes(15));
    assert_eq!(login_from(&s, "198.51.100.20", "op-libao", SAMPLE_PASSWORD).await.0, 200);
}

#[tokio::test]
async fn concurrent_guesses_are_each_counted() {
    let s = crate::helpers::start_custom(server::clock::Clock::fixed(chrono::Utc::now()), vec!["127.0.0.1".parse().unwrap()]).await;
    let mut tasks = Vec::new();
    for _ in 0..30 {
        let (http, url) = (s.http.clone(), format!("{}/api/v1/auth/login", s.base));
        tasks.push(tokio::spawn(async move {
            http.post(url)
                .header("X-Forwarded-For", "203.0.113.9")
                .json(&json!({ "username": "op-libao", "password": "wrong" }))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let tried = tally(answers(tasks).await, 401, 429);
    // on one instant the account's delay stops the 4th; the check and the record are atomic
    assert_eq!(tried, 3, "{tried} passwords were tried");
}

#[tokio::test]
async fn every_operator_endpoint_needs_a_session_and_keeps_to_the_organisation() {
    let s = start().await;
    let a = op(&s, 0).await;
    let b = op(&s, 1).await;
    let (b_class, b_place) = own_class(&s, &b, 3).await;
    let (a_class, a_place) = own_class(&s, &a, 3).await;
    // 401 without a session, on each endpoint
    for path in [format!("/api/v1/operator/places/{a_place}/classes"), format!("/api/v1/operator/places/{a_place}/audit"), "/api/v1/auth/me".into()] {
        let res = s.http.get(format!("{}{path}", s.base)).send().await.unwrap();
        assert_eq!(res.status(), 401, "{path}");
    }
    assert_eq!(change(&s, None, a_class, "key-nosession-1", json!({ "delta": -1 })).await.0, 401);
    // 403 across organisations, on each endpoint
    for path in [format!("/api/v1/operator/places/{b_place}/classes"), format!("/api/v1/operator/places/{b_place}/audit")] {
        let res = s.http.get(format!("{}{path}", s.base)).header("Cookie", &a.cookie).send().await.unwrap();
        assert_eq!(res.status(), 403, "{path}");
    }
    let (st, body) = change(&s, Some(&a), b_class, "key-cross-org-1", json!({ "delta": -1 })).await;
    assert_eq!(st, 403);
    assert!(body["message"].as_str().unwrap().contains("本机构"));
    let v: i64 = server::db::query_scalar("SELECT vacancies FROM classes WHERE id = ?").bind(b_class).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(v, 3, "nothing written");
    // a malformed or unknown id is a JSON 404, never a plain-text 400
    for path in ["/api/v1/operator/places/abc/classes", "/api/v1/operator/places/99999999/audit"] {
        let res = s.http.get(format!("{}{path}", s.base)).header("Cookie", &a.cookie).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
        let v: Value = res.json().await.unwrap();
        assert_eq!(v["error"], "not_found");
    }
    // own organisation: allowed
    let res = s.http.get(format!("{}/api/v1/operator/places/{a_place}/classes", s.base)).header("Cookie", &a.cookie).send().await.unwrap();
    assert_eq!(res.status(), 200);
    // a write without the CSRF token is refused
    let res = s
        .http
        .post(format!("{}/api/v1/operator/classes/{a_class}/vacancies", s.base))
        .header("Cookie", &a.cookie)
        .header("X-Device-Key", DEVICE)
        .header("Idempotency-Key", "key-no-csrf-1")
        .json(&json!({ "delta": -1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // a supervisor of 新吴区 reads nothing of an organisation in 扬州 (tests/lanes.rs: per endpoint)
    let sup = s.login("sup-xinwu", SAMPLE_PASSWORD).await.1.unwrap();
    let res = s.http.get(format!("{}/api/v1/operator/places/{a_place}/audit", s.base)).header("Cookie", &sup.cookie).send().await.unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(change(&s, Some(&sup), a_class, "key-sup-1", json!({ "delta": -1 })).await.0, 403);
}

#[tokio::test]
async fn a_stale_write_gets_the_current_value_and_the_choice_is_recorded() {
    let s = start().await;
    let a = op(&s, 0).await;
    let (class_id, place_id) = own_class(&s, &a, 4).await;
    let classes = get_json(&s, &a, &format!("/api/v1/operator/places/{place_id}/classes")).await;
    let c = classes.as_array().unwrap().iter().find(|c| c["class_id"] == class_id).unwrap().clone();
    let version = c["version"].as_i64().unwrap();
    // tablet 1 sets 4 → 2
    let (st, after) = change(&s, Some(&a), class_id, "key-stale-1", json!({ "from": 4, "to": 2, "version": version })).await;
    assert_eq!(st, 200);
    assert_eq!((after["vacancies"].as_i64(), after["version"].as_i64()), (Some(2), Some(version + 1)));
    // tablet 2, still on the old version, sets 4 → 3: conflict, with the current value
    let (st, body) = change(&s, Some(&a), class_id, "key-stale-2", json!({ "from": 4, "to": 3, "version": version })).await;
    assert_eq!(st, 409);
    assert_eq!(body["error"], "stale");
    assert_eq!(body["current"]["vacancies"], 2);
    assert_eq!(body["current"]["version"], version + 1);
    // the operator chooses their value knowingly: recorded
    let (st, _) = change(
        &s,
        Some(&a),
        class_id,
        "key-stale-3",
        json!({ "from": 2, "to": 3, "version": version + 1, "resolution": "kept_mine" }),
    )
    .await;
    assert_eq!(st, 200);
    let audit = get_json(&s, &a, &format!("/api/v1/operator/places/{place_id}/audit")).await;
    let entries = audit.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["detail"]["resolution"], "kept_mine");
    assert_eq!(entries[0]["detail"]["to"], 3);
    assert!(entries[0]["user"].as_str().unwrap().contains("示例"));
    // and the class holds the operator's choice, at the next version, for parents too
    let classes = get_json(&s, &a, &format!("/api/v1/operator/places/{place_id}/classes")).await;
    let now = classes.as_array().unwrap().iter().find(|c| c["class_id"] == class_id).unwrap().clone();
    assert_eq!((now["vacancies"].as_i64(), now["version"].as_i64()), (Some(3), Some(version + 2)), "{now}");
    let place = s.client.place(place_id).await.unwrap();
    assert_eq!(place.summary.classes.iter().find(|c| c.id == class_id).unwrap().vacancies, 3);
    // out of bounds is a field error
    let (st, body) = change(&s, Some(&a), class_id, "key-stale-4", json!({ "to": 99, "version": version + 2 })).await;
    assert_eq!(st, 422);
    assert_eq!(body["fields"][0]["field"], "to");
}

#[tokio::test]
async fn fifty_concurrent_minus_one_taps_on_five_vacancies_make_exactly_five() {
    let s = start().await;
    let a = op(&s, 3).await;
    let (class_id, _) = own_class(&s, &a, 5).await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let (s, a, path) = (s.clone(), a.clone(), format!("/api/v1/operator/classes/{class_id}/vacancies"));
        tasks.push(tokio::spawn(async move { s.write(Some(&a), "POST", &path, &format!("key-tap-{i:04}"), json!({ "delta": -1 })).await.0 }));
    }
    assert_eq!(tally(answers(tasks).await, 200, 409), 5);
    let v: i64 = server::db::query_scalar("SELECT vacancies FROM classes WHERE id = ?").bind(class_id).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(v, 0);
    let audited: i64 = server::db::query_scalar("SELECT count(*) FROM audit_log WHERE class_id = ?").bind(class_id).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(audited, 5);
}

#[tokio::test]
async fn a_change_reaches_parents_with_a_fresh_confirmation() {
    // the server's clock stands still: every confirmation time below is exactly known
    let s = start_at(chrono::Utc::now().with_nanosecond(0).unwrap()).await;
    let a = op(&s, 2).await;
    let (class_id, place_id) = own_class(&s, &a, 2).await;
    server::db::query("UPDATE classes SET confirmed_at = ? WHERE id = ?").bind(s.clock.unix() - 10 * 86400).bind(class_id).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let before = s.client.place(place_id).await.unwrap();
    s.clock.advance(chrono::Duration::minutes(5));
    let (st, _) = change(&s, Some(&a), class_id, "key-prop-1", json!({ "delta": 1 })).await;
    assert_eq!(st, 200);
    let after = s.client.place(place_id).await.unwrap();
    let c = after.summary.classes.iter().find(|c| c.id == class_id).unwrap().clone();
    assert_eq!(c.vacancies, 3);
    assert_eq!(c.confirmed_at, s.clock.now(), "confirmed at the moment of the tap");
    assert!(after.summary.change_seq > before.summary.change_seq);
    // 确认无变化 an hour later: the confirmation and the version move, the figures do not
    s.clock.advance(chrono::Duration::hours(1));
    let (version, updated_at): (i64, i64) =
        server::db::query_as("SELECT version, updated_at FROM classes WHERE id = ?").bind(class_id).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (st, body) = change(&s, Some(&a), class_id, "key-prop-2", json!({ "confirm": true, "version": version })).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!((body["vacancies"].as_i64(), body["version"].as_i64()), (Some(3), Some(version + 1)), "{body}");
    assert_eq!(body["confirmed_at"].as_str().map(|t| t.parse::<chrono::DateTime<chrono::Utc>>().unwrap()), Some(s.clock.now()));
    let (updated_after, enrolled_after): (i64, i64) =
        server::db::query_as("SELECT updated_at, enrolled FROM classes WHERE id = ?").bind(class_id).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!((updated_after, enrolled_after), (updated_at, c.enrolled as i64), "a confirmation is not a change of figures");
    let parents = s.client.place(place_id).await.unwrap();
    let seen = parents.summary.classes.iter().find(|x| x.id == class_id).unwrap();
    assert_eq!((seen.vacancies, seen.confirmed_at), (3, s.clock.now()), "parents see the fresh confirmation");
    assert!(parents.summary.change_seq > after.summary.change_seq, "and their caches get it through the changes feed");
}

async fn edit(s: &TestServer, l: &Login, place_id: i64, key: &str, body: Value) -> (u16, Value) {
    s.write(Some(l), "PUT", &format!("/api/v1/operator/places/{place_id}"), key, body).await
}

#[tokio::test]
async fn operators_edit_hours_phone_and_fees_with_field_errors_and_an_audit_entry() {
    let s = start().await;
    let a = op(&s, 0).await;
    let b = op(&s, 1).await;
    let (_, a_place) = own_class(&s, &a, 1).await;
    let (_, b_place) = own_class(&s, &b, 1).await;
    let good = json!({
        "opening_hours": "周一至周六 07:30–18:00",
        "phone": "0514-82345678",
        "care_modes": [{ "care_mode": "full_day", "fee_yuan": 3200 }, { "care_mode": "hourly", "fee_yuan": 60 }],
        "puhui_fee_yuan": 1600
    });
    // another organisation's place: 403, nothing written
    assert_eq!(edit(&s, &a, b_place, "key-edit-0", good.clone()).await.0, 403);
    // bad input: every field named, in Chinese
    let (st, body) = edit(
        &s,
        &a,
        a_place,
        "key-edit-1",
        json!({ "opening_hours": "", "phone": "12345", "care_modes": [], "puhui_fee_yuan": 0 }),
    )
    .await;
    assert_eq!(st, 422);
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["opening_hours", "phone", "care_modes", "puhui_fee_yuan"]);
    assert!(body["fields"][1]["message"].as_str().unwrap().contains("电话"));
    // a care mode that still has places cannot be dropped
    server::db::query(
        "INSERT INTO place_care_modes (place_id, care_mode, fee_yuan, unit) VALUES (?, 'half_day', 1800, 'month') ON CONFLICT DO NOTHING",
    )
    .bind(a_place)
    .execute(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    server::db::query(
        "INSERT INTO classes (place_id, age_band, care_mode, capacity, enrolled, vacancies, confirmed_at, updated_at)
         VALUES (?, 'preschool', 'half_day', 6, 4, 2, unixepoch(), unixepoch())
         ON CONFLICT (place_id, age_band, care_mode) DO UPDATE SET capacity = 6, enrolled = 4, vacancies = 2",
    )
    .bind(a_place)
    .execute(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    let (st, body) = edit(&s, &a, a_place, "key-edit-1b", good.clone()).await;
    assert_eq!(st, 422, "{body}");
    assert_eq!(body["fields"][0]["field"], "care_modes");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("半日托"), "{body}");
    // emptied first (capacity 0), the mode and its empty classes go
    server::db::query("UPDATE classes SET capacity = 0, enrolled = 0, vacancies = 0, puhui_slots = 0 WHERE place_id = ? AND care_mode NOT IN ('full_day', 'hourly')")
        .bind(a_place)
        .execute(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    // a good edit reaches parents
    let before = s.client.place(a_place).await.unwrap();
    let (st, _) = edit(&s, &a, a_place, "key-edit-2", good.clone()).await;
    assert_eq!(st, 200);
    let after = s.client.place(a_place).await.unwrap();
    assert_eq!(after.opening_hours, "周一至周六 07:30–18:00");
    assert_eq!(after.phone, "0514-82345678");
    let modes: Vec<(String, u32)> = after.summary.care_modes.iter().map(|m| (m.care_mode.code().to_string(), m.fee_yuan)).collect();
    assert_eq!(modes, vec![("full_day".to_string(), 3200), ("hourly".to_string(), 60)]);
    assert_eq!(after.summary.puhui_fee_yuan, Some(1600));
    assert!(after.summary.change_seq > before.summary.change_seq);
    let audit = get_json(&s, &a, &format!("/api/v1/operator/places/{a_place}/audit")).await;
    assert_eq!(audit[0]["action"], "place_edit");
    assert_eq!(audit[0]["detail"]["before"]["phone"], before.phone);
    assert_eq!(audit[0]["detail"]["after"]["phone"], "0514-82345678");
    assert!(after.summary.classes.iter().all(|c| matches!(c.care_mode.code(), "full_day" | "hourly")));
}

#[tokio::test]
async fn every_new_operator_write_needs_a_session_and_keeps_to_the_organisation() {
    let s = start().await;
    let a = op(&s, 0).await;
    let b = op(&s, 1).await;
    let (b_class, b_place) = own_class(&s, &b, 2).await;
    let edit_body = json!({ "version": 1, "capacity": 20, "enrolled": 10, "vacancies": 2 });
    let new_body = json!({ "age_band": "infant", "care_mode": "full_day", "capacity": 5, "enrolled": 0, "vacancies": 5 });
    let place_body = json!({ "opening_hours": "周一至周五", "phone": "13812345678", "care_modes": [{ "care_mode": "full_day", "fee_yuan": 3000 }], "puhui_fee_yuan": 1500 });
    let writes = [
        ("PUT", format!("/api/v1/operator/classes/{b_class}"), edit_body),
        ("POST", format!("/api/v1/operator/places/{b_place}/classes"), new_body),
        ("PUT", format!("/api/v1/operator/places/{b_place}"), place_body),
    ];
    let before: (i64, i64) = server::db::query_as("SELECT count(*), CAST(sum(version) AS BIGINT) FROM classes").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    for (i, (method, path, body)) in writes.iter().enumerate() {
        assert_eq!(s.write(None, method, path, &format!("key-w401-{i}"), body.clone()).await.0, 401, "{path}");
        let (st, res) = s.write(Some(&a), method, path, &format!("key-w403-{i}"), body.clone()).await;
        assert_eq!(st, 403, "{path}: {res}");
    }
    let after: (i64, i64) = server::db::query_as("SELECT count(*), CAST(sum(version) AS BIGINT) FROM classes").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(before, after, "nothing written");
}

#[tokio::test]
async fn class_figures_are_edited_on_a_version_within_their_bounds() {
    let s = start_at(chrono::Utc::now().with_nanosecond(0).unwrap()).await;
    let a = op(&s, 0).await;
    let (class_id, place_id) = own_class(&s, &a, 2).await;
    let (cap, enrolled, version): (i64, i64, i64) =
        server::db::query_as("SELECT capacity, enrolled, version FROM classes WHERE id = ?").bind(class_id).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let path = format!("/api/v1/operator/classes/{class_id}");
    // enrolled above capacity, vacancies above what is left: each field named
    let (st, body) = s.write(Some(&a), "PUT", &path, "key-ce-1", json!({ "version": version, "capacity": cap, "enrolled": cap + 1, "vacancies": 0 })).await;
    assert_eq!((st, fields(&body)), (422, vec!["enrolled".to_string()]), "{body}");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("在托"));
    let (st, body) = s.write(Some(&a), "PUT", &path, "key-ce-2", json!({ "version": version, "capacity": cap, "enrolled": enrolled, "vacancies": cap - enrolled + 1 })).await;
    assert_eq!((st, fields(&body)), (422, vec!["vacancies".to_string()]), "{body}");
    // a stale version: 409 with the class as it is now
    let (st, body) = s.write(Some(&a), "PUT", &path, "key-ce-3", json!({ "version": version - 1, "capacity": cap, "enrolled": 0, "vacancies": 0 })).await;
    assert_eq!(st, 409);
    assert_eq!(body["current"]["version"], version);
    assert_eq!(body["current"]["enrolled"], enrolled);
    // a good edit an hour later: one more place, one more child, same free places
    s.clock.advance(chrono::Duration::hours(1));
    let good = json!({ "version": version, "capacity": cap + 1, "enrolled": enrolled + 1, "vacancies": 2 });
    let (st, body) = s.write(Some(&a), "PUT", &path, "key-ce-4", good.clone()).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!((body["capacity"].as_i64(), body["enrolled"].as_i64(), body["version"].as_i64()), (Some(cap + 1), Some(enrolled + 1), Some(version + 1)));
    // the same request again is the same write, not a second one
    let (st, again) = s.write(Some(&a), "PUT", &path, "key-ce-4", good).await;
    assert_eq!((st, again), (200, body));
    let v: i64 = server::db::query_scalar("SELECT version FROM classes WHERE id = ?").bind(class_id).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(v, version + 1);
    // parents see it, freshly confirmed; the audit trail has before and after
    let place = s.client.place(place_id).await.unwrap();
    let c = place.summary.classes.iter().find(|c| c.id == class_id).unwrap();
    assert_eq!((c.capacity as i64, c.enrolled as i64), (cap + 1, enrolled + 1));
    assert_eq!(c.confirmed_at, s.clock.now());
    let audit = get_json(&s, &a, &format!("/api/v1/operator/places/{place_id}/audit")).await;
    assert_eq!(audit[0]["action"], "class_edit");
    assert_eq!(audit[0]["detail"]["before"]["enrolled"], enrolled);
    assert_eq!(audit[0]["detail"]["after"]["enrolled"], enrolled + 1);
    // capacity cannot drop below the 普惠托位 it holds
    server::db::query("UPDATE classes SET puhui_slots = 5 WHERE id = ?").bind(class_id).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (st, body) = s.write(Some(&a), "PUT", &path, "key-ce-5", json!({ "version": version + 1, "capacity": 4, "enrolled": 0, "vacancies": 0 })).await;
    assert_eq!((st, fields(&body)), (422, vec!["capacity".to_string()]), "{body}");
}

#[tokio::test]
async fn a_class_is_added_per_care_mode_the_place_offers() {
    let s = start().await;
    let a = op(&s, 0).await;
    let (_, place_id) = own_class(&s, &a, 1).await;
    server::db::query("DELETE FROM place_care_modes WHERE place_id = ? AND care_mode = 'occasional'").bind(place_id).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    server::db::query("DELETE FROM classes WHERE place_id = ? AND age_band = 'infant'").bind(place_id).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let path = format!("/api/v1/operator/places/{place_id}/classes");
    let (st, body) = s.write(Some(&a), "POST", &path, "key-cc-1", json!({ "age_band": "infant", "care_mode": "occasional", "capacity": 3, "enrolled": 0, "vacancies": 3 })).await;
    assert_eq!((st, fields(&body)), (422, vec!["care_mode".to_string()]), "{body}");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("临时托"));
    let mode: String = server::db::query_scalar("SELECT care_mode FROM place_care_modes WHERE place_id = ? LIMIT 1").bind(place_id).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let new = json!({ "age_band": "infant", "care_mode": mode, "capacity": 8, "enrolled": 3, "vacancies": 4 });
    let (st, body) = s.write(Some(&a), "POST", &path, "key-cc-2", new.clone()).await;
    assert_eq!(st, 201, "{body}");
    let id = body["class_id"].as_i64().unwrap();
    // replayed: the same class, not a second one
    assert_eq!(s.write(Some(&a), "POST", &path, "key-cc-2", new.clone()).await, (201, body.clone()));
    // another request for the same class × mode names the clash
    let (st, body) = s.write(Some(&a), "POST", &path, "key-cc-3", new).await;
    assert_eq!((st, fields(&body)), (422, vec!["age_band".to_string()]), "{body}");
    let place = s.client.place(place_id).await.unwrap();
    let c = place.summary.classes.iter().find(|c| c.id == id).unwrap();
    assert_eq!((c.age_band.code(), c.care_mode.code(), c.vacancies), ("infant", mode.as_str(), 4));
}


#[tokio::test]
async fn behind_https_the_session_cookie_is_host_prefixed_and_secure_and_a_plain_one_is_ignored() {
    let s = start().await;
    let res = s
        .http
        .post(format!("{}/api/v1/auth/login", s.base))
        .header("X-Forwarded-Proto", "https")
        .json(&json!({ "username": SAMPLE_OPERATORS[0].0, "password": SAMPLE_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let set = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(set.starts_with("__Host-yl_session=") && set.contains("; Secure") && set.contains("Path=/") && !set.contains("Domain"), "{set}");
    let csrf = res.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_string();
    let cookie = set.split(';').next().unwrap().to_string();
    let token = cookie.split_once('=').unwrap().1.to_string();
    let me = |c: String| {
        let http = s.http.clone();
        let url = format!("{}/api/v1/auth/me", s.base);
        async move { http.get(url).header("X-Forwarded-Proto", "https").header("Cookie", c).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(me(cookie.clone()).await, 200);
    // the same token under the plain name, over HTTPS: not a session (it could have been planted)
    assert_eq!(me(format!("yl_session={token}")).await, 401);
    let res = s
        .http
        .post(format!("{}/api/v1/auth/logout", s.base))
        .header("X-Forwarded-Proto", "https")
        .header("Cookie", &cookie)
        .header("X-CSRF-Token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert!(res.headers().get("set-cookie").unwrap().to_str().unwrap().starts_with("__Host-yl_session=; "));
    assert_eq!(me(cookie).await, 401);
}
