//! Reusable pieces of the interface: the page frame, form fields, messages, cards.

mod alert;
mod busy;
mod card;
// The families' screens only: the administration's build leaves them to the family build.
#[cfg(not(feature = "admin"))]
mod documents;
mod field;
mod layout;
mod loader;
mod page;
#[cfg(not(feature = "admin"))]
mod record_form;

pub use alert::{FormAlert, StatusMessage};
pub use busy::Busy;
pub use card::NavCard;
#[cfg(not(feature = "admin"))]
pub use documents::PieceList;
pub use field::{SiteField, TextField};
pub use layout::Shell;
pub use loader::Loader;
pub use page::{Loading, Page};
#[cfg(not(feature = "admin"))]
pub use record_form::{RecordForm, Subject, guardian_sheet, student_sheet};
