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
    /// Authenticated but not allowed: this kind of caller may not use the operation (403).
    Forbidden,
    /// No such record, or not one the caller may see (404).
    NotFound,
    /// The action conflicts with the record's state (409).
    Conflict,
    /// The record changed since it was read (its `version` moved): nothing was written;
    /// read it again and redo the edit (409).
    StaleVersion,
    /// A record with the same unique value (identifiant, label, name) already exists (409).
    AlreadyExists,
    /// The record is no longer in a state that allows this action, e.g. a change request
    /// already decided (409).
    InvalidTransition,
    /// A password-reset link that is unknown, used or expired (400).
    InvalidLink,
    /// The request body is too large (413).
    PayloadTooLarge,
    /// An uploaded file is larger than allowed (413).
    FileTooLarge,
    /// The request's media type is not accepted (415).
    UnsupportedMediaType,
    /// An uploaded file is not of an accepted type (415).
    UnsupportedFileType,
    /// Too many attempts; retry after the `Retry-After` header's delay (429).
    Throttled,
    /// An unexpected server error; details are in the server log only (500).
    Internal,
}

impl ErrorCode {
    /// Whether this is one of the 409 codes (the record or its state moved).
    pub fn is_conflict(self) -> bool {
        matches!(
            self,
            ErrorCode::Conflict
                | ErrorCode::StaleVersion
                | ErrorCode::AlreadyExists
                | ErrorCode::InvalidTransition
        )
    }
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
