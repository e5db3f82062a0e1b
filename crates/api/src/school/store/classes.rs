//! Enrolments, evaluations, absences, class lists and a student's courses.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tutti_shared as wire;

use super::catalogue::{CourseRow, course_columns, to_course};
use crate::db::DbConnection;
use crate::db::schema::{absences, courses, disciplines, enrolments, evaluations, students};
use crate::domain::SiteId;

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
    SiteId(site_id): SiteId,
    student_id: i64,
    years: &[wire::SchoolYear],
) -> QueryResult<Vec<wire::StudentCourse>> {
    let year_ids: Vec<i64> = years.iter().map(|year| year.id).collect();
    let rows: Vec<(i64, CourseRow)> = enrolments::table
        .inner_join(courses::table.inner_join(disciplines::table))
        .filter(enrolments::site_id.eq(site_id))
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
