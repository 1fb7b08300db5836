//! Parents' requests (预约参观, 免费入托体验, 申请托位) and the operator's inbox.
//!
//! Rules the server enforces, each answered in Chinese: a timeslot occurrence is never
//! over-booked (counted under SQLite's write lock, which `idempotency::run` takes);
//! the same request sent twice is one request (its id is made on the device); the
//! child's age must fit the class; a phone number holds at most
//! `MAX_OPEN_APPLICATIONS` open applications per place; offering a place takes one of
//! the class's vacancies in the same transaction. The parent's phone is masked in the
//! inbox; revealing it (after accepting or offering) is written to the audit trail.

use crate::db::requests::{Row, SELECT, positions, view, one, TimeslotRow, TIMESLOT_COLS, booked, release_place};
use utoipa_axum::{router::OpenApiRouter, routes};
use crate::http::device::DeviceHash;
use crate::http::error::{AppError, FieldErrors};
use crate::http::write::{NoBody, Tx, Write};
use crate::db::places::place_org;
use crate::http::extract::{Id, ReqId};
use crate::AppState;
use app::model::requests::{
    age_fits, beijing_minutes, beijing_today, WeeklyWindow, NewRequest, RequestView, RequestsResponse, TimeslotsResponse, MAX_OPEN_APPLICATIONS, MAX_OPEN_TRIALS_PER_WEEK, MAX_OPEN_VISITS_PER_WEEK,
};
use app::model::{AgeBand, RequestKind, RequestStatus};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;



// ------------------------------------------------------------------ reading

/// `GET /api/v1/requests` — this device's requests, newest first, with waitlist positions.
#[utoipa::path(get, path = "/api/v1/requests", responses((status = 200, body = RequestsResponse), (status = 401)), tag = "requests")]
pub async fn list(State(st): State<AppState>, device: DeviceHash) -> Result<Json<RequestsResponse>, AppError> {
    let mut conn = st.read.acquire().await?;
    let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} WHERE r.device_hash = ? ORDER BY r.created_at DESC, r.rowid DESC LIMIT 200"))
        .bind(&device.0)
        .fetch_all(&mut *conn)
        .await?;
    let pos = positions(&mut conn, "device_hash = ?", &device.0).await?;
    let requests = rows.iter().map(|r| view(r, &pos)).collect::<Result<_, _>>()?;
    Ok(Json(RequestsResponse { requests, generated_at: st.clock.now() }))
}

// ------------------------------------------------------------------ timeslots

/// `GET /api/v1/places/{id}/timeslots` — visits and trials of the next two weeks.
#[utoipa::path(get, path = "/api/v1/places/{id}/timeslots", params(("id" = i64, Path,)),
    responses((status = 200, body = TimeslotsResponse), (status = 404)), tag = "requests")]
pub async fn openings(State(st): State<AppState>, Id(place_id): Id) -> Result<Json<TimeslotsResponse>, AppError> {
    let mut conn = st.read.acquire().await?;
    place_org(&mut conn, place_id).await?;
    let timeslots: Vec<TimeslotRow> = sqlx::query_as(&format!("SELECT {TIMESLOT_COLS} FROM timeslots WHERE place_id = ? AND active = 1"))
        .bind(place_id)
        .fetch_all(&mut *conn)
        .await?;
    let now = st.clock.now();
    let windows: Vec<WeeklyWindow> = timeslots
        .iter()
        .map(|t| WeeklyWindow {
            id: t.id,
            kind: t.timeslot().kind,
            weekday: t.weekday as u8,
            start_min: t.start_min as u32,
            end_min: t.end_min as u32,
            capacity: t.capacity as u32,
        })
        .collect();
    // Every booking count of the fortnight in one query.
    let counts: HashMap<(i64, String), i64> = sqlx::query_as::<_, (i64, String, i64)>(
        &format!("SELECT r.timeslot_id, r.timeslot_date, count(*) FROM requests r JOIN timeslots t ON t.id = r.timeslot_id
         WHERE t.place_id = ? AND r.timeslot_date >= ? AND r.status IN ({REQUESTS_HOLDING_TIMESLOT})
         GROUP BY r.timeslot_id, r.timeslot_date", REQUESTS_HOLDING_TIMESLOT = &*crate::db::REQUESTS_HOLDING_TIMESLOT),
    )
    .bind(place_id)
    .bind(beijing_today(now).format("%Y-%m-%d").to_string())
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(id, d, n)| ((id, d), n))
    .collect();
    let openings = app::model::requests::openings(&windows, now, |id, d| counts.get(&(id, d.to_string())).copied().unwrap_or(0) as u32);
    Ok(Json(TimeslotsResponse { place_id, openings, generated_at: now }))
}

// ------------------------------------------------------------------ parents' writes

