//! Re-enrolment ("Réinscriptions"): the staff's campaigns (dates, steps, rules text,
//! courses offered; open, extend, close) and the family's view of the open one.

pub mod http;
pub mod service;
pub mod store;
