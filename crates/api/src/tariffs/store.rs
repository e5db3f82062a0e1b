//! Tariff grids and the household facts a fee depends on: rows in, rows out, scoped by
//! site and household.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{courses, families, students, tariff_grids};
use crate::domain::{HouseholdId, SiteId};

/// A site's stored grid: its JSON text and version.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tariff_grids)]
pub struct GridRow {
    pub grid: String,
    pub version: i32,
}

/// The site's grid, if one was ever saved.
pub fn find_grid(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
) -> QueryResult<Option<GridRow>> {
    tariff_grids::table
        .filter(tariff_grids::site_id.eq(site_id))
        .select(GridRow::as_select())
        .first(connection)
        .optional()
}

/// Saves the site's first grid at version 1; false when another one was saved first.
pub fn insert_grid(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    grid: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let inserted = diesel::insert_into(tariff_grids::table)
        .values((
            tariff_grids::site_id.eq(site_id),
            tariff_grids::grid.eq(grid),
            tariff_grids::version.eq(1),
            tariff_grids::updated_at.eq(now),
        ))
        .execute(connection);
    match inserted {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(other) => Err(other),
    }
}

/// Replaces the site's grid if its version is still `version`, and moves the version on;
/// false when it had moved on already.
pub fn update_grid(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    grid: &str,
    version: i32,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        tariff_grids::table
            .filter(tariff_grids::site_id.eq(site_id))
            .filter(tariff_grids::version.eq(version)),
    )
    .set((
        tariff_grids::grid.eq(grid),
        tariff_grids::version.eq(version + 1),
        tariff_grids::updated_at.eq(now),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// Residency and quotient familial of a household of the site.
pub fn household_fee_facts(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    HouseholdId(family_id): HouseholdId,
) -> QueryResult<Option<(bool, Option<i64>)>> {
    families::table
        .filter(families::id.eq(family_id))
        .filter(families::site_id.eq(site_id))
        .select((families::resident, families::quotient_familial_euros))
        .first(connection)
        .optional()
}

/// The household's students: id and first name.
pub fn household_students(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    HouseholdId(family_id): HouseholdId,
) -> QueryResult<Vec<(i64, String)>> {
    students::table
        .filter(students::family_id.eq(family_id))
        .filter(students::site_id.eq(site_id))
        .select((students::id, students::first_name))
        .load(connection)
}

/// The fee kind of each of these courses of the site (courses of another site are left
/// out).
pub fn course_fee_kinds(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    ids: &[i64],
) -> QueryResult<Vec<(i64, Option<String>)>> {
    courses::table
        .filter(courses::site_id.eq(site_id))
        .filter(courses::id.eq_any(ids))
        .select((courses::id, courses::fee_kind))
        .load(connection)
}

/// Records a household's quotient familial (the demo's; staff record it with the
/// household's choices, `household::store::update_household_choices`).
pub fn set_quotient(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    HouseholdId(family_id): HouseholdId,
    quotient_euros: Option<i64>,
) -> QueryResult<()> {
    diesel::update(
        families::table
            .filter(families::id.eq(family_id))
            .filter(families::site_id.eq(site_id)),
    )
    .set(families::quotient_familial_euros.eq(quotient_euros))
    .execute(connection)?;
    Ok(())
}

/// Records a course's fee kind (the demo's; staff set it in the course form,
/// `CourseInput::fee_kind`).
pub fn set_course_fee_kind(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    course_id: i64,
    fee_kind: &str,
) -> QueryResult<()> {
    diesel::update(
        courses::table
            .filter(courses::id.eq(course_id))
            .filter(courses::site_id.eq(site_id)),
    )
    .set(courses::fee_kind.eq(fee_kind))
    .execute(connection)?;
    Ok(())
}
