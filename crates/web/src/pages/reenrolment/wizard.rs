//! The six-step wizard: the step indicator (the campaign's enabled steps, renumbered),
//! one step at a time with « Précédent » and « Suivant », each step saved on the server
//! as the family goes (with the file's version: a stale save gets 409 and the step keeps
//! what was typed), and « Valider » at the end.
//!
//! The step lives in the address (`/eleves/12/reinscription/cours`), so that a reload, a
//! bookmark or the other guardian's phone lands on the same screen; without one, the
//! wizard opens where the file stands (the server's bookmark, updated at each step).
//!
//! Step 1 shows the Famille and Identité forms themselves, step 3 the Documents page's
//! list; the fields of steps 2, 4 and 6 are written as text by `fields.rs` and read back
//! from the form when the family sends the step.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tutti_shared::{
    Autorisations, AutorisationsInput, CoordonneesInput, CoursInput, CourseWishes, ErrorCode,
    FamilyCampaign, PaymentMethod, ReenrolmentFile, StepPositionInput, SubmitInput, WizardStep,
};

use super::fields::{Fields, FormValues};
use super::summary::{self, course_details, escape, step_path};
use crate::api::reenrolment::{self as api, StepSave};
use crate::api::{ApiError, documents as documents_api, family as family_api};
use crate::components::{FormAlert, Loader};
use crate::forms::FieldErrors;
use crate::router::{Location, navigate};
use crate::session::Session;

/// A 409 on a save: the file changed elsewhere since it was read.
const STALE: &str = "Ce dossier a été modifié entre-temps (dans un autre onglet ou par l’autre \
                     responsable) : rien n’a été enregistré. Le dossier à jour est chargé et vos \
                     réponses sont conservées ; vérifiez-les puis enregistrez à nouveau.";

/// Once a half-done step is saved.
const INCOMPLETE: &str = "Vos réponses sont enregistrées, mais l’étape n’est pas complète : \
                          complétez les champs signalés.";

/// What every step shares; `Copy`, so that closures take it freely.
#[derive(Clone, Copy)]
struct Wizard {
    student_id: i64,
    file: RwSignal<Option<ReenrolmentFile>>,
    campaign: StoredValue<FamilyCampaign>,
    /// A save is under way.
    busy: RwSignal<bool>,
    /// The step's alert (role="alert").
    alert: RwSignal<Option<String>>,
}

/// Draws a step's fields again with these messages (from the values last read).
type Redraw = Box<dyn Fn(FieldErrors) + Send + Sync>;

impl Wizard {
    fn file_id(self) -> i64 {
        self.file
            .with_untracked(|file| file.as_ref().map_or(0, |file| file.id))
    }

    fn version(self) -> i32 {
        self.file
            .with_untracked(|file| file.as_ref().map_or(0, |file| file.version))
    }

    /// Sends a save and takes the file the server answers; then goes to `next` when the
    /// step is complete (`problems` empty), or else shows what is missing. A 409 reloads
    /// the file and keeps what was typed; a 422 puts the messages on the fields.
    fn save(self, save: StepSave, next: Option<WizardStep>, problems: FieldErrors, redraw: Redraw) {
        let session = Session::expect();
        self.busy.set(true);
        self.alert.set(None);
        let file_id = self.file_id();
        spawn_local(async move {
            match api::save(session, file_id, &save).await {
                Ok(saved) => {
                    let _ = self.file.try_set(Some(saved));
                    if problems.is_empty() {
                        if let Some(next) = next {
                            navigate(&step_path(self.student_id, next));
                        }
                    } else {
                        redraw(problems);
                        let _ = self.alert.try_set(Some(INCOMPLETE.to_owned()));
                    }
                }
                Err(error) => {
                    redraw(error.fields());
                    self.refused(&error).await;
                }
            }
            let _ = self.busy.try_set(false);
        });
    }

