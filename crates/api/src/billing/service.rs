//! Invoices: issuing the year's fee invoices from validated re-enrolment files (the
//! tariff grid's computation, `tariffs::service::estimate_in`, not a copy), numbering
//! without gaps, and reading them for staff and for the household billed.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use tutti_shared::{
    Allocation, CreditNoteInput, FeeEstimate, FeeEstimateChild, FeeEstimateRequest, Instalment,
    Invoice, InvoiceKind, InvoiceLine, InvoiceLineInput, InvoiceListQuery, InvoicePreview,
    IssueFeesInput, IssueFeesResult, IssueSkip, ManualInvoiceInput, Payment, PaymentInput,
    PaymentMeans, due_dates, format_euros, invoice_number, paris_local,
};

use super::pdf;
use super::store::{self, InvoiceRow, NewInvoice, NewPayment, PaymentRow};
use crate::audit::record_school_action;
use crate::caller::{FamilyCaller, SchoolCaller};
use crate::db::{DbConnection, now, write_transaction};
use crate::domain::{DomainError, FieldErrors, HouseholdId, Refusal, SiteId};
use crate::reenrolment::service::campaign_by_id;
use crate::state::AppState;
use tutti_shared::ErrorCode;

/// Today in Paris: the date an invoice is issued on.
fn paris_today() -> NaiveDate {
    paris_local(now()).date()
}

/// A household's validated files: its name, and each child with its schedule choice.
struct Billed {
    name: String,
    children: Vec<(i64, Option<i32>)>,
}

/// What a household's fee invoice would hold.
struct Draft {
    lines: Vec<(String, Option<i64>, i64)>,
    total_cents: i64,
    instalments: Vec<Instalment>,
}

/// The fee of a household's validated files, as the tariff grid prices next year's
/// enrolments (the courses staff confirmed); `None` when nothing is billable.
fn draft(
    connection: &mut DbConnection,
    site: SiteId,
    household: i64,
    billed: &Billed,
    to_year: i64,
    first_due_after: NaiveDate,
) -> Result<Option<Draft>, DomainError> {
    let mut children = Vec::new();
    for (student, _) in &billed.children {
        let course_ids =
            crate::wizard::store::enrolled_in_year(connection, site, *student, to_year)?;
        if !course_ids.is_empty() {
            children.push(FeeEstimateChild {
                student_id: *student,
                course_ids,
                rentals: Vec::new(),
            });
        }
    }
    if children.is_empty() {
        return Ok(None);
    }
    // Nine instalments when any child's file asked for them.
    let instalments = if billed
        .children
        .iter()
        .any(|(_, instalments)| *instalments == Some(9))
    {
        9
    } else {
        1
    };
    let estimate = crate::tariffs::service::estimate_in(
        connection,
        site,
        &FeeEstimateRequest {
            household_id: household,
            children,
            instalments,
        },
    )?;
    Ok(draft_of(estimate, first_due_after))
}

/// The invoice a fee estimate makes: its lines, its total and its instalments due from
/// the month after `first_due_after`; `None` when it bills nothing.
fn draft_of(estimate: FeeEstimate, first_due_after: NaiveDate) -> Option<Draft> {
    if estimate.total_cents <= 0 {
        return None;
    }
    Some(Draft {
        lines: estimate
            .lines
            .into_iter()
            .map(|line| (line.label, line.student_id, line.amount_cents))
            .collect(),
        total_cents: estimate.total_cents,
        instalments: due_dates(first_due_after, &estimate.instalments),
    })
}

fn lines_of(draft: &Draft) -> Vec<InvoiceLine> {
    draft
        .lines
        .iter()
        .map(|(label, student_id, amount_cents)| InvoiceLine {
            label: label.clone(),
            amount_cents: *amount_cents,
            student_id: *student_id,
        })
        .collect()
}

fn already_issued() -> DomainError {
    DomainError::Conflict(Refusal {
        code: ErrorCode::AlreadyExists,
        message: "Déjà facturé pour cette campagne.".to_owned(),
    })
}

