//! The supervisors' API (`/api/v1/supervise/…`): the plans' indicators per district and
//! 街道, the stale places and the map, orders by item and month with the EVV exceptions,
//! trends (JSON, and SVG charts drawn here), the monthly subsidy settlement, and each
//! table as CSV or XLSX. Supervisors read their own district only; admins any district;
//! nobody else anything. Files are built on the blocking pool, at most two at once (503).

use crate::api::auth::Session;
use crate::db::supervise::{self as repo, Month};
use crate::http::error::AppError;
use crate::open_data::Table;
use crate::report;
use crate::AppState;
use app::model::supervise::{
    AreaRef, Indicator, IndicatorsResponse, PlacesOverview, ServiceOverview, Settlement, StreetsResponse, Target, TrendsResponse,
};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use tokio::sync::Semaphore;

static BUILDING: Semaphore = Semaphore::const_new(2);

#[derive(Deserialize, utoipa::IntoParams)]
pub struct AreaMonth {
    /// A district or 街道 id (`/api/v1/areas`); a supervisor's own district when absent.
    area: Option<String>,
    /// 'YYYY-MM' (Beijing); the current month when absent.
    month: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct TrendParams {
    /// A district or 街道 id; a supervisor's own district when absent.
    area: Option<String>,
    /// The indicator to draw (`slots_per_thousand`, `puhui_share` …).
    indicator: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ExportParams {
    area: Option<String>,
    month: Option<String>,
    /// For CSV, one table: indicators | streets | stale | orders | evv.
    table: Option<String>,
}

/// The area asked about, once the account may read it (`http::access`), and a read connection.
async fn scoped(st: &AppState, session: &Session, area: Option<&str>) -> Result<(crate::db::Held, AreaRef), AppError> {
    crate::http::access::supervised(st, &session.user, area).await
}

fn district_of(a: AreaRef) -> AreaRef {
    if a.level == "district" {
        return a;
    }
    AreaRef { id: a.district_id.clone(), name: a.district_name.clone(), level: "district".into(), district_id: a.district_id, district_name: a.district_name, city: a.city }
}

/// `GET /api/v1/supervise/indicators` — each indicator with value, numerator, denominator,
/// target (and its plan and line), as-of time; for a past month, stocks from its snapshot.
#[utoipa::path(get, path = "/api/v1/supervise/indicators", params(AreaMonth),
    responses((status = 200, body = IndicatorsResponse), (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody)), tag = "supervise")]
pub async fn indicators(State(st): State<AppState>, session: Session, Query(q): Query<AreaMonth>) -> Result<Json<IndicatorsResponse>, AppError> {
    let month = Month::at(q.month.as_deref(), st.clock.now())?;
    let (mut conn, area) = scoped(&st, &session, q.area.as_deref()).await?;
    Ok(Json(repo::indicators(&mut conn, area, month).await?))
}

/// `GET /api/v1/supervise/streets` — each 街道 of the district (of `area`).
#[utoipa::path(get, path = "/api/v1/supervise/streets", params(AreaMonth),
    responses((status = 200, body = StreetsResponse), (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody)), tag = "supervise")]
pub async fn streets(State(st): State<AppState>, session: Session, Query(q): Query<AreaMonth>) -> Result<Json<StreetsResponse>, AppError> {
    let month = Month::at(q.month.as_deref(), st.clock.now())?;
    let (mut conn, area) = scoped(&st, &session, q.area.as_deref()).await?;
    Ok(Json(repo::streets(&mut conn, district_of(area), month).await?))
}

/// `GET /api/v1/supervise/places` — places whose figures are stale (worst first, with the
/// phone to call) and every place for the map (vacancies, oldest confirmation).
#[utoipa::path(get, path = "/api/v1/supervise/places", params(AreaMonth),
    responses((status = 200, body = PlacesOverview), (status = 401), (status = 403), (status = 404)), tag = "supervise")]
pub async fn places(State(st): State<AppState>, session: Session, Query(q): Query<AreaMonth>) -> Result<Json<PlacesOverview>, AppError> {
    let (mut conn, area) = scoped(&st, &session, q.area.as_deref()).await?;
    Ok(Json(repo::places(&mut conn, area, st.clock.unix()).await?))
}

/// `GET /api/v1/supervise/orders` — orders by item for the 12 months to `month`, and the
/// month's EVV exceptions (check-in/out missing, without position or beyond 100 m).
#[utoipa::path(get, path = "/api/v1/supervise/orders", params(AreaMonth),
    responses((status = 200, body = ServiceOverview), (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody)), tag = "supervise")]
pub async fn orders(State(st): State<AppState>, session: Session, Query(q): Query<AreaMonth>) -> Result<Json<ServiceOverview>, AppError> {
    let month = Month::at(q.month.as_deref(), st.clock.now())?;
    let (mut conn, area) = scoped(&st, &session, q.area.as_deref()).await?;
    Ok(Json(repo::service(&mut conn, area, month).await?))
}

