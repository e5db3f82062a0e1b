//! Staff review of the changes families ask for, and staff views of households.

use serde::{Deserialize, Serialize};

use crate::household::{GuardianView, StudentView};

/// Where a change request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeStatus {
    /// Waiting for staff.
    Pending,
    /// Applied to the record.
    Approved,
    /// Refused; the record keeps its value.
    Rejected,
    /// Replaced by a later request on the same field before staff decided.
    Superseded,
}

impl ChangeStatus {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeStatus::Pending => "pending",
            ChangeStatus::Approved => "approved",
            ChangeStatus::Rejected => "rejected",
            ChangeStatus::Superseded => "superseded",
        }
    }

    /// Reads a stored value.
    pub fn from_db(value: &str) -> Option<Self> {
        match value {
            "pending" => Some(ChangeStatus::Pending),
            "approved" => Some(ChangeStatus::Approved),
            "rejected" => Some(ChangeStatus::Rejected),
            "superseded" => Some(ChangeStatus::Superseded),
            _ => None,
        }
    }
}

/// One field change asked by a family, old versus new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeRequest {
    /// Database id.
    pub id: i64,
    /// The household.
    pub family_id: i64,
    /// The household's name.
    pub family_name: String,
    /// `guardian` or `student`.
    pub target_type: String,
    /// The guardian's or student's id.
    pub target_id: i64,
    /// The guardian's or student's name.
    pub target_name: String,
    /// The field's wire name.
    pub field: String,
    /// The field's French label.
    pub field_label: String,
    /// The value when the family asked.
    pub old_value: String,
    /// The value asked for.
    pub new_value: String,
    /// Where it stands.
    pub status: ChangeStatus,
    /// When the family asked (UTC).
    pub requested_at: chrono::NaiveDateTime,
    /// Who asked.
    pub requested_by: String,
    /// When staff decided (UTC).
    pub decided_at: Option<chrono::NaiveDateTime>,
}

/// Filters of the change-request queue (with paging).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ChangeRequestQuery {
    /// pending (default), approved, rejected, superseded or all.
    pub status: Option<String>,
    /// Only this household.
    pub family_id: Option<i64>,
    /// Only this student.
    pub student_id: Option<i64>,
    /// Asked on or after this day.
    pub from: Option<chrono::NaiveDate>,
    /// Asked on or before this day.
    pub to: Option<chrono::NaiveDate>,
    /// Page number, from 1 to 100000; a larger one answers 422.
    pub page: Option<i64>,
    /// Items per page, 1 to 100.
    pub per_page: Option<i64>,
}

/// The decision staff take on one or several requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Apply the new value.
    Approve,
    /// Keep the old value.
    Reject,
}

/// Approves or rejects several requests at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// The requests (all pending, all of the staff member's site).
    pub ids: Vec<i64>,
    /// What to do with them.
    pub decision: Decision,
}

/// The outcome of a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionOutcome {
    /// How many requests were decided.
    pub decided: usize,
}

/// A household as staff see it: guardians, children, accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FamilyDetail {
    /// Database id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Guardians with their pending changes.
    pub guardians: Vec<GuardianView>,
    /// Children with their pending changes.
    pub students: Vec<StudentView>,
    /// The household's logins.
    pub logins: Vec<String>,
    /// What the household chose that decides some of its documents.
    pub choices: HouseholdChoices,
}

/// What a household chose that decides some of the documents it must provide. Staff read
/// it in the household's detail and send it back, changed, to record new choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HouseholdChoices {
    /// Pays by direct debit: the SEPA mandate and a RIB are asked for.
    pub pays_by_direct_debit: bool,
    /// Lives in the commune: the quotient familial is asked for.
    pub resident: bool,
    /// Asks for the pédibus: the request and the parental discharge are asked for.
    pub pedibus_requested: bool,
    /// The household's quotient familial in whole euros, from 0 to 100 000; `null` (or
    /// absent) = not provided, and the fee estimate applies the highest bracket.
    #[serde(default)]
    pub quotient_familial_euros: Option<i64>,
    /// The household's version when read; a change made against an older one is refused
    /// (409 `stale_version`).
    pub version: i32,
}

/// Creates a household with its first guardian and a family account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewFamilyInput {
    /// The identifiant to give the family.
    pub login: String,
    /// The first guardian.
    pub guardian: crate::household::GuardianFields,
}

/// Gives a guardian of an existing household a family account of their own (a
/// household has at most one account per guardian).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewFamilyAccountInput {
    /// The identifiant to give the guardian (letters, digits, `.`, `-`, `_`, `@`).
    pub login: String,
    /// Where the welcome email goes, and the address the reset form asks for.
    pub email: String,
    /// The guardian of this household the account belongs to.
    pub guardian_id: i64,
}

/// A family account of a household, as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FamilyAccount {
    /// Database id.
    pub id: i64,
    /// The identifiant.
    pub login: String,
    /// The account's email address.
    pub email: String,
    /// The guardian it belongs to; `null` for an account made before accounts named
    /// their guardian.
    pub guardian_id: Option<i64>,
    /// That guardian's "Prénom Nom".
    pub guardian_name: Option<String>,
    /// When staff created it, UTC.
    pub created_at: chrono::NaiveDateTime,
    /// Whether a password was chosen (until then nobody can log in with it).
    pub password_set: bool,
}

/// A student in the staff's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StudentListItem {
    /// Database id.
    pub id: i64,
    /// The household.
    pub family_id: i64,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Date of birth.
    pub birth_date: Option<chrono::NaiveDate>,
}
