//! The Tutti API server, organised by feature.
//!
//! Plumbing at the top (configuration, start-up, the database, the HTTP error, the
//! caller, email); one folder per feature (`auth`, `sites`, `household`, `school`, `documents`),
//! each with `http.rs -> service.rs -> store.rs`. See ARCHITECTURE.md.

pub mod api;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod caller;
pub mod config;
pub mod db;
pub mod demo;
pub mod documents;
pub mod domain;
pub mod error;
pub mod export;
pub mod household;
pub mod json;
pub mod mail;
pub mod openapi_responses;
pub mod reenrolment;
pub mod rentals;
pub mod school;
pub mod sites;
pub mod spa;
pub mod startup;
pub mod state;
pub mod tariffs;
pub mod tasks;
pub mod wizard;