/// `GET /api/v1/supervise/trends` — the last 12 months of each indicator (monthly snapshots;
/// the current month as it stands).
#[utoipa::path(get, path = "/api/v1/supervise/trends", params(AreaMonth),
    responses((status = 200, body = TrendsResponse), (status = 401), (status = 403), (status = 404)), tag = "supervise")]
pub async fn trends(State(st): State<AppState>, session: Session, Query(q): Query<AreaMonth>) -> Result<Json<TrendsResponse>, AppError> {
    let (mut conn, area) = scoped(&st, &session, q.area.as_deref()).await?;
    Ok(Json(repo::trends(&mut conn, area, st.clock.now()).await?))
}

/// `GET /api/v1/supervise/trend.svg` — one indicator's trend as an SVG line chart with its target.
#[utoipa::path(get, path = "/api/v1/supervise/trend.svg", params(TrendParams),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody)), tag = "supervise")]
pub async fn trend_svg(State(st): State<AppState>, session: Session, Query(q): Query<TrendParams>) -> Result<Response, AppError> {
    let i = Indicator::from_code(q.indicator.trim()).ok_or_else(|| AppError::field("indicator", "没有这个指标"))?;
    let (mut conn, area) = scoped(&st, &session, q.area.as_deref()).await?;
    let all = repo::trends(&mut conn, area.clone(), st.clock.now()).await?;
    drop(conn);
    let sample = crate::db::imports::holds_sample(&mut *st.read.acquire().await?).await?;
    let t = all.trends.into_iter().find(|t| t.indicator == i).ok_or_else(|| AppError::NotFound("没有这个指标".into()))?;
    let svg = report::trend_svg(&area.name, &t, sample);
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            // private: per account; the service worker keeps the last one for offline
            (header::CACHE_CONTROL, "private, no-cache"),
        ],
        svg,
    )
        .into_response())
}

/// `GET /api/v1/supervise/settlement` — the month's subsidy settlement per provider of the
/// district: completed orders whose categories were verified where public money is involved
/// and whose check-in/out is not flagged, priced as quoted by the rule table, by who pays.
#[utoipa::path(get, path = "/api/v1/supervise/settlement", params(AreaMonth),
    responses((status = 200, body = Settlement), (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody)), tag = "supervise")]
pub async fn settlement(State(st): State<AppState>, session: Session, Query(q): Query<AreaMonth>) -> Result<Json<Settlement>, AppError> {
    let month = Month::at(q.month.as_deref(), st.clock.now())?;
    let (mut conn, area) = scoped(&st, &session, q.area.as_deref()).await?;
    Ok(Json(repo::settlement(&mut conn, district_of(area), month).await?))
}

/// `GET /api/v1/supervise/targets` — the plans' targets that apply to the district (its own
/// plan's, and its city's), including those the app holds no data for.
#[utoipa::path(get, path = "/api/v1/supervise/targets", params(AreaMonth),
    responses((status = 200, body = [Target]), (status = 401), (status = 403), (status = 404)), tag = "supervise")]
pub async fn targets(State(st): State<AppState>, session: Session, Query(q): Query<AreaMonth>) -> Result<Json<Vec<Target>>, AppError> {
    let (mut conn, area) = scoped(&st, &session, q.area.as_deref()).await?;
    Ok(Json(crate::db::targets::for_district(&mut conn, &area.district_id).await?))
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Csv,
    Xlsx,
}

fn attachment(bytes: Vec<u8>, name: &str, format: Format) -> Response {
    let (ext, mime) = match format {
        Format::Csv => ("csv", "text/csv; charset=utf-8"),
        Format::Xlsx => ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    };
    // the file name in ASCII, and the Chinese one for browsers that read RFC 5987
    let ascii: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    let utf8: String = name.bytes().map(|b| if b.is_ascii_alphanumeric() || b == b'-' { (b as char).to_string() } else { format!("%{b:02X}") }).collect();
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{ascii}.{ext}\"; filename*=UTF-8''{utf8}.{ext}")),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

async fn build(tables: Vec<Table<'static>>, about: Vec<(String, String)>, format: Format) -> Result<Vec<u8>, AppError> {
    Ok(tokio::task::spawn_blocking(move || match format {
        Format::Csv => crate::open_data::csv(&tables[0]).map_err(anyhow::Error::from),
        Format::Xlsx => report::xlsx(&tables, &about).map_err(anyhow::Error::from),
    })
    .await
    .map_err(anyhow::Error::from)??)
}

