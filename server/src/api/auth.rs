//! Accounts and sessions: argon2id password hashes, server-side sessions in an
//! HttpOnly, SameSite=Strict cookie (Secure over HTTPS), a CSRF token that every
//! cookie-authenticated write must echo in `X-CSRF-Token`, and login throttling per
//! account (a growing delay, then a lock) and per address × account.

use crate::http::device::sha256_hex;
use crate::http::error::{AppError, FieldErrors};
use crate::db;
use crate::AppState;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::RngCore;
use std::net::SocketAddr;

/// The session cookie over plain HTTP (a local or test server) …
pub const COOKIE: &str = "yl_session";
/// … and over HTTPS: the `__Host-` prefix makes the browser refuse it unless it is Secure,
/// for this host only (no Domain) and for every path, so no sibling subdomain can plant one.
pub const HOST_COOKIE: &str = "__Host-yl_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
const SESSION_DAYS: i64 = 14;
/// Failed logins within this window count towards a lock.
const WINDOW_S: i64 = 15 * 60;

pub use app::model::{LoginRequest, LoginResponse, Role, User};

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt).map_err(|e| anyhow::anyhow!("{e}"))?.to_string())
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// How many accounts exist (a new database has none until `create-admin`).
pub async fn account_count(pool: &crate::db::Pool) -> Result<i64, AppError> {
    db::sessions::account_count(pool).await
}

/// Whether the request reached the proxy in front of us over HTTPS.
pub(crate) fn is_https(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https")
}

/// The session token: the `__Host-` cookie, or — only over plain HTTP — the plain one.
fn cookie_value(headers: &HeaderMap) -> Option<String> {
    let https = is_https(headers);
    let pairs: Vec<(String, String)> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect();
    let find = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    find(HOST_COOKIE).or_else(|| if https { None } else { find(COOKIE) })
}

/// The signed-in user of a request. Rejects with 401 without a live session, and
/// with 403 when a write does not carry the session's CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    pub user: User,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for Session {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let token = cookie_value(&parts.headers).ok_or_else(|| AppError::Unauthorized("请先登录".into()))?;
        let token_hash = sha256_hex(token.as_bytes());
        let row = db::sessions::session_user(&st.read, &token_hash, st.clock.unix()).await?;
        let (csrf, user) = row.ok_or_else(|| AppError::Unauthorized("登录已过期，请重新登录".into()))?;
        if parts.method != Method::GET && parts.method != Method::HEAD {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            if sent != csrf {
                return Err(AppError::Forbidden("无法确认请求来自本站（缺少或错误的 X-CSRF-Token），请刷新页面后重试".into()));
            }
        }
        Ok(Session { user, token_hash })
    }
}

/// The client's address: the peer's, or — when the peer is one of the `TRUSTED_PROXIES` — the
/// nearest address in `X-Forwarded-For` that is not a trusted proxy. A client cannot choose
/// its address by sending the header itself.
pub(crate) fn client_address(peer: Option<std::net::IpAddr>, headers: &HeaderMap, trusted: &[std::net::IpAddr]) -> String {
    let Some(peer) = peer else { return "unknown".into() };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let chain: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    chain.iter().rev().find(|a| !trusted.contains(a)).unwrap_or(&peer).to_string()
}

pub(crate) fn peer_of(ext: &axum::http::Extensions) -> Option<std::net::IpAddr> {
    ext.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

/// Failures of one account in a row (since its last success, within the window): from the
/// 3rd the next try must wait 1, 2, 4 … s after the last; at 10 the account is locked for the
/// window, and whoever tries it (its owner too) is told so.
const DELAY_FROM: i64 = 3;
const LOCK_AT: i64 = 10;
/// Failures of one address for one account: a stranger on a shared address (a carrier's
/// NAT, the office's proxy) locks only their own guesses, never the other users there.
const MAX_FAILS_PER_PAIR: i64 = 5;

/// Whether this try may go ahead now (in the write transaction that then records it).
async fn throttle(tx: &mut crate::db::Conn, now: i64, username: &str, address: &str) -> Result<(), AppError> {
    // the failures are counted, then this attempt is recorded: one at a time per account
    crate::db::engine::lock_key(tx, &format!("login:{username}")).await?;
    let since = now - WINDOW_S;
    let (n, last) = db::sessions::failures(tx, username, since).await?;
    let last = last.unwrap_or(now);
    if n >= LOCK_AT {
        let wait = (last + WINDOW_S - now).max(1);
        return Err(AppError::TooManyRequests(
            format!("这个账号连续 {n} 次密码错误，已锁定，请 {} 分钟后再试；如果不是您本人操作，请联系管理员", (wait + 59) / 60),
            wait as u32,
        ));
    }
    if n >= DELAY_FROM {
        let wait = (last + (1i64 << (n - DELAY_FROM).min(10)) - now).max(0);
        if wait > 0 {
            return Err(AppError::TooManyRequests(format!("密码错误次数较多，请 {wait} 秒后再试"), wait as u32));
        }
    }
    let (pair, oldest) = db::sessions::failures_from(tx, username, address, since).await?;
    if pair >= MAX_FAILS_PER_PAIR {
        let wait = (oldest.unwrap_or(now) + WINDOW_S - now).max(1);
        return Err(AppError::TooManyRequests(
            format!("登录失败次数过多，已暂时锁定，请 {} 分钟后再试", (wait + 59) / 60),
            wait as u32,
        ));
    }
    Ok(())
}

/// A hash to verify against when the username does not exist, so both take as long.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("no such account").unwrap_or_default())
}

