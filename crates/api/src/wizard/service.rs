//! The rules of re-enrolment files: the one place their status changes (the shared
//! crate's `FileStatus::after` says which moves exist; each move here is a guarded update
//! in a write transaction with its audit row and its email), the family's step saves
//! (version rule, only while the campaign is live and the file editable), the
//! completeness of each step and what is missing, the estimate, and staff decisions.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDateTime, Utc};
use tutti_shared::{
    AutorisationsInput, BulkFailure, BulkValidateInput, BulkValidateResult, Campaign,
    CampaignDashboard, CampaignSteps, ChildReenrolment, CoordonneesInput, CoursInput, CourseWishes,
    DeclineInput, DocumentState, ErrorCode, FeeEstimate, FeeEstimateChild, FeeEstimateRequest,
    FileListQuery, FileMessageInput, FileStatus, FileTransition, HouseholdDocuments, MissingItem,
    OfferedCourse, Page, PaymentMethod, ReenrolmentFile, StaffFileSummary, StaffFileView,
    StatusCount, StepCount, StepPositionInput, StepState, SubmitInput, ValidateFileInput,
    WizardStep,
};

use super::store::{self, FileRow, StaffFilter, StepChangeset, TransitionChangeset};
use crate::audit::{AuditEntry, record, record_school_action};
use crate::caller::{FamilyCaller, SchoolCaller};
use crate::db::{DbConnection, now, write_transaction};
use crate::domain::{DomainError, HouseholdId, SiteId};
use crate::mail::store::enqueue;
use crate::reenrolment::service::{campaign_by_id, require_open};
use crate::state::AppState;

/// The statuses in which the family may change a file's steps.
const EDITABLE: [&str; 2] = ["brouillon", "refusee"];

/// Longest school message (refusal reason, why a file is sent back), in characters.
const MAX_MESSAGE_CHARS: usize = 500;

/// Most files in one bulk validation.
const MAX_BULK: usize = 200;

fn invalid_transition(message: impl Into<String>) -> DomainError {
    DomainError::conflict(ErrorCode::InvalidTransition, message)
}

fn utc(instant: Option<NaiveDateTime>) -> Option<DateTime<Utc>> {
    instant.map(|instant| instant.and_utc())
}

impl FileRow {
    fn status(&self) -> FileStatus {
        // Unknown names are impossible under the CHECK.
        FileStatus::parse(&self.status).unwrap_or(FileStatus::Brouillon)
    }

    fn step(&self) -> WizardStep {
        WizardStep::parse(&self.current_step).unwrap_or(WizardStep::Coordonnees)
    }

    fn autorisations(&self) -> tutti_shared::Autorisations {
        serde_json::from_str(&self.autorisations).unwrap_or_default()
    }

    fn wishes(&self, course_ids: Vec<i64>) -> CourseWishes {
        CourseWishes {
            course_ids,
            comment: self.comment.clone(),
            payment_method: self
                .payment_method
                .as_deref()
                .and_then(PaymentMethod::parse),
            instalments: self.instalments.and_then(|count| u32::try_from(count).ok()),
        }
    }
}

fn offered_wire(row: store::OfferedRow) -> OfferedCourse {
    OfferedCourse {
        id: row.id,
        discipline_id: row.discipline_id,
        discipline: row.discipline,
        level: row.level,
        teacher_name: row.teacher_name,
        weekday: row.weekday,
        start_time: row.start_time,
        end_time: row.end_time,
    }
}

/// The courses a campaign offers, as families choose them.
pub fn offered_courses(
    connection: &mut DbConnection,
    site: SiteId,
    campaign: i64,
) -> Result<Vec<OfferedCourse>, DomainError> {
    Ok(store::offered(connection, site, campaign)?
        .into_iter()
        .map(offered_wire)
        .collect())
}

/// The pieces of a child's file that keep it from being validated: required pieces of
/// the household and of the child still to provide or refused.
fn missing_pieces(documents: &HouseholdDocuments, student: i64) -> Vec<String> {
    let child = documents
        .students
        .iter()
        .filter(|child| child.student_id == student)
        .flat_map(|child| child.documents.iter());
    documents
        .household
        .iter()
        .chain(child)
        .filter(|piece| piece.required)
        .filter_map(|piece| match piece.state {
            DocumentState::AFournir => Some(format!("Pièce à fournir : {}", piece.name)),
            DocumentState::Refuse => Some(format!("Pièce refusée, à renvoyer : {}", piece.name)),
            DocumentState::Transmis | DocumentState::Valide => None,
        })
        .collect()
}

