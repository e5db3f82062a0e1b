//! "Année scolaire": the site's years, disciplines and the courses of a chosen year.

use futures::FutureExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tutti_shared::{
    Course, CourseInput, DisciplineInput, SchoolYearInput, WEEKDAYS, is_valid_time, weekday_name,
};

use super::widgets::{
    Field, Form, Kind, Loader, Values, choices, data_table, field_error, focus_later, link, render,
    section, status, subheading,
};
use crate::api::{self, ApiError};
use crate::components::Page;
use crate::dates::{DateStyle, french_date};
use crate::forms::{FieldErrors, FormState};
use crate::session::Session;

/// "Piano · Cycle 1 - 4e année": how a course is named everywhere.
pub fn course_title(course: &Course) -> String {
    format!("{} · {}", course.discipline, course.level)
}

/// "Mercredi 14:00–14:45": the weekly slot.
pub fn course_slot(course: &Course) -> String {
    format!(
        "{} {}–{}",
        weekday_name(course.weekday),
        course.start_time,
        course.end_time
    )
}

/// The course form's fields, in the order of [`course_values`]; `fee_kinds` are the
/// site's tariff grid kinds (code, label).
fn course_fields(
    disciplines: Signal<Vec<(String, String)>>,
    fee_kinds: Signal<Vec<(String, String)>>,
) -> Vec<Field> {
    let weekdays = WEEKDAYS
        .iter()
        .zip(1..)
        .map(|(name, number): (&&str, i32)| (number.to_string(), (*name).to_owned()))
        .collect();
    vec![
        Field::new("discipline_id", "Discipline", Kind::Choice(disciplines)),
        Field::new("level", "Niveau ou cycle", Kind::Text),
        Field::new("teacher_name", "Professeur", Kind::Text),
        Field::new("weekday", "Jour", choices(weekdays)),
        Field::new("start_time", "Début", Kind::Time),
        Field::new("end_time", "Fin", Kind::Time),
        Field::new("room", "Salle", Kind::Text).optional(),
        Field::new("fee_kind", "Type de tarif", Kind::Choice(fee_kinds))
            .optional()
            .placeholder(Some("Aucun")),
    ]
}

/// An existing course as the form's first values.
fn course_values(course: &Course) -> Vec<String> {
    vec![
        course.discipline_id.to_string(),
        course.level.clone(),
        course.teacher_name.clone(),
        course.weekday.to_string(),
        course.start_time.clone(),
        course.end_time.clone(),
        course.room.clone(),
        course.fee_kind.clone().unwrap_or_default(),
    ]
}

/// Reads the course form, with the server's checks on times (the shared rule).
fn course_input(
    values: &Values,
    school_year_id: i64,
    existing: Option<&Course>,
) -> Result<CourseInput, FieldErrors> {
    let (start, end) = (values.text("start_time"), values.text("end_time"));
    for (name, time) in [("start_time", &start), ("end_time", &end)] {
        if !is_valid_time(time) {
            return Err(field_error(name, "Heure au format HH:MM."));
        }
    }
    if end <= start {
        return Err(field_error("end_time", "La fin doit suivre le début."));
    }
    Ok(CourseInput {
        school_year_id,
        discipline_id: values.number("discipline_id")?,
        level: values.text("level"),
        // The form edits the name shown to families; the link to a teacher's account
        // (which decides who sees the class list) is kept as it was.
        teacher_account_id: existing.and_then(|course| course.teacher_account_id),
        teacher_name: values.text("teacher_name"),
        weekday: i32::try_from(values.number("weekday")?)
            .map_err(|_| field_error("weekday", "Jour invalide."))?,
        start_time: start,
        end_time: end,
        room: values.text("room"),
        version: existing.map(|course| course.version),
        fee_kind: values.optional_text("fee_kind"),
    })
}

