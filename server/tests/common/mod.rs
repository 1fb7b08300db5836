//! Starts the real server on a random port with a temporary database.
#![allow(dead_code)]

use app::client::ApiClient;
use server::{db, Config};
use sqlx::SqlitePool;

pub struct TestServer {
    pub base: String,
    pub client: ApiClient,
    pub http: reqwest::Client,
    pub pool: SqlitePool,
    pub _dir: tempfile::TempDir,
}

pub async fn start() -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let pool = db::open_with_sample(&url).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let cfg = Config { addr, site_root: dir.path().join("site").display().to_string() };
    let app = server::router(pool.clone(), &cfg);
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap()
    });
    let base = format!("http://{addr}");
    TestServer { client: ApiClient::new(&base), base, http: reqwest::Client::new(), pool, _dir: dir }
}

