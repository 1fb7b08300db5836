//! The desks' API (`/api/v1/operator/…`): what operators, providers' staff and supervisors
//! do on a tablet, each behind a session and the access rules of `http::access`.

pub mod carers;
pub mod orders;
pub mod places;
pub mod requests;
pub mod service;
pub mod welfare;

use crate::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(places::router()).merge(requests::router()).merge(orders::router()).merge(welfare::router()).merge(carers::router()).merge(service::router())
}
