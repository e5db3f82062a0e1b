//! Documents ("Pièces à fournir"): the types a site asks for, a household's required
//! pieces with their state, the staff's queue and decisions, and the upload rules that
//! both the SPA and the server apply (the server's check is the one that counts).

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Largest accepted file: 2 MB (2 × 1024 × 1024 bytes).
pub const MAX_DOCUMENT_BYTES: usize = 2 * 1024 * 1024;
/// The French message of a file over [`MAX_DOCUMENT_BYTES`] (413 `file_too_large`).
pub const FILE_TOO_LARGE_MESSAGE: &str =
    "Le fichier dépasse 2 Mo : réduisez sa taille et réessayez.";
/// The French message of a file that is not an accepted PDF, JPEG or PNG (415).
pub const UNSUPPORTED_FILE_MESSAGE: &str = "Ce fichier n'est pas accepté. Formats acceptés : PDF, JPEG (.jpg, .jpeg) ou PNG, non protégés et sans contenu actif.";
/// The extensions the portal accepts, for an `<input accept>` list.
pub const ACCEPTED_EXTENSIONS: &[&str] = &["pdf", "jpg", "jpeg", "png"];
/// Longest display name kept, in characters (extension included).
pub const MAX_DISPLAY_NAME_CHARS: usize = 100;

/// Whom a document type concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentScope {
    /// One piece for the whole household (insurance, SEPA mandate).
    Household,
    /// One piece per child (medical certificate, image rights).
    Student,
}

/// When a document type is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequirementRule {
    /// Always required.
    Always,
    /// Required for a child enrolled this year in a dance discipline (except the Éveil
    /// and Initiation levels); for a household type, when any child is.
    Disciplines,
    /// Required when the household pays by direct debit.
    DirectDebit,
    /// Required for residents of the town.
    Residents,
    /// Required when the household asked for the pédibus.
    Pedibus,
    /// Never required; the family may provide it.
    Optional,
}

impl RequirementRule {
    /// The database and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RequirementRule::Always => "always",
            RequirementRule::Disciplines => "disciplines",
            RequirementRule::DirectDebit => "direct_debit",
            RequirementRule::Residents => "residents",
            RequirementRule::Pedibus => "pedibus",
            RequirementRule::Optional => "optional",
        }
    }

    /// The rule of a database name.
    pub fn parse(text: &str) -> Option<Self> {
        [
            RequirementRule::Always,
            RequirementRule::Disciplines,
            RequirementRule::DirectDebit,
            RequirementRule::Residents,
            RequirementRule::Pedibus,
            RequirementRule::Optional,
        ]
        .into_iter()
        .find(|rule| rule.as_str() == text)
    }

    /// The French label for the staff's form.
    pub fn label(self) -> &'static str {
        match self {
            RequirementRule::Always => "Toujours",
            RequirementRule::Disciplines => "Danse (certificat médical)",
            RequirementRule::DirectDebit => "Si paiement par prélèvement",
            RequirementRule::Residents => "Si résident de la commune",
            RequirementRule::Pedibus => "Si demande de pédibus",
            RequirementRule::Optional => "Facultatif",
        }
    }
}

impl DocumentScope {
    /// The database and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentScope::Household => "household",
            DocumentScope::Student => "student",
        }
    }

    /// The scope of a database name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "household" => Some(DocumentScope::Household),
            "student" => Some(DocumentScope::Student),
            _ => None,
        }
    }
}

/// A document's state, as the legacy table shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DocumentState {
    /// Nothing provided yet.
    #[serde(rename = "a_fournir")]
    AFournir,
    /// Uploaded, awaiting staff.
    #[serde(rename = "transmis")]
    Transmis,
    /// Validated by staff.
    #[serde(rename = "valide")]
    Valide,
    /// Refused by staff, with a reason.
    #[serde(rename = "refuse")]
    Refuse,
}

impl DocumentState {
    /// The database and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentState::AFournir => "a_fournir",
            DocumentState::Transmis => "transmis",
            DocumentState::Valide => "valide",
            DocumentState::Refuse => "refuse",
        }
    }

    /// The state of a database or query name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "a_fournir" => Some(DocumentState::AFournir),
            "transmis" => Some(DocumentState::Transmis),
            "valide" => Some(DocumentState::Valide),
            "refuse" => Some(DocumentState::Refuse),
            _ => None,
        }
    }

    /// The French label shown to families and staff.
    pub fn label(self) -> &'static str {
        match self {
            DocumentState::AFournir => "À fournir",
            DocumentState::Transmis => "Transmis",
            DocumentState::Valide => "Validé",
            DocumentState::Refuse => "Refusé",
        }
    }
}

