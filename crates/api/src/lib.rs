//! The Tutti API server: configuration, database layer, authentication, email, HTTP routes
//! and the administrative tasks of the `tutti` command.

pub mod auth;
pub mod config;
pub mod db;
pub mod email;
pub mod error;
pub mod routes;
pub mod spa;
pub mod startup;
pub mod state;
pub mod tasks;
