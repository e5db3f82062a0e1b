//! Invoices (factures): their kinds, lines and instalments, in integer cents, and the
//! wire types of issuing the year's fee invoices from validated re-enrolment files.
//!
//! An issued invoice is never edited nor deleted (a credit note corrects it); its number
//! is the site's next one in the calendar year of issue, without gaps: `2026-000123`.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// What an invoice bills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    /// The year's fee (courses), from validated re-enrolment files.
    Cotisation,
    /// An instrument, room or equipment rental.
    Location,
    /// A credit note correcting an issued invoice (negative total).
    Avoir,
}

impl InvoiceKind {
    /// The database and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceKind::Cotisation => "cotisation",
            InvoiceKind::Location => "location",
            InvoiceKind::Avoir => "avoir",
        }
    }

    /// The kind of a database name.
    pub fn parse(text: &str) -> Option<Self> {
        [
            InvoiceKind::Cotisation,
            InvoiceKind::Location,
            InvoiceKind::Avoir,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }

    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            InvoiceKind::Cotisation => "Cotisation",
            InvoiceKind::Location => "Location",
            InvoiceKind::Avoir => "Avoir",
        }
    }
}

deserialize_by_name!(InvoiceKind, "invoice kind");

/// One line of an invoice: its label and amount (negative for a reduction).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoiceLine {
    /// French label, e.g. "Piano – Léa (tranche C à 70 %)".
    pub label: String,
    /// Amount in cents.
    pub amount_cents: i64,
    /// The child the line is about, if any.
    pub student_id: Option<i64>,
}

/// An amount due on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Instalment {
    /// Due date.
    pub due_on: NaiveDate,
    /// Amount in cents (the first carries the rounding).
    pub amount_cents: i64,
}

/// An issued invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invoice {
    /// Database id.
    pub id: i64,
    /// `2026-000123`: the site's sequence in the year of issue, without gaps.
    pub number: String,
    /// What it bills.
    pub kind: InvoiceKind,
    /// The household billed.
    pub household_id: i64,
    /// The household's name.
    pub household_name: String,
    /// What it is for, e.g. "Cotisation 2027-2028".
    pub label: String,
    /// Date of issue (Europe/Paris).
    pub issued_on: NaiveDate,
    /// Total in cents: the sum of the lines.
    pub total_cents: i64,
    /// The lines, in order.
    pub lines: Vec<InvoiceLine>,
    /// The due dates and amounts; they add up to the total.
    pub instalments: Vec<Instalment>,
    /// The re-enrolment campaign a fee invoice was issued for.
    pub campaign_id: Option<i64>,
    /// For a credit note: the invoice it corrects.
    pub corrects_invoice_id: Option<i64>,
    /// What remains to pay, in cents: the total less its credit notes and the payments
    /// allocated to it; never below zero (0 for a credit note).
    pub balance_cents: i64,
}

/// A line typed by staff: a label and an amount in cents.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InvoiceLineInput {
    /// 1 to 200 characters.
    pub label: String,
    /// In cents: on an invoice, any amount but zero (a reduction is negative); on a
    /// credit note, the amount credited (positive).
    pub amount_cents: i64,
}

/// A manual invoice (a correction, a room rental…): staff type its lines.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ManualInvoiceInput {
    /// The household billed (of the caller's site).
    pub household_id: i64,
    /// `cotisation` or `location` (a credit note has its own operation).
    pub kind: InvoiceKind,
    /// What it is for, 1 to 200 characters.
    pub label: String,
    /// 1 to 100 lines; their total must be positive.
    pub lines: Vec<InvoiceLineInput>,
    /// When it is due (default: 30 days after issue).
    #[serde(default)]
    pub due_on: Option<NaiveDate>,
}

/// A credit note (avoir) correcting an issued invoice, which itself never changes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreditNoteInput {
    /// Why, 1 to 200 characters.
    pub label: String,
    /// 1 to 100 lines, each amount credited positive; with earlier credit notes, never
    /// more than the invoice's total.
    pub lines: Vec<InvoiceLineInput>,
}

/// Issues the fee invoices of a campaign's validated files, one per household.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IssueFeesInput {
    /// The re-enrolment campaign.
    pub campaign_id: i64,
    /// `true`: say what would be issued, issue nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// An invoice a dry run would issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoicePreview {
    /// The household.
    pub household_id: i64,
    /// The household's name.
    pub household_name: String,
    /// Total in cents.
    pub total_cents: i64,
    /// The lines.
    pub lines: Vec<InvoiceLine>,
    /// The due dates and amounts.
    pub instalments: Vec<Instalment>,
}

