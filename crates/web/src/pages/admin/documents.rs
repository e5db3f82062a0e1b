//! "Documents": the pieces families sent, which staff preview in the browser, then
//! validate or refuse with a reason the family sees (the server emails it); and, on
//! `/admin/documents/types`, the site's document types: created, edited, reordered,
//! retired.

use futures::FutureExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tutti_shared::{
    DEFAULT_PER_PAGE, DocumentDecision, DocumentQueueQuery, DocumentScope, DocumentState,
    DocumentType, DocumentTypeInput, DocumentVerdict, ErrorCode, ListQuery, MAX_PER_PAGE,
    QueuedDocument, RequirementRule,
};

use super::families::student_choices;
use super::widgets::{
    Field, Form, Kind, Loader, Values, alert, choices, data_table, field_error, focus_later, hint,
    lead, link_line, pager, render, search_box, section, status, subheading,
};
use crate::api::{self, ApiError};
use crate::components::Page;
use crate::dates::paris_date_time;
use crate::files;
use crate::forms::FieldErrors;
use crate::i18n;
use crate::router::Location;
use crate::session::Session;

/// Longest refusal reason the server accepts, in characters.
const MAX_REASON_CHARS: usize = 500;

/// Every requirement rule, in the order the type form offers them.
const RULES: [RequirementRule; 6] = [
    RequirementRule::Always,
    RequirementRule::Disciplines,
    RequirementRule::DirectDebit,
    RequirementRule::Residents,
    RequirementRule::Pedibus,
    RequirementRule::Optional,
];

/// "850 octets", "1,5 Ko", "245 Ko", "1,8 Mo": a file's size as French readers write it
/// (1 Ko = 1024 octets, as the 2 Mo upload limit counts them). Integer arithmetic only:
/// float formatting would add its code to the wasm for one column.
pub fn file_size_label(bytes: i64) -> String {
    const KIB: i64 = 1024;
    let bytes = bytes.max(0);
    // Tenths, rounded to the nearest.
    let tenths = |unit: i64| (bytes * 10 + unit / 2) / unit;
    let with_comma = |tenths: i64, unit: &str| {
        if tenths % 10 == 0 {
            format!("{} {unit}", tenths / 10)
        } else {
            format!("{},{} {unit}", tenths / 10, tenths % 10)
        }
    };
    if bytes < KIB {
        let plural = if bytes > 1 { "s" } else { "" };
        return format!("{bytes} octet{plural}");
    }
    if bytes < 10 * KIB {
        return with_comma(tenths(KIB), "Ko");
    }
    if bytes < KIB * KIB {
        // Rounded to the nearest Ko; 1023,6 Ko reads "1 024 Ko" rather than "1 Mo" early.
        return format!("{} Ko", (bytes + KIB / 2) / KIB);
    }
    with_comma(tenths(KIB * KIB), "Mo")
}

/// Whom a type concerns, for the types' table and form.
fn scope_label(scope: DocumentScope) -> &'static str {
    match scope {
        DocumentScope::Household => "Le foyer",
        DocumentScope::Student => "Chaque élève",
    }
}

/// Whether the page shows the file itself (an image); PDFs open in a new tab.
pub fn shows_inline(content_type: &str) -> bool {
    matches!(content_type, "image/jpeg" | "image/png")
}

/// "Certificat médical (danse), Léa Martin": what a document is about, for its row's
/// controls and the announcements.
pub fn document_subject(document: &QueuedDocument) -> String {
    let who = document
        .student_name
        .as_deref()
        .unwrap_or(&document.household_name);
    format!("{}, {who}", document.document_type)
}

/// The ids of a list with the one `id` moved one place up or down; `None` when it is
/// already first (up) or last (down), or not in the list.
pub fn moved(ids: &[i64], id: i64, up: bool) -> Option<Vec<i64>> {
    let index = ids.iter().position(|candidate| *candidate == id)?;
    let other = if up {
        index.checked_sub(1)?
    } else {
        Some(index + 1).filter(|next| *next < ids.len())?
    };
    let mut order = ids.to_vec();
    order.swap(index, other);
    Some(order)
}