    async fn refused(self, error: &ApiError) {
        let code = match error {
            ApiError::Api { body, .. } => Some(body.code),
            _ => None,
        };
        let message = match code {
            Some(ErrorCode::StaleVersion) => STALE.to_owned(),
            _ => error.to_string(),
        };
        let _ = self.alert.try_set(Some(message));
        // The file as it stands now (new version, what is missing); the fields keep
        // what was typed.
        if matches!(
            code,
            Some(ErrorCode::StaleVersion | ErrorCode::InvalidTransition)
        ) && let Ok(current) = api::find_file(Session::expect(), self.file_id()).await
        {
            let _ = self.file.try_set(Some(current));
        }
    }
}

/// The wizard of a file in `brouillon` or `refusee`.
pub fn wizard(
    student_id: i64,
    file: RwSignal<Option<ReenrolmentFile>>,
    campaign: StoredValue<FamilyCampaign>,
) -> AnyView {
    let wizard = Wizard {
        student_id,
        file,
        campaign,
        busy: RwSignal::new(false),
        alert: RwSignal::new(None),
    };
    let location = Location::expect();
    let steps = StoredValue::new(campaign.with_value(|campaign| campaign.steps.enabled()));
    // The address's step if enabled, else where the file stands, else the first.
    let step = Memo::new(move |_| {
        let named = location.path.with(|path| {
            path.split('/')
                .filter(|part| !part.is_empty())
                .nth(3)
                .and_then(WizardStep::parse)
        });
        let bookmark = file.with_untracked(|file| file.as_ref().map(|file| file.current_step));
        steps.with_value(|steps| {
            named
                .into_iter()
                .chain(bookmark)
                .find(|step| steps.contains(step))
                .or_else(|| steps.first().copied())
                .unwrap_or(WizardStep::Recapitulatif)
        })
    });
    // The bookmark follows the family, so that leaving and coming back resumes here.
    let session = Session::expect();
    Effect::new(move || {
        let step = step.get();
        if file.with_untracked(|file| file.as_ref().is_some_and(|file| file.current_step != step)) {
            let file_id = wizard.file_id();
            spawn_local(async move {
                let save = StepSave::Position(StepPositionInput { step });
                if let Ok(moved) = api::save(session, file_id, &save).await {
                    let _ = file.try_set(Some(moved));
                }
            });
        }
    });
    let heading = NodeRef::<html::H3>::new();
    let form = NodeRef::<html::Form>::new();
    // The indicator and the school's message, as text: links, numbers and marks only.
    let indicator = move || {
        let current = step.get();
        file.with(|file| {
            let Some(file) = file else {
                return String::new();
            };
            let mut html = String::new();
            if let Some(message) = &file.school_message {
                let title = if file.status == tutti_shared::FileStatus::Refusee {
                    "Réinscription refusée par l’école. Motif : "
                } else {
                    "Message de l’école : "
                };
                html.push_str("<p class=\"status-banner status-warning\">");
                html.push_str(title);
                html.push_str(&escape(message));
                html.push_str("</p>");
            }
            html.push_str(
                "<nav aria-label=\"Étapes de la réinscription\"><ol class=\"steps\">",
            );
            for state in &file.steps {
                let here = state.step == current;
                let class = match (here, state.complete) {
                    (true, _) => "step step-current",
                    (false, true) => "step step-done",
                    (false, false) => "step",
                };
                html.push_str("<li class=\"");
                html.push_str(class);
                html.push_str("\"><a data-noscroll href=\"");
                html.push_str(&step_path(student_id, state.step));
                html.push('"');
                if here {
                    html.push_str(" aria-current=\"step\"");
                }
                html.push('>');
                html.push_str(&format!("{}. {}", state.number, state.step.label()));
                if state.complete {
                    html.push_str(
                        "<span aria-hidden=\"true\"> ✓</span><span class=\"visually-hidden\"> (complète)</span>",
                    );
                }
                html.push_str("</a></li>");
            }
            html.push_str("</ol></nav>");
            html
        })
    };
    let body = move || {
        let current = step.get();
        untrack(|| {
            wizard.alert.set(None);
            request_animation_frame(move || {
                if let Some(heading) = heading.get_untracked() {
                    let _ = heading.focus();
                }
            });
            step_view(wizard, current, heading, form)
        })
    };
    view! {
        <div inner_html=indicator></div>
        {body}
        <div class="wizard-decline">
            <super::Answers student_id=student_id file=file intro=String::new() start=false decline=true />
        </div>
    }
    .into_any()
}