/// Years, disciplines and courses, each a list with its "add" form.
pub fn school_year_page() -> AnyView {
    let session = Session::expect();
    // Filled by the loads, for the year chooser and the discipline choices.
    let year_choices = RwSignal::new(Vec::<(String, String)>::new());
    let discipline_choices = RwSignal::new(Vec::<(String, String)>::new());
    // The year whose courses are shown: the latest until staff choose another.
    let chosen_year = RwSignal::new(String::new());
    // The tariff grid's course kinds, for the course form's "Type de tarif"; without a
    // grid (or if it cannot be read) the list offers only "Aucun".
    let fee_kind_choices = RwSignal::new(Vec::<(String, String)>::new());
    spawn_local(async move {
        if let Ok(grid) = api::admin::find_tariff_grid(session).await {
            fee_kind_choices.set(
                grid.course_kinds
                    .into_iter()
                    .map(|kind| (kind.code, kind.label))
                    .collect(),
            );
        }
    });

    let years = Loader::new(move || {
        async move {
            let years = api::admin::list_school_years(session).await?;
            year_choices.set(
                years
                    .iter()
                    .map(|year| (year.id.to_string(), year.label.clone()))
                    .collect(),
            );
            if chosen_year.with_untracked(String::is_empty)
                && let Some(current) =
                    tutti_shared::SchoolYear::current(&years, crate::dates::today())
            {
                chosen_year.set(current.id.to_string());
            }
            Ok(render(move || {
                let rows = years
                    .iter()
                    .map(|year| {
                        vec![
                            year.label.clone().into_any(),
                            french_date(year.starts_on, DateStyle::Numeric).into_any(),
                            french_date(year.ends_on, DateStyle::Numeric).into_any(),
                        ]
                    })
                    .collect();
                data_table(
                    "Années scolaires, la plus récente d'abord".to_owned(),
                    "Aucune année scolaire.",
                    &["Année", "Début", "Fin"],
                    0,
                    rows,
                )
            }))
        }
        .boxed_local()
    });
    let add_year = Form::new(
        "annee",
        "Ajouter l'année",
        vec![
            Field::new("label", "Libellé (ex. 2027-2028)", Kind::Text),
            Field::new("starts_on", "Premier jour", Kind::Date),
            Field::new("ends_on", "Dernier jour", Kind::Date),
        ],
        move |values| {
            let input = SchoolYearInput {
                label: values.text("label"),
                starts_on: values.date("starts_on")?,
                ends_on: values.date("ends_on")?,
            };
            if input.ends_on <= input.starts_on {
                return Err(field_error("ends_on", "La fin doit suivre le début."));
            }
            Ok(async move {
                api::admin::create_school_year(session, &input).await?;
                years.reload();
                Ok(format!("Année {} ajoutée.", input.label))
            }
            .boxed_local())
        },
    );

    let disciplines = Loader::new(move || {
        async move {
            let disciplines = api::admin::list_disciplines(session).await?;
            discipline_choices.set(
                disciplines
                    .iter()
                    .map(|discipline| (discipline.id.to_string(), discipline.name.clone()))
                    .collect(),
            );
            Ok(render(move || {
                let rows = disciplines
                    .iter()
                    .map(|discipline| {
                        let dance = if discipline.is_dance { "Oui" } else { "Non" };
                        vec![discipline.name.clone().into_any(), dance.into_any()]
                    })
                    .collect();
                data_table(
                    "Disciplines enseignées sur le site".to_owned(),
                    "Aucune discipline.",
                    &["Discipline", "Danse"],
                    0,
                    rows,
                )
            }))
        }
        .boxed_local()
    });
    let add_discipline = Form::new(
        "discipline",
        "Ajouter la discipline",
        vec![
            Field::new("name", "Nom", Kind::Text),
            Field::new("is_dance", "Discipline de danse", Kind::Check),
        ],
        move |values| {
            let input = DisciplineInput {
                name: values.text("name"),
                is_dance: values.checked("is_dance"),
            };
            Ok(async move {
                api::admin::create_discipline(session, &input).await?;
                disciplines.reload();
                Ok(format!("Discipline {} ajoutée.", input.name))
            }
            .boxed_local())
        },
    );

    let parts = vec![
        section(
            "annees-titre",
            "Années scolaires",
            vec![
                years.view().into_any(),
                subheading("Ajouter une année"),
                add_year.view(),
            ],
        ),
        section(
            "disciplines-titre",
            "Disciplines",
            vec![
                disciplines.view().into_any(),
                subheading("Ajouter une discipline"),
                add_discipline.view(),
            ],
        ),
        section(
            "cours-titre",
            "Cours",
            courses(
                session,
                year_choices.into(),
                chosen_year,
                discipline_choices.into(),
                fee_kind_choices.into(),
            ),
        ),
    ];
    view! { <Page title="Année scolaire">{parts}</Page> }.into_any()
}