/// The family's and staff's view of a file: every step's data, the enabled steps with
/// their completeness, and what is missing.
fn file_view(
    connection: &mut DbConnection,
    site: SiteId,
    steps: CampaignSteps,
    row: &FileRow,
) -> Result<ReenrolmentFile, DomainError> {
    let student_name = store::student_name(connection, site, row.student_id)?.unwrap_or_default();
    let autorisations = row.autorisations();
    let cours = row.wishes(store::wishes(connection, row.id)?);
    let documents = crate::documents::service::household_pieces(
        connection,
        site,
        HouseholdId(row.household_id),
    )?;
    let mut missing = Vec::new();
    let mut complete = BTreeMap::new();
    for step in steps.enabled() {
        let messages: Vec<String> = match step {
            WizardStep::Coordonnees if !row.coordonnees_confirmed => {
                vec!["Confirmez les coordonnées de la famille et de l'élève.".to_owned()]
            }
            WizardStep::Autorisations => autorisations
                .problems()
                .into_keys()
                .map(|field| format!("Autorisations : {}", autorisation_label(&field)))
                .collect(),
            WizardStep::Documents => missing_pieces(&documents, row.student_id),
            WizardStep::Cours => cours.problems().into_values().collect(),
            _ => Vec::new(),
        };
        complete.insert(step, messages.is_empty());
        missing.extend(
            messages
                .into_iter()
                .map(|message| MissingItem { step, message }),
        );
    }
    let ready = missing.is_empty();
    let submitted = matches!(row.status(), FileStatus::EnAttente | FileStatus::Validee);
    let steps = steps
        .enabled()
        .into_iter()
        .zip(1u8..)
        .map(|(step, number)| StepState {
            step,
            number,
            complete: match step {
                WizardStep::Recapitulatif => ready,
                WizardStep::Finalisation => submitted,
                _ => complete.get(&step).copied().unwrap_or(true),
            },
        })
        .collect();
    Ok(ReenrolmentFile {
        id: row.id,
        campaign_id: row.campaign_id,
        student_id: row.student_id,
        student_name,
        status: row.status(),
        current_step: row.step(),
        steps,
        coordonnees_confirmed: row.coordonnees_confirmed,
        autorisations,
        cours,
        accepted_rules_version: row.accepted_rules_version,
        missing,
        school_message: row.school_message.clone(),
        submitted_at: utc(row.submitted_at),
        decided_at: utc(row.decided_at),
        version: row.version,
    })
}

fn autorisation_label(field: &str) -> &'static str {
    match field {
        "image_rights" => "droit à l'image",
        "leaves_alone" => "sortie seul après le cours",
        "collectors" => "personnes autorisées à venir chercher l'élève",
        "pedibus" => "pédibus",
        "emergency_name" => "contact en cas d'urgence",
        "emergency_phone" => "téléphone du contact d'urgence",
        _ => "réponse manquante",
    }
}

fn audit_family(
    connection: &mut DbConnection,
    family: &FamilyCaller,
    action: &'static str,
    file: i64,
) -> Result<(), DomainError> {
    record(
        connection,
        &AuditEntry {
            site_id: Some(family.site.0),
            account_id: Some(family.account.0),
            action,
            target_type: Some("reenrolment_file"),
            target_id: Some(file),
            ip: None,
            details: None,
        },
    )?;
    Ok(())
}

// ---------------------------------------------------------------- family

/// The household's children and their answers to the campaign open now; 404 when none is.
pub async fn children(
    state: &AppState,
    family: FamilyCaller,
) -> Result<Vec<ChildReenrolment>, DomainError> {
    state
        .db
        .work(move |connection| {
            let campaign = live_or_not_found(connection, family.site)?;
            let files =
                store::household_files(connection, family.site, family.household, campaign.id)?;
            let children = crate::documents::store::household_students(
                connection,
                family.site,
                family.household,
            )?;
            Ok(children
                .into_iter()
                .map(|(student_id, first_name, last_name)| {
                    let file = files.iter().find(|file| file.student_id == student_id);
                    ChildReenrolment {
                        student_id,
                        first_name,
                        last_name,
                        file_id: file.map(|file| file.id),
                        status: file.map(FileRow::status),
                        current_step: file.map(FileRow::step),
                        version: file.map(|file| file.version),
                    }
                })
                .collect())
        })
        .await
}

fn live_or_not_found(connection: &mut DbConnection, site: SiteId) -> Result<Campaign, DomainError> {
    match require_open(connection, site, now()) {
        Err(DomainError::Conflict(_)) => Err(DomainError::NotFound),
        other => other,
    }
}

/// The child's file in the live campaign, creating it with `status` when there is none.
/// Returns (file, created).
fn file_of_child(
    connection: &mut DbConnection,
    family: &FamilyCaller,
    campaign: &Campaign,
    student: i64,
    status: FileStatus,
) -> Result<(FileRow, bool), DomainError> {
    let site = family.site;
    if !crate::documents::store::student_in_household(connection, site, family.household, student)?
    {
        return Err(DomainError::NotFound);
    }
    if let Some(row) = store::find_by_student(connection, site, campaign.id, student)? {
        return Ok((row, false));
    }
    let first_step = campaign
        .steps
        .enabled()
        .first()
        .copied()
        .unwrap_or(WizardStep::Recapitulatif);
    let created = store::insert(
        connection,
        site,
        campaign.id,
        family.household,
        student,
        status.as_str(),
        first_step.as_str(),
        now(),
    )?;
    let row = store::find_by_student(connection, site, campaign.id, student)?
        .ok_or(DomainError::NotFound)?;
    Ok((row, created))
}

/// « Je souhaite réinscrire l'élève »: the child's file, created as a draft when there is
/// none, back to draft when it was declined, as it is otherwise.
pub async fn start(
    state: &AppState,
    family: FamilyCaller,
    student: i64,
) -> Result<(ReenrolmentFile, bool), DomainError> {
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let campaign = require_open(connection, family.site, now())?;
                let (mut row, created) = file_of_child(
                    connection,
                    &family,
                    &campaign,
                    student,
                    FileStatus::Brouillon,
                )?;
                if created {
                    audit_family(connection, &family, "reenrolment_started", row.id)?;
                } else if let Some(next) = row.status().after(FileTransition::Start) {
                    if store::transition(
                        connection,
                        row.id,
                        None,
                        (row.status().as_str(), next.as_str()),
                        &TransitionChangeset::default(),
                        now(),
                    )? {
                        audit_family(connection, &family, "reenrolment_restarted", row.id)?;
                    }
                    row = reread(connection, family.site, row.id)?;
                }
                Ok((
                    file_view(connection, family.site, campaign.steps, &row)?,
                    created,
                ))
            })
        })
        .await
}

