//! The campaigns: the list with a new draft's form (`/admin/reinscriptions`), and one
//! campaign's settings (`/admin/reinscriptions/{id}/parametres`): dates and steps while a
//! draft, the rules text (each save a new version), the courses offered, and opening,
//! extending and closing.

use std::collections::BTreeSet;

use futures::FutureExt;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tutti_shared::{
    Campaign, CampaignExtension, CampaignInput, CampaignStatus, CampaignSteps, Course, SchoolYear,
};

use super::super::widgets::{
    Field, Form, Kind, Loader, Values, alert, choices, confirm_button, data_table, field_error,
    focus_later, hint, link, link_line, render, section, status,
};
use super::{
    campaign_status_label, conflict_message, course_text, paris_input_value, paris_instant,
    paris_to_utc, year_label,
};
use crate::api::{self, ApiError, reenrolment_admin as calls};
use crate::components::Page;
use crate::dates::paris_date_time;
use crate::forms::FieldErrors;
use crate::router;
use crate::session::Session;

/// "Réinscriptions 2027-2028 (depuis 2026-2027)".
fn campaign_name(campaign: &Campaign, years: &[SchoolYear]) -> String {
    format!(
        "Réinscriptions {} (depuis {})",
        year_label(years, campaign.to_year_id),
        year_label(years, campaign.from_year_id)
    )
}

/// The dates and steps form's fields.
fn campaign_fields(years: &[SchoolYear]) -> Vec<Field> {
    let years: Vec<(String, String)> = years
        .iter()
        .map(|year| (year.id.to_string(), year.label.clone()))
        .collect();
    vec![
        Field::new(
            "from_year_id",
            "Réinscription depuis l'année",
            choices(years.clone()),
        ),
        Field::new("to_year_id", "Pour l'année", choices(years)),
        Field::new(
            "opens_at",
            "Ouverture (date et heure de Paris)",
            Kind::DateTime,
        ),
        Field::new(
            "closes_at",
            "Clôture (date et heure de Paris)",
            Kind::DateTime,
        ),
        Field::new("coordonnees", "Étape « Coordonnées »", Kind::Check),
        Field::new("autorisations", "Étape « Autorisations »", Kind::Check),
        Field::new("documents", "Étape « Documents »", Kind::Check),
        Field::new("cours", "Étape « Cours »", Kind::Check),
    ]
}

/// A campaign as the form's first values (a new one: every step on).
fn campaign_values(campaign: Option<&Campaign>) -> Vec<String> {
    let check = |on: bool| if on { "true" } else { "" }.to_owned();
    let Some(campaign) = campaign else {
        return [String::new(), String::new(), String::new(), String::new()]
            .into_iter()
            .chain([true; 4].map(check))
            .collect();
    };
    let steps = campaign.steps;
    vec![
        campaign.from_year_id.to_string(),
        campaign.to_year_id.to_string(),
        paris_input_value(campaign.opens_at),
        paris_input_value(campaign.closes_at),
        check(steps.coordonnees),
        check(steps.autorisations),
        check(steps.documents),
        check(steps.cours),
    ]
}

/// A typed date and time, or a message for its field.
fn instant(
    values: &Values,
    name: &'static str,
) -> Result<chrono::DateTime<chrono::Utc>, FieldErrors> {
    paris_to_utc(&values.text(name)).ok_or_else(|| field_error(name, "Date et heure invalides."))
}

/// Reads the dates and steps form; the server checks the years and the order of dates.
fn campaign_input(values: &Values, version: Option<i32>) -> Result<CampaignInput, FieldErrors> {
    Ok(CampaignInput {
        from_year_id: values.number("from_year_id")?,
        to_year_id: values.number("to_year_id")?,
        opens_at: instant(values, "opens_at")?,
        closes_at: instant(values, "closes_at")?,
        steps: CampaignSteps {
            coordonnees: values.checked("coordonnees"),
            autorisations: values.checked("autorisations"),
            documents: values.checked("documents"),
            cours: values.checked("cours"),
        },
        version,
    })
}

const STEPS_HINT: &str = "Les étapes « Récapitulatif » et « Finalisation » sont toujours présentes ; décochez celles que cette campagne ne demande pas.";

