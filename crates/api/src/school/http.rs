//! The school's year over HTTP: years, disciplines, courses, class lists, evaluations,
//! absences, events and participations (staff: their site; teachers: their own courses),
//! and a family's child's courses, history and repertoire.

use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use tutti_shared::{
    AbsenceInput, Course, CourseInput, Discipline, DisciplineInput, Enrolment, EnrolmentInput,
    EvaluationInput, Event, EventInput, ParticipationInput, RepertoireEntry, SchoolYear,
    SchoolYearInput, StudentCourse,
};

use super::service;
use crate::caller::Caller;
use crate::error::AppError;
use crate::json::ApiJson;
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

/// Filters of the course list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CourseQuery {
    /// Only this school year.
    pub school_year_id: Option<i64>,
}

/// Lists the site's school years, latest first.
#[utoipa::path(tag = "school", security(("bearer" = ["staff", "teacher"])), responses((status = 200, description = "School years", body = Vec<SchoolYear>)))]
#[get("/admin/school-years")]
pub async fn list_school_years(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let years = service::list_school_years(&state, caller.school()?.site).await?;
    Ok(HttpResponse::Ok().json(years))
}

/// Creates a school year.
#[utoipa::path(tag = "school", request_body = SchoolYearInput, security(("bearer" = ["staff"])),
    responses((status = 201, description = "Created", body = Created), (status = 409, description = "Label taken (`already_exists`)", body = tutti_shared::ApiErrorBody), (status = 422, description = "Invalid", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/school-years")]
pub async fn create_school_year(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<SchoolYearInput>,
) -> Result<HttpResponse, AppError> {
    let id = service::create_school_year(&state, caller.staff()?.site, body.into_inner()?).await?;
    Ok(created(id))
}

/// Edits a school year.
#[utoipa::path(tag = "school", request_body = SchoolYearInput, params(("id" = i64, Path, description = "School year id")), security(("bearer" = ["staff"])),
    responses((status = 204, description = "Saved"), (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody), (status = 422, description = "Invalid", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/school-years/{id}")]
pub async fn update_school_year(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<SchoolYearInput>,
) -> Result<HttpResponse, AppError> {
    service::update_school_year(
        &state,
        caller.staff()?.site,
        path.into_inner(),
        body.into_inner()?,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lists the site's disciplines.
#[utoipa::path(tag = "school", security(("bearer" = ["staff", "teacher"])), responses((status = 200, description = "Disciplines", body = Vec<Discipline>)))]
#[get("/admin/disciplines")]
pub async fn list_disciplines(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let disciplines = service::list_disciplines(&state, caller.school()?.site).await?;
    Ok(HttpResponse::Ok().json(disciplines))
}

/// Creates a discipline.
#[utoipa::path(tag = "school", request_body = DisciplineInput, security(("bearer" = ["staff"])),
    responses((status = 201, description = "Created", body = Created), (status = 409, description = "Name taken (`already_exists`)", body = tutti_shared::ApiErrorBody), (status = 422, description = "Invalid", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/disciplines")]
pub async fn create_discipline(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<DisciplineInput>,
) -> Result<HttpResponse, AppError> {
    let id = service::create_discipline(&state, caller.staff()?.site, body.into_inner()?).await?;
    Ok(created(id))
}

/// Edits a discipline.
#[utoipa::path(tag = "school", request_body = DisciplineInput, params(("id" = i64, Path, description = "Discipline id")), security(("bearer" = ["staff"])),
    responses((status = 204, description = "Saved"), (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/disciplines/{id}")]
pub async fn update_discipline(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<DisciplineInput>,
) -> Result<HttpResponse, AppError> {
    service::update_discipline(
        &state,
        caller.staff()?.site,
        path.into_inner(),
        body.into_inner()?,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lists courses: all of the site for staff, their own for teachers.
#[utoipa::path(tag = "school", params(CourseQuery), security(("bearer" = ["staff", "teacher"])), responses((status = 200, description = "Courses", body = Vec<Course>)))]
#[get("/admin/courses")]
pub async fn list_courses(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<CourseQuery>,
) -> Result<HttpResponse, AppError> {
    let courses = service::list_courses(&state, caller.school()?, query.school_year_id).await?;
    Ok(HttpResponse::Ok().json(courses))
}

/// Creates a course.
#[utoipa::path(tag = "school", request_body = CourseInput, security(("bearer" = ["staff"])),
    responses((status = 201, description = "Created", body = Created), (status = 422, description = "Invalid", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/courses")]
pub async fn create_course(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CourseInput>,
) -> Result<HttpResponse, AppError> {
    let id = service::create_course(&state, caller.staff()?.site, body.into_inner()?).await?;
    Ok(created(id))
}

/// Edits a course; `version` must be the one read.
#[utoipa::path(tag = "school", request_body = CourseInput, params(("id" = i64, Path, description = "Course id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "Saved", body = Course), (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody),
        (status = 409, description = "Changed since read (`stale_version`)", body = tutti_shared::ApiErrorBody), (status = 422, description = "Invalid", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/courses/{id}")]
pub async fn update_course(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<CourseInput>,
) -> Result<HttpResponse, AppError> {
    let course = service::update_course(
        &state,
        caller.staff()?.site,
        path.into_inner(),
        body.into_inner()?,
    )
    .await?;
    Ok(HttpResponse::Ok().json(course))
}

/// One course (staff, or its teacher).
#[utoipa::path(tag = "school", params(("id" = i64, Path, description = "Course id")), security(("bearer" = ["staff", "teacher"])),
    responses((status = 200, description = "The course", body = Course), (status = 403, description = "Not the teacher's course", body = tutti_shared::ApiErrorBody),
        (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody)))]
#[get("/admin/courses/{id}")]
pub async fn find_course(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let course = service::find_course(&state, caller.school()?, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(course))
}

/// The class list of a course.
#[utoipa::path(tag = "school", params(("id" = i64, Path, description = "Course id")), security(("bearer" = ["staff", "teacher"])),
    responses((status = 200, description = "Enrolments", body = Vec<Enrolment>), (status = 403, description = "Not the teacher's course", body = tutti_shared::ApiErrorBody)))]
#[get("/admin/courses/{id}/enrolments")]
pub async fn list_course_enrolments(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let list = service::list_course_enrolments(&state, caller.school()?, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The class list of a course with each student's evaluations and absences in it
/// (staff, or the course's teacher).
#[utoipa::path(tag = "school", params(("id" = i64, Path, description = "Course id")), security(("bearer" = ["staff", "teacher"])),
    responses((status = 200, description = "The class", body = Vec<tutti_shared::ClassMember>), (status = 403, description = "Not the teacher's course", body = tutti_shared::ApiErrorBody)))]
#[get("/admin/courses/{id}/class")]
pub async fn list_course_class(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let class = service::list_course_class(&state, caller.school()?, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(class))
}

/// The site's teacher accounts, to link courses to them.
#[utoipa::path(tag = "school", security(("bearer" = ["staff"])), responses((status = 200, description = "Teachers", body = Vec<tutti_shared::TeacherSummary>)))]
#[get("/admin/teachers")]
pub async fn list_teachers(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let teachers = service::list_teachers(&state, caller.staff()?.site).await?;
    Ok(HttpResponse::Ok().json(teachers))
}

/// Enrols a student of the site in a course of the site.
#[utoipa::path(tag = "school", request_body = EnrolmentInput, security(("bearer" = ["staff"])),
    responses((status = 201, description = "Created", body = Created), (status = 409, description = "Already enrolled (`already_exists`)", body = tutti_shared::ApiErrorBody), (status = 422, description = "Invalid", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/enrolments")]
pub async fn create_enrolment(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<EnrolmentInput>,
) -> Result<HttpResponse, AppError> {
    let id = service::create_enrolment(&state, caller.staff()?, body.into_inner()?).await?;
    Ok(created(id))
}

/// Removes an enrolment, with its evaluations and absences.
#[utoipa::path(tag = "school", params(("id" = i64, Path, description = "Enrolment id")), security(("bearer" = ["staff"])),
    responses((status = 204, description = "Removed"), (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody)))]
#[delete("/admin/enrolments/{id}")]
pub async fn delete_enrolment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    service::delete_enrolment(&state, caller.staff()?, path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Records an evaluation (staff, or the course's teacher).
#[utoipa::path(tag = "school", request_body = EvaluationInput, security(("bearer" = ["staff", "teacher"])),
    responses((status = 201, description = "Created", body = Created), (status = 403, description = "Not the teacher's course", body = tutti_shared::ApiErrorBody), (status = 422, description = "Invalid", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/evaluations")]
pub async fn create_evaluation(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<EvaluationInput>,
) -> Result<HttpResponse, AppError> {
    let id = service::create_evaluation(&state, caller.school()?, body.into_inner()?).await?;
    Ok(created(id))
}

/// Edits an evaluation; `version` must be the one read.
#[utoipa::path(tag = "school", request_body = EvaluationInput, params(("id" = i64, Path, description = "Evaluation id")), security(("bearer" = ["staff", "teacher"])),
    responses((status = 204, description = "Saved"), (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody), (status = 409, description = "Changed since read (`stale_version`)", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/evaluations/{id}")]
pub async fn update_evaluation(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<EvaluationInput>,
) -> Result<HttpResponse, AppError> {
    service::update_evaluation(
        &state,
        caller.school()?,
        path.into_inner(),
        body.into_inner()?,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Records an absence (staff, or the course's teacher).
#[utoipa::path(tag = "school", request_body = AbsenceInput, security(("bearer" = ["staff", "teacher"])),
    responses((status = 201, description = "Created", body = Created), (status = 403, description = "Not the teacher's course", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/absences")]
pub async fn create_absence(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<AbsenceInput>,
) -> Result<HttpResponse, AppError> {
    let id = service::create_absence(&state, caller.school()?, body.into_inner()?).await?;
    Ok(created(id))
}

/// Edits an absence (for instance to mark it justified).
#[utoipa::path(tag = "school", request_body = AbsenceInput, params(("id" = i64, Path, description = "Absence id")), security(("bearer" = ["staff", "teacher"])),
    responses((status = 204, description = "Saved"), (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/absences/{id}")]
pub async fn update_absence(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<AbsenceInput>,
) -> Result<HttpResponse, AppError> {
    service::update_absence(
        &state,
        caller.school()?,
        path.into_inner(),
        body.into_inner()?,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lists the site's events, latest first.
#[utoipa::path(tag = "school", security(("bearer" = ["staff"])), responses((status = 200, description = "Events", body = Vec<Event>)))]
#[get("/admin/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let events = service::list_events(&state, caller.staff()?.site).await?;
    Ok(HttpResponse::Ok().json(events))
}

/// Creates an event.
#[utoipa::path(tag = "school", request_body = EventInput, security(("bearer" = ["staff"])),
    responses((status = 201, description = "Created", body = Created), (status = 422, description = "Invalid", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/events")]
pub async fn create_event(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<EventInput>,
) -> Result<HttpResponse, AppError> {
    let id = service::create_event(&state, caller.staff()?.site, body.into_inner()?).await?;
    Ok(created(id))
}

/// Edits an event.
#[utoipa::path(tag = "school", request_body = EventInput, params(("id" = i64, Path, description = "Event id")), security(("bearer" = ["staff"])),
    responses((status = 204, description = "Saved"), (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/events/{id}")]
pub async fn update_event(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<EventInput>,
) -> Result<HttpResponse, AppError> {
    service::update_event(
        &state,
        caller.staff()?.site,
        path.into_inner(),
        body.into_inner()?,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Adds a student of the site to an event, with what they play or dance.
#[utoipa::path(tag = "school", request_body = ParticipationInput, params(("id" = i64, Path, description = "Event id")), security(("bearer" = ["staff"])),
    responses((status = 201, description = "Created", body = Created), (status = 404, description = "No such event", body = tutti_shared::ApiErrorBody), (status = 409, description = "Already taking part (`already_exists`)", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/events/{id}/participations")]
pub async fn create_participation(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<ParticipationInput>,
) -> Result<HttpResponse, AppError> {
    let id = service::create_participation(
        &state,
        caller.staff()?.site,
        path.into_inner(),
        body.into_inner()?,
    )
    .await?;
    Ok(created(id))
}

/// Removes a participation.
#[utoipa::path(tag = "school", params(("id" = i64, Path, description = "Participation id")), security(("bearer" = ["staff"])),
    responses((status = 204, description = "Removed"), (status = 404, description = "Not found", body = tutti_shared::ApiErrorBody)))]
#[delete("/admin/participations/{id}")]
pub async fn delete_participation(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    service::delete_participation(&state, caller.staff()?.site, path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The students taking part in an event.
#[utoipa::path(tag = "school", params(("id" = i64, Path, description = "Event id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "Participants", body = Vec<tutti_shared::Participant>), (status = 404, description = "No such event", body = tutti_shared::ApiErrorBody)))]
#[get("/admin/events/{id}/participations")]
pub async fn list_event_participations(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let participants =
        service::list_event_participations(&state, caller.staff()?.site, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(participants))
}

/// This school year's courses of a child (the "Cours" tab) with evaluations and absences.
#[utoipa::path(
    tag = "students",
    params(("id" = i64, Path, description = "Student id")),
    security(("bearer" = ["family"])),
    responses(
        (status = 200, description = "This year's courses", body = Vec<StudentCourse>),
        (status = 404, description = "No such child in this household", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/students/{id}/courses")]
pub async fn list_student_courses(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let entries =
        service::list_student_courses(&state, caller.family()?, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(entries))
}

/// Courses of earlier school years (the "Historique" tab), latest year first.
#[utoipa::path(
    tag = "students",
    params(("id" = i64, Path, description = "Student id")),
    security(("bearer" = ["family"])),
    responses(
        (status = 200, description = "Earlier years' courses", body = Vec<StudentCourse>),
        (status = 404, description = "No such child in this household", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/students/{id}/history")]
pub async fn list_student_history(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let entries =
        service::list_student_history(&state, caller.family()?, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(entries))
}

/// Events the child took part in (the "Répertoire" tab), latest first.
#[utoipa::path(
    tag = "students",
    params(("id" = i64, Path, description = "Student id")),
    security(("bearer" = ["family"])),
    responses(
        (status = 200, description = "The child's events", body = Vec<RepertoireEntry>),
        (status = 404, description = "No such child in this household", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/students/{id}/repertoire")]
pub async fn list_student_repertoire(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let entries =
        service::list_student_repertoire(&state, caller.family()?, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(entries))
}