fn reread(connection: &mut DbConnection, site: SiteId, id: i64) -> Result<FileRow, DomainError> {
    store::find(connection, site, id)?.ok_or(DomainError::NotFound)
}

/// « Je ne souhaite pas réinscrire l'élève »: the child's file becomes `non_reinscrit`
/// (created so when there is none).
pub async fn decline(
    state: &AppState,
    family: FamilyCaller,
    student: i64,
    input: DeclineInput,
) -> Result<ReenrolmentFile, DomainError> {
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let campaign = require_open(connection, family.site, now())?;
                let (row, created) = file_of_child(
                    connection,
                    &family,
                    &campaign,
                    student,
                    FileStatus::NonReinscrit,
                )?;
                if created {
                    audit_family(connection, &family, "reenrolment_declined", row.id)?;
                    return file_view(connection, family.site, campaign.steps, &row);
                }
                if row.status() == FileStatus::NonReinscrit {
                    return file_view(connection, family.site, campaign.steps, &row);
                }
                move_file(
                    connection,
                    &row,
                    input.version,
                    FileTransition::Decline,
                    &TransitionChangeset::default(),
                )?;
                audit_family(connection, &family, "reenrolment_declined", row.id)?;
                let row = reread(connection, family.site, row.id)?;
                file_view(connection, family.site, campaign.steps, &row)
            })
        })
        .await
}

/// Moves `row` by `transition` if the state machine allows it and it is still at
/// `version`: 409 `invalid_transition` or `stale_version` otherwise.
fn move_file(
    connection: &mut DbConnection,
    row: &FileRow,
    version: Option<i32>,
    transition: FileTransition,
    changes: &TransitionChangeset,
) -> Result<FileStatus, DomainError> {
    let from = row.status();
    let Some(to) = from.after(transition) else {
        return Err(invalid_transition(format!(
            "Ce dossier est « {} » : cette action n'est pas possible.",
            from.label()
        )));
    };
    if version.is_some_and(|version| version != row.version) {
        return Err(DomainError::Stale);
    }
    if !store::transition(
        connection,
        row.id,
        version,
        (from.as_str(), to.as_str()),
        changes,
        now(),
    )? {
        return Err(DomainError::Stale);
    }
    Ok(to)
}

/// A file of the household, with its campaign's steps.
pub async fn file(
    state: &AppState,
    family: FamilyCaller,
    id: i64,
) -> Result<ReenrolmentFile, DomainError> {
    state
        .db
        .work(move |connection| {
            let row = store::find_for_household(connection, family.site, family.household, id)?
                .ok_or(DomainError::NotFound)?;
            let campaign = campaign_by_id(connection, family.site, row.campaign_id)?;
            file_view(connection, family.site, campaign.steps, &row)
        })
        .await
}

/// The household's file `id` for a family write: the campaign must be live and be the
/// file's, and the file editable.
fn writable(
    connection: &mut DbConnection,
    family: &FamilyCaller,
    id: i64,
) -> Result<(FileRow, Campaign), DomainError> {
    let row = store::find_for_household(connection, family.site, family.household, id)?
        .ok_or(DomainError::NotFound)?;
    let campaign = require_open(connection, family.site, now())?;
    if campaign.id != row.campaign_id {
        return Err(DomainError::conflict(
            ErrorCode::CampaignClosed,
            "La campagne de ce dossier est terminée : rien ne peut y être enregistré.",
        ));
    }
    if !row.status().family_may_edit() {
        return Err(invalid_transition(format!(
            "Ce dossier est « {} » : il ne peut plus être modifié.",
            row.status().label()
        )));
    }
    Ok((row, campaign))
}

/// Records the step the family is on.
pub async fn set_position(
    state: &AppState,
    family: FamilyCaller,
    id: i64,
    input: StepPositionInput,
) -> Result<ReenrolmentFile, DomainError> {
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let (row, campaign) = writable(connection, &family, id)?;
                if !campaign.steps.is_enabled(input.step) {
                    return Err(DomainError::field(
                        "step",
                        "Cette étape n'est pas demandée par la campagne.",
                    ));
                }
                store::set_position(connection, row.id, input.step.as_str())?;
                let row = reread(connection, family.site, id)?;
                file_view(connection, family.site, campaign.steps, &row)
            })
        })
        .await
}

/// One family step save: the file writable and at `version`, the changes written, the
/// household's wishes that decide its pieces updated, audited.
async fn save_step(
    state: &AppState,
    family: FamilyCaller,
    (id, version): (i64, i32),
    action: &'static str,
    prepare: impl FnOnce(
        &mut DbConnection,
        &Campaign,
    ) -> Result<
        (
            StepChangeset,
            Option<Vec<i64>>,
            (Option<bool>, Option<bool>),
        ),
        DomainError,
    > + Send
    + 'static,
) -> Result<ReenrolmentFile, DomainError> {
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let (row, campaign) = writable(connection, &family, id)?;
                if row.version != version {
                    return Err(DomainError::Stale);
                }
                let (changes, wishes, (direct_debit, pedibus)) = prepare(connection, &campaign)?;
                if !store::save_step(connection, id, version, &EDITABLE, &changes, now())? {
                    return Err(DomainError::Stale);
                }
                if let Some(course_ids) = wishes {
                    store::replace_wishes(connection, family.site, id, &course_ids)?;
                }
                store::set_household_wishes(
                    connection,
                    family.site,
                    family.household,
                    direct_debit,
                    pedibus,
                    now(),
                )?;
                audit_family(connection, &family, action, id)?;
                let row = reread(connection, family.site, id)?;
                file_view(connection, family.site, campaign.steps, &row)
            })
        })
        .await
}

