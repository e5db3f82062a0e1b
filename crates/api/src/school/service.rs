//! The rules of the school's year: validation of years, disciplines, courses, evaluations,
//! absences and events; who reaches what (staff: the whole site; a teacher: their own
//! courses, 403 elsewhere); optimistic versions on courses and evaluations.

use tutti_shared::{
    AbsenceInput, ClassMember, Course, CourseInput, Discipline, DisciplineInput, Enrolment,
    EnrolmentInput, EvaluationInput, Event, EventInput, Participant, ParticipationInput,
    RepertoireEntry, SchoolYear, SchoolYearInput, StudentCourse, TeacherSummary,
};

use super::store;
use crate::audit::record_school_action;
use crate::caller::{FamilyCaller, SchoolCaller};
use crate::db::{DbConnection, now, write_transaction};
use crate::domain::{DomainError, FieldErrors, SiteId, found, optional_text, required_text};
use crate::state::AppState;

fn version_of(version: Option<i32>) -> Result<i32, DomainError> {
    version.ok_or_else(|| DomainError::field("version", "La version lue est requise."))
}

// ---------------------------------------------------------------- years, disciplines

fn validate_year(input: &SchoolYearInput) -> Result<(), DomainError> {
    let mut errors = FieldErrors::new();
    required_text(&mut errors, "label", &input.label, 40);
    if input.ends_on <= input.starts_on {
        errors.insert(
            "ends_on".to_owned(),
            "La fin doit suivre le début.".to_owned(),
        );
    }
    DomainError::check(errors)
}

/// The site's school years, latest first.
pub async fn list_school_years(
    state: &AppState,
    site: SiteId,
) -> Result<Vec<SchoolYear>, DomainError> {
    state
        .db
        .work(move |connection| Ok(store::list_years(connection, site)?))
        .await
}

/// Creates a school year; 409 `already_exists` for a taken label.
pub async fn create_school_year(
    state: &AppState,
    site: SiteId,
    input: SchoolYearInput,
) -> Result<i64, DomainError> {
    validate_year(&input)?;
    state
        .db
        .work(move |connection| Ok(store::insert_year(connection, site, &input)?))
        .await
}

/// Edits a school year.
pub async fn update_school_year(
    state: &AppState,
    site: SiteId,
    id: i64,
    input: SchoolYearInput,
) -> Result<(), DomainError> {
    validate_year(&input)?;
    state
        .db
        .work(move |connection| found(store::update_year(connection, site, id, &input)?))
        .await
}

fn validate_discipline(input: &DisciplineInput) -> Result<(), DomainError> {
    let mut errors = FieldErrors::new();
    required_text(&mut errors, "name", &input.name, 100);
    DomainError::check(errors)
}

/// The site's disciplines.
pub async fn list_disciplines(
    state: &AppState,
    site: SiteId,
) -> Result<Vec<Discipline>, DomainError> {
    state
        .db
        .work(move |connection| Ok(store::list_disciplines(connection, site)?))
        .await
}

/// Creates a discipline; 409 `already_exists` for a taken name.
pub async fn create_discipline(
    state: &AppState,
    site: SiteId,
    input: DisciplineInput,
) -> Result<i64, DomainError> {
    validate_discipline(&input)?;
    state
        .db
        .work(move |connection| Ok(store::insert_discipline(connection, site, &input)?))
        .await
}

/// Edits a discipline.
pub async fn update_discipline(
    state: &AppState,
    site: SiteId,
    id: i64,
    input: DisciplineInput,
) -> Result<(), DomainError> {
    validate_discipline(&input)?;
    state
        .db
        .work(move |connection| found(store::update_discipline(connection, site, id, &input)?))
        .await
}

// ---------------------------------------------------------------- courses

