//! Reusable pieces of the interface: the page frame, form fields, messages, cards.

mod alert;
mod card;
mod field;
mod layout;
mod page;

pub use alert::{FormAlert, StatusMessage};
pub use card::NavCard;
pub use field::{SiteField, TextField};
pub use layout::Shell;
pub use page::{Loading, Page};
