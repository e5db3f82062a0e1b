//! The rules of re-enrolment campaigns: settings checked against the site's school years
//! and courses, edits only while a draft, transitions (open, extend, close) with at most
//! one open campaign per site, a rules text versioned by new rows, every change audited
//! in its transaction; and what the family side may rely on (`require_open`).

use chrono::{DateTime, NaiveDateTime, Utc};
use tutti_shared::{
    Campaign, CampaignCoursesInput, CampaignExtension, CampaignInput, CampaignRules,
    CampaignRulesInput, CampaignStatus, CampaignSteps, CampaignTransition, ErrorCode,
    FamilyCampaign,
};

use super::store::{self, CampaignChangeset, CampaignRow, RulesRow};
use crate::audit::record_school_action;
use crate::caller::{FamilyCaller, SchoolCaller};
use crate::db::{DbConnection, now, write_transaction};
use crate::domain::{DomainError, FieldErrors, SiteId, required_text};
use crate::state::AppState;

/// Longest rules text, in characters.
const MAX_RULES_CHARS: usize = 50_000;

const CAMPAIGN_CLOSED: &str =
    "Les réinscriptions ne sont pas ouvertes en ce moment : rien ne peut être enregistré.";

fn utc(instant: NaiveDateTime) -> DateTime<Utc> {
    instant.and_utc()
}

impl CampaignRow {
    fn status(&self) -> CampaignStatus {
        // Unknown names are impossible under the CHECK; closed is the safest reading.
        CampaignStatus::parse(&self.status).unwrap_or(CampaignStatus::Closed)
    }

    fn steps(&self) -> CampaignSteps {
        CampaignSteps {
            coordonnees: self.step_coordonnees,
            autorisations: self.step_autorisations,
            documents: self.step_documents,
            cours: self.step_cours,
        }
    }

    /// Whether families may use it at `now`: open, and within its instants.
    fn is_live(&self, now: NaiveDateTime) -> bool {
        self.status() == CampaignStatus::Open && self.opens_at <= now && now < self.closes_at
    }
}

fn rules_wire(row: RulesRow) -> CampaignRules {
    CampaignRules {
        version: row.version,
        text: row.text,
        created_at: row.created_at,
    }
}

