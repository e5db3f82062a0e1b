//! The one error envelope every API error uses.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Machine-readable error code; clients branch on it, never on the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request body or parameters are malformed (400).
    BadRequest,
    /// One or more fields are invalid; see `fields` (422).
    Validation,
    /// Missing, expired or invalid credentials (401).
    Unauthorized,
    /// Authenticated but not allowed (403).
    Forbidden,
    /// No such record, or not one the caller may see (404).
    NotFound,
    /// The record changed since it was read, or the action conflicts with its state (409).
    Conflict,
    /// The body is too large (413).
    PayloadTooLarge,
    /// The media type is not accepted (415).
    UnsupportedMediaType,
    /// Too many attempts; retry after the `Retry-After` header's delay (429).
    TooManyRequests,
    /// An unexpected server error; details are in the server log only (500).
    Internal,
}

/// The JSON body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiErrorBody {
    /// What kind of error this is.
    pub code: ErrorCode,
    /// A human-readable message, in French, that may be shown to the user.
    pub message: String,
    /// Per-field messages (field name to message) for validation errors.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

impl ApiErrorBody {
    /// An error without per-field details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: BTreeMap::new(),
        }
    }

    /// A validation error about a single field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut fields = BTreeMap::new();
        fields.insert(field.to_owned(), message.clone());
        Self {
            code: ErrorCode::Validation,
            message,
            fields,
        }
    }
}
