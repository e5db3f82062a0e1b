//! Rentals: the inventory (instruments, rooms, equipment), loans and returns, and the
//! `location` invoices of a period, priced by the tariff grid's yearly rental prices.
//!
//! Invariants: an item is out on one loan at a time (a unique index on open loans); an
//! item to repair or out of service is not lent; a month of a loan is invoiced once (the
//! `rental_charges` key), whatever the periods asked; a school year bills at most its ten
//! months, the rounded prorata of the yearly price, so a whole year adds up to it.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use tutti_shared::{
    CurrentLoan, ErrorCode, InvoiceKind, InvoiceLine, InvoicePreview, IssueFeesResult, IssueSkip,
    ItemCondition, Page, RentalCategory, RentalInvoicesInput, RentalItem, RentalItemInput,
    RentalItemQuery, RentalLoan, RentalLoanInput, RentalLoanQuery, RentalLoanUpdate,
    RentalReturnInput, billed_month, rental_amount,
};

use super::store::{self, ItemFields, ItemRow, LoanFilter, LoanRow, NewLoan};
use crate::audit::record_school_action;
use crate::billing::service::{NewIssue, issue_invoice, read_invoice};
use crate::caller::{FamilyCaller, SchoolCaller};
use crate::db::{DbConnection, now, write_transaction};
use crate::domain::{DomainError, FieldErrors, HouseholdId, SiteId, optional_text, required_text};
use crate::state::AppState;

fn paris_today() -> NaiveDate {
    tutti_shared::paris_local(now()).date()
}

fn item_view(row: ItemRow, current_loan: Option<CurrentLoan>) -> Result<RentalItem, DomainError> {
    let category = RentalCategory::parse(&row.category)
        .ok_or_else(|| DomainError::Internal(format!("stored category {}", row.category)))?;
    let condition = ItemCondition::parse(&row.condition)
        .ok_or_else(|| DomainError::Internal(format!("stored condition {}", row.condition)))?;
    Ok(RentalItem {
        id: row.id,
        category,
        tariff_code: row.tariff_code,
        label: row.label,
        make: row.make,
        inventory_number: row.inventory_number,
        serial_number: row.serial_number,
        condition,
        notes: row.notes,
        current_loan,
        version: row.version,
    })
}

fn student_name(row: &LoanRow) -> Option<String> {
    match (&row.student_first_name, &row.student_last_name) {
        (Some(first), Some(last)) => Some(format!("{first} {last}")),
        _ => None,
    }
}

fn loan_views(
    connection: &mut DbConnection,
    rows: Vec<LoanRow>,
) -> Result<Vec<RentalLoan>, DomainError> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut months: BTreeMap<i64, Vec<NaiveDate>> = BTreeMap::new();
    for (loan, month) in store::charged_months(connection, &ids)? {
        months.entry(loan).or_default().push(month);
    }
    rows.into_iter()
        .map(|row| {
            let category = RentalCategory::parse(&row.category).ok_or_else(|| {
                DomainError::Internal(format!("stored category {}", row.category))
            })?;
            Ok(RentalLoan {
                id: row.id,
                item_id: row.item_id,
                category,
                student_name: student_name(&row),
                item_label: row.item_label,
                inventory_number: row.inventory_number,
                household_id: row.household_id,
                household_name: row.household_name,
                student_id: row.student_id,
                starts_on: row.starts_on,
                ends_on: row.ends_on,
                returned_on: row.returned_on,
                return_condition: row
                    .return_condition
                    .as_deref()
                    .and_then(ItemCondition::parse),
                return_notes: row.return_notes,
                invoiced_months: months.remove(&row.id).unwrap_or_default(),
                version: row.version,
            })
        })
        .collect()
}

fn page_bounds(page: Option<i64>, per_page: Option<i64>) -> Result<(i64, i64), DomainError> {
    tutti_shared::ListQuery {
        page,
        per_page,
        q: None,
    }
    .bounds()
    .map_err(|message| DomainError::field("page", message))
}

fn paged<T>(all: Vec<T>, page: i64, per_page: i64) -> Page<T> {
    let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
    let skip = usize::try_from((page - 1) * per_page).unwrap_or(usize::MAX);
    let take = usize::try_from(per_page).unwrap_or(100);
    Page {
        items: all.into_iter().skip(skip).take(take).collect(),
        total,
        page,
        per_page,
    }
}

