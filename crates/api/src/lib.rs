//! The Tutti API server: configuration, database layer, authentication, email, HTTP routes
//! and the administrative tasks of the `tutti` command.

pub mod auth;
pub mod config;
pub mod db;
/// Transitional: the call sites in `routes/` still import `crate::email`; remove this
/// once they use `crate::mail` (its templates and `mail::store::enqueue`).
pub mod email {
    pub use crate::mail::{EmailError, Mailer, OutgoingEmail, html_escape};
}
pub mod error;
pub mod mail;
pub mod routes;
pub mod startup;
pub mod state;
pub mod tasks;
