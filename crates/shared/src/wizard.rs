//! A child's re-enrolment file and its six-step wizard: the statuses and the one state
//! machine (`FileStatus::after`), the steps a campaign enables (renumbered), the data of
//! each step with the rules that say when it is complete, and the wire types of the
//! family's and the staff's endpoints.
//!
//! The server applies these rules (its check is the one that counts); the SPA uses the
//! same functions to say what is missing before it asks.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::household::is_valid_phone;
use crate::reenrolment::CampaignSteps;

deserialize_by_name!(FileStatus, "file status");
deserialize_by_name!(WizardStep, "wizard step");
deserialize_by_name!(PaymentMethod, "payment method");

/// Where a child's re-enrolment file stands.
///
/// `brouillon` → `en_attente` (the family validates) → `validee` | `refusee` (staff);
/// `en_attente` → `brouillon` (staff send it back with a message); `refusee` → `en_attente`
/// (the family corrects and validates again); `brouillon` | `refusee` → `non_reinscrit`
/// (the family declines) and `non_reinscrit` → `brouillon` (the family changes its mind,
/// while the campaign is open). Nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// Being filled in by the family.
    Brouillon,
    /// Validated by the family, waiting for the school's decision.
    EnAttente,
    /// Accepted by the school: next year's enrolments exist.
    Validee,
    /// Refused by the school with a reason; the family may correct and validate again.
    Refusee,
    /// The family does not re-enrol the child.
    NonReinscrit,
}

/// What happens to a file. Each is allowed from some statuses only (`FileStatus::after`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileTransition {
    /// The family starts (or restarts, after declining) the wizard.
    Start,
    /// The family declines: « Je ne souhaite pas réinscrire l'élève ».
    Decline,
    /// The family validates the wizard (step 6).
    Submit,
    /// Staff accept the file.
    Validate,
    /// Staff refuse it, with a reason.
    Refuse,
    /// Staff send it back to the family, with a message.
    Return,
}

impl FileStatus {
    /// Every status, in the order of the journey.
    pub const ALL: [FileStatus; 5] = [
        FileStatus::Brouillon,
        FileStatus::EnAttente,
        FileStatus::Validee,
        FileStatus::Refusee,
        FileStatus::NonReinscrit,
    ];

    /// The database and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Brouillon => "brouillon",
            FileStatus::EnAttente => "en_attente",
            FileStatus::Validee => "validee",
            FileStatus::Refusee => "refusee",
            FileStatus::NonReinscrit => "non_reinscrit",
        }
    }

    /// The status of a database name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// The French label shown to families and staff.
    pub fn label(self) -> &'static str {
        match self {
            FileStatus::Brouillon => "En cours de saisie",
            FileStatus::EnAttente => "En attente de validation",
            FileStatus::Validee => "Validée",
            FileStatus::Refusee => "Refusée",
            FileStatus::NonReinscrit => "Non réinscrit",
        }
    }

    /// The state machine: the status after `transition`, or `None` when it is not allowed
    /// from this status.
    pub fn after(self, transition: FileTransition) -> Option<FileStatus> {
        use FileStatus::*;
        use FileTransition::*;
        match (self, transition) {
            (NonReinscrit, Start) => Some(Brouillon),
            (Brouillon | Refusee, Decline) => Some(NonReinscrit),
            (Brouillon | Refusee, Submit) => Some(EnAttente),
            (EnAttente, Validate) => Some(Validee),
            (EnAttente, Refuse) => Some(Refusee),
            (EnAttente, Return) => Some(Brouillon),
            _ => None,
        }
    }

    /// Whether the family may change the file's steps in this status.
    pub fn family_may_edit(self) -> bool {
        matches!(self, FileStatus::Brouillon | FileStatus::Refusee)
    }
}

/// The six steps of the wizard, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WizardStep {
    /// 1 Coordonnées: the guardians' and the child's details.
    Coordonnees,
    /// 2 Autorisations.
    Autorisations,
    /// 3 Documents: the pieces to provide.
    Documents,
    /// 4 Cours: next year's wishes, payment method and schedule.
    Cours,
    /// 5 Récapitulatif, with the estimated fee.
    Recapitulatif,
    /// 6 Finalisation: the rules, « J'accepte » and « Valider ».
    Finalisation,
}

