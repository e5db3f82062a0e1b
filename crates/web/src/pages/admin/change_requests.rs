//! "Demandes de modification": the queue of changes families asked for, old value against
//! new, which staff validate or refuse one by one or by selection.

use std::collections::BTreeSet;

use crate::router::Location;
use futures::FutureExt;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tutti_shared::{
    ChangeRequest, ChangeRequestQuery, ChangeStatus, Decision, ListQuery, MAX_PER_PAGE,
};

use super::queue_changed;
use super::widgets::{
    Field, Form, Kind, Loader, alert, choices, data_table, lead, pager, render, section, status,
};
use crate::api::{self, ApiError};
use crate::components::Page;
use crate::dates::paris_date_time;
use crate::session::Session;

/// Requests per page: a morning's worth of changes fits on one.
const PER_PAGE: i64 = 50;

/// "1 demande validée", "2 demandes refusées": the announcement after a decision.
pub fn decided_message(count: usize, decision: Decision) -> String {
    let plural = if count > 1 { "s" } else { "" };
    let verb = match decision {
        Decision::Approve => "validée",
        Decision::Reject => "refusée",
    };
    format!("{count} demande{plural} {verb}{plural}")
}

/// How a request's state reads in the table.
fn status_label(status: ChangeStatus) -> &'static str {
    match status {
        ChangeStatus::Pending => "En attente",
        ChangeStatus::Approved => "Validée",
        ChangeStatus::Rejected => "Refusée",
        ChangeStatus::Superseded => "Remplacée",
    }
}

/// An empty value must still show, or "Mobile : → 06…" reads as a glitch.
fn shown(value: &str) -> String {
    if value.is_empty() {
        "(vide)".to_owned()
    } else {
        value.to_owned()
    }
}

/// "Mobile de Claire Martin": what a row is about, for its controls' accessible names.
fn subject(request: &ChangeRequest) -> String {
    format!("{} de {}", request.field_label, request.target_name)
}

