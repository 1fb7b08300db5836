//! The visit itself: the carer's list and check-in / check-out (the tap's time is kept
//! even when it reaches the server later; the position's distance from the address is
//! kept and flagged beyond 100 m), the family's rating and rescheduling, and the weekly
//! 探访 the 宿城区 rule requires (plans, generation once per week, missed weeks).

use crate::db::welfare::{self, visit_from};
use crate::http::device::DeviceHash;
use crate::http::error::{AppError, FieldErrors};
use crate::http::write::{Tx, Write};
use crate::api::orders::{timeslot_problem};
use crate::db::orders::{self, order};
use crate::http::extract::ReqId;
use crate::AppState;
use app::model::orders::{
    date_problem, move_problem, NewRating, OrderStatus, Reschedule, WelfarePlan, WelfarePlansResponse,
};
use app::model::requests::beijing_today;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};

/// How far a phone's clock may run ahead of the server's.
pub(crate) const CLOCK_SKEW_S: i64 = 10 * 60;
/// How long a tap may wait on a phone before it reaches the server.
pub(crate) const TAP_MAX_AGE_DAYS: i64 = 7;

pub(crate) fn tap_problem(at: DateTime<Utc>, now: DateTime<Utc>) -> Option<&'static str> {
    if (at - now).num_seconds() > CLOCK_SKEW_S {
        Some("记录的时间晚于现在，请检查手机的日期和时间")
    } else if (now - at).num_days() > TAP_MAX_AGE_DAYS {
        Some("这条记录保存在手机上已超过 7 天，请联系机构补录")
    } else {
        None
    }
}

pub(crate) fn json(v: impl serde::Serialize) -> Result<serde_json::Value, AppError> {
    Ok(serde_json::to_value(v).map_err(anyhow::Error::from)?)
}

// ------------------------------------------------------------------ the family

pub(crate) async fn own_family_order(tx: &mut crate::db::Conn, id: &str, dev: &DeviceHash) -> Result<app::model::orders::OrderView, AppError> {
    if crate::db::orders::owner(tx, id).await?.as_deref() != Some(dev.0.as_str()) {
        return Err(AppError::NotFound("没有这个订单".into()));
    }
    order(tx, id).await
}

/// `POST /api/v1/orders/{id}/rating` — 1–5 stars and a comment, once the visit is done
/// (sent again, it replaces the earlier rating).
#[utoipa::path(post, path = "/api/v1/orders/{id}/rating", params(("id" = String, Path,)), request_body = NewRating,
    responses((status = 200, body = app::model::orders::OrderView), (status = 404), (status = 409, body = app::model::ErrorBody),
        (status = 422, body = app::model::ErrorBody)), tag = "home services")]
pub async fn rate(State(st): State<AppState>, ReqId(id): ReqId, w: Write<NewRating>) -> Result<Response, AppError> {
    let r = &w.body;
    FieldErrors::from(r.validate()).into_result()?;
    let dev = w.device.clone();
    let now = st.clock.unix();
    w.run(&st, move |mut tx: Tx, r| async move {
        let o = own_family_order(&mut tx, &id, &dev).await?;
        if o.status != OrderStatus::Completed {
            return Err(AppError::Conflict(format!("订单是“{}”，服务完成后才能评价", o.status.label())));
        }
        orders::rate(&mut tx, &id, &r, now).await?;
        let v = order(&mut tx, &id).await?;
        Ok((tx, StatusCode::OK, json(v)?))
    })
    .await
}

/// `POST /api/v1/orders/{id}/reschedule` — another timeslot of the same item, within
/// the provider's cancellation window. The order goes back to 已提交: the provider
/// confirms the new time and assigns a carer again.
#[utoipa::path(post, path = "/api/v1/orders/{id}/reschedule", params(("id" = String, Path,)), request_body = Reschedule,
    responses((status = 200, body = app::model::orders::OrderView), (status = 404), (status = 409, body = app::model::ErrorBody),
        (status = 422, body = app::model::ErrorBody)), tag = "home services")]
