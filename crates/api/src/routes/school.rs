//! The school's year: years, disciplines, courses, class lists, evaluations, absences,
//! events and participations. Staff manage everything of their site; teachers see and
//! record evaluations and absences for their own courses only.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use tutti_shared::{
    AbsenceInput, Course, CourseInput, Discipline, DisciplineInput, Enrolment, EnrolmentInput,
    EvaluationInput, Event, EventInput, ParticipationInput, SchoolYear, SchoolYearInput,
};

use crate::auth::extractors::{SchoolAccount, StaffAccount};
use crate::db::{DbConnection, household, now, school};
use crate::error::AppError;
use crate::routes::json::ApiJson;
use crate::state::AppState;

/// The id of a created record.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Created {
    /// Database id of the new record.
    pub id: i64,
}

fn created(id: i64) -> HttpResponse {
    HttpResponse::Created().json(Created { id })
}

fn required_text(errors: &mut BTreeMap<String, String>, field: &str, value: &str, max: usize) {
    if value.trim().is_empty() {
        errors.insert(field.to_owned(), "Ce champ est obligatoire.".to_owned());
    } else if value.chars().count() > max {
        errors.insert(field.to_owned(), format!("{max} caractères au plus."));
    }
}

fn optional_text(errors: &mut BTreeMap<String, String>, field: &str, value: &str, max: usize) {
    if value.chars().count() > max {
        errors.insert(field.to_owned(), format!("{max} caractères au plus."));
    }
}

fn check(errors: BTreeMap<String, String>) -> Result<(), AppError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::fields(errors))
    }
}

/// Lists the site's school years, latest first.
#[utoipa::path(tag = "school", security(("bearer" = [])), responses((status = 200, description = "School years", body = Vec<SchoolYear>)))]
#[get("/admin/school-years")]
pub async fn list_school_years(
    state: web::Data<AppState>,
    account: SchoolAccount,
) -> Result<HttpResponse, AppError> {
    let site_id = account.0.site_id;
    let years = state
        .db
        .run(move |connection| school::list_years(connection, site_id).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok().json(years))
}

fn validate_year(input: &SchoolYearInput) -> Result<(), AppError> {
    let mut errors = BTreeMap::new();
    required_text(&mut errors, "label", &input.label, 40);
    if input.ends_on <= input.starts_on {
        errors.insert(
            "ends_on".to_owned(),
            "La fin doit suivre le début.".to_owned(),
        );
    }
    check(errors)
}

/// Creates a school year.
#[utoipa::path(tag = "school", request_body = SchoolYearInput, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Created), (status = 409, description = "Label taken", body = tutti_shared::ApiErrorBody), (status = 422, description = "Invalid", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/school-years")]
pub async fn create_school_year(
    state: web::Data<AppState>,
    staff: StaffAccount,
    body: ApiJson<SchoolYearInput>,
) -> Result<HttpResponse, AppError> {
    validate_year(&body)?;
    let site_id = staff.0.site_id;
    let id = state
        .db
        .run(move |connection| {
            school::insert_year(connection, site_id, &body).map_err(AppError::from)
        })
        .await?;
    Ok(created(id))
}

