//! Organisations and accounts as stored (never a password hash out of here but to sign-in).

use crate::http::error::AppError;
use app::model::{Account, BeianStatus, Organisation, OrganisationAdmin, OrganisationCreate, Role, User};

pub(crate) type OrgRow = (i64, String, String, String, Option<String>, bool, i64, i64, i64);

const ORG_SELECT: &str = "SELECT o.id, o.name, o.uscc, o.beian_status, o.beian_number, o.is_sample, o.created_at,
        (SELECT count(*) FROM places p WHERE p.organisation_id = o.id),
        (SELECT count(*) FROM users u WHERE u.organisation_id = o.id AND u.disabled_at IS NULL)
     FROM organisations o";

fn org_from(r: OrgRow) -> OrganisationAdmin {
    let (id, name, uscc, beian, beian_number, is_sample, created_at, place_count, account_count) = r;
    OrganisationAdmin {
        organisation: Organisation {
            id,
            name,
            uscc,
            beian_status: BeianStatus::from_code(&beian).unwrap_or(BeianStatus::NotFiled),
            beian_number,
            is_sample,
        },
        place_count,
        account_count,
        created_at: crate::db::places::ts(created_at),
    }
}

pub(crate) type AccountRow = (i64, String, String, String, Option<i64>, Option<String>, bool, Option<String>, i64, Option<i64>, Option<i64>);

const ACCOUNT_SELECT: &str = "SELECT u.id, u.username, u.display_name, u.role, u.organisation_id, u.district_id, u.is_sample,
        o.name, u.created_at, u.disabled_at, u.carer_id
     FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id";

fn account_from(r: AccountRow) -> Account {
    let (id, username, display_name, role, organisation_id, district_id, is_sample, organisation_name, created_at, disabled_at, carer_id) = r;
    Account {
        user: User {
            id,
            username,
            display_name,
            role: Role::from_code(&role).unwrap_or(Role::Supervisor),
            organisation_id,
            district_id,
            is_sample,
            carer_id,
        },
        organisation_name,
        created_at: crate::db::places::ts(created_at),
        disabled: disabled_at.is_some(),
    }
}

/// Every organisation, real ones first, newest first (at most 1,000).
pub(crate) async fn organisations(pool: &crate::db::Pool) -> Result<Vec<OrganisationAdmin>, AppError> {
    let rows: Vec<OrgRow> = crate::db::query_as(&format!("{ORG_SELECT} ORDER BY o.is_sample, o.id DESC LIMIT 1000")).fetch_all(&mut *pool.acquire().await?).await?;
    Ok(rows.into_iter().map(org_from).collect())
}

pub(crate) async fn organisation(conn: &mut crate::db::Conn, id: i64) -> Result<OrganisationAdmin, AppError> {
    let row: OrgRow = crate::db::query_as(&format!("{ORG_SELECT} WHERE o.id = ?")).bind(id).fetch_one(&mut *conn).await?;
    Ok(org_from(row))
}

/// Whether an organisation with this 统一社会信用代码 is registered.
pub(crate) async fn uscc_taken(conn: &mut crate::db::Conn, uscc: &str) -> Result<bool, AppError> {
    Ok(crate::db::query_scalar("SELECT count(*) > 0 FROM organisations WHERE uscc = ?").bind(uscc).fetch_one(&mut *conn).await?)
}

/// A new (real) organisation, registered by `by` at `now`; its id.
pub(crate) async fn insert_organisation(conn: &mut crate::db::Conn, new: &OrganisationCreate, by: i64, now: i64) -> Result<i64, AppError> {
    let number = new.beian_number.as_deref().map(str::trim).filter(|s| !s.is_empty());
    Ok(crate::db::query_scalar::<i64>(
        "INSERT INTO organisations (name, uscc, beian_status, beian_number, is_sample, created_at, updated_at, created_by)
         VALUES (?1, ?2, ?3, ?4, FALSE, ?6, ?6, ?5) RETURNING id",
    )
    .bind(new.name.trim())
    .bind(new.uscc.trim())
    .bind(new.beian_status.code())
    .bind(number)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

/// Every account, real ones first, newest first (at most 1,000).
pub(crate) async fn accounts(pool: &crate::db::Pool) -> Result<Vec<Account>, AppError> {
    let rows: Vec<AccountRow> = crate::db::query_as(&format!("{ACCOUNT_SELECT} ORDER BY u.is_sample, u.id DESC LIMIT 1000")).fetch_all(&mut *pool.acquire().await?).await?;
    Ok(rows.into_iter().map(account_from).collect())
}

pub(crate) async fn account(conn: &mut crate::db::Conn, id: i64) -> Result<Account, AppError> {
    let row: AccountRow = crate::db::query_as(&format!("{ACCOUNT_SELECT} WHERE u.id = ?")).bind(id).fetch_one(&mut *conn).await?;
    Ok(account_from(row))
}

pub(crate) async fn username_taken(conn: &mut crate::db::Conn, username: &str) -> Result<bool, AppError> {
    Ok(crate::db::query_scalar("SELECT count(*) > 0 FROM users WHERE username = ?").bind(username).fetch_one(&mut *conn).await?)
}

pub(crate) async fn organisation_exists(conn: &mut crate::db::Conn, id: i64) -> Result<bool, AppError> {
    Ok(crate::db::query_scalar("SELECT count(*) > 0 FROM organisations WHERE id = ?").bind(id).fetch_one(&mut *conn).await?)
}

pub(crate) async fn district_exists(conn: &mut crate::db::Conn, id: &str) -> Result<bool, AppError> {
    Ok(crate::db::query_scalar("SELECT count(*) > 0 FROM areas WHERE id = ? AND level = 'district'").bind(id).fetch_one(&mut *conn).await?)
}

/// A new account: what it may act on follows from its role (an operator its organisation, a
/// supervisor its district). Sample accounts sign in only on a database served with `--sample`.
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub organisation_id: Option<i64>,
    pub district_id: Option<&'a str>,
    pub is_sample: bool,
}

/// The one insert of an account (admin API, `create-admin`, sample data); its id.
pub async fn insert_account(conn: &mut crate::db::Conn, a: NewAccount<'_>, now: i64) -> Result<i64, AppError> {
    Ok(crate::db::query_scalar::<i64>(
        "INSERT INTO users (username, display_name, password_hash, role, organisation_id, district_id, is_sample, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(a.username)
    .bind(a.display_name)
    .bind(a.password_hash)
    .bind(a.role.code())
    .bind(a.organisation_id)
    .bind(a.district_id)
    .bind(a.is_sample)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

/// `insert_account` on a connection of its own (the command line, sample data, tests).
pub async fn create_account(pool: &crate::db::Pool, a: NewAccount<'_>, now: i64) -> Result<i64, AppError> {
    let mut conn = pool.acquire().await?;
    insert_account(&mut conn, a, now).await
}

/// Switches an account off and ends its sessions; `false` when there is no such account.
pub(crate) async fn disable(conn: &mut crate::db::Conn, id: i64, now: i64) -> Result<bool, AppError> {
    let n = crate::db::query("UPDATE users SET disabled_at = coalesce(disabled_at, ?) WHERE id = ?").bind(now).bind(id).execute(&mut *conn).await?.rows_affected();
    if n == 0 {
        return Ok(false);
    }
    crate::db::query("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL").bind(now).bind(id).execute(&mut *conn).await?;
    Ok(true)
}
