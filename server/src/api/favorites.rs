//! A parent's saved places (收藏), per device, written through the idempotency layer.

use crate::http::device::DeviceHash;
use crate::http::error::AppError;
use crate::http::write::{NoBody, Tx, Write};
use crate::db::favorites;
use crate::AppState;
use app::model::{FavoriteDeleted, FavoriteRequest, FavoritesResponse, Favorite};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;

fn place_field(message: impl Into<String>) -> AppError {
    AppError::field("place_id", message)
}

/// The device's saved places, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/favorites",
    params(("X-Device-Key" = String, Header, description = "The device's random key")),
    responses((status = 200, body = FavoritesResponse), (status = 401, body = app::model::ErrorBody)),
    tag = "favorites"
)]
pub async fn list(State(st): State<AppState>, device: DeviceHash) -> Result<Json<FavoritesResponse>, AppError> {
    Ok(Json(FavoritesResponse { favorites: favorites::of_device(&st.read, &device.0).await? }))
}

/// Saves a place. Idempotent: 201 the first time, the same answer on a replay;
/// saving an already saved place answers 200 with the existing entry.
#[utoipa::path(
    post,
    path = "/api/v1/favorites",
    request_body = FavoriteRequest,
    params(
        ("X-Device-Key" = String, Header, description = "The device's random key"),
        ("Idempotency-Key" = String, Header, description = "A client-generated id, the same on every retry")
    ),
    responses(
        (status = 201, body = Favorite), (status = 200, body = Favorite),
        (status = 409, description = "Idempotency-Key reused with another body", body = app::model::ErrorBody),
        (status = 422, body = app::model::ErrorBody)
    ),
    tag = "favorites"
)]
pub async fn add(State(st): State<AppState>, w: Write<FavoriteRequest>) -> Result<Response, AppError> {
    let d = w.device.clone();
    let now = st.clock.unix();
    w.run(&st, move |mut tx: Tx, req| async move {
        let name = favorites::place_name(&mut tx, req.place_id).await?;
        let name = name.ok_or_else(|| place_field(format!("没有编号为 {} 的托育机构", req.place_id)))?;
        let (created_at, new) = favorites::save(&mut tx, &d.0, req.place_id, now).await?;
        let fav = Favorite { place_id: req.place_id, name, created_at: crate::db::places::ts(created_at) };
        Ok((tx, if new { StatusCode::CREATED } else { StatusCode::OK }, fav))
    })
    .await
}

/// Removes a saved place. Idempotent; removing one that is not saved is fine.
#[utoipa::path(
    delete,
    path = "/api/v1/favorites/{place_id}",
    params(
        ("place_id" = i64, Path, description = "Place id"),
        ("X-Device-Key" = String, Header, description = "The device's random key"),
        ("Idempotency-Key" = String, Header, description = "A client-generated id, the same on every retry")
    ),
    responses((status = 200, body = FavoriteDeleted), (status = 409, body = app::model::ErrorBody)),
    tag = "favorites"
)]
pub async fn remove(
    State(st): State<AppState>,
    Path(place_id): Path<String>,
    w: Write<NoBody>,
) -> Result<Response, AppError> {
    let place_id: i64 = place_id.parse().map_err(|_| place_field("托育机构编号应为数字"))?;
    let d = w.device.clone();
    w.run(&st, move |mut tx: Tx, _| async move {
        let body = FavoriteDeleted { place_id, deleted: favorites::remove(&mut tx, &d.0, place_id).await? };
        Ok((tx, StatusCode::OK, body))
    })
    .await
}

crate::api::resource_routes!(list, add; remove);