/// A document type as staff see and edit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentType {
    /// Database id.
    pub id: i64,
    /// Name shown to families, e.g. "Assurance responsabilité civile".
    pub name: String,
    /// Help text shown under the name.
    pub help_text: String,
    /// Link to the blank form the school provides, or empty.
    pub form_url: String,
    /// Per household or per student.
    pub scope: DocumentScope,
    /// When it is required.
    pub requirement: RequirementRule,
    /// Order in the lists, from 1.
    pub position: i32,
    /// Once validated, delete the file and keep only "validé le <date>".
    pub delete_file_when_validated: bool,
    /// When staff retired it (no longer asked; its files are kept), if they did.
    pub retired_at: Option<NaiveDateTime>,
    /// Version for optimistic concurrency: send it back when editing.
    pub version: i32,
}

/// Creation or edit of a document type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DocumentTypeInput {
    /// Name, 1 to 120 characters.
    pub name: String,
    /// Help text, up to 1000 characters.
    #[serde(default)]
    pub help_text: String,
    /// Link to the blank form (http or https), or empty.
    #[serde(default)]
    pub form_url: String,
    /// Per household or per student.
    pub scope: DocumentScope,
    /// When it is required.
    pub requirement: RequirementRule,
    /// Delete the file once validated (health documents).
    #[serde(default)]
    pub delete_file_when_validated: bool,
    /// Retire the type (true) or bring it back (false).
    #[serde(default)]
    pub retired: bool,
    /// The version read; required when editing, ignored when creating.
    #[serde(default)]
    pub version: Option<i32>,
}

/// The new order of a site's document types: every id, first to last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DocumentTypeOrder {
    /// The ids of all the site's document types, in the new order.
    pub ids: Vec<i64>,
}

/// The file of a document, as the legacy table lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentFile {
    /// Database id of the document (for download and deletion).
    pub id: i64,
    /// The family's file name, cleaned.
    pub file_name: String,
    /// `application/pdf`, `image/jpeg` or `image/png`.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// When it was uploaded (UTC).
    pub uploaded_at: NaiveDateTime,
    /// When staff validated or refused it (UTC), if they did.
    pub decided_at: Option<NaiveDateTime>,
    /// False once the file was deleted after validation ("validé le <date>" stays).
    pub file_available: bool,
}

/// One required (or optional) piece of a household or child, with its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequiredDocument {
    /// The document type.
    pub document_type_id: i64,
    /// The type's name.
    pub name: String,
    /// The type's help text.
    pub help_text: String,
    /// Link to the blank form, or empty.
    pub form_url: String,
    /// False for an optional piece.
    pub required: bool,
    /// Its state.
    pub state: DocumentState,
    /// The staff's reason when refused.
    pub refusal_reason: Option<String>,
    /// The current file, if any.
    pub file: Option<DocumentFile>,
}

/// A child's pieces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StudentDocuments {
    /// The child's id.
    pub student_id: i64,
    /// "Prénom Nom".
    pub student_name: String,
    /// The child's pieces, in the site's order.
    pub documents: Vec<RequiredDocument>,
}

/// Everything a household has to provide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HouseholdDocuments {
    /// The household's own pieces.
    pub household: Vec<RequiredDocument>,
    /// Each child's pieces.
    pub students: Vec<StudentDocuments>,
}

/// A document in the staff's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueuedDocument {
    /// Database id.
    pub id: i64,
    /// The type's id.
    pub document_type_id: i64,
    /// The type's name.
    pub document_type: String,
    /// The household's id.
    pub household_id: i64,
    /// The household's name.
    pub household_name: String,
    /// The child's id, for a per-student piece.
    pub student_id: Option<i64>,
    /// The child's name, for a per-student piece.
    pub student_name: Option<String>,
    /// `transmis`, `valide` or `refuse`.
    pub state: DocumentState,
    /// The staff's reason when refused.
    pub refusal_reason: Option<String>,
    /// The file.
    pub file: DocumentFile,
    /// Version: send it back with a decision.
    pub version: i32,
}

