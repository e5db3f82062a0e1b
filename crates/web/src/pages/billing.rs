//! « Facturation » (the legacy guide's billing menu): two tabs, Cotisations and
//! Locations, each with its invoices (credit notes beside the invoice they correct) and
//! the payments, what remains to pay and the next due date. Opening a line (a click, or
//! Enter on its number) shows its PDF duplicate in a new tab: the invoice's, or the
//! payment's receipt.
//!
//! Read-only, so written as escaped text (`crate::html`), with one delegated handler for
//! the lines: the families' bundle has a 300 kB budget.

use std::fmt::Write as _;

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tutti_shared::{Invoice, InvoiceKind, Payment, format_euros};
use wasm_bindgen::JsCast as _;

use crate::api::billing as api;
use crate::components::{FormAlert, Loader, Page};
use crate::dates::{DateStyle, french_date, today};
use crate::html::escape;
use crate::router::Location;
use crate::session::Session;

/// Which tab: fee invoices or rentals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// « Cotisations ».
    Fees,
    /// « Locations ».
    Rentals,
}

impl Tab {
    fn of(path: &str) -> Self {
        if path.trim_end_matches('/').ends_with("/locations") {
            Tab::Rentals
        } else {
            Tab::Fees
        }
    }

    /// Whether an invoice belongs to the tab (a credit note goes with what it corrects).
    fn holds(self, invoice: &Invoice, all: &[Invoice]) -> bool {
        let kind = match invoice.corrects_invoice_id {
            Some(original) => all
                .iter()
                .find(|one| one.id == original)
                .map_or(invoice.kind, |one| one.kind),
            None => invoice.kind,
        };
        (kind == InvoiceKind::Location) == (self == Tab::Rentals)
    }
}

/// What remains to pay on the invoices and their next due date: for each invoice still
/// owed, the first instalment the payments so far do not cover.
pub fn next_due(invoices: &[&Invoice]) -> Option<(NaiveDate, i64)> {
    invoices
        .iter()
        .filter(|invoice| invoice.balance_cents > 0)
        .filter_map(|invoice| {
            let settled = invoice.total_cents - invoice.balance_cents;
            let mut covered = 0;
            invoice.instalments.iter().find_map(|due| {
                covered += due.amount_cents;
                (covered > settled).then(|| (due.due_on, (covered - settled).min(due.amount_cents)))
            })
        })
        .min_by_key(|(date, _)| *date)
}

