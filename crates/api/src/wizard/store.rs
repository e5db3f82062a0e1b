//! Re-enrolment files and their wished courses: rows in, rows out, scoped by site.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{
    accounts, campaign_courses, courses, disciplines, enrolments, families, reenrolment_files,
    reenrolment_wishes, students,
};
use crate::domain::{HouseholdId, SiteId};

/// A file row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reenrolment_files)]
pub struct FileRow {
    pub id: i64,
    pub site_id: i64,
    pub campaign_id: i64,
    pub household_id: i64,
    pub student_id: i64,
    pub status: String,
    pub current_step: String,
    pub coordonnees_confirmed: bool,
    pub autorisations: String,
    pub comment: String,
    pub payment_method: Option<String>,
    pub instalments: Option<i32>,
    pub accepted_rules_version: Option<i32>,
    pub school_message: Option<String>,
    pub submitted_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What a family's step save writes (each `None` leaves the column as it is).
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = reenrolment_files)]
pub struct StepChangeset {
    pub coordonnees_confirmed: Option<bool>,
    pub autorisations: Option<String>,
    pub comment: Option<String>,
    pub payment_method: Option<Option<String>>,
    pub instalments: Option<Option<i32>>,
    pub current_step: Option<String>,
}

/// What a transition writes besides the status.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = reenrolment_files)]
pub struct TransitionChangeset {
    pub accepted_rules_version: Option<Option<i32>>,
    pub school_message: Option<Option<String>>,
    pub submitted_at: Option<Option<NaiveDateTime>>,
    pub decided_at: Option<Option<NaiveDateTime>>,
}

/// A file of the site by id.
pub fn find(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    id: i64,
) -> QueryResult<Option<FileRow>> {
    reenrolment_files::table
        .filter(reenrolment_files::site_id.eq(site))
        .filter(reenrolment_files::id.eq(id))
        .select(FileRow::as_select())
        .first(connection)
        .optional()
}

/// A file of the household by id (`None` for anyone else's).
pub fn find_for_household(
    connection: &mut DbConnection,
    site: SiteId,
    HouseholdId(household): HouseholdId,
    id: i64,
) -> QueryResult<Option<FileRow>> {
    Ok(find(connection, site, id)?.filter(|row| row.household_id == household))
}

/// The file of a child in a campaign.
pub fn find_by_student(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    campaign: i64,
    student: i64,
) -> QueryResult<Option<FileRow>> {
    reenrolment_files::table
        .filter(reenrolment_files::site_id.eq(site))
        .filter(reenrolment_files::campaign_id.eq(campaign))
        .filter(reenrolment_files::student_id.eq(student))
        .select(FileRow::as_select())
        .first(connection)
        .optional()
}

/// The household's files in a campaign.
pub fn household_files(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    HouseholdId(household): HouseholdId,
    campaign: i64,
) -> QueryResult<Vec<FileRow>> {
    reenrolment_files::table
        .filter(reenrolment_files::site_id.eq(site))
        .filter(reenrolment_files::household_id.eq(household))
        .filter(reenrolment_files::campaign_id.eq(campaign))
        .order(reenrolment_files::id)
        .select(FileRow::as_select())
        .load(connection)
}

/// Creates a file; false when the child has one in the campaign already (a concurrent
/// start): the unique index decides, `ON CONFLICT DO NOTHING` on each backend's own
/// connection (the multi-backend query builder has no upsert).
#[allow(clippy::too_many_arguments)]
pub fn insert(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    campaign: i64,
    HouseholdId(household): HouseholdId,
    student: i64,
    status: &str,
    step: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let insert = diesel::insert_into(reenrolment_files::table)
        .values((
            reenrolment_files::site_id.eq(site),
            reenrolment_files::campaign_id.eq(campaign),
            reenrolment_files::household_id.eq(household),
            reenrolment_files::student_id.eq(student),
            reenrolment_files::status.eq(status),
            reenrolment_files::current_step.eq(step),
            reenrolment_files::created_at.eq(now),
            reenrolment_files::updated_at.eq(now),
        ))
        .on_conflict_do_nothing();
    let inserted = match connection {
        DbConnection::Postgres(postgres) => insert.execute(postgres)?,
        DbConnection::Sqlite(sqlite) => insert.execute(sqlite)?,
    };
    Ok(inserted == 1)
}