/// `/admin/reinscriptions`: the campaigns, and a new draft.
pub fn campaigns_page() -> AnyView {
    let session = Session::expect();
    let years = RwSignal::new(Vec::<SchoolYear>::new());
    let list = Loader::new(move || {
        async move {
            let school_years = api::admin::list_school_years(session).await?;
            let campaigns = calls::list_campaigns(session).await?;
            years.set(school_years.clone());
            Ok(render(move || {
                let rows = campaigns
                    .iter()
                    .map(|campaign| campaign_row(campaign, &school_years))
                    .collect();
                data_table(
                    "Campagnes de réinscription, la plus récente d'abord".to_owned(),
                    "Aucune campagne : créez la première ci-dessous.",
                    &[
                        "Campagne",
                        "Statut",
                        "Ouverture",
                        "Clôture",
                        "Règlement",
                        "Réglages",
                    ],
                    0,
                    rows,
                )
            }))
        }
        .boxed_local()
    });
    let create = move || {
        let fields = campaign_fields(&years.get());
        Form::new("campagne", "Créer le brouillon", fields, move |values| {
            let input = campaign_input(&values, None)?;
            Ok(async move {
                let created = calls::create_campaign(session, &input).await?;
                router::navigate(&format!("/admin/reinscriptions/{}/parametres", created.id));
                Ok(String::new())
            }
            .boxed_local())
        })
        .initial(campaign_values(None))
        .view()
    };
    let parts = vec![
        view! { <p class="lead">"Chaque campagne ouvre la réinscription d'une année à la suivante, entre ses dates. Une seule campagne peut être ouverte à la fois."</p> }.into_any(),
        link_line("/admin/reinscriptions/tarifs", "Grille tarifaire"),
        section("campagnes-titre", "Campagnes", vec![list.view().into_any()]),
        section(
            "nouvelle-titre",
            "Nouvelle campagne",
            vec![hint(STEPS_HINT), create.into_any()],
        ),
    ];
    view! { <Page title="Réinscriptions">{parts}</Page> }.into_any()
}

/// A campaign as table cells: its name (to its dashboard), status, dates, rules, settings.
fn campaign_row(campaign: &Campaign, years: &[SchoolYear]) -> Vec<AnyView> {
    let id = campaign.id;
    let name = campaign_name(campaign, years);
    let rules = campaign.rules.as_ref().map_or_else(
        || "Aucun".to_owned(),
        |rules| format!("Version {}", rules.version),
    );
    let settings = view! {
        <a href=format!("/admin/reinscriptions/{id}/parametres")>
            "Réglages"<span class="visually-hidden">" : " {name.clone()}</span>
        </a>
    };
    vec![
        link(format!("/admin/reinscriptions/{id}"), name),
        campaign_status_label(campaign.status).into_any(),
        paris_instant(campaign.opens_at).into_any(),
        paris_instant(campaign.closes_at).into_any(),
        rules.into_any(),
        settings.into_any(),
    ]
}

/// What the settings' actions share: the page's messages and its reload.
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
    /// After an action: its confirmation, or a 409's message; either way the campaign is
    /// read again and the focus goes to the heading of the section acted on (the page is
    /// drawn anew). Other failures are returned, for the form to show.
    fn settle(
        self,
        result: Result<Campaign, ApiError>,
        done: &str,
        focus: &'static str,
    ) -> Result<String, ApiError> {
        match result {
            Ok(_) => {
                self.problem.set(None);
                self.notice.set(Some(done.to_owned()));
            }
            Err(error @ ApiError::Api { status: 409, .. }) => {
                self.notice.set(None);
                self.problem.set(Some(conflict_message(&error)));
            }
            Err(error) => return Err(error),
        }
        self.focus.set_value(Some(focus));
        self.changed.set(());
        Ok(String::new())
    }

    /// Moves the focus where the last action asked, once the page drawn again is there.
    fn focus_when_drawn(self) {
        if let Some(target) = self.focus.get_value() {
            self.focus.set_value(None);
            focus_later(target);
        }
    }

    /// The same for a button: a failure shows in the page's alert.
    fn settle_button(self, result: Result<Campaign, ApiError>, done: &str, focus: &'static str) {
        if let Err(error) = self.settle(result, done, focus) {
            self.notice.set(None);
            self.problem.set(Some(error.to_string()));
        }
    }
}

