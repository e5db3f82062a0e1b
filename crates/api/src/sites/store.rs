//! Sites (one school deployment can host several).

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::sites;

/// A site row.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = sites)]
pub struct Site {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub contact_email: String,
    pub forms_url: String,
    pub created_at: chrono::NaiveDateTime,
}

/// A site to insert.
#[derive(Debug, Insertable)]
#[diesel(table_name = sites)]
pub struct NewSite<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub contact_email: &'a str,
    pub forms_url: &'a str,
    pub created_at: chrono::NaiveDateTime,
}

/// All sites, by name.
pub fn list_sites(connection: &mut DbConnection) -> QueryResult<Vec<Site>> {
    sites::table
        .order(sites::name.asc())
        .select(Site::as_select())
        .load(connection)
}

/// The site with this slug, if any.
pub fn find_site_by_slug(connection: &mut DbConnection, slug: &str) -> QueryResult<Option<Site>> {
    sites::table
        .filter(sites::slug.eq(slug))
        .select(Site::as_select())
        .first(connection)
        .optional()
}

/// The site with this id.
pub fn find_site(connection: &mut DbConnection, id: i64) -> QueryResult<Site> {
    sites::table
        .find(id)
        .select(Site::as_select())
        .first(connection)
}

/// Inserts a site and returns its id.
pub fn insert_site(connection: &mut DbConnection, site: &NewSite<'_>) -> QueryResult<i64> {
    diesel::insert_into(sites::table)
        .values(site)
        .returning(sites::id)
        .get_result(connection)
}

/// Sets what invoices print of the site: postal address (lines separated by newlines)
/// and SIRET.
pub fn set_billing_identity(
    connection: &mut DbConnection,
    id: i64,
    address: &str,
    siret: &str,
) -> QueryResult<usize> {
    diesel::update(sites::table.find(id))
        .set((sites::billing_address.eq(address), sites::siret.eq(siret)))
        .execute(connection)
}