/// Issues (or, in a dry run, previews) one fee invoice per household with validated
/// files in the campaign, each in its own transaction; households already invoiced for
/// it are skipped, so issuing twice issues nothing new. Each invoice is audited.
pub async fn issue_fees(
    state: &AppState,
    caller: SchoolCaller,
    input: IssueFeesInput,
) -> Result<IssueFeesResult, DomainError> {
    state
        .db
        .work(move |connection| {
            let campaign = campaign_by_id(connection, caller.site, input.campaign_id)?;
            let (to_year_label, year_start, _) =
                crate::reenrolment::store::year(connection, caller.site, campaign.to_year_id)?
                    .ok_or(DomainError::NotFound)?;
            let mut households: BTreeMap<i64, Billed> = BTreeMap::new();
            let mut order = Vec::new();
            for file in store::validated_files(connection, caller.site, campaign.id)? {
                let billed = households.entry(file.household_id).or_insert_with(|| {
                    order.push(file.household_id);
                    Billed {
                        name: file.household_name,
                        children: Vec::new(),
                    }
                });
                billed.children.push((file.student_id, file.instalments));
            }
            let mut result = IssueFeesResult {
                dry_run: input.dry_run,
                issued: Vec::new(),
                previews: Vec::new(),
                skipped: Vec::new(),
            };
            let today = paris_today();
            let first_due_after = today.max(year_start);
            for household in order {
                let Some(billed) = households.get(&household) else {
                    continue;
                };
                let skip = |reason: String| IssueSkip {
                    household_id: household,
                    household_name: billed.name.clone(),
                    reason,
                };
                if input.dry_run {
                    if store::fee_invoice_exists(
                        connection,
                        caller.site,
                        campaign.id,
                        HouseholdId(household),
                    )? {
                        result
                            .skipped
                            .push(skip("Déjà facturé pour cette campagne.".to_owned()));
                        continue;
                    }
                    match draft(
                        connection,
                        caller.site,
                        household,
                        billed,
                        campaign.to_year_id,
                        first_due_after,
                    ) {
                        Ok(Some(draft)) => result.previews.push(InvoicePreview {
                            household_id: household,
                            household_name: billed.name.clone(),
                            total_cents: draft.total_cents,
                            lines: lines_of(&draft),
                            instalments: draft.instalments,
                        }),
                        Ok(None) => result.skipped.push(skip(NOTHING_TO_BILL.to_owned())),
                        Err(DomainError::Internal(message)) => {
                            return Err(DomainError::Internal(message));
                        }
                        Err(error) => result.skipped.push(skip(refusal_message(&error))),
                    }
                    continue;
                }
                let outcome = write_transaction(connection, |connection| {
                    if store::fee_invoice_exists(
                        connection,
                        caller.site,
                        campaign.id,
                        HouseholdId(household),
                    )? {
                        return Err(already_issued());
                    }
                    let Some(draft) = draft(
                        connection,
                        caller.site,
                        household,
                        billed,
                        campaign.to_year_id,
                        first_due_after,
                    )?
                    else {
                        return Ok(None);
                    };
                    let label = format!("Cotisation {to_year_label}");
                    let instalments: Vec<(NaiveDate, i64)> = draft
                        .instalments
                        .iter()
                        .map(|due| (due.due_on, due.amount_cents))
                        .collect();
                    let id = issue(
                        connection,
                        &caller,
                        NewInvoice {
                            site_id: caller.site.0,
                            household_id: household,
                            number: "",
                            kind: InvoiceKind::Cotisation.as_str(),
                            label: &label,
                            issued_on: today,
                            total_cents: draft.total_cents,
                            campaign_id: Some(campaign.id),
                            corrects_invoice_id: None,
                            created_at: now(),
                        },
                        &draft.lines,
                        &instalments,
                        "invoice_issued",
                    )
                    .map_err(|error| match error {
                        // Another issuer won the race for this household.
                        DomainError::Conflict(refusal)
                            if refusal.code == ErrorCode::AlreadyExists =>
                        {
                            already_issued()
                        }
                        other => other,
                    })?;
                    Ok(Some(id))
                });
                match outcome {
                    Ok(Some(id)) => {
                        let invoice = read(connection, caller.site, None, id)?;
                        result.issued.push(invoice);
                    }
                    Ok(None) => result.skipped.push(skip(NOTHING_TO_BILL.to_owned())),
                    Err(DomainError::Internal(message)) => {
                        return Err(DomainError::Internal(message));
                    }
                    Err(error) => result.skipped.push(skip(refusal_message(&error))),
                }
            }
            Ok(result)
        })
        .await
}

const NOTHING_TO_BILL: &str = "Aucun cours facturable pour l'an prochain.";

fn refusal_message(error: &DomainError) -> String {
    match error {
        DomainError::Conflict(refusal) | DomainError::Rejected(refusal) => refusal.message.clone(),
        DomainError::Invalid { message, fields } => fields
            .values()
            .next()
            .map_or_else(|| message.clone(), |field| format!("{message} {field}")),
        other => other.to_string(),
    }
}

/// Invoices as the wire shows them, with their lines and due dates (one query each).
fn views(
    connection: &mut DbConnection,
    rows: Vec<InvoiceRow>,
) -> Result<Vec<Invoice>, DomainError> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut lines: BTreeMap<i64, Vec<InvoiceLine>> = BTreeMap::new();
    for line in store::lines_of(connection, &ids)? {
        lines.entry(line.invoice_id).or_default().push(InvoiceLine {
            label: line.label,
            amount_cents: line.amount_cents,
            student_id: line.student_id,
        });
    }
    let mut dues: BTreeMap<i64, i64> = store::dues_of(connection, &ids)?.into_iter().collect();
    let mut instalments: BTreeMap<i64, Vec<Instalment>> = BTreeMap::new();
    for due in store::instalments_of(connection, &ids)? {
        instalments
            .entry(due.invoice_id)
            .or_default()
            .push(Instalment {
                due_on: due.due_on,
                amount_cents: due.amount_cents,
            });
    }
    rows.into_iter()
        .map(|row| {
            let kind = InvoiceKind::parse(&row.kind)
                .ok_or_else(|| DomainError::Internal(format!("invoice kind {}", row.kind)))?;
            Ok(Invoice {
                lines: lines.remove(&row.id).unwrap_or_default(),
                instalments: instalments.remove(&row.id).unwrap_or_default(),
                id: row.id,
                number: row.number,
                kind,
                household_id: row.household_id,
                household_name: row.household_name,
                label: row.label,
                issued_on: row.issued_on,
                total_cents: row.total_cents,
                campaign_id: row.campaign_id,
                corrects_invoice_id: row.corrects_invoice_id,
                balance_cents: dues.remove(&row.id).unwrap_or(0),
            })
        })
        .collect()
}

fn read(
    connection: &mut DbConnection,
    site: SiteId,
    household: Option<HouseholdId>,
    id: i64,
) -> Result<Invoice, DomainError> {
    let row = store::find(connection, site, household, id)?.ok_or(DomainError::NotFound)?;
    views(connection, vec![row])?
        .pop()
        .ok_or(DomainError::NotFound)
}

