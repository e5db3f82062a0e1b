//! Invoices, their lines and due dates, and the numbering counters: rows in, rows out,
//! scoped by site (and household for a family).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::Connection as _;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{
    families, guardians, invoice_balances, invoice_instalments, invoice_lines, invoice_sequences,
    invoices, payment_allocations, payments, reenrolment_files, sites,
};
use crate::domain::{HouseholdId, SiteId};

/// An invoice row with its household's name.
#[derive(Debug, Clone, Queryable)]
pub struct InvoiceRow {
    pub id: i64,
    pub household_id: i64,
    pub number: String,
    pub kind: String,
    pub label: String,
    pub issued_on: NaiveDate,
    pub total_cents: i64,
    pub campaign_id: Option<i64>,
    pub corrects_invoice_id: Option<i64>,
    pub household_name: String,
}

/// A new invoice.
#[derive(Debug, Insertable)]
#[diesel(table_name = invoices)]
pub struct NewInvoice<'a> {
    pub site_id: i64,
    pub household_id: i64,
    pub number: &'a str,
    pub kind: &'a str,
    pub label: &'a str,
    pub issued_on: NaiveDate,
    pub total_cents: i64,
    pub campaign_id: Option<i64>,
    pub corrects_invoice_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// A line, new or read.
#[derive(Debug, Clone, Insertable, Queryable)]
#[diesel(table_name = invoice_lines)]
pub struct LineRow {
    pub invoice_id: i64,
    pub position: i32,
    pub label: String,
    pub student_id: Option<i64>,
    pub amount_cents: i64,
}

/// A due date, new or read.
#[derive(Debug, Clone, Insertable, Queryable)]
#[diesel(table_name = invoice_instalments)]
pub struct InstalmentRow {
    pub invoice_id: i64,
    pub position: i32,
    pub due_on: NaiveDate,
    pub amount_cents: i64,
}

/// The site's next invoice number in `year`: an UPDATE that bumps the counter and holds
/// its row until the transaction ends (concurrent issuers wait their turn), so numbers
/// follow without gaps nor repeats; a rollback gives the number back. The year's first
/// number creates the counter, in a savepoint: when another issuer creates it at the same
/// time, the insert fails alone and the bump goes to the counter that issuer made.
pub fn next_number(connection: &mut DbConnection, site: SiteId, year: i32) -> QueryResult<i64> {
    if let Some(number) = bump(connection, site, year)? {
        return Ok(number);
    }
    let created = connection.transaction(|connection| {
        diesel::insert_into(invoice_sequences::table)
            .values((
                invoice_sequences::site_id.eq(site.0),
                invoice_sequences::year.eq(year),
                invoice_sequences::last_number.eq(0_i64),
            ))
            .execute(connection)
    });
    match created {
        Ok(_)
        | Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => bump(connection, site, year)?.ok_or(diesel::result::Error::NotFound),
        Err(other) => Err(other),
    }
}

fn bump(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    year: i32,
) -> QueryResult<Option<i64>> {
    diesel::update(invoice_sequences::table)
        .filter(invoice_sequences::site_id.eq(site))
        .filter(invoice_sequences::year.eq(year))
        .set(invoice_sequences::last_number.eq(invoice_sequences::last_number + 1_i64))
        .returning(invoice_sequences::last_number)
        .get_result(connection)
        .optional()
}

/// Inserts an invoice with its lines and due dates; its id.
pub fn insert(
    connection: &mut DbConnection,
    invoice: &NewInvoice<'_>,
    lines: &[(String, Option<i64>, i64)],
    instalments: &[(NaiveDate, i64)],
) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(invoices::table)
        .values(invoice)
        .returning(invoices::id)
        .get_result(connection)?;
    if invoice.kind != "avoir" {
        diesel::insert_into(invoice_balances::table)
            .values((
                invoice_balances::invoice_id.eq(id),
                invoice_balances::due_cents.eq(invoice.total_cents),
                invoice_balances::changed_at.eq(invoice.created_at),
            ))
            .execute(connection)?;
    }
    // One row at a time: the two databases share no batch-insert syntax in diesel.
    for ((label, student_id, amount_cents), position) in lines.iter().zip(0..) {
        diesel::insert_into(invoice_lines::table)
            .values(&LineRow {
                invoice_id: id,
                position,
                label: label.clone(),
                student_id: *student_id,
                amount_cents: *amount_cents,
            })
            .execute(connection)?;
    }
    for ((due_on, amount_cents), position) in instalments.iter().zip(0..) {
        diesel::insert_into(invoice_instalments::table)
            .values(&InstalmentRow {
                invoice_id: id,
                position,
                due_on: *due_on,
                amount_cents: *amount_cents,
            })
            .execute(connection)?;
    }
    Ok(id)
}

