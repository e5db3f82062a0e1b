//! The rules of documents: which pieces a household owes (from this year's enrolments and
//! the household's choices), uploads that replace a non-validated file, deletions before
//! validation, the staff queue and decisions, and the document types' upkeep.
//!
//! Files are written before the row that names them and deleted after the commit that
//! stops naming them: a crash leaves at worst an orphan file, never a row without a file.

use tutti_shared::{
    DocumentDecision, DocumentFile, DocumentQueueQuery, DocumentScope, DocumentState, DocumentType,
    DocumentTypeInput, DocumentVerdict, ErrorCode, FILE_TOO_LARGE_MESSAGE, HouseholdDocuments,
    ListQuery, MAX_DOCUMENT_BYTES, Page, QueuedDocument, RequiredDocument, RequirementRule,
    StudentDocuments, clean_file_name,
};

use super::inspection::inspect;
use super::storage::DocumentStore;
use super::store::{self, DocumentRow, NewDocument, TypeRow};
use crate::audit::record_school_action;
use crate::caller::{FamilyCaller, SchoolCaller};
use crate::db::{DbConnection, now, write_transaction};
use crate::domain::{DomainError, FieldErrors, HouseholdId, SiteId, optional_text, required_text};
use crate::mail::store::enqueue;
use crate::state::AppState;

const ALREADY_VALIDATED: &str =
    "Ce document a déjà été validé : il ne peut plus être remplacé ni supprimé.";

// ---------------------------------------------------------------- document types

fn validate_type(input: &DocumentTypeInput) -> Result<(), DomainError> {
    let mut errors = FieldErrors::new();
    required_text(&mut errors, "name", input.name.trim(), 120);
    optional_text(&mut errors, "help_text", &input.help_text, 1000);
    let url = input.form_url.trim();
    if !url.is_empty()
        && (!(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 500)
    {
        errors.insert(
            "form_url".to_owned(),
            "Une adresse web commençant par https:// est attendue.".to_owned(),
        );
    }
    if input.scope == DocumentScope::Household && input.requirement == RequirementRule::Disciplines
    {
        errors.insert(
            "requirement".to_owned(),
            "La règle « danse » s'applique à un document par élève.".to_owned(),
        );
    }
    DomainError::check(errors)
}

fn name_taken(error: DomainError) -> DomainError {
    match error {
        DomainError::Conflict(refusal) if refusal.code == ErrorCode::AlreadyExists => {
            DomainError::already_exists("Un type de document porte déjà ce nom.")
        }
        other => other,
    }
}

/// The site's document types, retired ones included, in order.
pub async fn list_types(state: &AppState, site: SiteId) -> Result<Vec<DocumentType>, DomainError> {
    state
        .db
        .work(move |connection| {
            Ok(store::list_types(connection, site)?
                .iter()
                .map(TypeRow::to_wire)
                .collect())
        })
        .await
}

/// Creates a document type at the end of the list.
pub async fn create_type(
    state: &AppState,
    site: SiteId,
    input: DocumentTypeInput,
) -> Result<i64, DomainError> {
    validate_type(&input)?;
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                Ok::<_, DomainError>(store::insert_type(connection, site, &input, now())?)
            })
            .map_err(name_taken)
        })
        .await
}

/// Edits (or retires, or brings back) a document type; `version` must be the one read.
pub async fn update_type(
    state: &AppState,
    site: SiteId,
    id: i64,
    input: DocumentTypeInput,
) -> Result<DocumentType, DomainError> {
    validate_type(&input)?;
    let version = input
        .version
        .ok_or_else(|| DomainError::field("version", "La version lue est requise."))?;
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let row = store::find_type(connection, site, id)?.ok_or(DomainError::NotFound)?;
                if !store::update_type(connection, site, &row, &input, version, now())? {
                    return Err(DomainError::Stale);
                }
                let row = store::find_type(connection, site, id)?.ok_or(DomainError::NotFound)?;
                Ok(row.to_wire())
            })
            .map_err(name_taken)
        })
        .await
}

/// Puts the site's document types in the given order (every id, once).
pub async fn reorder_types(
    state: &AppState,
    site: SiteId,
    ids: Vec<i64>,
) -> Result<Vec<DocumentType>, DomainError> {
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let rows = store::list_types(connection, site)?;
                let mut known: Vec<i64> = rows.iter().map(|row| row.id).collect();
                let mut given = ids.clone();
                known.sort_unstable();
                given.sort_unstable();
                if known != given {
                    return Err(DomainError::field(
                        "ids",
                        "Donnez chaque type de document du site, une fois chacun.",
                    ));
                }
                for (index, id) in ids.iter().enumerate() {
                    let position = i32::try_from(index + 1).unwrap_or(i32::MAX);
                    store::set_type_position(connection, site, *id, position)?;
                }
                Ok(store::list_types(connection, site)?
                    .iter()
                    .map(TypeRow::to_wire)
                    .collect())
            })
        })
        .await
}