/// The open loan of each item out (of one item, when given), by item.
fn current_loans(
    connection: &mut DbConnection,
    site: SiteId,
    item: Option<i64>,
) -> Result<BTreeMap<i64, CurrentLoan>, DomainError> {
    let open = store::loans(
        connection,
        site,
        LoanFilter {
            open: Some(true),
            item,
            ..LoanFilter::default()
        },
    )?;
    Ok(open
        .into_iter()
        .map(|row| {
            (
                row.item_id,
                CurrentLoan {
                    loan_id: row.id,
                    household_id: row.household_id,
                    student_name: student_name(&row),
                    household_name: row.household_name,
                    ends_on: row.ends_on,
                },
            )
        })
        .collect())
}

/// The site's inventory, filtered (category, available, search), by category then
/// inventory number. A school's inventory is hundreds of items: filtered in memory.
pub async fn items(
    state: &AppState,
    caller: SchoolCaller,
    query: RentalItemQuery,
) -> Result<Page<RentalItem>, DomainError> {
    let (page, per_page) = page_bounds(query.page, query.per_page)?;
    state
        .db
        .work(move |connection| {
            let mut out = current_loans(connection, caller.site, None)?;
            let search = query
                .q
                .as_deref()
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(str::to_lowercase);
            let mut listed = Vec::new();
            for row in store::items(connection, caller.site)? {
                let loan = out.remove(&row.id);
                let item = item_view(row, loan)?;
                if query
                    .category
                    .is_some_and(|category| category != item.category)
                {
                    continue;
                }
                let available = item.current_loan.is_none() && item.condition.lendable();
                if query.available.is_some_and(|wanted| {
                    if wanted {
                        !available
                    } else {
                        item.current_loan.is_none()
                    }
                }) {
                    continue;
                }
                if let Some(search) = &search {
                    let haystack = format!(
                        "{} {} {} {}",
                        item.label, item.make, item.inventory_number, item.serial_number
                    )
                    .to_lowercase();
                    if !haystack.contains(search.as_str()) {
                        continue;
                    }
                }
                listed.push(item);
            }
            Ok(paged(listed, page, per_page))
        })
        .await
}

fn read_item(
    connection: &mut DbConnection,
    site: SiteId,
    id: i64,
) -> Result<RentalItem, DomainError> {
    let row = store::item(connection, site, id)?.ok_or(DomainError::NotFound)?;
    let loan = current_loans(connection, site, Some(id))?.remove(&id);
    item_view(row, loan)
}

/// One item of the site, with the loan it is out on.
pub async fn item(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
) -> Result<RentalItem, DomainError> {
    state
        .db
        .work(move |connection| read_item(connection, caller.site, id))
        .await
}

/// The item's fields checked: the texts, and the tariff code among the grid's rentals.
fn check_item(
    connection: &mut DbConnection,
    site: SiteId,
    input: &RentalItemInput,
) -> Result<(), DomainError> {
    let mut errors = FieldErrors::new();
    required_text(&mut errors, "label", &input.label, 200);
    required_text(&mut errors, "inventory_number", &input.inventory_number, 50);
    optional_text(&mut errors, "make", &input.make, 100);
    optional_text(&mut errors, "serial_number", &input.serial_number, 100);
    optional_text(&mut errors, "notes", &input.notes, 1000);
    let grid = crate::tariffs::service::read_grid(connection, site)?;
    if !grid
        .rentals
        .iter()
        .any(|rental| rental.code == input.tariff_code.trim())
    {
        errors.insert(
            "tariff_code".to_owned(),
            "Choisissez un tarif de location de la grille tarifaire.".to_owned(),
        );
    }
    DomainError::check(errors)
}

fn fields(input: &RentalItemInput) -> ItemFields<'_> {
    ItemFields {
        category: input.category.as_str(),
        tariff_code: input.tariff_code.trim(),
        label: input.label.trim(),
        make: input.make.trim(),
        inventory_number: input.inventory_number.trim(),
        serial_number: input.serial_number.trim(),
        condition: input.condition.as_str(),
        notes: input.notes.trim(),
    }
}

fn number_taken(error: DomainError) -> DomainError {
    match error {
        DomainError::Conflict(refusal) if refusal.code == ErrorCode::AlreadyExists => {
            DomainError::field(
                "inventory_number",
                "Ce numéro d'inventaire est déjà celui d'un autre article.",
            )
        }
        other => other,
    }
}

