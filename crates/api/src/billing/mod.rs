//! Billing: invoices, credit notes, rentals, payments and their PDF duplicates.
//!
//! For now only the PDF rendering exists (`pdf`): a pure function from plain input
//! structs to PDF bytes, which the invoices' service will call once it exists.

pub mod pdf;
