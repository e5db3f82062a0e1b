//! A course's class list: staff enrol and remove students; staff and the course's
//! teacher record evaluations and absences.

use futures::FutureExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tutti_shared::{AbsenceInput, EnrolmentInput, EvaluationInput, Role};

use super::events::label_of;
use super::families::student_choices;
use super::school::{course_slot, course_title};
use super::widgets::{
    Field, Form, Kind, Loader, alert, confirm_button, data_table, link_line, render, search_box,
    section, status, subheading,
};
use crate::api;
use crate::components::Page;
use crate::dates::{DateStyle, french_date};
use crate::session::Session;

/// Rows of what is recorded for the class: loaded with the class list, then extended by
/// what this visit records.
type Recorded = RwSignal<Vec<[String; 4]>>;

/// What is recorded for the class, as a table.
fn recorded_table(
    caption: &'static str,
    empty: &'static str,
    headers: &'static [&'static str],
    list: Recorded,
) -> impl Fn() -> AnyView + Send + Sync + 'static {
    move || {
        let rows = list
            .get()
            .into_iter()
            .map(|row| row.into_iter().map(IntoAny::into_any).collect())
            .collect();
        data_table(caption.to_owned(), empty, headers, 0, rows)
    }
}

/// The class list of one course, with the forms that record evaluations and absences.
pub fn course_page(id: i64) -> AnyView {
    let session = Session::expect();
    let is_staff = session
        .account()
        .is_some_and(|account| account.role == Role::Staff);
    let heading = RwSignal::new("Cours".to_owned());
    let notice = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    // The enrolled students as choices; the value is the enrolment's id.
    let enrolled = RwSignal::new(Vec::<(String, String)>::new());
    let evaluations: Recorded = RwSignal::new(Vec::new());
    let absences: Recorded = RwSignal::new(Vec::new());

    // There is no "one course" endpoint: the list (a teacher's own, or the site's) has it.
    let summary = Loader::new(move || {
        async move {
            let courses = api::admin::list_courses(session, None).await?;
            let course = courses.into_iter().find(|course| course.id == id);
            if let Some(course) = &course {
                heading.set(course_title(course));
            }
            Ok(render(move || match &course {
                Some(course) => {
                    let line = format!(
                        "{} · {} · {}",
                        course_slot(course),
                        course.room,
                        course.teacher_name
                    );
                    view! { <p class="lead">{line}</p> }.into_any()
                }
                None => {
                    view! { <p class="load-error" role="alert">"Ce cours est introuvable."</p> }
                        .into_any()
                }
            }))
        }
        .boxed_local()
    });

    // Bumped by a removal, whose button lives inside the list it reloads.
    let removals = RwSignal::new(0_u32);
    let class_list = Loader::new(move || {
        removals.track();
        async move {
            let list = api::admin::list_course_class(session, id).await?;
            enrolled.set(
                list.iter()
                    .map(|member| (member.enrolment_id.to_string(), member.student_name.clone()))
                    .collect(),
            );
            let name = |member: &tutti_shared::ClassMember| member.student_name.clone();
            evaluations.set(
                list.iter()
                    .flat_map(|member| {
                        member.evaluations.iter().map(move |evaluation| {
                            [
                                name(member),
                                evaluation.period.clone(),
                                evaluation.comment.clone(),
                                evaluation.mark.clone().unwrap_or_default(),
                            ]
                        })
                    })
                    .collect(),
            );
            absences.set(
                list.iter()
                    .flat_map(|member| {
                        member.absences.iter().map(move |absence| {
                            let justified = if absence.justified { "Oui" } else { "Non" };
                            [
                                name(member),
                                french_date(absence.date, DateStyle::Numeric),
                                justified.to_owned(),
                                absence.reason.clone(),
                            ]
                        })
                    })
                    .collect(),
            );
            Ok(render(move || {
                let rows = list
                    .iter()
                    .map(|member| {
                        let mut cells = vec![member.student_name.clone().into_any()];
                        if is_staff {
                            cells.push(remove_button(
                                session,
                                member.enrolment_id,
                                member.student_name.clone(),
                                removals,
                                [notice, problem],
                            ));
                        }
                        cells
                    })
                    .collect::<Vec<_>>();
                let count = rows.len();
                data_table(
                    format!(
                        "Liste de la classe : {count} élève{}",
                        if count > 1 { "s" } else { "" }
                    ),
                    "Aucun élève inscrit dans ce cours.",
                    if is_staff {
                        &["Élève", "Action"]
                    } else {
                        &["Élève"]
                    },
                    0,
                    rows,
                )
            }))
        }
        .boxed_local()
    });
    let evaluation_form = Form::new(
        "evaluation",
        "Enregistrer l'évaluation",
        vec![
            Field::new("enrolment_id", "Élève", Kind::Choice(enrolled.into())),
            Field::new("period", "Période (ex. 1er trimestre)", Kind::Text),
            Field::new("comment", "Appréciation", Kind::Area),
            Field::new("mark", "Note (ex. 16/20 ou A)", Kind::Text).optional(),
        ],
        move |values| {
            let input = EvaluationInput {
                enrolment_id: values.number("enrolment_id")?,
                period: values.text("period"),
                comment: values.text("comment"),
                mark: values.optional_text("mark"),
                version: None,
            };
            let student =
                enrolled.with_untracked(|list| label_of(list, &input.enrolment_id.to_string()));
            Ok(async move {
                api::admin::create_evaluation(session, &input).await?;
                let message = format!("Évaluation de {student} enregistrée ({}).", input.period);
                evaluations.update(|list| {
                    list.push([
                        student,
                        input.period,
                        input.comment,
                        input.mark.unwrap_or_default(),
                    ])
                });
                Ok(message)
            }
            .boxed_local())
        },
    );
    let absence_form = Form::new(
        "absence",
        "Enregistrer l'absence",
        vec![
            Field::new("enrolment_id", "Élève", Kind::Choice(enrolled.into())),
            Field::new("date", "Date", Kind::Date),
            Field::new("justified", "Absence justifiée", Kind::Check),
            Field::new("reason", "Motif", Kind::Text).optional(),
        ],
        move |values| {
            let input = AbsenceInput {
                enrolment_id: values.number("enrolment_id")?,
                date: values.date("date")?,
                justified: values.checked("justified"),
                reason: values.text("reason"),
            };
            let student =
                enrolled.with_untracked(|list| label_of(list, &input.enrolment_id.to_string()));
            Ok(async move {
                api::admin::create_absence(session, &input).await?;
                let day = french_date(input.date, DateStyle::Numeric);
                let message = format!("Absence de {student} le {day} enregistrée.");
                let justified = if input.justified { "Oui" } else { "Non" };
                absences
                    .update(|list| list.push([student, day, justified.to_owned(), input.reason]));
                Ok(message)
            }
            .boxed_local())
        },
    );

    let enrol = is_staff.then(|| {
        let (search, students) = student_choices(session);
        let form = Form::new(
            "inscription",
            "Inscrire",
            vec![Field::new(
                "student_id",
                "Élève à inscrire",
                Kind::Choice(students),
            )],
            move |values| {
                let input = EnrolmentInput {
                    student_id: values.number("student_id")?,
                    course_id: id,
                };
                let student =
                    students.with_untracked(|list| label_of(list, &input.student_id.to_string()));
                Ok(async move {
                    api::admin::create_enrolment(session, &input).await?;
                    class_list.reload();
                    Ok(format!("{student} est inscrit(e) dans le cours."))
                }
                .boxed_local())
            },
        );
        vec![
            subheading("Inscrire un élève"),
            search_box("inscription-recherche", "Rechercher un élève", search),
            form.view(),
        ]
    });

    let back = if is_staff {
        link_line("/admin/annee", "Retour aux cours de l'année")
    } else {
        link_line("/admin", "Retour à mes cours")
    };
    let mut students = vec![alert(problem), status(notice), class_list.view().into_any()];
    students.extend(enrol.into_iter().flatten());
    let parts = vec![
        back,
        summary.view().into_any(),
        section("classe-titre", "Élèves", students),
        section(
            "evaluation-titre",
            "Évaluations",
            vec![
                evaluation_form.view(),
                recorded_table(
                    "Évaluations enregistrées dans ce cours",
                    "Aucune évaluation enregistrée dans ce cours.",
                    &["Élève", "Période", "Appréciation", "Note"],
                    evaluations,
                )
                .into_any(),
            ],
        ),
        section(
            "absence-titre",
            "Absences",
            vec![
                absence_form.view(),
                recorded_table(
                    "Absences enregistrées dans ce cours",
                    "Aucune absence enregistrée dans ce cours.",
                    &["Élève", "Date", "Justifiée", "Motif"],
                    absences,
                )
                .into_any(),
            ],
        ),
    ];
    view! { <Page title="Cours" heading=heading>{parts}</Page> }.into_any()
}

/// "Retirer" (with confirmation) for one enrolled student; staff only.
fn remove_button(
    session: Session,
    enrolment_id: i64,
    name: String,
    removals: RwSignal<u32>,
    [notice, problem]: [RwSignal<Option<String>>; 2],
) -> AnyView {
    let message = format!("{name} est retiré(e) du cours.");
    let remove = Callback::new(move |()| {
        let message = message.clone();
        spawn_local(async move {
            notice.set(None);
            problem.set(None);
            match api::admin::delete_enrolment(session, enrolment_id).await {
                Ok(()) => {
                    notice.set(Some(message));
                    removals.update(|count| *count = count.wrapping_add(1));
                }
                Err(error) => problem.set(Some(error.to_string())),
            }
        });
    });
    confirm_button("Retirer", name, remove)
}
