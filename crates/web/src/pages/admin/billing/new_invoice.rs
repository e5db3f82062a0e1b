//! `/admin/facturation/nouvelle`: « Nouvelle facture », a manual invoice (a correction, a
//! room or instrument rental): the household found by a search, the kind, what it is
//! for, its lines (a reduction is a negative amount) and when it is due (30 days after
//! issue when left blank). Once issued, the invoice's page opens.

use futures::FutureExt;
use leptos::prelude::*;
use tutti_shared::ManualInvoiceInput;

use super::super::widgets::{Field, Form, Kind, choices, hint, link_line, section};
use super::{
    HOME, control, fields_group, household_search, households, kind_choices, line_list,
    lines_fieldset, read_lines, refuse,
};
use crate::api::{ApiError, billing_admin as calls};
use crate::components::Page;
use crate::forms::{FormState, field_error, missing_fields};
use crate::router::{Location, navigate};
use crate::session::Session;

/// The form; `?household_id=` chooses the household from the start.
pub fn new_invoice_page() -> AnyView {
    let session = Session::expect();
    let location = Location::expect();
    let families = households(session);
    let form = FormState::new();
    let first = untrack(|| location.query_value("household_id")).unwrap_or_default();
    let (household, household_control) = control(
        "facture",
        Field::new("household_id", "Famille", Kind::Choice(families.into())),
        first,
        form,
    );
    let (kind, kind_control) = control(
        "facture",
        Field::new("kind", "Type", choices(kind_choices())),
        String::new(),
        form,
    );
    let (label, label_control) = control(
        "facture",
        Field::new("label", "Objet de la facture", Kind::Text),
        String::new(),
        form,
    );
    let (due, due_control) = control(
        "facture",
        Field::new("due_on", "Échéance", Kind::Date).optional(),
        String::new(),
        form,
    );
    let list = line_list("facture", "Lignes de la facture");
    let content = vec![
        fields_group(vec![household_control, kind_control, label_control, due_control]),
        hint("Montants en euros, par exemple 12,50 ; une réduction s'écrit avec un signe moins : -10. Sans échéance, la facture est due 30 jours après son émission."),
        lines_fieldset("Lignes", list, form),
    ]
    .into_any();
    let create = Form::new("facture", "Émettre la facture", Vec::new(), move |_| {
        let texts = [
            ("household_id", household.get_untracked()),
            ("kind", kind.get_untracked()),
            ("label", label.get_untracked()),
        ];
        let mut errors =
            missing_fields(&texts.each_ref().map(|(name, text)| (*name, text.as_str())));
        let due_text = due.get_untracked();
        let due_on = if due_text.trim().is_empty() {
            None
        } else {
            due_text.trim().parse().ok().or_else(|| {
                errors.extend(field_error("due_on", "Date invalide."));
                None
            })
        };
        let lines = read_lines(list).unwrap_or_else(|bad| {
            errors.extend(bad);
            Vec::new()
        });
        let household_id = texts[0].1.parse().unwrap_or_default();
        let kind = tutti_shared::InvoiceKind::parse(&texts[1].1);
        let Some(kind) = kind.filter(|_| errors.is_empty()) else {
            return Err(errors);
        };
        let input = ManualInvoiceInput {
            household_id,
            kind,
            label: texts[2].1.trim().to_owned(),
            lines,
            due_on,
        };
        Ok(async move {
            match calls::create_invoice(session, &input).await {
                Ok(invoice) => navigate(&format!("{HOME}/{}", invoice.id)),
                Err(error @ ApiError::Api { status: 422, .. }) => refuse(form, &error),
                Err(error) => return Err(error),
            }
            Ok(String::new())
        }
        .boxed_local())
    })
    .content(content, form)
    .view();
    let parts = vec![
        link_line(HOME, "Retour aux factures"),
        section(
            "facture-titre",
            "Facture",
            vec![
                household_search(session, families, household, "recherche-famille"),
                create,
            ],
        ),
    ];
    view! { <Page title="Nouvelle facture">{parts}</Page> }.into_any()
}
