//! The one place where a [`DomainError`] becomes an HTTP status and the error envelope.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use tutti_shared::{ApiErrorBody, ErrorCode};

use crate::domain::{DomainError, FieldErrors};

/// The error of every handler and extractor: a domain error on its way to the wire.
/// Unexpected failures become an opaque 500 whose details go to the server log only.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct AppError(#[from] pub DomainError);

impl AppError {
    /// A malformed request (400 `bad_request`).
    pub fn bad_request(message: impl Into<String>) -> Self {
        AppError(DomainError::rejected(ErrorCode::BadRequest, message))
    }

    /// The 401 of a missing, expired or revoked session.
    pub fn session_expired() -> Self {
        AppError(DomainError::Unauthenticated(
            "Votre session a expiré. Veuillez vous reconnecter.".to_owned(),
        ))
    }

    /// An unexpected failure (500).
    pub fn internal(details: impl Into<String>) -> Self {
        AppError(DomainError::Internal(details.into()))
    }

    fn code(&self) -> ErrorCode {
        match &self.0 {
            DomainError::NotFound => ErrorCode::NotFound,
            DomainError::Stale => ErrorCode::StaleVersion,
            DomainError::Invalid { .. } => ErrorCode::Validation,
            DomainError::Forbidden => ErrorCode::Forbidden,
            DomainError::Unauthenticated(_) => ErrorCode::Unauthorized,
            DomainError::Conflict(refusal) | DomainError::Rejected(refusal) => refusal.code,
            DomainError::Limited { .. } => ErrorCode::Throttled,
            DomainError::Internal(_) => ErrorCode::Internal,
        }
    }

    fn body(&self) -> ApiErrorBody {
        let (message, fields) = match &self.0 {
            DomainError::NotFound => ("Ressource introuvable.".to_owned(), FieldErrors::new()),
            DomainError::Stale => (crate::domain::STALE_MESSAGE.to_owned(), FieldErrors::new()),
            DomainError::Invalid { message, fields } => (message.clone(), fields.clone()),
            DomainError::Forbidden => (
                "Vous n'avez pas accès à cette ressource.".to_owned(),
                FieldErrors::new(),
            ),
            DomainError::Unauthenticated(message) => (message.clone(), FieldErrors::new()),
            DomainError::Conflict(refusal) | DomainError::Rejected(refusal) => {
                (refusal.message.clone(), FieldErrors::new())
            }
            DomainError::Limited {
                retry_after_seconds,
            } => (
                format!("Trop de tentatives. Réessayez dans {retry_after_seconds} secondes."),
                FieldErrors::new(),
            ),
            DomainError::Internal(_) => (
                "Une erreur interne est survenue. Réessayez plus tard.".to_owned(),
                FieldErrors::new(),
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
        match &self.0 {
            DomainError::NotFound => StatusCode::NOT_FOUND,
            DomainError::Stale | DomainError::Conflict(_) => StatusCode::CONFLICT,
            DomainError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            DomainError::Forbidden => StatusCode::FORBIDDEN,
            DomainError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            DomainError::Rejected(refusal) => match refusal.code {
                ErrorCode::FileTooLarge | ErrorCode::PayloadTooLarge => {
                    StatusCode::PAYLOAD_TOO_LARGE
                }
                ErrorCode::UnsupportedFileType | ErrorCode::UnsupportedMediaType => {
                    StatusCode::UNSUPPORTED_MEDIA_TYPE
                }
                _ => StatusCode::BAD_REQUEST,
            },
            DomainError::Limited { .. } => StatusCode::TOO_MANY_REQUESTS,
            DomainError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let DomainError::Internal(details) = &self.0 {
            tracing::error!(%details, "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        if let DomainError::Limited {
            retry_after_seconds,
        } = &self.0
            && let Ok(value) = HeaderValue::from_str(&retry_after_seconds.to_string())
        {
            response.insert_header((header::RETRY_AFTER, value));
        }
        if let DomainError::Unauthenticated(_) = &self.0 {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        response.json(self.body())
    }
}

impl From<crate::db::DbError> for AppError {
    fn from(error: crate::db::DbError) -> Self {
        AppError(DomainError::from(error))
    }
}
