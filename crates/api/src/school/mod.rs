//! The school's year: years, disciplines, courses, enrolments, class lists, evaluations,
//! absences, events and participations; and what a family sees of them for its child.

pub mod http;
pub mod service;
pub mod store;
