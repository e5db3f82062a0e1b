//! `/admin/locations/facturation`: « Facturer les locations ». Staff choose a period (the
//! current term by default), look at what would be issued (a dry run: per household, the
//! lines and the total, and who is left out and why), then issue it after a confirmation
//! and see what was issued. A month already invoiced is never invoiced again: issuing
//! twice issues nothing new.

use chrono::NaiveDate;
use futures::FutureExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tutti_shared::{IssueFeesResult, RentalInvoicesInput, format_euros};

use super::super::widgets::{
    Field, Form, Kind, Loader, alert, confirm_button, focus_later, hint, link_line, section, status,
};
use super::{HOME, current_term, day, raw, table_html};
use crate::api::rentals_admin as calls;
use crate::components::Page;
use crate::dates::today;
use crate::html::escape;
use crate::session::Session;

/// The page: the period with « Aperçu », then the preview or what was issued.
pub fn invoicing_page() -> AnyView {
    let session = Session::expect();
    let outcome = RwSignal::new(None::<(NaiveDate, NaiveDate, IssueFeesResult)>);
    let notice = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let (from, to) = current_term(today());
    let preview = Form::new(
        "periode",
        "Aperçu",
        vec![
            Field::new("from", "Du", Kind::Date),
            Field::new("to", "Au", Kind::Date),
        ],
        move |values| {
            let input = RentalInvoicesInput {
                from: values.date("from")?,
                to: values.date("to")?,
                dry_run: true,
            };
            notice.set(None);
            problem.set(None);
            Ok(async move {
                let result = calls::issue_rental_invoices(session, &input).await?;
                outcome.set(Some((input.from, input.to, result)));
                focus_later("resultat-titre");
                Ok(String::new())
            }
            .boxed_local())
        },
    )
    .initial(vec![from.to_string(), to.to_string()])
    .filters()
    .view();

    let issue = move |from: NaiveDate, to: NaiveDate| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        notice.set(None);
        problem.set(None);
        let input = RentalInvoicesInput {
            from,
            to,
            dry_run: false,
        };
        spawn_local(async move {
            match calls::issue_rental_invoices(session, &input).await {
                Ok(result) => {
                    notice.set(Some(match result.issued.len() {
                        0 => "Aucune facture émise.".to_owned(),
                        1 => "1 facture émise.".to_owned(),
                        count => format!("{count} factures émises."),
                    }));
                    outcome.set(Some((from, to, result)));
                }
                Err(error) => problem.set(Some(error.to_string())),
            }
            busy.set(false);
            focus_later("resultat-titre");
        });
    };

    let result = Loader::drawn(move || {
        outcome.with(|outcome| match outcome {
            None => ().into_any(),
            Some((from, to, result)) => result_view(*from, *to, result, issue),
        })
    });

    let parts = vec![
        link_line(HOME, "Retour à l'inventaire des locations"),
        section(
            "periode-titre",
            "Période",
            vec![
                hint(
                    "Une facture de location par famille, un dixième du tarif annuel par mois prêté, de septembre à juin ; un mois déjà facturé ne l'est pas une seconde fois. L'aperçu n'émet rien.",
                ),
                preview,
                status(notice),
                alert(problem),
            ],
        ),
        result.view().into_any(),
    ];
    view! { <Page title="Facturer les locations">{parts}</Page> }.into_any()
}

/// The preview (with « Émettre les factures ») or what was issued, then who was left out.
fn result_view(
    from: NaiveDate,
    to: NaiveDate,
    result: &IssueFeesResult,
    issue: impl Fn(NaiveDate, NaiveDate) + Copy + Send + Sync + 'static,
) -> AnyView {
    let period = format!("du {} au {}", day(from), day(to));
    let mut html = String::new();
    let mut button = ().into_any();
    let title = if result.dry_run {
        let count = result.previews.len();
        html.push_str(&match count {
            0 => format!("<p>Aucune facture à émettre pour la période {period}.</p>"),
            1 => format!("<p>1 facture serait émise pour la période {period}.</p>"),
            count => format!("<p>{count} factures seraient émises pour la période {period}.</p>"),
        });
        for preview in &result.previews {
            let name = escape(&preview.household_name);
            let rows: Vec<Vec<String>> = preview
                .lines
                .iter()
                .map(|line| vec![escape(&line.label), format_euros(line.amount_cents)])
                .collect();
            html.push_str(&format!(
                "<article class=\"panel admin-record\"><h3>{name}</h3>{}<p>Total : {}</p></article>",
                table_html(
                    &format!("Lignes de la facture, {}", preview.household_name),
                    "Aucune ligne.",
                    &["Libellé", "Montant"],
                    0,
                    &rows,
                ),
                format_euros(preview.total_cents)
            ));
        }
        if count > 0 {
            button = confirm_button(
                "Émettre les factures",
                format!("locations {period}"),
                Callback::new(move |()| issue(from, to)),
            );
        }
        "Aperçu"
    } else {
        html.push_str(&format!("<p>Période {period}.</p>"));
        let rows: Vec<Vec<String>> = result
            .issued
            .iter()
            .map(|invoice| {
                vec![
                    format!(
                        "<a href=\"/admin/facturation/{}\">{}</a>",
                        invoice.id,
                        escape(&invoice.number)
                    ),
                    escape(&invoice.household_name),
                    format_euros(invoice.total_cents),
                ]
            })
            .collect();
        html.push_str(&table_html(
            "Factures émises",
            "Aucune facture émise.",
            &["Numéro", "Famille", "Total"],
            0,
            &rows,
        ));
        "Émission"
    };
    let skipped: Vec<Vec<String>> = result
        .skipped
        .iter()
        .map(|skip| vec![escape(&skip.household_name), escape(&skip.reason)])
        .collect();
    let skipped = if skipped.is_empty() {
        String::new()
    } else {
        table_html("Familles écartées", "", &["Famille", "Raison"], 0, &skipped)
    };
    section(
        "resultat-titre",
        title,
        vec![raw(html), button, raw(skipped)],
    )
}