/// Adds an item to the inventory (audited).
pub async fn create_item(
    state: &AppState,
    caller: SchoolCaller,
    input: RentalItemInput,
) -> Result<RentalItem, DomainError> {
    state
        .db
        .work(move |connection| {
            let id = write_transaction(connection, |connection| {
                check_item(connection, caller.site, &input)?;
                let id = store::insert_item(connection, caller.site, &fields(&input), now())
                    .map_err(|error| number_taken(error.into()))?;
                record_school_action(
                    connection,
                    &caller,
                    "rental_item_created",
                    "rental_item",
                    id,
                )?;
                Ok::<_, DomainError>(id)
            })?;
            read_item(connection, caller.site, id)
        })
        .await
}

/// Rewrites an item read at `input.version` (audited); a stale version is a 409.
pub async fn update_item(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
    input: RentalItemInput,
) -> Result<RentalItem, DomainError> {
    let Some(version) = input.version else {
        return Err(DomainError::field("version", "La version lue est requise."));
    };
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                store::item(connection, caller.site, id)?.ok_or(DomainError::NotFound)?;
                check_item(connection, caller.site, &input)?;
                let written = store::update_item(
                    connection,
                    caller.site,
                    id,
                    version,
                    &fields(&input),
                    now(),
                )
                .map_err(|error| number_taken(error.into()))?;
                if !written {
                    return Err(DomainError::Stale);
                }
                record_school_action(
                    connection,
                    &caller,
                    "rental_item_updated",
                    "rental_item",
                    id,
                )
            })?;
            read_item(connection, caller.site, id)
        })
        .await
}

/// The site's loans, filtered (household, item, open), newest first.
pub async fn loans(
    state: &AppState,
    caller: SchoolCaller,
    query: RentalLoanQuery,
) -> Result<Page<RentalLoan>, DomainError> {
    let (page, per_page) = page_bounds(query.page, query.per_page)?;
    state
        .db
        .work(move |connection| {
            let rows = store::loans(
                connection,
                caller.site,
                LoanFilter {
                    household: query.household_id,
                    item: query.item_id,
                    open: query.open,
                    ..LoanFilter::default()
                },
            )?;
            let total = rows.len();
            let skip = usize::try_from((page - 1) * per_page).unwrap_or(usize::MAX);
            let take = usize::try_from(per_page).unwrap_or(100);
            let shown: Vec<LoanRow> = rows.into_iter().skip(skip).take(take).collect();
            Ok(Page {
                items: loan_views(connection, shown)?,
                total: i64::try_from(total).unwrap_or(i64::MAX),
                page,
                per_page,
            })
        })
        .await
}

fn read_loan(
    connection: &mut DbConnection,
    site: SiteId,
    household: Option<i64>,
    id: i64,
) -> Result<RentalLoan, DomainError> {
    let rows = store::loans(
        connection,
        site,
        LoanFilter {
            id: Some(id),
            household,
            ..LoanFilter::default()
        },
    )?;
    loan_views(connection, rows)?
        .pop()
        .ok_or(DomainError::NotFound)
}

/// One loan of the site.
pub async fn loan(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
) -> Result<RentalLoan, DomainError> {
    state
        .db
        .work(move |connection| read_loan(connection, caller.site, None, id))
        .await
}

/// The longest loan: two years.
const MAX_LOAN_MONTHS: u32 = 24;

