//! The whole application as one router (health, the API, server-rendered pages, the built
//! bundle), and what every request passes through before and after its handler: the one error type, the
//! extractors (device, session, ids), the idempotent-write runner, access rules, the OpenAPI
//! contract of those layers.

pub mod access;
pub mod audit;
pub mod device;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod write;

use crate::db::places as repo;
use crate::{api, clock, db, site, AppState, Config};
use app::net::client::ClientError;
use app::net::data::{Backend, BoxFuture, DataSource};
use app::rules::query::PlaceQuery;
use app::model::{AreasResponse, PlaceDetail, PlacesResponse};
use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use base64::Engine as _;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sha2::Digest as _;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// A raw query string as (name, value) pairs; the parsers (e.g. `app::rules::query::PlaceQuery::parse`)
/// report every bad field themselves, in Chinese.
pub fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect()
}

/// Server-side rendering reads the database directly, with the API's own rules.
struct DbBackend(crate::db::Pool, clock::Clock);

/// The app's routes, listed once per process. Listing them renders the app with
/// resource loading switched off through a process-wide flag in Leptos
/// (`SuppressResourceLoad`); doing that again while another router in the same
/// process is rendering a page would leave that page's data pending forever. The
/// server builds one router, but the tests build one per test, concurrently — the
/// hang that happened 1 run in ~50 before this.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::app::App)).clone()
}

/// The whole application as one axum router.
pub fn router(db: db::Db, cfg: &Config) -> Router {
    let output_name = site::output_name(&cfg.site_root);
    let leptos_options = LeptosOptions::builder()
        .output_name(output_name)
        .site_root(cfg.site_root.clone())
        .site_pkg_dir("pkg")
        .site_addr(cfg.addr)
        .build();
    let state = AppState { leptos_options: leptos_options.clone(), read: db.read.clone(), write: db.write.clone(), clock: cfg.clock.clone(), sample_logins: cfg.sample_logins, trusted_proxies: Arc::new(cfg.trusted_proxies.clone()), writes_per_address: cfg.writes_per_address, writes_per_device: cfg.writes_per_device };
    let data = DataSource::new(Arc::new(DbBackend(db.read, cfg.clock.clone())));
    let sample_site = app::app::SampleSite(cfg.sample_data);
    let context = move || {
        provide_context(data.clone());
        provide_context(sample_site);
    };
    let routes = route_list();
    let shell_options = leptos_options.clone();

    // Build assets carry a content hash in their names: cache them for a year.
    let pkg = Router::new()
        .fallback_service(ServeDir::new(format!("{}/pkg", cfg.site_root)).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ));

    let shell_html = app::app::offline_shell_html(&leptos_options, app::app::SampleSite(cfg.sample_data));
    // The offline shell is a fixed page kept by the service worker: its one inline script is
    // allowed by its hash rather than a nonce.
    let shell_csp = HeaderValue::from_str(&app::app::content_security_policy(&format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(app::app::offline_shell_script(&leptos_options)))
    )))
    .expect("an ASCII policy");
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route(
            "/offline-shell",
            get(move || {
                let (html, csp) = (shell_html.clone(), shell_csp.clone());
                async move {
                    ([(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")), (header::CONTENT_SECURITY_POLICY, csp)], axum::response::Html(html))
                }
            }),
        )
        .merge(api::router())
        .leptos_routes_with_context(&state, routes, context.clone(), move || app::app::shell(shell_options.clone()))
        .nest("/pkg", pkg.with_state(()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, app::app::shell))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(request_timeout))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn(refuse_large_bodies))
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

/// The largest request body any endpoint takes (the biggest, an order with its profile, is
/// a few KB).
pub const MAX_BODY: usize = 64 * 1024;

/// A body announced over `MAX_BODY` is refused before it is read, with the JSON error body
/// (a chunked body without a length is cut at the limit by `DefaultBodyLimit`).
/// The one exception is an admin's registry file (`PUT /api/v1/admin/imports/{id}`, up to
/// `import::MAX_FILE`), which its handler reads with that limit.
async fn refuse_large_bodies(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let announced = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    let upload = req.method() == axum::http::Method::PUT && req.uri().path().starts_with("/api/v1/admin/imports/");
    let limit = if upload { crate::import::MAX_FILE } else { MAX_BODY };
    if announced.is_some_and(|n| n > limit) {
        let e = if upload { error::AppError::FileTooLarge } else { error::AppError::TooLarge };
        return axum::response::IntoResponse::into_response(e);
    }
    next.run(req).await
}

/// The longest any request may take. Reads take milliseconds and a write waits at most
/// `db::ACQUIRE_TIMEOUT` for the writer; past this something is wrong, and the client is told
/// to come back (503 + `Retry-After`) before its own timeout — a write stopped here is either
/// rolled back or, if its commit went through, answered from the idempotency record on retry.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(8);

async fn request_timeout(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(res) => res,
        Err(_) => axum::response::IntoResponse::into_response(error::AppError::TimedOut),
    }
}

