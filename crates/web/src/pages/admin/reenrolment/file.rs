//! `/admin/reinscriptions/dossiers/{id}`: a child's re-enrolment file with every step's
//! data, and, while it waits for the school, the decisions: Valider (each wished course
//! confirmed or changed for another of its discipline), Refuser with a reason, Renvoyer
//! à la famille with a message.

use futures::FutureExt;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tutti_shared::{
    Course, FileMessageInput, FileStatus, OfferedCourse, StaffFileView, ValidateFileInput,
};

use super::super::widgets::{
    Field, Form, Kind, Loader, alert, field_error, focus_later, hint, link, link_line, render,
    section, status,
};
use super::{conflict_message, course_text, paris_instant};
use crate::api::{self, ApiError, reenrolment_admin as calls};
use crate::components::Page;
use crate::session::Session;

/// Longest reason or message the server accepts, in characters.
const MAX_MESSAGE_CHARS: usize = 500;

/// What the decisions share: the page's messages and its reload.
#[derive(Clone, Copy)]
struct Ui {
    session: Session,
    notice: RwSignal<Option<String>>,
    problem: RwSignal<Option<String>>,
    changed: RwSignal<()>,
    /// Where the focus goes once the page is drawn again after an action.
    focus: StoredValue<Option<&'static str>>,
}

impl Ui {
    /// After a decision: its confirmation, or a 409's message; the file is read again and
    /// the focus goes to its state (the decision's controls are gone or drawn anew).
    fn settle(
        self,
        result: Result<StaffFileView, ApiError>,
        done: &str,
    ) -> Result<String, ApiError> {
        match result {
            Ok(_) => {
                self.problem.set(None);
                self.notice.set(Some(done.to_owned()));
            }
            Err(error @ ApiError::Api { status: 409, .. }) => {
                self.notice.set(None);
                self.problem.set(Some(format!(
                    "Ce dossier a changé entre-temps. {}",
                    conflict_message(&error)
                )));
            }
            Err(error) => return Err(error),
        }
        self.focus.set_value(Some("etat-titre"));
        self.changed.set(());
        Ok(String::new())
    }
}

/// "Oui", "Non", or "Sans réponse".
fn answer(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "Oui",
        Some(false) => "Non",
        None => "Sans réponse",
    }
}

