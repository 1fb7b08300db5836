//! What the desk reads and writes of places and their classes (托位 per age band × care mode),
//! and the audit trail it shows.

use crate::http::error::AppError;
use app::model::{AgeBand, AuditEntry, CareMode, ClassCreate, ClassEdit, OperatorPlace, PlaceEdit};

/// Which places a desk account manages or watches.
pub(crate) enum Scope {
    Organisation(i64),
    District(String),
    All,
}

/// The places of a desk account: an organisation's (main place first), a district's or all
/// (at most 500).
pub(crate) async fn desk_places(pool: &crate::db::Pool, scope: Scope) -> Result<Vec<OperatorPlace>, AppError> {
    // A closed place (registry import) is no longer kept by anyone.
    const SELECT: &str = "SELECT p.id, p.name, s.name FROM places p JOIN areas s ON s.id = p.street_id AND p.closed_at IS NULL";
    let rows: Vec<(i64, String, String)> = match scope {
        Scope::Organisation(org) => {
            crate::db::query_as(&format!("{SELECT} WHERE p.organisation_id = ? ORDER BY p.is_main DESC, p.id")).bind(org).fetch_all(&mut *pool.acquire().await?).await?
        }
        Scope::District(d) => crate::db::query_as(&format!("{SELECT} WHERE p.district_id = ? ORDER BY p.id LIMIT 500")).bind(d).fetch_all(&mut *pool.acquire().await?).await?,
        Scope::All => crate::db::query_as(&format!("{SELECT} ORDER BY p.id LIMIT 500")).fetch_all(&mut *pool.acquire().await?).await?,
    };
    Ok(rows.into_iter().map(|(id, name, street_name)| OperatorPlace { id, name, street_name }).collect())
}

