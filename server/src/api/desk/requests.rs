//! The desk's side of childcare requests: the inbox, weekly timeslots, decisions (an offer
//! takes a vacancy atomically) and the logged phone reveal.

use crate::db::requests::{self, one, positions, release_place, view, Row, TimeslotRow};
use app::model::PriorityGround;
use app::model::requests::{age_fits, mask_phone};
use std::collections::HashMap;
use app::model::requests::{Decision, InboxItem, Revealed, Timeslot, TimeslotCreate};
use app::model::{DecisionAction, RequestKind, RequestStatus};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use crate::AppState;
use crate::api::auth::Session;
use crate::db::places::class_state;
use crate::http::access::{log_reads, reader, writer_of, Of, Read, Subject};
use crate::http::audit::{self, About};
use crate::http::error::{AppError, FieldErrors};
use crate::http::extract::{Id, ReqId};
use crate::http::write::{By, NoBody, Tx, Write};

/// `GET /api/v1/operator/places/{id}/requests` — the inbox: new requests first.
#[utoipa::path(get, path = "/api/v1/operator/places/{id}/requests", params(("id" = i64, Path,)),
    responses((status = 200, body = [InboxItem]), (status = 401), (status = 403)), tag = "operator")]
pub async fn inbox(State(st): State<AppState>, session: Session, Id(place_id): Id) -> Result<Json<Vec<InboxItem>>, AppError> {
    let mut conn = reader(&st, &session.user, Of::Place(place_id)).await?;
    let rows = requests::inbox(&mut conn, place_id).await?;
    let pos = positions(&mut conn, "place_id = ?", place_id).await?;
    drop(conn);
    let out = rows.iter().map(|r| inbox_item(r, &pos)).collect::<Result<_, _>>()?;
    // an application carries the child's birth month and 困境 grounds
    let read = rows
        .iter()
        .filter(|r| r.kind == RequestKind::Application.code())
        .map(|r| Subject { kind: "request", id: r.id.clone(), device: Some(r.device_hash.clone()) })
        .collect();
    log_reads(&st, &session.user, Read::ChildApplication, "审核入托申请", read).await?;
    Ok(Json(out))
}

/// `GET /api/v1/operator/places/{id}/timeslots` — the weekly timeslots, switched-off ones too.
#[utoipa::path(get, path = "/api/v1/operator/places/{id}/timeslots", params(("id" = i64, Path,)),
    responses((status = 200, body = [Timeslot]), (status = 401), (status = 403)), tag = "operator")]
pub async fn operator_timeslots(State(st): State<AppState>, session: Session, Id(place_id): Id) -> Result<Json<Vec<Timeslot>>, AppError> {
    let mut conn = reader(&st, &session.user, Of::Place(place_id)).await?;
    let rows = requests::timeslots_of_place(&mut conn, place_id).await?;
    Ok(Json(rows.iter().map(TimeslotRow::timeslot).collect()))
}

/// `POST /api/v1/operator/places/{id}/timeslots` — a new weekly timeslot.
#[utoipa::path(post, path = "/api/v1/operator/places/{id}/timeslots", params(("id" = i64, Path,)), request_body = TimeslotCreate,
    responses((status = 201, body = Timeslot), (status = 401), (status = 403), (status = 422, body = app::model::ErrorBody)), tag = "operator")]
pub async fn create_timeslot(
    State(st): State<AppState>,
    session: Session,
    Id(place_id): Id,
    w: Write<TimeslotCreate>,
) -> Result<Response, AppError> {
    w.run_as(&st, &session, move |mut tx: Tx, new, By { user, now }| async move {
        let org = writer_of(&mut tx, &user, Of::Place(place_id)).await?;
        FieldErrors::from(new.validate()).into_result()?;
        let (start, end) = (app::model::requests::parse_hhmm(&new.start).unwrap_or(0), app::model::requests::parse_hhmm(&new.end).unwrap_or(0));
        let id = requests::insert_timeslot(&mut tx, place_id, &new, start, end, now.timestamp()).await?;
        audit::record(&mut tx, (&user, now), About::Place { org, place: place_id, class: None }, "slot_create", new).await?;
        let row = requests::timeslot(&mut tx, id).await?.ok_or_else(|| AppError::NotFound("没有这个时段".into()))?;
        Ok((tx, StatusCode::CREATED, row.timeslot()))
    })
    .await
}

