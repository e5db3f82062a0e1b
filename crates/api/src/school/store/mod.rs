//! Years, disciplines, courses, enrolments, evaluations, absences, events.
//! Every query takes the site, so that no request reaches another site's rows.

mod catalogue;
mod classes;
mod events;

pub use catalogue::*;
pub use classes::*;
pub use events::*;
