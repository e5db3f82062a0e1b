//! Re-enrolment files over HTTP: the family's wizard (children, start, decline, the
//! steps, the estimate, Valider) and the staff's dashboard, list, detail and decisions.

use actix_web::{HttpResponse, get, post, put, web};
use tutti_shared::{
    AutorisationsInput, BulkValidateInput, BulkValidateResult, CampaignDashboard, ChildReenrolment,
    CoordonneesInput, CoursInput, DeclineInput, FeeEstimate, FileListQuery, FileMessageInput,
    FileTransition, Page, ReenrolmentFile, StaffFileSummary, StaffFileView, StepPositionInput,
    SubmitInput, ValidateFileInput,
};

use super::service;
use crate::caller::Caller;
use crate::error::AppError;
use crate::json::ApiJson;
use crate::state::AppState;

// ---------------------------------------------------------------- family

/// The household's children and their answer to the campaign open now.
#[utoipa::path(tag = "reenrolment", security(("bearer" = ["family"])),
    responses((status = 200, description = "Each child and its file, if any", body = Vec<ChildReenrolment>),
        (status = 404, description = "No campaign open now (`not_found`)", body = tutti_shared::ApiErrorBody)))]
#[get("/reenrolment/children")]
pub async fn list_reenrolment_children(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let children = service::children(&state, caller.family()?).await?;
    Ok(HttpResponse::Ok().json(children))
}

/// « Je souhaite réinscrire l'élève »: creates the child's file as `brouillon` (201), or
/// moves a declined one back to `brouillon`; an existing file is answered as it is (200).
#[utoipa::path(tag = "reenrolment", params(("id" = i64, Path, description = "Student id")), security(("bearer" = ["family"])),
    responses((status = 201, description = "File created", body = ReenrolmentFile),
        (status = 200, description = "The child's existing file", body = ReenrolmentFile),
        (status = 404, description = "Not a child of the household", body = tutti_shared::ApiErrorBody),
        (status = 409, description = "`campaign_closed`", body = tutti_shared::ApiErrorBody)))]
#[post("/reenrolment/children/{id}/start")]
pub async fn start_reenrolment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (file, created) = service::start(&state, caller.family()?, path.into_inner()).await?;
    Ok(if created {
        HttpResponse::Created().json(file)
    } else {
        HttpResponse::Ok().json(file)
    })
}

/// « Je ne souhaite pas réinscrire l'élève »: the child's file becomes `non_reinscrit`.
#[utoipa::path(tag = "reenrolment", request_body = DeclineInput, params(("id" = i64, Path, description = "Student id")), security(("bearer" = ["family"])),
    responses((status = 200, description = "The declined file", body = ReenrolmentFile),
        (status = 404, description = "Not a child of the household", body = tutti_shared::ApiErrorBody),
        (status = 409, description = "`invalid_transition` (waiting for or decided by the school), `stale_version`, `campaign_closed`", body = tutti_shared::ApiErrorBody)))]
#[post("/reenrolment/children/{id}/decline")]
pub async fn decline_reenrolment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<DeclineInput>,
) -> Result<HttpResponse, AppError> {
    let family = caller.family()?;
    let file = service::decline(&state, family, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(file))
}

/// A file of the household: every step's data, the enabled steps renumbered with their
/// completeness, what is still missing. Readable after the campaign closed.
#[utoipa::path(tag = "reenrolment", params(("id" = i64, Path, description = "File id")), security(("bearer" = ["family"])),
    responses((status = 200, description = "The file", body = ReenrolmentFile),
        (status = 404, description = "Not a file of the household", body = tutti_shared::ApiErrorBody)))]
#[get("/reenrolment/files/{id}")]
pub async fn find_reenrolment_file(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let file = service::file(&state, caller.family()?, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(file))
}

/// Records the step the family is on, where the wizard resumes (no version: a bookmark).
#[utoipa::path(tag = "reenrolment", request_body = StepPositionInput, params(("id" = i64, Path, description = "File id")), security(("bearer" = ["family"])),
    responses((status = 200, description = "The file", body = ReenrolmentFile),
        (status = 409, description = "`invalid_transition` (not editable), `campaign_closed`", body = tutti_shared::ApiErrorBody)))]
#[put("/reenrolment/files/{id}/position")]
pub async fn update_reenrolment_position(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<StepPositionInput>,
) -> Result<HttpResponse, AppError> {
    let family = caller.family()?;
    let file = service::set_position(&state, family, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(file))
}

