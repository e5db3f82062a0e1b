//! The family's own endpoints: the household's guardians, the children and their school
//! life (`crates/api/src/routes/family.rs`).
//!
//! A child module of `api`, so it reuses the parent's request plumbing (`Call`,
//! `send_authorized`, `error_from_response`) without widening its visibility.

use gloo_net::http::Method;
use serde::de::DeserializeOwned;
use tutti_shared::{
    FamilyView, GuardianPatch, GuardianView, RepertoireEntry, StudentCourse, StudentPatch,
    StudentSummary, StudentView,
};

use super::{ApiError, Call, error_from_response, send_authorized};
use crate::session::Session;

/// `GET /api/v1/family`: the household and its guardians, with their pending changes.
pub async fn find_family(session: Session) -> Result<FamilyView, ApiError> {
    get(session, "/api/v1/family".to_owned()).await
}

/// `PATCH /api/v1/family/guardians/{id}`: asks for changes (409 when the guardian changed
/// since `patch.version` was read, 422 with per-field messages when a value is refused).
pub async fn update_guardian(
    session: Session,
    guardian_id: i64,
    patch: &GuardianPatch,
) -> Result<GuardianView, ApiError> {
    let call = Call::with_json(
        Method::PATCH,
        &format!("/api/v1/family/guardians/{guardian_id}"),
        patch,
    )?;
    parse(&fetch_text(session, call).await?)
}

/// `GET /api/v1/students`: the household's children, eldest first.
pub async fn list_students(session: Session) -> Result<Vec<StudentSummary>, ApiError> {
    get(session, "/api/v1/students".to_owned()).await
}

/// `GET /api/v1/students/{id}`: a child's identity, with its pending changes.
pub async fn find_student(session: Session, student_id: i64) -> Result<StudentView, ApiError> {
    get(session, format!("/api/v1/students/{student_id}")).await
}

/// `PATCH /api/v1/students/{id}`: same pending mechanism and errors as guardians.
pub async fn update_student(
    session: Session,
    student_id: i64,
    patch: &StudentPatch,
) -> Result<StudentView, ApiError> {
    let call = Call::with_json(
        Method::PATCH,
        &format!("/api/v1/students/{student_id}"),
        patch,
    )?;
    parse(&fetch_text(session, call).await?)
}

/// Which list of a child's courses to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CourseYears {
    /// This school year's courses (the "Cours" tab).
    Current,
    /// Earlier years' courses, latest year first (the "Historique" tab).
    Earlier,
}

/// `GET /api/v1/students/{id}/courses` or `.../history`, with evaluations and absences.
pub async fn list_student_courses(
    session: Session,
    student_id: i64,
    years: CourseYears,
) -> Result<Vec<StudentCourse>, ApiError> {
    let list = match years {
        CourseYears::Current => "courses",
        CourseYears::Earlier => "history",
    };
    get(session, format!("/api/v1/students/{student_id}/{list}")).await
}

/// `GET /api/v1/students/{id}/repertoire`: the events the child took part in.
pub async fn list_student_repertoire(
    session: Session,
    student_id: i64,
) -> Result<Vec<RepertoireEntry>, ApiError> {
    get(session, format!("/api/v1/students/{student_id}/repertoire")).await
}

/// One authenticated GET decoded as `T`: every read of this module has that shape.
async fn get<T: DeserializeOwned>(session: Session, path: String) -> Result<T, ApiError> {
    parse(&fetch_text(session, Call::get(&path)).await?)
}

/// Sends an authenticated call and answers the body of a success.
///
/// Not generic on purpose: the request, the token renewal and the body reading then
/// exist once in the wasm, and only the small JSON decoding is instantiated per type.
async fn fetch_text(session: Session, call: Call) -> Result<String, ApiError> {
    let response = send_authorized(session, &call).await?;
    let status = response.status();
    if !response.ok() {
        return Err(error_from_response(response).await);
    }
    response
        .text()
        .await
        .map_err(|_| ApiError::Unexpected { status })
}

fn parse<T: DeserializeOwned>(body: &str) -> Result<T, ApiError> {
    serde_json::from_str(body).map_err(|_| ApiError::Unexpected { status: 200 })
}