/// The tab's content as text: the summary, the invoices, the payments.
pub fn tab_html(tab: Tab, invoices: &[Invoice], payments: &[Payment], today: NaiveDate) -> String {
    let shown: Vec<&Invoice> = invoices
        .iter()
        .filter(|invoice| tab.holds(invoice, invoices))
        .collect();
    let mut html = String::new();
    let owed: i64 = shown.iter().map(|invoice| invoice.balance_cents).sum();
    let _ = write!(
        html,
        "<dl class=\"facts billing-summary\"><div><dt>Reste à payer</dt><dd>{}</dd></div>",
        format_euros(owed)
    );
    if let Some((date, amount)) = next_due(&shown) {
        let late = if date < today { " (en retard)" } else { "" };
        let _ = write!(
            html,
            "<div><dt>Prochaine échéance</dt><dd>{} le {}{late}</dd></div>",
            format_euros(amount),
            french_date(date, DateStyle::Numeric)
        );
    }
    html.push_str("</dl>");
    if shown.is_empty() {
        html.push_str("<p class=\"empty-state\">Aucune facture pour l'instant.</p>");
    } else {
        html.push_str(
            "<table class=\"billing\"><caption>Factures</caption><thead><tr>\
             <th scope=\"col\">Numéro</th><th scope=\"col\">Date</th><th scope=\"col\">Objet</th>\
             <th scope=\"col\" class=\"amount\">Montant</th><th scope=\"col\" class=\"amount\">Reste à payer</th>\
             </tr></thead><tbody>",
        );
        for invoice in &shown {
            let what = if invoice.kind == InvoiceKind::Avoir {
                "Avoir"
            } else {
                "Facture"
            };
            let _ = write!(
                html,
                "<tr data-pdf=\"{id}\"><th scope=\"row\"><button type=\"button\" class=\"link-button\" \
                 data-pdf=\"{id}\">{what} {number}</button></th><td data-label=\"Date\">{date}</td>\
                 <td data-label=\"Objet\">{label}</td><td class=\"amount\" data-label=\"Montant\">{total}</td>\
                 <td class=\"amount\" data-label=\"Reste à payer\">{balance}</td></tr>",
                id = invoice.id,
                number = escape(&invoice.number),
                date = french_date(invoice.issued_on, DateStyle::Numeric),
                label = escape(&invoice.label),
                total = format_euros(invoice.total_cents),
                balance = format_euros(invoice.balance_cents),
            );
        }
        html.push_str("</tbody></table>");
    }
    let numbers = |payment: &Payment| -> Option<Vec<String>> {
        let parts: Vec<String> = payment
            .allocations
            .iter()
            .filter_map(|part| shown.iter().find(|invoice| invoice.id == part.invoice_id))
            .map(|invoice| escape(&invoice.number))
            .collect();
        (!parts.is_empty()).then_some(parts)
    };
    let rows: Vec<(&Payment, Vec<String>)> = payments
        .iter()
        .filter_map(|payment| numbers(payment).map(|parts| (payment, parts)))
        .collect();
    if !rows.is_empty() {
        html.push_str(
            "<table class=\"billing\"><caption>Règlements</caption><thead><tr>\
             <th scope=\"col\">Reçu</th><th scope=\"col\">Mode</th><th scope=\"col\">Référence</th>\
             <th scope=\"col\">Factures</th><th scope=\"col\" class=\"amount\">Montant</th></tr></thead><tbody>",
        );
        for (payment, parts) in rows {
            let _ = write!(
                html,
                "<tr data-receipt=\"{id}\"><th scope=\"row\"><button type=\"button\" \
                 class=\"link-button\" data-receipt=\"{id}\">Reçu du {}</button></th>\
                 <td data-label=\"Mode\">{}</td><td data-label=\"Référence\">{}</td>\
                 <td data-label=\"Factures\">{}</td><td class=\"amount\" data-label=\"Montant\">{}</td></tr>",
                french_date(payment.paid_on, DateStyle::Numeric),
                payment.method.label(),
                escape(&payment.reference),
                parts.join(", "),
                format_euros(payment.amount_cents),
                id = payment.id,
            );
        }
        html.push_str("</tbody></table>");
    }
    html
}

/// The document a click or Enter names: an invoice (`data-pdf` on its line) or a
/// payment's receipt (`data-receipt`).
fn named_document(event: &web_sys::Event) -> Option<(bool, i64)> {
    let line = event
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest("[data-pdf],[data-receipt]")
        .ok()??;
    match line.get_attribute("data-pdf") {
        Some(id) => Some((false, id.parse().ok()?)),
        None => Some((true, line.get_attribute("data-receipt")?.parse().ok()?)),
    }
}