/// Whether the household already has its fee invoice of `campaign`.
pub fn fee_invoice_exists(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    campaign: i64,
    HouseholdId(household): HouseholdId,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        invoices::table
            .filter(invoices::site_id.eq(site))
            .filter(invoices::campaign_id.eq(campaign))
            .filter(invoices::household_id.eq(household))
            .filter(invoices::kind.eq("cotisation")),
    ))
    .get_result(connection)
}

/// A validated file as billing reads it.
#[derive(Debug, Clone, Queryable)]
pub struct ValidatedFile {
    pub household_id: i64,
    pub household_name: String,
    pub student_id: i64,
    /// The schedule the family chose (1 or 9), if any.
    pub instalments: Option<i32>,
}

/// The validated files of a campaign, by household.
pub fn validated_files(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    campaign: i64,
) -> QueryResult<Vec<ValidatedFile>> {
    reenrolment_files::table
        .inner_join(families::table)
        .filter(reenrolment_files::site_id.eq(site))
        .filter(reenrolment_files::campaign_id.eq(campaign))
        .filter(reenrolment_files::status.eq("validee"))
        .order((families::name, families::id, reenrolment_files::student_id))
        .select((
            families::id,
            families::name,
            reenrolment_files::student_id,
            reenrolment_files::instalments,
        ))
        .load(connection)
}

type RowColumns = (
    invoices::id,
    invoices::household_id,
    invoices::number,
    invoices::kind,
    invoices::label,
    invoices::issued_on,
    invoices::total_cents,
    invoices::campaign_id,
    invoices::corrects_invoice_id,
    families::name,
);

const ROW: RowColumns = (
    invoices::id,
    invoices::household_id,
    invoices::number,
    invoices::kind,
    invoices::label,
    invoices::issued_on,
    invoices::total_cents,
    invoices::campaign_id,
    invoices::corrects_invoice_id,
    families::name,
);

/// The site's invoices, newest first, optionally of one household and one kind, and
/// issued or with a balance changed at or after `changed_since`.
pub fn list(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    household: Option<HouseholdId>,
    kind: Option<&str>,
    changed_since: Option<NaiveDateTime>,
) -> QueryResult<Vec<InvoiceRow>> {
    let mut query = invoices::table
        .inner_join(families::table)
        .filter(invoices::site_id.eq(site))
        .into_boxed();
    if let Some(HouseholdId(household)) = household {
        query = query.filter(invoices::household_id.eq(household));
    }
    if let Some(kind) = kind {
        query = query.filter(invoices::kind.eq(kind.to_owned()));
    }
    if let Some(since) = changed_since {
        query = query.filter(
            invoices::created_at.ge(since).or(invoices::id.eq_any(
                invoice_balances::table
                    .filter(invoice_balances::changed_at.ge(since))
                    .select(invoice_balances::invoice_id),
            )),
        );
    }
    query
        .order((invoices::issued_on.desc(), invoices::id.desc()))
        .select(ROW)
        .load(connection)
}

/// An invoice of the site (of the household, when given).
pub fn find(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    household: Option<HouseholdId>,
    id: i64,
) -> QueryResult<Option<InvoiceRow>> {
    let mut query = invoices::table
        .inner_join(families::table)
        .filter(invoices::site_id.eq(site))
        .filter(invoices::id.eq(id))
        .into_boxed();
    if let Some(HouseholdId(household)) = household {
        query = query.filter(invoices::household_id.eq(household));
    }
    query.select(ROW).first(connection).optional()
}