// ---------------------------------------------------------------- what a household owes

/// Whether a course level is one the dance rule leaves out (Éveil, Initiation).
fn exempt_level(level: &str) -> bool {
    let level = level.to_lowercase();
    ["éveil", "eveil", "initiation"]
        .iter()
        .any(|word| level.contains(word))
}

/// Whether a rule asks for the piece: `Some(true)` required, `Some(false)` optional,
/// `None` not asked.
fn requirement(rule: RequirementRule, choices: (bool, bool, bool), dances: bool) -> Option<bool> {
    let (direct_debit, resident, pedibus) = choices;
    match rule {
        RequirementRule::Always => Some(true),
        RequirementRule::Disciplines => dances.then_some(true),
        RequirementRule::DirectDebit => direct_debit.then_some(true),
        RequirementRule::Residents => resident.then_some(true),
        RequirementRule::Pedibus => pedibus.then_some(true),
        RequirementRule::Optional => Some(false),
    }
}

fn required_document(
    kind: &TypeRow,
    required: bool,
    document: Option<&DocumentRow>,
) -> RequiredDocument {
    RequiredDocument {
        document_type_id: kind.id,
        name: kind.name.clone(),
        help_text: kind.help_text.clone(),
        form_url: kind.form_url.clone(),
        required,
        state: document.map_or(DocumentState::AFournir, DocumentRow::state),
        refusal_reason: document.and_then(|row| row.refusal_reason.clone()),
        file: document.map(DocumentRow::file),
    }
}

/// The pieces of one subject (the household, or one child): every active type of that
/// scope whose rule asks for it, and any type with a document already.
fn pieces(
    types: &[TypeRow],
    scope: DocumentScope,
    documents: &[DocumentRow],
    student: Option<i64>,
    choices: (bool, bool, bool),
    dances: bool,
) -> Vec<RequiredDocument> {
    types
        .iter()
        .filter(|kind| kind.scope() == scope)
        .filter_map(|kind| {
            let document = documents
                .iter()
                .find(|row| row.document_type_id == kind.id && row.student_id == student);
            let asked = if kind.retired_at.is_some() {
                None
            } else {
                requirement(kind.rule(), choices, dances)
            };
            match (asked, document) {
                (Some(required), document) => Some(required_document(kind, required, document)),
                (None, Some(document)) => Some(required_document(kind, false, Some(document))),
                (None, None) => None,
            }
        })
        .collect()
}

/// The household's and each child's pieces, with their state and file.
pub async fn household_documents(
    state: &AppState,
    family: FamilyCaller,
) -> Result<HouseholdDocuments, DomainError> {
    state
        .db
        .work(move |connection| household_pieces(connection, family.site, family.household))
        .await
}

/// The pieces a household owes now, read in the caller's transaction: the rules of the
/// site's types applied to the household's recorded choices and to who dances (this
/// year's dance enrolments, and the dance courses wished in the open re-enrolment
/// campaign's files not declined).
pub fn household_pieces(
    connection: &mut DbConnection,
    site: SiteId,
    household: HouseholdId,
) -> Result<HouseholdDocuments, DomainError> {
    let today = chrono::Utc::now().date_naive();
    let recorded = crate::household::store::household_choices(connection, site, household)?
        .ok_or(DomainError::NotFound)?;
    let choices = (
        recorded.pays_by_direct_debit,
        recorded.resident,
        recorded.pedibus_requested,
    );
    let types = store::list_types(connection, site)?;
    let documents = store::household_documents(connection, site, household)?;
    let children = store::household_students(connection, site, household)?;
    let mut dances = match crate::school::store::current_year(connection, site, today)? {
        Some(year) => store::dance_enrolments(connection, site, household, year.id)?,
        None => Vec::new(),
    };
    if let Some(campaign) = crate::reenrolment::service::live_campaign_id(connection, site)? {
        dances.extend(crate::wizard::store::dance_wishes(
            connection, site, household, campaign,
        )?);
    }
    let dancers: Vec<i64> = dances
        .into_iter()
        .filter(|(_, level)| !exempt_level(level))
        .map(|(student, _)| student)
        .collect();
    let household_pieces = pieces(
        &types,
        DocumentScope::Household,
        &documents,
        None,
        choices,
        !dancers.is_empty(),
    );
    let students = children
        .into_iter()
        .map(|(id, first_name, last_name)| StudentDocuments {
            student_id: id,
            student_name: format!("{first_name} {last_name}"),
            documents: pieces(
                &types,
                DocumentScope::Student,
                &documents,
                Some(id),
                choices,
                dancers.contains(&id),
            ),
        })
        .collect();
    Ok(HouseholdDocuments {
        household: household_pieces,
        students,
    })
}

