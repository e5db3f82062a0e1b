//! Reusable pieces of the interface: the page frame, form fields, messages, cards.

mod alert;
mod card;
mod documents;
mod field;
mod layout;
mod loader;
mod page;
mod record_form;

pub use alert::{FormAlert, StatusMessage};
pub use card::NavCard;
pub use documents::PieceList;
pub use field::{SiteField, TextField};
pub use layout::Shell;
pub use loader::Loader;
pub use page::{Loading, Page};
pub use record_form::{RecordForm, Subject, guardian_sheet, student_sheet};