/// A definition list of (label, value) pairs; "—" for an empty value.
fn facts(rows: Vec<(&'static str, String)>) -> AnyView {
    let rows = rows
        .into_iter()
        .map(|(label, value)| {
            let value = if value.trim().is_empty() {
                "—".to_owned()
            } else {
                value
            };
            view! { <div class="record-row"><dt>{label}</dt><dd>{value}</dd></div> }
        })
        .collect_view();
    view! { <dl class="record-list">{rows}</dl> }.into_any()
}

fn offered_text(course: &OfferedCourse) -> String {
    course_text(
        &course.discipline,
        &course.level,
        course.weekday,
        &course.start_time,
        &course.end_time,
        &course.teacher_name,
    )
}

/// The file `id` as staff see it.
pub fn file_page(id: i64) -> AnyView {
    let session = Session::expect();
    let ui = Ui {
        session,
        notice: RwSignal::new(None),
        problem: RwSignal::new(None),
        changed: RwSignal::new(()),
        focus: StoredValue::new(None),
    };
    let heading = RwSignal::new("Dossier de réinscription".to_owned());
    let back = RwSignal::new(None::<i64>);
    let detail = Loader::new(move || {
        ui.changed.track();
        async move {
            let view = calls::find_staff_reenrolment_file(session, id).await?;
            // The next year's courses: to describe the enrolments, and to offer, while the
            // file waits, another course of a wished one's discipline.
            let campaign = calls::find_campaign(session, view.file.campaign_id).await?;
            let courses = api::admin::list_courses(session, Some(campaign.to_year_id)).await?;
            heading.set(format!(
                "Dossier de réinscription : {}",
                view.file.student_name
            ));
            back.set(Some(view.file.campaign_id));
            // After a decision: the focus goes to the file's state once drawn again.
            if let Some(target) = ui.focus.get_value() {
                ui.focus.set_value(None);
                focus_later(target);
            }
            Ok(render(move || file_view(ui, &view, &courses)))
        }
        .boxed_local()
    });
    let back_link = move || {
        back.get().map(|campaign| {
            link_line(
                &format!("/admin/reinscriptions/{campaign}"),
                "Retour au tableau de bord de la campagne",
            )
        })
    };
    let parts = vec![
        back_link.into_any(),
        status(ui.notice),
        alert(ui.problem),
        detail.view().into_any(),
    ];
    view! { <Page title="Dossier de réinscription" heading=heading>{parts}</Page> }.into_any()
}

/// The file once read.
fn file_view(ui: Ui, view: &StaffFileView, courses: &[Course]) -> AnyView {
    let file = &view.file;
    let household = view.household_id;
    let state = facts(vec![
        ("Statut", file.status.label().to_owned()),
        (
            "Étape où la famille en est",
            file.current_step.label().to_owned(),
        ),
        (
            "Validé par la famille le",
            file.submitted_at.map(paris_instant).unwrap_or_default(),
        ),
        (
            "Décision de l'école le",
            file.decided_at.map(paris_instant).unwrap_or_default(),
        ),
        (
            "Message de l'école",
            file.school_message.clone().unwrap_or_default(),
        ),
        (
            "Règlement accepté",
            file.accepted_rules_version
                .map(|version| format!("Version {version}"))
                .unwrap_or_default(),
        ),
    ]);
    let family = view! {
        <p>
            "Famille : " {link(format!("/admin/familles/{household}"), view.household_name.clone())}
            " · " {link(format!("/admin/documents?famille={household}"), "Ses documents".to_owned())}
        </p>
    }
    .into_any();
    let autorisations = &file.autorisations;
    let answers = facts(vec![
        (
            "Coordonnées confirmées",
            answer(Some(file.coordonnees_confirmed)).to_owned(),
        ),
        (
            "Droit à l'image",
            answer(autorisations.image_rights).to_owned(),
        ),
        (
            "Part seul après le cours",
            answer(autorisations.leaves_alone).to_owned(),
        ),
        (
            "Personnes autorisées à venir le chercher",
            autorisations.collectors.clone(),
        ),
        ("Pédibus demandé", answer(autorisations.pedibus).to_owned()),
        ("Contact d'urgence", autorisations.emergency_name.clone()),
        ("Téléphone d'urgence", autorisations.emergency_phone.clone()),
    ]);
    let wishes = &file.cours;
    let wished = view
        .wished_courses
        .iter()
        .map(|course| {
            let enrolled = view
                .enrolled_course_ids
                .contains(&course.id)
                .then_some(" (inscrit)");
            view! { <li>{offered_text(course)}{enrolled}</li> }
        })
        .collect_view();
    let enrolled_elsewhere: Vec<String> = view
        .enrolled_course_ids
        .iter()
        .filter(|id| !view.wished_courses.iter().any(|course| course.id == **id))
        .map(|id| {
            courses.iter().find(|course| course.id == *id).map_or_else(
                || format!("cours {id}"),
                |course| {
                    course_text(
                        &course.discipline,
                        &course.level,
                        course.weekday,
                        &course.start_time,
                        &course.end_time,
                        &course.teacher_name,
                    )
                },
            )
        })
        .collect();
    let cours = vec![
        view! { <ul>{wished}</ul> }.into_any(),
        (!enrolled_elsewhere.is_empty())
            .then(|| view! { <p>"Inscrit à la place d'un cours souhaité : " {enrolled_elsewhere.join(", ")}</p> })
            .into_any(),
        facts(vec![
            ("Commentaire de la famille", wishes.comment.clone()),
            ("Mode de paiement", wishes.payment_method.map(|method| method.label().to_owned()).unwrap_or_default()),
            (
                "Échéancier",
                match wishes.instalments {
                    Some(1) => "En une fois".to_owned(),
                    Some(count) => format!("En {count} fois"),
                    None => String::new(),
                },
            ),
        ]),
    ];
    let missing = if file.missing.is_empty() {
        view! { <p>"Rien ne manque."</p> }.into_any()
    } else {
        let items = file
            .missing
            .iter()
            .map(|item| view! { <li>{format!("{} : {}", item.step.label(), item.message)}</li> })
            .collect_view();
        view! { <ul>{items}</ul> }.into_any()
    };
    let decisions = (file.status == FileStatus::EnAttente).then(|| {
        section(
            "decision-titre",
            "Décision",
            decision_forms(ui, view, courses),
        )
    });
    view! {
        {section("etat-titre", "État du dossier", vec![state, family])}
        {section("autorisations-titre", "Coordonnées et autorisations", vec![answers])}
        {section("souhaits-titre", "Cours souhaités et paiement", cours)}
        {section("manque-titre", "Éléments manquants", vec![missing])}
        {decisions}
    }
    .into_any()
}

/// One wished course in the validation form: its description, the course chosen, and
/// the choices (id, description).
type Pick = (String, RwSignal<String>, Vec<(i64, String)>);

/// Valider, Refuser and Renvoyer à la famille.
fn decision_forms(ui: Ui, view: &StaffFileView, courses: &[Course]) -> Vec<AnyView> {
    let id = view.file.id;
    let version = view.file.version;
    let session = ui.session;

    // Valider: one select per wished course, among the next year's courses of its
    // discipline (the wished one first chosen).
    let picks: Vec<Pick> = view
        .wished_courses
        .iter()
        .map(|wished| {
            let options = courses
                .iter()
                .filter(|course| course.discipline_id == wished.discipline_id)
                .map(|course| {
                    (
                        course.id,
                        course_text(
                            &course.discipline,
                            &course.level,
                            course.weekday,
                            &course.start_time,
                            &course.end_time,
                            &course.teacher_name,
                        ),
                    )
                })
                .collect();
            (
                offered_text(wished),
                RwSignal::new(wished.id.to_string()),
                options,
            )
        })
        .collect();
    let chosen: Vec<RwSignal<String>> = picks.iter().map(|(_, value, _)| *value).collect();
    let selects = picks
        .into_iter()
        .enumerate()
        .map(|(index, (wished, value, options))| {
            let select_id = format!("confirme-{index}");
            let options = options
                .into_iter()
                .map(|(course, text)| {
                    let course = course.to_string();
                    let selected = value.get_untracked() == course;
                    view! { <option value=course selected=selected>{text}</option> }
                })
                .collect_view();
            view! {
                <div class="field field-wide">
                    <label for=select_id.clone()>{format!("Cours confirmé pour le souhait « {wished} »")}</label>
                    <select id=select_id on:change=move |event| value.set(event_target_value(&event))>{options}</select>
                </div>
            }
        })
        .collect_view();
    let busy = RwSignal::new(false);
    let on_validate = move |event: SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let course_ids: Vec<i64> = chosen
            .iter()
            .filter_map(|value| value.get_untracked().parse().ok())
            .collect();
        busy.set(true);
        spawn_local(async move {
            let input = ValidateFileInput {
                version,
                course_ids: Some(course_ids),
            };
            let result = calls::validate_reenrolment_file(session, id, &input).await;
            if let Err(error) = ui.settle(
                result,
                "Dossier validé : l'élève est inscrit aux cours confirmés pour l'année prochaine.",
            ) {
                ui.notice.set(None);
                ui.problem.set(Some(error.to_string()));
                focus_later("decision-titre");
            }
            busy.set(false);
        });
    };
    let validate = view! {
        <form class="admin-form" novalidate on:submit=on_validate>
            <h3>"Valider"</h3>
            <p class="field-hint">"Chaque cours souhaité peut être remplacé par un autre cours de la même discipline l'année prochaine."</p>
            <div class="form-fields">{selects}</div>
            <div class="form-actions">
                <button type="submit" class="button-primary" aria-disabled=move || busy.get().then_some("true")>"Valider le dossier"</button>
            </div>
        </form>
    }
    .into_any();

    let message_form = move |prefix: &'static str,
                             action: &'static str,
                             label: &'static str,
                             button: &'static str,
                             done: &'static str| {
        Form::new(
            prefix,
            button,
            vec![Field::new("message", label, Kind::Area)],
            move |values| {
                let message = values.text("message");
                if message.chars().count() > MAX_MESSAGE_CHARS {
                    return Err(field_error("message", "500 caractères au plus."));
                }
                Ok(async move {
                    let input = FileMessageInput { version, message };
                    let result = calls::message_reenrolment_file(session, id, action, &input).await;
                    ui.settle(result, done)
                }
                .boxed_local())
            },
        )
        .view()
    };
    vec![
        validate,
        view! { <h3>"Refuser"</h3> }.into_any(),
        hint(
            "La famille reçoit le motif par e-mail et le voit sur le portail ; elle peut corriger son dossier et le valider de nouveau. 500 caractères au plus.",
        ),
        message_form(
            "refus",
            "refuse",
            "Motif du refus (visible par la famille)",
            "Refuser le dossier",
            "Dossier refusé : la famille est prévenue par e-mail.",
        ),
        view! { <h3>"Renvoyer à la famille"</h3> }.into_any(),
        hint(
            "Le dossier redevient modifiable par la famille, qui reçoit ce message par e-mail. 500 caractères au plus.",
        ),
        message_form(
            "renvoi",
            "return",
            "Message à la famille",
            "Renvoyer le dossier",
            "Dossier renvoyé à la famille, prévenue par e-mail.",
        ),
    ]
}
