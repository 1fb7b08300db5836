//! 居家上门服务, read side: the catalogue, the rule table that decides who pays, and the
//! providers that serve an address (a radius around the provider, or its list of 街道),
//! nearest first.

use crate::db::services;
use crate::http::error::{AppError, FieldErrors};
use crate::http::extract::Id;
use crate::AppState;
use app::model::elder::{describe, ProviderHit, ProvidersResponse, ServiceInfo, SubsidyRule};
use app::rules::geo::LatLng;
use app::model::ServiceItem;
use axum::extract::{RawQuery, State};
use axum::Json;
use std::collections::HashMap;

/// `GET /api/v1/services` — the catalogue.
#[utoipa::path(get, path = "/api/v1/services", responses((status = 200, body = [ServiceInfo])), tag = "home services")]
pub async fn services() -> Json<Vec<ServiceInfo>> {
    Json(
        ServiceItem::ALL
            .iter()
            .map(|&item| ServiceInfo {
                item,
                label: item.label().into(),
                description: describe(item).into(),
                orderable: item != ServiceItem::Emergency,
            })
            .collect(),
    )
}

/// `GET /api/v1/subsidy-rules` — the table the app prices orders with (also offline).
#[utoipa::path(get, path = "/api/v1/subsidy-rules", responses((status = 200, body = [SubsidyRule])), tag = "home services")]
pub async fn subsidy_rules(State(st): State<AppState>) -> Result<Json<Vec<SubsidyRule>>, AppError> {
    let mut conn = st.read.acquire().await?;
    Ok(Json(services::rules(&mut conn).await?))
}

/// `GET /api/v1/providers?lat=&lng=&street=&item=` — who serves this address, nearest first.
#[utoipa::path(get, path = "/api/v1/providers",
    params(("lat" = f64, Query, description = "GCJ-02"), ("lng" = f64, Query,), ("street" = String, Query, description = "街道 id"),
        ("item" = Option<ServiceItem>, Query,)),
    responses((status = 200, body = ProvidersResponse), (status = 422, body = app::model::ErrorBody)), tag = "home services")]
pub async fn providers(State(st): State<AppState>, RawQuery(raw): RawQuery) -> Result<Json<ProvidersResponse>, AppError> {
    let pairs: HashMap<String, String> = crate::http::query_pairs(raw.as_deref()).into_iter().collect();
    let mut errors = FieldErrors::new();
    let num = |k: &str, range: std::ops::RangeInclusive<f64>, errors: &mut FieldErrors, msg: &str| {
        let v = pairs.get(k).and_then(|v| v.trim().parse::<f64>().ok()).filter(|v| range.contains(v));
        if v.is_none() {
            errors.push(k, msg);
        }
        v.unwrap_or_default()
    };
    let lat = num("lat", -90.0..=90.0, &mut errors, "纬度必须是 -90 到 90 之间的数字");
    let lng = num("lng", -180.0..=180.0, &mut errors, "经度必须是 -180 到 180 之间的数字");
    let street = pairs.get("street").map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    if street.is_none() {
        errors.push("street", "请提供老人所在的街道（street）");
    }
    let item = match pairs.get("item").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(code) => match ServiceItem::from_code(code) {
            Some(ServiceItem::Emergency) => {
                errors.push("item", "助急不需要下单，请直接拨打机构紧急电话或 120");
                None
            }
            Some(i) => Some(i),
            None => {
                errors.push("item", format!("没有这个服务项目：{code}"));
                None
            }
        },
    };
    errors.into_result()?;
    let mut conn = st.read.acquire().await?;
    let providers = services::serving(&mut conn, LatLng::new(lat, lng), street.as_deref().unwrap_or_default(), item).await?;
    Ok(Json(ProvidersResponse { providers, generated_at: st.clock.now() }))
}

/// `GET /api/v1/providers/{id}`
#[utoipa::path(get, path = "/api/v1/providers/{id}", params(("id" = i64, Path,)),
    responses((status = 200, body = ProviderHit), (status = 404)), tag = "home services")]
pub async fn provider(State(st): State<AppState>, Id(id): Id) -> Result<Json<ProviderHit>, AppError> {
    let mut conn = st.read.acquire().await?;
    let found = services::provider(&mut conn, id).await?;
    Ok(Json(found.ok_or_else(|| AppError::NotFound("没有这个服务机构（或已停止服务）".into()))?))
}

crate::api::resource_routes!(services; subsidy_rules; providers; provider);