/// What a 409 on a decision says, whichever it is: someone decided first
/// (`invalid_transition`), or the family replaced the file (`stale_version`). The
/// server's generic stale message speaks of a form's entries, which a decision has not.
const DECISION_CONFLICT: &str = "Ce document a été traité ou remplacé entre-temps : votre décision n'a pas été appliquée. La liste a été mise à jour ; vérifiez-la puis recommencez si besoin.";

/// Whether someone changed the record since it was read (409 `stale_version`).
fn is_stale(error: &ApiError) -> bool {
    matches!(error, ApiError::Api { body, .. } if body.code == ErrorCode::StaleVersion)
}

/// A document a decision is about: its id, the version read, and what it is.
#[derive(Debug, Clone)]
struct Target {
    id: i64,
    version: i32,
    subject: String,
}

impl Target {
    fn of(document: &QueuedDocument) -> Self {
        Self {
            id: document.id,
            version: document.version,
            subject: document_subject(document),
        }
    }
}

/// An image shown in the page, from an object URL that must be revoked when it closes.
#[derive(Debug, Clone)]
struct Preview {
    document_id: i64,
    url: String,
    title: String,
    alt: String,
}

/// What a row's buttons do.
#[derive(Clone, Copy)]
struct RowActions {
    preview: Callback<QueuedDocument>,
    validate: Callback<Target>,
    refuse: Callback<Target>,
}