async fn export(st: AppState, session: Session, q: ExportParams, format: Format) -> Result<Response, AppError> {
    let _permit = BUILDING.try_acquire().map_err(|_| AppError::Busy("正在生成其他下载文件，请几秒后再试".into()))?;
    let month = Month::at(q.month.as_deref(), st.clock.now())?;
    let which = q.table.as_deref().map(str::trim).filter(|t| !t.is_empty());
    if format == Format::Csv && !matches!(which, Some("indicators" | "streets" | "stale" | "orders" | "evv")) {
        return Err(AppError::field("table", "请选择表：indicators、streets、stale、orders 或 evv"));
    }
    let (mut conn, area) = scoped(&st, &session, q.area.as_deref()).await?;
    let ind = repo::indicators(&mut conn, area.clone(), month).await?;
    let streets = repo::streets(&mut conn, district_of(area.clone()), month).await?;
    let places = repo::places(&mut conn, area.clone(), st.clock.unix()).await?;
    let service = repo::service(&mut conn, area.clone(), month).await?;
    drop(conn);
    let about = report::about(&format!("{}{}", area.district_name, if area.level == "street" { format!(" {}", area.name) } else { String::new() }), &month.code(), ind.as_of, ind.sample);
    let mut tables = vec![report::indicator_table(&ind), report::street_table(&streets), report::stale_table(&places), report::order_table(&service), report::evv_table(&service)];
    if let Some(t) = which {
        let k = ["indicators", "streets", "stale", "orders", "evv"].iter().position(|x| *x == t).unwrap_or(0);
        tables = vec![tables.swap_remove(k)];
    }
    let name = format!("监管指标-{}-{}{}", area.name, month.code(), which.map(|t| format!("-{t}")).unwrap_or_default());
    let file = build(tables, about, format).await?;
    exported(&st, &session, &area.id, &name).await?;
    Ok(attachment(file, &name, format))
}

/// `GET /api/v1/supervise/export.xlsx` — every table of the area and month (指标, 街道,
/// 数据过期点位, 服务订单, 签到签退异常), one sheet each, and a 说明 sheet with the definitions
/// and the as-of time.
#[utoipa::path(get, path = "/api/v1/supervise/export.xlsx", params(ExportParams),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
              (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody), (status = 503, body = app::model::ErrorBody)), tag = "supervise")]
pub async fn export_xlsx(State(st): State<AppState>, session: Session, Query(q): Query<ExportParams>) -> Result<Response, AppError> {
    export(st, session, q, Format::Xlsx).await
}

/// `GET /api/v1/supervise/export.csv?table=…` — one table as CSV (UTF-8 with BOM, for Excel).
#[utoipa::path(get, path = "/api/v1/supervise/export.csv", params(ExportParams),
    responses((status = 200, content_type = "text/csv", body = String),
              (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody), (status = 503, body = app::model::ErrorBody)), tag = "supervise")]
pub async fn export_csv(State(st): State<AppState>, session: Session, Query(q): Query<ExportParams>) -> Result<Response, AppError> {
    export(st, session, q, Format::Csv).await
}

async fn settlement_file(st: AppState, session: Session, q: AreaMonth, format: Format) -> Result<Response, AppError> {
    let _permit = BUILDING.try_acquire().map_err(|_| AppError::Busy("正在生成其他下载文件，请几秒后再试".into()))?;
    let month = Month::at(q.month.as_deref(), st.clock.now())?;
    let (mut conn, area) = scoped(&st, &session, q.area.as_deref()).await?;
    let s = repo::settlement(&mut conn, district_of(area), month).await?;
    drop(conn);
    let about = report::about(&s.district.name, &s.month, s.as_of, s.total.sample);
    let name = format!("补贴结算-{}-{}", s.district.name, s.month);
    let file = build(vec![report::settlement_table(&s)], about, format).await?;
    exported(&st, &session, &s.district.id, &name).await?;
    Ok(attachment(file, &name, format))
}

/// The access log's row for a download (the figures hold no names, but a district's orders
/// by 街道 and month are personal information in aggregate too).
async fn exported(st: &AppState, session: &Session, area: &str, name: &str) -> Result<(), AppError> {
    let subject = crate::http::access::Subject { kind: "area", id: format!("{area} · {name}"), device: None };
    crate::http::access::log_reads(st, &session.user, crate::http::access::Read::Export, "监管数据导出", vec![subject]).await
}

/// `GET /api/v1/supervise/settlement.xlsx` — the settlement with a 说明 sheet.
#[utoipa::path(get, path = "/api/v1/supervise/settlement.xlsx", params(AreaMonth),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
              (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody), (status = 503, body = app::model::ErrorBody)), tag = "supervise")]
pub async fn settlement_xlsx(State(st): State<AppState>, session: Session, Query(q): Query<AreaMonth>) -> Result<Response, AppError> {
    settlement_file(st, session, q, Format::Xlsx).await
}

/// `GET /api/v1/supervise/settlement.csv`
#[utoipa::path(get, path = "/api/v1/supervise/settlement.csv", params(AreaMonth),
    responses((status = 200, content_type = "text/csv", body = String),
              (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody), (status = 503, body = app::model::ErrorBody)), tag = "supervise")]
pub async fn settlement_csv(State(st): State<AppState>, session: Session, Query(q): Query<AreaMonth>) -> Result<Response, AppError> {
    settlement_file(st, session, q, Format::Csv).await
}

crate::api::resource_routes!(
    indicators; streets; places; orders; trends; trend_svg; settlement; targets; export_xlsx; export_csv; settlement_xlsx; settlement_csv
);
