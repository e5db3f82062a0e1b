//! Re-enrolment campaigns ("Réinscriptions"): the staff's settings of one campaign per
//! site and year (dates, steps of the wizard, rules text, courses offered) and what a
//! family sees of the open one.
//!
//! Instants are RFC 3339 with an offset (`2027-05-01T09:00:00+02:00` for 9 h in Paris in
//! summer); the server stores and answers them in UTC (`...Z`). The SPA converts from and
//! to Europe/Paris wall-clock time.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a campaign stands. One campaign per site may be `open` at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    /// Being prepared: editable, invisible to families.
    Draft,
    /// Open: families may re-enrol between its opening and closing instants.
    Open,
    /// Closed by staff: invisible to families; may be extended and opened again.
    Closed,
}

impl CampaignStatus {
    /// The database and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignStatus::Draft => "draft",
            CampaignStatus::Open => "open",
            CampaignStatus::Closed => "closed",
        }
    }

    /// The status of a database name.
    pub fn parse(text: &str) -> Option<Self> {
        [
            CampaignStatus::Draft,
            CampaignStatus::Open,
            CampaignStatus::Closed,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

fn enabled() -> bool {
    true
}

/// Which steps of the re-enrolment wizard a campaign asks for. Of the six steps, four
/// may be turned off; « Récapitulatif » and « Finalisation » are always there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CampaignSteps {
    /// « Coordonnées »: the household's and children's details (default on).
    #[serde(default = "enabled")]
    pub coordonnees: bool,
    /// « Autorisations »: image rights, leaving alone, pédibus (default on).
    #[serde(default = "enabled")]
    pub autorisations: bool,
    /// « Documents »: the pieces to provide (default on).
    #[serde(default = "enabled")]
    pub documents: bool,
    /// « Cours »: next year's courses (default on).
    #[serde(default = "enabled")]
    pub cours: bool,
}

impl Default for CampaignSteps {
    fn default() -> Self {
        Self {
            coordonnees: true,
            autorisations: true,
            documents: true,
            cours: true,
        }
    }
}

/// Creates or edits a campaign (edits only while it is a draft).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    /// The school year families re-enrol from (this site's).
    pub from_year_id: i64,
    /// The school year they re-enrol for: this site's, after `from_year_id`.
    pub to_year_id: i64,
    /// Opening instant, RFC 3339 with an offset (Europe/Paris wall clock plus its offset,
    /// or UTC `Z`).
    pub opens_at: DateTime<Utc>,
    /// Closing instant, after the opening, RFC 3339 with an offset.
    pub closes_at: DateTime<Utc>,
    /// The wizard's optional steps; all on when left out.
    #[serde(default)]
    pub steps: CampaignSteps,
    /// For edits: the version read; ignored on creation.
    #[serde(default)]
    pub version: Option<i32>,
}

/// One version of a campaign's rules (« règlement intérieur »). A new text is a new
/// version; a family accepts one precise version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignRules {
    /// 1, 2, 3... in the campaign.
    pub version: i32,
    /// The text, as written by staff (plain text).
    pub text: String,
    /// When this version was written (UTC).
    pub created_at: NaiveDateTime,
}

/// A new version of the rules text.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CampaignRulesInput {
    /// The full text (at most 50 000 characters).
    pub text: String,
}

/// The courses a campaign offers: courses of its `to_year_id`, replacing the list.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CampaignCoursesInput {
    /// Course ids of the campaign's next year.
    pub course_ids: Vec<i64>,
}

/// Opens or closes a campaign read at `version`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CampaignTransition {
    /// The version read.
    pub version: i32,
}

/// Moves a campaign's closing instant later.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CampaignExtension {
    /// The new closing instant, after the current one (RFC 3339 with an offset).
    pub closes_at: DateTime<Utc>,
    /// The version read.
    pub version: i32,
}

/// A campaign as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Campaign {
    /// Database id.
    pub id: i64,
    /// The year re-enrolled from.
    pub from_year_id: i64,
    /// The year re-enrolled for.
    pub to_year_id: i64,
    /// Opening instant (UTC).
    pub opens_at: DateTime<Utc>,
    /// Closing instant (UTC).
    pub closes_at: DateTime<Utc>,
    /// The wizard's optional steps.
    pub steps: CampaignSteps,
    /// Draft, open or closed.
    pub status: CampaignStatus,
    /// The current rules, if any were written.
    pub rules: Option<CampaignRules>,
    /// Ids of the courses offered (of `to_year_id`), ascending.
    pub offered_course_ids: Vec<i64>,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Created (UTC).
    pub created_at: NaiveDateTime,
    /// Last changed (UTC).
    pub updated_at: NaiveDateTime,
}

/// The site's open campaign, as a family sees it during its dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FamilyCampaign {
    /// Database id.
    pub id: i64,
    /// The year re-enrolled for, e.g. "2027-2028".
    pub to_year_label: String,
    /// Opening instant (UTC).
    #[serde(deserialize_with = "crate::paris::utc_text::deserialize")]
    pub opens_at: DateTime<Utc>,
    /// Closing instant (UTC): nothing is writable after it.
    #[serde(deserialize_with = "crate::paris::utc_text::deserialize")]
    pub closes_at: DateTime<Utc>,
    /// The wizard's optional steps (« Récapitulatif » and « Finalisation » always follow).
    pub steps: CampaignSteps,
    /// The current rules to accept, if any were written.
    pub rules: Option<CampaignRules>,
    /// The courses offered for next year, by discipline then level.
    pub courses: Vec<crate::wizard::OfferedCourse>,
}
