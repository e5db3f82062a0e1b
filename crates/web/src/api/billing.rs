//! The household's invoices, payments and PDF duplicates (`crates/api/src/billing/http.rs`).

use tutti_shared::{Invoice, Payment};

use super::transport::{Answer, Call, Caller, fetch, fetch_blob};
use crate::session::Session;

/// `GET /api/v1/invoices`: the household's invoices and credit notes, newest first.
pub fn list_invoices(session: Session) -> Answer<Vec<Invoice>> {
    fetch(Caller::Account(session), Call::get("/api/v1/invoices"))
}

/// `GET /api/v1/payments`: the household's payments, newest first.
pub fn list_payments(session: Session) -> Answer<Vec<Payment>> {
    fetch(Caller::Account(session), Call::get("/api/v1/payments"))
}

/// `GET /api/v1/invoices/{id}/pdf`: the invoice's PDF duplicate, as it stands now.
pub fn invoice_pdf(session: Session, invoice_id: i64) -> Answer<web_sys::Blob> {
    let call = Call::get(format!("/api/v1/invoices/{invoice_id}/pdf"));
    fetch_blob(Caller::Account(session), call)
}

/// `GET /api/v1/payments/{id}/receipt`: the payment's receipt (reçu), as a PDF.
pub fn receipt_pdf(session: Session, payment_id: i64) -> Answer<web_sys::Blob> {
    let call = Call::get(format!("/api/v1/payments/{payment_id}/receipt"));
    fetch_blob(Caller::Account(session), call)
}
