//! Types that the Tutti API and the SPA both speak.
//!
//! This crate has no server dependency and builds for `wasm32-unknown-unknown`, so the
//! browser form and the server apply the very same rules (a valid password, a valid email).
//! The server's check is the one that counts; the SPA uses them to answer sooner.

/// Reads a unit enum from its wire name through its `parse`, instead of serde's derived
/// visitor: the same names, a fraction of the code in the families' wasm (300 kB budget).
macro_rules! deserialize_by_name {
    ($type:ty, $what:literal) => {
        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let name = String::deserialize(deserializer)?;
                Self::parse(&name).ok_or_else(|| {
                    serde::de::Error::custom(format!(concat!("unknown ", $what, " `{}`"), name))
                })
            }
        }
    };
}

pub mod account;
pub mod admin;
pub mod billing;
pub mod choices;
pub mod documents;
pub mod domain;
pub mod error;
pub mod household;
pub mod paris;
pub mod reenrolment;
pub mod rentals;
pub mod review;
pub mod school;
pub mod tariffs;
pub mod wizard;

pub use account::*;
pub use admin::*;
pub use billing::*;
pub use documents::*;
pub use domain::{DomainError, EmailAddress, Password};
pub use error::{ApiErrorBody, ErrorCode};
pub use household::*;
pub use paris::{paris_local, paris_offset_hours};
pub use reenrolment::*;
pub use rentals::*;
pub use review::*;
pub use school::*;
pub use tariffs::*;
pub use wizard::*;
