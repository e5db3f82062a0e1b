//! School years, disciplines and courses of a site.

use chrono::NaiveDate;
use diesel::prelude::*;
use tutti_shared as wire;

use crate::db::DbConnection;
use crate::db::schema::{courses, disciplines, school_years};
use crate::domain::SiteId;

/// A course row joined with its discipline's name.
pub(super) type CourseRow = (
    i64,
    i64,
    i64,
    String,
    String,
    Option<i64>,
    String,
    i32,
    String,
    String,
    String,
    i32,
    Option<String>,
);

/// The columns of a [`CourseRow`], in its order.
pub(super) type CourseColumns = (
    courses::id,
    courses::school_year_id,
    courses::discipline_id,
    disciplines::name,
    courses::level,
    courses::teacher_account_id,
    courses::teacher_name,
    courses::weekday,
    courses::start_time,
    courses::end_time,
    courses::room,
    courses::version,
    courses::fee_kind,
);

pub(super) fn course_columns() -> CourseColumns {
    (
        courses::id,
        courses::school_year_id,
        courses::discipline_id,
        disciplines::name,
        courses::level,
        courses::teacher_account_id,
        courses::teacher_name,
        courses::weekday,
        courses::start_time,
        courses::end_time,
        courses::room,
        courses::version,
        courses::fee_kind,
    )
}

pub(super) fn to_course(row: CourseRow) -> wire::Course {
    let (
        id,
        school_year_id,
        discipline_id,
        discipline,
        level,
        teacher_account_id,
        teacher_name,
        weekday,
        start_time,
        end_time,
        room,
        version,
        fee_kind,
    ) = row;
    wire::Course {
        id,
        school_year_id,
        discipline_id,
        discipline,
        level,
        teacher_account_id,
        teacher_name,
        weekday,
        start_time,
        end_time,
        room,
        version,
        fee_kind,
    }
}

/// The site's school years, latest first.
pub fn list_years(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
) -> QueryResult<Vec<wire::SchoolYear>> {
    let rows: Vec<(i64, String, NaiveDate, NaiveDate)> = school_years::table
        .filter(school_years::site_id.eq(site_id))
        .order(school_years::starts_on.desc())
        .select((
            school_years::id,
            school_years::label,
            school_years::starts_on,
            school_years::ends_on,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(id, label, starts_on, ends_on)| wire::SchoolYear {
            id,
            label,
            starts_on,
            ends_on,
        })
        .collect())
}

/// The year in progress on `today`, or else the latest one already started.
pub fn current_year(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    today: NaiveDate,
) -> QueryResult<Option<wire::SchoolYear>> {
    let years = list_years(connection, SiteId(site_id))?;
    Ok(years
        .iter()
        .find(|year| year.starts_on <= today && today <= year.ends_on)
        .or_else(|| years.iter().find(|year| year.starts_on <= today))
        .cloned())
}

/// Creates a school year.
pub fn insert_year(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    input: &wire::SchoolYearInput,
) -> QueryResult<i64> {
    diesel::insert_into(school_years::table)
        .values((
            school_years::site_id.eq(site_id),
            school_years::label.eq(input.label.trim()),
            school_years::starts_on.eq(input.starts_on),
            school_years::ends_on.eq(input.ends_on),
        ))
        .returning(school_years::id)
        .get_result(connection)
}

/// Edits a school year of the site; false when there is none with that id.
pub fn update_year(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
    input: &wire::SchoolYearInput,
) -> QueryResult<bool> {
    let updated = diesel::update(
        school_years::table
            .filter(school_years::id.eq(id))
            .filter(school_years::site_id.eq(site_id)),
    )
    .set((
        school_years::label.eq(input.label.trim()),
        school_years::starts_on.eq(input.starts_on),
        school_years::ends_on.eq(input.ends_on),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// The site's disciplines, by name.
pub fn list_disciplines(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
) -> QueryResult<Vec<wire::Discipline>> {
    let rows: Vec<(i64, String, bool)> = disciplines::table
        .filter(disciplines::site_id.eq(site_id))
        .order(disciplines::name.asc())
        .select((disciplines::id, disciplines::name, disciplines::is_dance))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, is_dance)| wire::Discipline { id, name, is_dance })
        .collect())
}