/// What a step shows outside its form (forms of its own), the fields inside it (as
/// text), and what « Suivant » does with the values read.
struct Parts {
    outside: AnyView,
    fields: Signal<String>,
    action: Box<dyn Fn(FormValues) + Send + Sync>,
}

/// One step: its heading, its parts, the alert and « Précédent » / « Suivant ».
fn step_view(
    wizard: Wizard,
    step: WizardStep,
    heading: NodeRef<html::H3>,
    form: NodeRef<html::Form>,
) -> AnyView {
    let steps = wizard
        .campaign
        .with_value(|campaign| campaign.steps.enabled());
    let index = steps
        .iter()
        .position(|enabled| *enabled == step)
        .unwrap_or(0);
    let title = format!("Étape {} sur {} : {}", index + 1, steps.len(), step.label());
    let next = steps.get(index + 1).copied();
    let previous = index
        .checked_sub(1)
        .and_then(|index| steps.get(index).copied());
    let parts = match step {
        WizardStep::Coordonnees => coordonnees(wizard, next),
        WizardStep::Autorisations => autorisations(wizard, next),
        WizardStep::Documents => documents(wizard, next),
        WizardStep::Cours => cours(wizard, next),
        WizardStep::Recapitulatif => recapitulatif(wizard, next),
        WizardStep::Finalisation => finalisation(wizard),
    };
    let action = parts.action;
    let student_id = wizard.student_id;
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if wizard.busy.get_untracked() {
            return;
        }
        if let Some(values) = form.get_untracked().as_ref().and_then(FormValues::read) {
            action(values);
        }
    };
    let submit_label = if next.is_some() { "Suivant" } else { "Valider" };
    let back = previous.map(|previous| {
        view! { <a class="button-secondary" href=step_path(student_id, previous)>"Précédent"</a> }
    });
    view! {
        <section class="wizard-step" aria-labelledby="etape-titre">
            <h3 id="etape-titre" tabindex="-1" node_ref=heading>{title}</h3>
            {parts.outside}
            <form novalidate node_ref=form on:submit=on_submit>
                <div inner_html=parts.fields></div>
                <FormAlert message=wizard.alert />
                <div class="wizard-nav">
                    {back}
                    <button type="submit" class="button-primary" disabled=wizard.busy>{submit_label}</button>
                </div>
            </form>
        </section>
    }
    .into_any()
}

/// Goes to the next step without saving (steps whose data is saved elsewhere).
fn onward(wizard: Wizard, next: Option<WizardStep>) -> Box<dyn Fn(FormValues) + Send + Sync> {
    Box::new(move |_| {
        if let Some(next) = next {
            navigate(&step_path(wizard.student_id, next));
        }
    })
}

/// 1 Coordonnées: the Famille page's guardian forms and the child's Identité form (the
/// same change requests); « Suivant » confirms the step.
fn coordonnees(wizard: Wizard, next: Option<WizardStep>) -> Parts {
    let session = Session::expect();
    let student_id = wizard.student_id;
    let family = Loader::new(move || family_api::find_family(session));
    let outside = view! {
        <p>
            "Vérifiez les coordonnées du foyer et de l’élève. Enregistrez chaque fiche que vous "
            "modifiez (l’école valide les changements), puis passez à l’étape suivante."
        </p>
        {family.view("la fiche de la famille", crate::pages::family::guardian_cards)}
        <h2>"Élève"</h2>
        <crate::pages::students::IdentityTab student_id=student_id />
    }
    .into_any();
    let action = move |_| {
        let save = StepSave::Coordonnees(CoordonneesInput {
            version: wizard.version(),
        });
        wizard.save(save, next, FieldErrors::new(), Box::new(|_| {}));
    };
    Parts {
        outside,
        fields: Signal::stored(String::new()),
        action: Box::new(action),
    }
}