/// `POST /api/v1/auth/login`
#[utoipa::path(
    post, path = "/api/v1/auth/login", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = app::model::ErrorBody), (status = 403, body = app::model::ErrorBody),
        (status = 429, description = "Too many failures: wait `Retry-After` seconds", body = app::model::ErrorBody)),
    tag = "auth"
)]
pub async fn login(State(st): State<AppState>, req: axum::extract::Request) -> Result<Response, AppError> {
    let address = client_address(peer_of(req.extensions()), req.headers(), &st.trusted_proxies);
    let https = is_https(req.headers()) || req.uri().scheme_str() == Some("https");
    let bytes = axum::body::to_bytes(req.into_body(), crate::http::MAX_BODY).await.map_err(|_| AppError::TooLarge)?;
    let body: LoginRequest = serde_json::from_slice(&bytes).map_err(|_| {
        AppError::field("username", "请填写用户名和密码")
    })?;
    let mut errors = FieldErrors::new();
    if body.username.trim().is_empty() || body.username.chars().count() > 64 {
        errors.push("username", "请填写用户名（最多 64 个字符）");
    }
    if body.password.is_empty() || body.password.chars().count() > 128 {
        errors.push("password", "请填写密码（最多 128 个字符）");
    }
    errors.into_result()?;
    let username = body.username.trim().to_string();
    let now = st.clock.unix();
    // The check and the record are one write transaction: concurrent guesses cannot all
    // pass the check before any of them is counted. The try counts as a failure until the
    // password is verified.
    let mut tx = st.write.begin().await?;
    throttle(&mut tx, now, &username, &address).await?;
    let attempt = db::sessions::record_attempt(&mut tx, &username, &address, now).await?;
    let row = db::sessions::credentials(&mut tx, &username).await?;
    tx.commit().await?;
    // argon2 takes ~50 ms of CPU: on the blocking pool, never on the async workers.
    let hash = row.as_ref().map(|r| r.0.clone()).unwrap_or_else(|| dummy_hash().to_string());
    let password = body.password.clone();
    let verified = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.map_err(|e| AppError::Internal(e.into()))?;
    let Some((_, user_id, disabled, is_sample)) = row.filter(|_| verified) else {
        return Err(AppError::Unauthorized("用户名或密码错误".into()));
    };
    if disabled.is_some() {
        return Err(AppError::Forbidden("这个账号已停用，请联系平台管理员".into()));
    }
    if is_sample && !st.sample_logins {
        return Err(AppError::Forbidden("示例账号只能在示例模式下登录（server serve --sample），真实数据请使用管理员创建的账号".into()));
    }
    let token = random_hex(32);
    let csrf = random_hex(16);
    let mut tx = st.write.begin().await?;
    db::sessions::attempt_succeeded(&mut tx, attempt).await?;
    db::sessions::create_session(&mut tx, &sha256_hex(token.as_bytes()), user_id, &csrf, now, now + SESSION_DAYS * 86_400).await?;
    tx.commit().await?;
    let user = user_by_id(&st.read, user_id).await?;
    let cookie = if https {
        format!("{HOST_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}; Secure", SESSION_DAYS * 86_400)
    } else {
        format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}", SESSION_DAYS * 86_400)
    };
    let mut res = (StatusCode::OK, Json(LoginResponse { user, csrf_token: csrf })).into_response();
    res.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.into()))?);
    Ok(res)
}

pub async fn user_by_id(pool: &crate::db::Pool, id: i64) -> Result<User, AppError> {
    db::sessions::user_by_id(pool, id).await
}

/// `POST /api/v1/auth/logout`: revokes the session server-side.
#[utoipa::path(post, path = "/api/v1/auth/logout", responses((status = 204), (status = 401, body = app::model::ErrorBody)), tag = "auth")]
pub async fn logout(State(st): State<AppState>, headers: HeaderMap, session: Session) -> Result<Response, AppError> {
    db::sessions::revoke(&st.write, &session.token_hash, st.clock.unix()).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(if is_https(&headers) {
            "__Host-yl_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
        } else {
            "yl_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
        }),
    );
    Ok(res)
}

/// `GET /api/v1/auth/me`
#[utoipa::path(get, path = "/api/v1/auth/me", responses((status = 200, body = User), (status = 401, body = app::model::ErrorBody)), tag = "auth")]
pub async fn me(session: Session) -> Json<User> {
    Json(session.user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("示例密码 123").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("示例密码 123", &h));
        assert!(!verify_password("示例密码 124", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn reads_the_session_cookie() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; yl_session=abc; b=2"));
        assert_eq!(cookie_value(&h).as_deref(), Some("abc"));
        h.insert(header::COOKIE, HeaderValue::from_static("yl_sessionx=1"));
        assert_eq!(cookie_value(&h), None);
        // over HTTPS only the __Host- cookie counts (a plain one could have been planted)
        h.insert(header::COOKIE, HeaderValue::from_static("yl_session=planted; __Host-yl_session=real"));
        assert_eq!(cookie_value(&h).as_deref(), Some("real"));
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        h.insert(header::COOKIE, HeaderValue::from_static("yl_session=planted"));
        assert_eq!(cookie_value(&h), None);
    }
}

crate::api::resource_routes!(login; logout; me);