/// Lends an item (audited): it must be lendable and not out; an instrument goes to one
/// of the household's children.
pub async fn create_loan(
    state: &AppState,
    caller: SchoolCaller,
    input: RentalLoanInput,
) -> Result<RentalLoan, DomainError> {
    let mut errors = FieldErrors::new();
    if input.ends_on < input.starts_on {
        errors.insert(
            "ends_on".to_owned(),
            "La fin du prêt ne peut précéder son début.".to_owned(),
        );
    } else if input
        .starts_on
        .checked_add_months(Months::new(MAX_LOAN_MONTHS))
        .is_some_and(|limit| input.ends_on > limit)
    {
        errors.insert(
            "ends_on".to_owned(),
            "Un prêt dure au plus deux ans : prolongez-le ensuite.".to_owned(),
        );
    }
    DomainError::check(errors)?;
    state
        .db
        .work(move |connection| {
            let id = write_transaction(connection, |connection| {
                let item = store::item(connection, caller.site, input.item_id)?
                    .ok_or_else(|| DomainError::field("item_id", "Cet article n'existe pas."))?;
                crate::billing::store::household_name(
                    connection,
                    caller.site,
                    HouseholdId(input.household_id),
                )?
                .ok_or_else(|| DomainError::field("household_id", "Cette famille n'existe pas."))?;
                let instrument = item.category == RentalCategory::Instrument.as_str();
                match input.student_id {
                    None if instrument => {
                        return Err(DomainError::field(
                            "student_id",
                            "Choisissez l'élève à qui l'instrument est prêté.",
                        ));
                    }
                    Some(student)
                        if !crate::documents::store::student_in_household(
                            connection,
                            caller.site,
                            HouseholdId(input.household_id),
                            student,
                        )? =>
                    {
                        return Err(DomainError::field(
                            "student_id",
                            "Cet élève n'est pas un enfant de la famille.",
                        ));
                    }
                    _ => {}
                }
                let condition = ItemCondition::parse(&item.condition).unwrap_or(ItemCondition::Bon);
                if !condition.lendable() {
                    return Err(DomainError::conflict(
                        ErrorCode::InvalidTransition,
                        format!(
                            "« {} » est {} : il ne peut pas être prêté.",
                            item.label,
                            condition.label().to_lowercase()
                        ),
                    ));
                }
                let out = || {
                    DomainError::conflict(
                        ErrorCode::AlreadyExists,
                        format!(
                            "« {} » est déjà prêté : enregistrez d'abord son retour.",
                            item.label
                        ),
                    )
                };
                if !store::loans(
                    connection,
                    caller.site,
                    LoanFilter {
                        item: Some(item.id),
                        open: Some(true),
                        ..LoanFilter::default()
                    },
                )?
                .is_empty()
                {
                    return Err(out());
                }
                let id = store::insert_loan(
                    connection,
                    &NewLoan {
                        site_id: caller.site.0,
                        item_id: item.id,
                        household_id: input.household_id,
                        student_id: input.student_id,
                        starts_on: input.starts_on,
                        ends_on: input.ends_on,
                        created_at: now(),
                    },
                )
                .map_err(|error| match DomainError::from(error) {
                    // Another loan of the item won the race.
                    DomainError::Conflict(_) => out(),
                    other => other,
                })?;
                record_school_action(
                    connection,
                    &caller,
                    "rental_loan_created",
                    "rental_loan",
                    id,
                )?;
                Ok(id)
            })?;
            read_loan(connection, caller.site, None, id)
        })
        .await
}

/// Moves the planned end of a loan not yet returned (audited); never before a month
/// already invoiced.
pub async fn update_loan(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
    input: RentalLoanUpdate,
) -> Result<RentalLoan, DomainError> {
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let loan = read_loan(connection, caller.site, None, id)?;
                if loan.returned_on.is_some() {
                    return Err(DomainError::conflict(
                        ErrorCode::InvalidTransition,
                        "Ce prêt est terminé : l'article est rendu.",
                    ));
                }
                check_end(&loan, input.ends_on, true, "ends_on", "La fin du prêt")?;
                if !store::set_end(connection, id, input.version, input.ends_on)? {
                    return Err(DomainError::Stale);
                }
                record_school_action(
                    connection,
                    &caller,
                    "rental_loan_updated",
                    "rental_loan",
                    id,
                )
            })?;
            read_loan(connection, caller.site, None, id)
        })
        .await
}

/// A loan's end checked: not before its start; a planned end (`planned`) not before the
/// last month already invoiced either (an early return is a fact: staff correct what was
/// invoiced beyond it with a credit note).
fn check_end(
    loan: &RentalLoan,
    end: NaiveDate,
    planned: bool,
    field: &str,
    what: &str,
) -> Result<(), DomainError> {
    if end < loan.starts_on {
        return Err(DomainError::field(
            field,
            format!(
                "{what} ne peut précéder le début du prêt ({}).",
                loan.starts_on.format("%d/%m/%Y")
            ),
        ));
    }
    if let Some(last) = loan.invoiced_months.last()
        && planned
        && end < *last
    {
        return Err(DomainError::field(
            field,
            format!(
                "{what} ne peut précéder un mois déjà facturé ({}).",
                month_label(*last)
            ),
        ));
    }
    Ok(())
}

