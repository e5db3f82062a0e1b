//! The one error type of the HTTP layer, and its mapping to the error envelope.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use tutti_shared::{ApiErrorBody, ErrorCode};

use crate::db::DbError;

/// Everything a handler can fail with. Unexpected failures become an opaque 500 whose
/// details go to the server log only.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: malformed request.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 422: invalid fields.
    #[error("validation failed: {message}")]
    Validation {
        message: String,
        fields: BTreeMap<String, String>,
    },
    /// 401.
    #[error("unauthorized")]
    Unauthorized(String),
    /// 403.
    #[error("forbidden")]
    Forbidden,
    /// 404.
    #[error("not found")]
    NotFound,
    /// 409.
    #[error("conflict: {0}")]
    Conflict(String),
    /// 429 with `Retry-After` in seconds.
    #[error("too many requests")]
    TooManyRequests { retry_after_seconds: i64 },
    /// 500.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// A validation error on one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut fields = BTreeMap::new();
        fields.insert(field.to_owned(), message.clone());
        AppError::Validation { message, fields }
    }

    /// A validation error on several fields, with a summary message.
    pub fn fields(fields: BTreeMap<String, String>) -> Self {
        AppError::Validation {
            message: "Certains champs sont invalides.".to_owned(),
            fields,
        }
    }

    fn code(&self) -> ErrorCode {
        match self {
            AppError::BadRequest(_) => ErrorCode::BadRequest,
            AppError::Validation { .. } => ErrorCode::Validation,
            AppError::Unauthorized(_) => ErrorCode::Unauthorized,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::NotFound => ErrorCode::NotFound,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::TooManyRequests { .. } => ErrorCode::TooManyRequests,
            AppError::Internal(_) => ErrorCode::Internal,
        }
    }

    fn body(&self) -> ApiErrorBody {
        let (message, fields) = match self {
            AppError::BadRequest(message)
            | AppError::Unauthorized(message)
            | AppError::Conflict(message) => (message.clone(), BTreeMap::new()),
            AppError::Validation { message, fields } => (message.clone(), fields.clone()),
            AppError::Forbidden => (
                "Vous n'avez pas accès à cette ressource.".to_owned(),
                BTreeMap::new(),
            ),
            AppError::NotFound => ("Ressource introuvable.".to_owned(), BTreeMap::new()),
            AppError::TooManyRequests {
                retry_after_seconds,
            } => (
                format!("Trop de tentatives. Réessayez dans {retry_after_seconds} secondes."),
                BTreeMap::new(),
            ),
            AppError::Internal(_) => (
                "Une erreur interne est survenue. Réessayez plus tard.".to_owned(),
                BTreeMap::new(),
            ),
        };
        ApiErrorBody {
            code: self.code(),
            message,
            fields,
        }
    }
}

/// Builds an error response from a code and message (used by extractor error handlers).
pub fn envelope(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> HttpResponse {
    HttpResponse::build(status).json(ApiErrorBody::new(code, message))
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(details) = self {
            tracing::error!(%details, "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        if let AppError::TooManyRequests {
            retry_after_seconds,
        } = self
            && let Ok(value) = HeaderValue::from_str(&retry_after_seconds.to_string())
        {
            response.insert_header((header::RETRY_AFTER, value));
        }
        if let AppError::Unauthorized(_) = self {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        response.json(self.body())
    }
}

impl From<DbError> for AppError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::Query(query) => AppError::from(query),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::Conflict("Cet enregistrement existe déjà.".to_owned())
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}