impl WizardStep {
    /// Every step, in order.
    pub const ALL: [WizardStep; 6] = [
        WizardStep::Coordonnees,
        WizardStep::Autorisations,
        WizardStep::Documents,
        WizardStep::Cours,
        WizardStep::Recapitulatif,
        WizardStep::Finalisation,
    ];

    /// The database and wire name (also the last segment of the SPA's address).
    pub fn as_str(self) -> &'static str {
        match self {
            WizardStep::Coordonnees => "coordonnees",
            WizardStep::Autorisations => "autorisations",
            WizardStep::Documents => "documents",
            WizardStep::Cours => "cours",
            WizardStep::Recapitulatif => "recapitulatif",
            WizardStep::Finalisation => "finalisation",
        }
    }

    /// The step of a database name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|step| step.as_str() == text)
    }

    /// The French name shown in the step indicator.
    pub fn label(self) -> &'static str {
        match self {
            WizardStep::Coordonnees => "Coordonnées",
            WizardStep::Autorisations => "Autorisations",
            WizardStep::Documents => "Documents",
            WizardStep::Cours => "Cours",
            WizardStep::Recapitulatif => "Récapitulatif",
            WizardStep::Finalisation => "Finalisation",
        }
    }
}

impl CampaignSteps {
    /// The steps this campaign shows, in order (« Récapitulatif » and « Finalisation »
    /// always); their position + 1 is the number the family sees.
    pub fn enabled(&self) -> Vec<WizardStep> {
        WizardStep::ALL
            .into_iter()
            .filter(|step| self.is_enabled(*step))
            .collect()
    }

    /// Whether the campaign shows `step`.
    pub fn is_enabled(&self, step: WizardStep) -> bool {
        match step {
            WizardStep::Coordonnees => self.coordonnees,
            WizardStep::Autorisations => self.autorisations,
            WizardStep::Documents => self.documents,
            WizardStep::Cours => self.cours,
            WizardStep::Recapitulatif | WizardStep::Finalisation => true,
        }
    }
}

/// Step 2, « Autorisations ». Every answer is required; `None` = not answered yet (a
/// family may save a step half done and come back to it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Autorisations {
    /// Droit à l'image: the school may publish photos and videos of the child.
    #[serde(default)]
    pub image_rights: Option<bool>,
    /// The child may leave alone after class.
    #[serde(default)]
    pub leaves_alone: Option<bool>,
    /// Who may collect the child otherwise (required when `leaves_alone` is false).
    #[serde(default)]
    pub collectors: String,
    /// Pédibus requested.
    #[serde(default)]
    pub pedibus: Option<bool>,
    /// Emergency contact's name.
    #[serde(default)]
    pub emergency_name: String,
    /// Emergency contact's phone (French number).
    #[serde(default)]
    pub emergency_phone: String,
}

/// Longest free text of a step field, in characters.
pub const MAX_WIZARD_TEXT_CHARS: usize = 500;

const ANSWER: &str = "Répondez à cette question.";
const TOO_LONG: &str = "500 caractères au plus.";

fn check_text(errors: &mut BTreeMap<String, String>, field: &str, value: &str, required: bool) {
    if value.chars().count() > MAX_WIZARD_TEXT_CHARS {
        errors.insert(field.to_owned(), TOO_LONG.to_owned());
    } else if required && value.trim().is_empty() {
        errors.insert(field.to_owned(), "Ce champ est obligatoire.".to_owned());
    }
}

impl Autorisations {
    /// What makes the step's data invalid whatever its completeness (a malformed phone,
    /// a text too long): a save with any of these is refused (422).
    pub fn format_errors(&self) -> BTreeMap<String, String> {
        let mut errors = BTreeMap::new();
        check_text(&mut errors, "collectors", &self.collectors, false);
        check_text(&mut errors, "emergency_name", &self.emergency_name, false);
        let phone = self.emergency_phone.trim();
        if !phone.is_empty() && !is_valid_phone(phone) {
            errors.insert(
                "emergency_phone".to_owned(),
                "Numéro de téléphone invalide (10 chiffres, par exemple 06 12 34 56 78)."
                    .to_owned(),
            );
        }
        errors
    }

