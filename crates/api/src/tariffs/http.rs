//! Tariffs over HTTP: the staff's tariff grid and the estimate of a household's fee.

use actix_web::{HttpResponse, get, post, put, web};
use tutti_shared::{FeeEstimate, FeeEstimateRequest, TariffGrid};

use super::service;
use crate::caller::Caller;
use crate::error::AppError;
use crate::json::ApiJson;
use crate::state::AppState;

/// The site's tariff grid (version 0 and an empty grid when none was saved yet).
#[utoipa::path(tag = "tariffs", security(("bearer" = ["staff"])),
    responses((status = 200, description = "The site's tariff grid", body = TariffGrid)))]
#[get("/admin/tariffs")]
pub async fn find_tariff_grid(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let grid = service::grid(&state, caller.staff()?.site).await?;
    Ok(HttpResponse::Ok().json(grid))
}

/// Replaces the site's tariff grid whole, against the version read (audited).
#[utoipa::path(tag = "tariffs", request_body = TariffGrid, security(("bearer" = ["staff"])),
    responses((status = 200, description = "The saved grid, with its new version", body = TariffGrid),
        (status = 409, description = "The grid changed since it was read (`stale_version`)", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Invalid prices, brackets, floor or cap (`validation`, by field)", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/tariffs")]
pub async fn update_tariff_grid(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<TariffGrid>,
) -> Result<HttpResponse, AppError> {
    let caller = caller.staff()?;
    let grid = service::replace_grid(&state, caller, body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(grid))
}

/// The estimated yearly fee of a household of the site for its children's wished
/// courses and rentals, line by line, with its instalments.
#[utoipa::path(tag = "tariffs", request_body = FeeEstimateRequest, security(("bearer" = ["staff"])),
    responses((status = 200, description = "The estimate", body = FeeEstimate),
        (status = 404, description = "No such household on this site", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "A student, course or rental that cannot be priced (`validation`, by field)", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/tariffs/estimate")]
pub async fn create_fee_estimate(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<FeeEstimateRequest>,
) -> Result<HttpResponse, AppError> {
    let caller = caller.staff()?;
    let estimate = service::estimate(&state, caller, body.into_inner()?).await?;
    Ok(HttpResponse::Ok().json(estimate))
}
