//! 养老护理员 as their provider keeps them: the active list, add, disable (their sign-in goes
//! with them), and what assigning a visit checks.

use crate::http::error::AppError;
use app::model::orders::{carer_level_label, Carer, CarerCreate};

/// A provider's active carers, oldest first.
pub async fn active(conn: &mut crate::db::Conn, provider_id: i64) -> Result<Vec<Carer>, AppError> {
    let rows: Vec<(i64, String, String, String, String, Option<String>, bool)> = crate::db::query_as(
        "SELECT id, name, phone, level, certificate_no, certificate_expires_on, is_sample FROM carers
         WHERE provider_id = ? AND active = TRUE ORDER BY id",
    )
    .bind(provider_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, phone, level, certificate_no, certificate_expires_on, is_sample)| Carer {
            id,
            name,
            phone,
            level: carer_level_label(&level).into(),
            certificate_no,
            certificate_expires_on,
            is_sample,
        })
        .collect())
}

pub async fn one(conn: &mut crate::db::Conn, id: i64) -> Result<Option<Carer>, AppError> {
    let provider: Option<i64> = crate::db::query_scalar("SELECT provider_id FROM carers WHERE id = ?").bind(id).fetch_optional(&mut *conn).await?;
    let Some(p) = provider else { return Ok(None) };
    Ok(active(conn, p).await?.into_iter().find(|c| c.id == id))
}

/// The provider a carer works for (`None`: no such carer).
pub async fn provider_of(conn: &mut crate::db::Conn, id: i64) -> Result<Option<i64>, AppError> {
    Ok(crate::db::query_scalar("SELECT provider_id FROM carers WHERE id = ?").bind(id).fetch_optional(&mut *conn).await?)
}

/// Whether the provider already has an active carer (other than `except`) with this certificate number.
pub async fn certificate_taken(conn: &mut crate::db::Conn, provider_id: i64, certificate_no: &str, except: Option<i64>) -> Result<bool, AppError> {
    Ok(crate::db::query_scalar("SELECT count(*) > 0 FROM carers WHERE provider_id = ? AND certificate_no = ? AND active = TRUE AND id IS DISTINCT FROM ?")
        .bind(provider_id)
        .bind(certificate_no)
        .bind(except)
        .fetch_one(&mut *conn)
        .await?)
}

/// A carer's details as the provider corrects or renews them (a new certificate, its expiry).
/// `false`: no such active carer.
pub async fn update(conn: &mut crate::db::Conn, id: i64, c: &CarerCreate) -> Result<bool, AppError> {
    let r = crate::db::query(
        "UPDATE carers SET name = ?, phone = ?, level = ?, certificate_no = ?, certificate_expires_on = ? WHERE id = ? AND active = TRUE",
    )
    .bind(c.name.trim())
    .bind(c.phone.trim())
    .bind(c.level.code())
    .bind(c.certificate_no.trim())
    .bind(c.certificate_expires_on.trim())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

pub async fn insert(conn: &mut crate::db::Conn, provider_id: i64, c: &CarerCreate, now: i64) -> Result<i64, AppError> {
    let r = crate::db::query_scalar::<i64>(
        "INSERT INTO carers (provider_id, name, phone, level, certificate_no, certificate_expires_on, active, is_sample, created_at)
         VALUES (?, ?, ?, ?, ?, ?, TRUE, FALSE, ?) RETURNING id",
    )
    .bind(provider_id)
    .bind(c.name.trim())
    .bind(c.phone.trim())
    .bind(c.level.code())
    .bind(c.certificate_no.trim())
    .bind(c.certificate_expires_on.trim())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(r)
}

/// Takes a carer off the list: no new visits, and any account of theirs can no longer sign
/// in (its sessions end now). Visits already assigned stay with the provider to reassign.
/// `false`: already disabled.
pub async fn disable(conn: &mut crate::db::Conn, id: i64, now: i64) -> Result<bool, AppError> {
    let r = crate::db::query("UPDATE carers SET active = FALSE, disabled_at = ? WHERE id = ? AND active = TRUE").bind(now).bind(id).execute(&mut *conn).await?;
    if r.rows_affected() == 0 {
        return Ok(false);
    }
    crate::db::query("UPDATE users SET disabled_at = ? WHERE carer_id = ? AND disabled_at IS NULL").bind(now).bind(id).execute(&mut *conn).await?;
    crate::db::query("UPDATE sessions SET revoked_at = ? WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE carer_id = ?)")
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

/// Whether a carer of `provider_id` may be assigned a visit on `today` ("YYYY-MM-DD", Beijing):
/// `Err` says why not, in Chinese.
pub async fn assignable(conn: &mut crate::db::Conn, id: i64, provider_id: i64, today: chrono::NaiveDate) -> Result<Result<(), String>, AppError> {
    let row: Option<(String, Option<String>)> =
        crate::db::query_as("SELECT name, certificate_expires_on FROM carers WHERE id = ? AND provider_id = ? AND active = TRUE")
            .bind(id)
            .bind(provider_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(match row {
        None => Err("这名护理员不属于本机构（或已停用）".into()),
        Some((name, expires)) if !app::model::orders::certified_on(expires.as_deref(), today) => {
            Err(format!("{name}的护理员证书已于 {} 过期，不能派单；请更换护理员", expires.unwrap_or_default()))
        }
        Some(_) => Ok(()),
    })
}