/// The next enabled step after `step` (itself when it is the last).
fn next_step(steps: CampaignSteps, step: WizardStep) -> WizardStep {
    let enabled = steps.enabled();
    enabled
        .iter()
        .copied()
        .find(|candidate| *candidate > step)
        .unwrap_or(step)
}

/// Step 1: the family confirms the details (saved through Famille and Élèves).
pub async fn confirm_coordonnees(
    state: &AppState,
    family: FamilyCaller,
    id: i64,
    input: CoordonneesInput,
) -> Result<ReenrolmentFile, DomainError> {
    save_step(
        state,
        family,
        (id, input.version),
        "reenrolment_coordonnees_confirmed",
        |_, campaign| {
            Ok((
                StepChangeset {
                    coordonnees_confirmed: Some(true),
                    current_step: Some(
                        next_step(campaign.steps, WizardStep::Coordonnees)
                            .as_str()
                            .to_owned(),
                    ),
                    ..StepChangeset::default()
                },
                None,
                (None, None),
            ))
        },
    )
    .await
}

/// Step 2: the answers, kept even when some are missing; format errors are refused.
pub async fn save_autorisations(
    state: &AppState,
    family: FamilyCaller,
    id: i64,
    input: AutorisationsInput,
) -> Result<ReenrolmentFile, DomainError> {
    let mut answers = input.autorisations;
    answers.collectors = answers.collectors.trim().to_owned();
    answers.emergency_name = answers.emergency_name.trim().to_owned();
    answers.emergency_phone = answers.emergency_phone.trim().to_owned();
    DomainError::check(answers.format_errors())?;
    let complete = answers.problems().is_empty();
    let json = serde_json::to_string(&answers)
        .map_err(|error| DomainError::Internal(error.to_string()))?;
    save_step(
        state,
        family,
        (id, input.version),
        "reenrolment_autorisations_saved",
        move |_, campaign| {
            Ok((
                StepChangeset {
                    autorisations: Some(json),
                    current_step: complete.then(|| {
                        next_step(campaign.steps, WizardStep::Autorisations)
                            .as_str()
                            .to_owned()
                    }),
                    ..StepChangeset::default()
                },
                None,
                (None, answers.pedibus),
            ))
        },
    )
    .await
}

/// Step 4: the wished courses (of the campaign's catalogue), the comment, the payment
/// method and schedule.
pub async fn save_cours(
    state: &AppState,
    family: FamilyCaller,
    id: i64,
    input: CoursInput,
) -> Result<ReenrolmentFile, DomainError> {
    let mut wishes = input.cours;
    wishes.comment = wishes.comment.trim().to_owned();
    DomainError::check(wishes.format_errors())?;
    let complete = wishes.problems().is_empty();
    let site = family.site;
    save_step(
        state,
        family,
        (id, input.version),
        "reenrolment_cours_saved",
        move |connection, campaign| {
            let offered: BTreeSet<i64> = store::offered(connection, site, campaign.id)?
                .into_iter()
                .map(|course| course.id)
                .collect();
            if wishes.course_ids.iter().any(|id| !offered.contains(id)) {
                return Err(DomainError::field(
                    "course_ids",
                    "Choisissez des cours proposés par la campagne.",
                ));
            }
            Ok((
                StepChangeset {
                    comment: Some(wishes.comment.clone()),
                    payment_method: Some(
                        wishes
                            .payment_method
                            .map(|method| method.as_str().to_owned()),
                    ),
                    instalments: Some(
                        wishes
                            .instalments
                            .and_then(|count| i32::try_from(count).ok()),
                    ),
                    current_step: complete.then(|| {
                        next_step(campaign.steps, WizardStep::Cours)
                            .as_str()
                            .to_owned()
                    }),
                    ..StepChangeset::default()
                },
                Some(wishes.course_ids.clone()),
                (
                    wishes
                        .payment_method
                        .map(|method| method == PaymentMethod::Prelevement),
                    None,
                ),
            ))
        },
    )
    .await
}

/// The household's estimated fee with this file's schedule: every file of the campaign
/// not declined, with its wished courses (the sibling ranks count them all).
fn estimate_for(
    connection: &mut DbConnection,
    site: SiteId,
    row: &FileRow,
) -> Result<FeeEstimate, DomainError> {
    let files: Vec<FileRow> = store::household_files(
        connection,
        site,
        HouseholdId(row.household_id),
        row.campaign_id,
    )?
    .into_iter()
    .filter(|file| file.status() != FileStatus::NonReinscrit)
    .collect();
    let ids: Vec<i64> = files.iter().map(|file| file.id).collect();
    let wishes = store::wishes_of(connection, &ids)?;
    let children = files
        .iter()
        .map(|file| FeeEstimateChild {
            student_id: file.student_id,
            course_ids: wishes
                .iter()
                .filter(|(owner, _)| *owner == file.id)
                .map(|(_, course)| *course)
                .collect(),
            rentals: Vec::new(),
        })
        .filter(|child| !child.course_ids.is_empty())
        .collect();
    let instalments = match row.instalments {
        Some(9) => 9,
        _ => 1,
    };
    crate::tariffs::service::estimate_in(
        connection,
        site,
        &FeeEstimateRequest {
            household_id: row.household_id,
            children,
            instalments,
        },
    )
}