/// The staff's view of a campaign row, with its current rules and offered courses.
fn view(
    connection: &mut DbConnection,
    site: SiteId,
    row: &CampaignRow,
) -> Result<Campaign, DomainError> {
    Ok(Campaign {
        id: row.id,
        from_year_id: row.from_year_id,
        to_year_id: row.to_year_id,
        opens_at: utc(row.opens_at),
        closes_at: utc(row.closes_at),
        steps: row.steps(),
        status: row.status(),
        rules: store::current_rules(connection, site, row.id)?.map(rules_wire),
        offered_course_ids: store::offered_courses(connection, site, row.id)?,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn find(connection: &mut DbConnection, site: SiteId, id: i64) -> Result<CampaignRow, DomainError> {
    store::find(connection, site, id)?.ok_or(DomainError::NotFound)
}

fn invalid_transition(message: &str) -> DomainError {
    DomainError::conflict(ErrorCode::InvalidTransition, message)
}

/// The settings of an input, checked: instants in order, both years of the site and the
/// second after the first.
fn settings(
    connection: &mut DbConnection,
    site: SiteId,
    input: &CampaignInput,
) -> Result<CampaignChangeset, DomainError> {
    let mut errors = FieldErrors::new();
    if input.closes_at <= input.opens_at {
        errors.insert(
            "closes_at".to_owned(),
            "La clôture doit suivre l'ouverture.".to_owned(),
        );
    }
    let from = store::year(connection, site, input.from_year_id)?;
    let to = store::year(connection, site, input.to_year_id)?;
    if from.is_none() {
        errors.insert(
            "from_year_id".to_owned(),
            "Choisissez une année scolaire du site.".to_owned(),
        );
    }
    match (&from, &to) {
        (_, None) => {
            errors.insert(
                "to_year_id".to_owned(),
                "Choisissez une année scolaire du site.".to_owned(),
            );
        }
        (Some((_, from_start, _)), Some((_, to_start, _))) if to_start <= from_start => {
            errors.insert(
                "to_year_id".to_owned(),
                "L'année de réinscription doit suivre l'année en cours.".to_owned(),
            );
        }
        _ => {}
    }
    DomainError::check(errors)?;
    Ok(CampaignChangeset {
        from_year_id: input.from_year_id,
        to_year_id: input.to_year_id,
        opens_at: input.opens_at.naive_utc(),
        closes_at: input.closes_at.naive_utc(),
        step_coordonnees: input.steps.coordonnees,
        step_autorisations: input.steps.autorisations,
        step_documents: input.steps.documents,
        step_cours: input.steps.cours,
    })
}

/// The site's campaigns, latest first.
pub async fn list(state: &AppState, site: SiteId) -> Result<Vec<Campaign>, DomainError> {
    state
        .db
        .work(move |connection| {
            store::list(connection, site)?
                .iter()
                .map(|row| view(connection, site, row))
                .collect()
        })
        .await
}

/// One campaign of the site.
pub async fn find_campaign(
    state: &AppState,
    site: SiteId,
    id: i64,
) -> Result<Campaign, DomainError> {
    state
        .db
        .work(move |connection| {
            let row = find(connection, site, id)?;
            view(connection, site, &row)
        })
        .await
}

/// Creates a draft campaign.
pub async fn create(
    state: &AppState,
    caller: SchoolCaller,
    input: CampaignInput,
) -> Result<Campaign, DomainError> {
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let site = caller.site;
                let settings = settings(connection, site, &input)?;
                let id = store::insert(connection, site, &settings, now())?;
                record_school_action(connection, &caller, "campaign_created", "campaign", id)?;
                let row = find(connection, site, id)?;
                view(connection, site, &row)
            })
        })
        .await
}

/// Edits a draft campaign read at `version`. A new next year drops the offered courses,
/// which were of the former one.
pub async fn update(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
    input: CampaignInput,
) -> Result<Campaign, DomainError> {
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let site = caller.site;
                let row = find(connection, site, id)?;
                let version = input
                    .version
                    .ok_or_else(|| DomainError::field("version", "La version lue est requise."))?;
                let settings = settings(connection, site, &input)?;
                if row.version != version {
                    return Err(DomainError::Stale);
                }
                if row.status() != CampaignStatus::Draft {
                    return Err(invalid_transition(
                        "Seule une campagne en préparation se modifie ; prolongez-la ou fermez-la.",
                    ));
                }
                if !store::update(connection, site, id, &settings, version, now())? {
                    return Err(DomainError::Stale);
                }
                if settings.to_year_id != row.to_year_id {
                    store::replace_courses(connection, site, id, &[])?;
                }
                record_school_action(connection, &caller, "campaign_updated", "campaign", id)?;
                let row = find(connection, site, id)?;
                view(connection, site, &row)
            })
        })
        .await
}

/// Writes a new version of the rules text.
pub async fn update_rules(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
    input: CampaignRulesInput,
) -> Result<Campaign, DomainError> {
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let site = caller.site;
                find(connection, site, id)?;
                let mut errors = FieldErrors::new();
                required_text(&mut errors, "text", &input.text, MAX_RULES_CHARS);
                DomainError::check(errors)?;
                let timestamp = now();
                store::insert_rules(connection, site, id, input.text.trim(), timestamp)?;
                store::touch(connection, site, id, timestamp)?;
                record_school_action(
                    connection,
                    &caller,
                    "campaign_rules_updated",
                    "campaign",
                    id,
                )?;
                let row = find(connection, site, id)?;
                view(connection, site, &row)
            })
        })
        .await
}

