//! The carer's phone: their own assigned visits, 签到 / 签退 with the tap's time and position
//! (flagged beyond 100 m), tasks with reasons.

use crate::api::visits::{json, tap_problem};
use app::model::elder::ElderProfile;
use app::rules::geo::{distance_m, LatLng};
use app::model::orders::{CheckIn, CheckOut, OrderStatus, ProviderOrder};
use app::model::requests::beijing_today;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use crate::AppState;
use crate::api::auth::Session;
use crate::db::orders::{self, order, provider_order};
use crate::http::audit::{self, About};
use crate::http::error::{AppError, FieldErrors};
use crate::http::extract::ReqId;
use crate::http::write::{By, Tx, Write};

/// `GET /api/v1/carer/visits` — this carer's visits from yesterday to a week ahead, and
/// any still in service, in time order.
#[utoipa::path(get, path = "/api/v1/carer/visits", responses((status = 200, body = [ProviderOrder]), (status = 401), (status = 403)), tag = "carer")]
pub async fn carer_visits(State(st): State<AppState>, session: Session) -> Result<Json<Vec<ProviderOrder>>, AppError> {
    let carer = carer_of(&session)?;
    let today = beijing_today(st.clock.now());
    let from = (today - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    let to = (today + chrono::Duration::days(7)).format("%Y-%m-%d").to_string();
    let rows = {
        let mut conn = st.read.acquire().await?;
        orders::carers_visits(&mut conn, carer, &from, &to).await?
    };
    let read = rows.iter().map(crate::db::orders::subject).collect();
    let out = rows.into_iter().map(|r| provider_order(r).map(for_carer)).collect::<Result<_, _>>()?;
    crate::http::access::log_reads(&st, &session.user, crate::http::access::Read::ElderProfile, "护理员上门服务", read).await?;
    Ok(Json(out))
}

/// `POST /api/v1/carer/orders/{id}/check-in` — at the door: 已派单 → 服务中.
#[utoipa::path(post, path = "/api/v1/carer/orders/{id}/check-in", params(("id" = String, Path,)), request_body = CheckIn,
    responses((status = 200, body = app::model::orders::OrderView), (status = 401), (status = 403), (status = 404),
        (status = 409, body = app::model::ErrorBody), (status = 422, body = app::model::ErrorBody)), tag = "carer")]
pub async fn check_in(
    State(st): State<AppState>,
    session: Session,
    ReqId(id): ReqId,
    w: Write<CheckIn>,
) -> Result<Response, AppError> {
    let carer = carer_of(&session)?;
    let c = &w.body;
    FieldErrors::from(app::model::orders::position_errors(c.lat, c.lng)).into_result()?;
    // Checks that depend on the time run inside: a replay of a stored answer must not be
    // judged again days later.
    w.run_as(&st, &session, move |mut tx: Tx, c, By { user, now }| async move {
        let (o, elder) = own_order(&mut tx, &id, carer).await?;
        if let Some(m) = tap_problem(c.tapped_at, now).or_else(|| (c.tapped_at < o.created_at).then_some("签到时间早于下单时间，请检查手机的日期和时间")) {
            return Err(AppError::field("tapped_at", m));
        }
        match o.status {
            OrderStatus::Assigned => {
                let distance = distance_from(&elder, c.lat, c.lng);
                orders::check_in(&mut tx, &id, &c, distance, now.timestamp()).await?;
                let detail = serde_json::json!({ "order_id": id, "tapped_at": c.tapped_at, "distance_m": distance });
                audit::record(&mut tx, (&user, now), About::Organisation(user.organisation_id), "check_in", detail).await?;
            }
            // Checked in already (from this phone or another): the first tap stands.
            OrderStatus::InService | OrderStatus::Completed => {}
            s => return Err(AppError::Conflict(format!("订单已是“{}”，不能签到", s.label()))),
        }
        let v = order(&mut tx, &id).await?;
        Ok((tx, StatusCode::OK, json(v)?))
    })
    .await
}

