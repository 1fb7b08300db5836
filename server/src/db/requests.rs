//! Childcare requests (visits, trials, applications) and their timeslots, as stored.

use crate::http::error::AppError;
use app::model::requests::{
    hhmm, RequestView, Timeslot,
};
use app::model::{AgeBand, CareMode, RequestKind, RequestStatus};
use sqlx::SqliteConnection;
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    pub(crate) id: String,
    pub(crate) place_id: i64,
    pub(crate) place_name: String,
    pub(crate) is_sample: bool,
    pub(crate) kind: String,
    pub(crate) status: String,
    pub(crate) timeslot_date: Option<String>,
    pub(crate) start_min: Option<i64>,
    pub(crate) end_min: Option<i64>,
    pub(crate) age_band: Option<String>,
    pub(crate) care_mode: Option<String>,
    pub(crate) start_month: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) child_birth_month: Option<String>,
    pub(crate) class_id: Option<i64>,
    pub(crate) puhui: bool,
    pub(crate) priority_grounds: String,
    pub(crate) contact_name: String,
    pub(crate) contact_phone: String,
    pub(crate) class_vacancies: Option<i64>,
}

pub(crate) const SELECT: &str = "SELECT r.id, r.place_id, p.name AS place_name, p.is_sample, r.kind, r.status, r.timeslot_date,
        s.start_min, s.end_min, r.age_band, r.care_mode, r.start_month, r.message, r.created_at, r.updated_at,
        r.child_birth_month, r.class_id, r.puhui, r.priority_grounds, r.contact_name, r.contact_phone,
        c.vacancies AS class_vacancies
     FROM requests r JOIN places p ON p.id = r.place_id
     LEFT JOIN timeslots s ON s.id = r.timeslot_id LEFT JOIN classes c ON c.id = r.class_id";

/// Waitlist positions of the waitlisted requests matching `where_` (1 = next), per class:
/// declared priority first, then the time the server received the application.
pub(crate) async fn positions(conn: &mut SqliteConnection, where_: &str, bind: &str) -> Result<HashMap<String, u32>, AppError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
        "SELECT id, pos FROM (SELECT id, class_id, ROW_NUMBER() OVER (PARTITION BY class_id ORDER BY priority DESC, created_at, rowid) AS pos
                              FROM requests WHERE status = 'waitlisted')
         WHERE class_id IN (SELECT class_id FROM requests WHERE {where_})"
    ))
    .bind(bind)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id, p)| (id, p as u32)).collect())
}

pub(crate) fn view(r: &Row, pos: &HashMap<String, u32>) -> Result<RequestView, AppError> {
    Ok(RequestView {
        id: r.id.clone(),
        place_id: r.place_id,
        place_name: r.place_name.clone(),
        kind: RequestKind::from_code(&r.kind).ok_or_else(|| super::unknown("kind", &r.kind))?,
        status: RequestStatus::from_code(&r.status).ok_or_else(|| super::unknown("status", &r.status))?,
        timeslot_date: r.timeslot_date.clone(),
        timeslot_start: r.start_min.map(|m| hhmm(m as u32)),
        timeslot_end: r.end_min.map(|m| hhmm(m as u32)),
        age_band: r.age_band.as_deref().and_then(AgeBand::from_code),
        care_mode: r.care_mode.as_deref().and_then(CareMode::from_code),
        start_month: r.start_month.clone(),
        waitlist_position: pos.get(&r.id).copied(),
        message: r.message.clone(),
        created_at: crate::db::places::ts(r.created_at),
        updated_at: crate::db::places::ts(r.updated_at),
        is_sample: r.is_sample,
    })
}

pub(crate) async fn one(conn: &mut SqliteConnection, id: &str) -> Result<Option<Row>, AppError> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE r.id = ?")).bind(id).fetch_optional(&mut *conn).await?)
}

#[derive(sqlx::FromRow)]
pub(crate) struct TimeslotRow {
    pub(crate) id: i64,
    pub(crate) place_id: i64,
    pub(crate) kind: String,
    pub(crate) weekday: i64,
    pub(crate) start_min: i64,
    pub(crate) end_min: i64,
    pub(crate) capacity: i64,
    pub(crate) active: bool,
}

impl TimeslotRow {
    pub(crate) fn timeslot(&self) -> Timeslot {
        Timeslot {
            id: self.id,
            place_id: self.place_id,
            kind: RequestKind::from_code(&self.kind).unwrap_or(RequestKind::Visit),
            weekday: self.weekday as u8,
            start: hhmm(self.start_min as u32),
            end: hhmm(self.end_min as u32),
            capacity: self.capacity as u32,
            active: self.active,
        }
    }
}

pub(crate) const TIMESLOT_COLS: &str = "id, place_id, kind, weekday, start_min, end_min, capacity, active";

/// Places booked in a timeslot on a date: requests still holding it.
pub(crate) async fn booked(conn: &mut SqliteConnection, timeslot_id: i64, date: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(&format!("SELECT count(*) FROM requests WHERE timeslot_id = ? AND timeslot_date = ? AND status IN ({REQUESTS_HOLDING_TIMESLOT})", REQUESTS_HOLDING_TIMESLOT = &*crate::db::REQUESTS_HOLDING_TIMESLOT))
        .bind(timeslot_id)
        .bind(date)
        .fetch_one(&mut *conn)
        .await?)
}

/// Gives an offered place back to its class (a cancelled or declined offer).
pub(crate) async fn release_place(tx: &mut SqliteConnection, now: i64, class_id: Option<i64>) -> Result<(), AppError> {
    if let Some(c) = class_id {
        sqlx::query(
            "UPDATE classes SET vacancies = vacancies + 1, version = version + 1, confirmed_at = ?1, updated_at = ?1
             WHERE id = ?2 AND vacancies + enrolled < capacity",
        )
        .bind(now)
        .bind(c)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