/// The queue of documents, its filters, the preview and the decisions.
pub fn documents_page() -> AnyView {
    let session = Session::expect();
    // "?famille=12" comes from a re-enrolment file: open the queue filtered on it.
    let family_filter =
        untrack(|| Location::expect().query_value("famille")).and_then(|id| id.parse::<i64>().ok());
    let filters = RwSignal::new(DocumentQueueQuery {
        state: Some(DocumentState::Transmis.as_str().to_owned()),
        household_id: family_filter,
        page: Some(1),
        per_page: Some(DEFAULT_PER_PAGE),
        ..DocumentQueueQuery::default()
    });
    let types = RwSignal::new(Vec::<DocumentType>::new());
    let family_choices = RwSignal::new(Vec::<(String, String)>::new());
    let (student_search, students) = student_choices(session);
    let notice = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let preview = RwSignal::new(None::<Preview>);
    let refusing = RwSignal::new(None::<Target>);

    let _types = Loader::new(move || {
        async move {
            types.set(api::admin::list_document_types(session).await?);
            Ok(render(|| ().into_any()))
        }
        .boxed_local()
    });
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

    // Closes the image preview and frees its memory; the focus goes back to the button
    // that opened it when asked (it may be gone: a decided document leaves the queue).
    let close_preview = move |give_focus_back: bool| {
        let Some(shown) = preview.try_get_untracked().flatten() else {
            return;
        };
        files::forget(&shown.url);
        preview.set(None);
        if give_focus_back {
            focus_later(format!("apercu-{}", shown.document_id));
        }
    };
    // Leaving the page frees the image too.
    on_cleanup(move || {
        if let Some(shown) = preview.try_get_untracked().flatten() {
            files::forget(&shown.url);
        }
    });

    let show = Callback::new(move |document: QueuedDocument| {
        notice.set(None);
        problem.set(None);
        let inline = shows_inline(&document.file.content_type);
        // A tab opened once the download is done would be blocked as a pop-up: it is
        // opened now, in the click, and shows the file when it arrives.
        let tab = if inline { None } else { files::open_tab() };
        let in_a_tab = tab.is_some();
        spawn_local(async move {
            let subject = document_subject(&document);
            let blob = match api::admin::find_admin_document_file(session, document.id).await {
                Ok(blob) => blob,
                Err(error) => {
                    if let Some(tab) = tab {
                        // Closing fails only when the tab is already gone.
                        let _ = tab.close();
                    }
                    problem.set(Some(error.to_string()));
                    return;
                }
            };
            let name = &document.file.file_name;
            if !inline {
                files::show_in(tab, &blob, name);
                notice.set(Some(if in_a_tab {
                    format!("{subject} : le fichier « {name} » s'ouvre dans un nouvel onglet.")
                } else {
                    format!("{subject} : le fichier « {name} » a été téléchargé.")
                }));
                return;
            }
            let Some(url) = files::object_url(&blob) else {
                problem.set(Some(i18n::UNEXPECTED_ANSWER.to_owned()));
                return;
            };
            close_preview(false);
            let shown = Preview {
                document_id: document.id,
                url,
                title: subject.clone(),
                alt: format!("{subject} : image du fichier « {name} » envoyé par la famille"),
            };
            // The page may have been left during the download: then free the image now.
            if let Some(Some(unshown)) = preview.try_set(Some(shown)) {
                files::forget(&unshown.url);
                return;
            }
            focus_later("apercu-titre");
        });
    });

    // After a decision, whatever its outcome: the list reloads (it reads the filters),
    // the decided document's preview closes, and keyboard users go back to the queue,
    // since the row that had the focus may be gone.
    let after_decision = move |id: i64| {
        filters.update(|_| ());
        if preview
            .with_untracked(|shown| shown.as_ref().is_some_and(|shown| shown.document_id == id))
        {
            close_preview(false);
        }
        focus_later("documents-titre");
    };
    let validate = Callback::new(move |target: Target| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        notice.set(None);
        problem.set(None);
        refusing.set(None);
        spawn_local(async move {
            let decision = DocumentDecision {
                decision: DocumentVerdict::Validate,
                reason: None,
                version: target.version,
            };
            match api::admin::decide_document(session, target.id, &decision).await {
                Ok(()) => notice.set(Some(format!("{} : document validé.", target.subject))),
                Err(ApiError::Api { status: 409, .. }) => {
                    problem.set(Some(DECISION_CONFLICT.to_owned()));
                }
                Err(error) => problem.set(Some(error.to_string())),
            }
            busy.set(false);
            after_decision(target.id);
        });
    });
    let refuse = Callback::new(move |target: Target| {
        notice.set(None);
        problem.set(None);
        refusing.set(Some(target));
        focus_later("refus-reason");
    });
    let actions = RowActions {
        preview: show,
        validate,
        refuse,
    };

    let go_to = Callback::new(move |page: i64| filters.update(|query| query.page = Some(page)));
    let queue = Loader::new(move || {
        let query = filters.get();
        let to_check = query.state.as_deref() == Some(DocumentState::Transmis.as_str());
        async move {
            let page = api::admin::list_admin_documents(session, &query).await?;
            Ok(render(move || {
                let rows = page
                    .items
                    .iter()
                    .map(|document| document_row(document, actions))
                    .collect();
                let total = page.total;
                let plural = if total > 1 { "s" } else { "" };
                let caption = if to_check {
                    format!("{total} document{plural} à vérifier")
                } else {
                    format!("{total} document{plural}")
                };
                view! {
                    {data_table(caption, "Aucun document ne correspond à ces critères.", &["Document", "Famille / élève", "Fichier", "Transmis le", "État", "Décision"], 0, rows)}
                    {pager("Pages de la liste des documents", page.page, api::admin::page_count(&page), go_to)}
                }
                .into_any()
            }))
        }
        .boxed_local()
    });

    let refusal = move || {
        refusing.get().map(|target| {
            let Target { id, version, subject } = target;
            let close = Callback::new(move |()| {
                refusing.set(None);
                focus_later(format!("refuser-{id}"));
            });
            let title = format!("Refuser : {subject}");
            let form = Form::new(
                "refus",
                "Refuser le document",
                vec![Field::new(
                    "reason",
                    "Motif du refus (visible par la famille)",
                    Kind::Area,
                )],
                move |values| {
                    let reason = values.text("reason");
                    if reason.chars().count() > MAX_REASON_CHARS {
                        return Err(field_error("reason", "500 caractères au plus."));
                    }
                    let subject = subject.clone();
                    Ok(async move {
                        let decision = DocumentDecision {
                            decision: DocumentVerdict::Refuse,
                            reason: Some(reason),
                            version,
                        };
                        match api::admin::decide_document(session, id, &decision).await {
                            Ok(()) => notice.set(Some(format!(
                                "{subject} : document refusé. La famille est prévenue par e-mail et voit le motif sur le portail."
                            ))),
                            Err(ApiError::Api { status: 409, .. }) => {
                                problem.set(Some(DECISION_CONFLICT.to_owned()));
                            }
                            // Anything else stays in the form, with the reason typed.
                            Err(error) => return Err(error),
                        }
                        refusing.set(None);
                        after_decision(id);
                        Ok(String::new())
                    }
                    .boxed_local())
                },
            )
            .extra(secondary_button("Annuler", close));
            let content = vec![
                hint("La famille reçoit ce motif par e-mail et le voit sur le portail, où elle peut envoyer un autre fichier. 500 caractères au plus."),
                form.view(),
            ];
            editor("refus-titre", title, content, close)
        })
    };

    let shown = move || {
        preview.get().map(|shown| {
            let close = Callback::new(move |()| close_preview(true));
            let content = vec![
                view! { <img class="document-preview" src=shown.url alt=shown.alt /> }.into_any(),
                secondary_button("Fermer l'aperçu", close),
            ];
            editor(
                "apercu-titre",
                format!("Aperçu : {}", shown.title),
                content,
                close,
            )
        })
    };

    let filter_form = filter_form(types, family_choices, students, filters, family_filter);
    let queue_section = view! {
        <section class="panel queue" aria-labelledby="documents-titre">
            <h2 id="documents-titre" tabindex="-1">"Documents"</h2>
            {status(notice)}
            {alert(problem)}
            {shown}
            {refusal}
            {queue.view()}
        </section>
    }
    .into_any();
    let parts = vec![
        lead("Les pièces envoyées par les familles. Ouvrez chaque fichier, puis validez-le ou refusez-le en indiquant le motif : la famille le reçoit par e-mail.".to_owned()),
        link_line("/admin/documents/types", "Gérer les types de documents demandés"),
        section(
            "filtres-titre",
            "Filtres",
            vec![
                search_box("filtre-recherche-eleve", "Rechercher un élève pour le filtre « Élève »", student_search),
                filter_form,
            ],
        ),
        queue_section,
    ];
    view! { <Page title="Documents">{parts}</Page> }.into_any()
}