// ---------------------------------------------------------------- family: upload, delete

/// What an upload carries, once read from the request.
#[derive(Debug)]
pub struct Upload {
    pub document_type_id: i64,
    pub student_id: Option<i64>,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Checks that the family may put a file for (type, student) now; returns the slot's
/// student key (0 for the household).
fn check_slot(
    connection: &mut DbConnection,
    family: &FamilyCaller,
    type_id: i64,
    student_id: Option<i64>,
) -> Result<i64, DomainError> {
    let kind = store::find_type(connection, family.site, type_id)?
        .filter(|kind| kind.retired_at.is_none())
        .ok_or_else(|| {
            DomainError::field("document_type_id", "Ce type de document n'est pas demandé.")
        })?;
    let student_key = match (kind.scope(), student_id) {
        (DocumentScope::Household, None) => 0,
        (DocumentScope::Household, Some(_)) => {
            return Err(DomainError::field(
                "student_id",
                "Ce document concerne le foyer, pas un élève.",
            ));
        }
        (DocumentScope::Student, None) => {
            return Err(DomainError::field(
                "student_id",
                "Choisissez l'élève concerné.",
            ));
        }
        (DocumentScope::Student, Some(student)) => {
            if !store::student_in_household(connection, family.site, family.household, student)? {
                return Err(DomainError::NotFound);
            }
            student
        }
    };
    let current = store::find_current(
        connection,
        family.site,
        family.household,
        type_id,
        student_key,
    )?;
    if current.is_some_and(|row| row.state() == DocumentState::Valide) {
        return Err(DomainError::conflict(
            ErrorCode::InvalidTransition,
            ALREADY_VALIDATED,
        ));
    }
    Ok(student_key)
}

/// A family uploads (or replaces) the file of a piece. The file is checked, written under
/// a random key, then its row is written; a replaced file is deleted after the commit.
pub async fn upload(
    state: &AppState,
    family: FamilyCaller,
    upload: Upload,
) -> Result<DocumentFile, DomainError> {
    if upload.bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(DomainError::rejected(
            ErrorCode::FileTooLarge,
            FILE_TOO_LARGE_MESSAGE,
        ));
    }
    let Upload {
        document_type_id,
        student_id,
        file_name,
        bytes,
    } = upload;
    let display_name = clean_file_name(&file_name);
    let (kind, bytes) = {
        let display_name = display_name.clone();
        actix_web::web::block(move || inspect(&display_name, &bytes).map(|kind| (kind, bytes)))
            .await
            .map_err(|error| DomainError::Internal(error.to_string()))??
    };
    {
        let family = family.clone();
        state
            .db
            .work(move |connection| {
                check_slot(connection, &family, document_type_id, student_id).map(|_| ())
            })
            .await?;
    }
    let key = DocumentStore::new_key(family.site);
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    state.documents.put(&key, bytes).await?;
    let written = {
        let (key, display_name) = (key.clone(), display_name.clone());
        state
            .db
            .work(move |connection| {
                write_transaction(connection, |connection| {
                    let student_key =
                        check_slot(connection, &family, document_type_id, student_id)?;
                    let new = NewDocument {
                        site_id: family.site.0,
                        document_type_id,
                        family_id: family.household.0,
                        student_id,
                        student_key,
                        state: DocumentState::Transmis.as_str(),
                        display_name: &display_name,
                        storage_key: &key,
                        content_type: kind.content_type(),
                        size_bytes: size,
                        uploaded_at: now(),
                        uploaded_by: family.account.0,
                    };
                    let current = store::find_current(
                        connection,
                        family.site,
                        family.household,
                        document_type_id,
                        student_key,
                    )?;
                    let replaced = match &current {
                        Some(row) => {
                            if !store::replace_file(connection, row.id, row.version, &new)? {
                                return Err(DomainError::Stale);
                            }
                            Some(row.storage_key.clone())
                        }
                        None => {
                            store::insert_document(connection, &new)?;
                            None
                        }
                    };
                    let row = store::find_current(
                        connection,
                        family.site,
                        family.household,
                        document_type_id,
                        student_key,
                    )?
                    .ok_or(DomainError::NotFound)?;
                    Ok::<_, DomainError>((row.file(), replaced))
                })
            })
            .await
    };
    match written {
        Ok((file, replaced)) => {
            if let Some(old_key) = replaced {
                state.documents.delete(&old_key).await;
            }
            Ok(file)
        }
        Err(error) => {
            // The row was not written: the new file must not stay behind.
            state.documents.delete(&key).await;
            Err(match error {
                // Two uploads of the same piece at once: one wins, the other is told.
                DomainError::Conflict(refusal) if refusal.code == ErrorCode::AlreadyExists => {
                    DomainError::Stale
                }
                other => other,
            })
        }
    }
}