/// The site's invoices, newest first (staff).
pub async fn list(
    state: &AppState,
    caller: SchoolCaller,
    query: InvoiceListQuery,
) -> Result<Vec<Invoice>, DomainError> {
    state
        .db
        .work(move |connection| {
            let rows = store::list(
                connection,
                caller.site,
                query.household_id.map(HouseholdId),
                query.kind.map(InvoiceKind::as_str),
                query.changed_since.map(|since| since.naive_utc()),
            )?;
            let today = paris_today();
            Ok(views(connection, rows)?
                .into_iter()
                .filter(|invoice| query.from.is_none_or(|from| invoice.issued_on >= from))
                .filter(|invoice| query.to.is_none_or(|to| invoice.issued_on <= to))
                .filter(|invoice| {
                    query
                        .status
                        .is_none_or(|status| invoice.status(today) == status)
                })
                .collect())
        })
        .await
}

/// One invoice of the site (staff).
pub async fn find(state: &AppState, caller: SchoolCaller, id: i64) -> Result<Invoice, DomainError> {
    state
        .db
        .work(move |connection| read(connection, caller.site, None, id))
        .await
}

/// The household's invoices, newest first.
pub async fn family_list(
    state: &AppState,
    family: FamilyCaller,
) -> Result<Vec<Invoice>, DomainError> {
    state
        .db
        .work(move |connection| {
            let rows = store::list(connection, family.site, Some(family.household), None, None)?;
            views(connection, rows)
        })
        .await
}

/// One of the household's invoices; another household's answers 404.
pub async fn family_find(
    state: &AppState,
    family: FamilyCaller,
    id: i64,
) -> Result<Invoice, DomainError> {
    state
        .db
        .work(move |connection| read(connection, family.site, Some(family.household), id))
        .await
}

/// The largest amount of a line, in cents (100 000 €).
const MAX_LINE_CENTS: i64 = 10_000_000;
/// Most lines of a manual invoice or a credit note.
const MAX_LINES: usize = 100;
/// Longest label, in characters.
const MAX_LABEL_CHARS: usize = 200;

fn check_label(errors: &mut FieldErrors, field: String, label: &str) {
    let length = label.trim().chars().count();
    if length == 0 || length > MAX_LABEL_CHARS {
        errors.insert(
            field,
            "Écrivez un libellé de 1 à 200 caractères.".to_owned(),
        );
    }
}

/// The label and lines typed by staff, checked; `credit`: every amount must be positive
/// (what is credited), else any amount but zero.
fn check_lines(label: &str, lines: &[InvoiceLineInput], credit: bool) -> FieldErrors {
    let mut errors = FieldErrors::new();
    check_label(&mut errors, "label".to_owned(), label);
    if lines.is_empty() || lines.len() > MAX_LINES {
        errors.insert(
            "lines".to_owned(),
            "Saisissez de 1 à 100 lignes.".to_owned(),
        );
    }
    for (index, line) in lines.iter().enumerate() {
        check_label(&mut errors, format!("lines[{index}].label"), &line.label);
        let amount = line.amount_cents;
        let wrong = amount == 0 || amount.abs() > MAX_LINE_CENTS || (credit && amount < 0);
        if wrong {
            errors.insert(
                format!("lines[{index}].amount_cents"),
                if credit {
                    "Le montant crédité doit être compris entre 0,01 € et 100 000 €."
                } else {
                    "Le montant doit être non nul et d'au plus 100 000 €."
                }
                .to_owned(),
            );
        }
    }
    errors
}

fn invalid(errors: FieldErrors) -> Result<(), DomainError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid {
            message: "Vérifiez la facture.".to_owned(),
            fields: errors,
        })
    }
}

/// Numbers and writes an invoice in the caller's transaction, audited; its id.
fn issue(
    connection: &mut DbConnection,
    caller: &SchoolCaller,
    invoice: NewInvoice<'_>,
    lines: &[(String, Option<i64>, i64)],
    instalments: &[(NaiveDate, i64)],
    action: &'static str,
) -> Result<i64, DomainError> {
    let year = invoice.issued_on.year();
    let sequence = store::next_number(connection, caller.site, year)?;
    let number = invoice_number(year, sequence);
    let id = store::insert(
        connection,
        &NewInvoice {
            number: &number,
            ..invoice
        },
        lines,
        instalments,
    )?;
    record_school_action(connection, caller, action, "invoice", id)?;
    Ok(id)
}

/// An invoice issued by another feature (rentals): whom it bills, for what, how much.
pub struct NewIssue<'a> {
    pub household_id: i64,
    pub kind: InvoiceKind,
    pub label: &'a str,
    pub issued_on: NaiveDate,
    pub total_cents: i64,
}

/// Numbers and writes another feature's invoice in the caller's transaction (audited),
/// through the one issuing path; its id.
pub fn issue_invoice(
    connection: &mut DbConnection,
    caller: &SchoolCaller,
    invoice: NewIssue<'_>,
    lines: &[(String, Option<i64>, i64)],
    instalments: &[(NaiveDate, i64)],
) -> Result<i64, DomainError> {
    issue(
        connection,
        caller,
        NewInvoice {
            site_id: caller.site.0,
            household_id: invoice.household_id,
            number: "",
            kind: invoice.kind.as_str(),
            label: invoice.label,
            issued_on: invoice.issued_on,
            total_cents: invoice.total_cents,
            campaign_id: None,
            corrects_invoice_id: None,
            created_at: now(),
        },
        lines,
        instalments,
        "invoice_issued",
    )
}

/// An invoice of the site as the wire shows it.
pub fn read_invoice(
    connection: &mut DbConnection,
    site: SiteId,
    id: i64,
) -> Result<Invoice, DomainError> {
    read(connection, site, None, id)
}

