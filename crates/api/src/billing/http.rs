//! Invoices over HTTP: staff issue the year's fee invoices (with a dry run) and read the
//! site's invoices; a family reads its household's.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use tutti_shared::{
    CreditNoteInput, Invoice, InvoiceListQuery, IssueFeesInput, IssueFeesResult,
    ManualInvoiceInput, Payment, PaymentInput,
};

use super::service;
use crate::caller::Caller;
use crate::error::AppError;
use crate::json::ApiJson;
use crate::state::AppState;

/// Issues one fee invoice per household with validated re-enrolment files in the
/// campaign, priced by the tariff grid; numbered `YYYY-NNNNNN` per site and year without
/// gaps. `dry_run` previews them and issues nothing. A household already invoiced for
/// the campaign is skipped: issuing twice issues nothing new.
#[utoipa::path(tag = "billing", request_body = IssueFeesInput, security(("bearer" = ["staff"])),
    responses((status = 200, description = "What was issued (or would be), and who was skipped", body = IssueFeesResult),
        (status = 404, description = "No such campaign on the site", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/invoices/issue-fees")]
pub async fn issue_fee_invoices(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<IssueFeesInput>,
) -> Result<HttpResponse, AppError> {
    let result = service::issue_fees(&state, caller.staff()?, body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(result))
}

/// The site's invoices, newest first, with their lines, due dates and what remains to
/// pay; filtered by kind, household, status and period. An integrator (the town's billing
/// portal) syncs with `changed_since`: the invoices issued, credited or paid since its
/// previous read; it records payments with an `Idempotency-Key` (`POST /admin/payments`).
#[utoipa::path(tag = "billing", params(InvoiceListQuery), security(("bearer" = ["staff"])),
    responses((status = 200, description = "Invoices", body = Vec<Invoice>)))]
#[get("/admin/invoices")]
pub async fn list_invoices(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<InvoiceListQuery>,
) -> Result<HttpResponse, AppError> {
    let invoices = service::list(&state, caller.staff()?, query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(invoices))
}

/// One invoice of the site.
#[utoipa::path(tag = "billing", params(("id" = i64, Path, description = "Invoice id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "The invoice", body = Invoice),
        (status = 404, description = "Not an invoice of the site", body = tutti_shared::ApiErrorBody)))]
#[get("/admin/invoices/{id}")]
pub async fn find_invoice(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let invoice = service::find(&state, caller.staff()?, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(invoice))
}

/// The household's invoices, newest first.
#[utoipa::path(tag = "billing", security(("bearer" = ["family"])),
    responses((status = 200, description = "Invoices", body = Vec<Invoice>)))]
#[get("/invoices")]
pub async fn list_family_invoices(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let invoices = service::family_list(&state, caller.family()?).await?;
    Ok(HttpResponse::Ok().json(invoices))
}

/// One of the household's invoices; another household's answers 404.
#[utoipa::path(tag = "billing", params(("id" = i64, Path, description = "Invoice id")), security(("bearer" = ["family"])),
    responses((status = 200, description = "The invoice", body = Invoice),
        (status = 404, description = "Not an invoice of the household", body = tutti_shared::ApiErrorBody)))]
#[get("/invoices/{id}")]
pub async fn find_family_invoice(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let invoice = service::family_find(&state, caller.family()?, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(invoice))
}

/// A manual invoice (`cotisation` or `location`) with the lines staff type, due on one
/// date (30 days after issue by default), numbered like every other.
#[utoipa::path(tag = "billing", request_body = ManualInvoiceInput, security(("bearer" = ["staff"])),
    responses((status = 201, description = "The invoice", body = Invoice),
        (status = 404, description = "No such household on the site", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Invalid label, lines or kind (`avoir` has its own operation)", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/invoices")]
pub async fn create_invoice(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<ManualInvoiceInput>,
) -> Result<HttpResponse, AppError> {
    let invoice = service::create_manual(&state, caller.staff()?, body.into_inner()?).await?;
    Ok(HttpResponse::Created().json(invoice))
}

/// A credit note (avoir) correcting the invoice, which itself never changes: the lines
/// are the amounts credited, never more than what remains to pay on it (so its balance
/// never goes below zero).
#[utoipa::path(tag = "billing", request_body = CreditNoteInput, params(("id" = i64, Path, description = "Invoice id")), security(("bearer" = ["staff"])),
    responses((status = 201, description = "The credit note (negative total)", body = Invoice),
        (status = 404, description = "Not an invoice of the site", body = tutti_shared::ApiErrorBody),
        (status = 409, description = "The invoice is itself a credit note (`invalid_transition`)", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Invalid lines, or more than what remains of the invoice", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/invoices/{id}/credit-notes")]
pub async fn create_credit_note(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<CreditNoteInput>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let note = service::credit_note(&state, staff, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Created().json(note))
}

