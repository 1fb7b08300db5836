//! What every request passes through before and after its handler: the one error type, the
//! extractors (device, session, ids), the idempotent-write runner, access rules, the OpenAPI
//! contract of those layers.

pub mod access;
pub mod audit;
pub mod device;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod write;

/// A raw query string as (name, value) pairs; the parsers (e.g. `app::query::PlaceQuery::parse`)
/// report every bad field themselves, in Chinese.
pub fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect()
}