/// A manual invoice (kind `cotisation` or `location`) with the lines staff typed, due on
/// one date; numbered like every other.
pub async fn create_manual(
    state: &AppState,
    caller: SchoolCaller,
    input: ManualInvoiceInput,
) -> Result<Invoice, DomainError> {
    let mut errors = check_lines(&input.label, &input.lines, false);
    if input.kind == InvoiceKind::Avoir {
        errors.insert(
            "kind".to_owned(),
            "Un avoir corrige une facture : utilisez l'avoir de cette facture.".to_owned(),
        );
    }
    let total: i64 = input.lines.iter().map(|line| line.amount_cents).sum();
    if errors.is_empty() && total <= 0 {
        errors.insert("lines".to_owned(), "Le total doit être positif.".to_owned());
    }
    invalid(errors)?;
    state
        .db
        .work(move |connection| {
            let id = write_transaction(connection, |connection| {
                store::household_name(connection, caller.site, HouseholdId(input.household_id))?
                    .ok_or(DomainError::NotFound)?;
                let today = paris_today();
                let due_on = input.due_on.unwrap_or(today + chrono::Duration::days(30));
                let lines: Vec<(String, Option<i64>, i64)> = input
                    .lines
                    .iter()
                    .map(|line| (line.label.trim().to_owned(), None, line.amount_cents))
                    .collect();
                issue(
                    connection,
                    &caller,
                    NewInvoice {
                        site_id: caller.site.0,
                        household_id: input.household_id,
                        number: "",
                        kind: input.kind.as_str(),
                        label: input.label.trim(),
                        issued_on: today,
                        total_cents: total,
                        campaign_id: None,
                        corrects_invoice_id: None,
                        created_at: now(),
                    },
                    &lines,
                    &[(due_on, total)],
                    "invoice_issued",
                )
            })?;
            read(connection, caller.site, None, id)
        })
        .await
}

/// A credit note correcting invoice `id`, which never changes itself: its lines are the
/// amounts credited (negative on the note), never more than what remains to pay on the
/// invoice, so that its balance never goes below zero.
pub async fn credit_note(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
    input: CreditNoteInput,
) -> Result<Invoice, DomainError> {
    invalid(check_lines(&input.label, &input.lines, true))?;
    let credit: i64 = input.lines.iter().map(|line| line.amount_cents).sum();
    state
        .db
        .work(move |connection| {
            let note = write_transaction(connection, |connection| {
                let original =
                    store::find(connection, caller.site, None, id)?.ok_or(DomainError::NotFound)?;
                if original.kind == InvoiceKind::Avoir.as_str() {
                    return Err(DomainError::Conflict(Refusal {
                        code: ErrorCode::InvalidTransition,
                        message: "Un avoir ne se corrige pas par un autre avoir.".to_owned(),
                    }));
                }
                let due = store::dues_of(connection, &[id])?
                    .first()
                    .map_or(0, |(_, due)| *due);
                if !store::lower_due(connection, id, credit, now())? {
                    return Err(DomainError::field(
                        "lines",
                        format!(
                            "L'avoir dépasse ce qui reste à payer sur la facture ({}).",
                            format_euros(due)
                        ),
                    ));
                }
                let lines: Vec<(String, Option<i64>, i64)> = input
                    .lines
                    .iter()
                    .map(|line| (line.label.trim().to_owned(), None, -line.amount_cents))
                    .collect();
                issue(
                    connection,
                    &caller,
                    NewInvoice {
                        site_id: caller.site.0,
                        household_id: original.household_id,
                        number: "",
                        kind: InvoiceKind::Avoir.as_str(),
                        label: input.label.trim(),
                        issued_on: paris_today(),
                        total_cents: -credit,
                        campaign_id: None,
                        corrects_invoice_id: Some(id),
                        created_at: now(),
                    },
                    &lines,
                    &[],
                    "credit_note_issued",
                )
            })?;
            read(connection, caller.site, None, note)
        })
        .await
}

/// Most invoices one payment settles.
const MAX_ALLOCATIONS: usize = 50;

fn payment_views(
    connection: &mut DbConnection,
    rows: Vec<PaymentRow>,
) -> Result<Vec<Payment>, DomainError> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut allocations: BTreeMap<i64, Vec<Allocation>> = BTreeMap::new();
    for (payment, invoice_id, amount_cents) in store::allocations_of(connection, &ids)? {
        allocations.entry(payment).or_default().push(Allocation {
            invoice_id,
            amount_cents,
        });
    }
    rows.into_iter()
        .map(|row| {
            let method = PaymentMeans::parse(&row.method)
                .ok_or_else(|| DomainError::Internal(format!("payment method {}", row.method)))?;
            Ok(Payment {
                allocations: allocations.remove(&row.id).unwrap_or_default(),
                id: row.id,
                household_id: row.household_id,
                paid_on: row.paid_on,
                amount_cents: row.amount_cents,
                method,
                reference: row.reference,
            })
        })
        .collect()
}

fn payment_view(connection: &mut DbConnection, row: PaymentRow) -> Result<Payment, DomainError> {
    payment_views(connection, vec![row])?
        .pop()
        .ok_or(DomainError::NotFound)
}

fn key_reused() -> DomainError {
    DomainError::Conflict(Refusal {
        code: ErrorCode::AlreadyExists,
        message: "Cette clé d'idempotence a déjà servi pour un autre règlement.".to_owned(),
    })
}