/// The queue's filters: type, state (to check by default), household, student, dates.
fn filter_form(
    types: RwSignal<Vec<DocumentType>>,
    families: RwSignal<Vec<(String, String)>>,
    students: Signal<Vec<(String, String)>>,
    filters: RwSignal<DocumentQueueQuery>,
    family_filter: Option<i64>,
) -> AnyView {
    let type_choices = Signal::derive(move || {
        types.with(|types| {
            types
                .iter()
                .map(|kind| {
                    let retired = if kind.retired_at.is_some() {
                        " (retiré)"
                    } else {
                        ""
                    };
                    (kind.id.to_string(), format!("{}{retired}", kind.name))
                })
                .collect()
        })
    });
    let states = [
        (DocumentState::Transmis, "À vérifier"),
        (DocumentState::Valide, "Validés"),
        (DocumentState::Refuse, "Refusés"),
    ]
    .map(|(state, label)| (state.as_str().to_owned(), label.to_owned()))
    .to_vec();
    let id =
        |values: &Values, name: &str| values.optional_text(name).and_then(|id| id.parse().ok());
    Form::new(
        "filtre",
        "Filtrer",
        vec![
            Field::new("document_type_id", "Document", Kind::Choice(type_choices))
                .optional()
                .placeholder(Some("Tous les documents")),
            Field::new("state", "État", choices(states))
                .optional()
                .placeholder(Some("Tous les états")),
            Field::new("household_id", "Famille", Kind::Choice(families.into()))
                .optional()
                .placeholder(Some("Toutes les familles")),
            Field::new("student_id", "Élève", Kind::Choice(students))
                .optional()
                .placeholder(Some("Tous les élèves")),
            Field::new("from", "Transmis du", Kind::Date).optional(),
            Field::new("to", "Au", Kind::Date).optional(),
        ],
        move |values| {
            let (from, to) = (values.optional_date("from")?, values.optional_date("to")?);
            filters.set(DocumentQueueQuery {
                document_type_id: id(&values, "document_type_id"),
                state: values.optional_text("state"),
                household_id: id(&values, "household_id"),
                student_id: id(&values, "student_id"),
                from,
                to,
                page: Some(1),
                per_page: Some(DEFAULT_PER_PAGE),
            });
            Ok(async { Ok(String::new()) }.boxed_local())
        },
    )
    .initial(vec![
        String::new(),
        DocumentState::Transmis.as_str().to_owned(),
        family_filter.map(|id| id.to_string()).unwrap_or_default(),
    ])
    .filters()
    .view()
}