/// Records a payment (règlement) settling one or more invoices of its household, each at
/// most what remains to pay on it (overpayment is refused, 422). Send an
/// `Idempotency-Key` header to retry safely: the same request with the same key records
/// one payment and answers it again (200); the key used for another payment is a 409.
#[utoipa::path(tag = "billing", request_body = PaymentInput, security(("bearer" = ["staff"])),
    params(("Idempotency-Key" = Option<String>, Header, description = "1 to 200 characters, unique per payment")),
    responses((status = 201, description = "The payment recorded", body = Payment),
        (status = 200, description = "The payment already recorded with this Idempotency-Key", body = Payment),
        (status = 404, description = "No such household on the site", body = tutti_shared::ApiErrorBody),
        (status = 409, description = "The Idempotency-Key served for another payment (`already_exists`)", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Invalid allocations, another household's invoice, or more than what remains to pay", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/payments")]
pub async fn record_payment(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    body: ApiJson<PaymentInput>,
) -> Result<HttpResponse, AppError> {
    let key = request
        .headers()
        .get("idempotency-key")
        .map(|value| value.to_str().unwrap_or_default().to_owned());
    let staff = caller.staff()?;
    let (payment, created) =
        service::record_payment(&state, staff, body.into_inner()?, key).await?;
    Ok(if created {
        HttpResponse::Created().json(payment)
    } else {
        HttpResponse::Ok().json(payment)
    })
}

/// The site's payments, newest first, optionally of one household.
#[utoipa::path(tag = "billing", params(("household_id" = Option<i64>, Query, description = "Only this household")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "Payments", body = Vec<Payment>)))]
#[get("/admin/payments")]
pub async fn list_payments(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PaymentListQuery>,
) -> Result<HttpResponse, AppError> {
    let payments = service::payments(&state, caller.staff()?, query.household_id).await?;
    Ok(HttpResponse::Ok().json(payments))
}

/// The household's payments, newest first.
#[utoipa::path(tag = "billing", security(("bearer" = ["family"])),
    responses((status = 200, description = "Payments", body = Vec<Payment>)))]
#[get("/payments")]
pub async fn list_family_payments(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let payments = service::family_payments(&state, caller.family()?).await?;
    Ok(HttpResponse::Ok().json(payments))
}

/// The staff's payments list filter.
#[derive(Debug, serde::Deserialize)]
pub struct PaymentListQuery {
    /// Only this household.
    #[serde(default)]
    household_id: Option<i64>,
}

/// The PDF answer of an invoice: shown in the browser's viewer (inline), named after
/// its number, never cached (it follows the payments).
fn pdf_answer(number: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"facture-{number}.pdf\""),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(bytes)
}

/// The PDF duplicate of one of the household's invoices ("DUPLICATA"), as it stands now.
#[utoipa::path(tag = "billing", params(("id" = i64, Path, description = "Invoice id")), security(("bearer" = ["family"])),
    responses((status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "Not an invoice of the household", body = tutti_shared::ApiErrorBody)))]
#[get("/invoices/{id}/pdf")]
pub async fn find_family_invoice_pdf(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let family = caller.family()?;
    let (number, bytes) = service::invoice_pdf(
        &state,
        family.site,
        Some(family.household),
        path.into_inner(),
    )
    .await?;
    Ok(pdf_answer(&number, bytes))
}

/// The PDF duplicate of an invoice of the site, as it stands now.
#[utoipa::path(tag = "billing", params(("id" = i64, Path, description = "Invoice id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "Not an invoice of the site", body = tutti_shared::ApiErrorBody)))]
#[get("/admin/invoices/{id}/pdf")]
pub async fn find_invoice_pdf(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let (number, bytes) = service::invoice_pdf(&state, staff.site, None, path.into_inner()).await?;
    Ok(pdf_answer(&number, bytes))
}

fn receipt_answer(number: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"recu-{number}.pdf\""),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(bytes)
}

/// The receipt (reçu) of one of the household's payments, as a PDF duplicate.
#[utoipa::path(tag = "billing", params(("id" = i64, Path, description = "Payment id")), security(("bearer" = ["family"])),
    responses((status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "Not a payment of the household", body = tutti_shared::ApiErrorBody)))]
#[get("/payments/{id}/receipt")]
pub async fn find_family_receipt(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let family = caller.family()?;
    let (number, bytes) = service::receipt_pdf(
        &state,
        family.site,
        Some(family.household),
        path.into_inner(),
    )
    .await?;
    Ok(receipt_answer(&number, bytes))
}

/// The receipt (reçu) of a payment of the site, as a PDF duplicate.
#[utoipa::path(tag = "billing", params(("id" = i64, Path, description = "Payment id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "Not a payment of the site", body = tutti_shared::ApiErrorBody)))]
#[get("/admin/payments/{id}/receipt")]
pub async fn find_receipt(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let (number, bytes) = service::receipt_pdf(&state, staff.site, None, path.into_inner()).await?;
    Ok(receipt_answer(&number, bytes))
}

/// The invoices of the list's filters as CSV for the town's accounting (UTF-8 with BOM,
/// `;`, amounts like 1234,56): one line per invoice.
#[utoipa::path(tag = "billing", params(InvoiceListQuery), security(("bearer" = ["staff"])),
    responses((status = 200, description = "One line per invoice", content_type = "text/csv", body = String)))]
#[get("/admin/invoices/export.csv")]
pub async fn export_invoices(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<InvoiceListQuery>,
) -> Result<HttpResponse, AppError> {
    let rows = service::export_invoices(&state, caller.staff()?, query.into_inner()).await?;
    crate::export::csv_download("factures.csv", &rows)
}

/// The site's payments as CSV for the town's accounting: one line per payment.
#[utoipa::path(tag = "billing", security(("bearer" = ["staff"])),
    responses((status = 200, description = "One line per payment", content_type = "text/csv", body = String)))]
#[get("/admin/payments/export.csv")]
pub async fn export_payments(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let rows = service::export_payments(&state, caller.staff()?).await?;
    crate::export::csv_download("reglements.csv", &rows)
}