/// The payment an Idempotency-Key already recorded: the same one when the request is the
/// same (household, date, means, reference, and the same amounts to the same invoices),
/// a 409 when the key served for another. The same total sent to other invoices is
/// another payment: answering the first one would leave it unrecorded.
fn replayed(
    connection: &mut DbConnection,
    site: SiteId,
    key: &str,
    input: &PaymentInput,
) -> Result<Option<Payment>, DomainError> {
    let Some(row) = store::payment_by_key(connection, site, key)? else {
        return Ok(None);
    };
    let payment = payment_view(connection, row)?;
    let parts = |allocations: &[Allocation]| {
        let mut parts: Vec<(i64, i64)> = allocations
            .iter()
            .map(|part| (part.invoice_id, part.amount_cents))
            .collect();
        parts.sort_unstable();
        parts
    };
    let same = payment.household_id == input.household_id
        && payment.paid_on == input.paid_on
        && payment.method == input.method
        && payment.reference == input.reference.trim()
        && parts(&payment.allocations) == parts(&input.allocations);
    if same {
        Ok(Some(payment))
    } else {
        Err(key_reused())
    }
}

/// Records a payment settling one or more invoices of its household; each allocation
/// at most what remains to pay on its invoice (a guarded UPDATE: two payments at once
/// can never overpay). With an Idempotency-Key, the same request again records nothing
/// and answers the payment already recorded (`false`: not created now).
pub async fn record_payment(
    state: &AppState,
    caller: SchoolCaller,
    input: PaymentInput,
    key: Option<String>,
) -> Result<(Payment, bool), DomainError> {
    let mut errors = FieldErrors::new();
    if input.allocations.is_empty() || input.allocations.len() > MAX_ALLOCATIONS {
        errors.insert(
            "allocations".to_owned(),
            "Un règlement solde de 1 à 50 factures.".to_owned(),
        );
    }
    for (index, allocation) in input.allocations.iter().enumerate() {
        if allocation.amount_cents <= 0 || allocation.amount_cents > MAX_LINE_CENTS {
            errors.insert(
                format!("allocations[{index}].amount_cents"),
                "Le montant doit être compris entre 0,01 € et 100 000 €.".to_owned(),
            );
        }
        if input.allocations[..index]
            .iter()
            .any(|earlier| earlier.invoice_id == allocation.invoice_id)
        {
            errors.insert(
                format!("allocations[{index}].invoice_id"),
                "Cette facture est déjà dans le règlement.".to_owned(),
            );
        }
    }
    if input.reference.chars().count() > 100 {
        errors.insert("reference".to_owned(), "100 caractères au plus.".to_owned());
    }
    if key
        .as_ref()
        .is_some_and(|key| key.is_empty() || key.len() > 200)
    {
        errors.insert(
            "Idempotency-Key".to_owned(),
            "La clé d'idempotence fait de 1 à 200 caractères.".to_owned(),
        );
    }
    invalid(errors)?;
    let amount: i64 = input
        .allocations
        .iter()
        .map(|allocation| allocation.amount_cents)
        .sum();
    state
        .db
        .work(move |connection| {
            let recorded = write_transaction(connection, |connection| {
                if let Some(key) = &key
                    && let Some(payment) = replayed(connection, caller.site, key, &input)?
                {
                    return Ok((payment, false));
                }
                store::household_name(connection, caller.site, HouseholdId(input.household_id))?
                    .ok_or(DomainError::NotFound)?;
                let mut errors = FieldErrors::new();
                for (index, allocation) in input.allocations.iter().enumerate() {
                    let invoice = store::find(
                        connection,
                        caller.site,
                        Some(HouseholdId(input.household_id)),
                        allocation.invoice_id,
                    )?;
                    let field = format!("allocations[{index}]");
                    match invoice {
                        None => {
                            errors.insert(field, "Cette facture n'est pas de ce foyer.".to_owned());
                        }
                        Some(invoice) if invoice.kind == InvoiceKind::Avoir.as_str() => {
                            errors.insert(field, "Un avoir ne se règle pas.".to_owned());
                        }
                        Some(invoice) => {
                            let due = store::dues_of(connection, &[invoice.id])?
                                .first()
                                .map_or(0, |(_, due)| *due);
                            if !store::lower_due(connection, invoice.id, allocation.amount_cents, now())? {
                                errors.insert(
                                    field,
                                    format!(
                                        "Le règlement dépasse ce qui reste à payer sur la facture {} ({}).",
                                        invoice.number,
                                        format_euros(due)
                                    ),
                                );
                            }
                        }
                    }
                }
                // Nothing is kept of a refused payment: the transaction rolls back.
                invalid(errors)?;
                let allocations: Vec<(i64, i64)> = input
                    .allocations
                    .iter()
                    .map(|allocation| (allocation.invoice_id, allocation.amount_cents))
                    .collect();
                let id = store::insert_payment(
                    connection,
                    &NewPayment {
                        site_id: caller.site.0,
                        household_id: input.household_id,
                        paid_on: input.paid_on,
                        amount_cents: amount,
                        method: input.method.as_str(),
                        reference: input.reference.trim(),
                        idempotency_key: key.as_deref(),
                        created_at: now(),
                    },
                    &allocations,
                )?;
                record_school_action(connection, &caller, "payment_recorded", "payment", id)?;
                let row = store::find_payment(connection, caller.site, id)?
                    .ok_or(DomainError::NotFound)?;
                Ok((payment_view(connection, row)?, true))
            });
            match (recorded, &key) {
                // The same key sent at the same time: the twin request recorded it while
                // this one waited (a duplicate key, or an invoice the twin already paid).
                (Err(error @ (DomainError::Conflict(_) | DomainError::Invalid { .. })), Some(key)) => {
                    match replayed(connection, caller.site, key, &input)? {
                        Some(payment) => Ok((payment, false)),
                        None => Err(error),
                    }
                }
                (recorded, _) => recorded,
            }
        })
        .await
}

