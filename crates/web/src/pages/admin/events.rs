//! "Événements": concerts, auditions and spectacles, and the students taking part (what
//! families see in their child's "Répertoire" tab).

use futures::FutureExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tutti_shared::{EVENT_KINDS, EventInput, ParticipationInput};

use super::families::student_choices;
use super::widgets::{
    Field, Form, Kind, Loader, alert, choices, confirm_button, data_table, hint, render,
    search_box, section, status, subheading,
};
use crate::api;
use crate::components::Page;
use crate::dates::{DateStyle, french_date};
use crate::session::Session;

/// "Concert" for "concert": the kinds as the school writes them.
fn kind_label(kind: &str) -> String {
    let mut letters = kind.chars();
    letters
        .next()
        .map(|first| first.to_uppercase().chain(letters).collect())
        .unwrap_or_default()
}

/// The label of a value among choices ("" when absent), for confirmations.
pub fn label_of(choices: &[(String, String)], value: &str) -> String {
    choices
        .iter()
        .find(|(choice, _)| choice == value)
        .map(|(_, label)| label.clone())
        .unwrap_or_default()
}

/// A participation: (id, student, event, piece).
type Added = (i64, String, String, String);

/// The events, a form to add one, and a form to add a student to one.
pub fn events_page() -> AnyView {
    let session = Session::expect();
    let event_choices = RwSignal::new(Vec::<(String, String)>::new());
    let (search, students) = student_choices(session);
    let added = RwSignal::new(Vec::<Added>::new());
    let notice = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);

    let events = Loader::new(move || {
        async move {
            let events = api::admin::list_events(session).await?;
            let labels: Vec<(String, String)> = events
                .iter()
                .map(|event| {
                    (
                        event.id.to_string(),
                        format!(
                            "{} ({})",
                            event.name,
                            french_date(event.date, DateStyle::Numeric)
                        ),
                    )
                })
                .collect();
            // Every event's participants, in the events' order.
            let lists = futures::future::try_join_all(
                events
                    .iter()
                    .map(|event| api::admin::list_participants(session, event.id)),
            )
            .await?;
            added.set(
                lists
                    .into_iter()
                    .zip(&labels)
                    .flat_map(|(list, (_, event))| {
                        list.into_iter().map(move |participant| {
                            (
                                participant.id,
                                participant.student_name,
                                event.clone(),
                                participant.piece,
                            )
                        })
                    })
                    .collect(),
            );
            event_choices.set(labels);
            Ok(render(move || {
                let rows = events
                    .iter()
                    .map(|event| {
                        vec![
                            event.name.clone().into_any(),
                            kind_label(&event.kind).into_any(),
                            french_date(event.date, DateStyle::Numeric).into_any(),
                            event.place.clone().into_any(),
                            event.programme.clone().into_any(),
                        ]
                    })
                    .collect();
                data_table(
                    "Événements, le plus récent d'abord".to_owned(),
                    "Aucun événement.",
                    &["Événement", "Type", "Date", "Lieu", "Programme"],
                    0,
                    rows,
                )
            }))
        }
        .boxed_local()
    });
    let kinds = EVENT_KINDS
        .iter()
        .map(|kind| ((*kind).to_owned(), kind_label(kind)))
        .collect();
    let add_event = Form::new(
        "evenement",
        "Ajouter l'événement",
        vec![
            Field::new("name", "Nom", Kind::Text),
            Field::new("kind", "Type", choices(kinds)),
            Field::new("date", "Date", Kind::Date),
            Field::new("place", "Lieu", Kind::Text).optional(),
            Field::new("programme", "Programme", Kind::Area).optional(),
        ],
        move |values| {
            let input = EventInput {
                name: values.text("name"),
                kind: values.text("kind"),
                date: values.date("date")?,
                place: values.text("place"),
                programme: values.text("programme"),
            };
            Ok(async move {
                api::admin::create_event(session, &input).await?;
                events.reload();
                Ok(format!("Événement « {} » ajouté.", input.name))
            }
            .boxed_local())
        },
    );

    let add_participant = Form::new(
        "participant",
        "Ajouter le participant",
        vec![
            Field::new("event_id", "Événement", Kind::Choice(event_choices.into())),
            Field::new("student_id", "Élève", Kind::Choice(students)),
            Field::new("piece", "Pièce jouée ou dansée", Kind::Text).optional(),
        ],
        move |values| {
            let event_id = values.number("event_id")?;
            let input = ParticipationInput {
                student_id: values.number("student_id")?,
                piece: values.text("piece"),
            };
            let event = event_choices.with_untracked(|list| label_of(list, &event_id.to_string()));
            let student =
                students.with_untracked(|list| label_of(list, &input.student_id.to_string()));
            Ok(async move {
                let created = api::admin::create_participation(session, event_id, &input).await?;
                let message = format!("{student} participe à {event}.");
                added.update(|added| added.push((created.id, student, event, input.piece)));
                Ok(message)
            }
            .boxed_local())
        },
    );

    let participants = move || {
        let rows = added
            .get()
            .into_iter()
            .map(|(id, student, event, piece)| {
                let remove = Callback::new(move |()| {
                    spawn_local(async move {
                        notice.set(None);
                        problem.set(None);
                        match api::admin::delete_participation(session, id).await {
                            Ok(()) => {
                                added.update(|added| added.retain(|item| item.0 != id));
                                notice.set(Some("Participation retirée.".to_owned()));
                            }
                            Err(error) => problem.set(Some(error.to_string())),
                        }
                    });
                });
                let target = format!("{student}, {event}");
                vec![
                    student.into_any(),
                    event.into_any(),
                    piece.into_any(),
                    confirm_button("Retirer", target, remove),
                ]
            })
            .collect();
        data_table(
            "Participants aux événements".to_owned(),
            "Aucun participant.",
            &["Élève", "Événement", "Pièce", "Action"],
            0,
            rows,
        )
    };

    let parts = vec![
        section(
            "evenements-titre",
            "Événements",
            vec![
                events.view().into_any(),
                subheading("Ajouter un événement"),
                add_event.view(),
            ],
        ),
        section(
            "participants-titre",
            "Participants",
            vec![
                hint(
                    "Recherchez l'élève par son nom pour raccourcir la liste, puis choisissez l'événement et la pièce.",
                ),
                search_box("participant-recherche", "Rechercher un élève", search),
                add_participant.view(),
                alert(problem),
                status(notice),
                participants.into_any(),
            ],
        ),
    ];
    view! { <Page title="Événements">{parts}</Page> }.into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_kinds_are_capitalised_for_display() {
        assert_eq!(kind_label("audition"), "Audition");
        assert_eq!(kind_label(""), "");
    }

    #[test]
    fn a_choice_is_named_by_its_label() {
        let list = [("4".to_owned(), "Concert de Noël".to_owned())];
        assert_eq!(label_of(&list, "4"), "Concert de Noël");
        assert_eq!(label_of(&list, "5"), "");
    }
}
