//! Accounts: a login on one site, with a role and (for families) a household.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{accounts, families, sessions, sites};
use crate::domain::SiteId;

/// An account row.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: i64,
    pub site_id: i64,
    pub login: String,
    pub email: String,
    pub password_hash: Option<String>,
    pub role: String,
    pub family_id: Option<i64>,
    pub display_name: String,
    pub password_changed_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
}

/// An account to insert.
#[derive(Debug, Insertable)]
#[diesel(table_name = accounts)]
pub struct NewAccount<'a> {
    pub site_id: i64,
    pub login: &'a str,
    pub email: &'a str,
    pub password_hash: Option<&'a str>,
    pub role: &'a str,
    pub family_id: Option<i64>,
    pub display_name: &'a str,
    pub password_changed_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
    /// The guardian a family account belongs to (at most one account per guardian).
    pub guardian_id: Option<i64>,
}

/// The account with this login on the site with this slug.
pub fn find_account_by_login(
    connection: &mut DbConnection,
    site_slug: &str,
    login: &str,
) -> QueryResult<Option<Account>> {
    accounts::table
        .inner_join(sites::table)
        .filter(sites::slug.eq(site_slug))
        .filter(accounts::login.eq(login))
        .select(Account::as_select())
        .first(connection)
        .optional()
}

/// The account with this id.
pub fn find_account(connection: &mut DbConnection, id: i64) -> QueryResult<Account> {
    accounts::table
        .find(id)
        .select(Account::as_select())
        .first(connection)
}

/// Inserts an account and returns its id.
pub fn insert_account(connection: &mut DbConnection, account: &NewAccount<'_>) -> QueryResult<i64> {
    diesel::insert_into(accounts::table)
        .values(account)
        .returning(accounts::id)
        .get_result(connection)
}

/// Locks the account's row until the transaction ends (an update that changes nothing:
/// a row lock on PostgreSQL; SQLite's write transactions are serial anyway), so that a
/// count-then-insert about this account (its reset links this hour) cannot interleave.
pub fn lock_account(connection: &mut DbConnection, account_id: i64) -> QueryResult<()> {
    diesel::update(accounts::table.find(account_id))
        .set(accounts::id.eq(accounts::id))
        .execute(connection)?;
    Ok(())
}

/// The account (id and site) a session belongs to, for the audit of a logout.
pub fn account_of_session(
    connection: &mut DbConnection,
    session_id: i64,
) -> QueryResult<Option<(i64, i64)>> {
    sessions::table
        .inner_join(accounts::table)
        .filter(sessions::id.eq(session_id))
        .select((accounts::id, accounts::site_id))
        .first(connection)
        .optional()
}

/// Stores a new password hash and the time of the change.
pub fn set_password_hash(
    connection: &mut DbConnection,
    account_id: i64,
    hash: &str,
    now: chrono::NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(accounts::table.find(account_id))
        .set((
            accounts::password_hash.eq(hash),
            accounts::password_changed_at.eq(now),
        ))
        .execute(connection)?;
    Ok(())
}

/// The teacher accounts of a site, by name.
pub fn site_teachers(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
) -> QueryResult<Vec<(i64, String)>> {
    accounts::table
        .filter(accounts::site_id.eq(site_id))
        .filter(accounts::role.eq("teacher"))
        .order(accounts::display_name.asc())
        .select((accounts::id, accounts::display_name))
        .load(connection)
}

/// An account, its site (id, slug, name) and its household's name.
pub type AccountWithSite = (Account, (i64, String, String), Option<String>);

/// An account with its site (id, slug, name) and household name, in one query: the
/// "who am I" read on every page load.
pub fn account_with_site(connection: &mut DbConnection, id: i64) -> QueryResult<AccountWithSite> {
    accounts::table
        .inner_join(sites::table)
        .left_join(families::table.on(accounts::family_id.eq(families::id.nullable())))
        .filter(accounts::id.eq(id))
        .select((
            Account::as_select(),
            (sites::id, sites::slug, sites::name),
            families::name.nullable(),
        ))
        .first(connection)
}