pub async fn reschedule(State(st): State<AppState>, ReqId(id): ReqId, w: Write<Reschedule>) -> Result<Response, AppError> {
    let dev = w.device.clone();
    let now = st.clock.now();
    w.run(&st, move |mut tx: Tx, r| async move {
        let o = own_family_order(&mut tx, &id, &dev).await?;
        if !matches!(o.status, OrderStatus::Submitted | OrderStatus::Accepted | OrderStatus::Assigned) {
            return Err(AppError::Conflict(format!("订单已是“{}”，不能改期", o.status.label())));
        }
        if now > o.cancel_until {
            return Err(AppError::field("timeslot", format!("距上门已不足机构规定的时间，请直接致电 {} {} 改期", o.provider_name, o.provider_phone)));
        }
        let current = orders::timeslot_id(&mut tx, &id).await?;
        if current == r.timeslot_id && o.date == r.date {
            return Ok((tx, StatusCode::OK, json(o)?));
        }
        let problem = match date_problem(&r.date, beijing_today(now)) {
            Some(m) => Some(m.to_string()),
            None => match timeslot_problem(&mut tx, now, o.provider_id, o.item, r.timeslot_id, &r.date, &id).await? {
                Some(m) => Some(m),
                None => {
                    let start = orders::provider_timeslot_start(&mut tx, r.timeslot_id).await?;
                    move_problem(&o, &r.date, &app::model::requests::hhmm(start as u32), now)
                }
            },
        };
        if let Some(m) = problem {
            return Err(AppError::field("timeslot", m));
        }
        orders::reschedule(&mut tx, &id, r.timeslot_id, &r.date, now.timestamp()).await?;
        let v = order(&mut tx, &id).await?;
        Ok((tx, StatusCode::OK, json(v)?))
    })
    .await
}

// ------------------------------------------------------------------ weekly 探访

/// `GET /api/v1/welfare-visits` — the weekly 探访 of the people this device orders for,
/// the last eight weeks each.
#[utoipa::path(get, path = "/api/v1/welfare-visits", responses((status = 200, body = WelfarePlansResponse), (status = 401)), tag = "home services")]
pub async fn family_plans(State(st): State<AppState>, device: DeviceHash) -> Result<Json<WelfarePlansResponse>, AppError> {
    let now = st.clock.now();
    let mut conn = st.read.acquire().await?;
    let plans = plans_of(&mut conn, &device, now, false).await?;
    Ok(Json(WelfarePlansResponse { plans, generated_at: now }))
}

/// The device's weekly 探访 plans (running ones; with `ended` the ended ones too), each with
/// its last eight weeks.
pub(crate) async fn plans_of(conn: &mut crate::db::Conn, device: &DeviceHash, now: DateTime<Utc>, ended: bool) -> Result<Vec<WelfarePlan>, AppError> {
    let today = beijing_today(now);
    let plans = welfare::family_plans(conn, device, ended).await?;
    let mut out = Vec::with_capacity(plans.len());
    for (id, elder_name, reason, provider_id, provider_name, provider_phone, started_on, is_sample, consent_id, ended_on) in plans {
        let visits = welfare::recent_visits(conn, id, today).await?;
        out.push(WelfarePlan {
            id,
            elder_name,
            reason,
            provider_id,
            provider_name,
            provider_phone,
            started_on,
            visits: visits.into_iter().map(visit_from).collect(),
            is_sample,
            consent_id,
            ended_on,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(crate) fn taps_from_the_future_or_long_kept_are_refused() {
        let now = Utc::now();
        assert_eq!(tap_problem(now, now), None);
        assert_eq!(tap_problem(now - chrono::Duration::days(3), now), None, "kept offline for days: fine");
        assert!(tap_problem(now + chrono::Duration::minutes(30), now).is_some());
        assert!(tap_problem(now - chrono::Duration::days(8), now).is_some());
    }
}

crate::api::resource_routes!(rate; reschedule; family_plans);