fn validate_course(
    connection: &mut DbConnection,
    site: SiteId,
    input: &CourseInput,
    in_force: Option<&str>,
) -> Result<(), DomainError> {
    let mut errors = FieldErrors::new();
    if let Some(kind) = input.fee_kind() {
        // Without a grid yet, any kind is kept for when it comes; with one, only its
        // kinds, but a kind already in force (the grid changed since) stays accepted so
        // that it does not block an edit of another field.
        let grid = crate::tariffs::store::find_grid(connection, site)?;
        let known = grid.is_none()
            || in_force == Some(kind)
            || crate::tariffs::service::read_grid(connection, site)?
                .course_kinds
                .iter()
                .any(|known| known.code == kind);
        if !known || kind.chars().count() > 100 {
            errors.insert("fee_kind".to_owned(), "Type de tarif inconnu.".to_owned());
        }
    }
    required_text(&mut errors, "level", &input.level, 100);
    required_text(&mut errors, "teacher_name", &input.teacher_name, 100);
    optional_text(&mut errors, "room", &input.room, 100);
    if !(1..=7).contains(&input.weekday) {
        errors.insert(
            "weekday".to_owned(),
            "Jour invalide (1 = lundi ... 7 = dimanche).".to_owned(),
        );
    }
    let times_ok = tutti_shared::is_valid_time(&input.start_time)
        && tutti_shared::is_valid_time(&input.end_time);
    if !times_ok {
        errors.insert(
            "start_time".to_owned(),
            "Heures au format HH:MM.".to_owned(),
        );
    } else if input.end_time <= input.start_time {
        errors.insert(
            "end_time".to_owned(),
            "La fin doit suivre le début.".to_owned(),
        );
    }
    if !store::year_in_site(connection, site, input.school_year_id)? {
        errors.insert(
            "school_year_id".to_owned(),
            "Année scolaire inconnue.".to_owned(),
        );
    }
    if !store::discipline_in_site(connection, site, input.discipline_id)? {
        errors.insert(
            "discipline_id".to_owned(),
            "Discipline inconnue.".to_owned(),
        );
    }
    if let Some(teacher) = input.teacher_account_id {
        let account = crate::auth::store::find_account(connection, teacher).ok();
        let is_teacher_here = account.is_some_and(|account| {
            account.site_id == site.0 && account.role == tutti_shared::Role::Teacher.as_str()
        });
        if !is_teacher_here {
            errors.insert(
                "teacher_account_id".to_owned(),
                "Ce compte n'est pas un professeur de ce site.".to_owned(),
            );
        }
    }
    DomainError::check(errors)
}

/// Courses: the whole site's for staff, their own for a teacher.
pub async fn list_courses(
    state: &AppState,
    caller: SchoolCaller,
    school_year_id: Option<i64>,
) -> Result<Vec<Course>, DomainError> {
    state
        .db
        .work(move |connection| {
            Ok(store::list_courses(
                connection,
                caller.site,
                school_year_id,
                caller.teacher.map(|teacher| teacher.0),
            )?)
        })
        .await
}

/// Creates a course.
pub async fn create_course(
    state: &AppState,
    site: SiteId,
    input: CourseInput,
) -> Result<i64, DomainError> {
    state
        .db
        .work(move |connection| {
            validate_course(connection, site, &input, None)?;
            Ok(store::insert_course(connection, site, &input)?)
        })
        .await
}

/// Edits a course against the version read; 409 `stale_version` when it moved.
pub async fn update_course(
    state: &AppState,
    site: SiteId,
    id: i64,
    input: CourseInput,
) -> Result<Course, DomainError> {
    let version = version_of(input.version)?;
    state
        .db
        .work(move |connection| {
            let current = store::find_course(connection, site, id)?.ok_or(DomainError::NotFound)?;
            validate_course(connection, site, &input, current.fee_kind.as_deref())?;
            if !store::update_course(connection, site, id, version, &input)? {
                return Err(DomainError::Stale);
            }
            store::find_course(connection, site, id)?.ok_or(DomainError::NotFound)
        })
        .await
}

