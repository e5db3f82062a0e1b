//! Tariffs: a site's tariff grid and the estimated yearly fee of a household.
//!
//! `fee.rs` is the one computation of a fee (pure, integer cents, no database); the
//! estimate of the re-enrolment's récapitulatif and, later, billing both call it.

pub mod fee;
pub mod http;
pub mod service;
pub mod store;