/// The site's payments (of one household, when given), newest first.
pub async fn payments(
    state: &AppState,
    caller: SchoolCaller,
    household: Option<i64>,
) -> Result<Vec<Payment>, DomainError> {
    state
        .db
        .work(move |connection| {
            let rows = store::payments_of(connection, caller.site, household.map(HouseholdId))?;
            payment_views(connection, rows)
        })
        .await
}

/// The household's payments, newest first.
pub async fn family_payments(
    state: &AppState,
    family: FamilyCaller,
) -> Result<Vec<Payment>, DomainError> {
    state
        .db
        .work(move |connection| {
            let rows = store::payments_of(connection, family.site, Some(family.household))?;
            payment_views(connection, rows)
        })
        .await
}

/// The PDF duplicate of an invoice (or credit note) of the site, of the household when
/// given; generated on request from the books as they are, so never stale after a
/// payment. Answers the invoice's number and the PDF's bytes.
pub async fn invoice_pdf(
    state: &AppState,
    site: SiteId,
    household: Option<HouseholdId>,
    id: i64,
) -> Result<(String, Vec<u8>), DomainError> {
    let document = state
        .db
        .work(move |connection| {
            let invoice = read(connection, site, household, id)?;
            pdf_document(connection, site, invoice)
        })
        .await?;
    let number = document.number.clone();
    // Rendering is CPU work: off the async executor, like bcrypt.
    let bytes = actix_web::web::block(move || pdf::render_invoice(&document))
        .await
        .map_err(|error| DomainError::Internal(format!("PDF task: {error}")))?
        .map_err(|error| DomainError::Internal(format!("PDF: {error}")))?;
    Ok((number, bytes))
}

/// What the PDF prints of an invoice: the school, the household's postal address, the
/// lines, and what lowered its balance (payments, then credit notes).
fn pdf_document(
    connection: &mut DbConnection,
    site: SiteId,
    invoice: Invoice,
) -> Result<pdf::InvoiceDocument, DomainError> {
    let (name, address, siret, contact) = store::school_identity(connection, site)?;
    let school = pdf::SchoolHeader {
        name,
        address_lines: address.lines().map(str::to_owned).collect(),
        siret,
        contact,
    };
    let household =
        match store::household_address(connection, site, HouseholdId(invoice.household_id))? {
            Some(guardian) => pdf::Addressee {
                name: format!(
                    "{} {} {}",
                    guardian.civility, guardian.first_name, guardian.last_name
                )
                .trim()
                .to_owned(),
                address_lines: [
                    guardian.address,
                    format!("{} {}", guardian.postcode, guardian.city),
                ]
                .into_iter()
                .map(|line| line.trim().to_owned())
                .filter(|line| !line.is_empty())
                .collect(),
            },
            None => pdf::Addressee {
                name: invoice.household_name.clone(),
                address_lines: Vec::new(),
            },
        };
    let mut payments: Vec<pdf::PaymentLine> = store::payments_to(connection, invoice.id)?
        .into_iter()
        .map(
            |(paid_on, method, reference, amount_cents)| pdf::PaymentLine {
                paid_on,
                method: PaymentMeans::parse(&method)
                    .map_or(method, |means| means.label().to_owned()),
                reference,
                amount_cents,
            },
        )
        .collect();
    for (number, issued_on, label, total_cents) in store::credit_notes_of(connection, invoice.id)? {
        payments.push(pdf::PaymentLine {
            paid_on: issued_on,
            method: format!("Avoir {number}"),
            reference: label,
            amount_cents: -total_cents,
        });
    }
    let corrects = match invoice.corrects_invoice_id {
        Some(original) => Some(store::number_of(connection, original)?),
        None => None,
    };
    let kind = match invoice.kind {
        InvoiceKind::Cotisation => pdf::InvoiceKind::Facture,
        InvoiceKind::Location => pdf::InvoiceKind::Location,
        InvoiceKind::Avoir => pdf::InvoiceKind::Avoir,
    };
    // A credit note owes nothing: its "balance" is its own (negative) total.
    let balance_cents = if invoice.kind == InvoiceKind::Avoir {
        invoice.total_cents
    } else {
        invoice.balance_cents
    };
    Ok(pdf::InvoiceDocument {
        kind,
        number: invoice.number,
        issued_on: invoice.issued_on,
        school,
        household,
        subject: Some(invoice.label),
        corrects,
        lines: invoice
            .lines
            .into_iter()
            .map(|line| pdf::InvoiceLine {
                label: line.label,
                amount_cents: line.amount_cents,
            })
            .collect(),
        total_cents: invoice.total_cents,
        payments,
        balance_cents,
        due_dates: invoice
            .instalments
            .into_iter()
            .map(|due| pdf::DueDate {
                due_on: due.due_on,
                amount_cents: due.amount_cents,
            })
            .collect(),
    })
}

