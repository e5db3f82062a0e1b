//! `/admin/facturation`: the site's invoices, newest first, filtered by kind, status,
//! household and period. The filters live in the address (`?kind=cotisation&status=
//! overdue`), so that a reload, a bookmark or Back shows the same list; the CSV exports
//! take the same filters.

use chrono::NaiveDate;
use futures::FutureExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tutti_shared::{InvoiceKind, InvoiceListQuery, InvoiceStatus, format_euros};

use super::super::widgets::{
    Field, Form, Kind, Loader, alert, choices, data_table, link, render, section, status,
};
use super::{HOME, households, kind_choices, section_links};
use crate::api::billing_admin::{self as calls, invoice_params, status_name};
use crate::components::Page;
use crate::dates::{DateStyle, french_date, today};
use crate::files;
use crate::router::{Location, navigate_here};
use crate::session::Session;

const STATUSES: [InvoiceStatus; 4] = [
    InvoiceStatus::Unpaid,
    InvoiceStatus::Partial,
    InvoiceStatus::Overdue,
    InvoiceStatus::Paid,
];

/// The filters an address names; what it does not name, or names wrongly, is no filter.
pub fn filters_of(value: impl Fn(&str) -> Option<String>) -> InvoiceListQuery {
    let day = |name: &str| value(name).and_then(|text| text.parse::<NaiveDate>().ok());
    InvoiceListQuery {
        kind: value("kind").and_then(|text| InvoiceKind::parse(&text)),
        status: value("status").and_then(|text| {
            STATUSES
                .into_iter()
                .find(|status| status_name(*status) == text)
        }),
        household_id: value("household_id").and_then(|text| text.parse().ok()),
        from: day("from"),
        to: day("to"),
        changed_since: None,
    }
}

/// The list's address with these filters.
pub fn address_of(query: &InvoiceListQuery) -> String {
    let params: Vec<String> = invoice_params(query)
        .into_iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    if params.is_empty() {
        HOME.to_owned()
    } else {
        format!("{HOME}?{}", params.join("&"))
    }
}

/// The list with its filters, the exports and the ways to the other screens.
pub fn invoices_page() -> AnyView {
    let session = Session::expect();
    let location = Location::expect();
    let filters = Signal::derive(move || filters_of(|name| location.query_value(name)));
    let notice = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let families = households(session);

    let list = Loader::new(move || {
        let query = filters.get();
        async move {
            let invoices = calls::list_invoices(session, &query).await?;
            let today = today();
            Ok(render(move || {
                let rows = invoices
                    .iter()
                    .map(|invoice| {
                        vec![
                            link(format!("{HOME}/{}", invoice.id), invoice.number.clone()),
                            french_date(invoice.issued_on, DateStyle::Numeric).into_any(),
                            invoice.household_name.clone().into_any(),
                            invoice.kind.label().into_any(),
                            invoice.status(today).label().into_any(),
                            format_euros(invoice.total_cents).into_any(),
                            format_euros(invoice.balance_cents).into_any(),
                        ]
                    })
                    .collect();
                let count = invoices.len();
                let caption = match count {
                    1 => "1 facture".to_owned(),
                    count => format!("{count} factures, la plus récente d'abord"),
                };
                data_table(
                    caption,
                    "Aucune facture ne correspond à ces critères.",
                    &[
                        "Numéro",
                        "Date",
                        "Famille",
                        "Type",
                        "Statut",
                        "Total",
                        "Reste à payer",
                    ],
                    0,
                    rows,
                )
            }))
        }
        .boxed_local()
    });

    let first = filters.get_untracked();
    let statuses = STATUSES
        .map(|status| (status_name(status).to_owned(), status.label().to_owned()))
        .to_vec();
    let filter_form = Form::new(
        "filtre",
        "Filtrer",
        vec![
            Field::new("kind", "Type", choices(kind_choices()))
                .optional()
                .placeholder(Some("Tous les types")),
            Field::new("status", "Statut", choices(statuses))
                .optional()
                .placeholder(Some("Tous les statuts")),
            Field::new("household_id", "Famille", Kind::Choice(families.into()))
                .optional()
                .placeholder(Some("Toutes les familles")),
            Field::new("from", "Émises du", Kind::Date).optional(),
            Field::new("to", "au", Kind::Date).optional(),
        ],
        move |values| {
            let query = filters_of(|name| values.optional_text(name));
            navigate_here(&address_of(&query));
            Ok(async { Ok(String::new()) }.boxed_local())
        },
    )
    .initial(vec![
        first
            .kind
            .map(|kind| kind.as_str().to_owned())
            .unwrap_or_default(),
        first
            .status
            .map(|status| status_name(status).to_owned())
            .unwrap_or_default(),
        first
            .household_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        first.from.map(|day| day.to_string()).unwrap_or_default(),
        first.to.map(|day| day.to_string()).unwrap_or_default(),
    ])
    .filters()
    .view();

    let export = move |payments: bool| {
        notice.set(None);
        problem.set(None);
        let file_name = if payments {
            "reglements.csv"
        } else {
            "factures.csv"
        };
        let file = calls::export_csv(session, payments, &filters.get_untracked());
        spawn_local(async move {
            match file.await {
                Ok(blob) => {
                    files::save(&blob, file_name);
                    notice.set(Some(format!("Fichier « {file_name} » téléchargé.")));
                }
                Err(error) => problem.set(Some(error.to_string())),
            }
        });
    };

    let parts =
        vec![
        section_links(&[
            ("/admin/facturation/cotisations", "Émettre les cotisations"),
            ("/admin/facturation/nouvelle", "Nouvelle facture"),
            ("/admin/facturation/reglements/nouveau", "Enregistrer un règlement"),
            ("/admin/facturation/reglements", "Règlements"),
        ]),
        section(
            "factures-titre",
            "Factures",
            vec![
                filter_form,
                view! {
                    <div class="form-actions billing-exports">
                        <button type="button" class="button-secondary" on:click=move |_| export(false)>
                            "Exporter les factures (CSV)"
                        </button>
                        <button type="button" class="button-secondary" on:click=move |_| export(true)>
                            "Exporter les règlements (CSV)"
                        </button>
                    </div>
                }
                .into_any(),
                status(notice),
                alert(problem),
                list.view().into_any(),
            ],
        ),
    ];
    view! { <Page title="Facturation">{parts}</Page> }.into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filters_go_to_the_address_and_back() {
        let query = InvoiceListQuery {
            kind: Some(InvoiceKind::Location),
            status: Some(InvoiceStatus::Overdue),
            household_id: Some(12),
            from: "2026-09-01".parse().ok(),
            to: None,
            changed_since: None,
        };
        let address = address_of(&query);
        assert_eq!(
            address,
            "/admin/facturation?kind=location&status=overdue&household_id=12&from=2026-09-01"
        );
        let (_, params) = address.split_once('?').unwrap_or_default();
        let value = |name: &str| {
            params
                .split('&')
                .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
        };
        let back = filters_of(value);
        assert_eq!(address_of(&back), address);
        assert_eq!(address_of(&InvoiceListQuery::default()), HOME);
    }

    #[test]
    fn what_an_address_names_wrongly_is_no_filter() {
        let query = filters_of(|name| match name {
            "kind" => Some("bateau".to_owned()),
            "status" => Some("paid".to_owned()),
            "from" => Some("hier".to_owned()),
            _ => None,
        });
        assert_eq!(query.kind, None);
        assert_eq!(query.status, Some(InvoiceStatus::Paid));
        assert_eq!(query.from, None);
    }
}