/// `POST /api/v1/requests` — a visit, a trial or an application, from a parent's device.
#[utoipa::path(post, path = "/api/v1/requests", request_body = NewRequest,
    responses((status = 201, body = RequestView), (status = 200, description = "Sent before: the same request", body = RequestView),
        (status = 409, body = app::model::ErrorBody), (status = 422, body = app::model::ErrorBody)), tag = "requests")]
pub async fn create(State(st): State<AppState>, w: Write<NewRequest>) -> Result<Response, AppError> {
    let dev = w.device.clone();
    let now = st.clock.now();
    w.run(&st, move |mut tx: Tx, new| async move {
        let today = beijing_today(now);
        // The same request again (a retry under a new key): the request as it is.
        let existing: Option<String> =
            sqlx::query_scalar("SELECT device_hash FROM requests WHERE id = ?").bind(&new.id).fetch_optional(&mut *tx).await?;
        if let Some(owner) = existing {
            if owner != dev.0 {
                return Err(AppError::Conflict("这个申请编号已被使用，请刷新页面后重新提交".into()));
            }
            let row = one(&mut tx, &new.id).await?.ok_or_else(|| AppError::NotFound("没有这条申请".into()))?;
            let pos = positions(&mut tx, "id = ?", &new.id).await?;
            return Ok((tx, StatusCode::OK, view(&row, &pos)?));
        }
        let mut errors = FieldErrors::from(new.validate(today));
        let place: Option<bool> =
            sqlx::query_scalar("SELECT puhui FROM places WHERE id = ?").bind(new.place_id).fetch_optional(&mut *tx).await?;
        let Some(place_puhui) = place else {
            return Err(AppError::NotFound("没有这个托育机构".into()));
        };
        let phone = new.contact_phone.trim().to_string();
        let mut class: Option<(String, String)> = None;
        match new.kind {
            RequestKind::Visit | RequestKind::Trial => {
                let cap = if new.kind == RequestKind::Visit { MAX_OPEN_VISITS_PER_WEEK } else { MAX_OPEN_TRIALS_PER_WEEK };
                let (by_phone, by_device): (i64, i64) = sqlx::query_as(
                    &format!("SELECT (SELECT count(*) FROM requests WHERE contact_phone = ?1 AND kind = ?3 AND created_at > ?4
                               AND status IN ({REQUESTS_HOLDING_TIMESLOT})),
                            (SELECT count(*) FROM requests WHERE device_hash = ?2 AND kind = ?3 AND created_at > ?4
                               AND status IN ({REQUESTS_HOLDING_TIMESLOT}))", REQUESTS_HOLDING_TIMESLOT = &*crate::db::REQUESTS_HOLDING_TIMESLOT),
                )
                .bind(&phone)
                .bind(&dev.0)
                .bind(new.kind.code())
                .bind(now.timestamp() - 7 * 86_400)
                .fetch_one(&mut *tx)
                .await?;
                if by_phone >= cap || by_device >= cap {
                    let whose = if by_phone >= cap { "这个手机号" } else { "这台手机" };
                    errors.push("contact_phone", format!(
                            "{whose}这一周已有 {} 个未完成的{}，最多 {cap} 个：以免占用其他家庭的时段。可以先在“我的申请”里取消一个",
                            by_phone.max(by_device),
                            new.kind.label()
                        ));
                }
                if let (Some(timeslot_id), Some(date)) = (new.timeslot_id, new.timeslot_date.as_deref()) {
                    let timeslot: Option<TimeslotRow> =
                        sqlx::query_as(&format!("SELECT {TIMESLOT_COLS} FROM timeslots WHERE id = ? AND place_id = ?"))
                            .bind(timeslot_id)
                            .bind(new.place_id)
                            .fetch_optional(&mut *tx)
                            .await?;
                    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok();
                    match (timeslot, d) {
                        (None, _) | (_, None) => errors.push("timeslot", "没有这个时段"),
                        (Some(s), Some(d)) => {
                            let msg = if s.kind != new.kind.code() {
                                Some(format!("这个时段用于{}，不是{}", s.timeslot().kind.label(), new.kind.label()))
                            } else if !s.active {
                                Some("机构已停用这个时段，请选择其他时段".into())
                            } else if d.weekday().number_from_monday() as i64 != s.weekday {
                                Some("日期与时段的星期不一致".into())
                            } else if d == today && s.start_min <= beijing_minutes(now) as i64 {
                                Some("这个时段已经开始或过去了，请选择其他时段".into())
                            } else if booked(&mut tx, timeslot_id, date).await? >= s.capacity {
                                Some("这个时段已约满，请选择其他时段".into())
                            } else {
                                let mine: i64 = sqlx::query_scalar(
                                    &format!("SELECT count(*) FROM requests WHERE timeslot_id = ? AND timeslot_date = ? AND contact_phone = ?
                                       AND status IN ({REQUESTS_HOLDING_TIMESLOT})", REQUESTS_HOLDING_TIMESLOT = &*crate::db::REQUESTS_HOLDING_TIMESLOT),
                                )
                                .bind(timeslot_id)
                                .bind(date)
                                .bind(&phone)
                                .fetch_one(&mut *tx)
                                .await?;
                                (mine > 0).then(|| "这个手机号已经预约了这个时段".into())
                            };
                            if let Some(m) = msg {
                                errors.push("timeslot", m);
                            }
                        }
                    }
                }
            }
            RequestKind::Application => {
                if let Some(class_id) = new.class_id {
                    let row: Option<(String, String)> =
                        sqlx::query_as("SELECT age_band, care_mode FROM classes WHERE id = ? AND place_id = ?")
                            .bind(class_id)
                            .bind(new.place_id)
                            .fetch_optional(&mut *tx)
                            .await?;
                    match &row {
                        None => errors.push("class_id", "这家机构没有这个班级"),
                        Some((band, _)) => {
                            if let (Some(b), Some(birth), Some(start)) =
                                (AgeBand::from_code(band), new.child_birth_month.as_deref(), new.start_month.as_deref())
                            {
                                if !errors.has("child_birth_month") && !errors.has("start_month") {
                                    if let Err(m) = age_fits(b, birth, start) {
                                        errors.push("child_birth_month", m);
                                    }
                                }
                            }
                        }
                    }
                    class = row;
                }
                if new.puhui && !place_puhui {
                    errors.push("puhui", "这家机构没有普惠托位");
                }
                let open: i64 = sqlx::query_scalar(
                    &format!("SELECT count(*) FROM requests WHERE place_id = ? AND contact_phone = ? AND kind = 'application'
                       AND status IN ({OPEN_APPLICATIONS})", OPEN_APPLICATIONS = &*crate::db::OPEN_APPLICATIONS),
                )
                .bind(new.place_id)
                .bind(&phone)
                .fetch_one(&mut *tx)
                .await?;
                if open >= MAX_OPEN_APPLICATIONS {
                    errors.push("contact_phone", format!(
                            "这个手机号在这家机构已有 {open} 份进行中的申请，最多 {MAX_OPEN_APPLICATIONS} 份：以免占用其他家庭的候补名额。可以先在“我的申请”里取消一份"
                        ));
                }
            }
        }
        errors.into_result()?;
        let is_app = new.kind == RequestKind::Application;
        sqlx::query(
            "INSERT INTO requests (id, device_hash, place_id, kind, timeslot_id, timeslot_date, class_id, age_band, care_mode,
                child_birth_month, start_month, puhui, priority_grounds, priority, contact_name, contact_phone, consent_at,
                status, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, 'submitted', ?17, ?17)",
        )
        .bind(&new.id)
        .bind(&dev.0)
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
        .bind(&phone)
        .bind(now.timestamp())
        .execute(&mut *tx)
        .await?;
        let row = one(&mut tx, &new.id).await?.ok_or_else(|| AppError::NotFound("没有这条申请".into()))?;
        Ok((tx, StatusCode::CREATED, view(&row, &HashMap::new())?))
    })
    .await
}

/// `POST /api/v1/requests/{id}/cancel` — by the device that made the request.
#[utoipa::path(post, path = "/api/v1/requests/{id}/cancel", params(("id" = String, Path,)),
    responses((status = 200, body = RequestView), (status = 404), (status = 409, body = app::model::ErrorBody)), tag = "requests")]
