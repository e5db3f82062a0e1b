//! Campaigns, their rules versions and offered courses: rows in, rows out, scoped by site.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{campaign_courses, campaign_rules, campaigns, courses, school_years};
use crate::domain::SiteId;

/// A campaign row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = campaigns)]
pub struct CampaignRow {
    pub id: i64,
    pub site_id: i64,
    pub from_year_id: i64,
    pub to_year_id: i64,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub step_coordonnees: bool,
    pub step_autorisations: bool,
    pub step_documents: bool,
    pub step_cours: bool,
    pub status: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A rules version row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = campaign_rules)]
pub struct RulesRow {
    pub version: i32,
    pub text: String,
    pub created_at: NaiveDateTime,
}

/// The settings a campaign's row is written with (creation and edits).
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = campaigns)]
pub struct CampaignChangeset {
    pub from_year_id: i64,
    pub to_year_id: i64,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub step_coordonnees: bool,
    pub step_autorisations: bool,
    pub step_documents: bool,
    pub step_cours: bool,
}

/// The site's campaigns, latest first.
pub fn list(connection: &mut DbConnection, SiteId(site): SiteId) -> QueryResult<Vec<CampaignRow>> {
    campaigns::table
        .filter(campaigns::site_id.eq(site))
        .order((campaigns::opens_at.desc(), campaigns::id.desc()))
        .select(CampaignRow::as_select())
        .load(connection)
}

/// One campaign of the site.
pub fn find(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    id: i64,
) -> QueryResult<Option<CampaignRow>> {
    campaigns::table
        .filter(campaigns::site_id.eq(site))
        .filter(campaigns::id.eq(id))
        .select(CampaignRow::as_select())
        .first(connection)
        .optional()
}

/// The site's open campaign, whatever its dates.
pub fn find_open(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
) -> QueryResult<Option<CampaignRow>> {
    campaigns::table
        .filter(campaigns::site_id.eq(site))
        .filter(campaigns::status.eq("open"))
        .select(CampaignRow::as_select())
        .first(connection)
        .optional()
}

/// Creates a draft campaign.
pub fn insert(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    settings: &CampaignChangeset,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(campaigns::table)
        .values((
            campaigns::site_id.eq(site),
            campaigns::from_year_id.eq(settings.from_year_id),
            campaigns::to_year_id.eq(settings.to_year_id),
            campaigns::opens_at.eq(settings.opens_at),
            campaigns::closes_at.eq(settings.closes_at),
            campaigns::step_coordonnees.eq(settings.step_coordonnees),
            campaigns::step_autorisations.eq(settings.step_autorisations),
            campaigns::step_documents.eq(settings.step_documents),
            campaigns::step_cours.eq(settings.step_cours),
            campaigns::status.eq("draft"),
            campaigns::created_at.eq(now),
            campaigns::updated_at.eq(now),
        ))
        .returning(campaigns::id)
        .get_result(connection)
}

/// Rewrites a campaign's settings if its version is still `version`; false otherwise.
pub fn update(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    id: i64,
    settings: &CampaignChangeset,
    version: i32,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        campaigns::table
            .filter(campaigns::site_id.eq(site))
            .filter(campaigns::id.eq(id))
            .filter(campaigns::version.eq(version)),
    )
    .set((
        settings,
        campaigns::version.eq(version + 1),
        campaigns::updated_at.eq(now),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// Sets a campaign's status (and closing instant) if its version is still `version`.
pub fn set_status(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    id: i64,
    version: i32,
    status: &str,
    closes_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        campaigns::table
            .filter(campaigns::site_id.eq(site))
            .filter(campaigns::id.eq(id))
            .filter(campaigns::version.eq(version)),
    )
    .set((
        campaigns::status.eq(status),
        campaigns::closes_at.eq(closes_at),
        campaigns::version.eq(version + 1),
        campaigns::updated_at.eq(now),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// Marks a campaign changed (its rules or courses) without a version check.
pub fn touch(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    id: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        campaigns::table
            .filter(campaigns::site_id.eq(site))
            .filter(campaigns::id.eq(id)),
    )
    .set((
        campaigns::version.eq(campaigns::version + 1),
        campaigns::updated_at.eq(now),
    ))
    .execute(connection)?;
    Ok(())
}

/// A school year of the site: (label, starts_on, ends_on).
pub fn year(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    id: i64,
) -> QueryResult<Option<(String, NaiveDate, NaiveDate)>> {
    school_years::table
        .filter(school_years::site_id.eq(site))
        .filter(school_years::id.eq(id))
        .select((
            school_years::label,
            school_years::starts_on,
            school_years::ends_on,
        ))
        .first(connection)
        .optional()
}

/// The latest rules version of a campaign.
pub fn current_rules(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    campaign: i64,
) -> QueryResult<Option<RulesRow>> {
    campaign_rules::table
        .filter(campaign_rules::site_id.eq(site))
        .filter(campaign_rules::campaign_id.eq(campaign))
        .order(campaign_rules::version.desc())
        .select(RulesRow::as_select())
        .first(connection)
        .optional()
}

/// Writes the next rules version; returns its number. Two writers at once meet the
/// unique (campaign, version) index: one of them gets a unique violation.
pub fn insert_rules(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    campaign: i64,
    text: &str,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    let last: Option<i32> = campaign_rules::table
        .filter(campaign_rules::site_id.eq(site))
        .filter(campaign_rules::campaign_id.eq(campaign))
        .select(diesel::dsl::max(campaign_rules::version))
        .first(connection)?;
    let version = last.unwrap_or(0) + 1;
    diesel::insert_into(campaign_rules::table)
        .values((
            campaign_rules::site_id.eq(site),
            campaign_rules::campaign_id.eq(campaign),
            campaign_rules::version.eq(version),
            campaign_rules::text.eq(text),
            campaign_rules::created_at.eq(now),
        ))
        .execute(connection)?;
    Ok(version)
}

/// The ids of the courses a campaign offers, ascending.
pub fn offered_courses(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    campaign: i64,
) -> QueryResult<Vec<i64>> {
    campaign_courses::table
        .filter(campaign_courses::site_id.eq(site))
        .filter(campaign_courses::campaign_id.eq(campaign))
        .order(campaign_courses::course_id)
        .select(campaign_courses::course_id)
        .load(connection)
}

/// Of `ids`, those that are courses of the site in the school year `year`.
pub fn courses_of_year(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    year: i64,
    ids: &[i64],
) -> QueryResult<Vec<i64>> {
    courses::table
        .filter(courses::site_id.eq(site))
        .filter(courses::school_year_id.eq(year))
        .filter(courses::id.eq_any(ids))
        .select(courses::id)
        .load(connection)
}

/// Replaces the courses a campaign offers.
pub fn replace_courses(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    campaign: i64,
    ids: &[i64],
) -> QueryResult<()> {
    diesel::delete(
        campaign_courses::table
            .filter(campaign_courses::site_id.eq(site))
            .filter(campaign_courses::campaign_id.eq(campaign)),
    )
    .execute(connection)?;
    for course in ids {
        diesel::insert_into(campaign_courses::table)
            .values((
                campaign_courses::site_id.eq(site),
                campaign_courses::campaign_id.eq(campaign),
                campaign_courses::course_id.eq(course),
            ))
            .execute(connection)?;
    }
    Ok(())
}