/// The estimated fee shown in the récapitulatif.
pub async fn estimate(
    state: &AppState,
    family: FamilyCaller,
    id: i64,
) -> Result<FeeEstimate, DomainError> {
    state
        .db
        .work(move |connection| {
            let row = store::find_for_household(connection, family.site, family.household, id)?
                .ok_or(DomainError::NotFound)?;
            estimate_for(connection, family.site, &row)
        })
        .await
}

/// « Valider »: the file goes to `en_attente` when every enabled step is complete and the
/// family accepted the campaign's current rules; a confirmation email lists the choices.
/// A second submission (double click, another tab, a retry) finds the file already sent
/// and changes nothing.
pub async fn submit(
    state: &AppState,
    family: FamilyCaller,
    id: i64,
    input: SubmitInput,
) -> Result<ReenrolmentFile, DomainError> {
    let delivery = state.mailer.delivery();
    let view = state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let row = store::find_for_household(connection, family.site, family.household, id)?
                    .ok_or(DomainError::NotFound)?;
                let campaign = campaign_by_id(connection, family.site, row.campaign_id)?;
                if row.status() == FileStatus::EnAttente
                    && row.accepted_rules_version == Some(input.accepted_rules_version)
                {
                    // Already sent with these rules: the same answer, nothing more.
                    return file_view(connection, family.site, campaign.steps, &row);
                }
                let (row, campaign) = writable(connection, &family, id)?;
                let view = file_view(connection, family.site, campaign.steps, &row)?;
                if let Some(first) = view.missing.first() {
                    return Err(invalid_transition(format!(
                        "Le dossier n'est pas complet : {} (étape « {} »).",
                        first.message,
                        first.step.label()
                    )));
                }
                let current_rules = campaign.rules.as_ref().map_or(0, |rules| rules.version);
                if input.accepted_rules_version != current_rules {
                    return Err(DomainError::field(
                        "accepted_rules_version",
                        "Le règlement a changé : relisez-le et acceptez sa dernière version.",
                    ));
                }
                let at = now();
                move_file(
                    connection,
                    &row,
                    Some(input.version),
                    FileTransition::Submit,
                    &TransitionChangeset {
                        accepted_rules_version: Some(Some(current_rules)),
                        submitted_at: Some(Some(at)),
                        school_message: Some(None),
                        decided_at: Some(None),
                    },
                )?;
                store::set_position(connection, id, WizardStep::Finalisation.as_str())?;
                audit_family(connection, &family, "reenrolment_submitted", id)?;
                let row = reread(connection, family.site, id)?;
                let view = file_view(connection, family.site, campaign.steps, &row)?;
                notify_submitted(connection, family.site, &row, &view, delivery)?;
                Ok(view)
            })
        })
        .await?;
    state.mailer.wake();
    Ok(view)
}

fn course_line(course: &OfferedCourse) -> String {
    const DAYS: [&str; 7] = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ];
    let day = usize::try_from(course.weekday - 1)
        .ok()
        .and_then(|index| DAYS.get(index))
        .copied()
        .unwrap_or("");
    format!(
        "{} – {} – {} {}–{}",
        course.discipline, course.level, day, course.start_time, course.end_time
    )
}

