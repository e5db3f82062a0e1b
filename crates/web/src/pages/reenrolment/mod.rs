//! « Réinscription »: a child's tab while a campaign is open (the legacy guide's steps
//! 1–10 of "Réinscription"), and the home page's cards of the children still to answer.
//!
//! The tab first asks the question of the guide: « Je souhaite réinscrire l'élève » opens
//! the six-step wizard (wizard.rs), « Je ne souhaite pas réinscrire l'élève » asks for
//! confirmation in a modal dialog. Once the family validated, the tab shows the file
//! « en attente de validation », then the school's decision. The server holds the state
//! machine and every step's data; this module only shows them.

mod fields;
mod summary;
mod wizard;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tutti_shared::{ChildReenrolment, FamilyCampaign, FileStatus, ReenrolmentFile};
use wasm_bindgen::JsCast as _;

use crate::api::reenrolment as api;
use crate::api::{Answer, ApiError};
use crate::components::{FormAlert, Loader};
use crate::dates::{DateStyle, french_date};
use crate::router::navigate;
use crate::session::Session;

pub use summary::step_path;

/// The tab's address for a child (the wizard resumes where the file stands).
pub fn tab_path(student_id: i64) -> String {
    format!("/eleves/{student_id}/reinscription")
}

/// What the tab shows for the file as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// No answer yet: the two buttons of the guide.
    Question,
    /// Declined: « Je souhaite réinscrire l'élève » only, while the campaign is open.
    Declined,
    /// Being filled in (or refused, to correct): the wizard.
    Wizard,
    /// Validated by the family: waiting for the school, or decided.
    Sent,
}

fn mode(file: Option<&ReenrolmentFile>) -> Mode {
    match file.map(|file| file.status) {
        None => Mode::Question,
        Some(FileStatus::NonReinscrit) => Mode::Declined,
        Some(FileStatus::Brouillon | FileStatus::Refusee) => Mode::Wizard,
        Some(FileStatus::EnAttente | FileStatus::Validee) => Mode::Sent,
    }
}

/// The child's answer and file, read together: the file only exists once answered.
fn load(session: Session, student_id: i64) -> Answer<(ChildReenrolment, Option<ReenrolmentFile>)> {
    Box::pin(async move {
        let children = api::list_children(session).await?;
        let child = children
            .into_iter()
            .find(|child| child.student_id == student_id)
            .ok_or(ApiError::Unexpected { status: 404 })?;
        let file = match child.file_id {
            Some(id) => Some(api::find_file(session, id).await?),
            None => None,
        };
        Ok((child, file))
    })
}

/// The Réinscription tab of a child, while `campaign` is open.
#[component]
pub fn ReenrolmentTab(student_id: i64, campaign: FamilyCampaign) -> impl IntoView {
    let session = Session::expect();
    let data = Loader::new(move || load(session, student_id));
    let campaign = StoredValue::new(campaign);
    data.view("la réinscription", move |(child, file)| {
        view! { <ChildFile child=child file=file campaign=campaign /> }.into_any()
    })
}

/// The file's screen; the wizard is drawn once per mode, so that saving a step (which
/// replaces the file) never redraws what the family is typing.
#[component]
fn ChildFile(
    child: ChildReenrolment,
    file: Option<ReenrolmentFile>,
    campaign: StoredValue<FamilyCampaign>,
) -> impl IntoView {
    let file = RwSignal::new(file);
    let shown = Memo::new(move |_| file.with(|file| mode(file.as_ref())));
    let student_id = child.student_id;
    let name = StoredValue::new(child.first_name);
    let question = move |declined: bool| {
        let closes = campaign.with_value(|campaign| {
            french_date(
                tutti_shared::paris_local(campaign.closes_at.naive_utc()).date(),
                DateStyle::Long,
            )
        });
        let (year, first) = (
            campaign.with_value(|campaign| campaign.to_year_label.clone()),
            name.get_value(),
        );
        let intro = if declined {
            format!(
                "Vous avez indiqué ne pas réinscrire {first} pour {year}. Vous pouvez changer \
                 d’avis jusqu’au {closes}."
            )
        } else {
            format!(
                "Souhaitez-vous réinscrire {first} pour l’année {year} ? Vous avez jusqu’au \
                 {closes} pour répondre."
            )
        };
        view! { <Answers student_id=student_id file=file intro=intro start=true decline=!declined /> }
            .into_any()
    };
    move || match shown.get() {
        Mode::Question => untrack(|| question(false)),
        Mode::Declined => untrack(|| question(true)),
        Mode::Wizard => untrack(|| wizard::wizard(student_id, file, campaign)),
        Mode::Sent => sent(student_id, file, campaign),
    }
}

