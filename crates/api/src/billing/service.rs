//! Invoices: issuing the year's fee invoices from validated re-enrolment files (the
//! tariff grid's computation, `tariffs::service::estimate_in`, not a copy), numbering
//! without gaps, and reading them for staff and for the household billed.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use tutti_shared::{
    FeeEstimateChild, FeeEstimateRequest, Instalment, Invoice, InvoiceKind, InvoiceLine,
    InvoiceListQuery, InvoicePreview, IssueFeesInput, IssueFeesResult, IssueSkip, due_dates,
    invoice_number, paris_local,
};

use super::store::{self, InvoiceRow, NewInvoice};
use crate::audit::record_school_action;
use crate::caller::{FamilyCaller, SchoolCaller};
use crate::db::{DbConnection, now, write_transaction};
use crate::domain::{DomainError, HouseholdId, Refusal, SiteId};
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
    if estimate.total_cents <= 0 {
        return Ok(None);
    }
    Ok(Some(Draft {
        lines: estimate
            .lines
            .into_iter()
            .map(|line| (line.label, line.student_id, line.amount_cents))
            .collect(),
        total_cents: estimate.total_cents,
        instalments: due_dates(first_due_after, &estimate.instalments),
    }))
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
                    let sequence = store::next_number(connection, caller.site, today.year())?;
                    let number = invoice_number(today.year(), sequence);
                    let label = format!("Cotisation {to_year_label}");
                    let instalments: Vec<(NaiveDate, i64)> = draft
                        .instalments
                        .iter()
                        .map(|due| (due.due_on, due.amount_cents))
                        .collect();
                    let id = store::insert(
                        connection,
                        &NewInvoice {
                            site_id: caller.site.0,
                            household_id: household,
                            number: &number,
                            kind: InvoiceKind::Cotisation.as_str(),
                            label: &label,
                            issued_on: today,
                            total_cents: draft.total_cents,
                            campaign_id: Some(campaign.id),
                            created_at: now(),
                        },
                        &draft.lines,
                        &instalments,
                    )
                    .map_err(|error| match DomainError::from(error) {
                        // Another issuer won the race for this household.
                        DomainError::Conflict(refusal)
                            if refusal.code == ErrorCode::AlreadyExists =>
                        {
                            already_issued()
                        }
                        other => other,
                    })?;
                    record_school_action(connection, &caller, "invoice_issued", "invoice", id)?;
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
            )?;
            views(connection, rows)
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
            let rows = store::list(connection, family.site, Some(family.household), None)?;
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