/// A household left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssueSkip {
    /// The household.
    pub household_id: i64,
    /// The household's name.
    pub household_name: String,
    /// Why, in French ("déjà facturé", "aucun cours facturable"…).
    pub reason: String,
}

/// What issuing did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssueFeesResult {
    /// Whether this was a dry run (nothing issued).
    pub dry_run: bool,
    /// The invoices issued now (empty in a dry run).
    pub issued: Vec<Invoice>,
    /// What a dry run would issue (empty otherwise).
    pub previews: Vec<InvoicePreview>,
    /// Households left out: already invoiced for this campaign, nothing to bill, or a
    /// fee that cannot be computed (the reason says which).
    pub skipped: Vec<IssueSkip>,
}

/// How a payment was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentMeans {
    /// Direct debit.
    Prelevement,
    /// The town's Portail Familles.
    PortailFamilles,
    /// Cheque.
    Cheque,
    /// Cash.
    Especes,
    /// Bank transfer.
    Virement,
    /// Chèques vacances (ANCV).
    ChequesVacances,
}

impl PaymentMeans {
    /// Every means, in the order staff pick them.
    pub const ALL: [PaymentMeans; 6] = [
        PaymentMeans::Prelevement,
        PaymentMeans::PortailFamilles,
        PaymentMeans::Cheque,
        PaymentMeans::Especes,
        PaymentMeans::Virement,
        PaymentMeans::ChequesVacances,
    ];

    /// The database and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMeans::Prelevement => "prelevement",
            PaymentMeans::PortailFamilles => "portail_familles",
            PaymentMeans::Cheque => "cheque",
            PaymentMeans::Especes => "especes",
            PaymentMeans::Virement => "virement",
            PaymentMeans::ChequesVacances => "cheques_vacances",
        }
    }

    /// The means of a database name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|means| means.as_str() == text)
    }

    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            PaymentMeans::Prelevement => "Prélèvement",
            PaymentMeans::PortailFamilles => "Portail Familles",
            PaymentMeans::Cheque => "Chèque",
            PaymentMeans::Especes => "Espèces",
            PaymentMeans::Virement => "Virement",
            PaymentMeans::ChequesVacances => "Chèques vacances",
        }
    }
}

deserialize_by_name!(PaymentMeans, "payment method");

/// The part of a payment that settles one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Allocation {
    /// An invoice of the payment's household.
    pub invoice_id: i64,
    /// In cents, positive; at most what remains to pay on the invoice.
    pub amount_cents: i64,
}

/// Records a payment: its amount is the sum of its allocations.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    /// The household paying (of the caller's site).
    pub household_id: i64,
    /// The day it was paid.
    pub paid_on: NaiveDate,
    /// How.
    pub method: PaymentMeans,
    /// Cheque number, transfer reference… (at most 100 characters).
    #[serde(default)]
    pub reference: String,
    /// The invoices it settles (1 to 50), each at most what remains to pay on it.
    pub allocations: Vec<Allocation>,
}

/// A recorded payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payment {
    /// Database id.
    pub id: i64,
    /// The household.
    pub household_id: i64,
    /// The day it was paid.
    pub paid_on: NaiveDate,
    /// In cents: the sum of the allocations.
    pub amount_cents: i64,
    /// How.
    pub method: PaymentMeans,
    /// Cheque number, transfer reference…
    pub reference: String,
    /// The invoices it settled.
    pub allocations: Vec<Allocation>,
}

/// Where an invoice stands with its payments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    /// Nothing remains to pay.
    Paid,
    /// Partly paid or credited, some remains.
    Partial,
    /// Nothing paid yet.
    Unpaid,
    /// Some of what is due by today is not paid (partial or unpaid).
    Overdue,
}

impl InvoiceStatus {
    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            InvoiceStatus::Paid => "Payée",
            InvoiceStatus::Partial => "Partiellement payée",
            InvoiceStatus::Unpaid => "Impayée",
            InvoiceStatus::Overdue => "En retard",
        }
    }
}