/// Step 1: confirms the details (changed through Famille and Élèves, as change requests).
#[utoipa::path(tag = "reenrolment", request_body = CoordonneesInput, params(("id" = i64, Path, description = "File id")), security(("bearer" = ["family"])),
    responses((status = 200, description = "The file", body = ReenrolmentFile),
        (status = 409, description = "`stale_version`, `invalid_transition` (not editable), `campaign_closed`", body = tutti_shared::ApiErrorBody)))]
#[put("/reenrolment/files/{id}/coordonnees")]
pub async fn update_reenrolment_coordonnees(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<CoordonneesInput>,
) -> Result<HttpResponse, AppError> {
    let family = caller.family()?;
    let file =
        service::confirm_coordonnees(&state, family, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(file))
}

/// Step 2: the autorisations (answers may be saved incomplete; format errors are 422).
#[utoipa::path(tag = "reenrolment", request_body = AutorisationsInput, params(("id" = i64, Path, description = "File id")), security(("bearer" = ["family"])),
    responses((status = 200, description = "The file", body = ReenrolmentFile),
        (status = 409, description = "`stale_version`, `invalid_transition` (not editable), `campaign_closed`", body = tutti_shared::ApiErrorBody)))]
#[put("/reenrolment/files/{id}/autorisations")]
pub async fn update_reenrolment_autorisations(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<AutorisationsInput>,
) -> Result<HttpResponse, AppError> {
    let family = caller.family()?;
    let file =
        service::save_autorisations(&state, family, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(file))
}

/// Step 4: next year's wished courses (of the campaign's catalogue), a comment, the
/// payment method and schedule. Prélèvement records the household's direct debit.
#[utoipa::path(tag = "reenrolment", request_body = CoursInput, params(("id" = i64, Path, description = "File id")), security(("bearer" = ["family"])),
    responses((status = 200, description = "The file", body = ReenrolmentFile),
        (status = 409, description = "`stale_version`, `invalid_transition` (not editable), `campaign_closed`", body = tutti_shared::ApiErrorBody)))]
#[put("/reenrolment/files/{id}/cours")]
pub async fn update_reenrolment_cours(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<CoursInput>,
) -> Result<HttpResponse, AppError> {
    let family = caller.family()?;
    let file = service::save_cours(&state, family, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(file))
}

/// The household's estimated yearly fee with this file's schedule (every file of the
/// campaign not declined counts, for the sibling ranks).
#[utoipa::path(tag = "reenrolment", params(("id" = i64, Path, description = "File id")), security(("bearer" = ["family"])),
    responses((status = 200, description = "The estimate, line by line, in cents", body = FeeEstimate),
        (status = 404, description = "Not a file of the household", body = tutti_shared::ApiErrorBody)))]
#[get("/reenrolment/files/{id}/estimate")]
pub async fn find_reenrolment_estimate(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let estimate = service::estimate(&state, caller.family()?, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(estimate))
}

/// « Valider » (step 6): `brouillon` or `refusee` → `en_attente`, when every enabled step
/// is complete (a piece still `transmis` does not block) and the campaign's current rules
/// version is accepted; a confirmation email lists the choices. Submitting again
/// answers the file unchanged, with no second email.
#[utoipa::path(tag = "reenrolment", request_body = SubmitInput, params(("id" = i64, Path, description = "File id")), security(("bearer" = ["family"])),
    responses((status = 200, description = "The file, `en_attente`", body = ReenrolmentFile),
        (status = 409, description = "`invalid_transition` (something missing, or not in a status that can be sent), `stale_version`, `campaign_closed`", body = tutti_shared::ApiErrorBody)))]
#[post("/reenrolment/files/{id}/submit")]
pub async fn submit_reenrolment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<SubmitInput>,
) -> Result<HttpResponse, AppError> {
    let family = caller.family()?;
    let file = service::submit(&state, family, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(file))
}

// ---------------------------------------------------------------- staff

/// A campaign's files counted by status and, for drafts, by the step they stand at.
#[utoipa::path(tag = "reenrolment", params(("id" = i64, Path, description = "Campaign id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "The counts", body = CampaignDashboard)))]
#[get("/admin/campaigns/{id}/dashboard")]
pub async fn find_campaign_dashboard(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let dashboard = service::dashboard(&state, caller.staff()?, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(dashboard))
}