fn notify_submitted(
    connection: &mut DbConnection,
    site: SiteId,
    row: &FileRow,
    view: &ReenrolmentFile,
    delivery: crate::mail::Delivery,
) -> Result<(), DomainError> {
    let courses: Vec<String> = store::described_courses(connection, site, &view.cours.course_ids)?
        .into_iter()
        .map(offered_wire)
        .map(|course| course_line(&course))
        .collect();
    let payment = view.cours.payment_method.map_or("—", PaymentMethod::label);
    let schedule = match view.cours.instalments {
        Some(9) => "en neuf fois",
        _ => "en une fois",
    };
    for (email, name) in
        crate::documents::store::household_accounts(connection, site, row.household_id)?
    {
        let rendered = crate::mail::templates::reenrolment_submitted(
            &name,
            &view.student_name,
            &courses,
            &view.cours.comment,
            payment,
            schedule,
        )
        .map_err(|error| DomainError::Internal(error.to_string()))?;
        enqueue(
            connection,
            &rendered.into_email(Some(site.0), email, None),
            delivery,
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------- staff

/// Counts of a campaign's files by status and, for drafts, by step.
pub async fn dashboard(
    state: &AppState,
    caller: SchoolCaller,
    campaign: i64,
) -> Result<CampaignDashboard, DomainError> {
    state
        .db
        .work(move |connection| {
            let site = caller.site;
            let campaign = campaign_by_id(connection, site, campaign)?;
            let counts = store::count_by_status(connection, site, campaign.id)?;
            let steps = store::drafts_by_step(connection, site, campaign.id)?;
            let unanswered = store::count_unanswered(connection, site, campaign.id)?;
            Ok(CampaignDashboard {
                campaign_id: campaign.id,
                unanswered,
                by_status: FileStatus::ALL
                    .into_iter()
                    .map(|status| StatusCount {
                        status,
                        count: counts
                            .iter()
                            .find(|(name, _)| name == status.as_str())
                            .map_or(0, |(_, count)| *count),
                    })
                    .collect(),
                by_step: campaign
                    .steps
                    .enabled()
                    .into_iter()
                    .map(|step| StepCount {
                        step,
                        count: steps
                            .iter()
                            .find(|(name, _)| name == step.as_str())
                            .map_or(0, |(_, count)| *count),
                    })
                    .collect(),
            })
        })
        .await
}

/// The disciplines each file wishes, by file id.
fn wished_disciplines(
    connection: &mut DbConnection,
    site: SiteId,
    files: &[i64],
) -> Result<BTreeMap<i64, Vec<String>>, DomainError> {
    let wishes = store::wishes_of(connection, files)?;
    let course_ids: Vec<i64> = wishes.iter().map(|(_, course)| *course).collect();
    let courses = store::described_courses(connection, site, &course_ids)?;
    let mut by_file: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (file, course) in wishes {
        if let Some(course) = courses.iter().find(|row| row.id == course) {
            let names = by_file.entry(file).or_default();
            if !names.contains(&course.discipline) {
                names.push(course.discipline.clone());
            }
        }
    }
    Ok(by_file)
}

/// The campaign's files with their household and child, filtered, one page.
pub async fn staff_files(
    state: &AppState,
    caller: SchoolCaller,
    campaign: i64,
    query: FileListQuery,
) -> Result<Page<StaffFileSummary>, DomainError> {
    state
        .db
        .work(move |connection| {
            let site = caller.site;
            let campaign = campaign_by_id(connection, site, campaign)?;
            let summaries = summaries(connection, site, campaign.id, &query)?;
            let per_page = i64::from(query.per_page.unwrap_or(50).clamp(1, 100));
            let page = i64::from(query.page.unwrap_or(1).max(1));
            let total = i64::try_from(summaries.len()).unwrap_or(i64::MAX);
            let skip = usize::try_from((page - 1) * per_page).unwrap_or(usize::MAX);
            let take = usize::try_from(per_page).unwrap_or(100);
            Ok(Page {
                items: summaries.into_iter().skip(skip).take(take).collect(),
                total,
                page,
                per_page,
            })
        })
        .await
}

/// Every file of the campaign matching the filters (paging aside), as listed to staff.
pub fn summaries(
    connection: &mut DbConnection,
    site: SiteId,
    campaign: i64,
    query: &FileListQuery,
) -> Result<Vec<StaffFileSummary>, DomainError> {
    Ok(listed(connection, site, campaign, query)?
        .into_iter()
        .map(|(_, summary)| summary)
        .collect())
}

/// The files matching the filters, each with its line of the staff's list. The pieces
/// are computed once per household (`documents::household_pieces`).
fn listed(
    connection: &mut DbConnection,
    site: SiteId,
    campaign: i64,
    query: &FileListQuery,
) -> Result<Vec<(FileRow, StaffFileSummary)>, DomainError> {
    let rows = store::staff_files(
        connection,
        site,
        campaign,
        &StaffFilter {
            status: query.status.map(|status| status.as_str().to_owned()),
            household_id: query.household_id,
            discipline_id: query.discipline_id,
        },
    )?;
    let ids: Vec<i64> = rows.iter().map(|(row, _, _)| row.id).collect();
    let disciplines = wished_disciplines(connection, site, &ids)?;
    let mut pieces: BTreeMap<i64, HouseholdDocuments> = BTreeMap::new();
    let mut summaries = Vec::with_capacity(rows.len());
    for (row, household_name, student_name) in rows {
        let documents = match pieces.entry(row.household_id) {
            std::collections::btree_map::Entry::Occupied(known) => known.into_mut(),
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(crate::documents::service::household_pieces(
                    connection,
                    site,
                    HouseholdId(row.household_id),
                )?)
            }
        };
        let missing_documents = missing_pieces(documents, row.student_id).len();
        let missing_documents = i64::try_from(missing_documents).unwrap_or(i64::MAX);
        if let Some(wanted) = query.missing_documents
            && wanted != (missing_documents > 0)
        {
            continue;
        }
        let summary = StaffFileSummary {
            id: row.id,
            household_id: row.household_id,
            household_name,
            student_id: row.student_id,
            student_name,
            status: row.status(),
            current_step: row.step(),
            wished: disciplines
                .get(&row.id)
                .map(|names| names.join(", "))
                .unwrap_or_default(),
            missing_documents,
            submitted_at: utc(row.submitted_at),
            version: row.version,
        };
        summaries.push((row, summary));
    }
    Ok(summaries)
}

fn staff_view(
    connection: &mut DbConnection,
    site: SiteId,
    row: &FileRow,
) -> Result<StaffFileView, DomainError> {
    let campaign = campaign_by_id(connection, site, row.campaign_id)?;
    let file = file_view(connection, site, campaign.steps, row)?;
    let wished_courses = store::described_courses(connection, site, &file.cours.course_ids)?;
    let mut wished_courses: Vec<OfferedCourse> = file
        .cours
        .course_ids
        .iter()
        .filter_map(|id| {
            wished_courses
                .iter()
                .find(|course| course.id == *id)
                .cloned()
        })
        .map(offered_wire)
        .collect();
    wished_courses.dedup_by_key(|course| course.id);
    Ok(StaffFileView {
        household_name: store::household_name(connection, site, row.household_id)?
            .unwrap_or_default(),
        household_id: row.household_id,
        enrolled_course_ids: store::enrolled_in_year(
            connection,
            site,
            row.student_id,
            campaign.to_year_id,
        )?,
        wished_courses,
        file,
    })
}

/// A file of the site with everything staff need to decide.
pub async fn staff_file(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
) -> Result<StaffFileView, DomainError> {
    state
        .db
        .work(move |connection| {
            let row = reread(connection, caller.site, id)?;
            staff_view(connection, caller.site, &row)
        })
        .await
}

/// The courses staff confirm for a file: the wished ones, or for each another course of
/// the campaign's next year in a wished discipline.
fn confirmed_courses(
    connection: &mut DbConnection,
    site: SiteId,
    row: &FileRow,
    to_year: i64,
    chosen: Option<Vec<i64>>,
) -> Result<Vec<i64>, DomainError> {
    let wished = store::wishes(connection, row.id)?;
    let Some(chosen) = chosen else {
        if wished.is_empty() {
            return Err(invalid_transition("Ce dossier ne demande aucun cours."));
        }
        return Ok(wished);
    };
    if chosen.is_empty() || chosen.len() > tutti_shared::MAX_WISHED_COURSES {
        return Err(DomainError::field(
            "course_ids",
            "Confirmez entre 1 et 10 cours.",
        ));
    }
    let disciplines: BTreeSet<i64> = store::described_courses(connection, site, &wished)?
        .into_iter()
        .map(|course| course.discipline_id)
        .collect();
    let found = store::described_courses(connection, site, &chosen)?;
    let acceptable = chosen.iter().all(|id| {
        found.iter().any(|course| {
            course.id == *id
                && course.school_year_id == to_year
                && disciplines.contains(&course.discipline_id)
        })
    });
    if !acceptable {
        return Err(DomainError::field(
            "course_ids",
            "Chaque cours confirmé doit être un cours de l'année suivante dans une discipline demandée.",
        ));
    }
    let mut unique = chosen;
    unique.sort_unstable();
    unique.dedup();
    Ok(unique)
}

/// Accepts one file in the caller's transaction: next year's enrolments for the confirmed
/// courses (kept when they exist already), the status, the audit row.
fn validate_in(
    connection: &mut DbConnection,
    caller: &SchoolCaller,
    id: i64,
    version: i32,
    chosen: Option<Vec<i64>>,
) -> Result<FileRow, DomainError> {
    let site = caller.site;
    let row = reread(connection, site, id)?;
    let campaign = campaign_by_id(connection, site, row.campaign_id)?;
    if row.status().after(FileTransition::Validate).is_none() {
        return Err(invalid_transition(format!(
            "Ce dossier est « {} » : seul un dossier en attente de validation peut être validé.",
            row.status().label()
        )));
    }
    let courses = confirmed_courses(connection, site, &row, campaign.to_year_id, chosen)?;
    let at = now();
    move_file(
        connection,
        &row,
        Some(version),
        FileTransition::Validate,
        &TransitionChangeset {
            decided_at: Some(Some(at)),
            school_message: Some(None),
            ..TransitionChangeset::default()
        },
    )?;
    let existing = store::enrolled_in_year(connection, site, row.student_id, campaign.to_year_id)?;
    for course in courses.iter().filter(|course| !existing.contains(course)) {
        crate::school::store::insert_enrolment(connection, site, row.student_id, *course, at)?;
    }
    record_school_action(
        connection,
        caller,
        "reenrolment_validated",
        "reenrolment_file",
        id,
    )?;
    reread(connection, site, id)
}

/// Accepts a file, creating next year's enrolments.
pub async fn validate(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
    input: ValidateFileInput,
) -> Result<StaffFileView, DomainError> {
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let row = validate_in(connection, &caller, id, input.version, input.course_ids)?;
                staff_view(connection, caller.site, &row)
            })
        })
        .await
}

