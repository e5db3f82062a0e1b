//! The family's re-enrolment: the open campaign, each child's answer and the wizard's
//! file, step by step (`crates/api/src/wizard/http.rs`, `crates/api/src/reenrolment`).

use gloo_net::http::Method;
use tutti_shared::{
    AutorisationsInput, ChildReenrolment, CoordonneesInput, CoursInput, DeclineInput,
    FamilyCampaign, FeeEstimate, ReenrolmentFile, StepPositionInput, SubmitInput,
};

use super::transport::{Answer, Call, Caller, fetch};
use crate::session::Session;

/// `GET /api/v1/reenrolment/campaign`: the campaign open now (404 when none is).
pub fn find_campaign(session: Session) -> Answer<FamilyCampaign> {
    let call = Call::get("/api/v1/reenrolment/campaign");
    fetch(Caller::Account(session), call)
}

/// `GET /api/v1/reenrolment/children`: each child and its file (404 outside a campaign).
pub fn list_children(session: Session) -> Answer<Vec<ChildReenrolment>> {
    let call = Call::get("/api/v1/reenrolment/children");
    fetch(Caller::Account(session), call)
}

/// `POST .../children/{id}/start`: « Je souhaite réinscrire l'élève » (the file, made or
/// found, or brought back from `non_reinscrit`).
pub fn start(session: Session, student_id: i64) -> Answer<ReenrolmentFile> {
    let call = Call::new(
        Method::POST,
        format!("/api/v1/reenrolment/children/{student_id}/start"),
    );
    fetch(Caller::Account(session), call)
}

/// `POST .../children/{id}/decline`: « Je ne souhaite pas réinscrire l'élève ».
pub fn decline(session: Session, student_id: i64, version: Option<i32>) -> Answer<ReenrolmentFile> {
    let call = Call::with_json(
        Method::POST,
        format!("/api/v1/reenrolment/children/{student_id}/decline"),
        &DeclineInput { version },
    );
    fetch(Caller::Account(session), call)
}

/// `GET .../files/{id}`: the file with every step's data and what is missing.
pub fn find_file(session: Session, file_id: i64) -> Answer<ReenrolmentFile> {
    let call = Call::get(format!("/api/v1/reenrolment/files/{file_id}"));
    fetch(Caller::Account(session), call)
}

/// What a step sends: each save carries the version read (409 when stale). Written as
/// its inner body (untagged): one serialisation path for every step.
#[derive(serde::Serialize)]
#[serde(untagged)]
pub enum StepSave {
    /// Where the family is (a bookmark: no version).
    Position(StepPositionInput),
    /// Step 1 confirmed.
    Coordonnees(CoordonneesInput),
    /// Step 2's answers.
    Autorisations(AutorisationsInput),
    /// Step 4's wishes.
    Cours(CoursInput),
    /// Step 6: « Valider ».
    Submit(SubmitInput),
}

/// Sends a step's save (`PUT .../files/{id}/<step>` or `POST .../submit`); answers the
/// file as the server now has it. One function for every step, so one decoder.
pub fn save(session: Session, file_id: i64, save: &StepSave) -> Answer<ReenrolmentFile> {
    let (method, what) = match save {
        StepSave::Position(_) => (Method::PUT, "position"),
        StepSave::Coordonnees(_) => (Method::PUT, "coordonnees"),
        StepSave::Autorisations(_) => (Method::PUT, "autorisations"),
        StepSave::Cours(_) => (Method::PUT, "cours"),
        StepSave::Submit(_) => (Method::POST, "submit"),
    };
    let path = format!("/api/v1/reenrolment/files/{file_id}/{what}");
    fetch(
        Caller::Account(session),
        Call::with_json(method, path, save),
    )
}

/// `GET .../files/{id}/estimate`: the household's estimated yearly fee, in cents.
pub fn estimate(session: Session, file_id: i64) -> Answer<FeeEstimate> {
    let call = Call::get(format!("/api/v1/reenrolment/files/{file_id}/estimate"));
    fetch(Caller::Account(session), call)
}
