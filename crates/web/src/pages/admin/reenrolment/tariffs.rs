//! « Grille tarifaire » (`/admin/reinscriptions/tarifs`): the site's tariff grid, which
//! the fees of re-enrolment are estimated from, read and saved whole against its version.
//!
//! Amounts are integer cents on the wire and euros on screen, typed the French way
//! ("1 234,56" or "30"). The browser only checks that each box holds a number; ranges,
//! codes and the order of the brackets are the server's rules, and its refusals land on
//! the same fields, which carry the server's names (`brackets[2].percent`).
//!
//! The three lists share one editor, the invoices' too (`widgets::list_editor`): a table
//! of text boxes, one signal per box, drawn again when a line comes or goes or the
//! messages change; typing never redraws it. On a 409 the grid in force is shown, as the
//! other versioned screens do.

use futures::FutureExt;
use leptos::prelude::*;
use tutti_shared::{TariffBracket, TariffCourseKind, TariffGrid, TariffRental};

use super::super::widgets::{
    Field, Form, Kind, List, Loader, alert, boxes, euros_text, field_control, focus_later, hint,
    lead, link_line, list_editor, parse_euros, parse_whole, render, section, status, typed,
};
use super::conflict_message;
use crate::api::{self, ApiError};
use crate::components::Page;
use crate::forms::{FieldErrors, FormState};
use crate::i18n;
use crate::session::Session;

const EUROS_EXPECTED: &str = "Montant en euros attendu, par exemple 1 234,56 ou 30.";
const WHOLE_EXPECTED: &str = "Nombre entier attendu.";

/// Collects the messages of the boxes that do not hold what they should.
#[derive(Default)]
struct Reader(FieldErrors);

impl Reader {
    fn read(&mut self, name: String, text: &str, value: Option<i64>, message: &str) -> i64 {
        value.unwrap_or_else(|| {
            let message = if text.trim().is_empty() {
                i18n::REQUIRED_FIELD
            } else {
                message
            };
            self.0.insert(name, message.to_owned());
            0
        })
    }

    fn euros(&mut self, name: String, text: &str) -> i64 {
        self.read(name, text, parse_euros(text), EUROS_EXPECTED)
    }

    fn whole(&mut self, name: String, text: &str) -> i64 {
        self.read(name, text, parse_whole(text), WHOLE_EXPECTED)
    }
}

const KIND_FIELDS: &[&str] = &[
    "code",
    "label",
    "resident_price_cents",
    "non_resident_price_cents",
];
const BRACKET_FIELDS: &[&str] = &["code", "max_quotient_euros", "percent"];
const RENTAL_FIELDS: &[&str] = &["code", "label", "price_cents"];
/// The floor, the cap and the sibling discounts, as [`field_control`]s.
const SCALARS: [(&str, &str); 4] = [
    ("floor_cents", "Plancher annuel (€)"),
    ("cap_cents", "Plafond annuel (€)"),
    ("second_child_percent", "2e enfant (%)"),
    ("third_child_percent", "3e enfant et suivants (%)"),
];

/// The grid as the editor's texts: each list's lines one after the other, field by
/// field, then the floor, the cap and the two discounts.
#[derive(Debug, Clone, PartialEq)]
struct Texts {
    kinds: Vec<String>,
    brackets: Vec<String>,
    rentals: Vec<String>,
    scalars: Vec<String>,
}

/// A grid as the editor's texts.
fn grid_texts(grid: &TariffGrid) -> Texts {
    let mut texts = Texts {
        kinds: Vec::new(),
        brackets: Vec::new(),
        rentals: Vec::new(),
        scalars: vec![
            euros_text(grid.floor_cents),
            euros_text(grid.cap_cents),
            grid.second_child_percent.to_string(),
            grid.third_child_percent.to_string(),
        ],
    };
    for kind in &grid.course_kinds {
        texts.kinds.push(kind.code.clone());
        texts.kinds.push(kind.label.clone());
        texts.kinds.push(euros_text(kind.resident_price_cents));
        texts.kinds.push(euros_text(kind.non_resident_price_cents));
    }
    for bracket in &grid.brackets {
        let bound = bracket.max_quotient_euros;
        texts.brackets.push(bracket.code.clone());
        texts
            .brackets
            .push(bound.map(|euros| euros.to_string()).unwrap_or_default());
        texts.brackets.push(bracket.percent.to_string());
    }
    for rental in &grid.rentals {
        texts.rentals.push(rental.code.clone());
        texts.rentals.push(rental.label.clone());
        texts.rentals.push(euros_text(rental.price_cents));
    }
    texts
}

/// A line's text, trimmed; the lines are whole by construction.
fn at(line: &[String], field: usize) -> &str {
    line.get(field).map_or("", |text| text.trim())
}

