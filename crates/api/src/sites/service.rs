//! Sites as the login page lists them.

use tutti_shared::SiteSummary;

use crate::db::DbConnection;
use crate::domain::DomainError;

/// Every site of the deployment, by name.
pub fn list_sites(connection: &mut DbConnection) -> Result<Vec<SiteSummary>, DomainError> {
    Ok(super::store::list_sites(connection)?
        .into_iter()
        .map(|site| SiteSummary {
            id: site.id,
            slug: site.slug,
            name: site.name,
        })
        .collect())
}
