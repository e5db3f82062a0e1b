//! What the services decide, independent of HTTP: the typed ids that scope every query,
//! and the domain error every service returns.
//!
//! Services return [`DomainError`]; `crate::error` turns it into the HTTP status and the
//! error envelope in one place. Stores return diesel's errors, which become
//! `DomainError` through `From` (in `crate::db`, the only place besides the stores that
//! knows diesel).

use std::collections::BTreeMap;

use tutti_shared::ErrorCode;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(formatter)
            }
        }
    };
}

id_type!(
    /// A site (school). Every store function that reads school data takes one, so that a
    /// query without the caller's site does not compile.
    SiteId
);
id_type!(
    /// A household (foyer). Family-facing store functions take one besides the site.
    HouseholdId
);
id_type!(
    /// An account (a login of a guardian, a staff member or a teacher).
    AccountId
);

/// Field name to French message, for 422 answers.
pub type FieldErrors = BTreeMap<String, String>;

/// A refused request that is not a validation error: a machine code an integrator can
/// branch on, and the French message shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: ErrorCode,
    pub message: String,
}

/// Everything a service can fail with.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// No such record, or not one the caller may see (another household's, another
    /// site's): the two are never told apart.
    #[error("not found")]
    NotFound,
    /// The record's version moved since the caller read it; nothing was written.
    #[error("stale version")]
    Stale,
    /// Invalid fields, with a summary message.
    #[error("invalid: {message}")]
    Invalid {
        message: String,
        fields: FieldErrors,
    },
    /// This caller may not do this.
    #[error("forbidden")]
    Forbidden,
    /// No valid credentials (wrong password, expired session), with the French message.
    #[error("unauthenticated")]
    Unauthenticated(String),
    /// The action conflicts with the state of the data (409), with a precise code.
    #[error("conflict: {0:?}")]
    Conflict(Refusal),
    /// A malformed or unusable request that is not about one field (400), with a code.
    #[error("rejected: {0:?}")]
    Rejected(Refusal),
    /// Too many attempts: retry after this many seconds.
    #[error("limited for {retry_after_seconds} s")]
    Limited { retry_after_seconds: i64 },
    /// Anything unexpected: logged, answered as an opaque 500.
    #[error("internal: {0}")]
    Internal(String),
}

impl DomainError {
    /// A validation error on one field; the field's message is also the summary.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut fields = FieldErrors::new();
        fields.insert(field.to_owned(), message.clone());
        DomainError::Invalid { message, fields }
    }

    /// A validation error on several fields, with the usual summary.
    pub fn fields(fields: FieldErrors) -> Self {
        DomainError::Invalid {
            message: "Certains champs sont invalides.".to_owned(),
            fields,
        }
    }

    /// `Ok(())` when there are no field errors, the 422 otherwise.
    pub fn check(fields: FieldErrors) -> Result<(), Self> {
        if fields.is_empty() {
            Ok(())
        } else {
            Err(Self::fields(fields))
        }
    }

    /// A 409 with its code and message.
    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        DomainError::Conflict(Refusal {
            code,
            message: message.into(),
        })
    }

    /// A 409 `already_exists`.
    pub fn already_exists(message: impl Into<String>) -> Self {
        Self::conflict(ErrorCode::AlreadyExists, message)
    }

    /// A 400 with its code and message.
    pub fn rejected(code: ErrorCode, message: impl Into<String>) -> Self {
        DomainError::Rejected(Refusal {
            code,
            message: message.into(),
        })
    }
}

/// A required text field: not blank, at most `max` characters.
pub fn required_text(errors: &mut FieldErrors, field: &str, value: &str, max: usize) {
    if value.trim().is_empty() {
        errors.insert(field.to_owned(), "Ce champ est obligatoire.".to_owned());
    } else {
        optional_text(errors, field, value, max);
    }
}

/// An optional text field: at most `max` characters.
pub fn optional_text(errors: &mut FieldErrors, field: &str, value: &str, max: usize) {
    if value.chars().count() > max {
        errors.insert(field.to_owned(), format!("{max} caractères au plus."));
    }
}

/// 404 unless a write found its record.
pub fn found(found: bool) -> Result<(), DomainError> {
    if found {
        Ok(())
    } else {
        Err(DomainError::NotFound)
    }
}

/// The French message of a stale edit (409 `stale_version`).
pub const STALE_MESSAGE: &str = "Ces informations ont été modifiées entre-temps. Les données à jour sont affichées ; vos saisies n'ont pas été enregistrées, vérifiez-les puis enregistrez à nouveau.";

/// The database could not be used: an opaque 500.
impl From<crate::db::DbError> for DomainError {
    fn from(error: crate::db::DbError) -> Self {
        match error {
            crate::db::DbError::Query(query) => DomainError::from(query),
            other => DomainError::Internal(other.to_string()),
        }
    }
}