/// Every response but a rendered page: only this origin's scripts (no inline script at all),
/// styles and API (WASM needs `wasm-unsafe-eval`), never framed, no referrer to other sites.
/// Pages carry their own policy with the nonce of their inline scripts
/// (`app::app::content_security_policy`); HSTS once the request came over HTTPS.
static CSP: std::sync::LazyLock<HeaderValue> =
    std::sync::LazyLock::new(|| HeaderValue::from_str(&app::app::content_security_policy("")).expect("an ASCII policy"));

async fn security_headers(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let https = req.headers().get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, CSP.clone());
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if https {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    res
}

/// Ready when both pools answer: a reader and the writer each run a query (each waits at
/// most `db::ACQUIRE_TIMEOUT`, then 503 with the JSON error). The answer says which database
/// serves, its schema version and the pools' state. `/healthz` says only that the process serves.
async fn readyz(axum::extract::State(st): axum::extract::State<AppState>) -> Result<axum::Json<serde_json::Value>, error::AppError> {
    let db = crate::db::access::ping(&st.read, &st.write).await?;
    Ok(axum::Json(serde_json::json!({ "status": "ready", "database": db })))
}

impl Backend for DbBackend {
    fn places(&self, q: PlaceQuery) -> BoxFuture<Result<PlacesResponse, ClientError>> {
        let db = self.0.clone();
        Box::pin(async move { repo::search_places(&db, &q).await.map_err(|e| e.into_client_error()) })
    }
    fn place(&self, id: i64) -> BoxFuture<Result<PlaceDetail, ClientError>> {
        let db = self.0.clone();
        Box::pin(async move {
            match repo::place_detail(&db, id).await {
                Ok(Some(p)) => Ok(p),
                Ok(None) => Err(api::places::not_found_place().into_client_error()),
                Err(e) => Err(e.into_client_error()),
            }
        })
    }
    fn areas(&self) -> BoxFuture<Result<AreasResponse, ClientError>> {
        let db = self.0.clone();
        Box::pin(async move { repo::areas(&db).await.map_err(|e| e.into_client_error()) })
    }
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.1.now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt as _;

    #[tokio::test(start_paused = true)]
    async fn a_request_past_the_timeout_is_answered_503_with_retry_after() {
        let app: Router = Router::new()
            .route("/slow", get(|| async {
                tokio::time::sleep(REQUEST_TIMEOUT * 2).await;
                "late"
            }))
            .route("/quick", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn(request_timeout));
        let res = app.clone().oneshot(Request::get("/slow").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(res.headers()[header::RETRY_AFTER], "2");
        let body = axum::body::to_bytes(res.into_body(), 4096).await.unwrap();
        let body: app::model::ErrorBody = serde_json::from_slice(&body).unwrap();
        assert_eq!(body.error, "unavailable");
        assert!(body.message.contains("自动重发"), "{}", body.message);
        let res = app.oneshot(Request::get("/quick").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
}
