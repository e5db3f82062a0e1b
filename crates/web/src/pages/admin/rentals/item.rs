//! `/admin/locations/{id}`: one item. Its details and situation; on its open loan
//! « Enregistrer le retour » and « Prolonger »; when it is free and lendable, « Prêter »
//! (a household found by a search, the child for an instrument); its loans; its edit.
//!
//! The edit is sent with the version read. When someone changed the item meanwhile
//! (409), the details are read again, the form keeps what was typed and takes the new
//! version, so that staff check and send again rather than type it all anew.

use chrono::NaiveDate;
use futures::FutureExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use tutti_shared::{
    ErrorCode, ItemCondition, ListQuery, MAX_PER_PAGE, RentalCategory, RentalItem, RentalLoanInput,
    RentalLoanUpdate, RentalReturnInput,
};

use super::super::widgets::{
    Field, Form, Kind, Loader, alert, field_control, field_error, focus_later, hint, link_line,
    render, search_box, section, status, subheading,
};
use super::{
    HOME, condition_choices, day, item_fields, item_texts, next_june_30, raw, read_item, situation,
    state_in_sentence, table_html, tariff_choices,
};
use crate::api::{self, ApiError, rentals_admin as calls};
use crate::components::Page;
use crate::dates::today;
use crate::forms::{FieldErrors, FormState, missing_fields};
use crate::html::escape;
use crate::session::Session;

const STALE: &str = "Cet article a été modifié entre-temps par quelqu'un d'autre : rien n'a été enregistré. Ses informations à jour sont affichées ci-dessus ; vos saisies sont conservées : vérifiez-les puis enregistrez à nouveau.";

/// The fields of a loan this page shows. Decoding only these, rather than the whole
/// `RentalLoan` (the item's own fields, the months invoiced), keeps the wasm smaller.
#[derive(Deserialize)]
struct LoanLine {
    id: i64,
    household_name: String,
    student_name: Option<String>,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    returned_on: Option<NaiveDate>,
    return_condition: Option<ItemCondition>,
    return_notes: String,
    version: i32,
}

/// What the page keeps while its sections are drawn anew after an action (each reads
/// the item again, with its new version).
#[derive(Clone, Copy)]
struct Outcome {
    notice: RwSignal<Option<String>>,
    /// A save refused because the item changed meanwhile.
    problem: RwSignal<Option<String>>,
    changes: RwSignal<u32>,
    /// Where the focus goes once the sections are drawn anew.
    focus: StoredValue<Option<&'static str>>,
    /// What was typed in the edit form when its save was refused as stale: the form
    /// drawn anew shows it again rather than the values read.
    typed: StoredValue<Option<Vec<String>>>,
}

impl Outcome {
    /// Announces a change, reads the item again and brings the focus back to its details.
    fn done(self, message: String) {
        self.problem.set(None);
        self.notice.set(Some(message));
        self.again("article-titre");
    }

    /// Reads the item again, then focuses `target`.
    fn again(self, target: &'static str) {
        self.focus.set_value(Some(target));
        self.changes.update(|count| *count = count.wrapping_add(1));
    }
}

/// The page.
pub fn item_page(id: i64) -> AnyView {
    let session = Session::expect();
    let heading = RwSignal::new("Article".to_owned());
    let outcome = Outcome {
        notice: RwSignal::new(None),
        problem: RwSignal::new(None),
        changes: RwSignal::new(0),
        focus: StoredValue::new(None),
        typed: StoredValue::new(None),
    };
    let (tariffs_loader, tariffs) = tariff_choices(session);
    let details = Loader::new(move || {
        outcome.changes.track();
        async move {
            let item = calls::find_rental_item(session, id).await?;
            let loans: Vec<LoanLine> = calls::list_rental_loans(session, id).await?.items;
            heading.set(format!("{} ({})", item.label, item.inventory_number));
            if let Some(target) = outcome.focus.get_value() {
                outcome.focus.set_value(None);
                // The sections are drawn anew, without the control that had the focus.
                focus_later(target);
            }
            let texts = outcome
                .typed
                .get_value()
                .unwrap_or_else(|| item_texts(&item));
            outcome.typed.set_value(None);
            Ok(render(move || {
                let edit = edit_form(session, &item, texts.clone(), tariffs, outcome);
                let edit = section(
                    "modifier-titre",
                    "Modifier l'article",
                    vec![
                        alert(outcome.problem),
                        tariffs_loader.view().into_any(),
                        edit,
                    ],
                );
                item_view(session, &item, &loans, outcome, edit)
            }))
        }
        .boxed_local()
    });
    let parts = vec![
        link_line(HOME, "Retour à l'inventaire des locations"),
        status(outcome.notice),
        details.view().into_any(),
    ];
    view! { <Page title="Location" heading=heading>{parts}</Page> }.into_any()
}

