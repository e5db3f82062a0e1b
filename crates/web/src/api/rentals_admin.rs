//! The staff's rental calls (`crates/api/src/rentals/http.rs`): the inventory, the loans,
//! their returns and the period's rental invoices. One function per endpoint, named
//! after its handler.

use gloo_net::http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tutti_shared::{
    IssueFeesResult, Page, RentalInvoicesInput, RentalItem, RentalItemInput, RentalItemQuery,
    RentalLoan, RentalLoanInput, RentalLoanQuery, RentalLoanUpdate, RentalReturnInput,
};

use super::transport::{Answer, Call, Caller, fetch};
use crate::session::Session;

const ITEMS: &str = "/api/v1/admin/rental-items";
const LOANS: &str = "/api/v1/admin/rental-loans";

fn get<T: DeserializeOwned + 'static>(session: Session, call: Call) -> Answer<T> {
    fetch(Caller::Account(session), call)
}

fn send<T: DeserializeOwned + 'static>(
    session: Session,
    method: Method,
    path: String,
    body: &impl Serialize,
) -> Answer<T> {
    get(session, Call::with_json(method, path, body))
}

/// The query string of the inventory: only the filters that are set, the search trimmed.
pub fn item_params(query: &RentalItemQuery) -> Vec<(&'static str, String)> {
    let texts = [
        (
            "category",
            query.category.map(|category| category.as_str().to_owned()),
        ),
        ("available", query.available.map(|free| free.to_string())),
        (
            "q",
            query
                .q
                .as_deref()
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(str::to_owned),
        ),
        ("page", query.page.map(|page| page.to_string())),
        ("per_page", query.per_page.map(|count| count.to_string())),
    ];
    texts
        .into_iter()
        .filter_map(|(name, value)| value.map(|value| (name, value)))
        .collect()
}

/// `GET /api/v1/admin/rental-items`: the inventory, filtered and paged.
pub fn list_rental_items(session: Session, query: &RentalItemQuery) -> Answer<Page<RentalItem>> {
    get(session, Call::get(ITEMS).with_query(item_params(query)))
}

/// `POST /api/v1/admin/rental-items`: 422 for bad fields (an inventory number taken).
pub fn create_rental_item(session: Session, input: &RentalItemInput) -> Answer<RentalItem> {
    send(session, Method::POST, ITEMS.to_owned(), input)
}

/// `GET /api/v1/admin/rental-items/{id}`.
pub fn find_rental_item(session: Session, id: i64) -> Answer<RentalItem> {
    get(session, Call::get(format!("{ITEMS}/{id}")))
}

/// `PUT /api/v1/admin/rental-items/{id}`: 409 `stale_version` when changed meanwhile.
pub fn update_rental_item(
    session: Session,
    id: i64,
    input: &RentalItemInput,
) -> Answer<RentalItem> {
    send(session, Method::PUT, format!("{ITEMS}/{id}"), input)
}

/// `GET /api/v1/admin/rental-loans`: the loans, filtered and paged.
pub fn list_rental_loans(session: Session, query: &RentalLoanQuery) -> Answer<Page<RentalLoan>> {
    let texts = [
        ("household_id", query.household_id.map(|id| id.to_string())),
        ("item_id", query.item_id.map(|id| id.to_string())),
        ("open", query.open.map(|open| open.to_string())),
        ("page", query.page.map(|page| page.to_string())),
        ("per_page", query.per_page.map(|count| count.to_string())),
    ];
    let params = texts
        .into_iter()
        .filter_map(|(name, value)| value.map(|value| (name, value)))
        .collect();
    get(session, Call::get(LOANS).with_query(params))
}

/// `POST /api/v1/admin/rental-loans`: 409 when the item is out or to be repaired.
pub fn create_rental_loan(session: Session, input: &RentalLoanInput) -> Answer<RentalLoan> {
    send(session, Method::POST, LOANS.to_owned(), input)
}

/// `PUT /api/v1/admin/rental-loans/{id}`: a new planned end.
pub fn update_rental_loan(
    session: Session,
    id: i64,
    input: &RentalLoanUpdate,
) -> Answer<RentalLoan> {
    send(session, Method::PUT, format!("{LOANS}/{id}"), input)
}

/// `POST /api/v1/admin/rental-loans/{id}/return`: the item is back, in a state.
pub fn return_rental_loan(
    session: Session,
    id: i64,
    input: &RentalReturnInput,
) -> Answer<RentalLoan> {
    send(session, Method::POST, format!("{LOANS}/{id}/return"), input)
}

/// `POST /api/v1/admin/invoices/issue-rentals`: with `dry_run`, what would be issued.
pub fn issue_rental_invoices(
    session: Session,
    input: &RentalInvoicesInput,
) -> Answer<IssueFeesResult> {
    send(
        session,
        Method::POST,
        "/api/v1/admin/invoices/issue-rentals".to_owned(),
        input,
    )
}
