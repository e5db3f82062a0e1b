//! `/admin/facturation/{id}`: one invoice (or credit note) as it stands: its lines, due
//! dates, the payments and credit notes that settled part of it, what remains to pay,
//! its PDF duplicate; and « Établir un avoir », a credit note correcting it (the invoice
//! itself never changes), refused by the server beyond what remains to pay.

use futures::FutureExt;
use leptos::prelude::*;
use tutti_shared::{
    CreditNoteInput, Invoice, InvoiceKind, InvoiceListQuery, Payment, format_euros,
};

use super::super::widgets::{
    Field, Form, Kind, Loader, alert, data_table, focus_later, hint, link, link_line, render,
    section, status, subheading,
};
use super::issue::{instalments_text, lines_table};
use super::{
    HOME, clear_lines, control, fields_group, line_list, lines_fieldset, open_pdf, paragraph,
    read_lines, receipt_button, refuse,
};
use crate::api::{ApiError, billing_admin as calls};
use crate::components::Page;
use crate::dates::{DateStyle, french_date, today};
use crate::forms::{FormState, missing_fields};
use crate::session::Session;

/// What the page keeps while its content is drawn anew after a credit note.
#[derive(Clone, Copy)]
struct Outcome {
    notice: RwSignal<Option<String>>,
    problem: RwSignal<Option<String>>,
    changes: RwSignal<u32>,
}

/// The invoice `id`, with its credit-note form.
pub fn invoice_page(id: i64) -> AnyView {
    let session = Session::expect();
    let heading = RwSignal::new("Facture".to_owned());
    let outcome = Outcome {
        notice: RwSignal::new(None),
        problem: RwSignal::new(None),
        changes: RwSignal::new(0),
    };
    let detail = Loader::new(move || {
        let changed = outcome.changes.get() > 0;
        async move {
            let invoice = calls::find_invoice(session, id).await?;
            let query = InvoiceListQuery {
                household_id: Some(invoice.household_id),
                ..InvoiceListQuery::default()
            };
            let related = calls::list_invoices(session, &query).await?;
            let payments = calls::list_payments(session, Some(invoice.household_id)).await?;
            let what = if invoice.kind == InvoiceKind::Avoir {
                "Avoir"
            } else {
                "Facture"
            };
            heading.set(format!("{what} {}", invoice.number));
            if changed {
                // Drawn anew with the credit note, without the button that had the focus.
                focus_later("avoirs-titre");
            }
            Ok(render(move || {
                detail_view(session, &invoice, &related, &payments, outcome)
            }))
        }
        .boxed_local()
    });
    let parts = vec![
        link_line(HOME, "Retour aux factures"),
        status(outcome.notice),
        alert(outcome.problem),
        detail.view().into_any(),
    ];
    view! { <Page title="Facture" heading=heading>{parts}</Page> }.into_any()
}

/// A fact of the invoice: its term and what it says.
fn fact(term: &'static str, value: AnyView) -> AnyView {
    view! { <div><dt>{term}</dt><dd>{value}</dd></div> }.into_any()
}

fn detail_view(
    session: Session,
    invoice: &Invoice,
    related: &[Invoice],
    payments: &[Payment],
    outcome: Outcome,
) -> AnyView {
    let id = invoice.id;
    let mut facts = vec![
        fact("Numéro", invoice.number.clone().into_any()),
        fact(
            "Date",
            french_date(invoice.issued_on, DateStyle::Numeric).into_any(),
        ),
        fact(
            "Famille",
            link(
                format!("/admin/familles/{}", invoice.household_id),
                invoice.household_name.clone(),
            ),
        ),
        fact("Type", invoice.kind.label().into_any()),
        fact("Objet", invoice.label.clone().into_any()),
        fact("Total", format_euros(invoice.total_cents).into_any()),
    ];
    if let Some(original) = invoice.corrects_invoice_id {
        let number = related
            .iter()
            .find(|one| one.id == original)
            .map_or_else(|| format!("n° {original}"), |one| one.number.clone());
        facts.push(fact(
            "Corrige la facture",
            link(format!("{HOME}/{original}"), number),
        ));
    }
    let is_note = invoice.kind == InvoiceKind::Avoir;
    if !is_note {
        facts.push(fact(
            "Reste à payer",
            format_euros(invoice.balance_cents).into_any(),
        ));
        facts.push(fact("Statut", invoice.status(today()).label().into_any()));
    }

    let number = invoice.number.clone();
    let problem = outcome.problem;
    let download = move |_| {
        open_pdf(
            calls::find_invoice_pdf(session, id),
            format!("facture-{number}.pdf"),
            problem,
        );
    };
    let pay = (!is_note && invoice.balance_cents > 0).then(|| {
        view! {
            <a class="button-secondary" href=format!("{HOME}/reglements/nouveau?household_id={}", invoice.household_id)>
                "Enregistrer un règlement"
            </a>
        }
    });

    let mut content = vec![
        section(
            "facture-titre",
            "En bref",
            vec![
                view! { <dl class="facts">{facts}</dl> }.into_any(),
                view! {
                    <div class="form-actions">
                        <button type="button" class="button-primary" on:click=download>"Télécharger le PDF"</button>
                        {pay}
                    </div>
                }
                .into_any(),
            ],
        ),
        section(
            "lignes-titre",
            "Lignes",
            vec![
                lines_table("Lignes de la facture".to_owned(), &invoice.lines),
                paragraph(instalments_text(&invoice.instalments)),
            ],
        ),
    ];
    if !is_note {
        content.push(section(
            "reglements-titre",
            "Règlements",
            vec![payments_table(session, id, payments, problem)],
        ));
        content.push(section(
            "avoirs-titre",
            "Avoirs",
            vec![
                notes_table(id, related),
                credit_note_form(session, invoice, outcome),
            ],
        ));
    }
    content.into_any()
}