/// A place's classes, full day first, youngest first.
pub(crate) async fn ids_of_place(conn: &mut crate::db::Conn, place_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(crate::db::query_scalar(
        "SELECT id FROM classes WHERE place_id = ?
         ORDER BY CASE care_mode WHEN 'full_day' THEN 0 WHEN 'half_day' THEN 1 WHEN 'hourly' THEN 2 ELSE 3 END,
                  CASE age_band WHEN 'infant' THEN 0 WHEN 'toddler' THEN 1 WHEN 'preschool' THEN 2 ELSE 3 END",
    )
    .bind(place_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The last 200 entries of a place's audit trail, newest first.
pub(crate) async fn audit_of_place(conn: &mut crate::db::Conn, place_id: i64) -> Result<Vec<AuditEntry>, AppError> {
    // An entry by a command-line tool (a registry import) has no account: it shows the tool.
    let rows: Vec<(i64, String, Option<i64>, Option<i64>, String, String, i64)> = crate::db::query_as(
        "SELECT a.id, COALESCE(u.display_name, '数据导入（' || a.actor || '）'), a.place_id, a.class_id, a.action, a.detail, a.at
         FROM audit_log a LEFT JOIN users u ON u.id = a.user_id WHERE a.place_id = ? ORDER BY a.id DESC LIMIT 200",
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
pub(crate) async fn offers(conn: &mut crate::db::Conn, place_id: i64, mode: CareMode) -> Result<bool, AppError> {
    Ok(crate::db::query_scalar("SELECT count(*) > 0 FROM place_care_modes WHERE place_id = ? AND care_mode = ?")
        .bind(place_id)
        .bind(mode.code())
        .fetch_one(&mut *conn)
        .await?)
}

/// Whether the place already has a class of this age band and care mode.
pub(crate) async fn has_class(conn: &mut crate::db::Conn, place_id: i64, band: AgeBand, mode: CareMode) -> Result<bool, AppError> {
    Ok(crate::db::query_scalar("SELECT count(*) > 0 FROM classes WHERE place_id = ? AND age_band = ? AND care_mode = ?")
        .bind(place_id)
        .bind(band.code())
        .bind(mode.code())
        .fetch_one(&mut *conn)
        .await?)
}

/// A new class, its figures confirmed now; its id.
pub(crate) async fn insert(conn: &mut crate::db::Conn, place_id: i64, new: &ClassCreate, now: i64) -> Result<i64, AppError> {
    Ok(crate::db::query_scalar::<i64>(
        "INSERT INTO classes (place_id, age_band, care_mode, capacity, enrolled, puhui_slots, vacancies, confirmed_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?7) RETURNING id",
    )
    .bind(place_id)
    .bind(new.age_band.code())
    .bind(new.care_mode.code())
    .bind(new.capacity)
    .bind(new.enrolled)
    .bind(new.vacancies)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

/// A tap's new vacancy figure, at the version the tap was based on. The WHERE clause re-checks
/// under the write lock: never below zero, never over 托位 − 在托. False when the class moved.
pub(crate) async fn set_vacancies(conn: &mut crate::db::Conn, class_id: i64, version: i64, to: i64, now: i64) -> Result<bool, AppError> {
    let n = crate::db::query(
        "UPDATE classes SET vacancies = ?1, version = version + 1, confirmed_at = ?4,
                updated_at = CASE WHEN vacancies = ?1 THEN updated_at ELSE ?4 END
         WHERE id = ?2 AND version = ?3 AND ?1 BETWEEN 0 AND capacity - enrolled",
    )
    .bind(to)
    .bind(class_id)
    .bind(version)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// 托位, 在托 and 空位 together, at the version the edit was based on (confirmed now).
pub(crate) async fn set_figures(conn: &mut crate::db::Conn, class_id: i64, version: i64, edit: &ClassEdit, now: i64) -> Result<(), AppError> {
    crate::db::query(
        "UPDATE classes SET capacity = ?1, enrolled = ?2, vacancies = ?3, version = version + 1, confirmed_at = ?6, updated_at = ?6
         WHERE id = ?4 AND version = ?5",
    )
    .bind(edit.capacity)
    .bind(edit.enrolled)
    .bind(edit.vacancies)
    .bind(class_id)
    .bind(version)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What the desk edits of a place, as it stands.
#[derive(sqlx::FromRow)]
pub(crate) struct PlaceDetails {
    pub(crate) puhui: bool,
    pub(crate) opening_hours: String,
    pub(crate) phone: String,
    pub(crate) puhui_fee_yuan: Option<i64>,
}

pub(crate) async fn place_details(conn: &mut crate::db::Conn, place_id: i64) -> Result<PlaceDetails, AppError> {
    Ok(crate::db::query_as("SELECT puhui, opening_hours, phone, puhui_fee_yuan FROM places WHERE id = ?")
        .bind(place_id)
        .fetch_one(&mut *conn)
        .await?)
}

/// The care modes (with the class) that still hold 托位 at a place.
pub(crate) async fn modes_in_use(conn: &mut crate::db::Conn, place_id: i64) -> Result<Vec<(CareMode, Option<AgeBand>)>, AppError> {
    let rows: Vec<(String, String)> = crate::db::query_as(
        "SELECT DISTINCT care_mode, age_band FROM classes WHERE place_id = ? AND capacity > 0 ORDER BY care_mode, age_band",
    )
    .bind(place_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(mode, band)| Ok((CareMode::from_code(&mode).ok_or_else(|| crate::db::unknown("care_mode", &mode))?, AgeBand::from_code(&band))))
        .collect()
}

/// Hours, phone, 普惠 price and the care modes with their fees; empty classes of a mode no
/// longer offered go with it (a mode whose classes hold 托位 is refused before this).
pub(crate) async fn update_place_details(conn: &mut crate::db::Conn, place_id: i64, edit: &PlaceEdit, puhui: bool, now: i64) -> Result<(), AppError> {
    let offered: Vec<&str> = edit.care_modes.iter().map(|m| m.care_mode.code()).collect();
    let empty: Vec<(i64, String)> = crate::db::query_as("SELECT id, care_mode FROM classes WHERE place_id = ? AND capacity = 0")
        .bind(place_id)
        .fetch_all(&mut *conn)
        .await?;
    for (id, mode) in empty {
        if !offered.contains(&mode.as_str()) {
            crate::db::query("DELETE FROM classes WHERE id = ?").bind(id).execute(&mut *conn).await?;
        }
    }
    crate::db::query("UPDATE places SET opening_hours = ?, phone = ?, puhui_fee_yuan = ?, updated_at = ? WHERE id = ?")
        .bind(edit.opening_hours.trim())
        .bind(edit.phone.trim())
        .bind(edit.puhui_fee_yuan.filter(|_| puhui))
        .bind(now)
        .bind(place_id)
        .execute(&mut *conn)
        .await?;
    crate::db::query("DELETE FROM place_care_modes WHERE place_id = ?").bind(place_id).execute(&mut *conn).await?;
    for m in &edit.care_modes {
        crate::db::query("INSERT INTO place_care_modes (place_id, care_mode, fee_yuan, unit) VALUES (?, ?, ?, ?)")
            .bind(place_id)
            .bind(m.care_mode.code())
            .bind(m.fee_yuan)
            .bind(m.care_mode.fee_unit().code())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
