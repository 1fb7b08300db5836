//! The desks on a tablet (`/operator`): operators' places and vacancies, requests, providers'
//! orders and 探访, the admin's organisations and accounts; the carer's phone (`/carer`).

pub mod admin;
pub mod admin_places;
pub mod admin_targets;
#[cfg(any(feature = "ssr", feature = "admin"))]
pub mod supervise;
pub mod carer;
pub mod import;
pub mod operator;
pub mod operator_forms;
pub mod operator_inbox;
pub mod operator_orders;
pub mod provider_carers;
pub mod provider_service;