/// The item's form, with the version read; a stale save keeps what was typed.
fn edit_form(
    session: Session,
    item: &RentalItem,
    texts: Vec<String>,
    tariffs: RwSignal<Vec<(String, String)>>,
    outcome: Outcome,
) -> AnyView {
    let (id, version) = (item.id, item.version);
    let fields = item_fields(tariffs);
    let names: Vec<&'static str> = fields.iter().map(|field| field.name).collect();
    Form::new(
        "modifier",
        "Enregistrer les modifications",
        fields,
        move |values| {
            let input = read_item(&values, Some(version))?;
            let typed: Vec<String> = names.iter().map(|name| values.text(name)).collect();
            outcome.problem.set(None);
            Ok(async move {
                match calls::update_rental_item(session, id, &input).await {
                    Ok(()) => outcome.done(format!("« {} » est enregistré.", input.label)),
                    Err(ApiError::Api { body, .. }) if body.code == ErrorCode::StaleVersion => {
                        // The item in force is read again; the form keeps what was typed.
                        outcome.typed.set_value(Some(typed));
                        outcome.problem.set(Some(STALE.to_owned()));
                        outcome.again("modifier-titre");
                    }
                    Err(error) => return Err(error),
                }
                Ok(String::new())
            }
            .boxed_local())
        },
    )
    .initial(texts)
    .view()
}

/// The details, the open loan or « Prêter », and the loans.
fn item_view(
    session: Session,
    item: &RentalItem,
    loans: &[LoanLine],
    outcome: Outcome,
    edit: AnyView,
) -> AnyView {
    let mut facts = String::from("<dl class=\"record-list\">");
    let situation = situation(item);
    for (label, value) in [
        ("Catégorie", item.category.label()),
        ("N° d'inventaire", &item.inventory_number),
        ("Libellé", &item.label),
        ("Marque", &item.make),
        ("Numéro de série", &item.serial_number),
        ("Tarif (code de la grille)", &item.tariff_code),
        ("État", item.condition.label()),
        ("Situation", &situation),
        ("Notes", &item.notes),
    ] {
        let value = if value.is_empty() { "—" } else { value };
        facts.push_str(&format!(
            "<div class=\"record-row\"><dt>{label}</dt><dd>{}</dd></div>",
            escape(value)
        ));
    }
    facts.push_str("</dl>");
    let open = loans.iter().find(|loan| loan.returned_on.is_none());
    let middle = match open {
        Some(loan) => section(
            "pret-titre",
            "Prêt en cours",
            vec![
                subheading("Enregistrer le retour"),
                return_form(session, item, loan, outcome),
                subheading("Prolonger le prêt"),
                extend_form(session, loan, outcome),
            ],
        ),
        None if !item.condition.lendable() => section(
            "preter-titre",
            "Prêter",
            vec![raw(format!(
                "<p>Cet article ne peut pas être prêté : il est {}. Changez son état ci-dessous une fois remis en état.</p>",
                state_in_sentence(item.condition)
            ))],
        ),
        None => section("preter-titre", "Prêter", lend_form(session, item, outcome)),
    };
    vec![
        section("article-titre", "Article", vec![raw(facts)]),
        middle,
        section(
            "historique-titre",
            "Historique des prêts",
            vec![raw(loans_table(loans))],
        ),
        edit,
    ]
    .into_any()
}

