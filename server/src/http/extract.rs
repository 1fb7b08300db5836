//! Ids from the path. A malformed id is an unknown id: a JSON 404, like the rest of the API.

use crate::http::error::AppError;
use axum::extract::{FromRequestParts, Path};

/// A numeric id from the path; anything else is an unknown id (JSON 404, like the rest of the API).
pub struct Id(pub i64);

/// A request id from the path (the device's UUID); anything else is a JSON 404.
pub struct ReqId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut axum::http::request::Parts, st: &S) -> Result<Self, AppError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, st)
            .await
            .map_err(|_| AppError::NotFound("没有这条记录".into()))?;
        raw.parse().map(Id).map_err(|_| AppError::NotFound("没有这条记录".into()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ReqId {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut axum::http::request::Parts, st: &S) -> Result<Self, AppError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, st).await.map_err(|_| AppError::NotFound("没有这条申请".into()))?;
        if raw.len() == 36 && raw.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            Ok(ReqId(raw))
        } else {
            Err(AppError::NotFound("没有这条申请".into()))
        }
    }
}
