//! Open data (`/api/v1/open/…`): every open place and home-care provider with its public
//! facts, as CSV or XLSX, for anyone (no sign-in). Sample (示例) records are left out unless
//! `sample=true`; `area` narrows to a district or 街道. At most two files are built at once
//! (each reads every row and builds the file on the blocking pool): more wait with 503.

use crate::db::open_data::{self as repo, Scope};
use crate::http::error::AppError;
use crate::open_data::{self, Table};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio::sync::Semaphore;

static BUILDING: Semaphore = Semaphore::const_new(2);

#[derive(Deserialize, utoipa::IntoParams)]
pub struct OpenParams {
    /// A district or 街道 id (`/api/v1/areas`); all when absent.
    area: Option<String>,
    /// Include sample (示例) records (a demo site holds only those).
    #[serde(default)]
    sample: bool,
}

#[derive(Clone, Copy)]
enum What {
    Places,
    Providers,
}

#[derive(Clone, Copy)]
enum Format {
    Csv,
    Xlsx,
}

async fn file(st: AppState, q: OpenParams, what: What, format: Format) -> Result<Response, AppError> {
    let _permit = BUILDING.try_acquire().map_err(|_| AppError::Busy("正在生成其他下载文件，请几秒后再试".into()))?;
    let scope = Scope { area: q.area.filter(|a| !a.trim().is_empty()), sample: q.sample };
    let rows = {
        let mut conn = st.read.acquire().await?;
        if let Some(a) = &scope.area {
            let known = crate::db::places::area_exists(&mut conn, a).await?;
            if !known {
                return Err(AppError::field("area", format!("没有编号为“{a}”的区域，请从 /api/v1/areas 中选择")));
            }
        }
        match what {
            What::Places => repo::places(&mut conn, &scope).await?,
            What::Providers => repo::providers(&mut conn, &scope).await?,
        }
    };
    let as_of = format!("{}（北京时间）", (st.clock.now() + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M"));
    let (name, sheet, columns): (&str, &str, &'static [(&str, &str)]) = match what {
        What::Places => ("places", "托育机构点位", &repo::PLACE_COLUMNS),
        What::Providers => ("providers", "居家上门服务机构", &repo::PROVIDER_COLUMNS),
    };
    let bytes = tokio::task::spawn_blocking(move || {
        let t = Table { sheet, columns, rows, as_of };
        match format {
            Format::Csv => open_data::csv(&t).map_err(anyhow::Error::from),
            Format::Xlsx => open_data::xlsx(&t).map_err(anyhow::Error::from),
        }
    })
    .await
    .map_err(anyhow::Error::from)??;
    let (ext, mime) = match format {
        Format::Csv => ("csv", "text/csv; charset=utf-8"),
        Format::Xlsx => ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.{ext}\"")),
            (header::CACHE_CONTROL, "public, max-age=300".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /api/v1/open/places.csv` — open places' public facts (data dictionary: docs/open-data.md).
#[utoipa::path(get, path = "/api/v1/open/places.csv", params(OpenParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = app::model::ErrorBody), (status = 503, body = app::model::ErrorBody)), tag = "open")]
pub async fn places_csv(State(st): State<AppState>, Query(q): Query<OpenParams>) -> Result<Response, AppError> {
    file(st, q, What::Places, Format::Csv).await
}

/// `GET /api/v1/open/places.xlsx` — the same as XLSX, with a 数据说明 sheet.
#[utoipa::path(get, path = "/api/v1/open/places.xlsx", params(OpenParams),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
              (status = 422, body = app::model::ErrorBody), (status = 503, body = app::model::ErrorBody)), tag = "open")]
pub async fn places_xlsx(State(st): State<AppState>, Query(q): Query<OpenParams>) -> Result<Response, AppError> {
    file(st, q, What::Places, Format::Xlsx).await
}

/// `GET /api/v1/open/providers.csv` — home-care providers' public facts (no carers).
#[utoipa::path(get, path = "/api/v1/open/providers.csv", params(OpenParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = app::model::ErrorBody), (status = 503, body = app::model::ErrorBody)), tag = "open")]
pub async fn providers_csv(State(st): State<AppState>, Query(q): Query<OpenParams>) -> Result<Response, AppError> {
    file(st, q, What::Providers, Format::Csv).await
}

/// `GET /api/v1/open/providers.xlsx` — the same as XLSX, with a 数据说明 sheet.
#[utoipa::path(get, path = "/api/v1/open/providers.xlsx", params(OpenParams),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
              (status = 422, body = app::model::ErrorBody), (status = 503, body = app::model::ErrorBody)), tag = "open")]
pub async fn providers_xlsx(State(st): State<AppState>, Query(q): Query<OpenParams>) -> Result<Response, AppError> {
    file(st, q, What::Providers, Format::Xlsx).await
}

crate::api::resource_routes!(places_csv; places_xlsx; providers_csv; providers_xlsx);