/// `POST /api/v1/carer/orders/{id}/check-out` — leaving: the tasks, 服务中 → 已完成.
#[utoipa::path(post, path = "/api/v1/carer/orders/{id}/check-out", params(("id" = String, Path,)), request_body = CheckOut,
    responses((status = 200, body = app::model::orders::OrderView), (status = 401), (status = 403), (status = 404),
        (status = 409, body = app::model::ErrorBody), (status = 422, body = app::model::ErrorBody)), tag = "carer")]
pub async fn check_out(
    State(st): State<AppState>,
    session: Session,
    ReqId(id): ReqId,
    w: Write<CheckOut>,
) -> Result<Response, AppError> {
    let carer = carer_of(&session)?;
    let c = &w.body;
    FieldErrors::from(c.validate()).into_result()?;
    w.run_as(&st, &session, move |mut tx: Tx, c, By { user, now }| async move {
        let (o, elder) = own_order(&mut tx, &id, carer).await?;
        if let Some(m) = tap_problem(c.tapped_at, now) {
            return Err(AppError::field("tapped_at", m));
        }
        match o.status {
            OrderStatus::InService => {
                if o.check_in.as_ref().is_some_and(|i| c.tapped_at < i.at) {
                    return Err(AppError::field("tapped_at", "签退时间早于签到时间，请检查手机的日期和时间"));
                }
                let distance = distance_from(&elder, c.lat, c.lng);
                let tasks: Vec<app::model::orders::VisitTask> = c
                    .tasks
                    .iter()
                    .map(|t| app::model::orders::VisitTask {
                        task: t.task.trim().to_string(),
                        done: t.done,
                        reason: t.reason.as_deref().map(str::trim).filter(|r| !r.is_empty() && !t.done).map(String::from),
                    })
                    .collect();
                orders::check_out(&mut tx, &id, &c, &tasks, distance, now.timestamp()).await?;
                let detail = serde_json::json!({ "order_id": id, "tapped_at": c.tapped_at, "distance_m": distance,
                    "not_done": tasks.iter().filter(|t| !t.done).count() });
                audit::record(&mut tx, (&user, now), About::Organisation(user.organisation_id), "check_out", detail).await?;
            }
            OrderStatus::Completed => {}
            OrderStatus::Assigned => return Err(AppError::Conflict("还没有签到，请先签到再签退".into())),
            s => return Err(AppError::Conflict(format!("订单已是“{}”，不能签退", s.label()))),
        }
        let v = order(&mut tx, &id).await?;
        Ok((tx, StatusCode::OK, json(v)?))
    })
    .await
}

crate::api::resource_routes!(carer_visits; check_in; check_out);

pub(crate) fn carer_of(session: &Session) -> Result<i64, AppError> {
    session.user.carer_id.ok_or_else(|| AppError::Forbidden("只有护理员账号有上门任务".into()))
}

pub(crate) fn distance_from(elder: &ElderProfile, lat: Option<f64>, lng: Option<f64>) -> Option<f64> {
    Some(distance_m(LatLng::new(lat?, lng?), LatLng::new(elder.lat, elder.lng)))
}

/// The carer's own order with the address's position; 404 for anyone else's.
pub(crate) async fn own_order(tx: &mut crate::db::Conn, id: &str, carer: i64) -> Result<(app::model::orders::OrderView, ElderProfile), AppError> {
    let row = orders::carers_order(tx, id, carer).await?;
    let o = provider_order(row.ok_or_else(|| AppError::NotFound("没有这个上门任务".into()))?)?;
    Ok((o.order, o.elder))
}

/// A carer sees what the visit needs (who, where, how to reach them, the capability level for
/// the care), not the family's declared categories or the address before the visit is theirs.
pub(crate) fn for_carer(mut o: ProviderOrder) -> ProviderOrder {
    o.elder.categories.clear();
    o.elder.consent_categories = false;
    // who pays (and under which rule) would tell the categories again
    o.order.quote = app::model::elder::Quote {
        market_price_yuan: 0,
        public_pays_yuan: 0,
        family_pays_yuan: 0,
        rule_id: None,
        rule_name: None,
        payer: None,
        explanation: String::new(),
        needs_confirmation: false,
    };
    o.order.category_confirmed = false;
    o
}