/// One document as table cells: what it is, its file, its state, and its actions.
fn document_row(document: &QueuedDocument, actions: RowActions) -> Vec<AnyView> {
    let file = &document.file;
    let subject = document_subject(document);
    let file_name = if file.file_available {
        file.file_name.clone()
    } else {
        format!("{} (fichier supprimé après validation)", file.file_name)
    };
    let state = match (document.state, file.decided_at) {
        (DocumentState::Valide, Some(decided)) => {
            format!("Validé le {}", paris_date_time(decided)).into_any()
        }
        (DocumentState::Refuse, _) => with_detail(
            DocumentState::Refuse.label().to_owned(),
            format!(
                "Motif : {}",
                document.refusal_reason.as_deref().unwrap_or_default()
            ),
        ),
        (state, _) => state.label().into_any(),
    };
    let id = document.id;
    let preview = file.file_available.then(|| {
        let shown = document.clone();
        let about = if shows_inline(&file.content_type) {
            subject.clone()
        } else {
            format!("{subject} (nouvel onglet)")
        };
        let open = Callback::new(move |()| actions.preview.run(shown.clone()));
        row_button("Aperçu", about, format!("apercu-{id}"), QUIET, false, open)
    });
    let decisions = (document.state == DocumentState::Transmis).then(|| {
        let target = Target::of(document);
        let refused = target.clone();
        let validate = Callback::new(move |()| actions.validate.run(target.clone()));
        let refuse = Callback::new(move |()| actions.refuse.run(refused.clone()));
        vec![
            row_button(
                "Valider",
                subject.clone(),
                format!("valider-{id}"),
                STRONG,
                false,
                validate,
            ),
            row_button(
                "Refuser",
                subject.clone(),
                format!("refuser-{id}"),
                QUIET,
                false,
                refuse,
            ),
        ]
    });
    // "Aperçu" goes with the file it opens, which leaves the decisions room for one line;
    // a decided document's cell stays empty, and phones then hide it with its label.
    let file_cell = view! {
        {with_detail(file_name, file_size_label(file.size_bytes))}
        {preview.map(|button| view! { <span class="cell-action">{button}</span> })}
    }
    .into_any();
    let buttons = match decisions {
        Some(decisions) => {
            view! { <span class="row-actions row-actions-wrap">{decisions}</span> }.into_any()
        }
        None => ().into_any(),
    };
    let child = document
        .student_name
        .clone()
        .unwrap_or_else(|| "Tout le foyer".to_owned());
    vec![
        document.document_type.clone().into_any(),
        with_detail(document.household_name.clone(), child),
        file_cell,
        paris_date_time(file.uploaded_at).into_any(),
        state,
        buttons,
    ]
}

/// The classes of a row's main action and of its other actions.
const STRONG: &str = "button-small";
const QUIET: &str = "button-small button-quiet";

/// A button of a table row: its text, then what it acts on for screen readers ("Valider
/// : Assurance responsabilité civile, Famille Martin"). One view for every row button of
/// both screens: each distinct view costs code in the wasm.
fn row_button(
    text: &'static str,
    about: String,
    id: String,
    class: &'static str,
    disabled: bool,
    on_click: Callback<()>,
) -> AnyView {
    view! {
        <button type="button" class=class id=id disabled=disabled on:click=move |_| on_click.run(())>
            {text}
            <span class="visually-hidden">" : " {about}</span>
        </button>
    }
    .into_any()
}

/// A cell's text with a second, quieter line ("Famille Martin" over "Léa Martin").
fn with_detail(main: String, detail: String) -> AnyView {
    view! { {main} <span class="cell-detail">{detail}</span> }.into_any()
}

/// "Annuler", "Fermer l'aperçu".
fn secondary_button(text: &'static str, on_click: Callback<()>) -> AnyView {
    view! {
        <button type="button" class="button-secondary" on:click=move |_| on_click.run(())>{text}</button>
    }
    .into_any()
}