/// Validates several files, each in its own transaction: one failing leaves the others.
pub async fn bulk_validate(
    state: &AppState,
    caller: SchoolCaller,
    campaign: i64,
    input: BulkValidateInput,
) -> Result<BulkValidateResult, DomainError> {
    if input.files.is_empty() || input.files.len() > MAX_BULK {
        return Err(DomainError::field(
            "files",
            "Choisissez entre 1 et 200 dossiers.",
        ));
    }
    state
        .db
        .work(move |connection| {
            campaign_by_id(connection, caller.site, campaign)?;
            let mut result = BulkValidateResult {
                validated: Vec::new(),
                failed: Vec::new(),
            };
            for file in input.files {
                let outcome = write_transaction(connection, |connection| {
                    let row = reread(connection, caller.site, file.id)?;
                    if row.campaign_id != campaign {
                        return Err(DomainError::NotFound);
                    }
                    validate_in(connection, &caller, file.id, file.version, None)
                });
                match outcome {
                    Ok(_) => result.validated.push(file.id),
                    Err(DomainError::Internal(message)) => {
                        return Err(DomainError::Internal(message));
                    }
                    Err(error) => result.failed.push(BulkFailure {
                        id: file.id,
                        message: refusal_message(&error),
                    }),
                }
            }
            Ok(result)
        })
        .await
}

