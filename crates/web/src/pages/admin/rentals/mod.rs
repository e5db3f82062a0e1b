//! « Locations », staff side: the inventory of instruments, rooms and equipment with its
//! filters and the form that adds an item ([`items`]), one item with its edit, its loans,
//! lending, return and extension ([`item`]), and the period's rental invoices, previewed
//! then issued ([`invoicing`]).
//!
//! The server's rules stay the server's (an item out or to be repaired is not lent, a
//! month is never invoiced twice): its refusals land on the fields they name, or in the
//! form's alert. Dates are typed in `<input type="date">` and shown `dd/mm/yyyy`.

mod invoicing;
mod item;
mod items;

pub use invoicing::invoicing_page;
pub use item::item_page;
pub use items::items_page;

use chrono::{Datelike, NaiveDate};
use futures::FutureExt;
use leptos::prelude::*;
use tutti_shared::{ItemCondition, RentalCategory, RentalItem, RentalItemInput, format_euros};

use super::widgets::{Field, Kind, Loader, Values, choices, field_error, render};
use crate::api;
use crate::dates::{DateStyle, french_date};
use crate::forms::FieldErrors;
use crate::html::escape;
use crate::i18n;
use crate::session::Session;

/// Where the section starts.
const HOME: &str = "/admin/locations";

/// Read-only markup written as text (as `crate::html` explains): one element type for
/// every table and list of the section rather than a `view!` type each, for the
/// administration's size budget. Whatever came from the API went through [`escape`].
fn raw(markup: String) -> AnyView {
    view! { <div inner_html=markup></div> }.into_any()
}