/// `POST /api/v1/operator/timeslots/{id}/deactivate` — no new bookings; booked visits stand.
#[utoipa::path(post, path = "/api/v1/operator/timeslots/{id}/deactivate", params(("id" = i64, Path,)),
    responses((status = 200, body = Timeslot), (status = 401), (status = 403), (status = 404)), tag = "operator")]
pub async fn deactivate_timeslot(
    State(st): State<AppState>,
    session: Session,
    Id(timeslot_id): Id,
    w: Write<NoBody>,
) -> Result<Response, AppError> {
    w.run_as(&st, &session, move |mut tx: Tx, _, By { user, now }| async move {
        let row = requests::timeslot(&mut tx, timeslot_id).await?.ok_or_else(|| AppError::NotFound("没有这个时段".into()))?;
        let org = writer_of(&mut tx, &user, Of::Place(row.place_id)).await?;
        requests::deactivate_timeslot(&mut tx, timeslot_id).await?;
        audit::record(&mut tx, (&user, now), About::Place { org, place: row.place_id, class: None }, "slot_deactivate", row.timeslot())
            .await?;
        let row = TimeslotRow { active: false, ..row };
        Ok((tx, StatusCode::OK, row.timeslot()))
    })
    .await
}

/// `POST /api/v1/operator/requests/{id}/decision` — accept a visit or trial, decline with a
/// reason, put an application on the waitlist, or offer a place (one vacancy taken, atomically).
#[utoipa::path(post, path = "/api/v1/operator/requests/{id}/decision", params(("id" = String, Path,)), request_body = Decision,
    responses((status = 200, body = InboxItem), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "Not possible in this state, or no vacancy left (`current` holds the class)", body = app::model::ErrorBody),
        (status = 422, body = app::model::ErrorBody)), tag = "operator")]
pub async fn decide(
    State(st): State<AppState>,
    session: Session,
    ReqId(id): ReqId,
    w: Write<Decision>,
) -> Result<Response, AppError> {
    w.run_as(&st, &session, move |mut tx: Tx, decision, By { user, now }| async move {
        let row = one(&mut tx, &id).await?.ok_or_else(|| AppError::NotFound("没有这条申请".into()))?;
        let org = writer_of(&mut tx, &user, Of::Place(row.place_id)).await?;
        let kind = RequestKind::from_code(&row.kind).ok_or_else(|| crate::db::unknown("kind", &row.kind))?;
        let status = RequestStatus::from_code(&row.status).ok_or_else(|| crate::db::unknown("status", &row.status))?;
        let message = decision.message.as_deref().map(str::trim).filter(|m| !m.is_empty()).map(String::from);
        if decision.message.as_ref().is_some_and(|m| m.chars().count() > 200) {
            return Err(AppError::field("message", "留言最多 200 个字"));
        }
        use DecisionAction as A;
        use RequestStatus as S;
        let is_app = kind == RequestKind::Application;
        let to = match (decision.action, status) {
            (A::Accept, S::Submitted) if !is_app => S::Confirmed,
            (A::Waitlist, S::Submitted) if is_app => S::Waitlisted,
            (A::Offer, S::Submitted | S::Waitlisted) if is_app => S::Offered,
            (A::Decline, S::Submitted | S::Confirmed | S::Waitlisted | S::Offered) => S::Declined,
            (A::Accept | A::Waitlist | A::Offer, _) if status.is_open() => {
                return Err(AppError::field(
                    "action",
                    format!("{}不能“{}”", kind.label(), decision.action.label()),
                ));
            }
            _ => return Err(AppError::Conflict(format!("这条申请已是“{}”，不能再{}", status.label(), decision.action.label()))),
        };
        if to == S::Declined && message.is_none() {
            return Err(AppError::field("message", "不通过时请写明原因，家长会看到"));
        }
        if to == S::Offered {
            let class_id = row.class_id.unwrap_or_default();
            if !requests::take_place(&mut tx, now.timestamp(), class_id).await? {
                let current = class_state(&mut tx, class_id).await?;
                return Err(AppError::Stale(
                    "这个班级已经没有空位了，不能录取；可以先列入候补".into(),
                    serde_json::to_value(current).unwrap_or_default(),
                ));
            }
        }
        if status == S::Offered && to == S::Declined {
            release_place(&mut tx, now.timestamp(), row.class_id).await?;
        }
        requests::decide(&mut tx, &id, to, message.as_deref(), user.id, now.timestamp()).await?;
        let detail = serde_json::json!({ "request_id": id, "kind": kind.code(), "from": status.code(), "to": to.code(), "message": message });
        audit::record(&mut tx, (&user, now), About::Place { org, place: row.place_id, class: row.class_id }, &format!("request_{}", decision.action.code()), detail).await?;
        let row = one(&mut tx, &id).await?.ok_or_else(|| AppError::NotFound("没有这条申请".into()))?;
        let pos = positions(&mut tx, "id = ?", &id).await?;
        Ok((tx, StatusCode::OK, inbox_item(&row, &pos)?))
    })
    .await
}

