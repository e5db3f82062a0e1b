//! Accounts, sessions, reset tokens and login throttling (diesel only).

mod accounts;
mod sessions;
mod throttle;

pub use accounts::*;
pub use sessions::*;
pub use throttle::*;