/// A panel opened from a row (a preview, a refusal, an edit), named by its heading, which
/// takes the focus; Escape closes it, as its own button does.
fn editor(
    title_id: &'static str,
    title: String,
    content: Vec<AnyView>,
    close: Callback<()>,
) -> AnyView {
    let on_key = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Escape" {
            close.run(());
        }
    };
    view! {
        <div class="editor" role="group" aria-labelledby=title_id on:keydown=on_key>
            <h3 id=title_id tabindex="-1">{title}</h3>
            {content}
        </div>
    }
    .into_any()
}

/// The document types form's fields, in the order of [`type_values`]; the "retired" box
/// only when editing.
fn type_fields(editing: bool) -> Vec<Field> {
    let scopes = [DocumentScope::Household, DocumentScope::Student]
        .map(|scope| (scope.as_str().to_owned(), scope_label(scope).to_owned()))
        .to_vec();
    let rules = RULES
        .iter()
        .map(|rule| (rule.as_str().to_owned(), rule.label().to_owned()))
        .collect();
    let mut fields = vec![
        Field::new("name", "Nom", Kind::Text),
        Field::new("help_text", "Texte d'aide pour les familles", Kind::Area).optional(),
        Field::new(
            "form_url",
            "Lien vers le formulaire vierge (https://…)",
            Kind::Text,
        )
        .optional(),
        Field::new("scope", "Concerne", choices(scopes)),
        Field::new("requirement", "Exigé", choices(rules)),
        Field::new(
            "delete_file_when_validated",
            "Supprimer le fichier une fois validé (documents de santé)",
            Kind::Check,
        ),
    ];
    if editing {
        fields.push(Field::new(
            "retired",
            "Retiré : n'est plus demandé (ses fichiers sont conservés)",
            Kind::Check,
        ));
    }
    fields
}

/// An existing type as the edit form's first values.
fn type_values(kind: &DocumentType) -> Vec<String> {
    let check = |on: bool| if on { "true" } else { "" }.to_owned();
    vec![
        kind.name.clone(),
        kind.help_text.clone(),
        kind.form_url.clone(),
        kind.scope.as_str().to_owned(),
        kind.requirement.as_str().to_owned(),
        check(kind.delete_file_when_validated),
        check(kind.retired_at.is_some()),
    ]
}

/// Reads the type form; the server checks lengths, the link and the rule's scope.
fn type_input(values: &Values, version: Option<i32>) -> Result<DocumentTypeInput, FieldErrors> {
    let scope = DocumentScope::parse(&values.text("scope"))
        .ok_or_else(|| field_error("scope", i18n::REQUIRED_FIELD))?;
    let requirement = RequirementRule::parse(&values.text("requirement"))
        .ok_or_else(|| field_error("requirement", i18n::REQUIRED_FIELD))?;
    Ok(DocumentTypeInput {
        name: values.text("name"),
        help_text: values.text("help_text"),
        form_url: values.text("form_url"),
        scope,
        requirement,
        delete_file_when_validated: values.checked("delete_file_when_validated"),
        retired: values.checked("retired"),
        version,
    })
}