/// A family deletes a piece's file while it is not validated.
pub async fn delete_document(
    state: &AppState,
    family: FamilyCaller,
    id: i64,
) -> Result<(), DomainError> {
    let key = state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let row =
                    store::find_family_document(connection, family.site, family.household, id)?
                        .ok_or(DomainError::NotFound)?;
                if row.state() == DocumentState::Valide {
                    return Err(DomainError::conflict(
                        ErrorCode::InvalidTransition,
                        ALREADY_VALIDATED,
                    ));
                }
                if !store::delete_document(connection, row.id, row.version)? {
                    return Err(DomainError::Stale);
                }
                Ok(row.storage_key)
            })
        })
        .await?;
    state.documents.delete(&key).await;
    Ok(())
}

/// A file to send back: its row (name, type) and bytes.
pub struct Download {
    pub row: DocumentRow,
    pub bytes: Vec<u8>,
}

async fn read_file(state: &AppState, row: DocumentRow) -> Result<Download, DomainError> {
    if row.file_deleted_at.is_some() {
        return Err(DomainError::NotFound);
    }
    let bytes = state.documents.get(&row.storage_key).await?;
    Ok(Download { row, bytes })
}

/// A family's own file.
pub async fn family_file(
    state: &AppState,
    family: FamilyCaller,
    id: i64,
) -> Result<Download, DomainError> {
    let row = state
        .db
        .work(move |connection| {
            store::find_family_document(connection, family.site, family.household, id)?
                .ok_or(DomainError::NotFound)
        })
        .await?;
    read_file(state, row).await
}

// ---------------------------------------------------------------- staff

/// One page of the site's documents, with the queue's filters.
pub async fn queue(
    state: &AppState,
    site: SiteId,
    query: DocumentQueueQuery,
) -> Result<Page<QueuedDocument>, DomainError> {
    let (page, per_page) = ListQuery {
        page: query.page,
        per_page: query.per_page,
        q: None,
    }
    .bounds()
    .map_err(|message| DomainError::field("page", message))?;
    let state_filter = match query.state.as_deref() {
        None | Some("") => None,
        Some(text) => Some(
            DocumentState::parse(text)
                .filter(|state| *state != DocumentState::AFournir)
                .ok_or_else(|| {
                    DomainError::field("state", "État attendu : transmis, valide ou refuse.")
                })?,
        ),
    };
    let filters = store::QueueFilters {
        document_type_id: query.document_type_id,
        state: state_filter,
        student_id: query.student_id,
        household_id: query.household_id,
        from: query.from.and_then(|day| day.and_hms_opt(0, 0, 0)),
        before: query.to.and_then(store::day_after),
    };
    state
        .db
        .work(move |connection| {
            let (items, total) = store::queue(connection, site, &filters, page, per_page)?;
            Ok(Page {
                items,
                total,
                page,
                per_page,
            })
        })
        .await
}

/// A site's file for staff (audited: documents are personal data).
pub async fn staff_file(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
) -> Result<Download, DomainError> {
    let row = state
        .db
        .work(move |connection| {
            let row = store::find_site_document(connection, caller.site, id)?
                .ok_or(DomainError::NotFound)?;
            record_school_action(connection, &caller, "document_read", "document", row.id)?;
            Ok(row)
        })
        .await?;
    read_file(state, row).await
}

