//! Tutti's black-box API tests: one binary, one module per area.
//!
//! Each test starts the real server on a random port with a fresh database and talks to
//! it over HTTP; `both!` runs it on SQLite and on PostgreSQL (`TEST_DATABASE_URL`).

#![expect(clippy::expect_used, reason = "tests fail loudly, with the reason")]

mod auth;
mod auth_audit;
mod authorization;
mod billing;
mod billing_properties;
mod change_requests;
mod config;
mod csrf;
mod device_cookie;
mod document_attacks;
mod document_helpers;
mod documents;
mod email_smtp;
mod guardian_accounts;
mod guessing;
mod hardening;
mod headers;
mod household;
mod household_choices;
mod household_helpers;
mod isolation;
mod mail_outbox;
mod openapi;
mod password;
mod reenrolment_campaigns;
mod reenrolment_wizard;
mod refresh;
mod refresh_theft;
mod rentals;
mod reset;
mod reset_races;
mod roles;
mod school_admin;
mod sessions;
mod students;
mod tariffs;
mod tokens;
