//! Sites, for the login page.

use actix_web::{HttpResponse, get, web};
use tutti_shared::SiteSummary;

use crate::error::AppError;
use crate::state::AppState;

/// Lists the sites of this deployment (public: the login page asks which site).
#[utoipa::path(
    tag = "sites",
    responses((status = 200, description = "The sites, by name", body = Vec<SiteSummary>))
)]
#[get("/sites")]
pub async fn list_sites(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let sites = state.db.run(super::service::list_sites).await?;
    Ok(HttpResponse::Ok().json(sites))
}
