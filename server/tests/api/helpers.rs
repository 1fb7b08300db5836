//! Starts the real server on a random port with a temporary database.


use app::net::client::ApiClient;
use chrono::{DateTime, Utc};
use server::clock::Clock;
use serde_json::{json, Value};
use server::{db, Config};


/// Cloned into concurrent tasks: every clone talks to the same server and database.
#[derive(Clone)]
pub struct TestServer {
    pub base: String,
    pub client: ApiClient,
    pub http: reqwest::Client,
    /// The writer pool (tests change rows through it).
    pub pool: server::db::Pool,
    /// The server's readers.
    pub read: server::db::Pool,
    /// The server's clock: the system's for `start()`, a fixed one for `start_at(t)`.
    pub clock: Clock,
    pub _dir: std::sync::Arc<tempfile::TempDir>,
}

/// The server on the system's clock.
pub async fn start() -> TestServer {
    start_with(Clock::system()).await
}

/// The server with its clock standing at `at` (move it with `s.clock.set(..)`).
pub async fn start_at(at: DateTime<Utc>) -> TestServer {
    start_with(Clock::fixed(at)).await
}

async fn start_with(clock: Clock) -> TestServer {
    start_custom(clock, vec![]).await
}

/// The server with a clock and a list of trusted reverse proxies (`TRUSTED_PROXIES`).
pub async fn start_custom(clock: Clock, trusted_proxies: Vec<std::net::IpAddr>) -> TestServer {
    start_full(clock, trusted_proxies, server::DEFAULT_WRITES_PER_ADDRESS).await
}

/// The server behind a trusted proxy at 127.0.0.1 (so `X-Forwarded-For` names the client),
/// taking `writes_per_address` new anonymous writes per address and minute.
pub async fn start_limited(writes_per_address: i64) -> TestServer {
    start_full(Clock::system(), vec!["127.0.0.1".parse().unwrap()], writes_per_address).await
}

/// Which engine the tests run on: SQLite (a file in a temp dir) unless `TEST_DATABASE=postgres`,
/// then a fresh database on the PostgreSQL cluster at `TEST_PG_URL` (the test command starts a
/// throwaway one), copied from a template migrated and loaded with the sample data once.
pub fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE").is_ok_and(|v| v == "postgres")
}

static TEMPLATE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
static DATABASES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// The URL of a new database for one test.
pub async fn fresh_database(dir: &std::path::Path) -> String {
    if !on_postgres() {
        return format!("sqlite://{}", dir.join("test.db").display());
    }
    use sqlx::Connection;
    let admin = std::env::var("TEST_PG_URL").expect("TEST_DATABASE=postgres needs TEST_PG_URL (scripts/pg-cluster.sh start)");
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
    let run = std::process::id();
    let template = format!("yilao_tpl_{run}");
    TEMPLATE
        .get_or_init(|| async {
            let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::raw_sql(&format!("CREATE DATABASE {template}")).execute(&mut c).await.unwrap();
            let db = db::open_with_sample(&format!("{base}/{template}")).await.unwrap();
            db.write.close().await;
            db.read.close().await;
        })
        .await;
    let name = format!("yilao_t_{run}_{}", DATABASES.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::raw_sql(&format!("CREATE DATABASE {name} TEMPLATE {template}")).execute(&mut c).await.unwrap();
    format!("{base}/{name}")
}

async fn start_full(clock: Clock, trusted_proxies: Vec<std::net::IpAddr>, writes_per_address: i64) -> TestServer {
    // the server's errors and warnings in a failing test's output
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn,sqlx=error,server::site=error".into()))
        .with_test_writer()
        .try_init();
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(dir.path()).await;
    let db = db::open_with_sample(&url).await.unwrap();
    let (pool, read) = (db.write.clone(), db.read.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let cfg = Config { addr, site_root: dir.path().join("site").display().to_string(), clock: clock.clone(), sample_logins: true, sample_data: true, trusted_proxies, writes_per_address, writes_per_device: server::DEFAULT_WRITES_PER_DEVICE };
    let app = server::router(db, &cfg);
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap()
    });
    let base = format!("http://{addr}");
    let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).build().unwrap();
    TestServer { client: ApiClient::new(&base), base, http, pool, read, clock, _dir: std::sync::Arc::new(dir) }
}


/// The device key the tests' tablets send.
pub const DEVICE: &str = "tablet-key-0123456789abcdef";

/// A signed-in account: its session cookie, CSRF token and the login answer.
#[derive(Clone)]
pub struct Login {
    pub cookie: String,
    pub csrf: String,
    pub body: Value,
}