/// The editor's texts as a grid at `version`, or the messages of the boxes to correct.
fn read_grid(texts: &Texts, version: i32) -> Result<TariffGrid, FieldErrors> {
    let mut reader = Reader::default();
    let name = |list: &str, index: usize, field: &str| format!("{list}[{index}].{field}");
    let course_kinds = texts
        .kinds
        .chunks(KIND_FIELDS.len())
        .enumerate()
        .map(|(index, line)| TariffCourseKind {
            code: at(line, 0).to_owned(),
            label: at(line, 1).to_owned(),
            resident_price_cents: reader
                .euros(name("course_kinds", index, KIND_FIELDS[2]), at(line, 2)),
            non_resident_price_cents: reader
                .euros(name("course_kinds", index, KIND_FIELDS[3]), at(line, 3)),
        })
        .collect();
    let brackets = texts
        .brackets
        .chunks(BRACKET_FIELDS.len())
        .enumerate()
        .map(|(index, line)| TariffBracket {
            code: at(line, 0).to_owned(),
            // Blank: no bound (the last bracket's case; the server checks which).
            max_quotient_euros: (!at(line, 1).is_empty())
                .then(|| reader.whole(name("brackets", index, BRACKET_FIELDS[1]), at(line, 1))),
            percent: reader.whole(name("brackets", index, BRACKET_FIELDS[2]), at(line, 2)),
        })
        .collect();
    let rentals = texts
        .rentals
        .chunks(RENTAL_FIELDS.len())
        .enumerate()
        .map(|(index, line)| TariffRental {
            code: at(line, 0).to_owned(),
            label: at(line, 1).to_owned(),
            price_cents: reader.euros(name("rentals", index, RENTAL_FIELDS[2]), at(line, 2)),
        })
        .collect();
    let scalars = &texts.scalars;
    let grid = TariffGrid {
        version,
        course_kinds,
        brackets,
        floor_cents: reader.euros(SCALARS[0].0.to_owned(), at(scalars, 0)),
        cap_cents: reader.euros(SCALARS[1].0.to_owned(), at(scalars, 1)),
        second_child_percent: reader.whole(SCALARS[2].0.to_owned(), at(scalars, 2)),
        third_child_percent: reader.whole(SCALARS[3].0.to_owned(), at(scalars, 3)),
        rentals,
    };
    if reader.0.is_empty() {
        Ok(grid)
    } else {
        Err(reader.0)
    }
}

/// What the page keeps while its editor is drawn anew: the outcome of the last save,
/// and the count of saves, which the editor's loader reads (each save reads the grid
/// again, as it now stands, with its new version).
#[derive(Clone, Copy)]
struct Outcome {
    notice: RwSignal<Option<String>>,
    problem: RwSignal<Option<String>>,
    saves: RwSignal<u32>,
}

/// `/admin/reinscriptions/tarifs`: the grid, and its save.
pub fn tariffs_page() -> AnyView {
    let session = Session::expect();
    let outcome = Outcome {
        notice: RwSignal::new(None),
        problem: RwSignal::new(None),
        saves: RwSignal::new(0),
    };
    let editor = Loader::new(move || {
        let saved = outcome.saves.get() > 0;
        async move {
            let grid = api::admin::find_tariff_grid(session).await?;
            if saved {
                // The form is drawn anew, without the button that had the focus.
                focus_later("tarifs-cours-titre");
            }
            Ok(render(move || grid_editor(session, &grid, outcome)))
        }
        .boxed_local()
    });
    let parts = vec![
        link_line(
            "/admin/reinscriptions",
            "Retour aux campagnes de réinscription",
        ),
        lead("Les montants se saisissent en euros, par exemple 1 234,56 ou 30.".to_owned()),
        status(outcome.notice),
        alert(outcome.problem),
        editor.view().into_any(),
    ];
    view! { <Page title="Grille tarifaire">{parts}</Page> }.into_any()
}

