//! A city at once: concurrent readers never wait for each other's connections, an exhausted
//! pool answers 503 with Retry-After (never a 500, never a stall), `/healthz` answers without
//! the database, a fresh start has no published password, and every answer carries the
//! security headers (a page allows only its own inline scripts, by nonce).


use crate::helpers::start;
use serde_json::Value;
use server::db::sample::SAMPLE_PASSWORD;
use std::time::{Duration, Instant};

#[tokio::test]
async fn sixty_four_concurrent_place_pages_and_searches_all_answer() {
    let s = start().await;
    let ids: Vec<i64> = server::db::query_scalar("SELECT id FROM places ORDER BY id LIMIT 32").fetch_all(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let mut tasks = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        for path in [format!("/api/v1/places/{id}"), format!("/api/v1/places?lat=31.575&lng=120.358&radius_m={}", 1000 + i * 100)] {
            let (http, url) = (s.http.clone(), format!("{}{path}", s.base));
            tasks.push(tokio::spawn(async move { http.get(url).send().await.unwrap().status().as_u16() }));
        }
    }
    assert_eq!(tasks.len(), 64);
    let t = Instant::now();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(statuses, vec![200u16; 64]);
    assert!(t.elapsed() < Duration::from_secs(10), "took {:?} (a pool deadlock waits 3 s+ per request)", t.elapsed());
}

#[tokio::test]
async fn an_exhausted_pool_answers_503_with_retry_after_and_health_still_answers() {
    let s = start().await;
    // every reader taken (as by a flood of slow requests)
    let pg = crate::helpers::on_postgres();
    let mut held = Vec::new();
    for _ in 0..s.read.max_connections() {
        held.push(s.read.acquire().await.unwrap());
    }
    let t = Instant::now();
    let res = s.http.get(format!("{}/api/v1/places/1", s.base)).send().await.unwrap();
    let waited = t.elapsed();
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("2"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "unavailable");
    assert!(body["message"].as_str().unwrap().contains("稍后再试"));
    assert!(waited >= server::db::ACQUIRE_TIMEOUT && waited < server::db::ACQUIRE_TIMEOUT + Duration::from_secs(2), "{waited:?}");
    // the process itself answers at once; readiness says the database is not
    let t = Instant::now();
    assert_eq!(s.get(None, "/healthz").await.0, 200);
    assert!(t.elapsed() < Duration::from_secs(1));
    let busy = s.http.get(format!("{}/readyz", s.base)).send().await.unwrap();
    assert_eq!(busy.status(), 503);
    assert_eq!(busy.json::<Value>().await.unwrap()["error"], "unavailable");
    // SQLite: writes still go through the writer; PostgreSQL: one pool, so a write is told
    // to come back too (and is taken once a connection is free)
    let (st, _) = s.write(None, "POST", "/api/v1/favorites", "capacity-fav-1", serde_json::json!({ "place_id": 1 })).await;
    assert_eq!(st, if pg { 503 } else { 201 });
    drop(held);
    assert_eq!(s.get(None, "/api/v1/places/1").await.0, 200);
    let ready = s.http.get(format!("{}/readyz", s.base)).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let ready: Value = ready.json().await.unwrap();
    let engine = if pg { "postgresql" } else { "sqlite" };
    assert_eq!((ready["status"].as_str(), ready["database"]["engine"].as_str()), (Some("ready"), Some(engine)));
    let folder = if pg { concat!(env!("CARGO_MANIFEST_DIR"), "/migrations_pg") } else { concat!(env!("CARGO_MANIFEST_DIR"), "/migrations") };
    let newest = std::fs::read_dir(folder)
        .unwrap()
        .filter_map(|f| f.ok()?.file_name().to_str()?.split('_').next()?.parse::<i64>().ok())
        .max();
    assert_eq!(ready["database"]["schema_version"].as_i64(), newest, "{ready}");
    if !pg {
        assert_eq!(ready["database"]["writer"]["open"], 1);
    }
}