/// The site's document types in order: reorder, edit, retire, add.
pub fn document_types_page() -> AnyView {
    let session = Session::expect();
    let types = RwSignal::new(Vec::<DocumentType>::new());
    let editing = RwSignal::new(None::<DocumentType>);
    let notice = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let move_type = Callback::new(move |(id, up): (i64, bool)| {
        if busy.get_untracked() {
            return;
        }
        let ids: Vec<i64> =
            types.with_untracked(|types| types.iter().map(|kind| kind.id).collect());
        let Some(order) = moved(&ids, id, up) else {
            return;
        };
        busy.set(true);
        notice.set(None);
        problem.set(None);
        spawn_local(async move {
            match api::admin::update_document_type_order(session, order).await {
                Ok(reordered) => {
                    let count = reordered.len();
                    let index = reordered.iter().position(|kind| kind.id == id).unwrap_or(0);
                    let name = reordered
                        .get(index)
                        .map(|kind| kind.name.clone())
                        .unwrap_or_default();
                    types.set(reordered);
                    notice.set(Some(format!(
                        "« {name} » est maintenant en position {} sur {count}.",
                        index + 1
                    )));
                    // The focus stays on the moved type: on the same button while it can
                    // still move that way, else on the other one.
                    let can_go_on = if up { index > 0 } else { index + 1 < count };
                    let focus_up = if can_go_on { up } else { !up };
                    let button = if focus_up { "monter" } else { "descendre" };
                    focus_later(format!("{button}-{id}"));
                }
                Err(error) => {
                    problem.set(Some(error.to_string()));
                    // Another order may have been saved meanwhile: show it.
                    if let Ok(fresh) = api::admin::list_document_types(session).await {
                        types.set(fresh);
                    }
                }
            }
            busy.set(false);
        });
    });
    let edit = Callback::new(move |kind: DocumentType| {
        notice.set(None);
        problem.set(None);
        editing.set(Some(kind));
        focus_later("type-modif-titre");
    });

    let list = Loader::new(move || {
        async move {
            types.set(api::admin::list_document_types(session).await?);
            Ok(render(move || {
                types.with(|list| {
                    let count = list.len();
                    let rows = list
                        .iter()
                        .enumerate()
                        .map(|(index, kind)| type_row(kind, index, count, move_type, edit))
                        .collect();
                    data_table(
                        "Types de documents, dans l'ordre où les familles les voient".to_owned(),
                        "Aucun type de document : ajoutez le premier ci-dessous.",
                        &["Document", "Concerne", "Exigé", "État", "Actions"],
                        0,
                        rows,
                    )
                })
            }))
        }
        .boxed_local()
    });

    let create = Form::new(
        "type",
        "Ajouter le type",
        type_fields(false),
        move |values| {
            let input = type_input(&values, None)?;
            Ok(async move {
                api::admin::create_document_type(session, &input).await?;
                list.reload();
                Ok(format!("Type « {} » ajouté en fin de liste.", input.name))
            }
            .boxed_local())
        },
    );

    let editor = move || {
        editing.get().map(|kind| {
            let DocumentType { id, version, .. } = kind;
            let initial = type_values(&kind);
            let close = Callback::new(move |()| {
                editing.set(None);
                focus_later(format!("modifier-{id}"));
            });
            let form = Form::new(
                "type-modif",
                "Enregistrer",
                type_fields(true),
                move |values| {
                    let input = type_input(&values, Some(version))?;
                    Ok(async move {
                        match api::admin::update_document_type(session, id, &input).await {
                            Ok(saved) => {
                                problem.set(None);
                                let state = if saved.retired_at.is_some() {
                                    " Il est retiré : il n'est plus demandé aux familles."
                                } else {
                                    ""
                                };
                                notice.set(Some(format!(
                                    "Type « {} » enregistré.{state}",
                                    saved.name
                                )));
                                types.update(|list| {
                                    if let Some(slot) = list.iter_mut().find(|kind| kind.id == id) {
                                        *slot = saved;
                                    }
                                });
                                editing.set(None);
                                focus_later(format!("modifier-{id}"));
                            }
                            Err(error) if is_stale(&error) => {
                                // Someone saved first: their version replaces the form, and
                                // the message (above the form) says to check it and save again.
                                let fresh = api::admin::list_document_types(session).await?;
                                editing.set(fresh.iter().find(|kind| kind.id == id).cloned());
                                types.set(fresh);
                                problem.set(Some(error.to_string()));
                                focus_later("type-modif-titre");
                            }
                            Err(error) => return Err(error),
                        }
                        Ok(String::new())
                    }
                    .boxed_local())
                },
            )
            .initial(initial)
            .extra(secondary_button("Annuler", close));
            let title = format!("Modifier le type « {} »", kind.name);
            editor("type-modif-titre", title, vec![form.view()], close)
        })
    };

    let parts = vec![
        link_line("/admin/documents", "Retour aux documents"),
        lead("Les pièces que le site demande aux familles, dans l'ordre où elles les voient. Un type retiré n'est plus demandé ; les fichiers déjà reçus sont conservés.".to_owned()),
        section(
            "types-titre",
            "Types de documents",
            vec![
                status(notice),
                list.view().into_any(),
                alert(problem),
                editor.into_any(),
                subheading("Ajouter un type de document"),
                create.view(),
            ],
        ),
    ];
    view! { <Page title="Types de documents">{parts}</Page> }.into_any()
}

