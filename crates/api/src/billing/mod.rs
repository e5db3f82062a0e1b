//! Billing (issue #10): invoices issued from validated re-enrolment files or typed by
//! staff, credit notes, payments, numbered per site and year without gaps, read by staff
//! and by the household billed; their PDF duplicates (`pdf`).

pub mod http;
pub mod pdf;
pub mod service;
pub mod store;
