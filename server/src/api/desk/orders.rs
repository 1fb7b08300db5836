//! The provider's side of home-care orders on the desk: its providers, orders, carers and
//! decisions (接单 / 派单 / 核实身份 / 拒绝).

use crate::db::orders::{self, order, provider_order};
use app::model::orders::{OperatorProvider, OrderAction, OrderDecision, OrderStatus, OrderView, ProviderOrder};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use crate::AppState;
use crate::api::auth::Session;
use crate::http::access::{log_reads, reader, writer_of, Of, Read};
use crate::http::audit::{self, About};
use crate::http::error::AppError;
use crate::http::extract::{Id, ReqId};
use crate::http::write::{By, Tx, Write};

/// `GET /api/v1/operator/providers` — the providers of this account's organisation.
#[utoipa::path(get, path = "/api/v1/operator/providers", responses((status = 200, body = [OperatorProvider]), (status = 401)), tag = "operator")]
pub async fn operator_providers(State(st): State<AppState>, session: Session) -> Result<Json<Vec<OperatorProvider>>, AppError> {
    let rows: Vec<(i64, String, String)> = match session.user.organisation_id.filter(|_| session.user.carer_id.is_none()) {
        Some(org) => {
            let mut conn = st.read.acquire().await?;
            orders::providers_of(&mut conn, org).await?
        }
        None => vec![],
    };
    Ok(Json(
        rows.into_iter()
            .filter_map(|(id, name, kind)| Some(OperatorProvider { id, name, kind: app::model::ProviderKind::from_code(&kind)? }))
            .collect(),
    ))
}

/// `GET /api/v1/operator/providers/{id}/orders` — new orders first, with the shared profile.
#[utoipa::path(get, path = "/api/v1/operator/providers/{id}/orders", params(("id" = i64, Path,)),
    responses((status = 200, body = [ProviderOrder]), (status = 401), (status = 403)), tag = "operator")]
pub async fn provider_orders(State(st): State<AppState>, session: Session, Id(provider_id): Id) -> Result<Json<Vec<ProviderOrder>>, AppError> {
    let mut conn = reader(&st, &session.user, Of::Provider(provider_id)).await?;
    let rows = orders::of_provider(&mut conn, provider_id).await?;
    drop(conn);
    let read = rows.iter().filter(|r| r.elder_name != crate::db::places::ANONYMISED).map(crate::db::orders::subject).collect();
    let out = rows.into_iter().map(|r| provider_order(r).map(crate::db::orders::masked_for_provider)).collect::<Result<_, AppError>>()?;
    log_reads(&st, &session.user, Read::ElderProfile, "处理上门服务订单", read).await?;
    Ok(Json(out))
}

/// `POST /api/v1/operator/orders/{id}/decision` — accept, decline (with a reason), assign a
/// carer of the provider, or confirm the categories the subsidy rests on.
#[utoipa::path(post, path = "/api/v1/operator/orders/{id}/decision", params(("id" = String, Path,)), request_body = OrderDecision,
    responses((status = 200, body = OrderView), (status = 401), (status = 403), (status = 404), (status = 409, body = app::model::ErrorBody),
        (status = 422, body = app::model::ErrorBody)), tag = "operator")]
pub async fn decide(
    State(st): State<AppState>,
    session: Session,
    ReqId(id): ReqId,
    w: Write<OrderDecision>,
) -> Result<Response, AppError> {
    w.run_as(&st, &session, move |mut tx: Tx, d, By { user, now }| async move {
        let o = order(&mut tx, &id).await?;
        let org = writer_of(&mut tx, &user, Of::Provider(o.provider_id)).await?;
        let message = d.message.as_deref().map(str::trim).filter(|m| !m.is_empty()).map(String::from);
        if d.message.as_ref().is_some_and(|m| m.chars().count() > 200) {
            return Err(AppError::field("message", "留言最多 200 个字"));
        }
        let mut carer = None;
        let to = match (d.action, o.status) {
            (OrderAction::Accept, OrderStatus::Submitted) => OrderStatus::Accepted,
            (OrderAction::Decline, OrderStatus::Submitted | OrderStatus::Accepted | OrderStatus::Assigned) => {
                if message.is_none() {
                    return Err(AppError::field("message", "拒绝时请写明原因，家属会看到"));
                }
                OrderStatus::Declined
            }
            (OrderAction::Assign, OrderStatus::Accepted | OrderStatus::Assigned) => {
                let c = d.carer_id.ok_or_else(|| AppError::field("carer_id", "请选择护理员"))?;
                let today = app::model::requests::beijing_today(now);
                if let Err(why) = crate::db::carers::assignable(&mut tx, c, o.provider_id, today).await? {
                    return Err(AppError::field("carer_id", why));
                }
                carer = Some(c);
                OrderStatus::Assigned
            }
            (OrderAction::ConfirmCategory, s) if s.holds_timeslot() => s,
            (a, s) => {
                let what = match a {
                    OrderAction::Accept => "接单",
                    OrderAction::Decline => "拒绝",
                    OrderAction::Assign => "派单",
                    OrderAction::ConfirmCategory => "核实身份",
                };
                return Err(AppError::Conflict(format!("订单已是“{}”，不能再{what}", s.label())));
            }
        };
        let decided = orders::Decided {
            id: &id,
            to,
            carer_id: carer,
            message: message.as_deref(),
            category_confirmed: d.action == OrderAction::ConfirmCategory,
            now: now.timestamp(),
        };
        orders::decide(&mut tx, decided).await?;
        let detail = serde_json::json!({ "order_id": id, "action": d.action, "from": o.status.code(), "to": to.code(), "carer_id": carer, "message": message });
        audit::record(&mut tx, (&user, now), About::Organisation(Some(org)), "order_decision", detail).await?;
        let v = order(&mut tx, &id).await?;
        Ok((tx, StatusCode::OK, v))
    })
    .await
}

crate::api::resource_routes!(operator_providers; provider_orders; decide);
