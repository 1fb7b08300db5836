//! What the desk reads and writes of places and their classes (托位 per age band × care mode),
//! and the audit trail it shows.

use crate::http::error::AppError;
use app::model::{AgeBand, AuditEntry, CareMode, ClassCreate, OperatorPlace};
use sqlx::{SqliteConnection, SqlitePool};

/// Which places a desk account manages or watches.
pub(crate) enum Scope {
    Organisation(i64),
    District(String),
    All,
}

/// The places of a desk account: an organisation's (main place first), a district's or all
/// (at most 500).
pub(crate) async fn desk_places(pool: &SqlitePool, scope: Scope) -> Result<Vec<OperatorPlace>, AppError> {
    const SELECT: &str = "SELECT p.id, p.name, s.name FROM places p JOIN areas s ON s.id = p.street_id";
    let rows: Vec<(i64, String, String)> = match scope {
        Scope::Organisation(org) => {
            sqlx::query_as(&format!("{SELECT} WHERE p.organisation_id = ? ORDER BY p.is_main DESC, p.id")).bind(org).fetch_all(pool).await?
        }
        Scope::District(d) => sqlx::query_as(&format!("{SELECT} WHERE p.district_id = ? ORDER BY p.id LIMIT 500")).bind(d).fetch_all(pool).await?,
        Scope::All => sqlx::query_as(&format!("{SELECT} ORDER BY p.id LIMIT 500")).fetch_all(pool).await?,
    };
    Ok(rows.into_iter().map(|(id, name, street_name)| OperatorPlace { id, name, street_name }).collect())
}

/// A place's classes, full day first, youngest first.
pub(crate) async fn ids_of_place(conn: &mut SqliteConnection, place_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM classes WHERE place_id = ?
         ORDER BY CASE care_mode WHEN 'full_day' THEN 0 WHEN 'half_day' THEN 1 WHEN 'hourly' THEN 2 ELSE 3 END,
                  CASE age_band WHEN 'infant' THEN 0 WHEN 'toddler' THEN 1 WHEN 'preschool' THEN 2 ELSE 3 END",
    )
    .bind(place_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The last 200 entries of a place's audit trail, newest first.
pub(crate) async fn audit_of_place(conn: &mut SqliteConnection, place_id: i64) -> Result<Vec<AuditEntry>, AppError> {
    let rows: Vec<(i64, String, Option<i64>, Option<i64>, String, String, i64)> = sqlx::query_as(
        "SELECT a.id, u.display_name, a.place_id, a.class_id, a.action, a.detail, a.at FROM audit_log a
         JOIN users u ON u.id = a.user_id WHERE a.place_id = ? ORDER BY a.id DESC LIMIT 200",
    )
    .bind(place_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, user, place_id, class_id, action, detail, at)| AuditEntry {
            id,
            user,
            place_id,
            class_id,
            action,
            detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
            at: crate::db::places::ts(at),
        })
        .collect())
}

/// Whether the place offers a care mode (has a fee for it).
pub(crate) async fn offers(conn: &mut SqliteConnection, place_id: i64, mode: CareMode) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar("SELECT count(*) > 0 FROM place_care_modes WHERE place_id = ? AND care_mode = ?")
        .bind(place_id)
        .bind(mode.code())
        .fetch_one(&mut *conn)
        .await?)
}

/// Whether the place already has a class of this age band and care mode.
pub(crate) async fn has_class(conn: &mut SqliteConnection, place_id: i64, band: AgeBand, mode: CareMode) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar("SELECT count(*) > 0 FROM classes WHERE place_id = ? AND age_band = ? AND care_mode = ?")
        .bind(place_id)
        .bind(band.code())
        .bind(mode.code())
        .fetch_one(&mut *conn)
        .await?)
}

/// A new class, its figures confirmed now; its id.
pub(crate) async fn insert(conn: &mut SqliteConnection, place_id: i64, new: &ClassCreate, now: i64) -> Result<i64, AppError> {
    Ok(sqlx::query(
        "INSERT INTO classes (place_id, age_band, care_mode, capacity, enrolled, puhui_slots, vacancies, confirmed_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?7)",
    )
    .bind(place_id)
    .bind(new.age_band.code())
    .bind(new.care_mode.code())
    .bind(new.capacity)
    .bind(new.enrolled)
    .bind(new.vacancies)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .last_insert_rowid())
}