/// A course the caller may see: of the site (404 otherwise), and their own for a
/// teacher (403 otherwise).
fn allowed_course(
    connection: &mut DbConnection,
    caller: &SchoolCaller,
    course_id: i64,
) -> Result<Course, DomainError> {
    let course =
        store::find_course(connection, caller.site, course_id)?.ok_or(DomainError::NotFound)?;
    if let Some(teacher) = caller.teacher
        && course.teacher_account_id != Some(teacher.0)
    {
        return Err(DomainError::Forbidden);
    }
    Ok(course)
}

/// An enrolment whose course the caller may see.
fn allowed_enrolment(
    connection: &mut DbConnection,
    caller: &SchoolCaller,
    enrolment_id: i64,
) -> Result<(), DomainError> {
    let (_, teacher) = store::enrolment_course(connection, caller.site, enrolment_id)?
        .ok_or(DomainError::NotFound)?;
    if let Some(caller_teacher) = caller.teacher
        && teacher != Some(caller_teacher.0)
    {
        return Err(DomainError::Forbidden);
    }
    Ok(())
}

/// One course.
pub async fn find_course(
    state: &AppState,
    caller: SchoolCaller,
    course_id: i64,
) -> Result<Course, DomainError> {
    state
        .db
        .work(move |connection| allowed_course(connection, &caller, course_id))
        .await
}

/// The class list of a course.
pub async fn list_course_enrolments(
    state: &AppState,
    caller: SchoolCaller,
    course_id: i64,
) -> Result<Vec<Enrolment>, DomainError> {
    state
        .db
        .work(move |connection| {
            allowed_course(connection, &caller, course_id)?;
            let list = store::course_enrolments(connection, caller.site, course_id)?;
            record_school_action(connection, &caller, "enrolments_read", "course", course_id)?;
            Ok(list)
        })
        .await
}

/// The class with each student's evaluations and absences in the course.
pub async fn list_course_class(
    state: &AppState,
    caller: SchoolCaller,
    course_id: i64,
) -> Result<Vec<ClassMember>, DomainError> {
    state
        .db
        .work(move |connection| {
            allowed_course(connection, &caller, course_id)?;
            let class = store::course_class(connection, caller.site, course_id)?;
            record_school_action(connection, &caller, "class_list_read", "course", course_id)?;
            Ok(class)
        })
        .await
}

/// The site's teacher accounts.
pub async fn list_teachers(
    state: &AppState,
    site: SiteId,
) -> Result<Vec<TeacherSummary>, DomainError> {
    let teachers = state
        .db
        .work(move |connection| Ok(crate::auth::store::site_teachers(connection, site)?))
        .await?;
    Ok(teachers
        .into_iter()
        .map(|(id, display_name)| TeacherSummary { id, display_name })
        .collect())
}

// ---------------------------------------------------------------- enrolments, evaluations, absences

/// Enrols a student of the site in a course of the site; 409 `already_exists` twice.
pub async fn create_enrolment(
    state: &AppState,
    staff: SchoolCaller,
    input: EnrolmentInput,
) -> Result<i64, DomainError> {
    let site = staff.site;
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let mut errors = FieldErrors::new();
                if crate::household::store::find_site_student(connection, site, input.student_id)?
                    .is_none()
                {
                    errors.insert("student_id".to_owned(), "Élève inconnu.".to_owned());
                }
                if store::find_course(connection, site, input.course_id)?.is_none() {
                    errors.insert("course_id".to_owned(), "Cours inconnu.".to_owned());
                }
                DomainError::check(errors)?;
                let id = store::insert_enrolment(
                    connection,
                    site,
                    input.student_id,
                    input.course_id,
                    now(),
                )?;
                record_school_action(connection, &staff, "enrolment_created", "enrolment", id)?;
                Ok(id)
            })
        })
        .await
}

/// Removes an enrolment with its evaluations and absences.
pub async fn delete_enrolment(
    state: &AppState,
    staff: SchoolCaller,
    id: i64,
) -> Result<(), DomainError> {
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                found(store::delete_enrolment(connection, staff.site, id)?)?;
                record_school_action(connection, &staff, "enrolment_deleted", "enrolment", id)
            })
        })
        .await
}