/// The grid's form once read: the three lists, the floor and cap, the discounts.
fn grid_editor(session: Session, grid: &TariffGrid, outcome: Outcome) -> AnyView {
    let texts = grid_texts(grid);
    let form = FormState::new();
    let list = |key, caption, add_label, fields, headers, min_lines, texts| List {
        prefix: "tarif",
        key,
        caption,
        add_label,
        fields,
        headers,
        min_lines,
        boxes: boxes(texts),
        drawn: RwSignal::new(0),
    };
    let kinds = list(
        "course_kinds",
        "Tarifs annuels par type de cours",
        "Ajouter un type de cours",
        KIND_FIELDS,
        &[
            "Code",
            "Libellé",
            "Tarif résident (€)",
            "Tarif non-résident (€)",
            "Action",
        ],
        0,
        texts.kinds,
    );
    let brackets = list(
        "brackets",
        "Tranches de quotient familial",
        "Ajouter une tranche",
        BRACKET_FIELDS,
        &[
            "Tranche",
            "Quotient jusqu'à (€)",
            "Part du tarif résident (%)",
            "Action",
        ],
        1,
        texts.brackets,
    );
    let rentals = list(
        "rentals",
        "Location d'instruments, par an",
        "Ajouter un instrument",
        RENTAL_FIELDS,
        &["Code", "Instrument", "Tarif annuel (€)", "Action"],
        0,
        texts.rentals,
    );
    let scalars = boxes(texts.scalars);
    let content = vec![
        section("tarifs-cours-titre", "Tarifs des cours", vec![
            hint("Le code relie chaque cours à son tarif (« Type de tarif » du cours)."),
            list_editor(kinds, form),
        ]),
        section("tarifs-quotient-titre", "Quotient familial et réductions", vec![
            hint("Un foyer résident paie le pourcentage du tarif résident de sa tranche. La dernière tranche n'a pas de plafond : laissez son quotient vide."),
            list_editor(brackets, form),
            fieldset("Cotisation annuelle des cours, hors location", scalars, 0, form),
            fieldset("Réductions pour les frères et sœurs (l'enfant le plus cher compte en premier)", scalars, 2, form),
        ]),
        section("tarifs-locations-titre", "Location d'instruments", vec![list_editor(rentals, form)]),
    ]
    .into_any();
    let version = grid.version;
    Form::new("grille", "Enregistrer la grille", Vec::new(), move |_| {
        outcome.notice.set(None);
        outcome.problem.set(None);
        let texts = Texts {
            kinds: typed(kinds.boxes),
            brackets: typed(brackets.boxes),
            rentals: typed(rentals.boxes),
            scalars: typed(scalars),
        };
        let grid = read_grid(&texts, version)?;
        Ok(async move {
            match api::admin::update_tariff_grid(session, &grid).await {
                Ok(_) => {
                    outcome
                        .notice
                        .set(Some("Grille tarifaire enregistrée.".to_owned()));
                }
                Err(stale @ ApiError::Api { status: 409, .. }) => {
                    outcome.problem.set(Some(conflict_message(&stale)));
                }
                Err(error) => return Err(error),
            }
            outcome.saves.update(|count| *count = count.wrapping_add(1));
            Ok(String::new())
        }
        .boxed_local())
    })
    .content(content, form)
    .view()
}

/// Two of the grid's single values ([`SCALARS`] from `first`) under their legend.
fn fieldset(
    legend: &'static str,
    scalars: StoredValue<Vec<RwSignal<String>>>,
    first: usize,
    form: FormState,
) -> AnyView {
    let controls: Vec<AnyView> = scalars.with_value(|values| {
        SCALARS
            .iter()
            .zip(values)
            .skip(first)
            .take(2)
            .map(|((name, label), value)| {
                field_control("tarif", Field::new(name, label, Kind::Text), *value, form)
            })
            .collect()
    });
    view! {
        <fieldset class="choice-group">
            <legend>{legend}</legend>
            <div class="form-fields">{controls}</div>
        </fieldset>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts() -> Texts {
        let texts = |cells: &[&str]| cells.iter().map(|cell| (*cell).to_owned()).collect();
        Texts {
            kinds: texts(&["danse", " Danse ", "250", "500,50"]),
            brackets: texts(&["A", "1 200", "40", "B", " ", "100"]),
            rentals: texts(&["violon", "Violon", "120"]),
            scalars: texts(&["50", "1 500", "10", "20"]),
        }
    }

    #[test]
    fn the_texts_become_the_grid_sent() {
        let grid = read_grid(&texts(), 3).unwrap_or_else(|errors| panic!("{errors:?}"));
        assert_eq!(grid.version, 3);
        assert_eq!(grid.course_kinds[0].label, "Danse");
        assert_eq!(grid.course_kinds[0].non_resident_price_cents, 50_050);
        assert_eq!(grid.brackets[0].max_quotient_euros, Some(1_200));
        assert_eq!(grid.brackets[1].max_quotient_euros, None);
        assert_eq!(grid.cap_cents, 150_000);
        assert_eq!(grid.third_child_percent, 20);
        assert_eq!(grid.rentals[0].price_cents, 12_000);
        assert_eq!(read_grid(&grid_texts(&grid), 3), Ok(grid));
    }

    #[test]
    fn bad_boxes_are_named_as_the_server_names_them() {
        let mut texts = texts();
        texts.kinds[2] = "12.50".to_owned();
        texts.brackets[2] = String::new();
        texts.rentals[2] = "cent".to_owned();
        texts.scalars[3] = "vingt".to_owned();
        let errors = read_grid(&texts, 1).err().unwrap_or_default();
        assert_eq!(
            errors.keys().collect::<Vec<_>>(),
            [
                "brackets[0].percent",
                "course_kinds[0].resident_price_cents",
                "rentals[0].price_cents",
                "third_child_percent"
            ]
        );
        assert_eq!(
            errors["course_kinds[0].resident_price_cents"],
            EUROS_EXPECTED
        );
        assert_eq!(errors["brackets[0].percent"], i18n::REQUIRED_FIELD);
    }
}
