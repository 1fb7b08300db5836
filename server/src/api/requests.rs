//! Parents' requests (预约参观, 免费入托体验, 申请托位) and the operator's inbox.
//!
//! Rules the server enforces, each answered in Chinese: a timeslot occurrence is never
//! over-booked (counted under SQLite's write lock, which `idempotency::run` takes);
//! the same request sent twice is one request (its id is made on the device); the
//! child's age must fit the class; a phone number holds at most
//! `MAX_OPEN_APPLICATIONS` open applications per place; offering a place takes one of
//! the class's vacancies in the same transaction. The parent's phone is masked in the
//! inbox; revealing it (after accepting or offering) is written to the audit trail.

use crate::db::requests::{self, positions, view, one, booked, release_place};
use crate::http::device::DeviceHash;
use crate::http::error::{AppError, FieldErrors};
use crate::http::write::{NoBody, Tx, Write};
use crate::db::places::place_org;
use crate::http::extract::{Id, ReqId};
use crate::AppState;
use app::model::requests::{
    age_fits, beijing_today, WeeklyWindow, NewRequest, RequestView, RequestsResponse, TimeslotsResponse, MAX_OPEN_APPLICATIONS, MAX_OPEN_TRIALS_PER_WEEK, MAX_OPEN_VISITS_PER_WEEK,
};
use app::model::{AgeBand, RequestKind, RequestStatus};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;



// ------------------------------------------------------------------ reading

/// `GET /api/v1/requests` — this device's requests, newest first, with waitlist positions.
#[utoipa::path(get, path = "/api/v1/requests", responses((status = 200, body = RequestsResponse), (status = 401)), tag = "requests")]
pub async fn list(State(st): State<AppState>, device: DeviceHash) -> Result<Json<RequestsResponse>, AppError> {
    let mut conn = st.read.acquire().await?;
    let rows = requests::by_device(&mut conn, &device.0, 200).await?;
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
    let timeslots = requests::active_timeslots(&mut conn, place_id).await?;
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
    let counts = requests::booking_counts(&mut conn, place_id, &beijing_today(now).format("%Y-%m-%d").to_string()).await?;
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
        // The same request again (a retry under a new key): the request as it is.
        match requests::owner(&mut tx, &new.id).await? {
            Some(owner) if owner != dev.0 => return Err(AppError::Conflict("这个申请编号已被使用，请刷新页面后重新提交".into())),
            Some(_) => {
                let row = one(&mut tx, &new.id).await?.ok_or_else(|| AppError::NotFound("没有这条申请".into()))?;
                let pos = positions(&mut tx, "id = ?", &new.id).await?;
                return Ok((tx, StatusCode::OK, view(&row, &pos)?));
            }
            None => {}
        }
        let mut errors = FieldErrors::from(new.validate(beijing_today(now)));
        let place_puhui = requests::place_puhui(&mut tx, new.place_id).await?.ok_or_else(|| AppError::NotFound("没有这个托育机构".into()))?;
        let class = match new.kind {
            RequestKind::Visit | RequestKind::Trial => {
                check_booking(&mut tx, &new, &dev, now, &mut errors).await?;
                None
            }
            RequestKind::Application => check_application(&mut tx, &new, place_puhui, &mut errors).await?,
        };
        errors.into_result()?;
        requests::insert(&mut tx, &new, &dev.0, class, now.timestamp()).await?;
        let row = one(&mut tx, &new.id).await?.ok_or_else(|| AppError::NotFound("没有这条申请".into()))?;
        let to = crate::db::privacy::Recipient { code: format!("place:{}", new.place_id), name: &row.place_name };
        crate::db::privacy::record(&mut tx, &dev.0, ("request", &new.id), &new.given_consents(), &to, new.kind.label(), now.timestamp()).await?;
        Ok((tx, StatusCode::CREATED, view(&row, &HashMap::new())?))
    })
    .await
}

