//! « Règlements »: recording a payment (`/admin/facturation/reglements/nouveau`) and the
//! site's payments with their receipts (`/admin/facturation/reglements`).
//!
//! A payment settles one or more of its household's invoices: the amount received is
//! spread over the invoices still owed, oldest first, and staff may change the spread
//! before sending (the server refuses more than what remains on an invoice). Each form
//! carries an `Idempotency-Key`, so that a payment sent twice (a double click, a retry
//! after a lost answer) is recorded once.

use futures::FutureExt;
use leptos::prelude::*;
use tutti_shared::{
    Allocation, Invoice, InvoiceKind, InvoiceListQuery, PaymentInput, PaymentMeans, format_euros,
};

use super::super::widgets::{
    Field, Form, Kind, Loader, alert, choices, data_table, euros_text, hint, labelled_control,
    link_line, parse_euros, render, section,
};
use super::{
    HOME, control, fields_group, fieldset, household_search, households, idempotency_key,
    receipt_button,
};
use crate::api::{ApiError, billing_admin as calls};
use crate::components::Page;
use crate::dates::{DateStyle, french_date, today};
use crate::forms::{FieldErrors, FormState, field_error, field_errors, missing_fields};
use crate::i18n;
use crate::router::{Location, navigate_here};
use crate::session::Session;

/// `amount` spread over what remains on each invoice, in order, as long as it lasts.
pub fn spread(amount: i64, balances: &[i64]) -> Vec<i64> {
    let mut left = amount.max(0);
    balances
        .iter()
        .map(|balance| {
            let part = left.min((*balance).max(0));
            left -= part;
            part
        })
        .collect()
}

/// The server's messages about `allocations[k]` moved to the box of the invoice the
/// `k`-th allocation sent was for (`rows[k]`), whose name is `alloc-{row}`.
pub fn allocation_fields(fields: FieldErrors, rows: &[usize]) -> FieldErrors {
    field_errors(fields.into_iter().map(|(name, message)| {
        let row = name
            .strip_prefix("allocations[")
            .and_then(|rest| rest.split(']').next())
            .and_then(|index| index.parse::<usize>().ok())
            .and_then(|index| rows.get(index));
        (row.map_or(name, |row| format!("alloc-{row}")), message)
    }))
}

/// The household's invoices still owed, oldest first: the API lists them newest first
/// (by day of issue, then number), so the list is turned round rather than sorted, which
/// would bring a sort's code into the wasm.
fn owed(mut invoices: Vec<Invoice>) -> Vec<Invoice> {
    invoices.retain(|invoice| invoice.kind != InvoiceKind::Avoir && invoice.balance_cents > 0);
    invoices.reverse();
    invoices
}