/// Writes a step's data if the file is still at `version` and in a status the family may
/// edit; moves the version on. False otherwise.
pub fn save_step(
    connection: &mut DbConnection,
    id: i64,
    version: i32,
    editable: &[&str],
    changes: &StepChangeset,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        reenrolment_files::table
            .filter(reenrolment_files::id.eq(id))
            .filter(reenrolment_files::version.eq(version))
            .filter(reenrolment_files::status.eq_any(editable)),
    )
    .set((
        changes,
        reenrolment_files::version.eq(version + 1),
        reenrolment_files::updated_at.eq(now),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// Records the step the family is on (a bookmark: the version stays).
pub fn set_position(connection: &mut DbConnection, id: i64, step: &str) -> QueryResult<()> {
    diesel::update(reenrolment_files::table.filter(reenrolment_files::id.eq(id)))
        .set(reenrolment_files::current_step.eq(step))
        .execute(connection)?;
    Ok(())
}

/// Moves a file from `from` to `to` if it is still at `version` (when given) and in
/// `from`; moves the version on. False otherwise: the caller reads why.
pub fn transition(
    connection: &mut DbConnection,
    id: i64,
    version: Option<i32>,
    (from, to): (&str, &str),
    changes: &TransitionChangeset,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let mut query = diesel::update(reenrolment_files::table)
        .filter(reenrolment_files::id.eq(id))
        .filter(reenrolment_files::status.eq(from))
        .into_boxed();
    if let Some(version) = version {
        query = query.filter(reenrolment_files::version.eq(version));
    }
    let updated = query
        .set((
            reenrolment_files::status.eq(to),
            changes,
            reenrolment_files::version.eq(reenrolment_files::version + 1),
            reenrolment_files::updated_at.eq(now),
        ))
        .execute(connection)?;
    Ok(updated == 1)
}

/// The wished courses of a file, in the family's order.
pub fn wishes(connection: &mut DbConnection, file: i64) -> QueryResult<Vec<i64>> {
    reenrolment_wishes::table
        .filter(reenrolment_wishes::file_id.eq(file))
        .order(reenrolment_wishes::position)
        .select(reenrolment_wishes::course_id)
        .load(connection)
}

/// The wished courses of several files: (file, course) in each file's order.
pub fn wishes_of(connection: &mut DbConnection, files: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    reenrolment_wishes::table
        .filter(reenrolment_wishes::file_id.eq_any(files))
        .order((reenrolment_wishes::file_id, reenrolment_wishes::position))
        .select((reenrolment_wishes::file_id, reenrolment_wishes::course_id))
        .load(connection)
}

/// Replaces a file's wished courses.
pub fn replace_wishes(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    file: i64,
    course_ids: &[i64],
) -> QueryResult<()> {
    diesel::delete(reenrolment_wishes::table.filter(reenrolment_wishes::file_id.eq(file)))
        .execute(connection)?;
    for (course, position) in course_ids.iter().zip(0..) {
        diesel::insert_into(reenrolment_wishes::table)
            .values((
                reenrolment_wishes::site_id.eq(site),
                reenrolment_wishes::file_id.eq(file),
                reenrolment_wishes::course_id.eq(*course),
                reenrolment_wishes::position.eq(position),
            ))
            .execute(connection)?;
    }
    Ok(())
}

/// A course of a campaign's catalogue, described.
#[derive(Debug, Clone, Queryable)]
pub struct OfferedRow {
    pub id: i64,
    pub school_year_id: i64,
    pub discipline_id: i64,
    pub discipline: String,
    pub is_dance: bool,
    pub level: String,
    pub teacher_name: String,
    pub weekday: i32,
    pub start_time: String,
    pub end_time: String,
}

/// The columns of an [`OfferedRow`].
const DESCRIBED: (
    courses::id,
    courses::school_year_id,
    disciplines::id,
    disciplines::name,
    disciplines::is_dance,
    courses::level,
    courses::teacher_name,
    courses::weekday,
    courses::start_time,
    courses::end_time,
) = (
    courses::id,
    courses::school_year_id,
    disciplines::id,
    disciplines::name,
    disciplines::is_dance,
    courses::level,
    courses::teacher_name,
    courses::weekday,
    courses::start_time,
    courses::end_time,
);

/// The courses a campaign offers, by discipline, level and id.
pub fn offered(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    campaign: i64,
) -> QueryResult<Vec<OfferedRow>> {
    campaign_courses::table
        .inner_join(courses::table.inner_join(disciplines::table))
        .filter(campaign_courses::site_id.eq(site))
        .filter(campaign_courses::campaign_id.eq(campaign))
        .order((disciplines::name, courses::level, courses::id))
        .select(DESCRIBED)
        .load(connection)
}

/// Each (student, level) of the household's wishes of dance courses in the campaign, in
/// files that are not declined: the dance rule of documents counts them.
pub fn dance_wishes(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    HouseholdId(household): HouseholdId,
    campaign: i64,
) -> QueryResult<Vec<(i64, String)>> {
    reenrolment_wishes::table
        .inner_join(reenrolment_files::table)
        .inner_join(courses::table.inner_join(disciplines::table))
        .filter(reenrolment_wishes::site_id.eq(site))
        .filter(reenrolment_files::household_id.eq(household))
        .filter(reenrolment_files::campaign_id.eq(campaign))
        .filter(reenrolment_files::status.ne("non_reinscrit"))
        .filter(disciplines::is_dance.eq(true))
        .select((reenrolment_files::student_id, courses::level))
        .load(connection)
}

/// A line of the staff's list: the file, its household's name and its child's name.
pub type StaffRow = (FileRow, String, String);

/// The campaign's files matching the filters, by household and child.
pub fn staff_files(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    campaign: i64,
    filter: &StaffFilter,
) -> QueryResult<Vec<StaffRow>> {
    let mut query = reenrolment_files::table
        .inner_join(students::table)
        .inner_join(families::table)
        .filter(reenrolment_files::site_id.eq(site))
        .filter(reenrolment_files::campaign_id.eq(campaign))
        .into_boxed();
    if let Some(status) = &filter.status {
        query = query.filter(reenrolment_files::status.eq(status.clone()));
    }
    if let Some(household) = filter.household_id {
        query = query.filter(reenrolment_files::household_id.eq(household));
    }
    if let Some(discipline) = filter.discipline_id {
        let wishing = reenrolment_wishes::table
            .inner_join(courses::table)
            .filter(courses::discipline_id.eq(discipline))
            .select(reenrolment_wishes::file_id);
        query = query.filter(reenrolment_files::id.eq_any(wishing));
    }
    query
        .order((families::name, students::first_name, reenrolment_files::id))
        .select((
            FileRow::as_select(),
            families::name,
            students::first_name,
            students::last_name,
        ))
        .load::<(FileRow, String, String, String)>(connection)
        .map(|rows| {
            rows.into_iter()
                .map(|(row, household, first, last)| (row, household, format!("{first} {last}")))
                .collect()
        })
}

/// The filters the store applies (missing documents and paging are the service's).
#[derive(Debug, Clone, Default)]
pub struct StaffFilter {
    pub status: Option<String>,
    pub household_id: Option<i64>,
    pub discipline_id: Option<i64>,
}

/// (status, count) of a campaign's files.
pub fn count_by_status(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    campaign: i64,
) -> QueryResult<Vec<(String, i64)>> {
    reenrolment_files::table
        .filter(reenrolment_files::site_id.eq(site))
        .filter(reenrolment_files::campaign_id.eq(campaign))
        .group_by(reenrolment_files::status)
        .select((reenrolment_files::status, diesel::dsl::count_star()))
        .load(connection)
}

/// (step, count) of a campaign's draft files.
pub fn drafts_by_step(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    campaign: i64,
) -> QueryResult<Vec<(String, i64)>> {
    reenrolment_files::table
        .filter(reenrolment_files::site_id.eq(site))
        .filter(reenrolment_files::campaign_id.eq(campaign))
        .filter(reenrolment_files::status.eq("brouillon"))
        .group_by(reenrolment_files::current_step)
        .select((reenrolment_files::current_step, diesel::dsl::count_star()))
        .load(connection)
}

/// A child with no file: (student, first name, last name, household, household name).
pub type UnansweredRow = (i64, String, String, i64, String);

/// The site's children with no file in the campaign, by household name.
pub fn unanswered(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    campaign: i64,
) -> QueryResult<Vec<UnansweredRow>> {
    let answered = reenrolment_files::table
        .filter(reenrolment_files::campaign_id.eq(campaign))
        .select(reenrolment_files::student_id);
    students::table
        .inner_join(families::table)
        .filter(students::site_id.eq(site))
        .filter(diesel::dsl::not(students::id.eq_any(answered)))
        .order((families::name, students::first_name, students::id))
        .select((
            students::id,
            students::first_name,
            students::last_name,
            families::id,
            families::name,
        ))
        .load(connection)
}

/// How many of the site's children have no file in the campaign.
pub fn count_unanswered(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    campaign: i64,
) -> QueryResult<i64> {
    let answered = reenrolment_files::table
        .filter(reenrolment_files::campaign_id.eq(campaign))
        .select(reenrolment_files::student_id);
    students::table
        .filter(students::site_id.eq(site))
        .filter(diesel::dsl::not(students::id.eq_any(answered)))
        .count()
        .get_result(connection)
}

/// (household, email) of every family account of the site, by account.
pub fn family_emails(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
) -> QueryResult<Vec<(i64, String)>> {
    accounts::table
        .filter(accounts::site_id.eq(site))
        .filter(accounts::role.eq("family"))
        .filter(accounts::family_id.is_not_null())
        .order(accounts::id)
        .select((accounts::family_id.assume_not_null(), accounts::email))
        .load(connection)
}

/// The household's name.
pub fn household_name(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    household: i64,
) -> QueryResult<Option<String>> {
    families::table
        .filter(families::site_id.eq(site))
        .filter(families::id.eq(household))
        .select(families::name)
        .first(connection)
        .optional()
}

/// Sets the household's wishes that decide which pieces apply (direct debit, pédibus),
/// leaving the rest of its choices alone; moves its version on when anything changed.
pub fn set_household_wishes(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    HouseholdId(household): HouseholdId,
    direct_debit: Option<bool>,
    pedibus: Option<bool>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let target = families::table
        .filter(families::site_id.eq(site))
        .filter(families::id.eq(household));
    if let Some(value) = direct_debit {
        diesel::update(target.filter(families::pays_by_direct_debit.ne(value)))
            .set((
                families::pays_by_direct_debit.eq(value),
                families::version.eq(families::version + 1),
                families::updated_at.eq(now),
            ))
            .execute(connection)?;
    }
    if let Some(value) = pedibus {
        diesel::update(target.filter(families::pedibus_requested.ne(value)))
            .set((
                families::pedibus_requested.eq(value),
                families::version.eq(families::version + 1),
                families::updated_at.eq(now),
            ))
            .execute(connection)?;
    }
    Ok(())
}

/// A child's first and last name.
pub fn student_name(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    student: i64,
) -> QueryResult<Option<String>> {
    students::table
        .filter(students::site_id.eq(site))
        .filter(students::id.eq(student))
        .select((students::first_name, students::last_name))
        .first::<(String, String)>(connection)
        .optional()
        .map(|name| name.map(|(first, last)| format!("{first} {last}")))
}

/// Courses of the site among `ids`, described (with their school year).
pub fn described_courses(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    ids: &[i64],
) -> QueryResult<Vec<OfferedRow>> {
    courses::table
        .inner_join(disciplines::table)
        .filter(courses::site_id.eq(site))
        .filter(courses::id.eq_any(ids))
        .select(DESCRIBED)
        .load(connection)
}

/// The courses of the school year `year` a student is enrolled in.
pub fn enrolled_in_year(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    student: i64,
    year: i64,
) -> QueryResult<Vec<i64>> {
    enrolments::table
        .inner_join(courses::table)
        .filter(enrolments::site_id.eq(site))
        .filter(enrolments::student_id.eq(student))
        .filter(courses::school_year_id.eq(year))
        .order(courses::id)
        .select(courses::id)
        .load(connection)
}