fn validate_evaluation(input: &EvaluationInput) -> Result<(), DomainError> {
    let mut errors = FieldErrors::new();
    required_text(&mut errors, "period", &input.period, 60);
    required_text(&mut errors, "comment", &input.comment, 2000);
    optional_text(
        &mut errors,
        "mark",
        input.mark.as_deref().unwrap_or_default(),
        20,
    );
    DomainError::check(errors)
}

/// Records an evaluation (staff, or the course's teacher).
pub async fn create_evaluation(
    state: &AppState,
    caller: SchoolCaller,
    input: EvaluationInput,
) -> Result<i64, DomainError> {
    validate_evaluation(&input)?;
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                allowed_enrolment(connection, &caller, input.enrolment_id)?;
                let id = store::insert_evaluation(
                    connection,
                    caller.site,
                    caller.account.0,
                    &input,
                    now(),
                )?;
                record_school_action(connection, &caller, "evaluation_created", "evaluation", id)?;
                Ok(id)
            })
        })
        .await
}

/// Edits an evaluation against the version read.
pub async fn update_evaluation(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
    input: EvaluationInput,
) -> Result<(), DomainError> {
    validate_evaluation(&input)?;
    let version = version_of(input.version)?;
    state
        .db
        .work(move |connection| {
            let enrolment_id = store::evaluation_enrolment(connection, caller.site, id)?
                .ok_or(DomainError::NotFound)?;
            allowed_enrolment(connection, &caller, enrolment_id)?;
            if !store::update_evaluation(connection, caller.site, id, version, &input, now())? {
                return Err(DomainError::Stale);
            }
            record_school_action(connection, &caller, "evaluation_updated", "evaluation", id)
        })
        .await
}

fn validate_absence(input: &AbsenceInput) -> Result<(), DomainError> {
    let mut errors = FieldErrors::new();
    optional_text(&mut errors, "reason", &input.reason, 500);
    DomainError::check(errors)
}

/// Records an absence (staff, or the course's teacher).
pub async fn create_absence(
    state: &AppState,
    caller: SchoolCaller,
    input: AbsenceInput,
) -> Result<i64, DomainError> {
    validate_absence(&input)?;
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                allowed_enrolment(connection, &caller, input.enrolment_id)?;
                let id = store::insert_absence(
                    connection,
                    caller.site,
                    caller.account.0,
                    &input,
                    now(),
                )?;
                record_school_action(connection, &caller, "absence_created", "absence", id)?;
                Ok(id)
            })
        })
        .await
}

/// Edits an absence (for instance to mark it justified).
pub async fn update_absence(
    state: &AppState,
    caller: SchoolCaller,
    id: i64,
    input: AbsenceInput,
) -> Result<(), DomainError> {
    validate_absence(&input)?;
    state
        .db
        .work(move |connection| {
            let enrolment_id = store::absence_enrolment(connection, caller.site, id)?
                .ok_or(DomainError::NotFound)?;
            allowed_enrolment(connection, &caller, enrolment_id)?;
            store::update_absence(connection, caller.site, id, &input)?;
            record_school_action(connection, &caller, "absence_updated", "absence", id)
        })
        .await
}

// ---------------------------------------------------------------- events

fn validate_event(input: &EventInput) -> Result<(), DomainError> {
    let mut errors = FieldErrors::new();
    required_text(&mut errors, "name", &input.name, 200);
    optional_text(&mut errors, "place", &input.place, 200);
    optional_text(&mut errors, "programme", &input.programme, 5000);
    if !tutti_shared::EVENT_KINDS.contains(&input.kind.as_str()) {
        errors.insert(
            "kind".to_owned(),
            "Type inconnu (concert, audition ou spectacle).".to_owned(),
        );
    }
    DomainError::check(errors)
}

/// The site's events, latest first.
pub async fn list_events(state: &AppState, site: SiteId) -> Result<Vec<Event>, DomainError> {
    state
        .db
        .work(move |connection| Ok(store::list_events(connection, site)?))
        .await
}

