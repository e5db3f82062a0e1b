//! Re-enrolment files ("dossiers de réinscription"): a child's answer to a campaign, the
//! family's six-step wizard and the staff's decisions. The file's state machine is the
//! shared crate's `FileStatus::after`; every move happens in `service.rs`.

pub mod http;
pub mod service;
pub mod store;