/// The buttons of the guide: « Je souhaite réinscrire l'élève » (`start`) and « Je ne
/// souhaite pas réinscrire l'élève » (`decline`) with its confirmation in a modal
/// `<dialog>` (the browser keeps the focus inside, closes it on Escape and gives the focus
/// back to the button). Written as text; one click handler on the container does what the
/// clicked button's `data-action` says.
#[component]
pub fn Answers(
    student_id: i64,
    file: RwSignal<Option<ReenrolmentFile>>,
    /// The question above the buttons (may be empty).
    intro: String,
    start: bool,
    decline: bool,
) -> impl IntoView {
    let alert = RwSignal::new(None::<String>);
    let busy = StoredValue::new(false);
    let mut html = String::new();
    if !intro.is_empty() {
        html.push_str(&format!(
            "<p class=\"lead\">{}</p>",
            summary::escape(&intro)
        ));
    }
    html.push_str("<div class=\"answer-buttons\">");
    if start {
        html.push_str(
            "<button type=\"button\" class=\"button-primary\" data-action=\"start\">Je souhaite réinscrire l’élève</button>",
        );
    }
    if decline {
        html.push_str(
            "<button type=\"button\" class=\"button-secondary\" data-action=\"open\">Je ne \
             souhaite pas réinscrire l’élève</button></div>\
             <dialog id=\"refus-dialogue\" aria-labelledby=\"refus-titre\">\
             <h2 id=\"refus-titre\">Ne pas réinscrire l’élève ?</h2>\
             <p>L’élève ne sera pas réinscrit l’an prochain. Vous pourrez changer d’avis tant que \
             la campagne est ouverte.</p><div class=\"answer-buttons\">\
             <button type=\"button\" class=\"button-primary\" data-action=\"confirm\">Confirmer : ne pas réinscrire</button>\
             <button type=\"button\" class=\"button-secondary\" data-action=\"cancel\">Annuler</button>\
             </div></dialog>",
        );
    } else {
        html.push_str("</div>");
    }
    let on_click = move |event: web_sys::MouseEvent| {
        let action = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("[data-action]").ok().flatten())
            .and_then(|button| button.get_attribute("data-action"));
        let dialog = || {
            document()
                .get_element_by_id("refus-dialogue")
                .and_then(|dialog| dialog.dyn_into::<web_sys::HtmlDialogElement>().ok())
        };
        match action.as_deref() {
            Some("open") => {
                if let Some(dialog) = dialog() {
                    let _ = dialog.show_modal();
                }
            }
            Some("cancel") => {
                if let Some(dialog) = dialog() {
                    dialog.close();
                }
            }
            Some(action @ ("start" | "confirm")) if !busy.get_value() => {
                busy.set_value(true);
                alert.set(None);
                let session = Session::expect();
                let version = file.with_untracked(|file| file.as_ref().map(|file| file.version));
                let answer = if action == "start" {
                    api::start(session, student_id)
                } else {
                    api::decline(session, student_id, version)
                };
                spawn_local(async move {
                    let answered = answer.await;
                    if let Some(dialog) = dialog() {
                        dialog.close();
                    }
                    match answered {
                        Ok(answered) => {
                            let step = answered.current_step;
                            let declined = answered.status == FileStatus::NonReinscrit;
                            file.set(Some(answered));
                            navigate(&if declined {
                                tab_path(student_id)
                            } else {
                                step_path(student_id, step)
                            });
                        }
                        Err(error) => {
                            let _ = alert.try_set(Some(error.to_string()));
                        }
                    }
                    busy.set_value(false);
                });
            }
            _ => {}
        }
    };
    view! {
        <div on:click=on_click inner_html=html></div>
        <FormAlert message=alert />
    }
}

/// After « Valider »: waiting for the school, or its decision, and the choices sent.
fn sent(
    student_id: i64,
    file: RwSignal<Option<ReenrolmentFile>>,
    campaign: StoredValue<FamilyCampaign>,
) -> AnyView {
    let html = file.with(|file| {
        let Some(file) = file else {
            return String::new();
        };
        let status = if file.status == FileStatus::Validee {
            "Réinscription validée par l’école."
        } else {
            "Réinscription en attente de validation"
        };
        let mut html = format!("<p class=\"status-banner\" role=\"status\">{status}</p>");
        if let Some(at) = file.submitted_at {
            html.push_str(&format!(
                "<p>Demande envoyée le {}. Un e-mail de confirmation vous a été adressé.</p>",
                crate::dates::paris_date_time(at.naive_utc())
            ));
        }
        html.push_str(&campaign.with_value(|campaign| summary::choices(file, campaign)));
        html.push_str(&format!(
            "<p><a href=\"/eleves/{student_id}/cours\">Voir les cours de cette année</a></p>"
        ));
        html
    });
    view! { <div class="summary" inner_html=html></div> }.into_any()
}

/// The cards of the children still to answer, as text (a heading and a list), or nothing.
pub fn home_cards(children: &[ChildReenrolment]) -> String {
    let mut html = String::new();
    for child in children {
        let text = match (child.status, child.current_step) {
            (None, _) => "À faire : réinscrire l’élève pour l’an prochain, ou indiquer que vous \
                          ne le réinscrivez pas."
                .to_owned(),
            (Some(FileStatus::Refusee), _) => {
                "Refusée par l’école : voir le motif et corriger.".to_owned()
            }
            (Some(FileStatus::Brouillon), Some(step)) => {
                format!("En cours : reprendre à l’étape « {} ».", step.label())
            }
            _ => continue,
        };
        html.push_str(&format!(
            "<li class=\"card card-todo\"><a href=\"{}\"><span class=\"card-title\">\
             Réinscription de {}</span><span class=\"card-text\">{text}</span></a></li>",
            tab_path(child.student_id),
            summary::escape(&child.first_name)
        ));
    }
    if html.is_empty() {
        return html;
    }
    format!("<h2>Réinscriptions</h2><ul class=\"cards\">{html}</ul>")
}
