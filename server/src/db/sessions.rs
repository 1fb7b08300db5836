//! Accounts' sign-in: sessions, login attempts, the user of a session (the SQL behind
//! `api::auth`; the rules — lockouts, cookies, CSRF — stay there).

use crate::http::error::AppError;
use app::model::{Role, User};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    organisation_id: Option<i64>,
    district_id: Option<String>,
    is_sample: bool,
    carer_id: Option<i64>,
}

impl UserRow {
    fn into_user(self) -> Result<User, AppError> {
        Ok(User {
            id: self.id,
            role: Role::from_code(&self.role).ok_or_else(|| AppError::Internal(anyhow::anyhow!("bad role {}", self.role)))?,
            username: self.username,
            display_name: self.display_name,
            organisation_id: self.organisation_id,
            district_id: self.district_id,
            is_sample: self.is_sample,
            carer_id: self.carer_id,
        })
    }
}

const USER_COLS: &str = "u.id, u.username, u.display_name, u.role, u.organisation_id, u.district_id, u.is_sample, u.carer_id";

/// How many accounts exist (a new database has none until `create-admin`).
pub async fn account_count(pool: &crate::db::Pool) -> Result<i64, AppError> {
    Ok(crate::db::query_scalar("SELECT count(*) FROM users").fetch_one(&mut *pool.acquire().await?).await?)
}

/// The live session with this token hash at `now`: its CSRF token and its (enabled) user.
pub async fn session_user(read: &crate::db::Pool, token_hash: &str, now: i64) -> Result<Option<(String, User)>, AppError> {
    let row = crate::db::query_as::<(String, i64, String, String, String, Option<i64>, Option<String>, bool, Option<i64>)>(&format!(
        "SELECT s.csrf_token, {USER_COLS} FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.disabled_at IS NULL"
    ))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *read.acquire().await?)
    .await?;
    match row {
        None => Ok(None),
        Some((csrf, id, username, display_name, role, organisation_id, district_id, is_sample, carer_id)) => {
            let user = UserRow { id, username, display_name, role, organisation_id, district_id, is_sample, carer_id }.into_user()?;
            Ok(Some((csrf, user)))
        }
    }
}

/// Failed attempts on `username` after `since` and since its last success: how many, the latest.
pub async fn failures(tx: &mut crate::db::Conn, username: &str, since: i64) -> sqlx::Result<(i64, Option<i64>)> {
    crate::db::query_as(
        "SELECT count(*), max(at) FROM login_attempts WHERE username = ?1 AND ok = FALSE AND at > ?2
           AND id > coalesce((SELECT max(id) FROM login_attempts WHERE username = ?1 AND ok = TRUE), 0)",
    )
    .bind(username)
    .bind(since)
    .fetch_one(&mut *tx)
    .await
}

/// Failed attempts on `username` from `address` after `since` and since their last success:
/// how many, the oldest.
pub async fn failures_from(tx: &mut crate::db::Conn, username: &str, address: &str, since: i64) -> sqlx::Result<(i64, Option<i64>)> {
    crate::db::query_as(
        "SELECT count(*), min(at) FROM login_attempts WHERE username = ?1 AND address = ?2 AND ok = FALSE AND at > ?3
           AND id > coalesce((SELECT max(id) FROM login_attempts WHERE username = ?1 AND address = ?2 AND ok = TRUE), 0)",
    )
    .bind(username)
    .bind(address)
    .bind(since)
    .fetch_one(&mut *tx)
    .await
}

/// Records an attempt as failed until [`attempt_succeeded`] says otherwise; its id.
pub async fn record_attempt(tx: &mut crate::db::Conn, username: &str, address: &str, now: i64) -> sqlx::Result<i64> {
    crate::db::query_scalar("INSERT INTO login_attempts (username, address, ok, at) VALUES (?, ?, FALSE, ?) RETURNING id")
        .bind(username)
        .bind(address)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
}

pub async fn attempt_succeeded(tx: &mut crate::db::Conn, attempt: i64) -> sqlx::Result<()> {
    crate::db::query("UPDATE login_attempts SET ok = TRUE WHERE id = ?").bind(attempt).execute(&mut *tx).await?;
    Ok(())
}

/// The account signing in: (password hash, id, disabled at, is sample).
pub async fn credentials(tx: &mut crate::db::Conn, username: &str) -> sqlx::Result<Option<(String, i64, Option<i64>, bool)>> {
    crate::db::query_as("SELECT password_hash, id, disabled_at, is_sample FROM users WHERE username = ?").bind(username).fetch_optional(&mut *tx).await
}

pub async fn create_session(tx: &mut crate::db::Conn, token_hash: &str, user_id: i64, csrf: &str, now: i64, expires_at: i64) -> sqlx::Result<()> {
    crate::db::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

pub async fn user_by_id(pool: &crate::db::Pool, id: i64) -> Result<User, AppError> {
    let row: UserRow = crate::db::query_as(&format!("SELECT {USER_COLS} FROM users u WHERE u.id = ?")).bind(id).fetch_one(&mut *pool.acquire().await?).await?;
    row.into_user()
}

pub async fn revoke(write: &crate::db::Pool, token_hash: &str, now: i64) -> sqlx::Result<()> {
    crate::db::query("UPDATE sessions SET revoked_at = ? WHERE token_hash = ?").bind(now).bind(token_hash).execute(&mut *write.acquire().await?).await?;
    Ok(())
}