    /// Everything missing or wrong, by field: empty when the step is complete.
    pub fn problems(&self) -> BTreeMap<String, String> {
        let mut errors = BTreeMap::new();
        if self.image_rights.is_none() {
            errors.insert("image_rights".to_owned(), ANSWER.to_owned());
        }
        if self.leaves_alone.is_none() {
            errors.insert("leaves_alone".to_owned(), ANSWER.to_owned());
        }
        if self.pedibus.is_none() {
            errors.insert("pedibus".to_owned(), ANSWER.to_owned());
        }
        check_text(
            &mut errors,
            "collectors",
            &self.collectors,
            self.leaves_alone == Some(false),
        );
        check_text(&mut errors, "emergency_name", &self.emergency_name, true);
        check_text(&mut errors, "emergency_phone", &self.emergency_phone, true);
        errors.extend(self.format_errors());
        errors
    }
}

/// How the family pays next year's fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Prélèvement automatique (asks for the SEPA mandate and a RIB).
    Prelevement,
    /// The town's Portail Familles.
    PortailFamilles,
}

impl PaymentMethod {
    /// The database and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Prelevement => "prelevement",
            PaymentMethod::PortailFamilles => "portail_familles",
        }
    }

    /// The method of a database name.
    pub fn parse(text: &str) -> Option<Self> {
        [PaymentMethod::Prelevement, PaymentMethod::PortailFamilles]
            .into_iter()
            .find(|method| method.as_str() == text)
    }

    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            PaymentMethod::Prelevement => "Prélèvement automatique",
            PaymentMethod::PortailFamilles => "Portail Familles de la ville",
        }
    }
}

/// Most courses wished for one child.
pub const MAX_WISHED_COURSES: usize = 10;

/// Step 4, « Cours ».
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CourseWishes {
    /// Courses of the campaign's catalogue (at least one to be complete, at most 10).
    #[serde(default)]
    pub course_ids: Vec<i64>,
    /// Double cursus, second instrument, change of instrument... (free text).
    #[serde(default)]
    pub comment: String,
    /// Payment method.
    #[serde(default)]
    pub payment_method: Option<PaymentMethod>,
    /// 1 (once) or 9 (nine instalments).
    #[serde(default)]
    pub instalments: Option<u32>,
}

impl CourseWishes {
    /// What makes a save invalid whatever its completeness.
    pub fn format_errors(&self) -> BTreeMap<String, String> {
        let mut errors = BTreeMap::new();
        check_text(&mut errors, "comment", &self.comment, false);
        if self.course_ids.len() > MAX_WISHED_COURSES {
            errors.insert(
                "course_ids".to_owned(),
                "10 cours au plus par élève.".to_owned(),
            );
        }
        // At most a few ids: a pairwise check (a sort would add its code to the wasm).
        let repeated = self
            .course_ids
            .iter()
            .enumerate()
            .any(|(index, id)| self.course_ids[..index].contains(id));
        if repeated {
            errors.insert(
                "course_ids".to_owned(),
                "Un cours est choisi deux fois.".to_owned(),
            );
        }
        if let Some(count) = self.instalments
            && count != 1
            && count != 9
        {
            errors.insert(
                "instalments".to_owned(),
                "Choisissez un paiement en une fois ou en neuf fois.".to_owned(),
            );
        }
        errors
    }

    /// Everything missing or wrong, by field: empty when the step is complete.
    pub fn problems(&self) -> BTreeMap<String, String> {
        let mut errors = BTreeMap::new();
        if self.course_ids.is_empty() {
            errors.insert(
                "course_ids".to_owned(),
                "Choisissez au moins un cours.".to_owned(),
            );
        }
        if self.payment_method.is_none() {
            errors.insert(
                "payment_method".to_owned(),
                "Choisissez un mode de paiement.".to_owned(),
            );
        }
        if self.instalments.is_none() {
            errors.insert(
                "instalments".to_owned(),
                "Choisissez un échéancier.".to_owned(),
            );
        }
        errors.extend(self.format_errors());
        errors
    }
}