/// A visit or trial: at most a few open ones a week per phone and per device, and a timeslot of
/// this place, for this kind, that can be booked on that date and is not already this phone's.
async fn check_booking(tx: &mut crate::db::Conn, new: &NewRequest, dev: &DeviceHash, now: DateTime<Utc>, errors: &mut FieldErrors) -> Result<(), AppError> {
    let cap = if new.kind == RequestKind::Visit { MAX_OPEN_VISITS_PER_WEEK } else { MAX_OPEN_TRIALS_PER_WEEK };
    let phone = new.contact_phone.trim();
    let (by_phone, by_device) = requests::open_bookings_since(tx, phone, &dev.0, new.kind, now.timestamp() - 7 * 86_400).await?;
    if by_phone >= cap || by_device >= cap {
        let whose = if by_phone >= cap { "这个手机号" } else { "这台手机" };
        errors.push(
            "contact_phone",
            format!("{whose}这一周已有 {} 个未完成的{}，最多 {cap} 个：以免占用其他家庭的时段。可以先在“我的申请”里取消一个", by_phone.max(by_device), new.kind.label()),
        );
    }
    let (Some(timeslot_id), Some(date)) = (new.timeslot_id, new.timeslot_date.as_deref()) else { return Ok(()) };
    // its bookings are counted, then one is added: one booking of a timeslot at a time
    crate::db::engine::lock_row(tx, "timeslots", timeslot_id).await?;
    let timeslot = requests::timeslot_of_place(tx, timeslot_id, new.place_id).await?;
    let problem = match (timeslot, NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()) {
        (None, _) | (_, None) => Some("没有这个时段".to_string()),
        (Some(s), _) if s.kind != new.kind.code() => Some(format!("这个时段用于{}，不是{}", s.timeslot().kind.label(), new.kind.label())),
        (Some(s), Some(d)) => match s.rule().problem(d, now, booked(tx, timeslot_id, date).await?) {
            Some(m) => Some(m.to_string()),
            None => requests::phone_holds(tx, timeslot_id, date, phone).await?.then(|| "这个手机号已经预约了这个时段".to_string()),
        },
    };
    if let Some(m) = problem {
        errors.push("timeslot", m);
    }
    Ok(())
}

/// An application: a class of this place that takes the child's age at the start month, 普惠 only
/// where the place has it, and a few open applications per phone and place. Returns the class's
/// age band and care mode (kept with the request).
async fn check_application(
    tx: &mut crate::db::Conn,
    new: &NewRequest,
    place_puhui: bool,
    errors: &mut FieldErrors,
) -> Result<Option<(String, String)>, AppError> {
    let mut class = None;
    if let Some(class_id) = new.class_id {
        class = requests::class_of_place(tx, class_id, new.place_id).await?;
        match &class {
            None => errors.push("class_id", "这家机构没有这个班级"),
            Some((band, _)) => {
                let birth_and_start = (new.child_birth_month.as_deref(), new.start_month.as_deref());
                if let (Some(b), (Some(birth), Some(start))) = (AgeBand::from_code(band), birth_and_start) {
                    if !errors.has("child_birth_month") && !errors.has("start_month") {
                        if let Err(m) = age_fits(b, birth, start) {
                            errors.push("child_birth_month", m);
                        }
                    }
                }
            }
        }
    }
    if new.puhui && !place_puhui {
        errors.push("puhui", "这家机构没有普惠托位");
    }
    let open = requests::open_applications(tx, new.place_id, new.contact_phone.trim()).await?;
    if open >= MAX_OPEN_APPLICATIONS {
        errors.push(
            "contact_phone",
            format!("这个手机号在这家机构已有 {open} 份进行中的申请，最多 {MAX_OPEN_APPLICATIONS} 份：以免占用其他家庭的候补名额。可以先在“我的申请”里取消一份"),
        );
    }
    Ok(class)
}

/// `POST /api/v1/requests/{id}/cancel` — by the device that made the request.
#[utoipa::path(post, path = "/api/v1/requests/{id}/cancel", params(("id" = String, Path,)),
    responses((status = 200, body = RequestView), (status = 404), (status = 409, body = app::model::ErrorBody)), tag = "requests")]
pub async fn cancel(State(st): State<AppState>, ReqId(id): ReqId, w: Write<NoBody>) -> Result<Response, AppError> {
    let dev = w.device.clone();
    let now = st.clock.unix();
    w.run(&st, move |mut tx: Tx, _| async move {
        let owner = requests::owner_status(&mut tx, &id).await?;
        let Some((owner, status, class_id)) = owner.filter(|o| o.0 == dev.0) else {
            return Err(AppError::NotFound("没有这条申请".into()));
        };
        let status = RequestStatus::from_code(&status).ok_or_else(|| crate::db::unknown("status", &status))?;
        let _ = owner;
        if status.is_open() {
            if status == RequestStatus::Offered {
                release_place(&mut tx, now, class_id).await?;
            }
            requests::mark_cancelled(&mut tx, &id, now).await?;
        } else if status != RequestStatus::Cancelled {
            return Err(AppError::Conflict(format!("这条申请已是“{}”，不能取消", status.label())));
        }
        let row = one(&mut tx, &id).await?.ok_or_else(|| AppError::NotFound("没有这条申请".into()))?;
        Ok((tx, StatusCode::OK, serde_json::to_value(view(&row, &HashMap::new())?).map_err(anyhow::Error::from)?))
    })
    .await
}

crate::api::resource_routes!(openings; list, create; cancel);
