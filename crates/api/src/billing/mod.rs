//! Billing (issue #10): invoices issued from validated re-enrolment files, numbered per
//! site and year without gaps, read by staff and by the household billed.

pub mod http;
pub mod service;
pub mod store;
