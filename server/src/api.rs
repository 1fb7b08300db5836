//! `/api/v1`: the versioned JSON API, and its OpenAPI document.

use crate::error::AppError;
use crate::AppState;
use app::query::PlaceQuery;
use app::types::*;
use axum::extract::{Path, RawQuery, State};
use axum::routing::get;
use axum::{Json, Router};
use crate::openapi::Contract;
use utoipa::OpenApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/places", get(list_places))
        .route("/places/{id}", get(get_place))
        .route("/places/{id}/timeslots", get(crate::requests::openings))
        .route("/requests", get(crate::requests::list).post(crate::requests::create))
        .route("/requests/{id}/cancel", axum::routing::post(crate::requests::cancel))
        .route("/operator/places/{id}/requests", get(crate::requests::inbox))
        .route("/operator/places/{id}/timeslots", get(crate::requests::operator_timeslots).post(crate::requests::create_timeslot))
        .route("/operator/timeslots/{id}/deactivate", axum::routing::post(crate::requests::deactivate_timeslot))
        .route("/operator/requests/{id}/decision", axum::routing::post(crate::requests::decide))
        .route("/operator/requests/{id}/reveal", axum::routing::post(crate::requests::reveal))
        .route("/services", get(crate::home_services::services))
        .route("/subsidy-rules", get(crate::home_services::subsidy_rules))
        .route("/providers", get(crate::home_services::providers))
        .route("/providers/{id}", get(crate::home_services::provider))
        .route("/providers/{id}/openings", get(crate::orders::openings))
        .route("/orders", get(crate::orders::list).post(crate::orders::create))
        .route("/orders/{id}/cancel", axum::routing::post(crate::orders::cancel))
        .route("/operator/providers", get(crate::orders::operator_providers))
        .route("/operator/providers/{id}/orders", get(crate::orders::provider_orders))
        .route("/operator/providers/{id}/carers", get(crate::orders::carers))
        .route("/operator/orders/{id}/decision", axum::routing::post(crate::orders::decide))
        .route("/orders/{id}/rating", axum::routing::post(crate::visits::rate))
        .route("/orders/{id}/reschedule", axum::routing::post(crate::visits::reschedule))
        .route("/carer/visits", get(crate::visits::carer_visits))
        .route("/carer/orders/{id}/check-in", axum::routing::post(crate::visits::check_in))
        .route("/carer/orders/{id}/check-out", axum::routing::post(crate::visits::check_out))
        .route("/welfare-visits", get(crate::visits::family_plans))
        .route("/operator/providers/{id}/welfare-visits", get(crate::visits::provider_visits))
        .route("/operator/welfare-visits/{id}", axum::routing::post(crate::visits::record_visit))
        .route("/areas", get(list_areas))
        .route("/areas/{id}/places", get(area_places))
        .route("/changes", get(changes))
        .route("/favorites", get(crate::favorites::list).post(crate::favorites::add))
        .route("/favorites/{place_id}", axum::routing::delete(crate::favorites::remove))
        .route("/openapi.json", get(openapi))
        .route("/auth/login", axum::routing::post(crate::auth::login))
        .route("/auth/logout", axum::routing::post(crate::auth::logout))
        .route("/auth/me", get(crate::auth::me))
        .route("/operator/places", get(crate::operator::places))
        .route("/operator/places/{id}", axum::routing::put(crate::operator::edit_place))
        .route("/operator/places/{id}/classes", get(crate::operator::classes).post(crate::operator::create_class))
        .route("/operator/classes/{id}", axum::routing::put(crate::operator::edit_class))
        .route("/admin/organisations", get(crate::admin::organisations).post(crate::admin::create_organisation))
        .route("/admin/users", get(crate::admin::users).post(crate::admin::create_user))
        .route("/admin/users/{id}/disable", axum::routing::post(crate::admin::disable_user))
        .route("/operator/places/{id}/audit", get(crate::operator::audit))
        .route("/operator/classes/{id}/vacancies", axum::routing::post(crate::operator::change_vacancies))
        .fallback(|| async { AppError::NotFound("没有这个接口".into()) })
}

pub fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect()
}

/// Query parameters of `GET /api/v1/places` (documentation only: parsing is
/// `app::query::PlaceQuery::parse`, which reports every bad field in Chinese).
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
    let q = PlaceQuery::parse(&query_pairs(raw.as_deref())).map_err(AppError::Validation)?;
    Ok(Json(crate::repo::search_places(&st.read, &q).await?))
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
    crate::repo::place_detail(&st.read, id).await?.map(Json).ok_or_else(not_found_place)
}

