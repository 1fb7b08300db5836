//! The 一老一小 server: the JSON API, server-side rendering of the Leptos app,
//! static assets, and the data layer over SQLite or PostgreSQL (`db`).

pub mod api;
pub mod clock;
pub mod db;
pub mod http;
pub mod import;
pub mod open_data;
pub mod report;
pub mod site;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;
use std::sync::Arc;

pub use http::router;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// Readers (query-only): every GET, the session check, SSR.
    pub read: crate::db::Pool,
    /// The one writer: every write transaction.
    #[from_ref(skip)]
    pub write: crate::db::Pool,
    #[from_ref(skip)]
    pub clock: clock::Clock,
    #[from_ref(skip)]
    pub sample_logins: bool,
    #[from_ref(skip)]
    pub trusted_proxies: Arc<Vec<std::net::IpAddr>>,
    #[from_ref(skip)]
    pub writes_per_address: i64,
    #[from_ref(skip)]
    pub writes_per_device: i64,
}

pub struct Config {
    pub addr: SocketAddr,
    /// Where the built site is: `pkg/` (hashed JS, WASM, CSS) and the public files.
    pub site_root: String,
    /// What every time rule reads "now" from (the system's time outside tests).
    pub clock: clock::Clock,
    /// Whether the sample accounts may sign in (`serve --sample` only).
    pub sample_logins: bool,
    /// Whether the database holds sample (示例) data: every page then says so (checked at
    /// start; `server seed --remove-sample` takes effect at the next start).
    pub sample_data: bool,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`, comma-separated).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// New anonymous writes one client address may make in a minute, all its devices together
    /// (`ANON_WRITES_PER_ADDRESS_PER_MINUTE`, default `DEFAULT_WRITES_PER_ADDRESS`).
    pub writes_per_address: i64,
    /// New writes one anonymous device may make in a minute (`ANON_WRITES_PER_DEVICE_PER_MINUTE`,
    /// default `DEFAULT_WRITES_PER_DEVICE`).
    pub writes_per_device: i64,
}

/// A family's phone writes at a person's pace.
pub const DEFAULT_WRITES_PER_DEVICE: i64 = 30;

/// Many families share one address behind a carrier's NAT, and each writes a few times a
/// day; a script booking out timeslots under fresh device keys writes many times a second.
pub const DEFAULT_WRITES_PER_ADDRESS: i64 = 240;

impl Config {
    /// `LEPTOS_SITE_ADDR` (default 127.0.0.1:3000) and `LEPTOS_SITE_ROOT` (default `target/site`).
    pub fn from_env() -> anyhow::Result<Self> {
        let addr = std::env::var("LEPTOS_SITE_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
        let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
        Ok(Self {
            addr: addr.parse().map_err(|e| anyhow::anyhow!("LEPTOS_SITE_ADDR={addr}: {e}"))?,
            site_root,
            clock: clock::Clock::system(),
            sample_logins: false,
            sample_data: false,
            trusted_proxies: trusted_proxies(&std::env::var("TRUSTED_PROXIES").unwrap_or_default())?,
            writes_per_address: positive_env("ANON_WRITES_PER_ADDRESS_PER_MINUTE", DEFAULT_WRITES_PER_ADDRESS)?,
            writes_per_device: positive_env("ANON_WRITES_PER_DEVICE_PER_MINUTE", DEFAULT_WRITES_PER_DEVICE)?,
        })
    }
}

/// A positive whole number from the environment, or the default; anything else stops the start.
fn positive_env(name: &str, default: i64) -> anyhow::Result<i64> {
    match std::env::var(name) {
        Ok(v) => v.trim().parse().ok().filter(|n: &i64| *n > 0).ok_or_else(|| anyhow::anyhow!("{name}={v}: a positive whole number")),
        Err(_) => Ok(default),
    }
}

/// `TRUSTED_PROXIES`: "10.0.0.1, 10.0.0.2" → addresses; a bad entry stops the start.
pub fn trusted_proxies(list: &str) -> anyhow::Result<Vec<std::net::IpAddr>> {
    list.split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| a.parse().map_err(|e| anyhow::anyhow!("TRUSTED_PROXIES: {a}: {e}")))
        .collect()
}

/// Serves until Ctrl-C / SIGTERM.
pub async fn serve(db: db::Db, cfg: Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(cfg.addr).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    db::welfare::spawn_generator(db.read.clone(), db.write.clone(), cfg.clock.clone());
    axum::serve(listener, http::router(db, &cfg).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