/// One step as the indicator shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepState {
    /// The step.
    pub step: WizardStep,
    /// Its number for the family (1, 2, ... over the enabled steps).
    pub number: u8,
    /// Whether its data is complete (for « Documents »: no piece still to provide or
    /// refused; a piece still `transmis` does not block).
    pub complete: bool,
}

/// Something that keeps the file from being validated, and the step that fixes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MissingItem {
    /// The step to go back to.
    pub step: WizardStep,
    /// What is missing, in French.
    pub message: String,
}

/// A child's re-enrolment file as the family (and staff) see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReenrolmentFile {
    /// Database id.
    pub id: i64,
    /// The campaign.
    pub campaign_id: i64,
    /// The child.
    pub student_id: i64,
    /// The child's first and last name.
    pub student_name: String,
    /// Where the file stands.
    pub status: FileStatus,
    /// The step the family was last on: where the wizard resumes.
    pub current_step: WizardStep,
    /// The campaign's enabled steps, renumbered, with their completeness.
    pub steps: Vec<StepState>,
    /// Step 1 confirmed by the family (the details themselves are the household's).
    pub coordonnees_confirmed: bool,
    /// Step 2's answers.
    pub autorisations: Autorisations,
    /// Step 4's wishes.
    pub cours: CourseWishes,
    /// The rules version the family accepted when validating, if it did.
    pub accepted_rules_version: Option<i32>,
    /// What still keeps the file from being validated (empty = ready).
    pub missing: Vec<MissingItem>,
    /// The school's last message: the refusal's reason or why the file was sent back.
    pub school_message: Option<String>,
    /// When the family validated (UTC).
    #[serde(deserialize_with = "crate::paris::utc_text::option")]
    pub submitted_at: Option<DateTime<Utc>>,
    /// When the school decided (UTC).
    #[serde(deserialize_with = "crate::paris::utc_text::option")]
    pub decided_at: Option<DateTime<Utc>>,
    /// Send back with a change.
    pub version: i32,
}

/// A child of the household and its answer to the open campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChildReenrolment {
    /// The child.
    pub student_id: i64,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// The file, once the family started or declined; `null` = not answered yet.
    pub file_id: Option<i64>,
    /// The file's status, if there is a file.
    pub status: Option<FileStatus>,
    /// The step the family was last on, if there is a file.
    pub current_step: Option<WizardStep>,
    /// The file's version, if there is a file (to decline it).
    pub version: Option<i32>,
}

/// Declines a child (« Je ne souhaite pas réinscrire l'élève »).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeclineInput {
    /// The file's version when there is one already; left out when there is none.
    #[serde(default)]
    pub version: Option<i32>,
}

/// Records where the family is in the wizard (no version: it is a bookmark, not data).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StepPositionInput {
    /// An enabled step.
    pub step: WizardStep,
}

/// Confirms step 1 (the details are saved through Famille and Élèves' change requests).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CoordonneesInput {
    /// The file's version read.
    pub version: i32,
}

/// Saves step 2 (partial answers are kept; format errors are refused).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AutorisationsInput {
    /// The file's version read.
    pub version: i32,
    /// The answers.
    pub autorisations: Autorisations,
}

/// Saves step 4 (partial wishes are kept; format errors are refused).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CoursInput {
    /// The file's version read.
    pub version: i32,
    /// The wishes.
    pub cours: CourseWishes,
}

/// Validates the wizard (step 6).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubmitInput {
    /// The file's version read.
    pub version: i32,
    /// The rules version shown and accepted (« J'accepte »): the campaign's current one.
    pub accepted_rules_version: i32,
}