/// Filters and paging of the staff's queue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct DocumentQueueQuery {
    /// Page number, from 1 (default 1) to 100000; a larger one answers 422.
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 20).
    pub per_page: Option<i64>,
    /// Only this document type.
    pub document_type_id: Option<i64>,
    /// Only this state: `transmis`, `valide` or `refuse`.
    pub state: Option<String>,
    /// Only this child's pieces.
    pub student_id: Option<i64>,
    /// Only this household's pieces.
    pub household_id: Option<i64>,
    /// Uploaded on or after this day (UTC).
    pub from: Option<NaiveDate>,
    /// Uploaded on or before this day (UTC).
    pub to: Option<NaiveDate>,
}

/// A staff decision on a transmitted document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentVerdict {
    /// Validate.
    Validate,
    /// Refuse, with a reason.
    Refuse,
}

/// Validate or refuse a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DocumentDecision {
    /// Validate or refuse.
    pub decision: DocumentVerdict,
    /// Required to refuse (shown to the family), 1 to 500 characters.
    #[serde(default)]
    pub reason: Option<String>,
    /// The version read.
    pub version: i32,
}

/// The multipart form of an upload (documentation of `POST /api/v1/documents`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentUpload {
    /// The document type's id.
    pub document_type_id: i64,
    /// The child's id, for a per-student type; absent for a household type.
    pub student_id: Option<i64>,
    /// The file: PDF, JPEG or PNG, at most 2 MB. Its name is kept, cleaned, for display.
    #[cfg_attr(feature = "openapi", schema(format = Binary, value_type = String))]
    pub file: Vec<u8>,
}

/// Whether a character may stay in a display name: no control character and no
/// bidirectional formatting character (which could disguise `exe.pdf` as `fdp.exe`).
fn allowed_in_name(character: char) -> bool {
    !character.is_control()
        && !matches!(
            character,
            '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{061C}'
                | '\u{FEFF}'
        )
}

/// The extension of a file name (after the last dot), ASCII letters lower-cased, if any.
///
/// ASCII only: every accepted extension is ASCII, and Unicode case tables would cost the
/// SPA about 7 kB of its compressed budget.
pub fn file_extension(name: &str) -> Option<String> {
    let (stem, extension) = name.rsplit_once('.')?;
    if stem.is_empty() && extension.is_empty() {
        return None;
    }
    Some(extension.to_ascii_lowercase())
}

/// The display name kept for a family's file name: no folder part, no control or
/// bidirectional characters, no leading dots or spaces, at most
/// [`MAX_DISPLAY_NAME_CHARS`] characters with the extension kept; "document" when
/// nothing is left.
pub fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let kept: String = base.chars().filter(|c| allowed_in_name(*c)).collect();
    let kept = kept.trim().trim_start_matches('.').trim().to_owned();
    let (stem, extension) = match kept.rsplit_once('.') {
        Some((stem, extension)) if extension.chars().count() <= 10 => {
            (stem.trim().to_owned(), Some(extension.to_owned()))
        }
        _ => (kept.clone(), None),
    };
    let stem = if stem.is_empty() {
        "document".to_owned()
    } else {
        stem
    };
    let extension_chars = extension.as_ref().map_or(0, |e| e.chars().count() + 1);
    let stem: String = stem
        .chars()
        .take(MAX_DISPLAY_NAME_CHARS.saturating_sub(extension_chars))
        .collect();
    let stem = stem.trim_end().to_owned();
    match extension {
        Some(extension) => format!("{stem}.{extension}"),
        None => stem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_loses_its_folders_controls_and_bidi_characters() {
        assert_eq!(clean_file_name("../../etc/passwd.pdf"), "passwd.pdf");
        assert_eq!(clean_file_name("C:\\Users\\a\\rib.png"), "rib.png");
        assert_eq!(clean_file_name("a\0b.png"), "ab.png");
        assert_eq!(clean_file_name("facture\u{202E}fdp.exe"), "facturefdp.exe");
        assert_eq!(clean_file_name("..."), "document");
        assert_eq!(clean_file_name(".pdf"), "pdf");
    }

    #[test]
    fn a_long_file_name_keeps_its_extension() {
        let long = format!("{}.pdf", "é".repeat(300));
        let cleaned = clean_file_name(&long);
        assert_eq!(cleaned.chars().count(), MAX_DISPLAY_NAME_CHARS);
        assert!(cleaned.ends_with(".pdf"));
    }

    #[test]
    fn states_serialise_as_the_wire_names() {
        assert_eq!(
            serde_json::to_string(&DocumentState::AFournir)
                .ok()
                .as_deref(),
            Some("\"a_fournir\"")
        );
        assert_eq!(DocumentState::parse("refuse"), Some(DocumentState::Refuse));
    }
}
