//! `/api/v1`: the versioned JSON API, one module per resource, each owning its routes
//! (`router()`); a route's path is written once, in its handler's `#[utoipa::path]`, and
//! the OpenAPI document is built from the same routes.

/// A resource's `router()`: one `routes!` group per path (handlers of one path, e.g. `list, create`,
/// share a group; `routes!` checks they do), each path the one its handler's `#[utoipa::path]` names.
macro_rules! resource_routes {
    ($($($handler:ident),+);+ $(;)?) => {
        /// This resource's routes.
        pub fn router() -> utoipa_axum::router::OpenApiRouter<crate::AppState> {
            utoipa_axum::router::OpenApiRouter::new()$(.routes(utoipa_axum::routes!($($handler),+)))+
        }
    };
}
pub(crate) use resource_routes;

pub mod admin;
pub mod auth;
pub mod carer;
pub mod desk;
pub mod favorites;
pub mod imports;
pub mod me;
pub mod open;
pub mod orders;
pub mod places;
pub mod requests;
pub mod supervise;
pub mod services;
pub mod visits;

use crate::http::error::AppError;
use crate::AppState;
use app::model::*;
use axum::Router;
use std::sync::Arc;
use utoipa::{Modify as _, OpenApi};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "一老一小 API",
        version = "1",
        description = "Nearby 普惠托育 places with vacancies. Coordinates are GCJ-02. Errors: a JSON `ErrorBody`; 422 names each bad field (messages in Chinese)."
    ),
    components(schemas(
        PlacesResponse, PlaceHit, VacancySummary, PlaceDetail, PlaceSummary, ClassVacancy, CareModeFee,
        Organisation, SiblingPlace, AreasResponse, District, Street, ErrorBody, FieldError,
        ProviderType, Badge, CareMode, AgeBand, FeeUnit, BeianStatus,
        ChangesResponse, AreaPlacesResponse, FavoriteRequest, Favorite, FavoritesResponse, FavoriteDeleted,
        auth::User, auth::Role, auth::LoginRequest, auth::LoginResponse,
        desk::places::ClassState, desk::places::VacancyChange, desk::places::AuditEntry, desk::places::OperatorPlace, desk::places::PlaceEdit, app::model::CareModeFeeEdit,
        ClassEdit, Resolution, ClassCreate, OrganisationAdmin, OrganisationCreate, AccountCreate, Account,
        RequestKind, RequestStatus, PriorityGround, DecisionAction,
        app::model::requests::Timeslot, app::model::requests::TimeslotOpening, app::model::requests::TimeslotsResponse, app::model::requests::TimeslotCreate,
        app::model::requests::NewRequest, app::model::requests::RequestView, app::model::requests::RequestsResponse, app::model::requests::InboxItem,
        app::model::requests::Decision, app::model::requests::Revealed,
        ServiceItem, MealMode, CapabilityLevel, ElderCategory, Payer, ProviderKind,
        app::model::elder::ServiceInfo, app::model::elder::SubsidyRule, app::model::elder::RuleCondition, app::model::elder::ProviderItem,
        app::model::elder::ProviderHit, app::model::elder::ProvidersResponse, app::model::elder::ElderProfile, app::model::elder::Quote,
        app::model::orders::OrderStatus, app::model::orders::NewOrder, app::model::orders::OrderView, app::model::orders::OrdersResponse, app::model::orders::CarerView,
        app::model::orders::OperatorProvider, app::model::orders::ProviderOrder, app::model::orders::OrderAction, app::model::orders::OrderDecision, app::model::orders::Carer,
        app::model::orders::VisitStamp, app::model::orders::VisitTask, app::model::orders::CheckIn, app::model::orders::CheckOut, app::model::orders::NewRating,
        app::model::orders::Reschedule, app::model::orders::WelfareVisit, app::model::orders::WelfarePlan, app::model::orders::WelfarePlansResponse,
        app::model::orders::ProviderWelfareVisit, app::model::orders::RecordWelfareVisit, app::model::WelfareMode, app::model::WelfareStatus,
        app::model::import::ImportPreview, app::model::import::ImportIssue, app::model::import::PlannedRecord, app::model::import::FieldChange,
        app::model::import::MissingRecord, app::model::import::ImportApply, app::model::import::ImportResult, app::model::import::ImportKind,
        app::model::privacy::Purpose, app::model::privacy::ConsentGiven, app::model::privacy::ConsentRecord, app::model::privacy::AccessEntry,
        app::model::privacy::MyRequest, app::model::privacy::MyOrder, app::model::privacy::MyData, app::model::privacy::Erased,
        app::model::privacy::TransferMode, app::model::privacy::NewTransferCode, app::model::privacy::TransferCode, app::model::privacy::EnterCode,
        app::model::privacy::Transferred, app::model::privacy::RecoveryCode
    ))
)]
pub struct ApiDoc;


/// Every resource's routes, and the document that describes exactly them.
fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(places::router())
        .merge(favorites::router())
        .merge(requests::router())
        .merge(services::router())
        .merge(orders::router())
        .merge(visits::router())
        .merge(auth::router())
        .merge(desk::router())
        .merge(carer::router())
        .merge(admin::router())
        .merge(imports::router())
        .merge(open::router())
        .merge(supervise::router())
        .merge(me::router())
        .split_for_parts();
    crate::http::openapi::Contract.modify(&mut doc);
    (router, doc)
}

/// The OpenAPI document served at `/api/v1/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    routes().1
}

/// `/api/v1/…`: the resources, the document (serialised once), and a JSON 404 for any other path.
pub fn router() -> Router<AppState> {
    let (router, doc) = routes();
    let doc: Arc<str> = serde_json::to_string(&doc).expect("the OpenAPI document serialises").into();
    router
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let doc = doc.clone();
                async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], doc.to_string()) }
            }),
        )
        .route("/api/v1/{*rest}", axum::routing::any(|| async { AppError::NotFound("没有这个接口".into()) }))
}