/// Replaces the offered courses: courses of the campaign's next year only (422 otherwise).
pub async fn update_courses(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
    input: CampaignCoursesInput,
) -> Result<Campaign, DomainError> {
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let site = caller.site;
                let row = find(connection, site, id)?;
                let mut ids = input.course_ids.clone();
                ids.sort_unstable();
                ids.dedup();
                let mut known = store::courses_of_year(connection, site, row.to_year_id, &ids)?;
                known.sort_unstable();
                if known != ids {
                    return Err(DomainError::field(
                        "course_ids",
                        "Choisissez des cours de l'année de réinscription.",
                    ));
                }
                store::replace_courses(connection, site, id, &ids)?;
                store::touch(connection, site, id, now())?;
                record_school_action(
                    connection,
                    &caller,
                    "campaign_courses_updated",
                    "campaign",
                    id,
                )?;
                let row = find(connection, site, id)?;
                view(connection, site, &row)
            })
        })
        .await
}

/// The row at `version`, or 409 `stale_version`.
fn at_version(
    connection: &mut DbConnection,
    site: SiteId,
    id: i64,
    version: i32,
) -> Result<CampaignRow, DomainError> {
    let row = find(connection, site, id)?;
    if row.version != version {
        return Err(DomainError::Stale);
    }
    Ok(row)
}

/// One change of a campaign's status or closing instant, in one write transaction: the
/// campaign at the version read, `decide` (the rules of this move: the status and closing
/// instant it leads to, or why not), the guarded update, the audit row, the new view.
async fn move_campaign(
    state: &AppState,
    caller: SchoolCaller,
    (id, version): (i64, i32),
    action: &'static str,
    decide: impl FnOnce(
        &mut DbConnection,
        &CampaignRow,
    ) -> Result<(CampaignStatus, NaiveDateTime), DomainError>
    + Send
    + 'static,
) -> Result<Campaign, DomainError> {
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let site = caller.site;
                let row = at_version(connection, site, id, version)?;
                let (status, closes_at) = decide(connection, &row)?;
                let moved = store::set_status(
                    connection,
                    site,
                    id,
                    row.version,
                    status.as_str(),
                    closes_at,
                    now(),
                )
                // The partial unique index decides between two openings at once.
                .map_err(DomainError::from)
                .map_err(|error| match error {
                    DomainError::Conflict(refusal) if refusal.code == ErrorCode::AlreadyExists => {
                        invalid_transition(ANOTHER_IS_OPEN)
                    }
                    other => other,
                })?;
                if !moved {
                    return Err(DomainError::Stale);
                }
                record_school_action(connection, &caller, action, "campaign", id)?;
                let row = find(connection, site, id)?;
                view(connection, site, &row)
            })
        })
        .await
}

const ANOTHER_IS_OPEN: &str = "Une autre campagne du site est ouverte : fermez-la d'abord.";

/// Opens a draft or closed campaign, if no other campaign of the site is open and its
/// closing instant is still ahead.
pub async fn open(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
    input: CampaignTransition,
) -> Result<Campaign, DomainError> {
    let site = caller.site;
    move_campaign(
        state,
        caller,
        (id, input.version),
        "campaign_opened",
        move |connection, row| {
            if row.status() == CampaignStatus::Open {
                return Err(invalid_transition("Cette campagne est déjà ouverte."));
            }
            if store::find_open(connection, site)?.is_some() {
                return Err(invalid_transition(ANOTHER_IS_OPEN));
            }
            if row.closes_at <= now() {
                return Err(DomainError::field(
                    "closes_at",
                    "La date de clôture est passée : prolongez la campagne avant de l'ouvrir.",
                ));
            }
            Ok((CampaignStatus::Open, row.closes_at))
        },
    )
    .await
}

/// Moves the closing instant of an open or closed campaign later (its status is kept).
pub async fn extend(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
    input: CampaignExtension,
) -> Result<Campaign, DomainError> {
    let closes_at = input.closes_at.naive_utc();
    move_campaign(
        state,
        caller,
        (id, input.version),
        "campaign_extended",
        move |_, row| {
            if row.status() == CampaignStatus::Draft {
                return Err(invalid_transition(
                    "Une campagne en préparation se modifie directement.",
                ));
            }
            if closes_at <= row.closes_at {
                return Err(DomainError::field(
                    "closes_at",
                    "La nouvelle clôture doit suivre la clôture actuelle.",
                ));
            }
            Ok((row.status(), closes_at))
        },
    )
    .await
}

