//! Rentals (issue #10): the inventory of instruments, rooms and equipment, loans to a
//! household for a period and returns, and the `location` invoices of a period, issued
//! through billing's one numbering path.

pub mod http;
pub mod service;
pub mod store;
