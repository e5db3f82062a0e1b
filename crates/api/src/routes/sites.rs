//! Sites, for the login page.

use actix_web::{HttpResponse, get, web};
use tutti_shared::SiteSummary;

use crate::db::sites::list_sites as load_sites;
use crate::error::AppError;
use crate::state::AppState;

/// Lists the sites of this deployment (public: the login page asks which site).
#[utoipa::path(
    tag = "sites",
    responses((status = 200, description = "The sites, by name", body = Vec<SiteSummary>))
)]
#[get("/sites")]
pub async fn list_sites(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let sites = state
        .db
        .run(|connection| load_sites(connection).map_err(AppError::from))
        .await?;
    let body: Vec<SiteSummary> = sites
        .into_iter()
        .map(|site| SiteSummary {
            id: site.id,
            slug: site.slug,
            name: site.name,
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}