/// Records an item's return (audited): the loan ends, the item takes the state it came
/// back in and can be lent again if that state allows.
pub async fn return_loan(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
    input: RentalReturnInput,
) -> Result<RentalLoan, DomainError> {
    let mut errors = FieldErrors::new();
    optional_text(&mut errors, "notes", &input.notes, 1000);
    if input.returned_on > paris_today() {
        errors.insert(
            "returned_on".to_owned(),
            "Le retour ne peut être daté dans le futur.".to_owned(),
        );
    }
    DomainError::check(errors)?;
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let loan = read_loan(connection, caller.site, None, id)?;
                if loan.returned_on.is_some() {
                    return Err(DomainError::conflict(
                        ErrorCode::InvalidTransition,
                        "Le retour de cet article est déjà enregistré.",
                    ));
                }
                check_end(&loan, input.returned_on, false, "returned_on", "Le retour")?;
                let written = store::set_returned(
                    connection,
                    id,
                    input.version,
                    input.returned_on,
                    input.condition.as_str(),
                    input.notes.trim(),
                )?;
                if !written {
                    return Err(DomainError::Stale);
                }
                store::set_condition(connection, loan.item_id, input.condition.as_str(), now())?;
                record_school_action(
                    connection,
                    &caller,
                    "rental_loan_returned",
                    "rental_loan",
                    id,
                )
            })?;
            read_loan(connection, caller.site, None, id)
        })
        .await
}