/// Edits a school year.
#[utoipa::path(tag = "school", request_body = SchoolYearInput, params(("id" = i64, Path, description = "School year id")), security(("bearer" = [])),
    responses((status = 204, description = "Saved"), (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody), (status = 422, description = "Invalid", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/school-years/{id}")]
pub async fn update_school_year(
    state: web::Data<AppState>,
    staff: StaffAccount,
    path: web::Path<i64>,
    body: ApiJson<SchoolYearInput>,
) -> Result<HttpResponse, AppError> {
    validate_year(&body)?;
    let (site_id, id) = (staff.0.site_id, path.into_inner());
    let found = state
        .db
        .run(move |connection| {
            school::update_year(connection, site_id, id, &body).map_err(AppError::from)
        })
        .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Lists the site's disciplines.
#[utoipa::path(tag = "school", security(("bearer" = [])), responses((status = 200, description = "Disciplines", body = Vec<Discipline>)))]
#[get("/admin/disciplines")]
pub async fn list_disciplines(
    state: web::Data<AppState>,
    account: SchoolAccount,
) -> Result<HttpResponse, AppError> {
    let site_id = account.0.site_id;
    let disciplines = state
        .db
        .run(move |connection| {
            school::list_disciplines(connection, site_id).map_err(AppError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(disciplines))
}

/// Creates a discipline.
#[utoipa::path(tag = "school", request_body = DisciplineInput, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Created), (status = 409, description = "Name taken", body = tutti_shared::ApiErrorBody), (status = 422, description = "Invalid", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/disciplines")]
pub async fn create_discipline(
    state: web::Data<AppState>,
    staff: StaffAccount,
    body: ApiJson<DisciplineInput>,
) -> Result<HttpResponse, AppError> {
    let mut errors = BTreeMap::new();
    required_text(&mut errors, "name", &body.name, 100);
    check(errors)?;
    let site_id = staff.0.site_id;
    let id = state
        .db
        .run(move |connection| {
            school::insert_discipline(connection, site_id, &body).map_err(AppError::from)
        })
        .await?;
    Ok(created(id))
}

/// Edits a discipline.
#[utoipa::path(tag = "school", request_body = DisciplineInput, params(("id" = i64, Path, description = "Discipline id")), security(("bearer" = [])),
    responses((status = 204, description = "Saved"), (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/disciplines/{id}")]
pub async fn update_discipline(
    state: web::Data<AppState>,
    staff: StaffAccount,
    path: web::Path<i64>,
    body: ApiJson<DisciplineInput>,
) -> Result<HttpResponse, AppError> {
    let mut errors = BTreeMap::new();
    required_text(&mut errors, "name", &body.name, 100);
    check(errors)?;
    let (site_id, id) = (staff.0.site_id, path.into_inner());
    let found = state
        .db
        .run(move |connection| {
            school::update_discipline(connection, site_id, id, &body).map_err(AppError::from)
        })
        .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Filters of the course list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CourseQuery {
    /// Only this school year.
    pub school_year_id: Option<i64>,
}

/// Lists courses: all of the site for staff, their own for teachers.
#[utoipa::path(tag = "school", params(CourseQuery), security(("bearer" = [])), responses((status = 200, description = "Courses", body = Vec<Course>)))]
#[get("/admin/courses")]
pub async fn list_courses(
    state: web::Data<AppState>,
    account: SchoolAccount,
    query: web::Query<CourseQuery>,
) -> Result<HttpResponse, AppError> {
    let (site_id, teacher, year) = (
        account.0.site_id,
        account.teacher_id(),
        query.school_year_id,
    );
    let courses = state
        .db
        .run(move |connection| {
            school::list_courses(connection, site_id, year, teacher).map_err(AppError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(courses))
}

fn validate_course(
    connection: &mut DbConnection,
    site_id: i64,
    input: &CourseInput,
) -> Result<(), AppError> {
    let mut errors = BTreeMap::new();
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
    if !school::year_in_site(connection, site_id, input.school_year_id)? {
        errors.insert(
            "school_year_id".to_owned(),
            "Année scolaire inconnue.".to_owned(),
        );
    }
    if !school::discipline_in_site(connection, site_id, input.discipline_id)? {
        errors.insert(
            "discipline_id".to_owned(),
            "Discipline inconnue.".to_owned(),
        );
    }
    if let Some(teacher) = input.teacher_account_id {
        let account = crate::db::accounts::find_account(connection, teacher).ok();
        if !account.is_some_and(|account| account.site_id == site_id && account.role == "teacher") {
            errors.insert(
                "teacher_account_id".to_owned(),
                "Ce compte n'est pas un professeur de ce site.".to_owned(),
            );
        }
    }
    check(errors)
}

/// Creates a course.
#[utoipa::path(tag = "school", request_body = CourseInput, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Created), (status = 422, description = "Invalid", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/courses")]
pub async fn create_course(
    state: web::Data<AppState>,
    staff: StaffAccount,
    body: ApiJson<CourseInput>,
) -> Result<HttpResponse, AppError> {
    let site_id = staff.0.site_id;
    let id = state
        .db
        .run(move |connection| {
            validate_course(connection, site_id, &body)?;
            Ok::<_, AppError>(school::insert_course(connection, site_id, &body)?)
        })
        .await?;
    Ok(created(id))
}

/// Edits a course; `version` must be the one read.
#[utoipa::path(tag = "school", request_body = CourseInput, params(("id" = i64, Path, description = "Course id")), security(("bearer" = [])),
    responses((status = 200, description = "Saved", body = Course), (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody),
        (status = 409, description = "Changed since read", body = tutti_shared::ApiErrorBody), (status = 422, description = "Invalid", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/courses/{id}")]
pub async fn update_course(
    state: web::Data<AppState>,
    staff: StaffAccount,
    path: web::Path<i64>,
    body: ApiJson<CourseInput>,
) -> Result<HttpResponse, AppError> {
    let (site_id, id) = (staff.0.site_id, path.into_inner());
    let version = body
        .version
        .ok_or_else(|| AppError::field("version", "La version lue est requise."))?;
    let course = state
        .db
        .run(move |connection| {
            school::find_course(connection, site_id, id)?.ok_or(AppError::NotFound)?;
            validate_course(connection, site_id, &body)?;
            if !school::update_course(connection, site_id, id, version, &body)? {
                return Err(AppError::Conflict(
                    "Ce cours a été modifié entre-temps ; rechargez-le.".to_owned(),
                ));
            }
            school::find_course(connection, site_id, id)?.ok_or(AppError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Ok().json(course))
}

/// Checks that a course is visible to the caller: of the site, and their own for teachers.
fn course_allowed(
    connection: &mut DbConnection,
    account: &SchoolAccount,
    course_id: i64,
) -> Result<(), AppError> {
    let course =
        school::find_course(connection, account.0.site_id, course_id)?.ok_or(AppError::NotFound)?;
    if let Some(teacher) = account.teacher_id()
        && course.teacher_account_id != Some(teacher)
    {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

fn enrolment_allowed(
    connection: &mut DbConnection,
    account: &SchoolAccount,
    enrolment_id: i64,
) -> Result<(), AppError> {
    let (_, teacher) = school::enrolment_course(connection, account.0.site_id, enrolment_id)?
        .ok_or(AppError::NotFound)?;
    if let Some(caller) = account.teacher_id()
        && teacher != Some(caller)
    {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// The class list of a course.
#[utoipa::path(tag = "school", params(("id" = i64, Path, description = "Course id")), security(("bearer" = [])),
    responses((status = 200, description = "Enrolments", body = Vec<Enrolment>), (status = 403, description = "Not the teacher's course", body = tutti_shared::ApiErrorBody)))]
#[get("/admin/courses/{id}/enrolments")]
pub async fn list_course_enrolments(
    state: web::Data<AppState>,
    account: SchoolAccount,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let course_id = path.into_inner();
    let list = state
        .db
        .run(move |connection| {
            course_allowed(connection, &account, course_id)?;
            Ok::<_, AppError>(school::course_enrolments(
                connection,
                account.0.site_id,
                course_id,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Enrols a student of the site in a course of the site.
#[utoipa::path(tag = "school", request_body = EnrolmentInput, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Created), (status = 409, description = "Already enrolled", body = tutti_shared::ApiErrorBody), (status = 422, description = "Invalid", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/enrolments")]
pub async fn create_enrolment(
    state: web::Data<AppState>,
    staff: StaffAccount,
    body: ApiJson<EnrolmentInput>,
) -> Result<HttpResponse, AppError> {
    let site_id = staff.0.site_id;
    let id = state
        .db
        .run(move |connection| {
            let mut errors = BTreeMap::new();
            if household::find_site_student(connection, site_id, body.student_id)?.is_none() {
                errors.insert("student_id".to_owned(), "Élève inconnu.".to_owned());
            }
            if school::find_course(connection, site_id, body.course_id)?.is_none() {
                errors.insert("course_id".to_owned(), "Cours inconnu.".to_owned());
            }
            check(errors)?;
            Ok::<_, AppError>(school::insert_enrolment(
                connection,
                site_id,
                body.student_id,
                body.course_id,
                now(),
            )?)
        })
        .await?;
    Ok(created(id))
}

/// Removes an enrolment, with its evaluations and absences.
#[utoipa::path(tag = "school", params(("id" = i64, Path, description = "Enrolment id")), security(("bearer" = [])),
    responses((status = 204, description = "Removed"), (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody)))]
#[delete("/admin/enrolments/{id}")]
pub async fn delete_enrolment(
    state: web::Data<AppState>,
    staff: StaffAccount,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (site_id, id) = (staff.0.site_id, path.into_inner());
    let found = state
        .db
        .run(move |connection| {
            school::delete_enrolment(connection, site_id, id).map_err(AppError::from)
        })
        .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::NoContent().finish())
}

fn validate_evaluation(input: &EvaluationInput) -> Result<(), AppError> {
    let mut errors = BTreeMap::new();
    required_text(&mut errors, "period", &input.period, 60);
    required_text(&mut errors, "comment", &input.comment, 2000);
    optional_text(
        &mut errors,
        "mark",
        input.mark.as_deref().unwrap_or_default(),
        20,
    );
    check(errors)
}

/// Records an evaluation (staff, or the course's teacher).
#[utoipa::path(tag = "school", request_body = EvaluationInput, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Created), (status = 403, description = "Not the teacher's course", body = tutti_shared::ApiErrorBody), (status = 422, description = "Invalid", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/evaluations")]
pub async fn create_evaluation(
    state: web::Data<AppState>,
    account: SchoolAccount,
    body: ApiJson<EvaluationInput>,
) -> Result<HttpResponse, AppError> {
    validate_evaluation(&body)?;
    let id = state
        .db
        .run(move |connection| {
            enrolment_allowed(connection, &account, body.enrolment_id)?;
            Ok::<_, AppError>(school::insert_evaluation(
                connection,
                account.0.site_id,
                account.0.account_id,
                &body,
                now(),
            )?)
        })
        .await?;
    Ok(created(id))
}

/// Edits an evaluation; `version` must be the one read.
#[utoipa::path(tag = "school", request_body = EvaluationInput, params(("id" = i64, Path, description = "Evaluation id")), security(("bearer" = [])),
    responses((status = 204, description = "Saved"), (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody), (status = 409, description = "Changed since read", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/evaluations/{id}")]
pub async fn update_evaluation(
    state: web::Data<AppState>,
    account: SchoolAccount,
    path: web::Path<i64>,
    body: ApiJson<EvaluationInput>,
) -> Result<HttpResponse, AppError> {
    validate_evaluation(&body)?;
    let id = path.into_inner();
    let version = body
        .version
        .ok_or_else(|| AppError::field("version", "La version lue est requise."))?;
    state
        .db
        .run(move |connection| {
            let enrolment_id = school::evaluation_enrolment(connection, account.0.site_id, id)?
                .ok_or(AppError::NotFound)?;
            enrolment_allowed(connection, &account, enrolment_id)?;
            if !school::update_evaluation(connection, account.0.site_id, id, version, &body, now())?
            {
                return Err(AppError::Conflict(
                    "Cette évaluation a été modifiée entre-temps ; rechargez-la.".to_owned(),
                ));
            }
            Ok::<_, AppError>(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn validate_absence(input: &AbsenceInput) -> Result<(), AppError> {
    let mut errors = BTreeMap::new();
    optional_text(&mut errors, "reason", &input.reason, 500);
    check(errors)
}

/// Records an absence (staff, or the course's teacher).
#[utoipa::path(tag = "school", request_body = AbsenceInput, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Created), (status = 403, description = "Not the teacher's course", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/absences")]
pub async fn create_absence(
    state: web::Data<AppState>,
    account: SchoolAccount,
    body: ApiJson<AbsenceInput>,
) -> Result<HttpResponse, AppError> {
    validate_absence(&body)?;
    let id = state
        .db
        .run(move |connection| {
            enrolment_allowed(connection, &account, body.enrolment_id)?;
            Ok::<_, AppError>(school::insert_absence(
                connection,
                account.0.site_id,
                account.0.account_id,
                &body,
                now(),
            )?)
        })
        .await?;
    Ok(created(id))
}

/// Edits an absence (for instance to mark it justified).
#[utoipa::path(tag = "school", request_body = AbsenceInput, params(("id" = i64, Path, description = "Absence id")), security(("bearer" = [])),
    responses((status = 204, description = "Saved"), (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/absences/{id}")]
pub async fn update_absence(
    state: web::Data<AppState>,
    account: SchoolAccount,
    path: web::Path<i64>,
    body: ApiJson<AbsenceInput>,
) -> Result<HttpResponse, AppError> {
    validate_absence(&body)?;
    let id = path.into_inner();
    state
        .db
        .run(move |connection| {
            let enrolment_id = school::absence_enrolment(connection, account.0.site_id, id)?
                .ok_or(AppError::NotFound)?;
            enrolment_allowed(connection, &account, enrolment_id)?;
            school::update_absence(connection, account.0.site_id, id, &body)?;
            Ok::<_, AppError>(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn validate_event(input: &EventInput) -> Result<(), AppError> {
    let mut errors = BTreeMap::new();
    required_text(&mut errors, "name", &input.name, 200);
    optional_text(&mut errors, "place", &input.place, 200);
    optional_text(&mut errors, "programme", &input.programme, 5000);
    if !tutti_shared::EVENT_KINDS.contains(&input.kind.as_str()) {
        errors.insert(
            "kind".to_owned(),
            "Type inconnu (concert, audition ou spectacle).".to_owned(),
        );
    }
    check(errors)
}

/// Lists the site's events, latest first.
#[utoipa::path(tag = "school", security(("bearer" = [])), responses((status = 200, description = "Events", body = Vec<Event>)))]
#[get("/admin/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    staff: StaffAccount,
) -> Result<HttpResponse, AppError> {
    let site_id = staff.0.site_id;
    let events = state
        .db
        .run(move |connection| school::list_events(connection, site_id).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok().json(events))
}

/// Creates an event.
#[utoipa::path(tag = "school", request_body = EventInput, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Created), (status = 422, description = "Invalid", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/events")]
pub async fn create_event(
    state: web::Data<AppState>,
    staff: StaffAccount,
    body: ApiJson<EventInput>,
) -> Result<HttpResponse, AppError> {
    validate_event(&body)?;
    let site_id = staff.0.site_id;
    let id = state
        .db
        .run(move |connection| {
            school::insert_event(connection, site_id, &body).map_err(AppError::from)
        })
        .await?;
    Ok(created(id))
}

/// Edits an event.
#[utoipa::path(tag = "school", request_body = EventInput, params(("id" = i64, Path, description = "Event id")), security(("bearer" = [])),
    responses((status = 204, description = "Saved"), (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/events/{id}")]
pub async fn update_event(
    state: web::Data<AppState>,
    staff: StaffAccount,
    path: web::Path<i64>,
    body: ApiJson<EventInput>,
) -> Result<HttpResponse, AppError> {
    validate_event(&body)?;
    let (site_id, id) = (staff.0.site_id, path.into_inner());
    let found = state
        .db
        .run(move |connection| {
            school::update_event(connection, site_id, id, &body).map_err(AppError::from)
        })
        .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Adds a student of the site to an event, with what they play or dance.
#[utoipa::path(tag = "school", request_body = ParticipationInput, params(("id" = i64, Path, description = "Event id")), security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Created), (status = 404, description = "No such event", body = tutti_shared::ApiErrorBody), (status = 409, description = "Already taking part", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/events/{id}/participations")]
pub async fn create_participation(
    state: web::Data<AppState>,
    staff: StaffAccount,
    path: web::Path<i64>,
    body: ApiJson<ParticipationInput>,
) -> Result<HttpResponse, AppError> {
    let (site_id, event_id) = (staff.0.site_id, path.into_inner());
    let mut errors = BTreeMap::new();
    optional_text(&mut errors, "piece", &body.piece, 500);
    check(errors)?;
    let id = state
        .db
        .run(move |connection| {
            if !school::event_in_site(connection, site_id, event_id)? {
                return Err(AppError::NotFound);
            }
            if household::find_site_student(connection, site_id, body.student_id)?.is_none() {
                return Err(AppError::field("student_id", "Élève inconnu."));
            }
            Ok(school::insert_participation(
                connection, site_id, event_id, &body,
            )?)
        })
        .await?;
    Ok(created(id))
}

/// Removes a participation.
#[utoipa::path(tag = "school", params(("id" = i64, Path, description = "Participation id")), security(("bearer" = [])),
    responses((status = 204, description = "Removed"), (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody)))]
#[delete("/admin/participations/{id}")]
pub async fn delete_participation(
    state: web::Data<AppState>,
    staff: StaffAccount,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (site_id, id) = (staff.0.site_id, path.into_inner());
    let found = state
        .db
        .run(move |connection| {
            school::delete_participation(connection, site_id, id).map_err(AppError::from)
        })
        .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::NoContent().finish())
}

/// One course (staff, or its teacher).
#[utoipa::path(tag = "school", params(("id" = i64, Path, description = "Course id")), security(("bearer" = [])),
    responses((status = 200, description = "The course", body = Course), (status = 403, description = "Not the teacher's course", body = tutti_shared::ApiErrorBody),
        (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody)))]
#[get("/admin/courses/{id}")]
pub async fn find_course(
    state: web::Data<AppState>,
    account: SchoolAccount,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let course_id = path.into_inner();
    let course = state
        .db
        .run(move |connection| {
            course_allowed(connection, &account, course_id)?;
            school::find_course(connection, account.0.site_id, course_id)?.ok_or(AppError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Ok().json(course))
}

/// The class list of a course with each student's evaluations and absences in it
/// (staff, or the course's teacher).
#[utoipa::path(tag = "school", params(("id" = i64, Path, description = "Course id")), security(("bearer" = [])),
    responses((status = 200, description = "The class", body = Vec<tutti_shared::ClassMember>), (status = 403, description = "Not the teacher's course", body = tutti_shared::ApiErrorBody)))]
#[get("/admin/courses/{id}/class")]
pub async fn list_course_class(
    state: web::Data<AppState>,
    account: SchoolAccount,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let course_id = path.into_inner();
    let class = state
        .db
        .run(move |connection| {
            course_allowed(connection, &account, course_id)?;
            Ok::<_, AppError>(school::course_class(
                connection,
                account.0.site_id,
                course_id,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(class))
}

/// The students taking part in an event.
#[utoipa::path(tag = "school", params(("id" = i64, Path, description = "Event id")), security(("bearer" = [])),
    responses((status = 200, description = "Participants", body = Vec<tutti_shared::Participant>), (status = 404, description = "No such event", body = tutti_shared::ApiErrorBody)))]
#[get("/admin/events/{id}/participations")]
pub async fn list_event_participations(
    state: web::Data<AppState>,
    staff: StaffAccount,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (site_id, event_id) = (staff.0.site_id, path.into_inner());
    let participants = state
        .db
        .run(move |connection| {
            if !school::event_in_site(connection, site_id, event_id)? {
                return Err(AppError::NotFound);
            }
            Ok(school::event_participants(connection, site_id, event_id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(participants))
}

/// The site's teacher accounts, to link courses to them.
#[utoipa::path(tag = "school", security(("bearer" = [])), responses((status = 200, description = "Teachers", body = Vec<tutti_shared::TeacherSummary>)))]
#[get("/admin/teachers")]
pub async fn list_teachers(
    state: web::Data<AppState>,
    staff: StaffAccount,
) -> Result<HttpResponse, AppError> {
    let site_id = staff.0.site_id;
    let teachers = state
        .db
        .run(move |connection| {
            crate::db::accounts::site_teachers(connection, site_id).map_err(AppError::from)
        })
        .await?;
    let body: Vec<tutti_shared::TeacherSummary> = teachers
        .into_iter()
        .map(|(id, display_name)| tutti_shared::TeacherSummary { id, display_name })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}