/// `POST /api/v1/operator/requests/{id}/reveal` — the full phone number, once the request is
/// accepted or offered. Every reveal is written to the audit trail (who, when, which request).
#[utoipa::path(post, path = "/api/v1/operator/requests/{id}/reveal", params(("id" = String, Path,)),
    responses((status = 200, body = Revealed), (status = 401), (status = 403), (status = 404)), tag = "operator")]
pub async fn reveal(State(st): State<AppState>, session: Session, ReqId(id): ReqId) -> Result<Json<Revealed>, AppError> {
    let mut tx = st.write.begin().await?;
    let row = one(&mut tx, &id).await?.ok_or_else(|| AppError::NotFound("没有这条申请".into()))?;
    let org = writer_of(&mut tx, &session.user, Of::Place(row.place_id)).await?;
    let status = RequestStatus::from_code(&row.status).ok_or_else(|| crate::db::unknown("status", &row.status))?;
    if !matches!(status, RequestStatus::Confirmed | RequestStatus::Offered) {
        return Err(AppError::Forbidden("接受或录取之后才能查看完整手机号".into()));
    }
    audit::record(&mut tx, (&session.user, st.clock.now()), About::Place { org, place: row.place_id, class: row.class_id }, "phone_reveal", serde_json::json!({ "request_id": id })).await?;
    tx.commit().await?;
    log_reads(&st, &session.user, Read::Phone, "联系家长", vec![Subject { kind: "request", id: id.clone(), device: Some(row.device_hash.clone()) }]).await?;
    Ok(Json(Revealed { id, contact_phone: row.contact_phone }))
}

crate::api::resource_routes!(inbox; operator_timeslots, create_timeslot; deactivate_timeslot; decide; reveal);

pub(crate) fn inbox_item(r: &Row, pos: &HashMap<String, u32>) -> Result<InboxItem, AppError> {
    let v = view(r, pos)?;
    let age = match (v.age_band, &r.child_birth_month, &r.start_month) {
        (Some(b), Some(birth), Some(start)) => age_fits(b, birth, start).ok(),
        _ => None,
    };
    Ok(InboxItem {
        view: v,
        child_birth_month: r.child_birth_month.clone(),
        child_age_months: age,
        class_id: r.class_id,
        puhui: r.puhui,
        priority_grounds: serde_json::from_str::<Vec<PriorityGround>>(&r.priority_grounds).unwrap_or_default(),
        contact_name: r.contact_name.clone(),
        contact_phone_masked: mask_phone(&r.contact_phone),
        class_vacancies: r.class_vacancies,
    })
}