impl Invoice {
    /// What is due by `today` and not paid yet, in cents: the instalments due so far less
    /// what the payments and credit notes covered.
    pub fn overdue_cents(&self, today: NaiveDate) -> i64 {
        let settled = self.total_cents - self.balance_cents;
        let due: i64 = self
            .instalments
            .iter()
            .filter(|instalment| instalment.due_on < today)
            .map(|instalment| instalment.amount_cents)
            .sum();
        (due - settled).max(0)
    }

    /// Where it stands (a credit note is « payée »: nothing is owed on it).
    pub fn status(&self, today: NaiveDate) -> InvoiceStatus {
        if self.balance_cents <= 0 {
            InvoiceStatus::Paid
        } else if self.overdue_cents(today) > 0 {
            InvoiceStatus::Overdue
        } else if self.balance_cents < self.total_cents {
            InvoiceStatus::Partial
        } else {
            InvoiceStatus::Unpaid
        }
    }
}

/// Filters of the staff's invoices list and its export (query string).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct InvoiceListQuery {
    /// Only this kind.
    #[serde(default)]
    pub kind: Option<InvoiceKind>,
    /// Only this household.
    #[serde(default)]
    pub household_id: Option<i64>,
    /// Only invoices standing so: `paid`, `partial`, `unpaid` or `overdue` (an overdue
    /// invoice is only `overdue`).
    #[serde(default)]
    pub status: Option<InvoiceStatus>,
    /// Issued on or after this day.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Issued on or before this day.
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// Only invoices issued, or whose balance changed (a credit note, a payment), at or
    /// after this instant (RFC 3339, e.g. `2026-12-01T08:00:00Z`): an integrator passes
    /// the time of its previous read to fetch what changed since.
    #[serde(default)]
    pub changed_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// The invoice number of the `sequence`-th invoice of `year`: `2026-000123`.
pub fn invoice_number(year: i32, sequence: i64) -> String {
    format!("{year}-{sequence:06}")
}

/// The due dates of `amounts`: the 5th of each month, from the month after `from`.
pub fn due_dates(from: NaiveDate, amounts: &[i64]) -> Vec<Instalment> {
    let (mut year, mut month) = (from.year(), from.month());
    amounts
        .iter()
        .map(|amount| {
            if month == 12 {
                (year, month) = (year + 1, 1);
            } else {
                month += 1;
            }
            Instalment {
                due_on: NaiveDate::from_ymd_opt(year, month, 5).unwrap_or(from),
                amount_cents: *amount,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invoice_is_overdue_when_what_is_due_by_today_is_not_covered() {
        let day = |text: &str| text.parse::<NaiveDate>().unwrap_or_default();
        let mut invoice = Invoice {
            id: 1,
            number: invoice_number(2026, 1),
            kind: InvoiceKind::Cotisation,
            household_id: 1,
            household_name: String::new(),
            label: String::new(),
            issued_on: day("2026-09-01"),
            total_cents: 900,
            lines: Vec::new(),
            instalments: due_dates(day("2026-09-01"), &[300, 300, 300]),
            campaign_id: None,
            corrects_invoice_id: None,
            balance_cents: 900,
        };
        assert_eq!(invoice.status(day("2026-10-01")), InvoiceStatus::Unpaid);
        assert_eq!(invoice.status(day("2026-10-06")), InvoiceStatus::Overdue);
        invoice.balance_cents = 600;
        assert_eq!(invoice.status(day("2026-10-06")), InvoiceStatus::Partial);
        assert_eq!(invoice.overdue_cents(day("2026-11-06")), 300);
        invoice.balance_cents = 0;
        assert_eq!(invoice.status(day("2027-01-01")), InvoiceStatus::Paid);
    }

    #[test]
    fn numbers_are_the_year_and_six_digits() {
        assert_eq!(invoice_number(2026, 123), "2026-000123");
        assert_eq!(invoice_number(2027, 1), "2027-000001");
    }

    #[test]
    fn instalments_fall_on_the_fifth_of_the_following_months_across_the_new_year() {
        let from = NaiveDate::from_ymd_opt(2027, 9, 1).unwrap_or_default();
        let dates: Vec<String> = due_dates(from, &[10, 10, 10, 10, 10])
            .iter()
            .map(|due| due.due_on.to_string())
            .collect();
        assert_eq!(
            dates,
            [
                "2027-10-05",
                "2027-11-05",
                "2027-12-05",
                "2028-01-05",
                "2028-02-05"
            ]
        );
    }
}