impl TestServer {
    /// Signs in: the status, the session (on 200), the body and the raw Set-Cookie header.
    pub async fn login(&self, username: &str, password: &str) -> (u16, Option<Login>, Value, Option<String>) {
        let res = self
            .http
            .post(format!("{}/api/v1/auth/login", self.base))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let set_cookie = res.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_string());
        let body: Value = res.json().await.unwrap();
        let login = set_cookie.as_ref().filter(|_| status == 200).map(|c| Login {
            cookie: c.split(';').next().unwrap().to_string(),
            csrf: body["csrf_token"].as_str().unwrap().to_string(),
            body: body.clone(),
        });
        (status, login, body, set_cookie)
    }

    /// A GET, signed in or not: status and JSON body.
    pub async fn get(&self, l: Option<&Login>, path: &str) -> (u16, Value) {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(l) = l {
            req = req.header("Cookie", &l.cookie);
        }
        let res = req.send().await.unwrap();
        (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
    }

    /// A write with a device key and an Idempotency-Key, signed in (cookie + CSRF) or not.
    pub async fn write(&self, l: Option<&Login>, method: &str, path: &str, key: &str, body: Value) -> (u16, Value) {
        self.write_from(DEVICE, l, method, path, key, body).await
    }

    /// A write from another device than the tests' tablet (a family's phone).
    pub async fn write_from(&self, device: &str, l: Option<&Login>, method: &str, path: &str, key: &str, body: Value) -> (u16, Value) {
        let res = self.send_write(device, l, method, path, key, body).await;
        (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
    }

    /// The same write, answered as it came (for its headers).
    pub async fn send_write(&self, device: &str, l: Option<&Login>, method: &str, path: &str, key: &str, body: Value) -> reqwest::Response {
        let mut req = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .header("X-Device-Key", device)
            .header("Idempotency-Key", key)
            .json(&body);
        if let Some(l) = l {
            req = req.header("Cookie", &l.cookie).header("X-CSRF-Token", &l.csrf);
        }
        req.send().await.unwrap()
    }
}

/// The fields a 422 names, in order.
pub fn fields(body: &Value) -> Vec<String> {
    body["fields"].as_array().map(|a| a.iter().map(|f| f["field"].as_str().unwrap().to_string()).collect()).unwrap_or_default()
}

/// The n-th client-made id of a test (a UUID, as the phones make them).
pub fn uuid(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

/// An older person in 旺庄 (sample street) as a family's phone describes them, without
/// hardship categories.
pub fn elder(name: &str, age: u8, lives_alone: bool) -> Value {
    elder_with_categories(name, age, lives_alone, json!([]))
}

/// The same with hardship categories (consented to when there are any).
pub fn elder_with_categories(name: &str, age: u8, lives_alone: bool, categories: Value) -> Value {
    json!({
        "name": name, "age": age, "street_id": "wuxi-xinwu-wangzhuang", "address_detail": "旺庄路 1 号 2 栋 301",
        "lat": 31.575, "lng": 120.358, "phone": "13812345678", "lives_alone": lives_alone, "empty_nest": false,
        "categories": categories, "consent_categories": categories.as_array().is_some_and(|c| !c.is_empty())
    })
}

/// The answers of concurrent tasks, in the order the tasks were started.
pub async fn answers<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// How many answers are `ok`; every other one must be `refused` (anything else fails the test).
pub fn tally(statuses: impl IntoIterator<Item = u16>, ok: u16, refused: u16) -> usize {
    statuses
        .into_iter()
        .filter(|&st| {
            assert!(st == ok || st == refused, "unexpected {st}");
            st == ok
        })
        .count()
}

/// Of concurrent bookings of one timeslot, how many were taken (201); every other one must
/// be refused as full, naming the timeslot.
pub fn booked(answers: &[(u16, Value)]) -> usize {
    for (st, body) in answers.iter().filter(|(st, _)| *st != 201) {
        assert_eq!((*st, &body["fields"][0]["message"]), (422, &json!("这个时段已约满，请选择其他时段")), "{body}");
    }
    answers.iter().filter(|(st, _)| *st == 201).count()
}

/// A USCC with a correct GB 32100 check character.
pub fn uscc(body17: &str) -> String {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const W: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let sum: u32 = body17.bytes().zip(W).map(|(b, w)| CHARS.iter().position(|&c| c == b).unwrap() as u32 * w).sum();
    format!("{body17}{}", CHARS[((31 - sum % 31) % 31) as usize] as char)
}