/// Creates a discipline.
pub fn insert_discipline(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    input: &wire::DisciplineInput,
) -> QueryResult<i64> {
    diesel::insert_into(disciplines::table)
        .values((
            disciplines::site_id.eq(site_id),
            disciplines::name.eq(input.name.trim()),
            disciplines::is_dance.eq(input.is_dance),
        ))
        .returning(disciplines::id)
        .get_result(connection)
}

/// Edits a discipline of the site.
pub fn update_discipline(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
    input: &wire::DisciplineInput,
) -> QueryResult<bool> {
    let updated = diesel::update(
        disciplines::table
            .filter(disciplines::id.eq(id))
            .filter(disciplines::site_id.eq(site_id)),
    )
    .set((
        disciplines::name.eq(input.name.trim()),
        disciplines::is_dance.eq(input.is_dance),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// Whether a row with this id belongs to the site, for each referenced table.
pub fn year_in_site(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        school_years::table
            .filter(school_years::id.eq(id))
            .filter(school_years::site_id.eq(site_id)),
    ))
    .get_result(connection)
}

/// Whether the discipline belongs to the site.
pub fn discipline_in_site(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        disciplines::table
            .filter(disciplines::id.eq(id))
            .filter(disciplines::site_id.eq(site_id)),
    ))
    .get_result(connection)
}

/// The site's courses, optionally of one year, by weekday and time.
pub fn list_courses(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    year_id: Option<i64>,
    teacher: Option<i64>,
) -> QueryResult<Vec<wire::Course>> {
    let mut query = courses::table
        .inner_join(disciplines::table)
        .filter(courses::site_id.eq(site_id))
        .into_boxed();
    if let Some(year_id) = year_id {
        query = query.filter(courses::school_year_id.eq(year_id));
    }
    if let Some(teacher) = teacher {
        query = query.filter(courses::teacher_account_id.eq(teacher));
    }
    let rows: Vec<CourseRow> = query
        .order((
            courses::weekday.asc(),
            courses::start_time.asc(),
            courses::id.asc(),
        ))
        .select(course_columns())
        .load(connection)?;
    Ok(rows.into_iter().map(to_course).collect())
}

/// One course of the site.
pub fn find_course(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
) -> QueryResult<Option<wire::Course>> {
    let row: Option<CourseRow> = courses::table
        .inner_join(disciplines::table)
        .filter(courses::site_id.eq(site_id))
        .filter(courses::id.eq(id))
        .select(course_columns())
        .first(connection)
        .optional()?;
    Ok(row.map(to_course))
}

/// Creates a course.
pub fn insert_course(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    input: &wire::CourseInput,
) -> QueryResult<i64> {
    diesel::insert_into(courses::table)
        .values((
            courses::site_id.eq(site_id),
            courses::school_year_id.eq(input.school_year_id),
            courses::discipline_id.eq(input.discipline_id),
            courses::level.eq(input.level.trim()),
            courses::teacher_account_id.eq(input.teacher_account_id),
            courses::teacher_name.eq(input.teacher_name.trim()),
            courses::weekday.eq(input.weekday),
            courses::start_time.eq(&input.start_time),
            courses::end_time.eq(&input.end_time),
            courses::room.eq(input.room.trim()),
            courses::fee_kind.eq(input.fee_kind()),
        ))
        .returning(courses::id)
        .get_result(connection)
}

/// Edits a course if it is still at `version`; false otherwise.
pub fn update_course(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
    version: i32,
    input: &wire::CourseInput,
) -> QueryResult<bool> {
    let updated = diesel::update(
        courses::table
            .filter(courses::id.eq(id))
            .filter(courses::site_id.eq(site_id))
            .filter(courses::version.eq(version)),
    )
    .set((
        courses::school_year_id.eq(input.school_year_id),
        courses::discipline_id.eq(input.discipline_id),
        courses::level.eq(input.level.trim()),
        courses::teacher_account_id.eq(input.teacher_account_id),
        courses::teacher_name.eq(input.teacher_name.trim()),
        courses::weekday.eq(input.weekday),
        courses::start_time.eq(&input.start_time),
        courses::end_time.eq(&input.end_time),
        courses::room.eq(input.room.trim()),
        courses::fee_kind.eq(input.fee_kind()),
        courses::version.eq(version + 1),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}