/// The queue, its filters, and the decisions.
pub fn change_requests_page() -> AnyView {
    let session = Session::expect();
    // "?famille=12" comes from a household's page: open the queue filtered on it.
    let family_filter =
        untrack(|| Location::expect().query_value("famille")).and_then(|id| id.parse::<i64>().ok());
    let filters = RwSignal::new(ChangeRequestQuery {
        status: Some("pending".to_owned()),
        family_id: family_filter,
        page: Some(1),
        per_page: Some(PER_PAGE),
        ..ChangeRequestQuery::default()
    });
    let selected = RwSignal::new(BTreeSet::<i64>::new());
    // The pending requests on screen, for "Tout sélectionner".
    let pending_ids = RwSignal::new(Vec::<i64>::new());
    let family_choices = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let heading_ref = NodeRef::<html::H2>::new();
    let showing_pending =
        move || filters.with(|query| query.status.as_deref().unwrap_or("pending") == "pending");

    let _families = Loader::new(move || {
        let query = ListQuery {
            page: Some(1),
            per_page: Some(MAX_PER_PAGE),
            q: None,
        };
        async move {
            let page = api::admin::list_families(session, &query).await?;
            family_choices.set(
                page.items
                    .into_iter()
                    .map(|family| (family.id.to_string(), family.name))
                    .collect(),
            );
            Ok(render(|| ().into_any()))
        }
        .boxed_local()
    });

    let decide = move |ids: Vec<i64>, decision: Decision| {
        if busy.get_untracked() {
            return;
        }
        notice.set(None);
        problem.set(None);
        if ids.is_empty() {
            problem.set(Some("Sélectionnez au moins une demande.".to_owned()));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api::admin::decide_change_requests(session, ids, decision).await {
                Ok(outcome) => notice.set(Some(decided_message(outcome.decided, decision))),
                Err(ApiError::Api { status: 409, .. }) => problem.set(Some(
                    "Certaines de ces demandes avaient déjà été traitées : rien n'a été appliqué. La liste a été rechargée, vérifiez-la puis recommencez."
                        .to_owned(),
                )),
                Err(error) => problem.set(Some(error.to_string())),
            }
            selected.set(BTreeSet::new());
            // Reloads the list (it reads the filters) and the menu's counter.
            filters.update(|_| ());
            queue_changed();
            busy.set(false);
            // The row that had the focus is gone: put keyboard users back at the queue.
            if let Some(heading) = heading_ref.get_untracked() {
                let _ = heading.focus();
            }
        });
    };

    let go_to = Callback::new(move |page: i64| {
        selected.set(BTreeSet::new());
        filters.update(|query| query.page = Some(page));
    });
    let requests = Loader::new(move || {
        let query = filters.get();
        let pending_view = query.status.as_deref().unwrap_or("pending") == "pending";
        async move {
            let page = api::admin::list_change_requests(session, &query).await?;
            pending_ids.set(
                page.items
                    .iter()
                    .filter(|request| request.status == ChangeStatus::Pending)
                    .map(|request| request.id)
                    .collect(),
            );
            Ok(render(move || {
                let rows = page
                    .items
                    .iter()
                    .map(|request| request_row(request, pending_view, selected, decide))
                    .collect();
                let headers: &'static [&'static str] = if pending_view {
                    &["Sélection", "Famille", "Personne", "Champ", "Modification", "Demandé le", "Décision"]
                } else {
                    &["Famille", "Personne", "Champ", "Modification", "Demandé le", "Statut"]
                };
                let total = page.total;
                let caption = format!("{total} demande{}", if total > 1 { "s" } else { "" });
                view! {
                    {data_table(caption, "Aucune demande ne correspond à ces critères.", headers, usize::from(pending_view) + 1, rows)}
                    {pager("Pages de la file des demandes", page.page, api::admin::page_count(&page), go_to)}
                }
                .into_any()
            }))
        }
        .boxed_local()
    });

    let statuses = [
        ("pending", "En attente"),
        ("approved", "Validées"),
        ("rejected", "Refusées"),
        ("superseded", "Remplacées"),
        ("all", "Toutes"),
    ]
    .map(|(value, label)| (value.to_owned(), label.to_owned()))
    .to_vec();
    let filter_form = Form::new(
        "filtre",
        "Filtrer",
        vec![
            Field::new("family_id", "Famille", Kind::Choice(family_choices.into()))
                .optional()
                .placeholder(Some("Toutes les familles")),
            Field::new("from", "Du", Kind::Date).optional(),
            Field::new("to", "Au", Kind::Date).optional(),
            Field::new("status", "Statut", choices(statuses)).placeholder(None),
        ],
        move |values| {
            let (from, to) = (values.optional_date("from")?, values.optional_date("to")?);
            let query = ChangeRequestQuery {
                status: values.optional_text("status"),
                family_id: values
                    .optional_text("family_id")
                    .and_then(|id| id.parse().ok()),
                from,
                to,
                page: Some(1),
                per_page: Some(PER_PAGE),
                ..ChangeRequestQuery::default()
            };
            selected.set(BTreeSet::new());
            filters.set(query);
            Ok(async { Ok(String::new()) }.boxed_local())
        },
    )
    .initial(vec![
        family_filter.map(|id| id.to_string()).unwrap_or_default(),
        String::new(),
        String::new(),
        "pending".to_owned(),
    ])
    .filters();

    let all_selected = move || {
        pending_ids.with(|ids| {
            !ids.is_empty() && selected.with(|chosen| ids.iter().all(|id| chosen.contains(id)))
        })
    };
    let toggle_all = move |event| {
        let ids = if event_target_checked(&event) {
            pending_ids.get_untracked()
        } else {
            Vec::new()
        };
        selected.set(ids.into_iter().collect());
    };
    let selection = move || selected.get_untracked().into_iter().collect::<Vec<_>>();
    let selection_count = move || match selected.with(BTreeSet::len) {
        0 => "Aucune demande sélectionnée".to_owned(),
        1 => "1 demande sélectionnée".to_owned(),
        count => format!("{count} demandes sélectionnées"),
    };
    let bulk_bar = view! {
        <div class="bulk-actions" hidden=move || !showing_pending()>
            <span class="field-check">
                <input id="tout-selectionner" type="checkbox" prop:checked=all_selected on:change=toggle_all />
                <label for="tout-selectionner">"Tout sélectionner"</label>
            </span>
            <button type="button" class="button-primary" on:click=move |_| decide(selection(), Decision::Approve)>
                "Valider la sélection"
            </button>
            <button type="button" class="button-secondary" on:click=move |_| decide(selection(), Decision::Reject)>
                "Refuser la sélection"
            </button>
            <span class="selection-count">{selection_count}</span>
        </div>
    };

    let queue = view! {
        <section class="panel queue" aria-labelledby="file-titre">
            <h2 id="file-titre" tabindex="-1" node_ref=heading_ref>"File d'attente"</h2>
            {status(notice)}
            {alert(problem)}
            {bulk_bar}
            {requests.view()}
        </section>
    }
    .into_any();
    let parts = vec![
        lead("Les familles ont modifié ces renseignements ; rien ne change dans leur dossier tant que vous n'avez pas validé.".to_owned()),
        section("filtres-titre", "Filtres", vec![filter_form.view()]),
        queue,
    ];
    view! { <Page title="Demandes de modification">{parts}</Page> }.into_any()
}