/// `/admin/reinscriptions/{id}/parametres`: one campaign's settings.
pub fn settings_page(id: i64) -> AnyView {
    let session = Session::expect();
    let ui = Ui {
        session,
        notice: RwSignal::new(None),
        problem: RwSignal::new(None),
        changed: RwSignal::new(()),
        focus: StoredValue::new(None),
    };
    let heading = RwSignal::new("Réglages de la campagne".to_owned());
    let settings = Loader::new(move || {
        ui.changed.track();
        async move {
            let campaign = calls::find_campaign(session, id).await?;
            let years = api::admin::list_school_years(session).await?;
            let courses = api::admin::list_courses(session, Some(campaign.to_year_id)).await?;
            heading.set(format!("Réglages : {}", campaign_name(&campaign, &years)));
            ui.focus_when_drawn();
            Ok(render(move || {
                settings_view(ui, &campaign, &years, &courses)
            }))
        }
        .boxed_local()
    });
    let parts = vec![
        link_line("/admin/reinscriptions", "Retour aux campagnes"),
        link_line(
            &format!("/admin/reinscriptions/{id}"),
            "Tableau de bord et dossiers de la campagne",
        ),
        status(ui.notice),
        alert(ui.problem),
        settings.view().into_any(),
    ];
    view! { <Page title="Réglages de la campagne" heading=heading>{parts}</Page> }.into_any()
}

/// The settings once read.
fn settings_view(ui: Ui, campaign: &Campaign, years: &[SchoolYear], courses: &[Course]) -> AnyView {
    let id = campaign.id;
    let version = campaign.version;
    let session = ui.session;
    let steps = campaign
        .steps
        .enabled()
        .iter()
        .map(|step| step.label())
        .collect::<Vec<_>>()
        .join(", ");
    let facts = view! {
        <dl class="record-list">
            <div class="record-row"><dt>"Statut"</dt><dd>{campaign_status_label(campaign.status)}</dd></div>
            <div class="record-row"><dt>"Ouverture"</dt><dd>{paris_instant(campaign.opens_at)}</dd></div>
            <div class="record-row"><dt>"Clôture"</dt><dd>{paris_instant(campaign.closes_at)}</dd></div>
            <div class="record-row"><dt>"Étapes"</dt><dd>{steps}</dd></div>
        </dl>
    };

    // Opening, extending, closing.
    let transition = move |action: &'static str, done: &'static str| {
        spawn_local(async move {
            let result = calls::move_campaign(session, id, action, version).await;
            ui.settle_button(result, done, "ouverture-titre");
        });
    };
    let open_button = matches!(campaign.status, CampaignStatus::Draft | CampaignStatus::Closed).then(|| {
        view! {
            <p>
                <button type="button" class="button-primary" on:click=move |_| transition("open", "Campagne ouverte : les familles la voient entre ses dates.")>
                    "Ouvrir la campagne"
                </button>
            </p>
        }
    });
    let close_button = (campaign.status == CampaignStatus::Open).then(|| {
        let close = Callback::new(move |()| {
            transition("close", "Campagne fermée : les familles ne la voient plus.")
        });
        view! { <p>{confirm_button("Fermer la campagne", String::new(), close)}</p> }
    });
    let extend = (campaign.status != CampaignStatus::Draft).then(|| {
        let fields = vec![Field::new(
            "closes_at",
            "Nouvelle clôture (date et heure de Paris)",
            Kind::DateTime,
        )];
        Form::new("prolonger", "Prolonger", fields, move |values| {
            let input = CampaignExtension {
                closes_at: instant(&values, "closes_at")?,
                version,
            };
            Ok(async move {
                let result = calls::extend_campaign(session, id, &input).await;
                ui.settle(result, "Campagne prolongée.", "ouverture-titre")
            }
            .boxed_local())
        })
        .initial(vec![paris_input_value(campaign.closes_at)])
        .view()
    });

    // Dates and steps, while a draft.
    let edit = if campaign.status == CampaignStatus::Draft {
        Form::new(
            "modif",
            "Enregistrer les dates et les étapes",
            campaign_fields(years),
            move |values| {
                let input = campaign_input(&values, Some(version))?;
                Ok(async move {
                    let result = calls::update_campaign(session, id, &input).await;
                    ui.settle(result, "Dates et étapes enregistrées.", "dates-titre")
                }
                .boxed_local())
            },
        )
        .initial(campaign_values(Some(campaign)))
        .view()
    } else {
        view! { <p>"La campagne n'est plus un brouillon : ses dates et ses étapes ne se modifient plus. Sa clôture peut être prolongée ci-dessus."</p> }.into_any()
    };

    // The rules: each save is a new version.
    let rules_state = match &campaign.rules {
        Some(rules) => format!(
            "Version en vigueur : {} (écrite le {}). Les familles acceptent une version précise ; enregistrer le texte crée la version {}.",
            rules.version,
            paris_date_time(rules.created_at),
            rules.version + 1
        ),
        None => "Aucun règlement n'a encore été écrit.".to_owned(),
    };
    let rules_form = Form::new(
        "reglement",
        "Enregistrer une nouvelle version",
        vec![Field::new(
            "text",
            "Texte du règlement intérieur",
            Kind::Area,
        )],
        move |values| {
            let text = values.text("text");
            Ok(async move {
                let result = calls::update_campaign_rules(session, id, text).await;
                ui.settle(
                    result,
                    "Nouvelle version du règlement enregistrée.",
                    "reglement-titre",
                )
            }
            .boxed_local())
        },
    )
    .initial(vec![
        campaign
            .rules
            .as_ref()
            .map(|rules| rules.text.clone())
            .unwrap_or_default(),
    ])
    .view();

    let mut opening = vec![facts.into_any()];
    opening.extend(open_button.map(IntoAny::into_any));
    opening.extend(close_button.map(IntoAny::into_any));
    opening.extend(extend);
    view! {
        {section("ouverture-titre", "Ouverture et clôture", opening)}
        {section("dates-titre", "Dates et étapes", vec![hint(STEPS_HINT), edit])}
        {section("reglement-titre", "Règlement intérieur", vec![view! { <p>{rules_state}</p> }.into_any(), rules_form])}
        {section("cours-titre", "Cours proposés", vec![
            hint("Les cours de l'année de réinscription que les familles peuvent choisir, par discipline."),
            offered_courses(ui, id, courses, &campaign.offered_course_ids),
        ])}
    }
    .into_any()
}

