//! The staff's back office. Every query is limited to the staff member's site.

use actix_web::{HttpResponse, get, web};
use tutti_shared::{FamilyListItem, ListQuery, Page};

use crate::auth::extractors::StaffAccount;
use crate::db::families::list_site_families;
use crate::error::AppError;
use crate::state::AppState;

/// Lists the households of the staff member's site, by name; `q` searches the name.
#[utoipa::path(
    tag = "admin",
    params(ListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of households", body = Page<FamilyListItem>),
        (status = 401, description = "Not logged in", body = tutti_shared::ApiErrorBody),
        (status = 403, description = "Not a staff account", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/admin/families")]
pub async fn list_families(
    state: web::Data<AppState>,
    StaffAccount(staff): StaffAccount,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let (page, per_page) = query.bounds();
    let search = query.search().map(str::to_owned);
    let site_id = staff.site_id;
    let (rows, total) = state
        .db
        .run(move |connection| {
            list_site_families(connection, site_id, search.as_deref(), page, per_page).map_err(AppError::from)
        })
        .await?;
    let items = rows
        .into_iter()
        .map(|(family, guardian_count, student_count)| FamilyListItem {
            id: family.id,
            name: family.name,
            guardian_count,
            student_count,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Page { items, total, page, per_page }))
}
