//! The staff's billing calls (`crates/api/src/billing/http.rs`): invoices, fee issuing,
//! credit notes, payments, their PDFs and the CSV exports. One function per endpoint,
//! named after its handler.

use gloo_net::http::Method;
use tutti_shared::{
    CreditNoteInput, Invoice, InvoiceListQuery, InvoiceStatus, IssueFeesInput, IssueFeesResult,
    ManualInvoiceInput, Payment, PaymentInput,
};

use super::transport::{Answer, Call, Caller, fetch, fetch_blob, fetch_nothing};
use crate::session::Session;

const INVOICES: &str = "/api/v1/admin/invoices";
const PAYMENTS: &str = "/api/v1/admin/payments";

/// The wire name of a status, as the list's query string takes it.
pub fn status_name(status: InvoiceStatus) -> &'static str {
    match status {
        InvoiceStatus::Paid => "paid",
        InvoiceStatus::Partial => "partial",
        InvoiceStatus::Unpaid => "unpaid",
        InvoiceStatus::Overdue => "overdue",
    }
}

/// The query string of the invoices list and its export: only the filters that are set.
pub fn invoice_params(query: &InvoiceListQuery) -> Vec<(&'static str, String)> {
    let texts = [
        ("kind", query.kind.map(|kind| kind.as_str().to_owned())),
        (
            "status",
            query.status.map(|status| status_name(status).to_owned()),
        ),
        ("household_id", query.household_id.map(|id| id.to_string())),
        ("from", query.from.map(|day| day.to_string())),
        ("to", query.to.map(|day| day.to_string())),
    ];
    texts
        .into_iter()
        .filter_map(|(name, value)| value.map(|value| (name, value)))
        .collect()
}

fn get<T: serde::de::DeserializeOwned + 'static>(session: Session, call: Call) -> Answer<T> {
    fetch(Caller::Account(session), call)
}

fn post<T: serde::de::DeserializeOwned + 'static>(
    session: Session,
    path: String,
    body: &impl serde::Serialize,
) -> Answer<T> {
    get(session, Call::with_json(Method::POST, path, body))
}

/// `GET /api/v1/admin/invoices`: newest first, filtered.
pub fn list_invoices(session: Session, query: &InvoiceListQuery) -> Answer<Vec<Invoice>> {
    get(
        session,
        Call::get(INVOICES).with_query(invoice_params(query)),
    )
}

/// `GET /api/v1/admin/invoices/{id}`.
pub fn find_invoice(session: Session, id: i64) -> Answer<Invoice> {
    get(session, Call::get(format!("{INVOICES}/{id}")))
}

/// `POST /api/v1/admin/invoices/issue-fees`: with `dry_run`, what would be issued.
pub fn issue_fee_invoices(session: Session, input: &IssueFeesInput) -> Answer<IssueFeesResult> {
    post(session, format!("{INVOICES}/issue-fees"), input)
}

/// `POST /api/v1/admin/invoices`: a manual invoice; 422 for bad lines.
pub fn create_invoice(session: Session, input: &ManualInvoiceInput) -> Answer<Invoice> {
    post(session, INVOICES.to_owned(), input)
}

/// `POST /api/v1/admin/invoices/{id}/credit-notes`: 422 beyond what remains to pay.
pub fn create_credit_note(session: Session, id: i64, input: &CreditNoteInput) -> Answer<Invoice> {
    post(session, format!("{INVOICES}/{id}/credit-notes"), input)
}

/// `GET /api/v1/admin/invoices/{id}/pdf`: the invoice's PDF duplicate.
pub fn find_invoice_pdf(session: Session, id: i64) -> Answer<web_sys::Blob> {
    fetch_blob(
        Caller::Account(session),
        Call::get(format!("{INVOICES}/{id}/pdf")),
    )
}

/// `POST /api/v1/admin/payments` with its `Idempotency-Key`: the same key again answers
/// the payment already recorded instead of recording a second one. The answer is the
/// payment as sent, so it is not decoded (one JSON decoder less in the wasm).
pub fn record_payment(session: Session, input: &PaymentInput, key: String) -> Answer<()> {
    let call = Call::with_json(Method::POST, PAYMENTS, input).with_header("Idempotency-Key", key);
    fetch_nothing(Caller::Account(session), call)
}

/// `GET /api/v1/admin/payments`: newest first, of one household when given.
pub fn list_payments(session: Session, household_id: Option<i64>) -> Answer<Vec<Payment>> {
    let query = household_id
        .map(|id| vec![("household_id", id.to_string())])
        .unwrap_or_default();
    get(session, Call::get(PAYMENTS).with_query(query))
}

/// `GET /api/v1/admin/payments/{id}/receipt`: the payment's receipt (reçu), as a PDF.
pub fn find_receipt(session: Session, id: i64) -> Answer<web_sys::Blob> {
    fetch_blob(
        Caller::Account(session),
        Call::get(format!("{PAYMENTS}/{id}/receipt")),
    )
}

/// `GET /api/v1/admin/invoices/export.csv` (with the list's filters) or
/// `/api/v1/admin/payments/export.csv` (`payments`): the CSV for the town's accounting.
pub fn export_csv(
    session: Session,
    payments: bool,
    query: &InvoiceListQuery,
) -> Answer<web_sys::Blob> {
    let call = if payments {
        Call::get(format!("{PAYMENTS}/export.csv"))
    } else {
        Call::get(format!("{INVOICES}/export.csv")).with_query(invoice_params(query))
    };
    fetch_blob(Caller::Account(session), call)
}
