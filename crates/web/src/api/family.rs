//! The family's own endpoints: the household's guardians, the children and their school
//! life (`crates/api/src/routes/family.rs`).

use gloo_net::http::Method;
use tutti_shared::{
    FamilyView, GuardianPatch, GuardianView, RepertoireEntry, StudentCourse, StudentPatch,
    StudentSummary, StudentView,
};

use super::transport::{Answer, Call, Caller, fetch};
use crate::session::Session;

/// `GET /api/v1/family`: the household and its guardians, with their pending changes.
pub fn find_family(session: Session) -> Answer<FamilyView> {
    fetch(Caller::Account(session), Call::get("/api/v1/family"))
}

/// `PATCH /api/v1/family/guardians/{id}`: asks for changes (409 when the guardian changed
/// since `patch.version` was read, 422 with per-field messages when a value is refused).
pub fn update_guardian(
    session: Session,
    guardian_id: i64,
    patch: &GuardianPatch,
) -> Answer<GuardianView> {
    let path = format!("/api/v1/family/guardians/{guardian_id}");
    fetch(
        Caller::Account(session),
        Call::with_json(Method::PATCH, path, patch),
    )
}

/// `GET /api/v1/students`: the household's children, eldest first.
pub fn list_students(session: Session) -> Answer<Vec<StudentSummary>> {
    fetch(Caller::Account(session), Call::get("/api/v1/students"))
}

/// `GET /api/v1/students/{id}`: a child's identity, with its pending changes.
pub fn find_student(session: Session, student_id: i64) -> Answer<StudentView> {
    let call = Call::get(format!("/api/v1/students/{student_id}"));
    fetch(Caller::Account(session), call)
}

/// `PATCH /api/v1/students/{id}`: same pending mechanism and errors as guardians.
pub fn update_student(
    session: Session,
    student_id: i64,
    patch: &StudentPatch,
) -> Answer<StudentView> {
    let path = format!("/api/v1/students/{student_id}");
    fetch(
        Caller::Account(session),
        Call::with_json(Method::PATCH, path, patch),
    )
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
pub fn list_student_courses(
    session: Session,
    student_id: i64,
    years: CourseYears,
) -> Answer<Vec<StudentCourse>> {
    let list = match years {
        CourseYears::Current => "courses",
        CourseYears::Earlier => "history",
    };
    let call = Call::get(format!("/api/v1/students/{student_id}/{list}"));
    fetch(Caller::Account(session), call)
}

/// `GET /api/v1/students/{id}/repertoire`: the events the child took part in.
pub fn list_student_repertoire(session: Session, student_id: i64) -> Answer<Vec<RepertoireEntry>> {
    let call = Call::get(format!("/api/v1/students/{student_id}/repertoire"));
    fetch(Caller::Account(session), call)
}