/// A course the campaign offers, as a family chooses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferedCourse {
    /// Course id (of the campaign's next year).
    pub id: i64,
    /// The discipline's id.
    pub discipline_id: i64,
    /// The discipline's name.
    pub discipline: String,
    /// Level or cycle.
    pub level: String,
    /// The teacher's name.
    pub teacher_name: String,
    /// 1 = Monday ... 7 = Sunday.
    pub weekday: i32,
    /// Start, `HH:MM`.
    pub start_time: String,
    /// End, `HH:MM`.
    pub end_time: String,
}

// ---- Staff ---------------------------------------------------------------------------

/// Counts of a campaign's files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignDashboard {
    /// The campaign.
    pub campaign_id: i64,
    /// Children of the site's households with no file yet.
    pub unanswered: i64,
    /// Files by status (every status, zeros included).
    pub by_status: Vec<StatusCount>,
    /// Files in `brouillon` by the step the family was last on (enabled steps).
    pub by_step: Vec<StepCount>,
}

/// How many files have a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCount {
    /// The status.
    pub status: FileStatus,
    /// How many files.
    pub count: i64,
}

/// How many draft files stand at a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepCount {
    /// The step.
    pub step: WizardStep,
    /// How many draft files.
    pub count: i64,
}

/// Filters of a campaign's files list (query string).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct FileListQuery {
    /// Only this status.
    #[serde(default)]
    pub status: Option<FileStatus>,
    /// Only files wishing a course of this discipline.
    #[serde(default)]
    pub discipline_id: Option<i64>,
    /// Only files with pieces still to provide or refused (`true`), or without (`false`).
    #[serde(default)]
    pub missing_documents: Option<bool>,
    /// Only this household.
    #[serde(default)]
    pub household_id: Option<i64>,
    /// 1-based page (default 1).
    #[serde(default)]
    pub page: Option<u32>,
    /// Page size, 1 to 100 (default 50).
    #[serde(default)]
    pub per_page: Option<u32>,
}

/// One line of a campaign's files list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffFileSummary {
    /// The file.
    pub id: i64,
    /// The household.
    pub household_id: i64,
    /// The household's name (its first guardian's last name).
    pub household_name: String,
    /// The child.
    pub student_id: i64,
    /// The child's name.
    pub student_name: String,
    /// Status.
    pub status: FileStatus,
    /// The step the family was last on.
    pub current_step: WizardStep,
    /// Disciplines wished, e.g. "Piano, Formation musicale".
    pub wished: String,
    /// Pieces still to provide or refused.
    pub missing_documents: i64,
    /// When the family validated (UTC).
    pub submitted_at: Option<DateTime<Utc>>,
    /// The file's version (for decisions from the list).
    pub version: i32,
}

/// A file with everything staff need to decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffFileView {
    /// The file with every step's data.
    pub file: ReenrolmentFile,
    /// The household.
    pub household_id: i64,
    /// The household's name.
    pub household_name: String,
    /// The wished courses, described.
    pub wished_courses: Vec<OfferedCourse>,
    /// The enrolments created by the validation (course ids), once validated.
    pub enrolled_course_ids: Vec<i64>,
}

/// Accepts a file: the courses to enrol the child in next year.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ValidateFileInput {
    /// The file's version read.
    pub version: i32,
    /// The confirmed courses: each a wished course, or another course of the next year
    /// in the same discipline as a wished one; left out = the wished courses as they are.
    #[serde(default)]
    pub course_ids: Option<Vec<i64>>,
}

/// Refuses a file or sends it back, with a message the family reads (and receives).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FileMessageInput {
    /// The file's version read.
    pub version: i32,
    /// The reason or message (1 to 500 characters).
    pub message: String,
}

/// Validates several files with their wished courses as they are.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BulkValidateInput {
    /// The files (at most 200), each read at a version.
    pub files: Vec<BulkFile>,
}

/// One file of a bulk validation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BulkFile {
    /// The file.
    pub id: i64,
    /// Its version read.
    pub version: i32,
}