/// The lines of these invoices, in order.
pub fn lines_of(connection: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<LineRow>> {
    invoice_lines::table
        .filter(invoice_lines::invoice_id.eq_any(ids))
        .order((invoice_lines::invoice_id, invoice_lines::position))
        .load(connection)
}

/// The due dates of these invoices, in order.
pub fn instalments_of(
    connection: &mut DbConnection,
    ids: &[i64],
) -> QueryResult<Vec<InstalmentRow>> {
    invoice_instalments::table
        .filter(invoice_instalments::invoice_id.eq_any(ids))
        .order((
            invoice_instalments::invoice_id,
            invoice_instalments::position,
        ))
        .load(connection)
}

/// The name of a household of the site, if it is one.
pub fn household_name(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    HouseholdId(household): HouseholdId,
) -> QueryResult<Option<String>> {
    families::table
        .filter(families::site_id.eq(site))
        .filter(families::id.eq(household))
        .select(families::name)
        .first(connection)
        .optional()
}

/// Lowers what remains due on an invoice by `amount`, only if that much remains: one
/// guarded UPDATE, which holds the row until the transaction ends; `false` when less
/// remains (nothing written).
pub fn lower_due(
    connection: &mut DbConnection,
    invoice: i64,
    amount: i64,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(invoice_balances::table)
        .filter(invoice_balances::invoice_id.eq(invoice))
        .filter(invoice_balances::due_cents.ge(amount))
        .set((
            invoice_balances::due_cents.eq(invoice_balances::due_cents - amount),
            invoice_balances::changed_at.eq(at),
        ))
        .execute(connection)?;
    Ok(changed == 1)
}

/// What remains due on these invoices (credit notes have no row).
pub fn dues_of(connection: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    invoice_balances::table
        .filter(invoice_balances::invoice_id.eq_any(ids))
        .select((invoice_balances::invoice_id, invoice_balances::due_cents))
        .load(connection)
}

/// A payment row.
#[derive(Debug, Clone, Queryable)]
pub struct PaymentRow {
    pub id: i64,
    pub household_id: i64,
    pub paid_on: NaiveDate,
    pub amount_cents: i64,
    pub method: String,
    pub reference: String,
}

/// A new payment.
#[derive(Debug, Insertable)]
#[diesel(table_name = payments)]
pub struct NewPayment<'a> {
    pub site_id: i64,
    pub household_id: i64,
    pub paid_on: NaiveDate,
    pub amount_cents: i64,
    pub method: &'a str,
    pub reference: &'a str,
    pub idempotency_key: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

const PAYMENT: (
    payments::id,
    payments::household_id,
    payments::paid_on,
    payments::amount_cents,
    payments::method,
    payments::reference,
) = (
    payments::id,
    payments::household_id,
    payments::paid_on,
    payments::amount_cents,
    payments::method,
    payments::reference,
);

/// Inserts a payment and its allocations; its id.
pub fn insert_payment(
    connection: &mut DbConnection,
    payment: &NewPayment<'_>,
    allocations: &[(i64, i64)],
) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(payments::table)
        .values(payment)
        .returning(payments::id)
        .get_result(connection)?;
    for (invoice, amount) in allocations {
        diesel::insert_into(payment_allocations::table)
            .values((
                payment_allocations::payment_id.eq(id),
                payment_allocations::invoice_id.eq(invoice),
                payment_allocations::amount_cents.eq(amount),
            ))
            .execute(connection)?;
    }
    Ok(id)
}

/// The payment recorded with this Idempotency-Key on the site, if any.
pub fn payment_by_key(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    key: &str,
) -> QueryResult<Option<PaymentRow>> {
    payments::table
        .filter(payments::site_id.eq(site))
        .filter(payments::idempotency_key.eq(key))
        .select(PAYMENT)
        .first(connection)
        .optional()
}

