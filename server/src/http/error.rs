//! The server's one error type: every failure becomes a status code and a JSON
//! body (`ErrorBody`) with messages in Chinese and, for bad input, the fields.

use app::model::{ErrorBody, FieldError};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("not found: {0}")]
    NotFound(String),
    /// A request body over the limit (`http::MAX_BODY`).
    #[error("payload too large")]
    TooLarge,
    /// A request needs the device key (or, later, a session).
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// Signed in, but not allowed (another organisation's data, a missing CSRF token).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Slow down: the message, and the seconds to wait (sent as `Retry-After`).
    #[error("too many requests: {0}")]
    TooManyRequests(String, u32),
    /// The same Idempotency-Key with another request.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The value changed since the client read it: here is the current one.
    #[error("stale write: {0}")]
    Stale(String, serde_json::Value),
    /// A registry file over `import::MAX_FILE`.
    #[error("file too large")]
    FileTooLarge,
    /// Too much heavy work at once (exports): come back in a few seconds (503 + `Retry-After`).
    #[error("busy: {0}")]
    Busy(String),
    /// The request took longer than `REQUEST_TIMEOUT` and was stopped (503 + `Retry-After`).
    #[error("request timed out")]
    TimedOut,
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("internal: {0}")]
    Internal(#[from] anyhow::Error),
}

/// Bad input, collected field by field and answered together (422 naming every field):
/// `push` each problem, then `into_result()?`.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError { field: field.into(), message: message.into() });
    }

    /// Whether a problem with `field` is already known (later checks of it are skipped).
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    /// The 422 of what was pushed, for a check that cannot go on after its last push.
    pub fn into_error(self) -> AppError {
        AppError::Validation(self.0)
    }

    /// `Ok` when nothing was pushed, else the 422 naming every field.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}

/// What the shared validators (`app::…::validate`, run by the phone too) found.
impl From<Vec<FieldError>> for FieldErrors {
    fn from(errors: Vec<FieldError>) -> Self {
        FieldErrors(errors)
    }
}

impl AppError {
    /// A 422 naming one field.
    pub fn field(field: &str, message: impl Into<String>) -> AppError {
        AppError::Validation(vec![FieldError { field: field.into(), message: message.into() }])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::TooLarge | AppError::FileTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::TooManyRequests(..) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Conflict(_) | AppError::Stale(..) => StatusCode::CONFLICT,
            AppError::Db(sqlx::Error::PoolTimedOut) | AppError::TimedOut => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn body(&self) -> ErrorBody {
        match self {
            AppError::Validation(fields) => ErrorBody {
                error: "validation".into(),
                message: "请求参数有误，请检查标出的字段".into(),
                fields: fields.clone(),
                current: None,
            },
            AppError::NotFound(what) => ErrorBody { error: "not_found".into(), message: what.clone(), fields: vec![], current: None },
            AppError::TooLarge => ErrorBody {
                error: "too_large".into(),
                message: format!("提交的内容太大（最多 {} KB）", crate::http::MAX_BODY / 1024),
                fields: vec![],
                current: None,
            },
            AppError::FileTooLarge => ErrorBody {
                error: "too_large".into(),
                message: format!("文件太大（最多 {} MB）：请分成几个文件导入", crate::import::MAX_FILE / 1024 / 1024),
                fields: vec![],
                current: None,
            },
            AppError::Busy(what) => ErrorBody { error: "unavailable".into(), message: what.clone(), fields: vec![], current: None },
            AppError::Unauthorized(what) => ErrorBody { error: "unauthorized".into(), message: what.clone(), fields: vec![], current: None },
            AppError::Conflict(what) => ErrorBody { error: "conflict".into(), message: what.clone(), fields: vec![], current: None },
            AppError::Stale(what, current) => ErrorBody {
                error: "stale".into(),
                message: what.clone(),
                fields: vec![],
                current: Some(current.clone()),
            },
            AppError::Forbidden(what) => ErrorBody { error: "forbidden".into(), message: what.clone(), fields: vec![], current: None },
            AppError::TooManyRequests(what, _) => {
                ErrorBody { error: "too_many_requests".into(), message: what.clone(), fields: vec![], current: None }
            }
            AppError::Db(sqlx::Error::PoolTimedOut) | AppError::TimedOut => ErrorBody {
                error: "unavailable".into(),
                message: "服务器正忙，请稍后再试（已保存的操作会自动重发）".into(),
                fields: vec![],
                current: None,
            },
            AppError::Db(_) | AppError::Internal(_) => {
                ErrorBody { error: "internal".into(), message: "服务器内部错误，请稍后再试".into(), fields: vec![], current: None }
            }
        }
    }

    /// The same error as the typed client would see it (for server-side rendering).
    /// Seconds a client should wait before trying again (503 and 429).
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            AppError::Db(sqlx::Error::PoolTimedOut) | AppError::TimedOut => Some(2),
            AppError::TooManyRequests(_, s) => Some((*s).max(1)),
            AppError::Busy(_) => Some(5),
            _ => None,
        }
    }

    pub fn into_client_error(self) -> app::net::client::ClientError {
        if self.status().is_server_error() && self.retry_after().is_none() {
            tracing::error!(error = %self, "request failed");
        }
        app::net::client::ClientError::Api { status: self.status().as_u16(), body: self.body() }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        match self.retry_after() {
            Some(s) => {
                if status.is_server_error() {
                    tracing::warn!(error = %self, "busy: told the client to retry in {s} s");
                }
                (status, [(axum::http::header::RETRY_AFTER, s.to_string())], Json(self.body())).into_response()
            }
            None => {
                if status.is_server_error() {
                    tracing::error!(error = %self, "request failed");
                }
                (status, Json(self.body())).into_response()
            }
        }
    }
}