/// The item's loans, the latest first, as the server sends them.
fn loans_table(loans: &[LoanLine]) -> String {
    let rows: Vec<Vec<String>> = loans
        .iter()
        .map(|loan| {
            let returned = match (loan.returned_on, loan.return_condition) {
                (Some(on), Some(state)) => {
                    format!("{} ({})", day(on), state_in_sentence(state))
                }
                (Some(on), None) => day(on),
                _ => "En cours".to_owned(),
            };
            vec![
                escape(&loan.household_name),
                escape(loan.student_name.as_deref().unwrap_or_default()),
                day(loan.starts_on),
                day(loan.ends_on),
                escape(&returned),
                escape(&loan.return_notes),
            ]
        })
        .collect();
    table_html(
        "Prêts de l'article",
        "Cet article n'a jamais été prêté.",
        &[
            "Famille",
            "Élève",
            "Début",
            "Fin prévue",
            "Retour",
            "Remarques au retour",
        ],
        0,
        &rows,
    )
}

/// A day typed in a date box, or the field's message.
fn typed_day(name: &'static str, text: &str, errors: &mut FieldErrors) -> NaiveDate {
    text.trim().parse().unwrap_or_else(|_| {
        if !errors.contains_key(name) {
            errors.extend(field_error(name, "Date invalide."));
        }
        NaiveDate::default()
    })
}