/// « Enregistrer un règlement »; `?household_id=` chooses the household from the start.
pub fn new_payment_page() -> AnyView {
    let session = Session::expect();
    let location = Location::expect();
    let families = households(session);
    let form = FormState::new();
    let first = untrack(|| location.query_value("household_id")).unwrap_or_default();
    let (household, household_control) = control(
        "reglement",
        Field::new("household_id", "Famille", Kind::Choice(families.into())),
        first,
        form,
    );
    let (paid_on, paid_on_control) = control(
        "reglement",
        Field::new("paid_on", "Date du règlement", Kind::Date),
        today().to_string(),
        form,
    );
    let means = PaymentMeans::ALL
        .map(|means| (means.as_str().to_owned(), means.label().to_owned()))
        .to_vec();
    let (method, method_control) = control(
        "reglement",
        Field::new("method", "Mode de règlement", choices(means)),
        String::new(),
        form,
    );
    let (reference, reference_control) = control(
        "reglement",
        Field::new(
            "reference",
            "Référence (n° de chèque, de virement…)",
            Kind::Text,
        )
        .optional(),
        String::new(),
        form,
    );
    let (amount, amount_control) = control(
        "reglement",
        Field::new("amount", "Montant reçu (€)", Kind::Text),
        String::new(),
        form,
    );
    // The invoices owed and one box per invoice, for the household chosen.
    let open = RwSignal::new(Vec::<Invoice>::new());
    let parts = StoredValue::new(Vec::<RwSignal<String>>::new());
    let recorded = RwSignal::new(0_u32);
    let key = StoredValue::new(idempotency_key());
    let owner = Owner::current();

    let invoices = Loader::new(move || {
        recorded.track();
        let chosen = household.get().parse::<i64>().ok();
        let owner = owner.clone();
        async move {
            let Some(household_id) = chosen else {
                open.set(Vec::new());
                return Ok(render(|| ().into_any()));
            };
            let query = InvoiceListQuery {
                household_id: Some(household_id),
                ..InvoiceListQuery::default()
            };
            let found = owed(calls::list_invoices(session, &query).await?);
            let boxes = || found.iter().map(|_| RwSignal::new(String::new())).collect();
            parts.set_value(owner.as_ref().map_or_else(boxes, |owner| owner.with(boxes)));
            open.set(found);
            Ok(render(move || allocation_table(open, parts, form)))
        }
        .boxed_local()
    });
    // The amount received, spread oldest first whenever it or the invoices change.
    Effect::new(move || {
        let received = amount.with(|text| parse_euros(text));
        open.with(|open| {
            let balances: Vec<i64> = open.iter().map(|invoice| invoice.balance_cents).collect();
            let shares = spread(received.unwrap_or_default(), &balances);
            parts.with_value(|boxes| {
                for (value, share) in boxes.iter().zip(shares) {
                    value.set(if share > 0 {
                        euros_text(share)
                    } else {
                        String::new()
                    });
                }
            });
        });
    });

    let content = vec![
        fields_group(vec![
            household_control,
            paid_on_control,
            method_control,
            reference_control,
            amount_control,
        ]),
        fieldset(
            "Affectation aux factures",
            vec![
                hint("Le montant reçu est réparti sur les factures dues, la plus ancienne d'abord ; vous pouvez changer la répartition."),
                invoices.view().into_any(),
            ],
        ),
    ]
    .into_any();
    let record = Form::new(
        "reglement",
        "Enregistrer le règlement",
        Vec::new(),
        move |_| {
            let texts = [
                ("household_id", household.get_untracked()),
                ("paid_on", paid_on.get_untracked()),
                ("method", method.get_untracked()),
                ("amount", amount.get_untracked()),
            ];
            let mut errors =
                missing_fields(&texts.each_ref().map(|(name, text)| (*name, text.as_str())));
            let received = parse_euros(&texts[3].1);
            if received.is_none() && !texts[3].1.trim().is_empty() {
                errors.extend(field_error(
                    "amount",
                    "Montant en euros attendu, par exemple 1 234,56 ou 30.",
                ));
            }
            let paid = texts[1].1.parse().ok();
            if paid.is_none() && !texts[1].1.is_empty() {
                errors.extend(field_error("paid_on", "Date invalide."));
            }
            let mut allocations = Vec::new();
            let mut rows = Vec::new();
            let shares: Vec<String> =
                parts.with_value(|boxes| boxes.iter().map(|value| value.get_untracked()).collect());
            open.with_untracked(|open| {
                for (row, (invoice, text)) in open.iter().zip(&shares).enumerate() {
                    if text.trim().is_empty() {
                        continue;
                    }
                    match parse_euros(text) {
                        Some(0) => {}
                        Some(amount_cents) => {
                            rows.push(row);
                            allocations.push(Allocation {
                                invoice_id: invoice.id,
                                amount_cents,
                            });
                        }
                        None => {
                            errors.insert(
                                format!("alloc-{row}"),
                                "Montant en euros attendu, par exemple 12,50.".to_owned(),
                            );
                        }
                    }
                }
            });
            let allocated: i64 = allocations.iter().map(|part| part.amount_cents).sum();
            if let (Some(received), true) = (received, errors.is_empty()) {
                let message = if allocations.is_empty() {
                    Some("Affectez le règlement à au moins une facture due.".to_owned())
                } else if allocated != received {
                    Some(format!(
                        "Le montant reçu ({}) diffère de la somme affectée aux factures ({}).",
                        format_euros(received),
                        format_euros(allocated)
                    ))
                } else {
                    None
                };
                if let Some(message) = message {
                    errors.insert("amount".to_owned(), message);
                }
            }
            let (Some(paid_on), Some(method), true) =
                (paid, PaymentMeans::parse(&texts[2].1), errors.is_empty())
            else {
                return Err(errors);
            };
            let input = PaymentInput {
                household_id: texts[0].1.parse().unwrap_or_default(),
                paid_on,
                method,
                reference: reference.get_untracked().trim().to_owned(),
                allocations,
            };
            let sent_key = key.get_value();
            let done = format!(
                "Règlement de {} enregistré le {} ({}). Son reçu est dans la liste des règlements.",
                format_euros(allocated),
                french_date(paid_on, DateStyle::Numeric),
                method.label()
            );
            Ok(async move {
                match calls::record_payment(session, &input, sent_key).await {
                    Ok(()) => {
                        key.set_value(idempotency_key());
                        amount.set(String::new());
                        reference.set(String::new());
                        recorded.update(|count| *count = count.wrapping_add(1));
                        Ok(done)
                    }
                    Err(error @ ApiError::Api { status: 422, .. }) => {
                        let fields = allocation_fields(error.fields(), &rows);
                        if fields.is_empty() {
                            form.show_api_error(&error);
                        } else {
                            form.refuse(i18n::FIX_THE_FIELDS, fields);
                        }
                        Ok(String::new())
                    }
                    Err(error) => Err(error),
                }
            }
            .boxed_local())
        },
    )
    .content(content, form)
    .view();
    let page = vec![
        link_line(&format!("{HOME}/reglements"), "Retour aux règlements"),
        section(
            "reglement-titre",
            "Règlement",
            vec![
                household_search(session, families, household, "recherche-famille"),
                record,
            ],
        ),
    ];
    view! { <Page title="Enregistrer un règlement">{page}</Page> }.into_any()
}

