//! `/admin/reinscriptions/{id}`: a campaign's counts by status and by step, the children
//! not answered, the CSV exports, and its files with filters and bulk validation.

use std::collections::BTreeMap;

use futures::FutureExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tutti_shared::{
    BulkFile, DEFAULT_PER_PAGE, FileListQuery, FileStatus, ListQuery, MAX_PER_PAGE,
    StaffFileSummary,
};

use super::super::widgets::{
    Field, Form, Kind, Loader, alert, choices, data_table, focus_later, link, link_line, pager,
    render, section, status,
};
use super::{campaign_status_label, paris_instant, year_label};
use crate::api::{self, reenrolment_admin as calls};
use crate::components::Page;
use crate::files;
use crate::session::Session;

/// A file that may be validated from the list: its version read and the child's name.
type Selectable = BTreeMap<i64, (i32, String)>;

/// The dashboard and the files of campaign `id`.
pub fn dashboard_page(id: i64) -> AnyView {
    let session = Session::expect();
    let heading = RwSignal::new("Réinscriptions".to_owned());
    let notice = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let changed = RwSignal::new(());

    let counts = Loader::new(move || {
        changed.track();
        async move {
            let campaign = calls::find_campaign(session, id).await?;
            let years = api::admin::list_school_years(session).await?;
            let dashboard = calls::find_campaign_dashboard(session, id).await?;
            heading.set(format!("Réinscriptions {}", year_label(&years, campaign.to_year_id)));
            Ok(render(move || {
                let by_status = dashboard
                    .by_status
                    .iter()
                    .map(|count| vec![count.status.label().into_any(), count.count.into_any()])
                    .collect();
                let by_step = dashboard
                    .by_step
                    .iter()
                    .map(|count| vec![count.step.label().into_any(), count.count.into_any()])
                    .collect();
                let state = format!(
                    "Statut : {}. Du {} au {} (heure de Paris).",
                    campaign_status_label(campaign.status),
                    paris_instant(campaign.opens_at),
                    paris_instant(campaign.closes_at),
                );
                let unanswered = match dashboard.unanswered {
                    0 => "Tous les élèves ont une réponse.".to_owned(),
                    1 => "1 élève sans réponse de sa famille.".to_owned(),
                    count => format!("{count} élèves sans réponse de leur famille."),
                };
                view! {
                    <p>{state}</p>
                    <p><strong>{unanswered}</strong></p>
                    <div class="admin-record-grid count-tables">
                        {data_table("Dossiers par statut".to_owned(), "", &["Statut", "Dossiers"], 0, by_status)}
                        {data_table("Dossiers en cours de saisie, par étape".to_owned(), "Aucun dossier en cours de saisie.", &["Étape", "Dossiers"], 0, by_step)}
                    </div>
                }
                .into_any()
            }))
        }
        .boxed_local()
    });

    let export = move |name: &'static str, file_name: &'static str| {
        notice.set(None);
        problem.set(None);
        spawn_local(async move {
            match calls::export_campaign(session, id, name).await {
                Ok(blob) => {
                    files::save(&blob, file_name);
                    notice.set(Some(format!("Fichier « {file_name} » téléchargé.")));
                }
                Err(error) => problem.set(Some(error.to_string())),
            }
        });
    };
    let exports = view! {
        <div class="form-actions">
            <button type="button" class="button-secondary" on:click=move |_| export("files.csv", "reinscriptions-dossiers.csv")>
                "Exporter les dossiers (CSV)"
            </button>
            <button type="button" class="button-secondary" on:click=move |_| export("unanswered.csv", "reinscriptions-sans-reponse.csv")>
                "Exporter les élèves sans réponse (CSV)"
            </button>
        </div>
    }
    .into_any();

    let parts = vec![
        link_line("/admin/reinscriptions", "Retour aux campagnes"),
        link_line(
            &format!("/admin/reinscriptions/{id}/parametres"),
            "Réglages de la campagne (dates, règlement, cours proposés, ouverture)",
        ),
        section(
            "tableau-titre",
            "Tableau de bord",
            vec![
                counts.view().into_any(),
                exports,
                status(notice),
                alert(problem),
            ],
        ),
        files_section(session, id, changed),
    ];
    view! { <Page title="Réinscriptions" heading=heading>{parts}</Page> }.into_any()
}