/// The household's loans, newest first.
pub async fn family_loans(
    state: &AppState,
    caller: FamilyCaller,
) -> Result<Vec<RentalLoan>, DomainError> {
    state
        .db
        .work(move |connection| {
            let rows = store::loans(
                connection,
                caller.site,
                LoanFilter {
                    household: Some(caller.household.0),
                    ..LoanFilter::default()
                },
            )?;
            loan_views(connection, rows)
        })
        .await
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// "septembre 2026".
fn month_label(month: NaiveDate) -> String {
    let name = MONTHS
        .get(usize::try_from(month.month0()).unwrap_or(0))
        .copied()
        .unwrap_or_default();
    format!("{name} {}", month.year())
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The school year a month belongs to (its September's year).
fn school_year(month: NaiveDate) -> i32 {
    if month.month() >= 9 {
        month.year()
    } else {
        month.year() - 1
    }
}

/// The billed months (first days) a loan runs from `start` to `end`, within the period.
pub fn loan_months(
    start: NaiveDate,
    end: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<NaiveDate> {
    let first = first_of_month(start.max(from));
    let last = end.min(to);
    let mut months = Vec::new();
    let mut month = first;
    while month <= last {
        if billed_month(month.month()) {
            months.push(month);
        }
        match month.checked_add_months(Months::new(1)) {
            Some(next) => month = next,
            None => break,
        }
    }
    months
}

/// One line of a household's rental invoice: the loan, the months it bills, the amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeLine {
    pub loan_id: i64,
    pub label: String,
    pub student_id: Option<i64>,
    pub months: Vec<NaiveDate>,
    pub amount_cents: i64,
}

/// What a loan costs for its months not yet invoiced in the period: each school year's
/// months priced as the difference of the rounded prorata (see [`rental_amount`]).
pub fn charge(
    yearly_cents: i64,
    running: Vec<NaiveDate>,
    already: &[NaiveDate],
) -> (Vec<NaiveDate>, i64) {
    let new: Vec<NaiveDate> = running
        .into_iter()
        .filter(|month| !already.contains(month))
        .collect();
    let mut by_year: BTreeMap<i32, i64> = BTreeMap::new();
    for month in &new {
        *by_year.entry(school_year(*month)).or_default() += 1;
    }
    let amount = by_year
        .into_iter()
        .map(|(year, count)| {
            let before = already
                .iter()
                .filter(|month| school_year(**month) == year)
                .count();
            rental_amount(yearly_cents, i64::try_from(before).unwrap_or(0), count)
        })
        .sum();
    (new, amount)
}

fn charge_label(loan: &LoanRow, months: &[NaiveDate]) -> String {
    let who = loan
        .student_first_name
        .as_deref()
        .map(|first| format!(" ({first})"))
        .unwrap_or_default();
    let span = match (months.first(), months.last()) {
        (Some(first), Some(last)) if first == last => month_label(*first),
        (Some(first), Some(last)) => format!("{} à {}", month_label(*first), month_label(*last)),
        _ => String::new(),
    };
    let count = months.len();
    format!(
        "Location {} n° {}{who} : {span}, {count} mois",
        loan.item_label, loan.inventory_number
    )
}

/// The period's charges of the site's loans.
struct PeriodCharges {
    /// By household: its name and its lines.
    households: BTreeMap<i64, (String, Vec<ChargeLine>)>,
    /// Households with a loan whose tariff code left the grid: name and reason.
    unpriced: BTreeMap<i64, (String, String)>,
}

fn period_charges(
    connection: &mut DbConnection,
    site: SiteId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<PeriodCharges, DomainError> {
    let grid = crate::tariffs::service::read_grid(connection, site)?;
    let prices: BTreeMap<&str, i64> = grid
        .rentals
        .iter()
        .map(|rental| (rental.code.as_str(), rental.price_cents))
        .collect();
    let mut rows = store::loans(
        connection,
        site,
        LoanFilter {
            overlapping: Some((from, to)),
            ..LoanFilter::default()
        },
    )?;
    rows.sort_by_key(|row| (row.household_id, row.starts_on, row.id));
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut charged: BTreeMap<i64, Vec<NaiveDate>> = BTreeMap::new();
    for (loan, month) in store::charged_months(connection, &ids)? {
        charged.entry(loan).or_default().push(month);
    }
    let mut households: BTreeMap<i64, (String, Vec<ChargeLine>)> = BTreeMap::new();
    let mut unpriced: BTreeMap<i64, (String, String)> = BTreeMap::new();
    for row in rows {
        let Some(price) = prices.get(row.tariff_code.as_str()).copied() else {
            unpriced.insert(
                row.household_id,
                (
                    row.household_name.clone(),
                    format!(
                        "Aucun tarif « {} » dans la grille tarifaire pour « {} ».",
                        row.tariff_code, row.item_label
                    ),
                ),
            );
            continue;
        };
        let end = row.returned_on.unwrap_or(row.ends_on);
        let running = loan_months(row.starts_on, end, from, to);
        let already = charged.remove(&row.id).unwrap_or_default();
        let (months, amount_cents) = charge(price, running, &already);
        if months.is_empty() || amount_cents <= 0 {
            continue;
        }
        let line = ChargeLine {
            loan_id: row.id,
            label: charge_label(&row, &months),
            student_id: row.student_id,
            months,
            amount_cents,
        };
        households
            .entry(row.household_id)
            .or_insert_with(|| (row.household_name.clone(), Vec::new()))
            .1
            .push(line);
    }
    Ok(PeriodCharges {
        households,
        unpriced,
    })
}

/// The longest period invoiced at once.
const MAX_PERIOD_MONTHS: u32 = 12;

/// Issues (or, in a dry run, previews) one `location` invoice per household for the
/// period: a line per loan for its months in the period not invoiced yet, each in its own
/// transaction; a month is never invoiced twice, so issuing again issues nothing new.
pub async fn issue_invoices(
    state: &AppState,
    caller: SchoolCaller,
    input: RentalInvoicesInput,
) -> Result<IssueFeesResult, DomainError> {
    if input.to < input.from {
        return Err(DomainError::field(
            "to",
            "La fin de la période ne peut précéder son début.",
        ));
    }
    if input
        .from
        .checked_add_months(Months::new(MAX_PERIOD_MONTHS))
        .is_some_and(|limit| input.to >= limit)
    {
        return Err(DomainError::field(
            "to",
            "Une période compte au plus douze mois.",
        ));
    }
    let from = first_of_month(input.from);
    let to = input.to;
    state
        .db
        .work(move |connection| {
            let mut result = IssueFeesResult {
                dry_run: input.dry_run,
                issued: Vec::new(),
                previews: Vec::new(),
                skipped: Vec::new(),
            };
            let PeriodCharges {
                households,
                unpriced,
            } = period_charges(connection, caller.site, from, to)?;
            for (household, (name, reason)) in unpriced {
                result.skipped.push(IssueSkip {
                    household_id: household,
                    household_name: name,
                    reason,
                });
            }
            let today = paris_today();
            let due_on = today + chrono::Duration::days(30);
            let label = format!(
                "Locations du {} au {}",
                from.format("%d/%m/%Y"),
                to.format("%d/%m/%Y")
            );
            for (household, (name, lines)) in households {
                let total: i64 = lines.iter().map(|line| line.amount_cents).sum();
                if input.dry_run {
                    result.previews.push(InvoicePreview {
                        household_id: household,
                        household_name: name,
                        total_cents: total,
                        lines: lines
                            .iter()
                            .map(|line| InvoiceLine {
                                label: line.label.clone(),
                                amount_cents: line.amount_cents,
                                student_id: line.student_id,
                            })
                            .collect(),
                        instalments: vec![tutti_shared::Instalment {
                            due_on,
                            amount_cents: total,
                        }],
                    });
                    continue;
                }
                let outcome = write_transaction(connection, |connection| {
                    let rows: Vec<(String, Option<i64>, i64)> = lines
                        .iter()
                        .map(|line| (line.label.clone(), line.student_id, line.amount_cents))
                        .collect();
                    let id = issue_invoice(
                        connection,
                        &caller,
                        NewIssue {
                            household_id: household,
                            kind: InvoiceKind::Location,
                            label: &label,
                            issued_on: today,
                            total_cents: total,
                        },
                        &rows,
                        &[(due_on, total)],
                    )?;
                    for line in &lines {
                        // A month invoiced meanwhile by another issuer: a unique violation
                        // that rolls this invoice back, number included.
                        store::insert_charges(connection, line.loan_id, &line.months, id)?;
                    }
                    Ok::<_, DomainError>(id)
                });
                match outcome {
                    Ok(id) => result
                        .issued
                        .push(read_invoice(connection, caller.site, id)?),
                    Err(DomainError::Conflict(_)) => result.skipped.push(IssueSkip {
                        household_id: household,
                        household_name: name,
                        reason: "Ces mois viennent d'être facturés.".to_owned(),
                    }),
                    Err(error) => return Err(error),
                }
            }
            Ok(result)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
    }

    #[test]
    fn a_school_year_loan_runs_ten_billed_months() {
        let months = loan_months(
            day(2026, 9, 15),
            day(2027, 7, 31),
            day(2026, 1, 1),
            day(2027, 12, 31),
        );
        assert_eq!(months.len(), 10);
        assert_eq!(months.first(), Some(&day(2026, 9, 1)));
        assert_eq!(months.last(), Some(&day(2027, 6, 1)));
    }

    #[test]
    fn the_period_bounds_the_months() {
        let months = loan_months(
            day(2026, 9, 1),
            day(2027, 6, 30),
            day(2026, 10, 20),
            day(2026, 12, 5),
        );
        assert_eq!(
            months,
            vec![day(2026, 10, 1), day(2026, 11, 1), day(2026, 12, 1)]
        );
    }

    #[test]
    fn months_already_invoiced_are_not_charged_again() {
        let running = loan_months(
            day(2026, 9, 1),
            day(2027, 6, 30),
            day(2026, 9, 1),
            day(2027, 6, 30),
        );
        let already = vec![day(2026, 9, 1), day(2026, 10, 1)];
        let (months, amount) = charge(20_000, running, &already);
        assert_eq!(months.len(), 8);
        assert_eq!(amount, 16_000);
    }

    proptest! {
        /// However a school year's loan is cut into periods, its invoices add up to the
        /// yearly price, and no month is charged twice.
        #[test]
        fn any_periods_of_a_year_add_up_to_the_yearly_price(
            yearly in 0..2_000_000i64,
            cuts in proptest::collection::vec(0u32..10, 0..6),
        ) {
            let start = day(2026, 9, 1);
            let end = day(2027, 6, 30);
            let mut bounds: Vec<u32> = cuts;
            bounds.push(10);
            bounds.sort_unstable();
            let mut charged: Vec<NaiveDate> = Vec::new();
            let mut total = 0;
            let mut begin = 0u32;
            for bound in bounds {
                // Periods as school-year month indexes [begin, bound): Sept + index.
                let from = start.checked_add_months(Months::new(begin)).unwrap_or(start);
                let to = start
                    .checked_add_months(Months::new(bound))
                    .and_then(|next| next.pred_opt())
                    .unwrap_or(end);
                if bound > begin {
                    let (months, amount) = charge(yearly, loan_months(start, end, from, to), &charged);
                    for month in &months {
                        prop_assert!(!charged.contains(month));
                    }
                    prop_assert!(amount >= 0);
                    charged.extend(months);
                    total += amount;
                }
                begin = bound;
            }
            prop_assert_eq!(charged.len(), 10);
            prop_assert_eq!(total, yearly);
            // Invoicing the whole year again charges nothing.
            let (again, amount) = charge(yearly, loan_months(start, end, start, end), &charged);
            prop_assert!(again.is_empty());
            prop_assert_eq!(amount, 0);
        }
    }
}
