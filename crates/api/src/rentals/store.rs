//! The inventory, its loans and the months already invoiced: rows in, rows out, scoped by
//! site (and household for a family).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{families, rental_charges, rental_items, rental_loans, students};
use crate::domain::SiteId;

/// An item row.
#[derive(Debug, Clone, Queryable)]
pub struct ItemRow {
    pub id: i64,
    pub category: String,
    pub tariff_code: String,
    pub label: String,
    pub make: String,
    pub inventory_number: String,
    pub serial_number: String,
    pub condition: String,
    pub notes: String,
    pub version: i32,
}

const ITEM: (
    rental_items::id,
    rental_items::category,
    rental_items::tariff_code,
    rental_items::label,
    rental_items::make,
    rental_items::inventory_number,
    rental_items::serial_number,
    rental_items::condition,
    rental_items::notes,
    rental_items::version,
) = (
    rental_items::id,
    rental_items::category,
    rental_items::tariff_code,
    rental_items::label,
    rental_items::make,
    rental_items::inventory_number,
    rental_items::serial_number,
    rental_items::condition,
    rental_items::notes,
    rental_items::version,
);

/// An item's fields as written.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = rental_items)]
pub struct ItemFields<'a> {
    pub category: &'a str,
    pub tariff_code: &'a str,
    pub label: &'a str,
    pub make: &'a str,
    pub inventory_number: &'a str,
    pub serial_number: &'a str,
    pub condition: &'a str,
    pub notes: &'a str,
}

/// The site's items, by category then inventory number.
pub fn items(connection: &mut DbConnection, SiteId(site): SiteId) -> QueryResult<Vec<ItemRow>> {
    rental_items::table
        .filter(rental_items::site_id.eq(site))
        .order((rental_items::category, rental_items::inventory_number))
        .select(ITEM)
        .load(connection)
}

/// An item of the site.
pub fn item(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    id: i64,
) -> QueryResult<Option<ItemRow>> {
    rental_items::table
        .filter(rental_items::site_id.eq(site))
        .filter(rental_items::id.eq(id))
        .select(ITEM)
        .first(connection)
        .optional()
}

/// Writes a new item; its id (a taken inventory number is a unique violation).
pub fn insert_item(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    fields: &ItemFields<'_>,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(rental_items::table)
        .values((
            rental_items::site_id.eq(site),
            fields,
            rental_items::version.eq(1),
            rental_items::created_at.eq(at),
            rental_items::updated_at.eq(at),
        ))
        .returning(rental_items::id)
        .get_result(connection)
}

/// Rewrites an item read at `version`; `false` when it moved since (nothing written).
pub fn update_item(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    id: i64,
    version: i32,
    fields: &ItemFields<'_>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(rental_items::table)
        .filter(rental_items::site_id.eq(site))
        .filter(rental_items::id.eq(id))
        .filter(rental_items::version.eq(version))
        .set((
            fields,
            rental_items::version.eq(version + 1),
            rental_items::updated_at.eq(at),
        ))
        .execute(connection)?;
    Ok(changed == 1)
}

/// Sets an item's state (on its return), bumping its version.
pub fn set_condition(
    connection: &mut DbConnection,
    id: i64,
    condition: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(rental_items::table.filter(rental_items::id.eq(id)))
        .set((
            rental_items::condition.eq(condition),
            rental_items::version.eq(rental_items::version + 1),
            rental_items::updated_at.eq(at),
        ))
        .execute(connection)
        .map(|_| ())
}

/// A loan row with its item, household and child.
#[derive(Debug, Clone, Queryable)]
pub struct LoanRow {
    pub id: i64,
    pub item_id: i64,
    pub household_id: i64,
    pub student_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub returned_on: Option<NaiveDate>,
    pub return_condition: Option<String>,
    pub return_notes: String,
    pub version: i32,
    pub category: String,
    pub tariff_code: String,
    pub item_label: String,
    pub inventory_number: String,
    pub household_name: String,
    pub student_first_name: Option<String>,
    pub student_last_name: Option<String>,
}

/// Filters of [`loans`].
#[derive(Debug, Default, Clone, Copy)]
pub struct LoanFilter {
    pub household: Option<i64>,
    pub item: Option<i64>,
    pub open: Option<bool>,
    pub id: Option<i64>,
    /// Loans running some day of the period: started by its end, and not ended (returned,
    /// or else planned to end) before its start.
    pub overlapping: Option<(NaiveDate, NaiveDate)>,
}