/// The invoices owed, each with the box of the amount it receives.
fn allocation_table(
    open: RwSignal<Vec<Invoice>>,
    parts: StoredValue<Vec<RwSignal<String>>>,
    form: FormState,
) -> AnyView {
    let rows = open.with_untracked(|open| {
        parts.with_value(|boxes| {
            open.iter()
                .zip(boxes)
                .enumerate()
                .map(|(row, (invoice, value))| {
                    let name = format!("alloc-{row}");
                    let error = Signal::derive(move || form.message(&name));
                    let label = format!("Montant affecté à la facture {} (€)", invoice.number);
                    vec![
                        invoice.number.clone().into_any(),
                        french_date(invoice.issued_on, DateStyle::Numeric).into_any(),
                        invoice.label.clone().into_any(),
                        format_euros(invoice.balance_cents).into_any(),
                        labelled_control(
                            format!("reglement-alloc-{row}"),
                            label,
                            error,
                            Field::new("allocation", "", Kind::Text),
                            *value,
                        ),
                    ]
                })
                .collect()
        })
    });
    data_table(
        "Factures dues de la famille, la plus ancienne d'abord".to_owned(),
        "Aucune facture due pour cette famille.",
        &[
            "Facture",
            "Date",
            "Objet",
            "Reste à payer",
            "Montant affecté (€)",
        ],
        0,
        rows,
    )
}