/// What a bulk validation did, file by file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkValidateResult {
    /// Files validated.
    pub validated: Vec<i64>,
    /// Files left as they were, and why.
    pub failed: Vec<BulkFailure>,
}

/// A file a bulk validation left alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkFailure {
    /// The file.
    pub id: i64,
    /// Why, in French.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_are_read_by_their_wire_names() {
        for status in FileStatus::ALL {
            let json = serde_json::to_string(&status).unwrap_or_default();
            assert_eq!(serde_json::from_str::<FileStatus>(&json).ok(), Some(status));
        }
        for step in WizardStep::ALL {
            let json = serde_json::to_string(&step).unwrap_or_default();
            assert_eq!(serde_json::from_str::<WizardStep>(&json).ok(), Some(step));
        }
        assert_eq!(
            serde_json::from_str::<PaymentMethod>("\"portail_familles\"").ok(),
            Some(PaymentMethod::PortailFamilles)
        );
        assert!(serde_json::from_str::<FileStatus>("\"validée\"").is_err());
    }

    #[test]
    fn the_state_machine_allows_exactly_the_documented_transitions() {
        use FileStatus::*;
        use FileTransition::*;
        let allowed = [
            (NonReinscrit, Start, Brouillon),
            (Brouillon, Decline, NonReinscrit),
            (Refusee, Decline, NonReinscrit),
            (Brouillon, Submit, EnAttente),
            (Refusee, Submit, EnAttente),
            (EnAttente, Validate, Validee),
            (EnAttente, Refuse, Refusee),
            (EnAttente, Return, Brouillon),
        ];
        for status in FileStatus::ALL {
            for transition in [Start, Decline, Submit, Validate, Refuse, Return] {
                let expected = allowed
                    .iter()
                    .find(|(from, via, _)| *from == status && *via == transition)
                    .map(|(_, _, to)| *to);
                assert_eq!(
                    status.after(transition),
                    expected,
                    "{status:?} {transition:?}"
                );
            }
        }
    }

    #[test]
    fn disabled_steps_are_left_out_and_the_last_two_always_stay() {
        let steps = CampaignSteps {
            coordonnees: false,
            autorisations: true,
            documents: false,
            cours: true,
        };
        assert_eq!(
            steps.enabled(),
            vec![
                WizardStep::Autorisations,
                WizardStep::Cours,
                WizardStep::Recapitulatif,
                WizardStep::Finalisation
            ]
        );
    }

    #[test]
    fn autorisations_need_every_answer_and_collectors_only_when_the_child_does_not_leave_alone() {
        let mut answers = Autorisations::default();
        let problems = answers.problems();
        for field in [
            "image_rights",
            "leaves_alone",
            "pedibus",
            "emergency_name",
            "emergency_phone",
        ] {
            assert!(problems.contains_key(field), "{field}");
        }
        answers = Autorisations {
            image_rights: Some(true),
            leaves_alone: Some(false),
            collectors: String::new(),
            pedibus: Some(false),
            emergency_name: "Paul Martin".to_owned(),
            emergency_phone: "06 12 34 56 78".to_owned(),
        };
        assert_eq!(
            answers.problems().keys().collect::<Vec<_>>(),
            vec!["collectors"]
        );
        answers.leaves_alone = Some(true);
        assert!(answers.problems().is_empty());
        answers.emergency_phone = "12".to_owned();
        assert!(answers.format_errors().contains_key("emergency_phone"));
    }

    #[test]
    fn course_wishes_need_a_course_a_method_and_a_schedule_of_one_or_nine() {
        let mut wishes = CourseWishes::default();
        assert_eq!(wishes.problems().len(), 3);
        wishes = CourseWishes {
            course_ids: vec![3, 4],
            comment: String::new(),
            payment_method: Some(PaymentMethod::Prelevement),
            instalments: Some(9),
        };
        assert!(wishes.problems().is_empty());
        wishes.instalments = Some(3);
        assert!(wishes.format_errors().contains_key("instalments"));
        wishes.instalments = Some(1);
        wishes.course_ids = vec![3, 3];
        assert!(wishes.format_errors().contains_key("course_ids"));
    }
}
