//! The one error envelope every API error uses.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Machine-readable error code; clients branch on it, never on the message.
///
/// | code | status | meaning |
/// |---|---|---|
/// | `bad_request` | 400 | the body or a parameter does not parse |
/// | `invalid_link` | 400 | a password-reset link that is unknown, used or expired |
/// | `unauthorized` | 401 | no valid credentials or session |
/// | `forbidden` | 403 | this kind of account may not use the operation |
/// | `not_found` | 404 | no such record, or not one the caller may see |
/// | `stale_version` | 409 | the record changed since it was read: read it again |
/// | `already_exists` | 409 | a unique value (identifiant, label, name) is taken |
/// | `invalid_transition` | 409 | the record's state no longer allows the action |
/// | `campaign_closed` | 409 | no re-enrolment campaign of the site is open at this time |
/// | `conflict` | 409 | another conflict with the data's state |
/// | `payload_too_large` | 413 | the request body is too large |
/// | `file_too_large` | 413 | an uploaded file is too large |
/// | `unsupported_media_type` | 415 | the body is not JSON |
/// | `unsupported_file_type` | 415 | an uploaded file is not of an accepted type |
/// | `validation` | 422 | invalid fields, named in `fields` |
/// | `throttled` | 429 | too many attempts: wait `Retry-After` seconds |
/// | `internal` | 500 | an unexpected error (details in the server log only) |
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
    /// No re-enrolment campaign of the site is open now (none open, or outside its
    /// opening and closing instants): nothing of it is writable (409).
    CampaignClosed,
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
                | ErrorCode::CampaignClosed
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