/// The site's payments (of one household with `?household_id=`), newest first, each
/// with its receipt.
pub fn payments_page() -> AnyView {
    let session = Session::expect();
    let location = Location::expect();
    let families = households(session);
    let problem = RwSignal::new(None::<String>);
    let chosen = Memo::new(move |_| {
        location
            .query_value("household_id")
            .and_then(|id| id.parse::<i64>().ok())
    });
    let list = Loader::new(move || {
        let household_id = chosen.get();
        async move {
            let payments = calls::list_payments(session, household_id).await?;
            let query = InvoiceListQuery {
                household_id,
                ..InvoiceListQuery::default()
            };
            let invoices = calls::list_invoices(session, &query).await?;
            Ok(render(move || {
                let rows = payments
                    .iter()
                    .map(|payment| {
                        let settled: Vec<&Invoice> = payment
                            .allocations
                            .iter()
                            .filter_map(|part| {
                                invoices
                                    .iter()
                                    .find(|invoice| invoice.id == part.invoice_id)
                            })
                            .collect();
                        let numbers: Vec<&str> = settled
                            .iter()
                            .map(|invoice| invoice.number.as_str())
                            .collect();
                        let family = settled
                            .first()
                            .map(|invoice| invoice.household_name.clone())
                            .unwrap_or_default();
                        let day = french_date(payment.paid_on, DateStyle::Numeric);
                        vec![
                            day.clone().into_any(),
                            family.into_any(),
                            payment.method.label().into_any(),
                            payment.reference.clone().into_any(),
                            numbers.join(", ").into_any(),
                            format_euros(payment.amount_cents).into_any(),
                            receipt_button(session, payment.id, day, problem),
                        ]
                    })
                    .collect();
                data_table(
                    match payments.len() {
                        1 => "1 règlement".to_owned(),
                        count => format!("{count} règlements, le plus récent d'abord"),
                    },
                    "Aucun règlement.",
                    &[
                        "Date",
                        "Famille",
                        "Mode",
                        "Référence",
                        "Factures",
                        "Montant",
                        "Reçu",
                    ],
                    0,
                    rows,
                )
            }))
        }
        .boxed_local()
    });
    let filter = Form::new(
        "filtre",
        "Filtrer",
        vec![
            Field::new("household_id", "Famille", Kind::Choice(families.into()))
                .optional()
                .placeholder(Some("Toutes les familles")),
        ],
        move |values| {
            let address = match values.optional_text("household_id") {
                Some(id) => format!("{HOME}/reglements?household_id={id}"),
                None => format!("{HOME}/reglements"),
            };
            navigate_here(&address);
            Ok(async { Ok(String::new()) }.boxed_local())
        },
    )
    .initial(vec![
        chosen
            .get_untracked()
            .map(|id| id.to_string())
            .unwrap_or_default(),
    ])
    .filters()
    .view();
    let parts = vec![
        link_line(HOME, "Retour aux factures"),
        super::section_links(&[(
            "/admin/facturation/reglements/nouveau",
            "Enregistrer un règlement",
        )]),
        section(
            "liste-reglements-titre",
            "Règlements",
            vec![filter, alert(problem), list.view().into_any()],
        ),
    ];
    view! { <Page title="Règlements">{parts}</Page> }.into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_amount_received_goes_to_the_oldest_invoices_first() {
        assert_eq!(spread(15_000, &[10_000, 8_000, 5_000]), [10_000, 5_000, 0]);
        assert_eq!(spread(50_000, &[10_000, 8_000]), [10_000, 8_000]);
        assert_eq!(spread(0, &[10_000]), [0]);
        assert_eq!(spread(-5, &[10_000]), [0]);
    }

    #[test]
    fn the_servers_messages_land_on_the_box_of_their_invoice() {
        let fields = field_errors([
            ("allocations[1]".to_owned(), "Trop.".to_owned()),
            ("allocations[0].amount_cents".to_owned(), "Zéro.".to_owned()),
            ("reference".to_owned(), "Trop long.".to_owned()),
        ]);
        let moved = allocation_fields(fields, &[2, 5]);
        assert_eq!(moved["alloc-5"], "Trop.");
        assert_eq!(moved["alloc-2"], "Zéro.");
        assert_eq!(moved["reference"], "Trop long.");
    }
}