/// The next year's courses as checkboxes grouped by discipline, and a save button.
fn offered_courses(ui: Ui, id: i64, courses: &[Course], offered: &[i64]) -> AnyView {
    if courses.is_empty() {
        return view! { <p class="empty">"Aucun cours n'existe encore pour cette année : créez-les dans « Année scolaire »."</p> }.into_any();
    }
    let chosen = RwSignal::new(offered.iter().copied().collect::<BTreeSet<i64>>());
    let mut sorted = courses.to_vec();
    sorted.sort_by(|one, other| {
        (&one.discipline, &one.level).cmp(&(&other.discipline, &other.level))
    });
    let groups = sorted
        .chunk_by(|one, other| one.discipline_id == other.discipline_id)
        .map(|group| {
            let legend = group.first().map(|course| course.discipline.clone()).unwrap_or_default();
            let boxes = group
                .iter()
                .map(|course| {
                    let course_id = course.id;
                    let input_id = format!("offert-{course_id}");
                    let text = course_text(&course.discipline, &course.level, course.weekday, &course.start_time, &course.end_time, &course.teacher_name);
                    let on_change = move |event| {
                        let on = event_target_checked(&event);
                        chosen.update(|ids| {
                            if on {
                                ids.insert(course_id);
                            } else {
                                ids.remove(&course_id);
                            }
                        });
                    };
                    view! {
                        <div class="field-check">
                            <input id=input_id.clone() type="checkbox" prop:checked=move || chosen.with(|ids| ids.contains(&course_id)) on:change=on_change />
                            <label for=input_id>{text}</label>
                        </div>
                    }
                })
                .collect_view();
            view! { <fieldset class="choice-group"><legend>{legend}</legend>{boxes}</fieldset> }
        })
        .collect_view();
    let all: Vec<i64> = sorted.iter().map(|course| course.id).collect();
    let busy = RwSignal::new(false);
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let ids = chosen.get_untracked().into_iter().collect();
        spawn_local(async move {
            let result = calls::update_campaign_courses(ui.session, id, ids).await;
            let count = chosen.with_untracked(BTreeSet::len);
            ui.settle_button(
                result,
                &format!("Cours proposés enregistrés : {count}."),
                "cours-titre",
            );
            busy.set(false);
        });
    };
    let count = move || {
        format!(
            "{} cours cochés sur {}",
            chosen.with(BTreeSet::len),
            all.len()
        )
    };
    let every = sorted
        .iter()
        .map(|course| course.id)
        .collect::<BTreeSet<i64>>();
    view! {
        <form class="admin-form" novalidate on:submit=on_submit>
            {groups}
            <p class="selection-count">{count}</p>
            <div class="form-actions">
                <button type="submit" class="button-primary">"Enregistrer les cours proposés"</button>
                <button type="button" class="button-secondary" on:click=move |_| chosen.set(every.clone())>"Tout cocher"</button>
                <button type="button" class="button-secondary" on:click=move |_| chosen.set(BTreeSet::new())>"Tout décocher"</button>
            </div>
        </form>
    }
    .into_any()
}
