//! Rentals over HTTP: the staff's inventory, loans and returns, the `location` invoices
//! of a period; a family reads its household's loans.

use actix_web::{HttpResponse, get, post, put, web};
use tutti_shared::{
    IssueFeesResult, Page, RentalInvoicesInput, RentalItem, RentalItemInput, RentalItemQuery,
    RentalLoan, RentalLoanInput, RentalLoanQuery, RentalLoanUpdate, RentalReturnInput,
};

use super::service;
use crate::caller::Caller;
use crate::error::AppError;
use crate::json::ApiJson;
use crate::state::AppState;

/// The site's inventory (instruments, rooms, equipment), by category then inventory
/// number, each with the loan it is out on; filtered by category, availability (lendable
/// and not out) and a search of the label, make, inventory and serial numbers.
#[utoipa::path(tag = "rentals", params(RentalItemQuery), security(("bearer" = ["staff"])),
    responses((status = 200, description = "One page of items", body = Page<RentalItem>)))]
#[get("/admin/rental-items")]
pub async fn list_rental_items(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<RentalItemQuery>,
) -> Result<HttpResponse, AppError> {
    let page = service::items(&state, caller.staff()?, query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Adds an item to the inventory, priced by one of the tariff grid's rentals (audited).
#[utoipa::path(tag = "rentals", request_body = RentalItemInput, security(("bearer" = ["staff"])),
    responses((status = 201, description = "The item", body = RentalItem),
        (status = 422, description = "Invalid fields, an inventory number taken, or a tariff code not in the grid", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/rental-items")]
pub async fn create_rental_item(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<RentalItemInput>,
) -> Result<HttpResponse, AppError> {
    let item = service::create_item(&state, caller.staff()?, body.into_inner()?).await?;
    Ok(HttpResponse::Created().json(item))
}

/// One item of the inventory.
#[utoipa::path(tag = "rentals", params(("id" = i64, Path, description = "Item id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "The item", body = RentalItem),
        (status = 404, description = "Not an item of the site", body = tutti_shared::ApiErrorBody)))]
#[get("/admin/rental-items/{id}")]
pub async fn find_rental_item(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let item = service::item(&state, caller.staff()?, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(item))
}

/// Rewrites an item against the version read (audited).
#[utoipa::path(tag = "rentals", request_body = RentalItemInput, params(("id" = i64, Path, description = "Item id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "The item, with its new version", body = RentalItem),
        (status = 404, description = "Not an item of the site", body = tutti_shared::ApiErrorBody),
        (status = 409, description = "The item changed since it was read (`stale_version`)", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Invalid fields, no version, an inventory number taken", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/rental-items/{id}")]
pub async fn update_rental_item(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<RentalItemInput>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let item = service::update_item(&state, staff, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(item))
}

/// The site's loans, newest first, with the months already invoiced; filtered by
/// household, item, and open (not returned) or returned.
#[utoipa::path(tag = "rentals", params(RentalLoanQuery), security(("bearer" = ["staff"])),
    responses((status = 200, description = "One page of loans", body = Page<RentalLoan>)))]
#[get("/admin/rental-loans")]
pub async fn list_rental_loans(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<RentalLoanQuery>,
) -> Result<HttpResponse, AppError> {
    let page = service::loans(&state, caller.staff()?, query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Lends an item to a household (an instrument to one of its children) for a period of
/// at most two years (audited).
#[utoipa::path(tag = "rentals", request_body = RentalLoanInput, security(("bearer" = ["staff"])),
    responses((status = 201, description = "The loan", body = RentalLoan),
        (status = 409, description = "The item is out on another loan (`already_exists`) or to repair / out of service (`invalid_transition`)", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Unknown item or household, a child not of the household, no child for an instrument, dates in the wrong order", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/rental-loans")]
pub async fn create_rental_loan(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<RentalLoanInput>,
) -> Result<HttpResponse, AppError> {
    let loan = service::create_loan(&state, caller.staff()?, body.into_inner()?).await?;
    Ok(HttpResponse::Created().json(loan))
}

/// One loan of the site.
#[utoipa::path(tag = "rentals", params(("id" = i64, Path, description = "Loan id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "The loan", body = RentalLoan),
        (status = 404, description = "Not a loan of the site", body = tutti_shared::ApiErrorBody)))]
#[get("/admin/rental-loans/{id}")]
pub async fn find_rental_loan(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let loan = service::loan(&state, caller.staff()?, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(loan))
}

/// Moves the planned end of a loan not yet returned, against the version read (audited);
/// never before a month already invoiced.
#[utoipa::path(tag = "rentals", request_body = RentalLoanUpdate, params(("id" = i64, Path, description = "Loan id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "The loan, with its new version", body = RentalLoan),
        (status = 404, description = "Not a loan of the site", body = tutti_shared::ApiErrorBody),
        (status = 409, description = "Changed since read (`stale_version`), or already returned (`invalid_transition`)", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "An end before the start or before a month invoiced", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/rental-loans/{id}")]
pub async fn update_rental_loan(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<RentalLoanUpdate>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let loan = service::update_loan(&state, staff, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(loan))
}

/// Records the return of a loaned item (audited): the loan ends on that day and the item
/// takes the state it came back in.
#[utoipa::path(tag = "rentals", request_body = RentalReturnInput, params(("id" = i64, Path, description = "Loan id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "The loan, returned", body = RentalLoan),
        (status = 404, description = "Not a loan of the site", body = tutti_shared::ApiErrorBody),
        (status = 409, description = "Changed since read (`stale_version`), or already returned (`invalid_transition`)", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "A day before the loan's start or in the future", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/rental-loans/{id}/return")]
pub async fn return_rental_loan(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<RentalReturnInput>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let loan = service::return_loan(&state, staff, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(loan))
}

/// Issues (or with `dry_run` previews) the period's rental invoices: one `location`
/// invoice per household, a line per loan for its months in the period not yet invoiced
/// (September to June; a tenth of the grid's yearly price each, rounded so that a year
/// adds up to it). A month is never invoiced twice: issuing again issues nothing new.
#[utoipa::path(tag = "rentals", request_body = RentalInvoicesInput, security(("bearer" = ["staff"])),
    responses((status = 200, description = "What was issued (or would be), and who was skipped", body = IssueFeesResult),
        (status = 422, description = "A period in the wrong order or longer than twelve months", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/invoices/issue-rentals")]
pub async fn issue_rental_invoices(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<RentalInvoicesInput>,
) -> Result<HttpResponse, AppError> {
    let result = service::issue_invoices(&state, caller.staff()?, body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(result))
}

/// The household's loans (instruments lent to its children, rooms and equipment rented),
/// newest first.
#[utoipa::path(tag = "rentals", security(("bearer" = ["family"])),
    responses((status = 200, description = "The household's loans", body = Vec<RentalLoan>)))]
#[get("/rentals")]
pub async fn list_family_rentals(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let loans = service::family_loans(&state, caller.family()?).await?;
    Ok(HttpResponse::Ok().json(loans))
}
