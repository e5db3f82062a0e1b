//! The administration's few building blocks, shared by all its screens, by kind: a
//! loader ([`loader`]), small pieces of content ([`blocks`]), tables and their pager and
//! search ([`tables`]), forms built from field descriptors ([`forms`]), a two-step
//! confirm button ([`buttons`]), amounts in euros and editable lists of lines ([`lines`]). Dates are the whole app's (`crate::dates`).
//!
//! Written for size: the SPA must stay under its compressed budget, and in Leptos every
//! distinct view type, resource type and component builds its own code. So the back
//! office's plain CRUD screens share these pieces, which are plain functions over erased
//! types (`AnyView`, boxed futures, one loader type for every list) rather than generic
//! components.

mod blocks;
mod buttons;
mod forms;
mod lines;
mod loader;
mod tables;

pub use blocks::{alert, focus_later, hint, lead, link, link_line, section, status, subheading};
pub use buttons::confirm_button;
pub use forms::{Field, Form, Kind, Values, choices, field_control, field_error, labelled_control};
pub use lines::{List, boxes, euros_text, list_editor, parse_euros, parse_whole, typed};
pub use loader::{Fetch, Loader, render};
pub use tables::{data_table, pager, search_box};
