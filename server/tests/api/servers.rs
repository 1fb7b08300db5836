//! Several servers on one PostgreSQL database (issue 17): three real server processes behind
//! no balancer, each request sent to one of them in turn. Runs with `TEST_DATABASE=postgres`
//! (SQLite is one process's file).

use crate::helpers::{answers, fresh_database, on_postgres, DEVICE};
use serde_json::{json, Value};
use server::db::sample::SAMPLE_PASSWORD;
use std::time::Duration;

/// A server process on a free port, killed when dropped; its log kept in a file.
struct Server {
    child: std::process::Child,
    base: String,
    log: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(url: &str, dir: &std::path::Path, n: usize) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log = dir.join(format!("server-{n}.log"));
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["serve", "--sample"])
        .env("DATABASE_URL", url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", dir.join("no-site"))
        .env("RUST_LOG", "info,sqlx=warn,server::site=error")
        .env("NO_COLOR", "1")
        .env("PG_CONNECTIONS", "8")
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    Server { child, base: format!("http://127.0.0.1:{port}"), log }
}

async fn ready(http: &reqwest::Client, s: &Server) {
    for _ in 0..600 {
        if let Ok(r) = http.get(format!("{}/readyz", s.base)).send().await {
            if r.status() == 200 {
                let body: Value = r.json().await.unwrap();
                assert_eq!(body["database"]["engine"], "postgresql", "{body}");
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("server at {} did not become ready: {}", s.base, std::fs::read_to_string(&s.log).unwrap_or_default());
}

async fn write(http: &reqwest::Client, base: &str, device: &str, key: &str, login: Option<(&str, &str)>, path: &str, body: Value) -> (u16, bool, Value) {
    let mut req = http.post(format!("{base}{path}")).header("X-Device-Key", device).header("Idempotency-Key", key).json(&body);
    if let Some((cookie, csrf)) = login {
        req = req.header("Cookie", cookie).header("X-CSRF-Token", csrf);
    }
    let res = req.send().await.unwrap();
    let replayed = res.headers().get("idempotent-replayed").is_some();
    (res.status().as_u16(), replayed, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn three_servers_on_one_postgresql_write_once_take_exactly_the_vacancies_and_run_the_weekly_job_once() {
    if !on_postgres() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(dir.path()).await;
    let db = server::db::open(&url).await.unwrap();
    let mut conn = db.acquire().await.unwrap();
    // a running weekly 探访 plan whose weeks the servers' hourly job makes when they start
    let provider: i64 = server::db::query_scalar("SELECT id FROM providers ORDER BY id LIMIT 1").fetch_one(&mut *conn).await.unwrap();
    server::db::query("INSERT INTO devices (key_hash, created_at, last_seen_at) VALUES ('three-servers', 0, 0) ON CONFLICT DO NOTHING")
        .execute(&mut *conn)
        .await
        .unwrap();
    server::db::query(
        "INSERT INTO welfare_plans (device_hash, elder_name, elder_phone, elder, reason, provider_id, started_on, created_at, updated_at)
         VALUES ('three-servers', '王奶奶', '13812345670', '{}', '独居', ?, '2026-01-05', 0, 0)",
    )
    .bind(provider)
    .execute(&mut *conn)
    .await
    .unwrap();
    server::db::query("DELETE FROM welfare_visits").execute(&mut *conn).await.unwrap();
    drop(conn);

    let servers: Vec<Server> = (0..3).map(|n| start_server(&url, dir.path(), n)).collect();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
    for s in &servers {
        ready(&http, s).await;
    }
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();

    // 1. the same Idempotency-Key sent to the three servers at once: one row, one answer
    let place: i64 = server::db::query_scalar("SELECT id FROM places ORDER BY id LIMIT 1").fetch_one(&mut *db.acquire().await.unwrap()).await.unwrap();
    let sends = bases.iter().map(|b| {
        let (http, b) = (http.clone(), b.clone());
        tokio::spawn(async move { write(&http, &b, "three-servers-phone-01234567", "one-key-three-servers", None, "/api/v1/favorites", json!({ "place_id": place })).await })
    });
    let sent: Vec<(u16, bool, Value)> = answers(sends.collect()).await;
    assert!(sent.iter().all(|a| a.0 == 201), "{sent:?}");
    assert_eq!(sent.iter().filter(|a| !a.1).count(), 1, "one server wrote, the others replayed: {sent:?}");
    assert!(sent.windows(2).all(|w| w[0].2 == w[1].2), "the same answer from each: {sent:?}");
    let rows: i64 = server::db::query_scalar("SELECT count(*) FROM favorites WHERE place_id = ? AND device_hash IN (SELECT device_hash FROM idempotency_keys WHERE key = 'one-key-three-servers')")
        .bind(place)
        .fetch_one(&mut *db.acquire().await.unwrap())
        .await
        .unwrap();
    assert_eq!(rows, 1);

    // 2. 100 concurrent takes of a class's 5 vacancies, spread over the three servers, from
    // ten tablets signed in as the centre's operator (ten sessions: nothing but the class
    // itself makes them wait for each other)
    let mut sessions = Vec::new();
    for i in 0..10 {
        let res = http
            .post(format!("{}/api/v1/auth/login", bases[i % 3]))
            .json(&json!({ "username": "op-feiqitu", "password": SAMPLE_PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
        let csrf = res.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_string();
        sessions.push((cookie, csrf));
    }
    let class: i64 = server::db::query_scalar(
        "SELECT c.id FROM classes c JOIN places p ON p.id = c.place_id JOIN users u ON u.organisation_id = p.organisation_id
          WHERE u.username = 'op-feiqitu' AND c.capacity >= 6 ORDER BY c.id LIMIT 1",
    )
    .fetch_one(&mut *db.acquire().await.unwrap())
    .await
    .unwrap();
    server::db::query("UPDATE classes SET vacancies = 5, enrolled = capacity - 6 WHERE id = ?").bind(class).execute(&mut *db.acquire().await.unwrap()).await.unwrap();
    let takes = (0..100).map(|i| {
        let (http, b, (cookie, csrf)) = (http.clone(), bases[i % 3].clone(), sessions[i % 10].clone());
        tokio::spawn(async move {
            let device = format!("{DEVICE}-{:03}", i % 10);
            let path = format!("/api/v1/operator/classes/{class}/vacancies");
            write(&http, &b, &device, &format!("take-{i:03}"), Some((&cookie, &csrf)), &path, json!({ "delta": -1 })).await
        })
    });
    let taken_answers: Vec<(u16, bool, Value)> = answers(takes.collect()).await;
    let taken = taken_answers.iter().filter(|a| a.0 == 200).count();
    let refused = taken_answers.iter().filter(|a| a.0 == 409).count();
    assert_eq!((taken, refused), (5, 95), "{:?}", taken_answers.iter().map(|a| a.0).collect::<Vec<_>>());
    let left: i64 = server::db::query_scalar("SELECT vacancies FROM classes WHERE id = ?").bind(class).fetch_one(&mut *db.acquire().await.unwrap()).await.unwrap();
    assert_eq!(left, 0);

    // 3. the weekly generator ran in all three at start: one visit per plan per week, made by
    // one server (the others found the job taken, or nothing left to make)
    let doubled: i64 = server::db::query_scalar("SELECT count(*) FROM (SELECT plan_id, week_start FROM welfare_visits GROUP BY plan_id, week_start HAVING count(*) > 1) AS d")
        .fetch_one(&mut *db.acquire().await.unwrap())
        .await
        .unwrap();
    assert_eq!(doubled, 0);
    let weeks: i64 = server::db::query_scalar("SELECT count(*) FROM welfare_visits v JOIN welfare_plans w ON w.id = v.plan_id WHERE w.device_hash = 'three-servers'")
        .fetch_one(&mut *db.acquire().await.unwrap())
        .await
        .unwrap();
    assert!(weeks >= 1, "this week's visit was made");
    drop(servers);
    let made: Vec<String> = (0..3)
        .map(|n| std::fs::read_to_string(dir.path().join(format!("server-{n}.log"))).unwrap())
        .flat_map(|log| log.lines().filter(|l| l.contains("weekly 探访")).map(String::from).collect::<Vec<_>>())
        .collect();
    assert_eq!(made.len(), 1, "one server made the weeks: {made:?}");
    db.close().await;
}