/// One request as table cells: selection box and decision buttons while pending, its
/// status otherwise.
fn request_row(
    request: &ChangeRequest,
    pending_view: bool,
    selected: RwSignal<BTreeSet<i64>>,
    decide: impl Fn(Vec<i64>, Decision) + Copy + 'static,
) -> Vec<AnyView> {
    let id = request.id;
    let about = subject(request);
    let change = view! {
        <span class="old-value">{shown(&request.old_value)}</span>
        <span aria-hidden="true">" → "</span>
        <span class="visually-hidden">" devient "</span>
        <strong class="new-value">{shown(&request.new_value)}</strong>
    }
    .into_any();
    let mut cells = vec![
        request.family_name.clone().into_any(),
        request.target_name.clone().into_any(),
        request.field_label.clone().into_any(),
        change,
        paris_date_time(request.requested_at).into_any(),
    ];
    if !pending_view || request.status != ChangeStatus::Pending {
        cells.push(status_label(request.status).into_any());
        if pending_view {
            cells.insert(0, ().into_any());
        }
        return cells;
    }
    let toggle = move |event| {
        let checked = event_target_checked(&event);
        selected.update(|chosen| {
            if checked {
                chosen.insert(id);
            } else {
                chosen.remove(&id);
            }
        });
    };
    cells.insert(
        0,
        view! {
            <input
                type="checkbox"
                aria-label=format!("Sélectionner : {about}")
                prop:checked=move || selected.with(|chosen| chosen.contains(&id))
                on:change=toggle
            />
        }
        .into_any(),
    );
    cells.push(
        view! {
            <span class="row-actions">
                <button type="button" class="button-small" on:click=move |_| decide(vec![id], Decision::Approve)>
                    "Valider"
                    <span class="visually-hidden">" : " {about.clone()}</span>
                </button>
                <button type="button" class="button-small button-quiet" on:click=move |_| decide(vec![id], Decision::Reject)>
                    "Refuser"
                    <span class="visually-hidden">" : " {about}</span>
                </button>
            </span>
        }
        .into_any(),
    );
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_are_announced_with_french_agreement() {
        assert_eq!(decided_message(1, Decision::Approve), "1 demande validée");
        assert_eq!(decided_message(2, Decision::Approve), "2 demandes validées");
        assert_eq!(decided_message(3, Decision::Reject), "3 demandes refusées");
    }

    #[test]
    fn empty_values_show_as_empty() {
        assert_eq!(shown(""), "(vide)");
        assert_eq!(shown("06 12 34 56 78"), "06 12 34 56 78");
    }
}