pub async fn cancel(State(st): State<AppState>, ReqId(id): ReqId, w: Write<NoBody>) -> Result<Response, AppError> {
    let dev = w.device.clone();
    let now = st.clock.unix();
    w.run(&st, move |mut tx: Tx, _| async move {
        let owner: Option<(String, String, Option<i64>)> =
            sqlx::query_as("SELECT device_hash, status, class_id FROM requests WHERE id = ?").bind(&id).fetch_optional(&mut *tx).await?;
        let Some((owner, status, class_id)) = owner.filter(|o| o.0 == dev.0) else {
            return Err(AppError::NotFound("没有这条申请".into()));
        };
        let status = RequestStatus::from_code(&status).ok_or_else(|| crate::db::unknown("status", &status))?;
        let _ = owner;
        if status.is_open() {
            if status == RequestStatus::Offered {
                release_place(&mut tx, now, class_id).await?;
            }
            sqlx::query("UPDATE requests SET status = 'cancelled', updated_at = ? WHERE id = ?").bind(now).bind(&id).execute(&mut *tx).await?;
        } else if status != RequestStatus::Cancelled {
            return Err(AppError::Conflict(format!("这条申请已是“{}”，不能取消", status.label())));
        }
        let row = one(&mut tx, &id).await?.ok_or_else(|| AppError::NotFound("没有这条申请".into()))?;
        Ok((tx, StatusCode::OK, serde_json::to_value(view(&row, &HashMap::new())?).map_err(anyhow::Error::from)?))
    })
    .await
}

// ------------------------------------------------------------------ operators' writes

/// This resource's routes: each path is the one its `#[utoipa::path]` names.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(openings))
        .routes(routes!(list, create))
        .routes(routes!(cancel))
}