/// Staff validate or refuse a transmitted document. A refusal emails the family; a
/// validation of a type that keeps no file deletes it (audited `document_file_deleted`).
pub async fn decide(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
    decision: DocumentDecision,
) -> Result<(), DomainError> {
    let reason = decision
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|reason| !reason.is_empty())
        .map(str::to_owned);
    let reason = match decision.decision {
        DocumentVerdict::Validate => None,
        DocumentVerdict::Refuse => match reason {
            None => {
                return Err(DomainError::field(
                    "reason",
                    "Indiquez la raison du refus : la famille la verra.",
                ));
            }
            Some(reason) if reason.chars().count() > 500 => {
                return Err(DomainError::field("reason", "500 caractères au plus."));
            }
            Some(reason) => Some(reason),
        },
    };
    let delivery = state.mailer.delivery();
    let deleted_key = state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let row = store::find_site_document(connection, caller.site, id)?
                    .ok_or(DomainError::NotFound)?;
                if row.version != decision.version {
                    return Err(DomainError::Stale);
                }
                if row.state() != DocumentState::Transmis {
                    return Err(DomainError::conflict(
                        ErrorCode::InvalidTransition,
                        "Ce document a déjà été traité.",
                    ));
                }
                let kind = store::find_type(connection, caller.site, row.document_type_id)?
                    .ok_or(DomainError::NotFound)?;
                let (new_state, delete_file) = match decision.decision {
                    DocumentVerdict::Validate => {
                        (DocumentState::Valide, kind.delete_file_when_validated)
                    }
                    DocumentVerdict::Refuse => (DocumentState::Refuse, false),
                };
                if !store::decide(
                    connection,
                    caller.site,
                    row.id,
                    row.version,
                    new_state,
                    reason.as_deref(),
                    caller.account.0,
                    now(),
                    delete_file,
                )? {
                    return Err(DomainError::Stale);
                }
                let action = match new_state {
                    DocumentState::Valide => "document_validated",
                    _ => "document_refused",
                };
                record_school_action(connection, &caller, action, "document", row.id)?;
                if delete_file {
                    record_school_action(
                        connection,
                        &caller,
                        "document_file_deleted",
                        "document",
                        row.id,
                    )?;
                }
                if let Some(reason) = &reason {
                    notify_refusal(connection, caller.site, &row, &kind, reason, delivery)?;
                }
                Ok(delete_file.then_some(row.storage_key))
            })
        })
        .await?;
    if let Some(key) = deleted_key {
        state.documents.delete(&key).await;
    }
    state.mailer.wake();
    Ok(())
}

fn notify_refusal(
    connection: &mut DbConnection,
    site: SiteId,
    row: &DocumentRow,
    kind: &TypeRow,
    reason: &str,
    delivery: crate::mail::Delivery,
) -> Result<(), DomainError> {
    let whose = match row.student_id {
        Some(student) => store::household_students(connection, site, HouseholdId(row.family_id))?
            .into_iter()
            .find(|(id, _, _)| *id == student)
            .map(|(_, first, last)| format!("{first} {last}")),
        None => None,
    };
    for (email, name) in store::household_accounts(connection, site, row.family_id)? {
        let rendered =
            crate::mail::templates::document_refused(&name, &kind.name, whose.as_deref(), reason)
                .map_err(|error| DomainError::Internal(error.to_string()))?;
        enqueue(
            connection,
            &rendered.into_email(Some(site.0), email, None),
            delivery,
        )?;
    }
    Ok(())
}

/// Deletes the stored files that no document row names and that were written more than
/// `older_than` ago: what a crash between a file's write and its row's commit, or
/// between a commit and a file's deletion, leaves behind. Younger files are spared, since
/// their upload may still be on its way to the commit. Returns how many were deleted.
pub async fn sweep_orphans(
    db: &crate::db::Db,
    files: &DocumentStore,
    older_than: chrono::TimeDelta,
) -> Result<usize, DomainError> {
    let cutoff = chrono::Utc::now() - older_than;
    let mut by_site: std::collections::BTreeMap<i64, Vec<String>> = Default::default();
    for (key, written) in files.list().await? {
        // Keys are `<site id>/<random>`; anything else is not ours to delete.
        let site = key
            .split_once('/')
            .and_then(|(site, _)| site.parse::<i64>().ok());
        if let Some(site) = site
            && written < cutoff
        {
            by_site.entry(site).or_default().push(key);
        }
    }
    let mut deleted = 0;
    for (site, keys) in by_site {
        let candidates = keys.clone();
        let referenced = db
            .run(move |connection| {
                Ok::<_, DomainError>(store::referenced_keys(
                    connection,
                    SiteId(site),
                    &candidates,
                )?)
            })
            .await?;
        for key in keys.iter().filter(|key| !referenced.contains(key)) {
            files.delete(key).await;
            deleted += 1;
        }
    }
    Ok(deleted)
}