/// The campaign's files: filters, the list with its selection, "Valider la sélection".
/// A bulk validation also reloads the counts (`changed`).
fn files_section(session: Session, id: i64, changed: RwSignal<()>) -> AnyView {
    let filters = RwSignal::new(FileListQuery {
        status: Some(FileStatus::EnAttente),
        page: Some(1),
        per_page: Some(DEFAULT_PER_PAGE as u32),
        ..FileListQuery::default()
    });
    let notice = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let selected = RwSignal::new(Selectable::new());
    let busy = RwSignal::new(false);
    let disciplines = RwSignal::new(Vec::<(String, String)>::new());
    let families = RwSignal::new(Vec::<(String, String)>::new());

    let _choices = Loader::new(move || {
        async move {
            let found = api::admin::list_disciplines(session).await?;
            disciplines.set(
                found
                    .into_iter()
                    .map(|discipline| (discipline.id.to_string(), discipline.name))
                    .collect(),
            );
            let query = ListQuery {
                page: Some(1),
                per_page: Some(MAX_PER_PAGE),
                q: None,
            };
            let page = api::admin::list_families(session, &query).await?;
            families.set(
                page.items
                    .into_iter()
                    .map(|family| (family.id.to_string(), family.name))
                    .collect(),
            );
            Ok(render(|| ().into_any()))
        }
        .boxed_local()
    });

    let go_to = Callback::new(move |page: i64| {
        selected.set(Selectable::new());
        filters.update(|query| query.page = u32::try_from(page).ok());
    });
    let list = Loader::new(move || {
        let query = filters.get();
        async move {
            let page = calls::list_campaign_files(session, id, &query).await?;
            Ok(render(move || {
                let rows = page.items.iter().map(|file| file_row(file, selected)).collect();
                let total = page.total;
                let caption = format!("{total} dossier{}", if total > 1 { "s" } else { "" });
                view! {
                    {data_table(caption, "Aucun dossier ne correspond à ces critères.", &["Sélection", "Élève", "Famille", "Statut", "Cours souhaités", "Pièces manquantes", "Validé par la famille le"], 1, rows)}
                    {pager("Pages de la liste des dossiers", page.page, api::admin::page_count(&page), go_to)}
                }
                .into_any()
            }))
        }
        .boxed_local()
    });

    let validate = move |_| {
        if busy.get_untracked() {
            return;
        }
        notice.set(None);
        problem.set(None);
        let chosen = selected.get_untracked();
        if chosen.is_empty() {
            problem.set(Some(
                "Cochez au moins un dossier en attente de validation.".to_owned(),
            ));
            return;
        }
        busy.set(true);
        let files = chosen
            .iter()
            .map(|(id, (version, _))| BulkFile {
                id: *id,
                version: *version,
            })
            .collect();
        spawn_local(async move {
            match calls::validate_campaign_files(session, id, files).await {
                Ok(result) => {
                    let name = |file: &i64| {
                        chosen
                            .get(file)
                            .map(|(_, name)| name.clone())
                            .unwrap_or_else(|| format!("dossier {file}"))
                    };
                    if !result.validated.is_empty() {
                        let names: Vec<String> = result.validated.iter().map(name).collect();
                        notice.set(Some(format!(
                            "Dossiers validés ({}) : {}.",
                            names.len(),
                            names.join(", ")
                        )));
                    }
                    if !result.failed.is_empty() {
                        let reasons: Vec<String> = result
                            .failed
                            .iter()
                            .map(|failure| format!("{} : {}", name(&failure.id), failure.message))
                            .collect();
                        problem.set(Some(format!(
                            "Non validés ({}) : {}",
                            reasons.len(),
                            reasons.join(" ; ")
                        )));
                    }
                }
                Err(error) => problem.set(Some(error.to_string())),
            }
            selected.set(Selectable::new());
            filters.update(|_| ());
            changed.set(());
            busy.set(false);
            focus_later("dossiers-titre");
        });
    };
    let selection_count = move || match selected.with(Selectable::len) {
        0 => "Aucun dossier sélectionné".to_owned(),
        1 => "1 dossier sélectionné".to_owned(),
        count => format!("{count} dossiers sélectionnés"),
    };

    let statuses = FileStatus::ALL
        .map(|status| (status.as_str().to_owned(), status.label().to_owned()))
        .to_vec();
    let missing = vec![
        ("true".to_owned(), "Oui".to_owned()),
        ("false".to_owned(), "Non".to_owned()),
    ];
    let filter_form = Form::new(
        "filtre",
        "Filtrer",
        vec![
            Field::new("status", "Statut", choices(statuses))
                .optional()
                .placeholder(Some("Tous les statuts")),
            Field::new(
                "discipline_id",
                "Discipline souhaitée",
                Kind::Choice(disciplines.into()),
            )
            .optional()
            .placeholder(Some("Toutes les disciplines")),
            Field::new("missing_documents", "Pièces manquantes", choices(missing))
                .optional()
                .placeholder(Some("Peu importe")),
            Field::new("household_id", "Famille", Kind::Choice(families.into()))
                .optional()
                .placeholder(Some("Toutes les familles")),
        ],
        move |values| {
            let number = |name: &str| {
                values
                    .optional_text(name)
                    .and_then(|text| text.parse().ok())
            };
            selected.set(Selectable::new());
            filters.set(FileListQuery {
                status: values
                    .optional_text("status")
                    .and_then(|text| FileStatus::parse(&text)),
                discipline_id: number("discipline_id"),
                missing_documents: values
                    .optional_text("missing_documents")
                    .map(|text| text == "true"),
                household_id: number("household_id"),
                page: Some(1),
                per_page: Some(DEFAULT_PER_PAGE as u32),
            });
            Ok(async { Ok(String::new()) }.boxed_local())
        },
    )
    .initial(vec![FileStatus::EnAttente.as_str().to_owned()])
    .filters()
    .view();

    view! {
        <section class="panel queue" aria-labelledby="dossiers-titre">
            <h2 id="dossiers-titre" tabindex="-1">"Dossiers"</h2>
            {filter_form}
            {status(notice)}
            {alert(problem)}
            <div class="bulk-actions">
                <button type="button" class="button-primary" aria-disabled=move || busy.get().then_some("true") on:click=validate>
                    "Valider la sélection"
                </button>
                <span class="selection-count">{selection_count}</span>
            </div>
            {list.view()}
        </section>
    }
    .into_any()
}