/// A payment of the site by id.
pub fn find_payment(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    id: i64,
) -> QueryResult<Option<PaymentRow>> {
    payments::table
        .filter(payments::site_id.eq(site))
        .filter(payments::id.eq(id))
        .select(PAYMENT)
        .first(connection)
        .optional()
}

/// The site's payments (of one household, when given), newest first.
pub fn payments_of(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    household: Option<HouseholdId>,
) -> QueryResult<Vec<PaymentRow>> {
    let mut query = payments::table
        .filter(payments::site_id.eq(site))
        .into_boxed();
    if let Some(HouseholdId(household)) = household {
        query = query.filter(payments::household_id.eq(household));
    }
    query
        .order((payments::paid_on.desc(), payments::id.desc()))
        .select(PAYMENT)
        .load(connection)
}

/// The allocations of these payments: (payment, invoice, amount).
pub fn allocations_of(
    connection: &mut DbConnection,
    ids: &[i64],
) -> QueryResult<Vec<(i64, i64, i64)>> {
    payment_allocations::table
        .filter(payment_allocations::payment_id.eq_any(ids))
        .order((
            payment_allocations::payment_id,
            payment_allocations::invoice_id,
        ))
        .select((
            payment_allocations::payment_id,
            payment_allocations::invoice_id,
            payment_allocations::amount_cents,
        ))
        .load(connection)
}

/// What an invoice's header prints of the site: name, postal address, SIRET, contact.
pub fn school_identity(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
) -> QueryResult<(String, String, String, String)> {
    sites::table
        .find(site)
        .select((
            sites::name,
            sites::billing_address,
            sites::siret,
            sites::contact_email,
        ))
        .first(connection)
}

/// A guardian's name and postal address, as an invoice is addressed.
#[derive(Debug, Clone, Queryable)]
pub struct PostalAddress {
    pub civility: String,
    pub first_name: String,
    pub last_name: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
}

/// The household's first guardian's name and postal address, if it has a guardian.
pub fn household_address(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    HouseholdId(household): HouseholdId,
) -> QueryResult<Option<PostalAddress>> {
    guardians::table
        .filter(guardians::site_id.eq(site))
        .filter(guardians::family_id.eq(household))
        .order(guardians::position)
        .select((
            guardians::civility,
            guardians::first_name,
            guardians::last_name,
            guardians::address,
            guardians::postcode,
            guardians::city,
        ))
        .first(connection)
        .optional()
}

/// The payments allocated to an invoice: date, method, reference, amount allocated.
pub fn payments_to(
    connection: &mut DbConnection,
    invoice: i64,
) -> QueryResult<Vec<(NaiveDate, String, String, i64)>> {
    payment_allocations::table
        .inner_join(payments::table)
        .filter(payment_allocations::invoice_id.eq(invoice))
        .order((payments::paid_on, payments::id))
        .select((
            payments::paid_on,
            payments::method,
            payments::reference,
            payment_allocations::amount_cents,
        ))
        .load(connection)
}

/// The credit notes correcting an invoice: number, date, label, total (negative).
pub fn credit_notes_of(
    connection: &mut DbConnection,
    invoice: i64,
) -> QueryResult<Vec<(String, NaiveDate, String, i64)>> {
    invoices::table
        .filter(invoices::corrects_invoice_id.eq(invoice))
        .order(invoices::id)
        .select((
            invoices::number,
            invoices::issued_on,
            invoices::label,
            invoices::total_cents,
        ))
        .load(connection)
}

/// The number of an invoice by id.
pub fn number_of(connection: &mut DbConnection, invoice: i64) -> QueryResult<String> {
    invoices::table
        .find(invoice)
        .select(invoices::number)
        .first(connection)
}

/// What was paid on an invoice by the payments up to `payment` (by id), in cents.
pub fn paid_until(connection: &mut DbConnection, invoice: i64, payment: i64) -> QueryResult<i64> {
    let amounts: Vec<i64> = payment_allocations::table
        .filter(payment_allocations::invoice_id.eq(invoice))
        .filter(payment_allocations::payment_id.le(payment))
        .select(payment_allocations::amount_cents)
        .load(connection)?;
    Ok(amounts.iter().sum())
}
