//! The staff's rental calls (`crates/api/src/rentals/http.rs`): the inventory, the loans,
//! their returns and the period's rental invoices. One function per endpoint, named
//! after its handler.

use gloo_net::http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tutti_shared::{
    IssueFeesResult, Page, RentalInvoicesInput, RentalItem, RentalItemInput, RentalItemQuery,
    RentalLoanInput, RentalLoanUpdate, RentalReturnInput,
};

use super::transport::{Answer, Call, Caller, fetch, fetch_nothing};
use crate::session::Session;

const ITEMS: &str = "/api/v1/admin/rental-items";
const LOANS: &str = "/api/v1/admin/rental-loans";

fn get<T: DeserializeOwned + 'static>(session: Session, call: Call) -> Answer<T> {
    fetch(Caller::Account(session), call)
}

/// A write whose answer is not decoded: the screens read the record again (one JSON
/// decoder less per record type in the wasm).
fn send(session: Session, method: Method, path: String, body: &impl Serialize) -> Answer<()> {
    fetch_nothing(
        Caller::Account(session),
        Call::with_json(method, path, body),
    )
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
pub fn create_rental_item(session: Session, input: &RentalItemInput) -> Answer<()> {
    send(session, Method::POST, ITEMS.to_owned(), input)
}

/// `GET /api/v1/admin/rental-items/{id}`.
pub fn find_rental_item(session: Session, id: i64) -> Answer<RentalItem> {
    get(session, Call::get(format!("{ITEMS}/{id}")))
}

/// `PUT /api/v1/admin/rental-items/{id}`: 409 `stale_version` when changed meanwhile.
pub fn update_rental_item(session: Session, id: i64, input: &RentalItemInput) -> Answer<()> {
    send(session, Method::PUT, format!("{ITEMS}/{id}"), input)
}

/// `GET /api/v1/admin/rental-loans?item_id=`: an item's loans (the last hundred),
/// decoded as `RentalLoan` or as a screen's own subset of its fields.
pub fn list_rental_loans<T: DeserializeOwned + 'static>(
    session: Session,
    item_id: i64,
) -> Answer<Page<T>> {
    let params = vec![
        ("item_id", item_id.to_string()),
        ("per_page", "100".to_owned()),
    ];
    get(session, Call::get(LOANS).with_query(params))
}

/// `POST /api/v1/admin/rental-loans`: 409 when the item is out or to be repaired.
pub fn create_rental_loan(session: Session, input: &RentalLoanInput) -> Answer<()> {
    send(session, Method::POST, LOANS.to_owned(), input)
}

/// `PUT /api/v1/admin/rental-loans/{id}`: a new planned end.
pub fn update_rental_loan(session: Session, id: i64, input: &RentalLoanUpdate) -> Answer<()> {
    send(session, Method::PUT, format!("{LOANS}/{id}"), input)
}

/// `POST /api/v1/admin/rental-loans/{id}/return`: the item is back, in a state.
pub fn return_rental_loan(session: Session, id: i64, input: &RentalReturnInput) -> Answer<()> {
    send(session, Method::POST, format!("{LOANS}/{id}/return"), input)
}

/// `POST /api/v1/admin/invoices/issue-rentals`: with `dry_run`, what would be issued.
pub fn issue_rental_invoices(
    session: Session,
    input: &RentalInvoicesInput,
) -> Answer<IssueFeesResult> {
    let path = "/api/v1/admin/invoices/issue-rentals";
    get(session, Call::with_json(Method::POST, path, input))
}