/// « Facturation »: the tabs, and the selected tab's invoices and payments.
#[component]
pub fn BillingPage() -> impl IntoView {
    let session = Session::expect();
    let location = Location::expect();
    let tab = Memo::new(move |_| Tab::of(&location.path.read()));
    let books = Loader::new(move || {
        Box::pin(async move {
            let invoices = api::list_invoices(session).await?;
            let payments = api::list_payments(session).await?;
            Ok((invoices, payments))
        }) as crate::api::Answer<(Vec<Invoice>, Vec<Payment>)>
    });
    let alert = RwSignal::new(None::<String>);
    // Opens the line's PDF in a tab opened at once (a tab opened after the download would
    // be blocked as a pop-up); where none opens, the file is saved.
    let open = move |event: web_sys::Event| {
        let Some((receipt, id)) = named_document(&event) else {
            return;
        };
        alert.set(None);
        let tab = crate::files::open_tab();
        let (file, name) = if receipt {
            (api::receipt_pdf(session, id), format!("recu-{id}.pdf"))
        } else {
            (api::invoice_pdf(session, id), format!("facture-{id}.pdf"))
        };
        spawn_local(async move {
            match file.await {
                Ok(blob) => crate::files::show_in(tab, &blob, &name),
                Err(error) => {
                    if let Some(tab) = tab {
                        let _ = tab.close();
                    }
                    let _ = alert.try_set(Some(error.to_string()));
                }
            }
        });
    };
    // The tab links as text (the router follows them like any link).
    let tabs = move || {
        let current = tab.get();
        let mut html = String::from("<ul>");
        for (which, href, label) in [
            (Tab::Fees, "/facturation", "Cotisations"),
            (Tab::Rentals, "/facturation/locations", "Locations"),
        ] {
            let here = if which == current {
                " aria-current=\"page\""
            } else {
                ""
            };
            let _ = write!(
                html,
                "<li><a href=\"{href}\" data-noscroll{here}>{label}</a></li>"
            );
        }
        html.push_str("</ul>");
        html
    };
    let content = move |(invoices, payments): (Vec<Invoice>, Vec<Payment>)| {
        let html = move || tab_html(tab.get(), &invoices, &payments, today());
        view! {
            <div
                class="billing-books"
                on:click=move |event: web_sys::MouseEvent| open(event.into())
                inner_html=html
            ></div>
        }
        .into_any()
    };
    view! {
        <Page title="Facturation">
            <p class="lead">
                "Vos factures de cotisation et de location, vos règlements et ce qui reste à payer. "
                "Ouvrez une facture pour en obtenir le duplicata (PDF)."
            </p>
            <nav class="tabs" aria-label="Rubriques de la facturation" inner_html=tabs></nav>
            <FormAlert message=alert />
            {books.view("vos factures", content)}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tutti_shared::{Allocation, Instalment, InvoiceLine, PaymentMeans};

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap_or_default()
    }

    fn invoice(id: i64, kind: InvoiceKind, total: i64, balance: i64) -> Invoice {
        Invoice {
            id,
            number: format!("2026-00000{id}"),
            kind,
            household_id: 1,
            household_name: "Martin".to_owned(),
            label: "Cotisation <2027>".to_owned(),
            issued_on: day("2026-11-30"),
            total_cents: total,
            lines: vec![InvoiceLine {
                label: "x".to_owned(),
                amount_cents: total,
                student_id: None,
            }],
            instalments: vec![
                Instalment {
                    due_on: day("2026-12-05"),
                    amount_cents: total / 2,
                },
                Instalment {
                    due_on: day("2027-01-05"),
                    amount_cents: total - total / 2,
                },
            ],
            campaign_id: None,
            corrects_invoice_id: None,
            balance_cents: balance,
        }
    }

    #[test]
    fn the_next_due_date_is_the_first_instalment_the_payments_do_not_cover() {
        let paid_half = invoice(1, InvoiceKind::Cotisation, 10_000, 5_000);
        assert_eq!(next_due(&[&paid_half]), Some((day("2027-01-05"), 5_000)));
        let paid_a_little = invoice(2, InvoiceKind::Cotisation, 10_000, 9_000);
        assert_eq!(
            next_due(&[&paid_a_little]),
            Some((day("2026-12-05"), 4_000))
        );
        let settled = invoice(3, InvoiceKind::Cotisation, 10_000, 0);
        assert_eq!(next_due(&[&settled]), None);
    }

    #[test]
    fn each_tab_shows_its_invoices_escaped_with_their_payments() {
        let fee = invoice(1, InvoiceKind::Cotisation, 123_456, 100_000);
        let rental = invoice(2, InvoiceKind::Location, 5_000, 5_000);
        let payment = Payment {
            id: 9,
            household_id: 1,
            paid_on: day("2026-12-01"),
            amount_cents: 23_456,
            method: PaymentMeans::Cheque,
            reference: "Chèque <1>".to_owned(),
            allocations: vec![Allocation {
                invoice_id: 1,
                amount_cents: 23_456,
            }],
        };
        let all = [fee, rental];
        let fees = tab_html(
            Tab::Fees,
            &all,
            std::slice::from_ref(&payment),
            day("2026-11-30"),
        );
        assert!(fees.contains("Facture 2026-000001"));
        assert!(!fees.contains("2026-000002"));
        assert!(fees.contains("1\u{202F}234,56\u{A0}€"));
        assert!(fees.contains("Cotisation &lt;2027&gt;"));
        assert!(fees.contains("Chèque &lt;1&gt;"));
        let rentals = tab_html(Tab::Rentals, &all, &[payment], day("2026-11-30"));
        assert!(rentals.contains("Facture 2026-000002"));
        assert!(
            !rentals.contains("Règlements"),
            "no payment went to the rental"
        );
    }
}