/// Closes an open campaign: families can no longer write anything of it.
pub async fn close(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
    input: CampaignTransition,
) -> Result<Campaign, DomainError> {
    move_campaign(
        state,
        caller,
        (id, input.version),
        "campaign_closed",
        |_, row| {
            if row.status() != CampaignStatus::Open {
                return Err(invalid_transition("Cette campagne n'est pas ouverte."));
            }
            Ok((CampaignStatus::Closed, row.closes_at))
        },
    )
    .await
}

/// The site's campaign that families may use at `now`: open and within its instants;
/// 409 `campaign_closed` otherwise. The wizard's writes call it in their transaction.
pub fn require_open(
    connection: &mut DbConnection,
    site: SiteId,
    now: NaiveDateTime,
) -> Result<Campaign, DomainError> {
    match store::find_open(connection, site)? {
        Some(row) if row.is_live(now) => view(connection, site, &row),
        _ => Err(DomainError::conflict(
            ErrorCode::CampaignClosed,
            CAMPAIGN_CLOSED,
        )),
    }
}

/// A campaign of the site as staff see it (404 for another site's), whatever its status.
pub fn campaign_by_id(
    connection: &mut DbConnection,
    site: SiteId,
    id: i64,
) -> Result<Campaign, DomainError> {
    let row = find(connection, site, id)?;
    view(connection, site, &row)
}

/// The id of the site's campaign families may use now, if any.
pub fn live_campaign_id(
    connection: &mut DbConnection,
    site: SiteId,
) -> Result<Option<i64>, DomainError> {
    Ok(store::find_open(connection, site)?
        .filter(|row| row.is_live(now()))
        .map(|row| row.id))
}

/// The family's view of the site's campaign open now; 404 when there is none.
pub async fn family_campaign(
    state: &AppState,
    family: FamilyCaller,
) -> Result<FamilyCampaign, DomainError> {
    state
        .db
        .work(move |connection| {
            let site = family.site;
            let campaign = match require_open(connection, site, now()) {
                Ok(campaign) => campaign,
                Err(DomainError::Conflict(_)) => return Err(DomainError::NotFound),
                Err(other) => return Err(other),
            };
            let (to_year_label, _, _) =
                store::year(connection, site, campaign.to_year_id)?.ok_or(DomainError::NotFound)?;
            Ok(FamilyCampaign {
                id: campaign.id,
                to_year_label,
                opens_at: campaign.opens_at,
                closes_at: campaign.closes_at,
                steps: campaign.steps,
                rules: campaign.rules,
                courses: crate::wizard::service::offered_courses(connection, site, campaign.id)?,
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: &str, opens_at: NaiveDateTime, closes_at: NaiveDateTime) -> CampaignRow {
        CampaignRow {
            id: 1,
            site_id: 1,
            from_year_id: 1,
            to_year_id: 2,
            opens_at,
            closes_at,
            step_coordonnees: true,
            step_autorisations: true,
            step_documents: true,
            step_cours: true,
            status: status.to_owned(),
            version: 1,
            created_at: opens_at,
            updated_at: opens_at,
        }
    }

    #[test]
    fn a_campaign_is_live_only_when_open_from_its_opening_until_before_its_closing() {
        let opens = chrono::NaiveDate::from_ymd_opt(2027, 5, 1)
            .and_then(|day| day.and_hms_opt(7, 0, 0))
            .unwrap_or_default();
        let closes = opens + chrono::TimeDelta::days(30);
        let open = row("open", opens, closes);
        assert!(open.is_live(opens));
        assert!(open.is_live(closes - chrono::TimeDelta::seconds(1)));
        assert!(!open.is_live(closes));
        assert!(!open.is_live(opens - chrono::TimeDelta::seconds(1)));
        let middle = opens + chrono::TimeDelta::days(1);
        assert!(!row("draft", opens, closes).is_live(middle));
        assert!(!row("closed", opens, closes).is_live(middle));
    }
}
