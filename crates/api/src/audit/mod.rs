//! The audit log: who did what to which record, and when. Services write it in the
//! transaction of the action they audit.

pub mod store;

pub use store::{AuditEntry, record};