/// The receipt (reçu) of a payment of the site, of the household when given, as a PDF:
/// the invoices it settled and what remained on each after it. Answers the receipt's
/// number (`R2026-000042`, from the payment's id) and the PDF's bytes.
pub async fn receipt_pdf(
    state: &AppState,
    site: SiteId,
    household: Option<HouseholdId>,
    id: i64,
) -> Result<(String, Vec<u8>), DomainError> {
    let document = state
        .db
        .work(move |connection| {
            let payment = store::find_payment(connection, site, id)?
                .filter(|payment| {
                    household.is_none_or(|HouseholdId(own)| own == payment.household_id)
                })
                .ok_or(DomainError::NotFound)?;
            let mut settled = Vec::new();
            for (_, invoice_id, amount_cents) in store::allocations_of(connection, &[id])? {
                let invoice = read(connection, site, None, invoice_id)?;
                let credited: i64 = store::credit_notes_of(connection, invoice_id)?
                    .iter()
                    .map(|(_, _, _, total)| total)
                    .sum();
                let paid = store::paid_until(connection, invoice_id, id)?;
                settled.push(pdf::SettledInvoice {
                    number: invoice.number,
                    issued_on: invoice.issued_on,
                    amount_cents,
                    remaining_cents: (invoice.total_cents + credited - paid).max(0),
                });
            }
            let one = read_any_of(connection, site, &payment)?;
            let first = pdf_document(connection, site, one)?;
            Ok(pdf::ReceiptDocument {
                number: format!("R{}-{:06}", payment.paid_on.year(), payment.id),
                issued_on: paris_today(),
                school: first.school,
                household: first.household,
                paid_on: payment.paid_on,
                method: PaymentMeans::parse(&payment.method)
                    .map_or(payment.method.clone(), |means| means.label().to_owned()),
                reference: payment.reference,
                amount_cents: payment.amount_cents,
                settled,
            })
        })
        .await?;
    let number = document.number.clone();
    let bytes = actix_web::web::block(move || pdf::render_receipt(&document))
        .await
        .map_err(|error| DomainError::Internal(format!("PDF task: {error}")))?
        .map_err(|error| DomainError::Internal(format!("PDF: {error}")))?;
    Ok((number, bytes))
}

/// One invoice the payment settled (its household's header and address serve the
/// receipt).
fn read_any_of(
    connection: &mut DbConnection,
    site: SiteId,
    payment: &PaymentRow,
) -> Result<Invoice, DomainError> {
    let (_, invoice, _) = store::allocations_of(connection, &[payment.id])?
        .into_iter()
        .next()
        .ok_or(DomainError::NotFound)?;
    read(connection, site, None, invoice)
}

