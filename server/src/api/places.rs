//! Places and areas: nearby search, one place, the areas list, area snapshots and the
//! changes feed (what a phone caches and keeps current).

use crate::http::error::{AppError, FieldErrors};
use crate::AppState;
use app::rules::query::PlaceQuery;
use app::model::*;
use axum::extract::{Path, RawQuery, State};
use axum::Json;


/// Query parameters of `GET /api/v1/places` (documentation only: parsing is
/// `app::rules::query::PlaceQuery::parse`, which reports every bad field in Chinese).
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct PlacesParams {
    /// Latitude, GCJ-02 (with `lng`; or give `area`).
    lat: Option<f64>,
    /// Longitude, GCJ-02.
    lng: Option<f64>,
    /// A district or 街道 id from `/api/v1/areas`; its centre is the origin.
    area: Option<String>,
    /// Search radius in metres, 1–50000 (default 3000).
    radius_m: Option<u32>,
    /// The child's age in months (0–72): only places with a class for it.
    age_months: Option<u16>,
    /// Only places offering this care mode.
    care_mode: Option<CareMode>,
    /// `1`: only places with 普惠托位.
    puhui: Option<bool>,
    /// Cap on the monthly fee in yuan (the 普惠 price counts where lower).
    max_fee: Option<u32>,
    /// `1`: only places with a free place for the age.
    vacancy: Option<bool>,
    /// Provider type.
    #[serde(rename = "type")]
    provider_type: Option<ProviderType>,
    /// At most this many results, 1–200 (default 50).
    limit: Option<u32>,
}

/// Places near a point, nearest first.
#[utoipa::path(
    get,
    path = "/api/v1/places",
    params(PlacesParams),
    responses(
        (status = 200, description = "Places within the radius that pass every filter", body = PlacesResponse),
        (status = 422, description = "Bad parameters; `fields` names each", body = ErrorBody)
    ),
    tag = "places"
)]
async fn list_places(State(st): State<AppState>, RawQuery(raw): RawQuery) -> Result<Json<PlacesResponse>, AppError> {
    let q = PlaceQuery::parse(&crate::http::query_pairs(raw.as_deref())).map_err(AppError::Validation)?;
    Ok(Json(crate::db::places::search_places(&st.read, &q).await?))
}

pub fn not_found_place() -> AppError {
    AppError::NotFound("没有这个托育机构".into())
}

/// Everything about one place: classes, organisation, sibling places.
#[utoipa::path(
    get,
    path = "/api/v1/places/{id}",
    params(("id" = i64, Path, description = "Place id")),
    responses(
        (status = 200, body = PlaceDetail),
        (status = 404, description = "No such place", body = ErrorBody)
    ),
    tag = "places"
)]
async fn get_place(State(st): State<AppState>, Path(id): Path<String>) -> Result<Json<PlaceDetail>, AppError> {
    let id: i64 = id.parse().map_err(|_| not_found_place())?;
    crate::db::places::place_detail(&st.read, id).await?.map(Json).ok_or_else(not_found_place)
}

/// Districts and their 街道, with centres (GCJ-02) and place counts.
#[utoipa::path(get, path = "/api/v1/areas", responses((status = 200, body = AreasResponse)), tag = "areas")]
async fn list_areas(State(st): State<AppState>) -> Result<Json<AreasResponse>, AppError> {
    Ok(Json(crate::db::places::areas(&st.read).await?))
}

/// Every place of a district or 街道 (for the client's offline cache), with the
/// change sequence number the snapshot is consistent with.
#[utoipa::path(
    get,
    path = "/api/v1/areas/{id}/places",
    params(("id" = String, Path, description = "District or 街道 id")),
    responses((status = 200, body = AreaPlacesResponse), (status = 404, body = ErrorBody)),
    tag = "sync"
)]
async fn area_places(State(st): State<AppState>, Path(id): Path<String>) -> Result<Json<AreaPlacesResponse>, AppError> {
    crate::db::places::area_places(&st.read, &id).await?.map(Json).ok_or_else(|| AppError::NotFound("没有这个区域".into()))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ChangesParams {
    /// The `seq` of the client's last sync (0 for everything).
    since: i64,
    /// Comma-separated district or 街道 ids the client caches.
    areas: String,
}

/// Places changed in the given areas since a change sequence number, and deletions.
/// `reset: true` means the client is too far behind and must refetch its areas.
#[utoipa::path(
    get,
    path = "/api/v1/changes",
    params(ChangesParams),
    responses((status = 200, body = ChangesResponse), (status = 422, body = ErrorBody)),
    tag = "sync"
)]
async fn changes(State(st): State<AppState>, RawQuery(raw): RawQuery) -> Result<Json<ChangesResponse>, AppError> {
    let pairs = crate::http::query_pairs(raw.as_deref());
    let mut errors = FieldErrors::new();
    let since = match app::rules::query::get(&pairs, "since").map(|v| v.parse::<i64>()) {
        Some(Ok(n)) if n >= 0 => n,
        Some(_) => {
            errors.push("since", "since 必须是不小于 0 的整数");
            0
        }
        None => {
            errors.push("since", "缺少 since（上次同步的序号，首次为 0）");
            0
        }
    };
    let areas: Vec<String> = app::rules::query::get(&pairs, "areas")
        .map(|v| v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    if areas.is_empty() || areas.len() > 50 {
        errors.push("areas", "请提供 1 到 50 个区域编号，用逗号分隔");
    }
    errors.into_result()?;
    Ok(Json(crate::db::places::changes(&st.read, since, &areas).await?))
}

crate::api::resource_routes!(list_places; get_place; list_areas; area_places; changes);