/// A type as a table row, with "Monter", "Descendre" and "Modifier".
fn type_row(
    kind: &DocumentType,
    index: usize,
    count: usize,
    move_type: Callback<(i64, bool)>,
    edit: Callback<DocumentType>,
) -> Vec<AnyView> {
    let id = kind.id;
    let name = kind.name.clone();
    let state = match kind.retired_at {
        Some(retired) => format!("Retiré le {}", paris_date_time(retired)),
        None => "Demandé".to_owned(),
    };
    // Health documents: what validation does to the file, under the name.
    let name_cell = if kind.delete_file_when_validated {
        with_detail(
            kind.name.clone(),
            "Fichier supprimé une fois validé".to_owned(),
        )
    } else {
        kind.name.clone().into_any()
    };
    let edited = kind.clone();
    let move_button = |text: &'static str, up: bool, disabled: bool| {
        let element_id = format!("{}-{id}", if up { "monter" } else { "descendre" });
        let act = Callback::new(move |()| move_type.run((id, up)));
        row_button(text, name.clone(), element_id, QUIET, disabled, act)
    };
    let open = Callback::new(move |()| edit.run(edited.clone()));
    let actions = view! {
        <span class="row-actions row-actions-wrap">
            {move_button("Monter", true, index == 0)}
            {move_button("Descendre", false, index + 1 >= count)}
            {row_button("Modifier", name.clone(), format!("modifier-{id}"), STRONG, false, open)}
        </span>
    };
    vec![
        name_cell,
        scope_label(kind.scope).into_any(),
        kind.requirement.label().into_any(),
        state.into_any(),
        actions.into_any(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_french_octets_ko_and_mo() {
        assert_eq!(file_size_label(0), "0 octet");
        assert_eq!(file_size_label(850), "850 octets");
        assert_eq!(file_size_label(1024), "1 Ko");
        assert_eq!(file_size_label(1536), "1,5 Ko");
        assert_eq!(file_size_label(250_880), "245 Ko");
        assert_eq!(file_size_label(1_887_437), "1,8 Mo");
        assert_eq!(file_size_label(2 * 1024 * 1024), "2 Mo");
    }

    #[test]
    fn only_images_show_in_the_page() {
        assert!(shows_inline("image/jpeg"));
        assert!(shows_inline("image/png"));
        assert!(!shows_inline("application/pdf"));
    }

    #[test]
    fn a_type_moves_one_place_and_never_past_the_ends() {
        let ids = [4, 7, 9];
        assert_eq!(moved(&ids, 7, true), Some(vec![7, 4, 9]));
        assert_eq!(moved(&ids, 7, false), Some(vec![4, 9, 7]));
        assert_eq!(moved(&ids, 4, true), None);
        assert_eq!(moved(&ids, 9, false), None);
        assert_eq!(moved(&ids, 5, true), None);
    }

    #[test]
    fn a_document_is_named_by_its_type_and_child_or_household() {
        let mut document = QueuedDocument {
            id: 1,
            document_type_id: 2,
            document_type: "Certificat médical (danse)".to_owned(),
            household_id: 3,
            household_name: "Famille Martin".to_owned(),
            student_id: Some(4),
            student_name: Some("Léa Martin".to_owned()),
            state: DocumentState::Transmis,
            refusal_reason: None,
            file: tutti_shared::DocumentFile {
                id: 1,
                file_name: "certificat.pdf".to_owned(),
                content_type: "application/pdf".to_owned(),
                size_bytes: 1000,
                uploaded_at: chrono::NaiveDateTime::default(),
                decided_at: None,
                file_available: true,
            },
            version: 1,
        };
        assert_eq!(
            document_subject(&document),
            "Certificat médical (danse), Léa Martin"
        );
        document.student_name = None;
        assert_eq!(
            document_subject(&document),
            "Certificat médical (danse), Famille Martin"
        );
    }
}