fn refusal_message(error: &DomainError) -> String {
    match error {
        DomainError::NotFound => "Dossier introuvable dans cette campagne.".to_owned(),
        DomainError::Stale => {
            "Le dossier a changé depuis l'affichage de la liste : rechargez-la.".to_owned()
        }
        DomainError::Conflict(refusal) | DomainError::Rejected(refusal) => refusal.message.clone(),
        DomainError::Invalid { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

fn school_message(input: &FileMessageInput) -> Result<String, DomainError> {
    let message = input.message.trim().to_owned();
    if message.is_empty() || message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(DomainError::field(
            "message",
            "Écrivez un message de 1 à 500 caractères.",
        ));
    }
    Ok(message)
}

/// Refuses a file (`refusee`) or sends it back to the family (`brouillon`), with a
/// message the family reads on the page and receives by email.
pub async fn answer(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
    transition: FileTransition,
    input: FileMessageInput,
) -> Result<StaffFileView, DomainError> {
    let message = school_message(&input)?;
    let delivery = state.mailer.delivery();
    let view = state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let site = caller.site;
                let row = reread(connection, site, id)?;
                move_file(
                    connection,
                    &row,
                    Some(input.version),
                    transition,
                    &TransitionChangeset {
                        school_message: Some(Some(message.clone())),
                        decided_at: Some(Some(now())),
                        ..TransitionChangeset::default()
                    },
                )?;
                let action = match transition {
                    FileTransition::Refuse => "reenrolment_refused",
                    _ => "reenrolment_returned",
                };
                record_school_action(connection, &caller, action, "reenrolment_file", id)?;
                let row = reread(connection, site, id)?;
                let view = staff_view(connection, site, &row)?;
                for (email, name) in
                    crate::documents::store::household_accounts(connection, site, row.household_id)?
                {
                    let rendered = crate::mail::templates::reenrolment_answered(
                        &name,
                        &view.file.student_name,
                        transition == FileTransition::Refuse,
                        &message,
                    )
                    .map_err(|error| DomainError::Internal(error.to_string()))?;
                    enqueue(
                        connection,
                        &rendered.into_email(Some(site.0), email, None),
                        delivery,
                    )?;
                }
                Ok(view)
            })
        })
        .await?;
    state.mailer.wake();
    Ok(view)
}

// ---------------------------------------------------------------- exports

fn paris(instant: Option<NaiveDateTime>) -> String {
    instant
        .map(|instant| {
            tutti_shared::paris_local(instant)
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// Every file of the campaign, one line each, for a spreadsheet (header first).
pub async fn export_files(
    state: &AppState,
    caller: SchoolCaller,
    campaign: i64,
) -> Result<Vec<Vec<String>>, DomainError> {
    state
        .db
        .work(move |connection| {
            let site = caller.site;
            let campaign = campaign_by_id(connection, site, campaign)?;
            let files = listed(connection, site, campaign.id, &FileListQuery::default())?;
            let ids: Vec<i64> = files.iter().map(|(row, _)| row.id).collect();
            let wishes = store::wishes_of(connection, &ids)?;
            let course_ids: Vec<i64> = wishes.iter().map(|(_, course)| *course).collect();
            let described: BTreeMap<i64, String> =
                store::described_courses(connection, site, &course_ids)?
                    .into_iter()
                    .map(offered_wire)
                    .map(|course| (course.id, course_line(&course)))
                    .collect();
            let mut rows = vec![
                [
                    "Dossier",
                    "Foyer",
                    "Élève",
                    "Statut",
                    "Étape en cours",
                    "Disciplines demandées",
                    "Cours demandés",
                    "Précisions",
                    "Mode de paiement",
                    "Échéancier",
                    "Pièces manquantes",
                    "Validé par la famille le",
                    "Décision le",
                    "Message de l'école",
                ]
                .map(str::to_owned)
                .to_vec(),
            ];
            for (row, summary) in files {
                let wishes = row.wishes(
                    wishes
                        .iter()
                        .filter(|(file, _)| *file == row.id)
                        .map(|(_, course)| *course)
                        .collect(),
                );
                let courses: Vec<&str> = wishes
                    .course_ids
                    .iter()
                    .filter_map(|id| described.get(id).map(String::as_str))
                    .collect();
                rows.push(vec![
                    summary.id.to_string(),
                    summary.household_name,
                    summary.student_name,
                    summary.status.label().to_owned(),
                    summary.current_step.label().to_owned(),
                    summary.wished,
                    courses.join(" | "),
                    wishes.comment,
                    wishes
                        .payment_method
                        .map(PaymentMethod::label)
                        .unwrap_or("")
                        .to_owned(),
                    match wishes.instalments {
                        Some(9) => "9 fois".to_owned(),
                        Some(1) => "1 fois".to_owned(),
                        _ => String::new(),
                    },
                    summary.missing_documents.to_string(),
                    paris(row.submitted_at),
                    paris(row.decided_at),
                    row.school_message.unwrap_or_default(),
                ]);
            }
            Ok(rows)
        })
        .await
}

/// The site's children with no file in the campaign, with their household's accounts'
/// emails, for a reminder (header first).
pub async fn export_unanswered(
    state: &AppState,
    caller: SchoolCaller,
    campaign: i64,
) -> Result<Vec<Vec<String>>, DomainError> {
    state
        .db
        .work(move |connection| {
            let site = caller.site;
            let campaign = campaign_by_id(connection, site, campaign)?;
            let mut rows = vec![
                ["Foyer", "Prénom", "Nom", "Courriels du foyer"]
                    .map(str::to_owned)
                    .to_vec(),
            ];
            let emails = store::family_emails(connection, site)?;
            for (_, first_name, last_name, household, household_name) in
                store::unanswered(connection, site, campaign.id)?
            {
                let of_household: Vec<&str> = emails
                    .iter()
                    .filter(|(owner, _)| *owner == household)
                    .map(|(_, email)| email.as_str())
                    .collect();
                rows.push(vec![
                    household_name,
                    first_name,
                    last_name,
                    of_household.join(", "),
                ]);
            }
            Ok(rows)
        })
        .await
}
