//! A provider's 居家上门服务 on the desk, besides carers: the items it offers with duration and
//! price (or stops offering), the weekly timeslots of each item with a capacity, and the area
//! it serves. Every change goes through the tablet's outbox, is audited, and reaches families
//! at once (`GET /api/v1/providers` and the order form read the same rows).

use crate::api::auth::Session;
use crate::db::provider_service as repo;
use crate::http::access::{reader, writer_of, Of};
use crate::http::audit::{self, About};
use crate::http::error::{AppError, FieldErrors};
use crate::http::extract::Id;
use crate::http::write::{By, NoBody, Tx, Write};
use crate::AppState;
use app::model::requests::parse_hhmm;
use app::model::service_desk::{HomeSlot, HomeSlotCreate, ItemSet, ProviderService, ServiceArea};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;

async fn current(conn: &mut crate::db::Conn, provider_id: i64) -> Result<ProviderService, AppError> {
    repo::service(conn, provider_id).await?.ok_or_else(|| AppError::NotFound("没有这个服务机构".into()))
}

/// `GET /api/v1/operator/providers/{id}/service`
#[utoipa::path(get, path = "/api/v1/operator/providers/{id}/service", params(("id" = i64, Path,)),
    responses((status = 200, body = ProviderService), (status = 401), (status = 403), (status = 404)), tag = "operator")]
pub async fn service(State(st): State<AppState>, session: Session, Id(provider_id): Id) -> Result<Json<ProviderService>, AppError> {
    let mut conn = reader(&st, &session.user, Of::Provider(provider_id)).await?;
    Ok(Json(current(&mut conn, provider_id).await?))
}

/// `PUT /api/v1/operator/providers/{id}/items` — offer an item at a duration and price (or
/// change them), or stop offering it; answers the provider's service as it is now.
#[utoipa::path(put, path = "/api/v1/operator/providers/{id}/items", params(("id" = i64, Path,)), request_body = ItemSet,
    responses((status = 200, body = ProviderService), (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody)), tag = "operator")]
pub async fn set_item(State(st): State<AppState>, session: Session, Id(provider_id): Id, w: Write<ItemSet>) -> Result<Response, AppError> {
    w.run_as(&st, &session, move |mut tx: Tx, set, By { user, now }| async move {
        let org = writer_of(&mut tx, &user, Of::Provider(provider_id)).await?;
        FieldErrors::from(set.validate()).into_result()?;
        repo::set_item(&mut tx, provider_id, &set).await?;
        audit::record(&mut tx, (&user, now), About::Organisation(Some(org)), "provider_item_set",
            serde_json::json!({ "provider_id": provider_id, "set": set })).await?;
        let now_service = current(&mut tx, provider_id).await?;
        Ok((tx, StatusCode::OK, now_service))
    })
    .await
}

/// `POST /api/v1/operator/providers/{id}/home-timeslots` — a new weekly window of an item it offers.
#[utoipa::path(post, path = "/api/v1/operator/providers/{id}/home-timeslots", params(("id" = i64, Path,)), request_body = HomeSlotCreate,
    responses((status = 201, body = HomeSlot), (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody)), tag = "operator")]
pub async fn create_slot(State(st): State<AppState>, session: Session, Id(provider_id): Id, w: Write<HomeSlotCreate>) -> Result<Response, AppError> {
    w.run_as(&st, &session, move |mut tx: Tx, new, By { user, now }| async move {
        let org = writer_of(&mut tx, &user, Of::Provider(provider_id)).await?;
        let mut errors = FieldErrors::from(new.validate());
        if !errors.has("item") && !repo::offers(&mut tx, provider_id, new.item).await? {
            errors.push("item", format!("本机构目前不提供{}：请先在服务项目中开通", new.item.label()));
        }
        errors.into_result()?;
        let times = (parse_hhmm(&new.start).unwrap_or(0), parse_hhmm(&new.end).unwrap_or(0));
        let id = repo::insert_slot(&mut tx, provider_id, &new, times, now.timestamp()).await?;
        audit::record(&mut tx, (&user, now), About::Organisation(Some(org)), "home_slot_create",
            serde_json::json!({ "provider_id": provider_id, "timeslot_id": id, "slot": new })).await?;
        let (_, slot) = repo::one_slot(&mut tx, id).await?.ok_or_else(|| AppError::NotFound("没有这个时段".into()))?;
        Ok((tx, StatusCode::CREATED, slot))
    })
    .await
}

/// `POST /api/v1/operator/home-timeslots/{id}/deactivate` — no new bookings; booked visits stand.
#[utoipa::path(post, path = "/api/v1/operator/home-timeslots/{id}/deactivate", params(("id" = i64, Path,)),
    responses((status = 200, body = HomeSlot), (status = 401), (status = 403), (status = 404)), tag = "operator")]
pub async fn deactivate_slot(State(st): State<AppState>, session: Session, Id(slot_id): Id, w: Write<NoBody>) -> Result<Response, AppError> {
    w.run_as(&st, &session, move |mut tx: Tx, _, By { user, now }| async move {
        let (provider_id, slot) = repo::one_slot(&mut tx, slot_id).await?.ok_or_else(|| AppError::NotFound("没有这个时段".into()))?;
        let org = writer_of(&mut tx, &user, Of::Provider(provider_id)).await?;
        if slot.active {
            repo::deactivate_slot(&mut tx, slot_id).await?;
            audit::record(&mut tx, (&user, now), About::Organisation(Some(org)), "home_slot_deactivate",
                serde_json::json!({ "provider_id": provider_id, "timeslot_id": slot_id })).await?;
        }
        Ok((tx, StatusCode::OK, HomeSlot { active: false, ..slot }))
    })
    .await
}

/// `PUT /api/v1/operator/providers/{id}/area` — a radius around the provider, or 街道 of its district.
#[utoipa::path(put, path = "/api/v1/operator/providers/{id}/area", params(("id" = i64, Path,)), request_body = ServiceArea,
    responses((status = 200, body = ServiceArea), (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody)), tag = "operator")]
pub async fn set_area(State(st): State<AppState>, session: Session, Id(provider_id): Id, w: Write<ServiceArea>) -> Result<Response, AppError> {
    w.run_as(&st, &session, move |mut tx: Tx, mut area, By { user, now }| async move {
        let org = writer_of(&mut tx, &user, Of::Provider(provider_id)).await?;
        area.street_ids.sort();
        area.street_ids.dedup();
        let mut errors = FieldErrors::from(area.validate());
        let foreign = repo::foreign_streets(&mut tx, provider_id, &area.street_ids).await?;
        if !foreign.is_empty() {
            errors.push("street_ids", format!("这些街道不在本机构所在的区：{}", foreign.join("、")));
        }
        errors.into_result()?;
        repo::set_area(&mut tx, provider_id, &area).await?;
        audit::record(&mut tx, (&user, now), About::Organisation(Some(org)), "provider_area_set",
            serde_json::json!({ "provider_id": provider_id, "area": area })).await?;
        Ok((tx, StatusCode::OK, area))
    })
    .await
}

crate::api::resource_routes!(service; set_item; create_slot; deactivate_slot; set_area);