/// A campaign's files, filtered (status, discipline wished, missing documents,
/// household), by household then child.
#[utoipa::path(tag = "reenrolment", params(("id" = i64, Path, description = "Campaign id"), FileListQuery), security(("bearer" = ["staff"])),
    responses((status = 200, description = "One page of files", body = Page<StaffFileSummary>)))]
#[get("/admin/campaigns/{id}/files")]
pub async fn list_campaign_files(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<FileListQuery>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let page = service::staff_files(&state, staff, path.into_inner(), query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Validates several `en_attente` files with their wished courses, each on its own: the
/// answer says which were validated and why the others were not.
#[utoipa::path(tag = "reenrolment", request_body = BulkValidateInput, params(("id" = i64, Path, description = "Campaign id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "What was validated", body = BulkValidateResult)))]
#[post("/admin/campaigns/{id}/files/validate")]
pub async fn validate_campaign_files(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<BulkValidateInput>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let result =
        service::bulk_validate(&state, staff, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(result))
}

/// A file with every step's data, the wished courses and, once validated, next year's
/// enrolments.
#[utoipa::path(tag = "reenrolment", params(("id" = i64, Path, description = "File id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "The file", body = StaffFileView)))]
#[get("/admin/reenrolment-files/{id}")]
pub async fn find_staff_reenrolment_file(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let file = service::staff_file(&state, caller.staff()?, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(file))
}

/// Accepts an `en_attente` file: `validee`, and next year's enrolments for the confirmed
/// courses (each wished, or another course of next year in a wished discipline).
#[utoipa::path(tag = "reenrolment", request_body = ValidateFileInput, params(("id" = i64, Path, description = "File id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "The validated file", body = StaffFileView),
        (status = 409, description = "`invalid_transition`, `stale_version`", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/reenrolment-files/{id}/validate")]
pub async fn validate_reenrolment_file(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<ValidateFileInput>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let file = service::validate(&state, staff, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(file))
}

/// Refuses an `en_attente` file with a reason (`refusee`; the family is emailed and may
/// correct and validate again).
#[utoipa::path(tag = "reenrolment", request_body = FileMessageInput, params(("id" = i64, Path, description = "File id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "The refused file", body = StaffFileView),
        (status = 409, description = "`invalid_transition`, `stale_version`", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/reenrolment-files/{id}/refuse")]
pub async fn refuse_reenrolment_file(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<FileMessageInput>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let file = service::answer(
        &state,
        staff,
        path.into_inner(),
        FileTransition::Refuse,
        body.into_inner()?,
    )
    .await?;
    Ok(HttpResponse::Ok().json(file))
}

/// Sends an `en_attente` file back to the family (`brouillon`) with a message (emailed).
#[utoipa::path(tag = "reenrolment", request_body = FileMessageInput, params(("id" = i64, Path, description = "File id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "The file, back to `brouillon`", body = StaffFileView),
        (status = 409, description = "`invalid_transition`, `stale_version`", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/reenrolment-files/{id}/return")]
pub async fn return_reenrolment_file(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<FileMessageInput>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let file = service::answer(
        &state,
        staff,
        path.into_inner(),
        FileTransition::Return,
        body.into_inner()?,
    )
    .await?;
    Ok(HttpResponse::Ok().json(file))
}

/// Every file of the campaign as CSV for a spreadsheet (UTF-8 with BOM, `;`): household,
/// child, status, step, wished courses, payment, missing pieces, dates, school message.
#[utoipa::path(tag = "reenrolment", params(("id" = i64, Path, description = "Campaign id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "The files, one line each", content_type = "text/csv", body = String)))]
#[get("/admin/campaigns/{id}/export/files.csv")]
pub async fn export_campaign_files(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let rows = service::export_files(&state, caller.staff()?, id).await?;
    crate::export::csv_download(&format!("reinscriptions-campagne-{id}.csv"), &rows)
}

/// The site's children not answered yet, with their household's emails, as CSV.
#[utoipa::path(tag = "reenrolment", params(("id" = i64, Path, description = "Campaign id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "The children without a file", content_type = "text/csv", body = String)))]
#[get("/admin/campaigns/{id}/export/unanswered.csv")]
pub async fn export_campaign_unanswered(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let rows = service::export_unanswered(&state, caller.staff()?, id).await?;
    crate::export::csv_download(&format!("sans-reponse-campagne-{id}.csv"), &rows)
}