/// The invoices of the list's filters as a table for the town's accounting: one line per
/// invoice (header first), amounts as a French spreadsheet reads them.
pub async fn export_invoices(
    state: &AppState,
    caller: SchoolCaller,
    query: InvoiceListQuery,
) -> Result<Vec<Vec<String>>, DomainError> {
    let today = paris_today();
    let invoices = list(state, caller, query).await?;
    let mut rows = vec![
        [
            "Numéro",
            "Date",
            "Type",
            "Foyer",
            "Objet",
            "Montant",
            "Reste à payer",
            "Statut",
            "Corrige la facture",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for invoice in &invoices {
        let corrects = invoice
            .corrects_invoice_id
            .and_then(|id| invoices.iter().find(|one| one.id == id))
            .map_or(String::new(), |one| one.number.clone());
        rows.push(vec![
            invoice.number.clone(),
            invoice.issued_on.format("%d/%m/%Y").to_string(),
            invoice.kind.label().to_owned(),
            invoice.household_name.clone(),
            invoice.label.clone(),
            crate::export::spreadsheet_amount(invoice.total_cents),
            crate::export::spreadsheet_amount(invoice.balance_cents),
            invoice.status(today).label().to_owned(),
            corrects,
        ]);
    }
    Ok(rows)
}

/// The site's payments as a table for the town's accounting: one line per payment, with
/// the numbers of the invoices it settled.
pub async fn export_payments(
    state: &AppState,
    caller: SchoolCaller,
) -> Result<Vec<Vec<String>>, DomainError> {
    state
        .db
        .work(move |connection| {
            let rows = store::payments_of(connection, caller.site, None)?;
            let payments = payment_views(connection, rows)?;
            let invoice_ids: Vec<i64> = payments
                .iter()
                .flat_map(|payment| payment.allocations.iter().map(|part| part.invoice_id))
                .collect();
            let mut numbers = BTreeMap::new();
            let mut names = BTreeMap::new();
            for row in store::list(connection, caller.site, None, None, None)? {
                if invoice_ids.contains(&row.id) {
                    numbers.insert(row.id, row.number);
                }
                names.insert(row.household_id, row.household_name);
            }
            let mut rows = vec![
                [
                    "Date",
                    "Foyer",
                    "Mode",
                    "Référence",
                    "Montant",
                    "Factures réglées",
                ]
                .map(str::to_owned)
                .to_vec(),
            ];
            for payment in payments {
                let settled: Vec<String> = payment
                    .allocations
                    .iter()
                    .map(|part| {
                        format!(
                            "{} ({})",
                            numbers.get(&part.invoice_id).cloned().unwrap_or_default(),
                            crate::export::spreadsheet_amount(part.amount_cents)
                        )
                    })
                    .collect();
                rows.push(vec![
                    payment.paid_on.format("%d/%m/%Y").to_string(),
                    names
                        .get(&payment.household_id)
                        .cloned()
                        .unwrap_or_default(),
                    payment.method.label().to_owned(),
                    payment.reference,
                    crate::export::spreadsheet_amount(payment.amount_cents),
                    settled.join(", "),
                ]);
            }
            Ok(rows)
        })
        .await
}

#[cfg(test)]
mod tests {
    //! Properties of the money a fee invoice is made of: drafts come from the one fee
    //! computation (`tariffs::fee`) on random grids, households and children.

    use chrono::{Datelike, NaiveDate};
    use proptest::prelude::*;
    use tutti_shared::{FeeEstimate, FeeLine, FeeLineKind, Instalment, Invoice, InvoiceStatus};

    use super::{draft_of, lines_of};
    use crate::tariffs::fee;

    /// The estimate as `tariffs::service::estimate_in` puts it on the wire.
    fn wire(estimate: fee::Estimate, instalments: u32) -> FeeEstimate {
        FeeEstimate {
            resident: true,
            quotient_familial_euros: None,
            bracket: estimate.bracket,
            instalments: fee::instalments(estimate.total_cents, instalments),
            total_cents: estimate.total_cents,
            lines: estimate
                .lines
                .into_iter()
                .map(|line| FeeLine {
                    label: line.label,
                    amount_cents: line.amount_cents,
                    kind: match line.kind {
                        fee::LineKind::Course => FeeLineKind::Course,
                        fee::LineKind::Reduction => FeeLineKind::Reduction,
                        fee::LineKind::Adjustment => FeeLineKind::Adjustment,
                        fee::LineKind::Rental => FeeLineKind::Rental,
                    },
                    student_id: line.student_id,
                })
                .collect(),
        }
    }

    /// Any day from 2000 to 2099.
    fn day() -> impl Strategy<Value = NaiveDate> {
        (2000..2100i32, 1..=12u32, 1..=31u32).prop_map(|(year, month, day)| {
            (1..=day)
                .rev()
                .find_map(|day| NaiveDate::from_ymd_opt(year, month, day))
                .unwrap_or_default()
        })
    }

    /// The month after `date`'s, as (year, month).
    fn next_month(date: NaiveDate) -> (i32, u32) {
        if date.month() == 12 {
            (date.year() + 1, 1)
        } else {
            (date.year(), date.month() + 1)
        }
    }

    /// Due dates fall on the 5th of consecutive months, the first in the month after
    /// `from`, so they are in order and none is before the invoice's own date.
    fn check_due_dates(from: NaiveDate, dues: &[Instalment]) -> Result<(), TestCaseError> {
        let mut expected = next_month(from);
        for due in dues {
            prop_assert_eq!(due.due_on.day(), 5);
            prop_assert_eq!((due.due_on.year(), due.due_on.month()), expected);
            prop_assert!(due.due_on > from);
            expected = next_month(due.due_on);
        }
        Ok(())
    }

    proptest! {
        /// A fee invoice's draft, for any grid, household and children: nothing when the
        /// fee is zero; otherwise the estimate's lines unchanged, adding up to the total,
        /// and one or nine instalments adding up to the total, due in order from the month
        /// after the date of issue.
        #[test]
        fn a_fee_invoice_draft_adds_up_to_its_total_and_its_due_dates_follow_in_order(
            (grid, household, children) in fee::tests::case_strategy(),
            nine in any::<bool>(),
            from in day(),
        ) {
            let computed = fee::estimate(&grid, household, &children)?;
            let count = if nine { 9 } else { 1 };
            let estimate = wire(computed, count);
            let Some(draft) = draft_of(estimate.clone(), from) else {
                prop_assert_eq!(estimate.total_cents, 0);
                return Ok(());
            };
            prop_assert!(draft.total_cents > 0);
            prop_assert_eq!(draft.total_cents, estimate.total_cents);
            let lines = lines_of(&draft);
            prop_assert_eq!(lines.iter().map(|line| line.amount_cents).sum::<i64>(), draft.total_cents);
            prop_assert_eq!(lines.len(), estimate.lines.len());
            for (line, estimated) in lines.iter().zip(&estimate.lines) {
                prop_assert_eq!(&line.label, &estimated.label);
                prop_assert_eq!(line.amount_cents, estimated.amount_cents);
                prop_assert_eq!(line.student_id, estimated.student_id);
            }
            prop_assert_eq!(draft.instalments.len(), count as usize);
            prop_assert_eq!(
                draft.instalments.iter().map(|due| due.amount_cents).sum::<i64>(),
                draft.total_cents
            );
            prop_assert!(draft.instalments.iter().all(|due| due.amount_cents >= 0));
            check_due_dates(from, &draft.instalments)?;
        }

        /// Whatever the instalments, the day and what was paid or credited: an invoice
        /// is « payée » exactly when nothing remains; what is overdue is never negative,
        /// never more than what remains, and never goes down as the days pass.
        #[test]
        fn what_is_overdue_stays_between_zero_and_what_remains_and_only_grows_with_time(
            total in 1..10_000_000i64,
            nine in any::<bool>(),
            settled_per_mille in 0..=1_000i64,
            issued_on in day(),
            days in prop::collection::vec(0..400i64, 1..6),
        ) {
            let amounts = fee::instalments(total, if nine { 9 } else { 1 });
            let instalments = tutti_shared::due_dates(issued_on, &amounts);
            let balance_cents = total - total * settled_per_mille / 1_000;
            let invoice = Invoice {
                id: 1,
                number: tutti_shared::invoice_number(issued_on.year(), 1),
                kind: tutti_shared::InvoiceKind::Cotisation,
                household_id: 1,
                household_name: String::new(),
                label: String::new(),
                issued_on,
                total_cents: total,
                lines: Vec::new(),
                instalments,
                campaign_id: None,
                corrects_invoice_id: None,
                balance_cents,
            };
            let mut days = days;
            days.sort_unstable();
            let mut before = 0;
            for offset in days {
                let today = issued_on + chrono::Duration::days(offset);
                let overdue = invoice.overdue_cents(today);
                prop_assert!((0..=balance_cents).contains(&overdue), "{overdue} of {balance_cents}");
                prop_assert!(overdue >= before);
                before = overdue;
                let status = invoice.status(today);
                prop_assert_eq!(status == InvoiceStatus::Paid, balance_cents == 0);
                prop_assert_eq!(status == InvoiceStatus::Overdue, balance_cents > 0 && overdue > 0);
            }
        }
    }
}