const YES_NO: &[(&str, &str)] = &[("oui", "Oui"), ("non", "Non")];

fn from_yes_no(value: &str) -> Option<bool> {
    match value {
        "oui" => Some(true),
        "non" => Some(false),
        _ => None,
    }
}

fn to_yes_no(answer: Option<bool>) -> &'static str {
    match answer {
        Some(true) => "oui",
        Some(false) => "non",
        None => "",
    }
}

/// Step 2's fields with these answers and messages.
fn autorisations_fields(answers: &Autorisations, errors: &FieldErrors) -> String {
    let mut fields = Fields::new(errors);
    fields.radios(
        "image_rights",
        "Droit à l’image : l’école peut publier des photos et vidéos de l’élève (site, plaquettes, spectacles).",
        YES_NO,
        to_yes_no(answers.image_rights),
    );
    fields.radios(
        "leaves_alone",
        "L’élève peut-il partir seul après son cours ?",
        YES_NO,
        to_yes_no(answers.leaves_alone),
    );
    fields.input(
        "collectors",
        "Personnes autorisées à venir chercher l’élève",
        "text",
        "off",
        &answers.collectors,
        Some("Si l’élève ne part pas seul : nom, prénom et lien avec l’élève de chaque personne."),
    );
    fields.radios(
        "pedibus",
        "Demandez-vous le pédibus (accompagnement à pied depuis l’école) ?",
        YES_NO,
        to_yes_no(answers.pedibus),
    );
    fields.input(
        "emergency_name",
        "Personne à prévenir en cas d’urgence",
        "text",
        "name",
        &answers.emergency_name,
        None,
    );
    fields.input(
        "emergency_phone",
        "Son téléphone",
        "tel",
        "tel",
        &answers.emergency_phone,
        Some("10 chiffres, par exemple 06 12 34 56 78."),
    );
    fields.finish()
}

/// 2 Autorisations: every question answered; saved even half done.
fn autorisations(wizard: Wizard, next: Option<WizardStep>) -> Parts {
    let answers = wizard.file.with_untracked(|file| {
        file.as_ref()
            .map(|file| file.autorisations.clone())
            .unwrap_or_default()
    });
    let html = RwSignal::new(autorisations_fields(&answers, &FieldErrors::new()));
    let action = move |values: FormValues| {
        let answers = Autorisations {
            image_rights: from_yes_no(&values.text("image_rights")),
            leaves_alone: from_yes_no(&values.text("leaves_alone")),
            collectors: values.text("collectors").trim().to_owned(),
            pedibus: from_yes_no(&values.text("pedibus")),
            emergency_name: values.text("emergency_name").trim().to_owned(),
            emergency_phone: values.text("emergency_phone").trim().to_owned(),
        };
        let format = answers.format_errors();
        if !format.is_empty() {
            html.set(autorisations_fields(&answers, &format));
            wizard
                .alert
                .set(Some(crate::i18n::FIX_THE_FIELDS.to_owned()));
            return;
        }
        let problems = answers.problems();
        let redraw_with = answers.clone();
        let save = StepSave::Autorisations(AutorisationsInput {
            version: wizard.version(),
            autorisations: answers,
        });
        let redraw = move |errors: FieldErrors| {
            let _ = html.try_set(autorisations_fields(&redraw_with, &errors));
        };
        wizard.save(save, next, problems, Box::new(redraw));
    };
    Parts {
        outside: ().into_any(),
        fields: html.into(),
        action: Box::new(action),
    }
}