/// Creates an event.
pub async fn create_event(
    state: &AppState,
    site: SiteId,
    input: EventInput,
) -> Result<i64, DomainError> {
    validate_event(&input)?;
    state
        .db
        .work(move |connection| Ok(store::insert_event(connection, site, &input)?))
        .await
}

/// Edits an event.
pub async fn update_event(
    state: &AppState,
    site: SiteId,
    id: i64,
    input: EventInput,
) -> Result<(), DomainError> {
    validate_event(&input)?;
    state
        .db
        .work(move |connection| found(store::update_event(connection, site, id, &input)?))
        .await
}

/// Adds a student of the site to an event; 409 `already_exists` twice.
pub async fn create_participation(
    state: &AppState,
    site: SiteId,
    event_id: i64,
    input: ParticipationInput,
) -> Result<i64, DomainError> {
    let mut errors = FieldErrors::new();
    optional_text(&mut errors, "piece", &input.piece, 500);
    DomainError::check(errors)?;
    state
        .db
        .work(move |connection| {
            found(store::event_in_site(connection, site, event_id)?)?;
            if crate::household::store::find_site_student(connection, site, input.student_id)?
                .is_none()
            {
                return Err(DomainError::field("student_id", "Élève inconnu."));
            }
            Ok(store::insert_participation(
                connection, site, event_id, &input,
            )?)
        })
        .await
}

/// Removes a participation.
pub async fn delete_participation(
    state: &AppState,
    site: SiteId,
    id: i64,
) -> Result<(), DomainError> {
    state
        .db
        .work(move |connection| found(store::delete_participation(connection, site, id)?))
        .await
}

/// The students taking part in an event.
pub async fn list_event_participations(
    state: &AppState,
    site: SiteId,
    event_id: i64,
) -> Result<Vec<Participant>, DomainError> {
    state
        .db
        .work(move |connection| {
            found(store::event_in_site(connection, site, event_id)?)?;
            Ok(store::event_participants(connection, site, event_id)?)
        })
        .await
}

// ---------------------------------------------------------------- a family's child

/// This school year's courses of the family's child (the "Cours" tab).
pub async fn list_student_courses(
    state: &AppState,
    family: FamilyCaller,
    student_id: i64,
) -> Result<Vec<StudentCourse>, DomainError> {
    state
        .db
        .work(move |connection| {
            let student = crate::household::service::own_student(connection, &family, student_id)?;
            let today = chrono::Utc::now().date_naive();
            let Some(year) = store::current_year(connection, family.site, today)? else {
                return Ok(Vec::new());
            };
            Ok(store::student_courses(
                connection,
                family.site,
                student.id,
                &[year],
            )?)
        })
        .await
}

/// Courses of earlier school years (the "Historique" tab), latest year first.
pub async fn list_student_history(
    state: &AppState,
    family: FamilyCaller,
    student_id: i64,
) -> Result<Vec<StudentCourse>, DomainError> {
    state
        .db
        .work(move |connection| {
            let student = crate::household::service::own_student(connection, &family, student_id)?;
            let today = chrono::Utc::now().date_naive();
            let current = store::current_year(connection, family.site, today)?;
            let earlier: Vec<_> = store::list_years(connection, family.site)?
                .into_iter()
                .filter(|year| {
                    current
                        .as_ref()
                        .is_some_and(|current| year.starts_on < current.starts_on)
                })
                .collect();
            Ok(store::student_courses(
                connection,
                family.site,
                student.id,
                &earlier,
            )?)
        })
        .await
}

/// Events the child took part in (the "Répertoire" tab), latest first.
pub async fn list_student_repertoire(
    state: &AppState,
    family: FamilyCaller,
    student_id: i64,
) -> Result<Vec<RepertoireEntry>, DomainError> {
    state
        .db
        .work(move |connection| {
            let student = crate::household::service::own_student(connection, &family, student_id)?;
            Ok(store::student_repertoire(
                connection,
                family.site,
                student.id,
            )?)
        })
        .await
}
