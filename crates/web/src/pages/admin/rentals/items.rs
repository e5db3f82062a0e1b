//! `/admin/locations`: the inventory, filtered by category, availability and a search.
//! The filters live in the address (`?category=instrument&available=true&q=violon`), so
//! that a reload, a bookmark or Back shows the same list. Below it, « Ajouter un article ».

use futures::FutureExt;
use leptos::prelude::*;
use tutti_shared::{DEFAULT_PER_PAGE, RentalCategory, RentalItemQuery};

use super::super::widgets::{
    Field, Form, Kind, Loader, choices, data_table, focus_later, hint, link, link_line, pager,
    render, section,
};
use super::{HOME, category_choices, item_fields, read_item, situation, tariff_choices};
use crate::api::admin::page_count;
use crate::api::rentals_admin::{self as calls, item_params};
use crate::components::Page;
use crate::router::{Location, navigate_here};
use crate::session::Session;

/// The filters an address names; what it does not name, or names wrongly, is no filter.
fn filters_of(value: impl Fn(&str) -> Option<String>) -> RentalItemQuery {
    RentalItemQuery {
        category: value("category").and_then(|text| RentalCategory::parse(&text)),
        available: value("available").and_then(|text| text.parse().ok()),
        q: value("q").filter(|text| !text.trim().is_empty()),
        page: value("page").and_then(|text| text.parse().ok()),
        per_page: None,
    }
}

/// The list's address with these filters (the search text encoded).
fn address_of(query: &RentalItemQuery) -> String {
    let Ok(params) = web_sys::UrlSearchParams::new() else {
        return HOME.to_owned();
    };
    for (name, value) in item_params(query) {
        params.append(name, &value);
    }
    let text: String = params.to_string().into();
    if text.is_empty() {
        HOME.to_owned()
    } else {
        format!("{HOME}?{text}")
    }
}

/// "1 article", "4 articles".
fn item_count(total: i64) -> String {
    match total {
        0 => "Aucun article".to_owned(),
        1 => "1 article".to_owned(),
        total => format!("{total} articles"),
    }
}

/// The inventory with its filters, then the form that adds an item.
pub fn items_page() -> AnyView {
    let session = Session::expect();
    let location = Location::expect();
    // Reactive: whoever calls it reloads when the address changes.
    let filters = move || filters_of(|name| location.query_value(name));
    let go_to = Callback::new(move |page: i64| {
        let query = RentalItemQuery {
            page: Some(page),
            ..untrack(filters)
        };
        navigate_here(&address_of(&query));
    });

    let list = Loader::new(move || {
        let query = RentalItemQuery {
            per_page: Some(DEFAULT_PER_PAGE),
            ..filters()
        };
        async move {
            let page = calls::list_rental_items(session, &query).await?;
            Ok(render(move || {
                let rows = page
                    .items
                    .iter()
                    .map(|item| {
                        vec![
                            item.category.label().into_any(),
                            link(format!("{HOME}/{}", item.id), item.inventory_number.clone()),
                            item.label.clone().into_any(),
                            item.make.clone().into_any(),
                            item.condition.label().into_any(),
                            situation(item).into_any(),
                        ]
                    })
                    .collect();
                view! {
                    {data_table(
                        item_count(page.total),
                        "Aucun article ne correspond à ces critères.",
                        &["Catégorie", "N° d'inventaire", "Libellé", "Marque", "État", "Situation"],
                        1,
                        rows,
                    )}
                    {pager("Pages de l'inventaire", page.page, page_count(&page), go_to)}
                }
                .into_any()
            }))
        }
        .boxed_local()
    });

    // Drawn again when the address changes (Back, a link, its own « Filtrer »), so that
    // it always shows the address's filters.
    let filters_bar = Loader::drawn(move || {
        let first = filters();
        untrack(move || filter_form(first))
    });

    let (tariffs_loader, tariffs) = tariff_choices(session);
    let add = Form::new(
        "article",
        "Ajouter l'article",
        item_fields(tariffs),
        move |values| {
            let input = read_item(&values, None)?;
            Ok(async move {
                calls::create_rental_item(session, &input).await?;
                list.reload();
                Ok(format!(
                    "« {} » ({}) est ajouté à l'inventaire.",
                    input.label, input.inventory_number
                ))
            }
            .boxed_local())
        },
    )
    .view();

    let parts = vec![
        link_line(
            &format!("{HOME}/facturation"),
            "Facturer les locations d'une période",
        ),
        section(
            "inventaire-titre",
            "Inventaire",
            vec![filters_bar.view().into_any(), list.view().into_any()],
        ),
        section(
            "ajout-titre",
            "Ajouter un article",
            vec![
                hint(
                    "Le tarif annuel vient de la grille tarifaire (locations). Un instrument se prête à un élève, une salle ou du matériel à une famille.",
                ),
                tariffs_loader.view().into_any(),
                add,
            ],
        ),
    ];
    view! { <Page title="Locations">{parts}</Page> }.into_any()
}

/// The filter bar, showing the address's filters.
fn filter_form(first: RentalItemQuery) -> AnyView {
    let availability = choices(vec![
        ("true".to_owned(), "Disponible".to_owned()),
        ("false".to_owned(), "Prêté".to_owned()),
    ]);
    Form::new(
        "filtre",
        "Filtrer",
        vec![
            Field::new("category", "Catégorie", category_choices())
                .optional()
                .placeholder(Some("Toutes les catégories")),
            Field::new("available", "Disponibilité", availability)
                .optional()
                .placeholder(Some("Tous les articles")),
            Field::new("q", "Recherche (libellé, marque, numéro)", Kind::Text).optional(),
        ],
        move |values| {
            navigate_here(&address_of(&filters_of(|name| values.optional_text(name))));
            // The bar is drawn anew, without the button that had the focus.
            focus_later("inventaire-titre");
            Ok(async { Ok(String::new()) }.boxed_local())
        },
    )
    .initial(vec![
        first
            .category
            .map(|category| category.as_str().to_owned())
            .unwrap_or_default(),
        first
            .available
            .map(|free| free.to_string())
            .unwrap_or_default(),
        first.q.unwrap_or_default(),
    ])
    .filters()
    .view()
}
