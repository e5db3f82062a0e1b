//! `/admin/facturation/cotisations`: « Émettre les cotisations ». Staff choose a
//! re-enrolment campaign, look at what would be issued (a dry run: per household, the
//! lines, the total and the instalments, and who is left out and why), then issue it
//! after a confirmation and see what was issued. Issuing twice issues nothing new: the
//! server skips the households already invoiced for the campaign.

use futures::FutureExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tutti_shared::{Instalment, InvoiceLine, IssueFeesInput, IssueFeesResult, format_euros};

use super::super::reenrolment::{campaign_status_label, year_label};
use super::super::widgets::{
    Field, Form, Kind, Loader, alert, confirm_button, data_table, focus_later, hint, link,
    link_line, render, section, status,
};
use super::{HOME, paragraph};
use crate::api::{self, billing_admin as calls, reenrolment_admin};
use crate::components::Page;
use crate::dates::{DateStyle, french_date};
use crate::session::Session;

/// "9 échéances : 05/10/2026 137,17 € ; 05/11/2026 137,16 € ; …".
pub fn instalments_text(instalments: &[Instalment]) -> String {
    let dues: Vec<String> = instalments
        .iter()
        .map(|due| {
            format!(
                "{} {}",
                french_date(due.due_on, DateStyle::Numeric),
                format_euros(due.amount_cents)
            )
        })
        .collect();
    match dues.len() {
        0 => "Aucune échéance.".to_owned(),
        1 => format!("1 échéance : {}.", dues[0]),
        count => format!("{count} échéances : {}.", dues.join(" ; ")),
    }
}

/// An invoice's lines as a table.
pub fn lines_table(caption: String, lines: &[InvoiceLine]) -> AnyView {
    let rows = lines
        .iter()
        .map(|line| {
            vec![
                line.label.clone().into_any(),
                format_euros(line.amount_cents).into_any(),
            ]
        })
        .collect();
    data_table(caption, "Aucune ligne.", &["Libellé", "Montant"], 0, rows)
}

/// The page: the campaign's choice with « Aperçu », then the preview or what was issued.
pub fn issue_page() -> AnyView {
    let session = Session::expect();
    let campaigns = RwSignal::new(Vec::<(String, String)>::new());
    let outcome = RwSignal::new(None::<(i64, String, IssueFeesResult)>);
    let notice = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let choices = Loader::new(move || {
        async move {
            let years = api::admin::list_school_years(session).await?;
            let found = reenrolment_admin::list_campaigns(session).await?;
            campaigns.set(
                found
                    .iter()
                    .map(|campaign| {
                        let label = format!(
                            "Réinscriptions {} ({})",
                            year_label(&years, campaign.to_year_id),
                            campaign_status_label(campaign.status).to_ascii_lowercase()
                        );
                        (campaign.id.to_string(), label)
                    })
                    .collect(),
            );
            Ok(render(|| ().into_any()))
        }
        .boxed_local()
    });

    let preview = Form::new(
        "emission",
        "Aperçu",
        vec![Field::new(
            "campaign_id",
            "Campagne de réinscription",
            Kind::Choice(campaigns.into()),
        )],
        move |values| {
            let campaign_id = values.number("campaign_id")?;
            let label = campaigns.with_untracked(|list| {
                list.iter()
                    .find(|(id, _)| *id == campaign_id.to_string())
                    .map(|(_, label)| label.clone())
                    .unwrap_or_default()
            });
            notice.set(None);
            problem.set(None);
            let input = IssueFeesInput {
                campaign_id,
                dry_run: true,
            };
            Ok(async move {
                let result = calls::issue_fee_invoices(session, &input).await?;
                outcome.set(Some((campaign_id, label, result)));
                focus_later("resultat-titre");
                Ok(String::new())
            }
            .boxed_local())
        },
    )
    .filters()
    .view();

    let issue = move |campaign_id: i64| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        notice.set(None);
        problem.set(None);
        let input = IssueFeesInput {
            campaign_id,
            dry_run: false,
        };
        spawn_local(async move {
            match calls::issue_fee_invoices(session, &input).await {
                Ok(result) => {
                    let count = result.issued.len();
                    notice.set(Some(match count {
                        0 => "Aucune facture émise.".to_owned(),
                        1 => "1 facture émise.".to_owned(),
                        count => format!("{count} factures émises."),
                    }));
                    outcome.update(|outcome| {
                        if let Some((_, _, shown)) = outcome {
                            *shown = result;
                        }
                    });
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
            Some((campaign_id, label, result)) => result_view(*campaign_id, label, result, issue),
        })
    });

    let parts = vec![
        link_line(HOME, "Retour aux factures"),
        section(
            "campagne-titre",
            "Campagne",
            vec![
                hint(
                    "Une facture par famille, d'après les dossiers de réinscription validés et la grille tarifaire. L'aperçu n'émet rien.",
                ),
                choices.view().into_any(),
                preview,
            ],
        ),
        status(notice),
        alert(problem),
        result.view().into_any(),
    ];
    view! { <Page title="Émettre les cotisations">{parts}</Page> }.into_any()
}

/// The preview (with « Émettre les factures ») or what was issued, then who was left out.
fn result_view(
    campaign_id: i64,
    label: &str,
    result: &IssueFeesResult,
    issue: impl Fn(i64) + Copy + Send + Sync + 'static,
) -> AnyView {
    let mut content: Vec<AnyView> = Vec::new();
    let title = if result.dry_run {
        let count = result.previews.len();
        content.push(paragraph(match count {
            0 => "Aucune facture à émettre.".to_owned(),
            1 => "1 facture serait émise.".to_owned(),
            count => format!("{count} factures seraient émises."),
        }));
        for preview in &result.previews {
            let name = preview.household_name.clone();
            content.push(
                view! {
                    <article class="panel admin-record">
                        <h3>{name.clone()}</h3>
                        {lines_table(format!("Lignes de la facture, {name}"), &preview.lines)}
                        {paragraph(format!("Total : {}", format_euros(preview.total_cents)))}
                        {paragraph(instalments_text(&preview.instalments))}
                    </article>
                }
                .into_any(),
            );
        }
        if count > 0 {
            let target = label.to_owned();
            content.push(confirm_button(
                "Émettre les factures",
                target,
                Callback::new(move |()| issue(campaign_id)),
            ));
        }
        format!("Aperçu : {label}")
    } else {
        let rows = result
            .issued
            .iter()
            .map(|invoice| {
                vec![
                    link(format!("{HOME}/{}", invoice.id), invoice.number.clone()),
                    invoice.household_name.clone().into_any(),
                    format_euros(invoice.total_cents).into_any(),
                ]
            })
            .collect();
        content.push(data_table(
            "Factures émises".to_owned(),
            "Aucune facture émise.",
            &["Numéro", "Famille", "Total"],
            0,
            rows,
        ));
        format!("Émission : {label}")
    };
    let skipped = result
        .skipped
        .iter()
        .map(|skip| {
            vec![
                skip.household_name.clone().into_any(),
                skip.reason.clone().into_any(),
            ]
        })
        .collect::<Vec<_>>();
    if !skipped.is_empty() {
        content.push(data_table(
            "Familles écartées".to_owned(),
            "",
            &["Famille", "Raison"],
            0,
            skipped,
        ));
    }
    view! {
        <section class="panel" aria-labelledby="resultat-titre">
            <h2 id="resultat-titre" tabindex="-1">{title}</h2>
            {content}
        </section>
    }
    .into_any()
}