#[tokio::test]
async fn the_write_pool_has_one_connection_and_readers_cannot_write() {
    let s = start().await;
    if crate::helpers::on_postgres() {
        // one pool serves both (PostgreSQL's writers do not queue behind one connection)
        assert_eq!(s.pool.max_connections(), s.read.max_connections());
        return;
    }
    assert_eq!(s.pool.max_connections(), 1);
    let err = server::db::query("UPDATE places SET name = name WHERE id = 1").execute(&mut *s.read.acquire().await.unwrap()).await.unwrap_err();
    assert!(err.to_string().contains("readonly") || err.to_string().contains("read-only") || err.to_string().contains("query_only"), "{err}");
    // a session check (a read) still works with the writer busy
    let l = s.login("op-feiqitu", SAMPLE_PASSWORD).await.1.unwrap();
    let tx = s.pool.begin().await.unwrap();
    let (st, _) = s.get(Some(&l), "/api/v1/auth/me").await;
    assert_eq!(st, 200);
    drop(tx);
}

/// The real binary on a free port with `args`, until dropped.
struct Serving(std::process::Child, String);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn serve(db: &std::path::Path, args: &[&str]) -> Serving {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", db.parent().unwrap().join("no-site"))
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    for _ in 0..300 {
        if http.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status() == 200) {
            return Serving(child, base);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not start: {args:?}");
}

async fn sample_login(base: &str) -> u16 {
    let body = serde_json::json!({ "username": "admin-sample", "password": SAMPLE_PASSWORD });
    reqwest::Client::new().post(format!("{base}/api/v1/auth/login")).json(&body).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn a_fresh_start_has_no_accounts_and_sample_accounts_need_sample_mode() {
    let dir = tempfile::tempdir().unwrap();
    // `serve` on a new database: migrated, empty, no account to sign in with
    let fresh = dir.path().join("fresh.db");
    {
        let srv = serve(&fresh, &["serve"]).await;
        assert_eq!(sample_login(&srv.1).await, 401);
        let places: Value = reqwest::get(format!("{}/api/v1/places?lat=31.575&lng=120.358", srv.1)).await.unwrap().json().await.unwrap();
        assert_eq!(places["places"], serde_json::json!([]));
    }
    let pool = server::db::open(&format!("sqlite://{}", fresh.display())).await.unwrap();
    let (users, places): (i64, i64) =
        server::db::query_as("SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM places)").fetch_one(&mut *pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!((users, places), (0, 0));
    pool.close().await;

    // `serve --sample`: the demo, with its sample accounts
    let demo = dir.path().join("demo.db");
    {
        let srv = serve(&demo, &["serve", "--sample"]).await;
        assert_eq!(sample_login(&srv.1).await, 200);
    }
    // the same sample database served without --sample: the published password opens nothing
    let srv = serve(&demo, &["serve"]).await;
    assert_eq!(sample_login(&srv.1).await, 403);
}

#[tokio::test]
async fn a_body_over_64_kb_gets_413_with_a_json_body() {
    let s = start().await;
    let big = serde_json::json!({ "place_id": 1, "pad": "x".repeat(70 * 1024) });
    let (st, body) = s.write(None, "POST", "/api/v1/favorites", "capacity-big-1", big).await;
    assert_eq!(st, 413, "{body}");
    assert_eq!(body["error"], "too_large");
    assert!(body["message"].as_str().unwrap().contains("64 KB"));
    let n: i64 = server::db::query_scalar("SELECT count(*) FROM favorites").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn control_and_bidi_characters_and_overlong_text_are_refused_by_field() {
    let s = start().await;
    let body = |name: &str| {
        serde_json::json!({
            "id": "00000000-0000-4000-8000-000000000777", "place_id": 1, "kind": "visit", "timeslot_id": 1,
            "timeslot_date": "2026-12-01", "contact_name": name, "contact_phone": "13812345678", "consent": true
        })
    };
    // U+202E turns "王女士gnp.exe" into what looks like another text on screen
    let (st, b) = s.write(None, "POST", "/api/v1/requests", "unsafe-text-1", body("王女士\u{202E}gnp.exe")).await;
    assert_eq!((st, crate::helpers::fields(&b)), (422, vec!["contact_name".to_string()]), "{b}");
    assert!(b["fields"][0]["message"].as_str().unwrap().contains("控制字符"));
    let (st, b) = s.write(None, "POST", "/api/v1/requests", "unsafe-text-2", body("王\u{0007}女士")).await;
    assert_eq!((st, crate::helpers::fields(&b)), (422, vec!["contact_name".to_string()]), "{b}");
    let (st, b) = s.write(None, "POST", "/api/v1/requests", "unsafe-text-3", body(&"长".repeat(server::http::write::MAX_TEXT + 1))).await;
    assert_eq!((st, crate::helpers::fields(&b)), (422, vec!["contact_name".to_string()]), "{b}");
    assert!(b["fields"][0]["message"].as_str().unwrap().contains("太长"));
    // nested fields are named by their path; line breaks in a note are fine
    let order = serde_json::json!({ "id": "00000000-0000-4000-8000-000000000778", "provider_id": 1, "item": "bathing", "timeslot_id": 1,
        "date": "2026-12-01", "consent": true, "elder": { "name": "张大爷", "age": 70, "street_id": "wuxi-xinwu-wangzhuang", "address_detail": "旺庄路\u{2066}1 号",
        "lat": 31.575, "lng": 120.358, "phone": "13812345678", "lives_alone": false, "empty_nest": false, "categories": [], "consent_categories": false } });
    let (st, b) = s.write(None, "POST", "/api/v1/orders", "unsafe-text-4", order).await;
    assert_eq!((st, crate::helpers::fields(&b)), (422, vec!["elder.address_detail".to_string()]), "{b}");
    let n: i64 = server::db::query_scalar("SELECT (SELECT count(*) FROM requests) + (SELECT count(*) FROM orders)").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn expired_write_answers_login_attempts_and_idle_devices_are_pruned() {
    let s = start().await;
    let now = chrono::Utc::now().timestamp();
    let day = 86_400;
    server::db::engine::raw_sql(&format!(
        "INSERT INTO devices (key_hash, created_at, last_seen_at) VALUES ('old-idle', 0, {old}), ('old-with-favorite', 0, {old}), ('recent', 0, {now});
         INSERT INTO favorites (device_hash, place_id, created_at) VALUES ('old-with-favorite', 1, 0);
         INSERT INTO idempotency_keys (device_hash, key, request_hash, status, response, created_at)
              VALUES ('recent', 'k-old', 'h', 201, '{{}}', {k_old}), ('recent', 'k-new', 'h', 201, '{{}}', {k_new});
         INSERT INTO login_attempts (username, address, ok, at) VALUES ('x', 'a', FALSE, {a_old}), ('x', 'a', FALSE, {now});",
        old = now - 400 * day, k_old = now - 91 * day, k_new = now - 89 * day, a_old = now - 31 * day
    ))
    .execute(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    let p = server::db::places::prune(&s.pool, now).await.unwrap();
    assert_eq!((p.idempotency_keys, p.login_attempts, p.devices), (1, 1, 1));
    let devices: Vec<String> = server::db::query_scalar("SELECT key_hash FROM devices WHERE key_hash IN ('old-idle', 'old-with-favorite', 'recent') ORDER BY key_hash")
        .fetch_all(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    assert_eq!(devices, ["old-with-favorite", "recent"], "a device that still has a favorite stays");
    assert_eq!(server::db::places::prune(&s.pool, now).await.unwrap(), server::db::places::Pruned::default(), "nothing twice");
}

#[tokio::test]
async fn one_phone_cannot_flood_anonymous_writes() {
    let s = start().await;
    let ids: Vec<i64> = server::db::query_scalar("SELECT id FROM places ORDER BY id LIMIT 31").fetch_all(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    for (i, id) in ids.iter().take(30).enumerate() {
        let (st, b) = s.write(None, "POST", "/api/v1/favorites", &format!("flood-key-{i:03}"), serde_json::json!({ "place_id": id })).await;
        assert_eq!(st, 201, "{b}");
    }
    let res = s.send_write(crate::helpers::DEVICE, None, "POST", "/api/v1/favorites", "flood-key-030", serde_json::json!({ "place_id": ids[30] })).await;
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("60"));
    let b: Value = res.json().await.unwrap();
    assert!(b["message"].as_str().unwrap().contains("太频繁"));
    // a retry of a write already made is still answered (a replay writes nothing new)
    let (st, _) = s.write(None, "POST", "/api/v1/favorites", "flood-key-000", serde_json::json!({ "place_id": ids[0] })).await;
    assert_eq!(st, 201);
    // another phone is not affected
    let (st, _) = s.write_from("another-phone-key-0123456789", None, "POST", "/api/v1/favorites", "flood-other-1", serde_json::json!({ "place_id": ids[0] })).await;
    assert_eq!(st, 201);
}

/// A favorite from `address` (behind the trusted proxy) by a device of its own.
async fn favorite_from(s: &crate::helpers::TestServer, address: &str, device: &str, key: &str, place_id: i64) -> reqwest::Response {
    s.http
        .post(format!("{}/api/v1/favorites", s.base))
        .header("X-Forwarded-For", address)
        .header("X-Device-Key", device)
        .header("Idempotency-Key", key)
        .json(&serde_json::json!({ "place_id": place_id }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn fresh_device_keys_from_one_address_are_limited_too_and_other_addresses_are_not() {
    let s = crate::helpers::start_limited(5).await;
    let ids: Vec<i64> = server::db::query_scalar("SELECT id FROM places ORDER BY id LIMIT 7").fetch_all(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    for i in 0..5 {
        let res = favorite_from(&s, "198.51.100.9", &format!("script-device-{i:02}-0123456789abcdef"), &format!("addr-key-{i:03}"), ids[i]).await;
        assert_eq!(res.status(), 201);
    }
    let res = favorite_from(&s, "198.51.100.9", "script-device-05-0123456789abcdef", "addr-key-005", ids[5]).await;
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("60"));
    let b: Value = res.json().await.unwrap();
    assert!(b["message"].as_str().unwrap().contains("您所在的网络"), "{b}");
    // a stored answer is still replayed to the device that made it
    let res = favorite_from(&s, "198.51.100.9", "script-device-00-0123456789abcdef", "addr-key-000", ids[0]).await;
    assert_eq!((res.status().as_u16(), res.headers().get("idempotent-replayed").is_some()), (201, true));
    // a family on another address is not affected
    let res = favorite_from(&s, "203.0.113.20", "family-phone-0123456789abcdef", "addr-key-100", ids[6]).await;
    assert_eq!(res.status(), 201);
    // the address is stored only as a hash, and the retention job clears it after a day
    let stored: Vec<String> = server::db::query_scalar("SELECT address_hash FROM idempotency_keys WHERE address_hash IS NOT NULL").fetch_all(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(stored.len(), 6);
    assert!(stored.iter().all(|h| h.len() == 64 && !h.contains("198.51")));
    let later = chrono::Utc::now().timestamp() + server::db::places::KEEP_ADDRESS_S + 1;
    assert_eq!(server::db::places::prune(&s.pool, later).await.unwrap().addresses, 6);
}

#[tokio::test]
async fn a_phone_may_hold_five_open_visits_a_week_and_a_cancel_makes_room() {
    let s = start().await;
    let rows: Vec<(i64, i64)> = server::db::query_as(
        "SELECT t.id, t.place_id FROM timeslots t WHERE t.kind = 'visit' AND t.active = TRUE ORDER BY t.id LIMIT 6",
    )
    .fetch_all(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    assert_eq!(rows.len(), 6, "the sample data has six visit timeslots");
    let mut booked = Vec::new();
    for (i, (timeslot_id, place_id)) in rows.iter().enumerate() {
        let (_, o) = s.get(None, &format!("/api/v1/places/{place_id}/timeslots")).await;
        let o = o["openings"].as_array().unwrap().iter().find(|x| x["timeslot_id"] == *timeslot_id && x["booked"] == 0).unwrap().clone();
        let id = format!("7a1f0000-0000-4000-8000-{:012}", i + 1);
        let body = serde_json::json!({
            "id": id, "place_id": place_id, "kind": "visit", "timeslot_id": timeslot_id, "timeslot_date": o["date"],
            "contact_name": "王女士", "contact_phone": "13955550000", "consent": true
        });
        // every booking from a fresh device: the cap follows the phone number
        let device = format!("week-cap-device-{i:02}-0123456789");
        let (st, b) = s.write_from(&device, None, "POST", "/api/v1/requests", &format!("week-cap-{i}"), body.clone()).await;
        if i < 5 {
            assert_eq!(st, 201, "{b}");
            booked.push((id, device));
        } else {
            assert_eq!((st, crate::helpers::fields(&b)), (422, vec!["contact_phone".to_string()]), "{b}");
            assert!(b["fields"][0]["message"].as_str().unwrap().contains("最多 5 个"), "{b}");
            // cancelling one makes room for it
            let (id0, dev0) = &booked[0];
            let (st, _) = s.write_from(dev0, None, "POST", &format!("/api/v1/requests/{id0}/cancel"), "week-cap-cancel", Value::Null).await;
            assert_eq!(st, 200);
            let (st, _) = s.write_from(&device, None, "POST", "/api/v1/requests", "week-cap-again", body).await;
            assert_eq!(st, 201);
        }
    }
}

/// The `script-src` directive of a Content-Security-Policy.
fn script_src(csp: &str) -> String {
    csp.split(';').map(str::trim).find(|d| d.starts_with("script-src")).unwrap_or_default().to_string()
}

/// The attributes and bodies of the inline `<script>` elements (those without `src`) of a page.
fn inline_scripts(html: &str) -> Vec<(String, String)> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attrs, after) = rest.split_once('>')?;
        let body = after.split("</script>").next()?;
        (!attrs.contains("src=")).then(|| (attrs.to_string(), body.to_string()))
    }).collect()
}

async fn page(s: &crate::helpers::TestServer, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let res = s.http.get(format!("{}{path}", s.base)).send().await.unwrap();
    let (status, headers) = (res.status().as_u16(), res.headers().clone());
    (status, headers, res.text().await.unwrap())
}

#[tokio::test]
async fn pages_run_only_their_own_inline_scripts_and_every_answer_carries_the_security_headers() {
    let s = start().await;
    let id: i64 = server::db::query_scalar("SELECT id FROM places ORDER BY id LIMIT 1").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let mut nonces = Vec::new();
    for path in ["/?area=wuxi-xinwu".to_string(), format!("/places/{id}"), "/care".into(), "/no-such-page".into()] {
        let (status, h, html) = page(&s, &path).await;
        assert!(status == 200 || path == "/no-such-page", "{path}: {status}");
        let csp = h["content-security-policy"].to_str().unwrap().to_string();
        let src = script_src(&csp);
        assert!(!src.contains("unsafe-inline") && !src.contains("'unsafe-eval'") && src.contains("'wasm-unsafe-eval'"), "{path}: {src}");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), "{csp}");
        // one nonce in the policy, and every inline script of the page carries exactly it
        let nonce = src.split("'nonce-").nth(1).and_then(|r| r.split('\'').next()).unwrap_or_else(|| panic!("{path}: no nonce in {src}")).to_string();
        assert!(nonce.len() >= 22, "a nonce of 128 bits: {nonce}");
        let scripts = inline_scripts(&html);
        assert!(!scripts.is_empty(), "{path}: the hydration bootstrap is inline");
        for (attrs, body) in &scripts {
            assert!(attrs.contains(&format!("nonce=\"{nonce}\"")), "{path}: an inline script without the page's nonce: <script{attrs}>{}", &body[..body.len().min(80)]);
        }
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
        assert_eq!(h["x-frame-options"], "DENY");
        assert!(h.get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
        nonces.push(nonce);
    }
    let distinct: std::collections::HashSet<_> = nonces.iter().collect();
    assert_eq!(distinct.len(), nonces.len(), "a fresh nonce for every page: {nonces:?}");

    // The API and static files: no inline script at all.
    for path in ["/api/v1/areas", "/healthz", "/api/v1/places/999999999"] {
        let (_, h, _) = page(&s, path).await;
        let src = script_src(h["content-security-policy"].to_str().unwrap());
        assert_eq!(src, "script-src 'self' 'wasm-unsafe-eval'", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
    }

    // The offline shell (kept by the service worker) allows its one inline script by hash.
    let (status, h, html) = page(&s, "/offline-shell").await;
    assert_eq!(status, 200);
    let scripts = inline_scripts(&html);
    assert_eq!(scripts.len(), 1, "{html}");
    use base64::Engine as _;
    use sha2::Digest as _;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(scripts[0].1.as_bytes()));
    let src = script_src(h["content-security-policy"].to_str().unwrap());
    assert_eq!(src, format!("script-src 'self' 'sha256-{hash}' 'wasm-unsafe-eval'"));

    // Behind an HTTPS proxy: HSTS.
    let res = s.http.get(format!("{}/api/v1/areas", s.base)).header("X-Forwarded-Proto", "https").send().await.unwrap();
    assert_eq!(res.headers()["strict-transport-security"], "max-age=31536000; includeSubDomains");
}

#[tokio::test]
async fn retention_strips_old_answers_ends_expired_sessions_and_anonymises_closed_records_keeping_the_figures() {
    let s = start().await;
    let now = chrono::Utc::now().timestamp();
    let day = 86_400;
    let (old, recent) = (now - 400 * day, now - 30 * day);
    let class: (i64, i64) = server::db::query_as("SELECT id, place_id FROM classes LIMIT 1").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let slot: (i64, i64) = server::db::query_as("SELECT id, provider_id FROM provider_timeslots LIMIT 1").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let user: i64 = server::db::query_scalar("SELECT id FROM users LIMIT 1").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let elder = r#"{"name":"张大爷","age":82,"street_id":"wuxi-xinwu-wangzhuang","address_detail":"旺庄路 1 号","lat":31.5,"lng":120.3,"phone":"13812345678","lives_alone":true,"empty_nest":false,"categories":["dibao"],"capability_level":"moderate"}"#;
    let quote = r#"{"market_price_yuan":100,"public_pays_yuan":50,"family_pays_yuan":50,"rule_id":3,"rule_name":"r","payer":"subsidy","explanation":"","needs_confirmation":true}"#;
    server::db::engine::raw_sql(&format!(
        "INSERT INTO devices (key_hash, created_at, last_seen_at) VALUES ('ret-device', 0, {now});
         INSERT INTO idempotency_keys (device_hash, key, request_hash, status, response, created_at)
              VALUES ('ret-device', 'k-8d', 'h8', 201, '{{\"contact_phone\":\"13812345678\"}}', {d8}), ('ret-device', 'k-6d', 'h6', 201, '{{\"x\":1}}', {d6});
         INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ('t-expired', {user}, 'c', 0, {d6}), ('t-live', {user}, 'c', 0, {later});
         INSERT INTO requests (id, device_hash, place_id, kind, class_id, age_band, care_mode, child_birth_month, start_month, priority_grounds, contact_name, contact_phone,
                               consent_at, status, created_at, updated_at)
              VALUES ('r-old-cancelled', 'ret-device', {place}, 'application', {cid}, 'toddler', 'full_day', '2024-05', '2025-09', '[\"single_parent\"]', '王女士', '13900000001', {old}, 'cancelled', {old}, {old}),
                     ('r-old-waitlisted', 'ret-device', {place}, 'application', {cid}, 'toddler', 'full_day', '2024-05', '2025-09', '[]', '李女士', '13900000002', {old}, 'waitlisted', {old}, {old}),
                     ('r-recent-cancelled', 'ret-device', {place}, 'application', {cid}, 'toddler', 'full_day', '2024-05', '2025-09', '[]', '赵女士', '13900000003', {recent}, 'cancelled', {recent}, {recent});
         INSERT INTO orders (id, device_hash, provider_id, service_item, timeslot_id, visit_date, elder, elder_name, quote, category_confirmed_at, status,
                             created_at, updated_at, street_id, check_in_at, check_in_lat, check_in_lng, check_in_distance_m, carer_note)
              VALUES ('o-old-done', 'ret-device', {pid}, 'bathing', {sid}, '2025-10-01', '{elder}', '张大爷', '{quote}', {old}, 'completed', {old}, {old},
                      'wuxi-xinwu-wangzhuang', {old}, 31.5, 120.3, 20.0, '老人腿脚不便'),
                     ('o-old-open', 'ret-device', {pid}, 'bathing', {sid}, '2025-10-02', '{elder}', '张大爷', '{quote}', NULL, 'accepted', {old}, {old},
                      'wuxi-xinwu-wangzhuang', NULL, NULL, NULL, NULL, NULL);
         INSERT INTO welfare_plans (id, device_hash, elder_name, elder_phone, elder, reason, provider_id, started_on, ended_on, created_at, updated_at)
              VALUES (901, 'ret-device', '张大爷', '13812345678', '{elder}', '82 岁独居', {pid}, '2024-09-01', '2024-10-20', {old}, {old}),
                     (902, 'ret-device', '王奶奶', '13812345679', '{elder}', '82 岁独居', {pid}, '2024-09-01', NULL, {old}, {old});
         INSERT INTO welfare_visits (plan_id, week_start, due_on, status, note, created_at, updated_at)
              VALUES (901, '2024-10-14', '2024-10-20', 'done', '老人说腿疼', {old}, {old});
         INSERT INTO access_log (at, day, user_id, who, what, subject_kind, subject_id, device_hash, why)
              VALUES ({four_years}, '2022-11-01', {user}, 'x', 'elder_profile', 'order', 'o-old-done', 'ret-device', 'r'),
                     ({old}, '2025-10-29', {user}, 'x', 'elder_profile', 'order', 'o-old-open', 'ret-device', 'r');
         INSERT INTO login_attempts (username, address, at, ok) VALUES ('someone', '10.0.0.1', {d31}, FALSE), ('someone', '10.0.0.1', {d6}, FALSE);
         INSERT INTO code_attempts (address_hash, device_hash, at) VALUES ('a', 'ret-device', {d6}), ('a', 'ret-device', {now});",
        d8 = now - 8 * day, d6 = now - 6 * day, later = now + day, place = class.1, cid = class.0, pid = slot.1, sid = slot.0,
        four_years = now - 4 * 365 * day, d31 = now - 31 * day
    ))
    .execute(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    let p = server::db::places::prune(&s.pool, now).await.unwrap();
    assert_eq!((p.answer_bodies, p.sessions, p.requests_anonymised, p.orders_anonymised), (1, 1, 1, 1), "{p:?}");
    // a stored answer keeps its status and hash only; a replay is still recognised
    let kept: Vec<(String, String)> = server::db::query_as("SELECT key, response FROM idempotency_keys WHERE device_hash = 'ret-device' ORDER BY key").fetch_all(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(kept, [("k-6d".to_string(), r#"{"x":1}"#.to_string()), ("k-8d".to_string(), "null".to_string())]);
    let sessions: Vec<String> = server::db::query_scalar("SELECT token_hash FROM sessions WHERE token_hash LIKE 't-%'").fetch_all(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(sessions, ["t-live"]);
    // the old cancelled application names nobody; an open one and a recent one are untouched
    let r: Vec<(String, String, String, Option<String>, String)> =
        server::db::query_as("SELECT id, contact_name, contact_phone, child_birth_month, priority_grounds FROM requests WHERE device_hash = 'ret-device' ORDER BY id").fetch_all(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(r[0], ("r-old-cancelled".into(), "（已匿名）".into(), String::new(), None, "[]".into()));
    assert_eq!((r[1].1.as_str(), r[2].1.as_str()), ("李女士", "赵女士"));
    // the old completed order: no name, phone, address, position, health or categories — the settlement figures stay
    let (name, elder, lat, dist, note, stored_quote, verified, street): (String, String, Option<f64>, Option<f64>, Option<String>, String, Option<i64>, Option<String>) =
        server::db::query_as("SELECT elder_name, elder, check_in_lat, check_in_distance_m, carer_note, quote, category_confirmed_at, street_id FROM orders WHERE id = 'o-old-done'")
            .fetch_one(&mut *s.pool.acquire().await.unwrap())
            .await
            .unwrap();
    let e: serde_json::Value = serde_json::from_str(&elder).unwrap();
    assert_eq!((name.as_str(), e["name"].as_str(), e["phone"].as_str(), e["address_detail"].as_str()), ("（已匿名）", Some("（已匿名）"), Some(""), Some("")));
    assert_eq!((e["categories"].clone(), e["capability_level"].clone(), e["lat"].as_f64()), (serde_json::json!([]), serde_json::Value::Null, Some(0.0)));
    assert!(serde_json::from_value::<app::model::elder::ElderProfile>(e).is_ok(), "still reads as a profile");
    assert_eq!((lat, dist, note), (None, Some(20.0), None));
    assert_eq!((stored_quote.as_str(), verified, street.as_deref()), (quote, Some(old), Some("wuxi-xinwu-wangzhuang")));
    let open: String = server::db::query_scalar("SELECT elder_name FROM orders WHERE id = 'o-old-open'").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(open, "张大爷", "an open order is never anonymised");
    // the plan that ended long ago names nobody (nor does its visit's note); a running one is untouched
    let plans: Vec<(i64, String, String, String)> =
        server::db::query_as("SELECT id, elder_name, elder_phone, json_extract(elder, '$.address_detail') FROM welfare_plans WHERE id IN (901, 902) ORDER BY id")
            .fetch_all(&mut *s.pool.acquire().await.unwrap())
            .await
            .unwrap();
    assert_eq!(plans[0], (901, "（已匿名）901".into(), String::new(), String::new()));
    assert_eq!((plans[1].1.as_str(), plans[1].2.as_str()), ("王奶奶", "13812345679"));
    let note: Option<String> = server::db::query_scalar("SELECT note FROM welfare_visits WHERE plan_id = 901").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!((p.plans_anonymised, note), (1, None));
    // the access log keeps three years; login attempts 30 days; wrong codes a day
    assert_eq!(p.access_log, 1);
    let (log, attempts, codes): (i64, i64, i64) = server::db::query_as(
        "SELECT (SELECT count(*) FROM access_log WHERE device_hash = 'ret-device'), (SELECT count(*) FROM login_attempts WHERE username = 'someone'),
                (SELECT count(*) FROM code_attempts WHERE device_hash = 'ret-device')",
    )
    .fetch_one(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    assert_eq!((log, attempts, codes), (1, 1, 1));
    let again = server::db::places::prune(&s.pool, now).await.unwrap();
    assert_eq!((again.answer_bodies, again.requests_anonymised, again.orders_anonymised, again.plans_anonymised), (0, 0, 0, 0), "nothing twice");
}
