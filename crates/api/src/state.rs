//! What every handler can reach: the database, the keys, the mailer, the configuration.
//!
//! Nothing here is per-user state: several instances can serve the same database.

use std::sync::Arc;

use crate::auth::jwt::JwtKeys;
use crate::auth::password::PasswordHasher;
use crate::caller::AccessMap;
use crate::config::Config;
use crate::db::Db;
use crate::documents::storage::DocumentStore;
use crate::mail::Mailer;

/// Shared, read-only application state.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub jwt: JwtKeys,
    pub hasher: PasswordHasher,
    pub mailer: Mailer,
    /// Where document files live.
    pub documents: DocumentStore,
    /// Which callers each operation admits, read from the OpenAPI document.
    pub access: AccessMap,
}
