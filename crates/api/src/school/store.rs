//! Years, disciplines, courses, enrolments, evaluations, absences, events.
//! Every query takes the site, so that no request reaches another site's rows.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tutti_shared as wire;

use crate::db::DbConnection;
use crate::db::schema::{
    absences, courses, disciplines, enrolments, evaluations, events, participations, school_years,
    students,
};
use crate::domain::SiteId;

/// A course row joined with its discipline's name.
type CourseRow = (
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
);

fn course_columns() -> (
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
) {
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
    )
}

fn to_course(row: CourseRow) -> wire::Course {
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
        courses::version.eq(version + 1),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// Enrols a student in a course.
pub fn insert_enrolment(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    student_id: i64,
    course_id: i64,
    time: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(enrolments::table)
        .values((
            enrolments::site_id.eq(site_id),
            enrolments::student_id.eq(student_id),
            enrolments::course_id.eq(course_id),
            enrolments::created_at.eq(time),
        ))
        .returning(enrolments::id)
        .get_result(connection)
}

/// The class list of a course.
pub fn course_enrolments(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    course_id: i64,
) -> QueryResult<Vec<wire::Enrolment>> {
    let rows: Vec<(i64, i64, String, String, i64)> = enrolments::table
        .inner_join(students::table)
        .filter(enrolments::site_id.eq(site_id))
        .filter(enrolments::course_id.eq(course_id))
        .order((students::last_name.asc(), students::first_name.asc()))
        .select((
            enrolments::id,
            students::id,
            students::first_name,
            students::last_name,
            enrolments::course_id,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(id, student_id, first, last, course_id)| wire::Enrolment {
            id,
            student_id,
            student_name: format!("{first} {last}"),
            course_id,
        })
        .collect())
}

/// The course of an enrolment of the site, with its teacher: (course id, teacher account).
pub fn enrolment_course(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    enrolment_id: i64,
) -> QueryResult<Option<(i64, Option<i64>)>> {
    enrolments::table
        .inner_join(courses::table)
        .filter(enrolments::id.eq(enrolment_id))
        .filter(enrolments::site_id.eq(site_id))
        .select((courses::id, courses::teacher_account_id))
        .first(connection)
        .optional()
}

/// Removes an enrolment with its evaluations and absences.
pub fn delete_enrolment(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
) -> QueryResult<bool> {
    diesel::delete(
        evaluations::table
            .filter(evaluations::enrolment_id.eq(id))
            .filter(evaluations::site_id.eq(site_id)),
    )
    .execute(connection)?;
    diesel::delete(
        absences::table
            .filter(absences::enrolment_id.eq(id))
            .filter(absences::site_id.eq(site_id)),
    )
    .execute(connection)?;
    let deleted = diesel::delete(
        enrolments::table
            .filter(enrolments::id.eq(id))
            .filter(enrolments::site_id.eq(site_id)),
    )
    .execute(connection)?;
    Ok(deleted == 1)
}

/// Records an evaluation.
pub fn insert_evaluation(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    author: i64,
    input: &wire::EvaluationInput,
    time: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(evaluations::table)
        .values((
            evaluations::site_id.eq(site_id),
            evaluations::enrolment_id.eq(input.enrolment_id),
            evaluations::period.eq(input.period.trim()),
            evaluations::comment.eq(input.comment.trim()),
            evaluations::mark.eq(input
                .mark
                .as_deref()
                .map(str::trim)
                .filter(|mark| !mark.is_empty())),
            evaluations::author_id.eq(author),
            evaluations::created_at.eq(time),
            evaluations::updated_at.eq(time),
        ))
        .returning(evaluations::id)
        .get_result(connection)
}

/// The enrolment of an evaluation of the site.
pub fn evaluation_enrolment(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
) -> QueryResult<Option<i64>> {
    evaluations::table
        .filter(evaluations::id.eq(id))
        .filter(evaluations::site_id.eq(site_id))
        .select(evaluations::enrolment_id)
        .first(connection)
        .optional()
}

/// Edits an evaluation if still at `version`.
pub fn update_evaluation(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
    version: i32,
    input: &wire::EvaluationInput,
    time: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        evaluations::table
            .filter(evaluations::id.eq(id))
            .filter(evaluations::site_id.eq(site_id))
            .filter(evaluations::version.eq(version)),
    )
    .set((
        evaluations::period.eq(input.period.trim()),
        evaluations::comment.eq(input.comment.trim()),
        evaluations::mark.eq(input
            .mark
            .as_deref()
            .map(str::trim)
            .filter(|mark| !mark.is_empty())),
        evaluations::version.eq(version + 1),
        evaluations::updated_at.eq(time),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// Records an absence.
pub fn insert_absence(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    author: i64,
    input: &wire::AbsenceInput,
    time: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(absences::table)
        .values((
            absences::site_id.eq(site_id),
            absences::enrolment_id.eq(input.enrolment_id),
            absences::date.eq(input.date),
            absences::justified.eq(input.justified),
            absences::reason.eq(input.reason.trim()),
            absences::recorded_by.eq(author),
            absences::created_at.eq(time),
        ))
        .returning(absences::id)
        .get_result(connection)
}

/// The enrolment of an absence of the site.
pub fn absence_enrolment(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
) -> QueryResult<Option<i64>> {
    absences::table
        .filter(absences::id.eq(id))
        .filter(absences::site_id.eq(site_id))
        .select(absences::enrolment_id)
        .first(connection)
        .optional()
}

/// Edits an absence (date, justified, reason).
pub fn update_absence(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
    input: &wire::AbsenceInput,
) -> QueryResult<bool> {
    let updated = diesel::update(
        absences::table
            .filter(absences::id.eq(id))
            .filter(absences::site_id.eq(site_id)),
    )
    .set((
        absences::date.eq(input.date),
        absences::justified.eq(input.justified),
        absences::reason.eq(input.reason.trim()),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// A student's courses in the years matching `years`, with evaluations and absences.
pub fn student_courses(
    connection: &mut DbConnection,
    student_id: i64,
    years: &[wire::SchoolYear],
) -> QueryResult<Vec<wire::StudentCourse>> {
    let year_ids: Vec<i64> = years.iter().map(|year| year.id).collect();
    let rows: Vec<(i64, CourseRow)> = enrolments::table
        .inner_join(courses::table.inner_join(disciplines::table))
        .filter(enrolments::student_id.eq(student_id))
        .filter(courses::school_year_id.eq_any(&year_ids))
        .order((courses::weekday.asc(), courses::start_time.asc()))
        .select((enrolments::id, course_columns()))
        .load(connection)?;
    let enrolment_ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
    let evaluations = evaluations_of(connection, &enrolment_ids)?;
    let absences = absences_of(connection, &enrolment_ids)?;
    let label_of = |year_id: i64| {
        years
            .iter()
            .find(|year| year.id == year_id)
            .map(|year| year.label.clone())
            .unwrap_or_default()
    };
    let mut result: Vec<wire::StudentCourse> = rows
        .into_iter()
        .map(|(enrolment_id, row)| {
            let course = to_course(row);
            wire::StudentCourse {
                enrolment_id,
                school_year: label_of(course.school_year_id),
                evaluations: of_enrolment(&evaluations, enrolment_id, |evaluation| {
                    evaluation.enrolment_id
                }),
                absences: of_enrolment(&absences, enrolment_id, |absence| absence.enrolment_id),
                course,
            }
        })
        .collect();
    // Latest year first for the history; within a year, the weekly order.
    result.sort_by(|left, right| right.school_year.cmp(&left.school_year));
    Ok(result)
}

type EventRow = (i64, String, String, NaiveDate, String, String);

fn to_event((id, name, kind, date, place, programme): EventRow) -> wire::Event {
    wire::Event {
        id,
        name,
        kind,
        date,
        place,
        programme,
    }
}

/// The site's events, latest first.
pub fn list_events(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
) -> QueryResult<Vec<wire::Event>> {
    let rows: Vec<EventRow> = events::table
        .filter(events::site_id.eq(site_id))
        .order(events::date.desc())
        .select((
            events::id,
            events::name,
            events::kind,
            events::date,
            events::place,
            events::programme,
        ))
        .load(connection)?;
    Ok(rows.into_iter().map(to_event).collect())
}

/// Creates an event.
pub fn insert_event(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    input: &wire::EventInput,
) -> QueryResult<i64> {
    diesel::insert_into(events::table)
        .values((
            events::site_id.eq(site_id),
            events::name.eq(input.name.trim()),
            events::kind.eq(&input.kind),
            events::date.eq(input.date),
            events::place.eq(input.place.trim()),
            events::programme.eq(input.programme.trim()),
        ))
        .returning(events::id)
        .get_result(connection)
}

/// Edits an event of the site.
pub fn update_event(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
    input: &wire::EventInput,
) -> QueryResult<bool> {
    let updated = diesel::update(
        events::table
            .filter(events::id.eq(id))
            .filter(events::site_id.eq(site_id)),
    )
    .set((
        events::name.eq(input.name.trim()),
        events::kind.eq(&input.kind),
        events::date.eq(input.date),
        events::place.eq(input.place.trim()),
        events::programme.eq(input.programme.trim()),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// Whether the event belongs to the site.
pub fn event_in_site(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        events::table
            .filter(events::id.eq(id))
            .filter(events::site_id.eq(site_id)),
    ))
    .get_result(connection)
}

/// Adds a student to an event.
pub fn insert_participation(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    event_id: i64,
    input: &wire::ParticipationInput,
) -> QueryResult<i64> {
    diesel::insert_into(participations::table)
        .values((
            participations::site_id.eq(site_id),
            participations::event_id.eq(event_id),
            participations::student_id.eq(input.student_id),
            participations::piece.eq(input.piece.trim()),
        ))
        .returning(participations::id)
        .get_result(connection)
}

/// Removes a participation of the site.
pub fn delete_participation(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
) -> QueryResult<bool> {
    let deleted = diesel::delete(
        participations::table
            .filter(participations::id.eq(id))
            .filter(participations::site_id.eq(site_id)),
    )
    .execute(connection)?;
    Ok(deleted == 1)
}

/// A student's events, latest first.
pub fn student_repertoire(
    connection: &mut DbConnection,
    student_id: i64,
) -> QueryResult<Vec<wire::RepertoireEntry>> {
    let rows: Vec<(i64, String, EventRow)> = participations::table
        .inner_join(events::table)
        .filter(participations::student_id.eq(student_id))
        .order(events::date.desc())
        .select((
            participations::id,
            participations::piece,
            (
                events::id,
                events::name,
                events::kind,
                events::date,
                events::place,
                events::programme,
            ),
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(participation_id, piece, event)| wire::RepertoireEntry {
            participation_id,
            piece,
            event: to_event(event),
        })
        .collect())
}

/// The class list of a course with each student's evaluations and absences in it.
pub fn course_class(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    course_id: i64,
) -> QueryResult<Vec<wire::ClassMember>> {
    let members = course_enrolments(connection, SiteId(site_id), course_id)?;
    let ids: Vec<i64> = members.iter().map(|member| member.id).collect();
    let evaluations = evaluations_of(connection, &ids)?;
    let absences = absences_of(connection, &ids)?;
    Ok(members
        .into_iter()
        .map(|member| wire::ClassMember {
            enrolment_id: member.id,
            student_id: member.student_id,
            student_name: member.student_name,
            evaluations: of_enrolment(&evaluations, member.id, |evaluation| {
                evaluation.enrolment_id
            }),
            absences: of_enrolment(&absences, member.id, |absence| absence.enrolment_id),
        })
        .collect())
}

/// The students taking part in an event of the site.
pub fn event_participants(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    event_id: i64,
) -> QueryResult<Vec<wire::Participant>> {
    let rows: Vec<(i64, i64, String, String, String)> = participations::table
        .inner_join(students::table)
        .filter(participations::site_id.eq(site_id))
        .filter(participations::event_id.eq(event_id))
        .order((students::last_name.asc(), students::first_name.asc()))
        .select((
            participations::id,
            students::id,
            students::first_name,
            students::last_name,
            participations::piece,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(id, student_id, first, last, piece)| wire::Participant {
            id,
            student_id,
            student_name: format!("{first} {last}"),
            piece,
        })
        .collect())
}

/// Evaluations of the given enrolments, oldest first.
fn evaluations_of(
    connection: &mut DbConnection,
    enrolment_ids: &[i64],
) -> QueryResult<Vec<wire::Evaluation>> {
    let rows: Vec<(i64, i64, String, String, Option<String>, i32)> = evaluations::table
        .filter(evaluations::enrolment_id.eq_any(enrolment_ids))
        .order((evaluations::created_at.asc(), evaluations::id.asc()))
        .select((
            evaluations::id,
            evaluations::enrolment_id,
            evaluations::period,
            evaluations::comment,
            evaluations::mark,
            evaluations::version,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, enrolment_id, period, comment, mark, version)| wire::Evaluation {
                id,
                enrolment_id,
                period,
                comment,
                mark,
                version,
            },
        )
        .collect())
}

/// Absences of the given enrolments, most recent first.
fn absences_of(
    connection: &mut DbConnection,
    enrolment_ids: &[i64],
) -> QueryResult<Vec<wire::Absence>> {
    let rows: Vec<(i64, i64, NaiveDate, bool, String)> = absences::table
        .filter(absences::enrolment_id.eq_any(enrolment_ids))
        .order((absences::date.desc(), absences::id.desc()))
        .select((
            absences::id,
            absences::enrolment_id,
            absences::date,
            absences::justified,
            absences::reason,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, enrolment_id, date, justified, reason)| wire::Absence {
                id,
                enrolment_id,
                date,
                justified,
                reason,
            },
        )
        .collect())
}

/// The items of `all` that belong to `enrolment_id`.
fn of_enrolment<T: Clone>(
    all: &[T],
    enrolment_id: i64,
    enrolment_of: impl Fn(&T) -> i64,
) -> Vec<T> {
    all.iter()
        .filter(|item| enrolment_of(item) == enrolment_id)
        .cloned()
        .collect()
}