/// Districts and their 街道, with centres (GCJ-02) and place counts.
#[utoipa::path(get, path = "/api/v1/areas", responses((status = 200, body = AreasResponse)), tag = "areas")]
async fn list_areas(State(st): State<AppState>) -> Result<Json<AreasResponse>, AppError> {
    Ok(Json(crate::repo::areas(&st.read).await?))
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
    crate::repo::area_places(&st.read, &id).await?.map(Json).ok_or_else(|| AppError::NotFound("没有这个区域".into()))
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
    let pairs = query_pairs(raw.as_deref());
    let mut errors = Vec::new();
    let since = match app::query::get(&pairs, "since").map(|v| v.parse::<i64>()) {
        Some(Ok(n)) if n >= 0 => n,
        Some(_) => {
            errors.push(FieldError { field: "since".into(), message: "since 必须是不小于 0 的整数".into() });
            0
        }
        None => {
            errors.push(FieldError { field: "since".into(), message: "缺少 since（上次同步的序号，首次为 0）".into() });
            0
        }
    };
    let areas: Vec<String> = app::query::get(&pairs, "areas")
        .map(|v| v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    if areas.is_empty() || areas.len() > 50 {
        errors.push(FieldError { field: "areas".into(), message: "请提供 1 到 50 个区域编号，用逗号分隔".into() });
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(Json(crate::repo::changes(&st.read, since, &areas).await?))
}

#[derive(OpenApi)]
#[openapi(
    modifiers(&Contract),
    info(
        title = "一老一小 API",
        version = "1",
        description = "Nearby 普惠托育 places with vacancies. Coordinates are GCJ-02. Errors: a JSON `ErrorBody`; 422 names each bad field (messages in Chinese)."
    ),
    paths(
        list_places, get_place, list_areas, area_places, changes,
        crate::favorites::list, crate::favorites::add, crate::favorites::remove,
        crate::auth::login, crate::auth::logout, crate::auth::me,
        crate::operator::places, crate::operator::edit_place, crate::operator::classes, crate::operator::audit, crate::operator::change_vacancies,
        crate::operator::edit_class, crate::operator::create_class,
        crate::admin::organisations, crate::admin::create_organisation, crate::admin::users, crate::admin::create_user,
        crate::admin::disable_user,
        crate::requests::openings, crate::requests::list, crate::requests::create, crate::requests::cancel,
        crate::requests::inbox, crate::requests::operator_timeslots, crate::requests::create_timeslot, crate::requests::deactivate_timeslot,
        crate::requests::decide, crate::requests::reveal,
        crate::home_services::services, crate::home_services::subsidy_rules, crate::home_services::providers,
        crate::home_services::provider,
        crate::orders::openings, crate::orders::list, crate::orders::create, crate::orders::cancel,
        crate::orders::operator_providers, crate::orders::provider_orders, crate::orders::carers, crate::orders::decide,
        crate::visits::rate, crate::visits::reschedule, crate::visits::carer_visits, crate::visits::check_in, crate::visits::check_out,
        crate::visits::family_plans, crate::visits::provider_visits, crate::visits::record_visit
    ),
    components(schemas(
        PlacesResponse, PlaceHit, VacancySummary, PlaceDetail, PlaceSummary, ClassVacancy, CareModeFee,
        Organisation, SiblingPlace, AreasResponse, District, Street, ErrorBody, FieldError,
        ProviderType, Badge, CareMode, AgeBand, FeeUnit, BeianStatus,
        ChangesResponse, AreaPlacesResponse, FavoriteRequest, Favorite, FavoritesResponse, FavoriteDeleted,
        crate::auth::User, crate::auth::Role, crate::auth::LoginRequest, crate::auth::LoginResponse,
        crate::operator::ClassState, crate::operator::VacancyChange, crate::operator::AuditEntry, crate::operator::OperatorPlace, crate::operator::PlaceEdit, app::types::CareModeFeeEdit,
        ClassEdit, Resolution, ClassCreate, OrganisationAdmin, OrganisationCreate, AccountCreate, Account,
        RequestKind, RequestStatus, PriorityGround, DecisionAction,
        app::requests::Timeslot, app::requests::TimeslotOpening, app::requests::TimeslotsResponse, app::requests::TimeslotCreate,
        app::requests::NewRequest, app::requests::RequestView, app::requests::RequestsResponse, app::requests::InboxItem,
        app::requests::Decision, app::requests::Revealed,
        ServiceItem, MealMode, CapabilityLevel, ElderCategory, Payer, ProviderKind,
        app::elder::ServiceInfo, app::elder::SubsidyRule, app::elder::RuleCondition, app::elder::ProviderItem,
        app::elder::ProviderHit, app::elder::ProvidersResponse, app::elder::ElderProfile, app::elder::Quote,
        app::orders::OrderStatus, app::orders::NewOrder, app::orders::OrderView, app::orders::OrdersResponse, app::orders::CarerView,
        app::orders::OperatorProvider, app::orders::ProviderOrder, app::orders::OrderAction, app::orders::OrderDecision, app::orders::Carer,
        app::orders::VisitStamp, app::orders::VisitTask, app::orders::CheckIn, app::orders::CheckOut, app::orders::NewRating,
        app::orders::Reschedule, app::orders::WelfareVisit, app::orders::WelfarePlan, app::orders::WelfarePlansResponse,
        app::orders::ProviderWelfareVisit, app::orders::RecordWelfareVisit, app::types::WelfareMode, app::types::WelfareStatus
    ))
)]
pub struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
