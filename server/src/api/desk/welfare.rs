//! The weekly 探访 on the provider's desk: the list (missed first) and the record of a visit.

use crate::api::visits::{json, tap_problem};
use crate::db::welfare::{self, visit_from, ymd, ProviderVisitRow};
use app::model::elder::ElderProfile;
use app::model::orders::{ProviderWelfareVisit, RecordWelfareVisit, week_start};
use app::model::requests::beijing_today;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use crate::AppState;
use crate::api::auth::Session;
use crate::http::access::{log_reads, reader, writer_of, Of, Read, Subject};
use crate::http::audit::{self, About};
use crate::http::error::AppError;
use crate::http::extract::Id;
use crate::http::write::{By, Tx, Write};

/// `GET /api/v1/operator/providers/{id}/welfare-visits` — missed weeks first, then this
/// week's due visits, then the last fortnight's done ones.
#[utoipa::path(get, path = "/api/v1/operator/providers/{id}/welfare-visits", params(("id" = i64, Path,)),
    responses((status = 200, body = [ProviderWelfareVisit]), (status = 401), (status = 403)), tag = "operator")]
pub async fn provider_visits(State(st): State<AppState>, session: Session, Id(provider_id): Id) -> Result<Json<Vec<ProviderWelfareVisit>>, AppError> {
    let mut conn = reader(&st, &session.user, Of::Provider(provider_id)).await?;
    let today = beijing_today(st.clock.now());
    let this_week = week_start(today);
    let since = ymd(this_week - chrono::Duration::weeks(8));
    let done_since = ymd(this_week - chrono::Duration::weeks(1));
    let rows = welfare::provider_visits(&mut conn, provider_id, &ymd(today), &since, &done_since).await?;
    drop(conn);
    let mut plans: Vec<Subject> = vec![];
    for r in &rows {
        if !plans.iter().any(|p| p.id == r.8.to_string()) {
            plans.push(Subject { kind: "plan", id: r.8.to_string(), device: Some(r.11.clone()) });
        }
    }
    let out = rows.into_iter().map(provider_visit_from).collect::<Result<Vec<_>, _>>()?;
    log_reads(&st, &session.user, Read::ElderProfile, "每周探访", plans).await?;
    Ok(Json(out))
}

/// `POST /api/v1/operator/welfare-visits/{id}` — the visit was made (by the provider's
/// desk or one of its carers). Made after its week, it is kept, and the week stays missed.
#[utoipa::path(post, path = "/api/v1/operator/welfare-visits/{id}", params(("id" = i64, Path,)), request_body = RecordWelfareVisit,
    responses((status = 200, body = ProviderWelfareVisit), (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody)),
    tag = "operator")]
pub async fn record_visit(
    State(st): State<AppState>,
    session: Session,
    Id(id): Id,
    w: Write<RecordWelfareVisit>,
) -> Result<Response, AppError> {
    let r = &w.body;
    if r.note.as_deref().is_some_and(|n| n.chars().count() > 300) {
        return Err(AppError::field("note", "探访记录最多 300 个字"));
    }
    w.run_as(&st, &session, move |mut tx: Tx, r, By { user, now }| async move {
        let plan = welfare::visit_week(&mut tx, id).await?;
        let (provider_id, week_start_on, due_on, done_before) = plan.ok_or_else(|| AppError::NotFound("没有这次探访".into()))?;
        // The desk records 探访 (a carer's account has no 探访 assigned to it: 403).
        let org = writer_of(&mut tx, &user, Of::Provider(provider_id)).await?;
        // Recorded once: a second record (another tablet, a late retry) does not replace it.
        if done_before.is_none() {
            if let Some(m) = tap_problem(r.done_at, now) {
                return Err(AppError::field("done_at", m));
            }
            let day = ymd(beijing_today(r.done_at));
            // One visit counts for the week it was made in, never for an earlier one.
            if day < week_start_on {
                return Err(AppError::field("done_at", "探访时间早于这一周，请记在当周的探访上"));
            }
            let in_week = day <= due_on;
            let recorded = welfare::Recorded {
                id,
                in_week,
                mode: r.mode.code(),
                done_at: r.done_at.timestamp(),
                carer_id: user.carer_id,
                note: r.note.as_deref().map(str::trim).filter(|n| !n.is_empty()),
                recorded_by: user.id,
                now: now.timestamp(),
            };
            welfare::record(&mut tx, recorded).await?;
            let detail = serde_json::json!({ "welfare_visit_id": id, "mode": r.mode.code(), "done_at": r.done_at, "in_week": in_week });
            audit::record(&mut tx, (&user, now), About::Organisation(Some(org)), "welfare_visit", detail).await?;
        }
        let row = welfare::provider_visit(&mut tx, id, &ymd(beijing_today(now))).await?;
        Ok((tx, StatusCode::OK, json(provider_visit_from(row)?)?))
    })
    .await
}

crate::api::resource_routes!(provider_visits; record_visit);

/// The person as the provider sees them on the 探访 list: what the weekly 探访 consent covers
/// (not the declared categories or the capability level).
pub(crate) fn provider_visit_from(r: ProviderVisitRow) -> Result<ProviderWelfareVisit, AppError> {
    let (id, ws, due, status, mode, done_at, carer, note, plan_id, reason, elder, _device) = r;
    let mut elder: ElderProfile = serde_json::from_str(&elder).map_err(|e| AppError::Internal(e.into()))?;
    elder.categories.clear();
    elder.consent_categories = false;
    elder.capability_level = None;
    elder.consent_health = false;
    Ok(ProviderWelfareVisit { visit: visit_from((id, ws, due, status, mode, done_at, carer, note)), plan_id, reason, elder })
}