/// One file as table cells; a selection box for files waiting for validation.
fn file_row(file: &StaffFileSummary, selected: RwSignal<Selectable>) -> Vec<AnyView> {
    let id = file.id;
    let name = file.student_name.clone();
    let selection = (file.status == FileStatus::EnAttente).then(|| {
        let version = file.version;
        let input_id = format!("choisir-{id}");
        let chosen_name = name.clone();
        let on_change = move |event| {
            let on = event_target_checked(&event);
            selected.update(|chosen| {
                if on {
                    chosen.insert(id, (version, chosen_name.clone()));
                } else {
                    chosen.remove(&id);
                }
            });
        };
        view! {
            <span class="field-check">
                <input id=input_id.clone() type="checkbox" prop:checked=move || selected.with(|chosen| chosen.contains_key(&id)) on:change=on_change />
                <label for=input_id><span class="visually-hidden">"Sélectionner le dossier de " {name.clone()}</span></label>
            </span>
        }
    });
    let missing = match file.missing_documents {
        0 => "Aucune".to_owned(),
        count => count.to_string(),
    };
    vec![
        selection.into_any(),
        link(format!("/admin/reinscriptions/dossiers/{id}"), name),
        link(
            format!("/admin/familles/{}", file.household_id),
            file.household_name.clone(),
        ),
        file.status.label().into_any(),
        file.wished.clone().into_any(),
        missing.into_any(),
        file.submitted_at
            .map(paris_instant)
            .unwrap_or_default()
            .into_any(),
    ]
}
