//! The server's one error type: every failure becomes a status code and a JSON
//! body (`ErrorBody`) with messages in Chinese and, for bad input, the fields.

use app::types::{ErrorBody, FieldError};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("not found: {0}")]
    NotFound(String),
    /// A request needs the device key (or, later, a session).
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// The same Idempotency-Key with another request.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("internal: {0}")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn body(&self) -> ErrorBody {
        match self {
            AppError::Validation(fields) => ErrorBody {
                error: "validation".into(),
                message: "请求参数有误，请检查标出的字段".into(),
                fields: fields.clone(),
            },
            AppError::NotFound(what) => ErrorBody { error: "not_found".into(), message: what.clone(), fields: vec![] },
            AppError::Unauthorized(what) => ErrorBody { error: "unauthorized".into(), message: what.clone(), fields: vec![] },
            AppError::Conflict(what) => ErrorBody { error: "conflict".into(), message: what.clone(), fields: vec![] },
            AppError::Db(_) | AppError::Internal(_) => {
                ErrorBody { error: "internal".into(), message: "服务器内部错误，请稍后再试".into(), fields: vec![] }
            }
        }
    }

    /// The same error as the typed client would see it (for server-side rendering).
    pub fn into_client_error(self) -> app::client::ClientError {
        if matches!(self, AppError::Db(_) | AppError::Internal(_)) {
            tracing::error!(error = %self, "request failed");
        }
        app::client::ClientError::Api { status: self.status().as_u16(), body: self.body() }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        (status, Json(self.body())).into_response()
    }
}