/// A table as `widgets::data_table` draws it (stacked into cards on phones), written as
/// text; the cells are markup already escaped.
fn table_html(
    caption: &str,
    empty: &str,
    headers: &[&str],
    header_column: usize,
    rows: &[Vec<String>],
) -> String {
    if rows.is_empty() {
        return format!("<p class=\"empty\">{}</p>", escape(empty));
    }
    let mut html = format!(
        "<div class=\"table-wrap stacked-table\"><table role=\"table\"><caption>{}</caption><thead><tr role=\"row\">",
        escape(caption)
    );
    for header in headers {
        html.push_str(&format!(
            "<th scope=\"col\" role=\"columnheader\">{header}</th>"
        ));
    }
    html.push_str("</tr></thead><tbody>");
    for row in rows {
        html.push_str("<tr role=\"row\">");
        for (index, cell) in row.iter().enumerate() {
            if index == header_column {
                html.push_str(&format!("<th scope=\"row\" role=\"rowheader\">{cell}</th>"));
            } else {
                let label = headers.get(index).copied().unwrap_or_default();
                html.push_str(&format!(
                    "<td role=\"cell\" data-label=\"{label}\">{cell}</td>"
                ));
            }
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table></div>");
    html
}

/// A day as tables show it.
fn day(date: NaiveDate) -> String {
    french_date(date, DateStyle::Numeric)
}

/// « Prêté à Famille Durand (Nathan Durand) jusqu'au 30/06/2027 » or « Disponible »
/// (« Indisponible : à réparer » when it may not be lent).
fn situation(item: &RentalItem) -> String {
    match &item.current_loan {
        Some(loan) => {
            let child = loan
                .student_name
                .as_ref()
                .map(|name| format!(" ({name})"))
                .unwrap_or_default();
            format!(
                "Prêté à {}{child} jusqu'au {}",
                loan.household_name,
                day(loan.ends_on)
            )
        }
        None if item.condition.lendable() => "Disponible".to_owned(),
        None => format!("Indisponible : {}", state_in_sentence(item.condition)),
    }
}

/// A state inside a sentence (« il est à réparer »): written out rather than lowered, which
/// would bring the Unicode case tables into the wasm.
fn state_in_sentence(state: ItemCondition) -> &'static str {
    match state {
        ItemCondition::Neuf => "neuf",
        ItemCondition::Bon => "en bon état",
        ItemCondition::Use => "usé",
        ItemCondition::AReparer => "à réparer",
        ItemCondition::HorsService => "hors service",
    }
}

fn category_choices() -> Kind {
    choices(
        RentalCategory::ALL
            .map(|category| (category.as_str().to_owned(), category.label().to_owned()))
            .to_vec(),
    )
}

fn condition_choices() -> Kind {
    choices(
        ItemCondition::ALL
            .map(|state| (state.as_str().to_owned(), state.label().to_owned()))
            .to_vec(),
    )
}

/// The grid's rentals as choices (« Violon, 120,00 € par an »), loaded once; the
/// loader's view says when the grid cannot be read.
fn tariff_choices(session: Session) -> (Loader, RwSignal<Vec<(String, String)>>) {
    let list = RwSignal::new(Vec::new());
    let loader = Loader::new(move || {
        async move {
            let grid = api::admin::find_tariff_grid(session).await?;
            list.set(
                grid.rentals
                    .iter()
                    .map(|rental| {
                        let label = format!(
                            "{}, {} par an",
                            rental.label,
                            format_euros(rental.price_cents)
                        );
                        (rental.code.clone(), label)
                    })
                    .collect(),
            );
            Ok(render(|| ().into_any()))
        }
        .boxed_local()
    });
    (loader, list)
}

/// The fields of an item, in the order of [`item_texts`].
fn item_fields(tariffs: RwSignal<Vec<(String, String)>>) -> Vec<Field> {
    vec![
        Field::new("category", "Catégorie", category_choices()),
        Field::new(
            "tariff_code",
            "Tarif (grille)",
            Kind::Choice(tariffs.into()),
        ),
        Field::new("label", "Libellé", Kind::Text),
        Field::new("make", "Marque", Kind::Text).optional(),
        Field::new("inventory_number", "Numéro d'inventaire", Kind::Text),
        Field::new("serial_number", "Numéro de série", Kind::Text).optional(),
        Field::new("condition", "État", condition_choices()),
        Field::new("notes", "Notes", Kind::Area).optional(),
    ]
}

/// An item's values as the form's first texts.
fn item_texts(item: &RentalItem) -> Vec<String> {
    vec![
        item.category.as_str().to_owned(),
        item.tariff_code.clone(),
        item.label.clone(),
        item.make.clone(),
        item.inventory_number.clone(),
        item.serial_number.clone(),
        item.condition.as_str().to_owned(),
        item.notes.clone(),
    ]
}

/// The form's values as an item to send.
fn read_item(values: &Values, version: Option<i32>) -> Result<RentalItemInput, FieldErrors> {
    let category = RentalCategory::parse(&values.text("category"))
        .ok_or_else(|| field_error("category", i18n::REQUIRED_FIELD))?;
    let condition = ItemCondition::parse(&values.text("condition"))
        .ok_or_else(|| field_error("condition", i18n::REQUIRED_FIELD))?;
    Ok(RentalItemInput {
        category,
        tariff_code: values.text("tariff_code"),
        label: values.text("label"),
        make: values.text("make"),
        inventory_number: values.text("inventory_number"),
        serial_number: values.text("serial_number"),
        condition,
        notes: values.text("notes"),
        version,
    })
}

/// The 30 June that ends the school year of `today` (a loan's usual end).
fn next_june_30(today: NaiveDate) -> NaiveDate {
    let year = if today.month() <= 6 {
        today.year()
    } else {
        today.year() + 1
    };
    NaiveDate::from_ymd_opt(year, 6, 30).unwrap_or(today)
}

/// The term (trimestre) of `today`: September to December, January to March, April to
/// June (July and August, not billed, belong to the last).
fn current_term(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let year = today.year();
    let (first, last) = match today.month() {
        1..=3 => ((1, 1), (3, 31)),
        4..=8 => ((4, 1), (6, 30)),
        _ => ((9, 1), (12, 31)),
    };
    let date = |(month, day)| NaiveDate::from_ymd_opt(year, month, day).unwrap_or(today);
    (date(first), date(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap_or_default()
    }

    #[test]
    fn a_loan_ends_on_the_coming_30_june() {
        assert_eq!(next_june_30(date("2026-12-01")), date("2027-06-30"));
        assert_eq!(next_june_30(date("2027-06-30")), date("2027-06-30"));
        assert_eq!(next_june_30(date("2027-07-01")), date("2028-06-30"));
    }

    #[test]
    fn the_current_term_is_a_trimestre_of_the_school_year() {
        assert_eq!(
            current_term(date("2026-12-01")),
            (date("2026-09-01"), date("2026-12-31"))
        );
        assert_eq!(
            current_term(date("2027-02-10")),
            (date("2027-01-01"), date("2027-03-31"))
        );
        assert_eq!(
            current_term(date("2027-05-10")),
            (date("2027-04-01"), date("2027-06-30"))
        );
    }
}