/// 3 Documents: the pieces the choices so far ask for, the household's and this child's,
/// with the Documents page's own list (send, replace, delete).
fn documents(wizard: Wizard, next: Option<WizardStep>) -> Parts {
    let session = Session::expect();
    let student_id = wizard.student_id;
    let pieces = Loader::new(move || documents_api::list_documents(session));
    let outside = view! {
        <p>
            "Les pièces demandées dépendent de vos choix (cours de danse, prélèvement, pédibus…). "
            "Chaque fichier fait au plus 2 Mo : PDF, JPEG ou PNG ; sur un téléphone, vous pouvez "
            "photographier la pièce. Une pièce transmise, pas encore vérifiée, ne bloque pas la validation."
        </p>
        {pieces.view("vos documents", move |documents| {
            crate::pages::documents::pieces(documents, Some(student_id))
        })}
    }
    .into_any();
    Parts {
        outside,
        fields: Signal::stored(String::new()),
        action: onward(wizard, next),
    }
}

const PAYMENT: &[(&str, &str)] = &[
    (
        "prelevement",
        "Prélèvement automatique (mandat SEPA et RIB à fournir)",
    ),
    ("portail_familles", "Portail Familles de la ville"),
];

const SCHEDULE: &[(&str, &str)] = &[("1", "En une fois"), ("9", "En neuf échéances")];

/// Step 4's fields: the catalogue by discipline, the comment, the method and schedule.
fn cours_fields(campaign: &FamilyCampaign, wishes: &CourseWishes, errors: &FieldErrors) -> String {
    let mut fields = Fields::new(errors);
    fields.open_group(
        "course-wishes",
        "course_ids",
        "Cours souhaités (au moins un)",
    );
    let mut discipline = "";
    for course in &campaign.courses {
        if course.discipline != discipline {
            if !discipline.is_empty() {
                fields.raw("</fieldset>");
            }
            discipline = &course.discipline;
            fields.raw("<fieldset class=\"course-group\"><legend>");
            fields.raw(&escape(discipline));
            fields.raw("</legend>");
        }
        fields.checkbox(
            "course_ids",
            &course.id.to_string(),
            &course_details(course),
            wishes.course_ids.contains(&course.id),
        );
    }
    if !discipline.is_empty() {
        fields.raw("</fieldset>");
    }
    fields.close_group("course_ids");
    fields.textarea(
        "comment",
        "Demande particulière",
        &wishes.comment,
        "Double cursus, deuxième instrument, changement d’instrument… (facultatif)",
    );
    fields.radios(
        "payment_method",
        "Mode de paiement",
        PAYMENT,
        wishes.payment_method.map_or("", PaymentMethod::as_str),
    );
    let schedule = match wishes.instalments {
        Some(1) => "1",
        Some(9) => "9",
        _ => "",
    };
    fields.radios("instalments", "Échéancier", SCHEDULE, schedule);
    fields.finish()
}

/// 4 Cours: next year's wishes from the campaign's catalogue, a free comment, the payment
/// method and the schedule.
fn cours(wizard: Wizard, next: Option<WizardStep>) -> Parts {
    let wishes = wizard.file.with_untracked(|file| {
        file.as_ref()
            .map(|file| file.cours.clone())
            .unwrap_or_default()
    });
    let campaign = wizard.campaign;
    let draw = move |wishes: &CourseWishes, errors: &FieldErrors| {
        campaign.with_value(|campaign| cours_fields(campaign, wishes, errors))
    };
    let html = RwSignal::new(draw(&wishes, &FieldErrors::new()));
    let action = move |values: FormValues| {
        let wishes = CourseWishes {
            course_ids: values.ids("course_ids"),
            comment: values.text("comment").trim().to_owned(),
            payment_method: PaymentMethod::parse(&values.text("payment_method")),
            instalments: values.text("instalments").parse().ok(),
        };
        let problems = wishes.problems();
        let redraw_with = wishes.clone();
        let save = StepSave::Cours(CoursInput {
            version: wizard.version(),
            cours: wishes,
        });
        let redraw = move |errors: FieldErrors| {
            let _ = html.try_set(draw(&redraw_with, &errors));
        };
        wizard.save(save, next, problems, Box::new(redraw));
    };
    Parts {
        outside: ().into_any(),
        fields: html.into(),
        action: Box::new(action),
    }
}

