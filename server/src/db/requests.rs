//! Childcare requests (visits, trials, applications) and their timeslots, as stored.

use app::model::requests::NewRequest;
use crate::http::error::AppError;
use app::model::requests::{
    hhmm, RequestView, Timeslot, TimeslotCreate,
};
use app::model::{AgeBand, CareMode, RequestKind, RequestStatus};
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
    pub(crate) device_hash: String,
}

pub(crate) const SELECT: &str = "SELECT r.id, r.place_id, p.name AS place_name, p.is_sample, r.kind, r.status, r.timeslot_date,
        s.start_min, s.end_min, r.age_band, r.care_mode, r.start_month, r.message, r.created_at, r.updated_at,
        r.child_birth_month, r.class_id, r.puhui, r.priority_grounds, r.contact_name, r.contact_phone,
        c.vacancies AS class_vacancies, r.device_hash
     FROM requests r JOIN places p ON p.id = r.place_id
     LEFT JOIN timeslots s ON s.id = r.timeslot_id LEFT JOIN classes c ON c.id = r.class_id";

/// Waitlist positions of the waitlisted requests matching `where_` (1 = next), per class:
/// declared priority first, then the time the server received the application.
pub(crate) async fn positions(conn: &mut crate::db::Conn, where_: &str, bind: impl crate::db::engine::IntoArg) -> Result<HashMap<String, u32>, AppError> {
    let rows: Vec<(String, i64)> = crate::db::query_as(&format!(
        "SELECT id, pos FROM (SELECT id, class_id, ROW_NUMBER() OVER (PARTITION BY class_id ORDER BY priority DESC, created_at, rowid) AS pos
                              FROM requests WHERE status = 'waitlisted') AS waiting
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

pub(crate) async fn one(conn: &mut crate::db::Conn, id: &str) -> Result<Option<Row>, AppError> {
    Ok(crate::db::query_as(&format!("{SELECT} WHERE r.id = ?")).bind(id).fetch_optional(&mut *conn).await?)
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

    /// What a booking of it must meet.
    pub(crate) fn rule(&self) -> app::model::requests::SlotRule {
        app::model::requests::SlotRule { weekday: self.weekday, start_min: self.start_min, capacity: self.capacity, active: self.active }
    }
}

pub(crate) const TIMESLOT_COLS: &str = "id, place_id, kind, weekday, start_min, end_min, capacity, active";

/// Places booked in a timeslot on a date: requests still holding it.
pub(crate) async fn booked(conn: &mut crate::db::Conn, timeslot_id: i64, date: &str) -> Result<i64, AppError> {
    Ok(crate::db::query_scalar(&format!("SELECT count(*) FROM requests WHERE timeslot_id = ? AND timeslot_date = ? AND status IN ({REQUESTS_HOLDING_TIMESLOT})", REQUESTS_HOLDING_TIMESLOT = &*crate::db::REQUESTS_HOLDING_TIMESLOT))
        .bind(timeslot_id)
        .bind(date)
        .fetch_one(&mut *conn)
        .await?)
}

/// Gives an offered place back to its class (a cancelled or declined offer).
pub(crate) async fn release_place(tx: &mut crate::db::Conn, now: i64, class_id: Option<i64>) -> Result<(), AppError> {
    if let Some(c) = class_id {
        crate::db::query(
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

/// The device a request id belongs to (a retry finds its own request).
pub(crate) async fn owner(conn: &mut crate::db::Conn, id: &str) -> Result<Option<String>, AppError> {
    Ok(crate::db::query_scalar("SELECT device_hash FROM requests WHERE id = ?").bind(id).fetch_optional(&mut *conn).await?)
}

/// Whether a place has 普惠托位 (`None`: no such place).
pub(crate) async fn place_puhui(conn: &mut crate::db::Conn, place_id: i64) -> Result<Option<bool>, AppError> {
    Ok(crate::db::query_scalar("SELECT puhui FROM places WHERE id = ? AND closed_at IS NULL").bind(place_id).fetch_optional(&mut *conn).await?)
}

/// Open visits or trials (holding a timeslot) made since `since`: by this phone, by this device.
pub(crate) async fn open_bookings_since(
    conn: &mut crate::db::Conn,
    phone: &str,
    device_hash: &str,
    kind: RequestKind,
    since: i64,
) -> Result<(i64, i64), AppError> {
    Ok(crate::db::query_as(&format!(
        "SELECT (SELECT count(*) FROM requests WHERE contact_phone = ?1 AND kind = ?3 AND created_at > ?4 AND status IN ({holding})),
                (SELECT count(*) FROM requests WHERE device_hash = ?2 AND kind = ?3 AND created_at > ?4 AND status IN ({holding}))",
        holding = &*crate::db::REQUESTS_HOLDING_TIMESLOT
    ))
    .bind(phone)
    .bind(device_hash)
    .bind(kind.code())
    .bind(since)
    .fetch_one(&mut *conn)
    .await?)
}

/// A timeslot of this place.
pub(crate) async fn timeslot_of_place(conn: &mut crate::db::Conn, id: i64, place_id: i64) -> Result<Option<TimeslotRow>, AppError> {
    Ok(crate::db::query_as(&format!("SELECT {TIMESLOT_COLS} FROM timeslots WHERE id = ? AND place_id = ?"))
        .bind(id)
        .bind(place_id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Whether this phone already holds the timeslot on that date.
pub(crate) async fn phone_holds(conn: &mut crate::db::Conn, timeslot_id: i64, date: &str, phone: &str) -> Result<bool, AppError> {
    let n: i64 = crate::db::query_scalar(&format!(
        "SELECT count(*) FROM requests WHERE timeslot_id = ? AND timeslot_date = ? AND contact_phone = ? AND status IN ({})",
        &*crate::db::REQUESTS_HOLDING_TIMESLOT
    ))
    .bind(timeslot_id)
    .bind(date)
    .bind(phone)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

/// A class of this place: its age band and care mode.
pub(crate) async fn class_of_place(conn: &mut crate::db::Conn, class_id: i64, place_id: i64) -> Result<Option<(String, String)>, AppError> {
    Ok(crate::db::query_as("SELECT age_band, care_mode FROM classes WHERE id = ? AND place_id = ?")
        .bind(class_id)
        .bind(place_id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Applications of this phone at this place still in play.
pub(crate) async fn open_applications(conn: &mut crate::db::Conn, place_id: i64, phone: &str) -> Result<i64, AppError> {
    Ok(crate::db::query_scalar(&format!(
        "SELECT count(*) FROM requests WHERE place_id = ? AND contact_phone = ? AND kind = 'application' AND status IN ({})",
        &*crate::db::OPEN_APPLICATIONS
    ))
    .bind(place_id)
    .bind(phone)
    .fetch_one(&mut *conn)
    .await?)
}

/// A new request, as submitted (a visit or trial keeps its timeslot, an application its class).
pub(crate) async fn insert(
    conn: &mut crate::db::Conn,
    new: &NewRequest,
    device_hash: &str,
    class: Option<(String, String)>,
    now: i64,
) -> Result<(), AppError> {
    let is_app = new.kind == RequestKind::Application;
    crate::db::query(
        "INSERT INTO requests (id, device_hash, place_id, kind, timeslot_id, timeslot_date, class_id, age_band, care_mode,
            child_birth_month, start_month, puhui, priority_grounds, priority, contact_name, contact_phone, consent_at,
            status, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, 'submitted', ?17, ?17)",
    )
    .bind(&new.id)
    .bind(device_hash)
    .bind(new.place_id)
    .bind(new.kind.code())
    .bind(if is_app { None } else { new.timeslot_id })
    .bind(if is_app { None } else { new.timeslot_date.clone() })
    .bind(if is_app { new.class_id } else { None })
    .bind(class.as_ref().map(|c| c.0.clone()))
    .bind(class.as_ref().map(|c| c.1.clone()))
    .bind(new.child_birth_month.as_deref().filter(|_| is_app))
    .bind(new.start_month.as_deref().filter(|_| is_app))
    .bind(new.puhui && is_app)
    .bind(serde_json::to_string(&new.priority_grounds).map_err(anyhow::Error::from)?)
    .bind(!new.priority_grounds.is_empty())
    .bind(new.contact_name.trim())
    .bind(new.contact_phone.trim())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A place's requests for the desk's inbox: new first, then waitlisted, offered and confirmed,
/// newest first within each.
pub(crate) async fn inbox(conn: &mut crate::db::Conn, place_id: i64) -> Result<Vec<Row>, AppError> {
    Ok(crate::db::query_as(&format!(
        "{SELECT} WHERE r.place_id = ?
         ORDER BY CASE r.status WHEN 'submitted' THEN 0 WHEN 'waitlisted' THEN 1 WHEN 'offered' THEN 2 WHEN 'confirmed' THEN 2 ELSE 3 END,
                  r.created_at DESC, r.rowid DESC
         LIMIT 300"
    ))
    .bind(place_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// A place's weekly timeslots, switched-off ones last.
pub(crate) async fn timeslots_of_place(conn: &mut crate::db::Conn, place_id: i64) -> Result<Vec<TimeslotRow>, AppError> {
    Ok(crate::db::query_as(&format!("SELECT {TIMESLOT_COLS} FROM timeslots WHERE place_id = ? ORDER BY active DESC, kind DESC, weekday, start_min"))
        .bind(place_id)
        .fetch_all(&mut *conn)
        .await?)
}

pub(crate) async fn timeslot(conn: &mut crate::db::Conn, id: i64) -> Result<Option<TimeslotRow>, AppError> {
    Ok(crate::db::query_as(&format!("SELECT {TIMESLOT_COLS} FROM timeslots WHERE id = ?")).bind(id).fetch_optional(&mut *conn).await?)
}

/// A new weekly timeslot (minutes of the Beijing day); its id.
pub(crate) async fn insert_timeslot(conn: &mut crate::db::Conn, place_id: i64, new: &TimeslotCreate, start: u32, end: u32, now: i64) -> Result<i64, AppError> {
    Ok(crate::db::query_scalar::<i64>(
        "INSERT INTO timeslots (place_id, kind, weekday, start_min, end_min, capacity, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?7, ?6) RETURNING id",
    )
    .bind(place_id)
    .bind(new.kind.code())
    .bind(new.weekday)
    .bind(start)
    .bind(end)
    .bind(now)
    .bind(new.capacity)
    .fetch_one(&mut *conn)
    .await?)
}

/// No new bookings of a timeslot; booked visits stand.
pub(crate) async fn deactivate_timeslot(conn: &mut crate::db::Conn, id: i64) -> Result<(), AppError> {
    crate::db::query("UPDATE timeslots SET active = FALSE WHERE id = ?").bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// An offer takes one vacancy of its class, atomically; false when none is left.
pub(crate) async fn take_place(conn: &mut crate::db::Conn, now: i64, class_id: i64) -> Result<bool, AppError> {
    let n = crate::db::query(
        "UPDATE classes SET vacancies = vacancies - 1, version = version + 1, confirmed_at = ?1, updated_at = ?1
         WHERE id = ?2 AND vacancies > 0",
    )
    .bind(now)
    .bind(class_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// The desk's decision on a request: its new status, the answer the parent sees (kept when none
/// is given) and who decided.
pub(crate) async fn decide(conn: &mut crate::db::Conn, id: &str, to: RequestStatus, message: Option<&str>, by: i64, now: i64) -> Result<(), AppError> {
    crate::db::query("UPDATE requests SET status = ?, message = coalesce(?, message), decided_by = ?, updated_at = ? WHERE id = ?")
        .bind(to.code())
        .bind(message)
        .bind(by)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A device's requests, newest first (at most `limit`).
pub(crate) async fn by_device(conn: &mut crate::db::Conn, device_hash: &str, limit: i64) -> Result<Vec<Row>, AppError> {
    Ok(crate::db::query_as(&format!("{SELECT} WHERE r.device_hash = ? ORDER BY r.created_at DESC, r.rowid DESC LIMIT ?"))
        .bind(device_hash)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?)
}

/// A place's active timeslots.
pub(crate) async fn active_timeslots(conn: &mut crate::db::Conn, place_id: i64) -> Result<Vec<TimeslotRow>, AppError> {
    Ok(crate::db::query_as(&format!("SELECT {TIMESLOT_COLS} FROM timeslots WHERE place_id = ? AND active = TRUE"))
        .bind(place_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// Every booking of a place's timeslots from `from` (a Beijing date) on, counted by
/// (timeslot, date) in one query.
pub(crate) async fn booking_counts(conn: &mut crate::db::Conn, place_id: i64, from: &str) -> Result<HashMap<(i64, String), i64>, AppError> {
    Ok(crate::db::query_as::<(i64, String, i64)>(&format!(
        "SELECT r.timeslot_id, r.timeslot_date, count(*) FROM requests r JOIN timeslots t ON t.id = r.timeslot_id
         WHERE t.place_id = ? AND r.timeslot_date >= ? AND r.status IN ({REQUESTS_HOLDING_TIMESLOT})
         GROUP BY r.timeslot_id, r.timeslot_date",
        REQUESTS_HOLDING_TIMESLOT = &*crate::db::REQUESTS_HOLDING_TIMESLOT
    ))
    .bind(place_id)
    .bind(from)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(id, d, n)| ((id, d), n))
    .collect())
}

/// Who made a request, its status and class: (device hash, status, class).
pub(crate) async fn owner_status(conn: &mut crate::db::Conn, id: &str) -> Result<Option<(String, String, Option<i64>)>, AppError> {
    Ok(crate::db::query_as("SELECT device_hash, status, class_id FROM requests WHERE id = ?").bind(id).fetch_optional(&mut *conn).await?)
}

/// The family cancelled it.
pub(crate) async fn mark_cancelled(conn: &mut crate::db::Conn, id: &str, now: i64) -> Result<(), AppError> {
    crate::db::query("UPDATE requests SET status = 'cancelled', updated_at = ? WHERE id = ?").bind(now).bind(id).execute(&mut *conn).await?;
    Ok(())
}
