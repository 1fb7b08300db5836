//! A parent's saved places (收藏), per device, written through the idempotency layer.

use utoipa_axum::{router::OpenApiRouter, routes};
use crate::http::device::DeviceHash;
use crate::http::error::AppError;
use crate::http::write::{NoBody, Tx, Write};
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
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT f.place_id, p.name, f.created_at FROM favorites f JOIN places p ON p.id = f.place_id
         WHERE f.device_hash = ? ORDER BY f.created_at DESC, f.place_id",
    )
    .bind(&device.0)
    .fetch_all(&st.read)
    .await?;
    Ok(Json(FavoritesResponse {
        favorites: rows
            .into_iter()
            .map(|(place_id, name, at)| Favorite { place_id, name, created_at: crate::db::places::ts(at) })
            .collect(),
    }))
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
        let name: Option<String> =
            sqlx::query_scalar("SELECT name FROM places WHERE id = ?").bind(req.place_id).fetch_optional(&mut *tx).await?;
        let name = name.ok_or_else(|| place_field(format!("没有编号为 {} 的托育机构", req.place_id)))?;
        let inserted = sqlx::query("INSERT OR IGNORE INTO favorites (device_hash, place_id, created_at) VALUES (?, ?, ?)")
            .bind(&d.0)
            .bind(req.place_id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let created_at: i64 = sqlx::query_scalar("SELECT created_at FROM favorites WHERE device_hash = ? AND place_id = ?")
            .bind(&d.0)
            .bind(req.place_id)
            .fetch_one(&mut *tx)
            .await?;
        let fav = Favorite { place_id: req.place_id, name, created_at: crate::db::places::ts(created_at) };
        let status = if inserted == 1 { StatusCode::CREATED } else { StatusCode::OK };
        Ok((tx, status, fav))
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
        let n = sqlx::query("DELETE FROM favorites WHERE device_hash = ? AND place_id = ?")
            .bind(&d.0)
            .bind(place_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let body = FavoriteDeleted { place_id, deleted: n > 0 };
        Ok((tx, StatusCode::OK, body))
    })
    .await
}

/// This resource's routes: each path is the one its `#[utoipa::path]` names.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, add))
        .routes(routes!(remove))
}