/// The site's loans matching the filter, newest first.
pub fn loans(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    filter: LoanFilter,
) -> QueryResult<Vec<LoanRow>> {
    let mut query = rental_loans::table
        .inner_join(rental_items::table)
        .inner_join(families::table)
        .left_join(students::table)
        .filter(rental_loans::site_id.eq(site))
        .into_boxed();
    if let Some(household) = filter.household {
        query = query.filter(rental_loans::household_id.eq(household));
    }
    if let Some(item) = filter.item {
        query = query.filter(rental_loans::item_id.eq(item));
    }
    if let Some(id) = filter.id {
        query = query.filter(rental_loans::id.eq(id));
    }
    match filter.open {
        Some(true) => query = query.filter(rental_loans::returned_on.is_null()),
        Some(false) => query = query.filter(rental_loans::returned_on.is_not_null()),
        None => {}
    }
    if let Some((from, to)) = filter.overlapping {
        query = query.filter(rental_loans::starts_on.le(to)).filter(
            rental_loans::returned_on
                .is_null()
                .and(rental_loans::ends_on.ge(from))
                .or(rental_loans::returned_on.ge(from)),
        );
    }
    query
        .order((rental_loans::starts_on.desc(), rental_loans::id.desc()))
        .select((
            rental_loans::id,
            rental_loans::item_id,
            rental_loans::household_id,
            rental_loans::student_id,
            rental_loans::starts_on,
            rental_loans::ends_on,
            rental_loans::returned_on,
            rental_loans::return_condition,
            rental_loans::return_notes,
            rental_loans::version,
            rental_items::category,
            rental_items::tariff_code,
            rental_items::label,
            rental_items::inventory_number,
            families::name,
            students::first_name.nullable(),
            students::last_name.nullable(),
        ))
        .load(connection)
}

/// A new loan.
#[derive(Debug, Insertable)]
#[diesel(table_name = rental_loans)]
pub struct NewLoan {
    pub site_id: i64,
    pub item_id: i64,
    pub household_id: i64,
    pub student_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub created_at: NaiveDateTime,
}

/// Writes a loan; its id (an item already out is a unique violation).
pub fn insert_loan(connection: &mut DbConnection, loan: &NewLoan) -> QueryResult<i64> {
    diesel::insert_into(rental_loans::table)
        .values(loan)
        .returning(rental_loans::id)
        .get_result(connection)
}

/// Moves the planned end of a loan not returned, read at `version`; `false` when it moved.
pub fn set_end(
    connection: &mut DbConnection,
    id: i64,
    version: i32,
    ends_on: NaiveDate,
) -> QueryResult<bool> {
    let changed = diesel::update(rental_loans::table)
        .filter(rental_loans::id.eq(id))
        .filter(rental_loans::version.eq(version))
        .filter(rental_loans::returned_on.is_null())
        .set((
            rental_loans::ends_on.eq(ends_on),
            rental_loans::version.eq(version + 1),
        ))
        .execute(connection)?;
    Ok(changed == 1)
}

/// Records the return of a loan not yet returned, read at `version`; `false` when it
/// moved or came back already.
pub fn set_returned(
    connection: &mut DbConnection,
    id: i64,
    version: i32,
    returned_on: NaiveDate,
    condition: &str,
    notes: &str,
) -> QueryResult<bool> {
    let changed = diesel::update(rental_loans::table)
        .filter(rental_loans::id.eq(id))
        .filter(rental_loans::version.eq(version))
        .filter(rental_loans::returned_on.is_null())
        .set((
            rental_loans::returned_on.eq(returned_on),
            rental_loans::return_condition.eq(condition),
            rental_loans::return_notes.eq(notes),
            rental_loans::version.eq(version + 1),
        ))
        .execute(connection)?;
    Ok(changed == 1)
}

/// The months already invoiced of these loans: (loan, first day of the month).
pub fn charged_months(
    connection: &mut DbConnection,
    loans: &[i64],
) -> QueryResult<Vec<(i64, NaiveDate)>> {
    rental_charges::table
        .filter(rental_charges::loan_id.eq_any(loans))
        .order((rental_charges::loan_id, rental_charges::month))
        .select((rental_charges::loan_id, rental_charges::month))
        .load(connection)
}

/// Records the months a loan is invoiced for, row by row (a month invoiced already is a
/// unique violation).
pub fn insert_charges(
    connection: &mut DbConnection,
    loan: i64,
    months: &[NaiveDate],
    invoice: i64,
) -> QueryResult<()> {
    for month in months {
        diesel::insert_into(rental_charges::table)
            .values((
                rental_charges::loan_id.eq(loan),
                rental_charges::month.eq(month),
                rental_charges::invoice_id.eq(invoice),
            ))
            .execute(connection)?;
    }
    Ok(())
}

/// A student of the site by first and last name, with its household (for the demo data).
pub fn student_by_name(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    first: &str,
    last: &str,
) -> QueryResult<Option<(i64, i64)>> {
    students::table
        .filter(students::site_id.eq(site))
        .filter(students::first_name.eq(first))
        .filter(students::last_name.eq(last))
        .select((students::id, students::family_id))
        .first(connection)
        .optional()
}