/// 5 Récapitulatif: the choices, what is missing (with links to the steps) and the
/// estimated fee, computed on the server.
fn recapitulatif(wizard: Wizard, next: Option<WizardStep>) -> Parts {
    let session = Session::expect();
    let file_id = wizard.file_id();
    let estimate = Loader::new(move || api::estimate(session, file_id));
    let outside = estimate.view("l’estimation de la cotisation", |estimate| {
        view! { <div class="summary" inner_html=summary::estimate(&estimate)></div> }.into_any()
    });
    let fields = Signal::derive(move || {
        wizard.file.with(|file| {
            file.as_ref().map_or(String::new(), |file| {
                let mut html = wizard
                    .campaign
                    .with_value(|campaign| summary::choices(file, campaign));
                html.push_str(&summary::missing(wizard.student_id, &file.missing));
                html.push_str(
                    "<p class=\"status-banner\">Avant de valider, prenez le temps de lire le \
                     règlement intérieur présenté à l’étape suivante.</p>",
                );
                html
            })
        })
    });
    Parts {
        outside: view! { <div class="summary">{outside}</div> }.into_any(),
        fields,
        action: onward(wizard, next),
    }
}

/// 6 Finalisation: the campaign's rules, « J'accepte » and « Valider ».
fn finalisation(wizard: Wizard) -> Parts {
    let (rules_version, rules) = wizard.campaign.with_value(|campaign| {
        campaign.rules.as_ref().map_or((0, String::new()), |rules| {
            (rules.version, rules.text.clone())
        })
    });
    let errors = RwSignal::new(FieldErrors::new());
    // Kept across redraws (a refused « Valider » reloads the file, which redraws).
    let accepted = RwSignal::new(false);
    let fields = Signal::derive(move || {
        let errors = errors.get();
        let mut fields = Fields::new(&errors);
        if !rules.is_empty() {
            fields.raw(&format!(
                "<h4>Règlement intérieur (version {rules_version})</h4>\
                 <div class=\"rules\" tabindex=\"0\" role=\"region\" aria-label=\"Règlement intérieur\">{}</div>",
                escape(&rules)
            ));
        }
        wizard.file.with(|file| {
            if let Some(file) = file.as_ref().filter(|file| !file.missing.is_empty()) {
                fields.raw(&summary::missing(wizard.student_id, &file.missing));
            }
        });
        fields.open_group("choices", "accepted", "Votre accord");
        fields.checkbox(
            "accepted",
            "oui",
            "J’accepte le règlement intérieur et je confirme les choix de cette réinscription.",
            accepted.get(),
        );
        fields.close_group("accepted");
        fields.finish()
    });
    let action = move |values: FormValues| {
        accepted.set(values.text("accepted") == "oui");
        if !accepted.get_untracked() {
            let mut refused = FieldErrors::new();
            refused.insert(
                "accepted".to_owned(),
                "Cochez « J’accepte » pour valider la réinscription.".to_owned(),
            );
            errors.set(refused);
            wizard
                .alert
                .set(Some(crate::i18n::FIX_THE_FIELDS.to_owned()));
            return;
        }
        errors.set(FieldErrors::new());
        let save = StepSave::Submit(SubmitInput {
            version: wizard.version(),
            accepted_rules_version: rules_version,
        });
        wizard.save(save, None, FieldErrors::new(), Box::new(|_| {}));
    };
    Parts {
        outside: ().into_any(),
        fields,
        action: Box::new(action),
    }
}