/// « Prêter »: a household found by a search, the child for an instrument, the dates.
fn lend_form(session: Session, item: &RentalItem, outcome: Outcome) -> Vec<AnyView> {
    let form = FormState::new();
    let instrument = item.category == RentalCategory::Instrument;
    let item_id = item.id;
    let label = item.label.clone();
    let households = RwSignal::new(Vec::<(String, String)>::new());
    let students = RwSignal::new(Vec::<(String, String)>::new());
    let found = RwSignal::new(None::<String>);
    let (household, household_control) = control(
        Field::new("household_id", "Famille", Kind::Choice(households.into())),
        String::new(),
        form,
    );
    let (student, student_control) = control(
        Field::new("student_id", "Élève", Kind::Choice(students.into())),
        String::new(),
        form,
    );
    let (starts, starts_control) = control(
        Field::new("starts_on", "Début du prêt", Kind::Date),
        today().to_string(),
        form,
    );
    let (ends, ends_control) = control(
        Field::new("ends_on", "Fin prévue", Kind::Date),
        next_june_30(today()).to_string(),
        form,
    );

    // The households a search found (the first hundred by name before any search).
    let search = move |text: Option<String>| {
        let announce = text.is_some();
        let query = ListQuery {
            page: Some(1),
            per_page: Some(MAX_PER_PAGE),
            q: text,
        };
        spawn_local(async move {
            let message = match api::admin::list_families(session, &query).await {
                Ok(page) => {
                    let list: Vec<(String, String)> = page
                        .items
                        .into_iter()
                        .map(|family| (family.id.to_string(), family.name))
                        .collect();
                    let message = match list.as_slice() {
                        [] => "Aucune famille ne correspond.".to_owned(),
                        [(only, name)] => {
                            household.set(only.clone());
                            format!("1 famille trouvée, choisie : {name}.")
                        }
                        list => format!(
                            "{} familles trouvées : choisissez dans la liste « Famille ».",
                            list.len()
                        ),
                    };
                    let _ = households.try_set(list);
                    message
                }
                Err(error) => error.to_string(),
            };
            if announce {
                let _ = found.try_set(Some(message));
            }
        });
    };
    search(None);

    // The children of the household chosen, for an instrument; an only child is chosen.
    if instrument {
        Effect::new(move || {
            let chosen = household.get();
            student.set(String::new());
            students.set(Vec::new());
            let Ok(id) = chosen.parse::<i64>() else {
                return;
            };
            spawn_local(async move {
                let Ok(family) = api::admin::find_family_detail(session, id).await else {
                    return;
                };
                if household.try_get_untracked().as_deref() != Some(chosen.as_str()) {
                    return;
                }
                let list: Vec<(String, String)> = family
                    .students
                    .iter()
                    .map(|child| {
                        let fields = &child.fields;
                        (
                            child.id.to_string(),
                            format!("{} {}", fields.first_name, fields.last_name),
                        )
                    })
                    .collect();
                if let [(only, _)] = list.as_slice() {
                    student.set(only.clone());
                }
                let _ = students.try_set(list);
            });
        });
    }

    let mut controls = vec![household_control];
    if instrument {
        controls.push(student_control);
    }
    controls.extend([starts_control, ends_control]);
    let content = view! { <div class="form-fields">{controls}</div> }.into_any();
    let lend = Form::new("pret", "Prêter", Vec::new(), move |_| {
        let texts = [
            ("household_id", household.get_untracked()),
            (
                "student_id",
                if instrument {
                    student.get_untracked()
                } else {
                    "-".to_owned()
                },
            ),
            ("starts_on", starts.get_untracked()),
            ("ends_on", ends.get_untracked()),
        ];
        let mut errors =
            missing_fields(&texts.each_ref().map(|(name, text)| (*name, text.as_str())));
        let starts_on = typed_day("starts_on", &texts[2].1, &mut errors);
        let ends_on = typed_day("ends_on", &texts[3].1, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        let input = RentalLoanInput {
            item_id,
            household_id: texts[0].1.parse().unwrap_or_default(),
            student_id: texts[1].1.parse().ok(),
            starts_on,
            ends_on,
        };
        // Whom it is lent to, as the lists name them.
        let (list, chosen) = if instrument {
            (students, &texts[1].1)
        } else {
            (households, &texts[0].1)
        };
        let to = list.with_untracked(|list| {
            list.iter()
                .find(|(id, _)| id == chosen)
                .map(|(_, name)| name.clone())
                .unwrap_or_default()
        });
        let message = format!("« {label} » est prêté à {to} jusqu'au {}.", day(ends_on));
        Ok(async move {
            calls::create_rental_loan(session, &input).await?;
            outcome.done(message);
            Ok(String::new())
        }
        .boxed_local())
    })
    .content(content, form)
    .view();
    let on_search = Callback::new(move |text: String| search(Some(text)));
    vec![
        hint("Recherchez la famille par son nom, puis choisissez-la dans la liste."),
        search_box("recherche-famille", "Rechercher une famille", on_search),
        status(found),
        lend,
    ]
}

/// A labelled control of the caller's own signal, with its message from `form`.
fn control(field: Field, first: String, form: FormState) -> (RwSignal<String>, AnyView) {
    let value = RwSignal::new(first);
    (value, field_control("pret", field, value, form))
}

/// « Enregistrer le retour »: the day (today by default), the state, what was noticed.
fn return_form(session: Session, item: &RentalItem, loan: &LoanLine, outcome: Outcome) -> AnyView {
    let (loan_id, version, label) = (loan.id, loan.version, item.label.clone());
    Form::new(
        "retour",
        "Enregistrer le retour",
        vec![
            Field::new("returned_on", "Date du retour", Kind::Date),
            Field::new("condition", "État au retour", condition_choices()),
            Field::new("notes", "Remarques", Kind::Area).optional(),
        ],
        move |values| {
            let condition = ItemCondition::parse(&values.text("condition"))
                .ok_or_else(|| field_error("condition", crate::i18n::REQUIRED_FIELD))?;
            let input = RentalReturnInput {
                returned_on: values.date("returned_on")?,
                condition,
                notes: values.text("notes"),
                version,
            };
            let label = label.clone();
            Ok(async move {
                calls::return_rental_loan(session, loan_id, &input).await?;
                outcome.done(format!(
                    "Retour enregistré : « {label} » est rendu, état « {} ».",
                    condition.label()
                ));
                Ok(String::new())
            }
            .boxed_local())
        },
    )
    .initial(vec![
        today().to_string(),
        item.condition.as_str().to_owned(),
    ])
    .view()
}

/// « Prolonger »: a new planned end.
fn extend_form(session: Session, loan: &LoanLine, outcome: Outcome) -> AnyView {
    let (loan_id, version) = (loan.id, loan.version);
    Form::new(
        "prolongation",
        "Prolonger",
        vec![Field::new("ends_on", "Nouvelle fin prévue", Kind::Date)],
        move |values| {
            let input = RentalLoanUpdate {
                ends_on: values.date("ends_on")?,
                version,
            };
            Ok(async move {
                calls::update_rental_loan(session, loan_id, &input).await?;
                outcome.done(format!(
                    "Le prêt est prolongé jusqu'au {}.",
                    day(input.ends_on)
                ));
                Ok(String::new())
            }
            .boxed_local())
        },
    )
    .initial(vec![loan.ends_on.to_string()])
    .view()
}