/// The courses of the chosen year: list, add, edit.
fn courses(
    session: Session,
    year_choices: Signal<Vec<(String, String)>>,
    chosen_year: RwSignal<String>,
    disciplines: Signal<Vec<(String, String)>>,
    fee_kinds: Signal<Vec<(String, String)>>,
) -> Vec<AnyView> {
    let editing = RwSignal::new(None::<Course>);
    let notice = RwSignal::new(None::<String>);
    let year_id = move || chosen_year.get().parse::<i64>().ok();

    let list = Loader::new(move || {
        let year = year_id();
        async move {
            let courses = match year {
                Some(year) => api::admin::list_courses(session, Some(year)).await?,
                None => Vec::new(),
            };
            Ok(render(move || {
                let rows = courses
                    .iter()
                    .map(|course| course_row(course, editing, notice))
                    .collect();
                data_table(
                    "Cours de l'année choisie (ouvrez un cours pour sa liste de classe)".to_owned(),
                    "Aucun cours pour cette année.",
                    &["Cours", "Professeur", "Créneau", "Salle", "Action"],
                    0,
                    rows,
                )
            }))
        }
        .boxed_local()
    });

    let add = Form::new(
        "cours",
        "Ajouter le cours",
        course_fields(disciplines, fee_kinds),
        move |values| {
            let Some(year) = year_id() else {
                return Err(field_error(
                    "discipline_id",
                    "Créez d'abord une année scolaire.",
                ));
            };
            let input = course_input(&values, year, None)?;
            Ok(async move {
                api::admin::create_course(session, &input).await?;
                list.reload();
                Ok(format!("Cours de niveau « {} » ajouté.", input.level))
            }
            .boxed_local())
        },
    );

    let editor = move || {
        editing.get().map(|course| {
            let title = course_title(&course);
            let initial = course_values(&course);
            let cancel = view! {
                <button
                    type="button"
                    class="button-secondary"
                    on:click=move |_| {
                        editing.set(None);
                        focus_later("cours-titre");
                    }
                >
                    "Annuler"
                </button>
            }
            .into_any();
            let form = Form::new(
                "cours-modif",
                "Enregistrer",
                course_fields(disciplines, fee_kinds),
                move |values| {
                    let input = course_input(&values, course.school_year_id, Some(&course))?;
                    let id = course.id;
                    Ok(async move {
                        let saved = api::admin::update_course(session, id, &input).await;
                        if let Err(ApiError::Api { status: 409, .. }) = &saved {
                            // Someone else saved first: show their version in the list.
                            list.reload();
                        }
                        let saved = saved?;
                        editing.set(None);
                        list.reload();
                        notice.set(Some(format!("Cours {} enregistré.", course_title(&saved))));
                        focus_later("cours-titre");
                        Ok(String::new())
                    }
                    .boxed_local())
                },
            )
            .initial(initial)
            .extra(cancel);
            view! {
                <div class="editor" role="group" aria-labelledby="cours-modif-titre">
                    <h3 id="cours-modif-titre" tabindex="-1">"Modifier le cours " {title}</h3>
                    {form.view()}
                </div>
            }
        })
    };

    // The chooser is a lone field: it reuses the forms' control, outside any form.
    let chooser = super::widgets::field_control(
        "cours",
        Field::new(
            "school_year_id",
            "Année scolaire",
            Kind::Choice(year_choices),
        )
        .placeholder(None),
        chosen_year,
        FormState::new(),
    );
    vec![
        view! { <div class="year-choice">{chooser}</div> }.into_any(),
        status(notice),
        list.view().into_any(),
        editor.into_any(),
        subheading("Ajouter un cours"),
        add.view(),
    ]
}

/// A course as a table row, with its link to the class list and its "Modifier" button.
fn course_row(
    course: &Course,
    editing: RwSignal<Option<Course>>,
    notice: RwSignal<Option<String>>,
) -> Vec<AnyView> {
    let title = course_title(course);
    let edited = course.clone();
    let edit = move |_| {
        notice.set(None);
        editing.set(Some(edited.clone()));
        focus_later("cours-modif-titre");
    };
    vec![
        link(format!("/admin/cours/{}", course.id), title.clone()),
        course.teacher_name.clone().into_any(),
        course_slot(course).into_any(),
        course.room.clone().into_any(),
        view! {
            <button type="button" class="button-secondary" on:click=edit>
                "Modifier"
                <span class="visually-hidden">" : " {title}</span>
            </button>
        }
        .into_any(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_course_reads_as_discipline_level_and_slot() {
        let course = Course {
            id: 3,
            school_year_id: 2,
            discipline_id: 1,
            discipline: "Piano".to_owned(),
            level: "Cycle 1 - 4e année".to_owned(),
            teacher_account_id: Some(9),
            teacher_name: "Isabelle Moreau".to_owned(),
            weekday: 3,
            start_time: "14:00".to_owned(),
            end_time: "14:45".to_owned(),
            room: "Salle 12".to_owned(),
            version: 4,
            fee_kind: Some("instrument_45".to_owned()),
        };
        assert_eq!(course_title(&course), "Piano · Cycle 1 - 4e année");
        assert_eq!(course_slot(&course), "Mercredi 14:00–14:45");
    }
}
