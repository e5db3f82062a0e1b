//! Re-enrolment campaigns over HTTP: the staff's campaigns and the family's open one.
//! Instants are RFC 3339 with an offset in requests and UTC in answers.

use actix_web::{HttpResponse, get, post, put, web};
use tutti_shared::{
    Campaign, CampaignCoursesInput, CampaignExtension, CampaignInput, CampaignRulesInput,
    CampaignTransition, FamilyCampaign,
};

use super::service;
use crate::caller::Caller;
use crate::error::AppError;
use crate::json::ApiJson;
use crate::state::AppState;

/// The site's re-enrolment campaigns, latest first.
#[utoipa::path(tag = "reenrolment", security(("bearer" = ["staff"])),
    responses((status = 200, description = "Campaigns", body = Vec<Campaign>)))]
#[get("/admin/campaigns")]
pub async fn list_campaigns(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let campaigns = service::list(&state, caller.staff()?.site).await?;
    Ok(HttpResponse::Ok().json(campaigns))
}

/// Creates a draft campaign: both years of the site, the second after the first; the
/// closing instant after the opening one.
#[utoipa::path(tag = "reenrolment", request_body = CampaignInput, security(("bearer" = ["staff"])),
    responses((status = 201, description = "Created, as a draft", body = Campaign),
        (status = 422, description = "Invalid dates or years (`validation`)", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/campaigns")]
pub async fn create_campaign(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CampaignInput>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let campaign = service::create(&state, staff, body.into_inner()?).await?;
    Ok(HttpResponse::Created().json(campaign))
}

/// One campaign of the site, with its current rules and offered courses.
#[utoipa::path(tag = "reenrolment", params(("id" = i64, Path, description = "Campaign id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "The campaign", body = Campaign)))]
#[get("/admin/campaigns/{id}")]
pub async fn find_campaign(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let campaign = service::find_campaign(&state, caller.staff()?.site, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(campaign))
}

/// Edits a draft campaign; `version` must be the one read. A new next year empties the
/// offered courses.
#[utoipa::path(tag = "reenrolment", request_body = CampaignInput, params(("id" = i64, Path, description = "Campaign id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "Saved", body = Campaign),
        (status = 409, description = "Changed since read (`stale_version`) or no longer a draft (`invalid_transition`)", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Invalid dates or years (`validation`)", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/campaigns/{id}")]
pub async fn update_campaign(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<CampaignInput>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let campaign = service::update(&state, staff, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(campaign))
}

/// Writes a new version of the rules text (« règlement intérieur »); earlier versions
/// are kept, since families accept one precise version.
#[utoipa::path(tag = "reenrolment", request_body = CampaignRulesInput, params(("id" = i64, Path, description = "Campaign id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "Saved; `rules.version` is the new version", body = Campaign),
        (status = 409, description = "Another version was written at the same moment (`already_exists`)", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Empty or too long text (`validation`)", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/campaigns/{id}/rules")]
pub async fn update_campaign_rules(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<CampaignRulesInput>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let campaign =
        service::update_rules(&state, staff, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(campaign))
}

/// Replaces the courses offered: courses of the campaign's next year only.
#[utoipa::path(tag = "reenrolment", request_body = CampaignCoursesInput, params(("id" = i64, Path, description = "Campaign id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "Saved", body = Campaign),
        (status = 422, description = "A course that is not of the campaign's next year (`validation`)", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/campaigns/{id}/courses")]
pub async fn update_campaign_courses(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<CampaignCoursesInput>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let campaign =
        service::update_courses(&state, staff, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(campaign))
}

/// Opens a draft or closed campaign; families see it between its instants.
#[utoipa::path(tag = "reenrolment", request_body = CampaignTransition, params(("id" = i64, Path, description = "Campaign id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "Open", body = Campaign),
        (status = 409, description = "Changed since read (`stale_version`); already open, or another campaign of the site is open (`invalid_transition`)", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Its closing instant is past (`validation`)", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/campaigns/{id}/open")]
pub async fn open_campaign(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<CampaignTransition>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let campaign = service::open(&state, staff, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(campaign))
}

/// Moves the closing instant of an open or closed campaign later; the status is kept.
#[utoipa::path(tag = "reenrolment", request_body = CampaignExtension, params(("id" = i64, Path, description = "Campaign id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "Extended", body = Campaign),
        (status = 409, description = "Changed since read (`stale_version`) or still a draft (`invalid_transition`)", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Not after the current closing instant (`validation`)", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/campaigns/{id}/extend")]
pub async fn extend_campaign(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<CampaignExtension>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let campaign = service::extend(&state, staff, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(campaign))
}

/// Closes an open campaign: families no longer see it or write anything of it.
#[utoipa::path(tag = "reenrolment", request_body = CampaignTransition, params(("id" = i64, Path, description = "Campaign id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "Closed", body = Campaign),
        (status = 409, description = "Changed since read (`stale_version`) or not open (`invalid_transition`)", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/campaigns/{id}/close")]
pub async fn close_campaign(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<CampaignTransition>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let campaign = service::close(&state, staff, path.into_inner(), body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(campaign))
}

/// The site's re-enrolment campaign open now: its steps and the rules to accept.
#[utoipa::path(tag = "reenrolment", security(("bearer" = ["family"])),
    responses((status = 200, description = "The open campaign", body = FamilyCampaign),
        (status = 404, description = "No campaign open now (`not_found`)", body = tutti_shared::ApiErrorBody)))]
#[get("/reenrolment/campaign")]
pub async fn find_family_campaign(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let campaign = service::family_campaign(&state, caller.family()?).await?;
    Ok(HttpResponse::Ok().json(campaign))
}