/// The payments that settled part of the invoice, each with its receipt.
fn payments_table(
    session: Session,
    id: i64,
    payments: &[Payment],
    problem: RwSignal<Option<String>>,
) -> AnyView {
    let rows = payments
        .iter()
        .filter_map(|payment| {
            let part = payment
                .allocations
                .iter()
                .find(|allocation| allocation.invoice_id == id)?;
            let day = french_date(payment.paid_on, DateStyle::Numeric);
            Some(vec![
                day.clone().into_any(),
                payment.method.label().into_any(),
                payment.reference.clone().into_any(),
                format_euros(part.amount_cents).into_any(),
                format_euros(payment.amount_cents).into_any(),
                receipt_button(session, payment.id, day, problem),
            ])
        })
        .collect();
    data_table(
        "Règlements affectés à cette facture".to_owned(),
        "Aucun règlement pour l'instant.",
        &[
            "Date",
            "Mode",
            "Référence",
            "Affecté à la facture",
            "Montant du règlement",
            "Reçu",
        ],
        0,
        rows,
    )
}

/// The credit notes correcting the invoice.
fn notes_table(id: i64, related: &[Invoice]) -> AnyView {
    let rows = related
        .iter()
        .filter(|note| note.corrects_invoice_id == Some(id))
        .map(|note| {
            vec![
                link(format!("{HOME}/{}", note.id), note.number.clone()),
                french_date(note.issued_on, DateStyle::Numeric).into_any(),
                note.label.clone().into_any(),
                format_euros(-note.total_cents).into_any(),
            ]
        })
        .collect();
    data_table(
        "Avoirs établis sur cette facture".to_owned(),
        "Aucun avoir sur cette facture.",
        &["Numéro", "Date", "Motif", "Montant crédité"],
        0,
        rows,
    )
}

/// « Établir un avoir »: the reason and the amounts credited, line by line.
fn credit_note_form(session: Session, invoice: &Invoice, outcome: Outcome) -> AnyView {
    if invoice.balance_cents <= 0 {
        return hint("Rien ne reste à payer sur cette facture : aucun avoir ne peut l'ajuster.");
    }
    let id = invoice.id;
    let form = FormState::new();
    let (reason, reason_control) = control(
        "avoir",
        Field::new("label", "Motif de l'avoir", Kind::Text),
        String::new(),
        form,
    );
    let list = line_list("avoir", "Montants crédités");
    let content = vec![
        subheading("Établir un avoir"),
        hint("Un avoir réduit ce qui reste à payer ; il ne peut pas le dépasser. Montants en euros, par exemple 12,50."),
        fields_group(vec![reason_control]),
        lines_fieldset("Lignes de l'avoir", list, form),
    ]
    .into_any();
    Form::new("avoir", "Établir l'avoir", Vec::new(), move |_| {
        let label = reason.get_untracked();
        let mut errors = missing_fields(&[("label", &label)]);
        let lines = read_lines(list).unwrap_or_else(|bad| {
            errors.extend(bad);
            Vec::new()
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        let input = CreditNoteInput {
            label: label.trim().to_owned(),
            lines,
        };
        Ok(async move {
            match calls::create_credit_note(session, id, &input).await {
                Ok(note) => {
                    outcome.notice.set(Some(format!(
                        "Avoir {} établi : {} crédités.",
                        note.number,
                        format_euros(-note.total_cents)
                    )));
                    reason.set(String::new());
                    clear_lines(list);
                    outcome
                        .changes
                        .update(|count| *count = count.wrapping_add(1));
                }
                Err(error @ ApiError::Api { status: 422, .. }) => refuse(form, &error),
                Err(error) => return Err(error),
            }
            Ok(String::new())
        }
        .boxed_local())
    })
    .content(content, form)
    .view()
}
