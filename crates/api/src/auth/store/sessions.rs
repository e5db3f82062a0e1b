//! Server-side sessions: one per login, holding the hash of the current refresh token.
//!
//! Access tokens name their session; a revoked session makes its access tokens useless
//! at once, which is how logout, password change and reset end sessions on the server.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{accounts, password_reset_tokens, sessions};

/// A session row.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: i64,
    pub account_id: i64,
    pub refresh_token_hash: String,
    pub previous_refresh_hash: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    /// The device it was last used from, summarised ("Chrome sur Android").
    pub device: String,
    /// The network it was last used from, masked ("réseau local", "203.0.113.0/24").
    pub place: String,
    /// When its refresh token last rotated.
    pub rotated_at: Option<NaiveDateTime>,
}

/// A session to insert.
#[derive(Debug, Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    pub account_id: i64,
    pub refresh_token_hash: &'a str,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub device: &'a str,
    pub place: &'a str,
}

/// Inserts a session and returns its id.
pub fn insert_session(connection: &mut DbConnection, session: &NewSession<'_>) -> QueryResult<i64> {
    diesel::insert_into(sessions::table)
        .values(session)
        .returning(sessions::id)
        .get_result(connection)
}

/// What a live session's account is: its site, role and household.
#[derive(Debug, Clone, Queryable)]
pub struct LiveSession {
    pub site_id: i64,
    pub role: String,
    pub family_id: Option<i64>,
    /// For the role's absolute lifetime.
    pub created_at: NaiveDateTime,
    /// For the role's idle time.
    pub last_used_at: NaiveDateTime,
}

/// The account behind a session that exists, belongs to the account, is not revoked and
/// not expired; `None` otherwise. One query, on every authenticated request.
pub fn live_session(
    connection: &mut DbConnection,
    session_id: i64,
    account_id: i64,
) -> QueryResult<Option<LiveSession>> {
    sessions::table
        .inner_join(accounts::table)
        .filter(sessions::id.eq(session_id))
        .filter(sessions::account_id.eq(account_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(crate::db::now()))
        .select((
            accounts::site_id,
            accounts::role,
            accounts::family_id,
            sessions::created_at,
            sessions::last_used_at,
        ))
        .first(connection)
        .optional()
}

/// A session by id, with its account's role (whatever its state).
pub fn find_session(
    connection: &mut DbConnection,
    session_id: i64,
) -> QueryResult<Option<(Session, String)>> {
    sessions::table
        .inner_join(accounts::table)
        .filter(sessions::id.eq(session_id))
        .select((Session::as_select(), accounts::role))
        .first(connection)
        .optional()
}

/// The unrevoked, unexpired sessions of an account, most recently used first (the
/// service applies the role's idle time and lifetime).
pub fn list_account_sessions(
    connection: &mut DbConnection,
    account_id: i64,
    now: NaiveDateTime,
) -> QueryResult<Vec<Session>> {
    sessions::table
        .filter(sessions::account_id.eq(account_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .order((sessions::last_used_at.desc(), sessions::id.desc()))
        .select(Session::as_select())
        .load(connection)
}

/// Revokes one session of one account (if not already); `false` when the account has no
/// session with this id at all.
pub fn revoke_account_session(
    connection: &mut DbConnection,
    account_id: i64,
    session_id: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let owned = sessions::table
        .filter(sessions::id.eq(session_id))
        .filter(sessions::account_id.eq(account_id));
    let exists: bool = diesel::select(diesel::dsl::exists(owned)).get_result(connection)?;
    if exists {
        diesel::update(owned.filter(sessions::revoked_at.is_null()))
            .set(sessions::revoked_at.eq(now))
            .execute(connection)?;
    }
    Ok(exists)
}

/// The session whose current refresh token has this hash.
pub fn find_by_refresh_hash(
    connection: &mut DbConnection,
    hash: &str,
) -> QueryResult<Option<Session>> {
    sessions::table
        .filter(sessions::refresh_token_hash.eq(hash))
        .select(Session::as_select())
        .first(connection)
        .optional()
}

/// The session whose previous (already rotated) refresh token has this hash.
pub fn find_by_previous_refresh_hash(
    connection: &mut DbConnection,
    hash: &str,
) -> QueryResult<Option<Session>> {
    sessions::table
        .filter(sessions::previous_refresh_hash.eq(hash))
        .select(Session::as_select())
        .first(connection)
        .optional()
}

/// Replaces the refresh token, but only if it is still `current_hash`: of two concurrent
/// refreshes with the same token, one wins and the other sees zero rows updated.
/// The rotation also records the session's use: when, from which device and network.
pub fn rotate_refresh_token(
    connection: &mut DbConnection,
    session_id: i64,
    current_hash: &str,
    new_hash: &str,
    now: NaiveDateTime,
    device: &str,
    place: &str,
) -> QueryResult<bool> {
    let updated = diesel::update(
        sessions::table
            .filter(sessions::id.eq(session_id))
            .filter(sessions::refresh_token_hash.eq(current_hash))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::refresh_token_hash.eq(new_hash),
        sessions::previous_refresh_hash.eq(current_hash),
        sessions::last_used_at.eq(now),
        sessions::rotated_at.eq(now),
        sessions::device.eq(device),
        sessions::place.eq(place),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// Revokes one session.
pub fn revoke_session(
    connection: &mut DbConnection,
    session_id: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(session_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now))
    .execute(connection)?;
    Ok(())
}

/// Revokes every session of an account except `keep` (if given).
pub fn revoke_account_sessions(
    connection: &mut DbConnection,
    account_id: i64,
    keep: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let base = sessions::table
        .filter(sessions::account_id.eq(account_id))
        .filter(sessions::revoked_at.is_null());
    match keep {
        Some(keep) => diesel::update(base.filter(sessions::id.ne(keep)))
            .set(sessions::revoked_at.eq(now))
            .execute(connection),
        None => diesel::update(base)
            .set(sessions::revoked_at.eq(now))
            .execute(connection),
    }
}

/// A password-reset token row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = password_reset_tokens)]
pub struct ResetToken {
    pub id: i64,
    pub account_id: i64,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// Stores the hash of a new reset token.
pub fn insert_reset_token(
    connection: &mut DbConnection,
    account_id: i64,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(password_reset_tokens::table)
        .values((
            password_reset_tokens::account_id.eq(account_id),
            password_reset_tokens::token_hash.eq(token_hash),
            password_reset_tokens::created_at.eq(now),
            password_reset_tokens::expires_at.eq(expires_at),
        ))
        .execute(connection)?;
    Ok(())
}

/// The unused, unexpired reset token with this hash.
pub fn find_live_reset_token(
    connection: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<ResetToken>> {
    password_reset_tokens::table
        .filter(password_reset_tokens::token_hash.eq(token_hash))
        .filter(password_reset_tokens::used_at.is_null())
        .filter(password_reset_tokens::expires_at.gt(now))
        .select(ResetToken::as_select())
        .first(connection)
        .optional()
}

/// Uses up the reset token with this hash if it is still unused and unexpired, and
/// returns its account. One conditional `UPDATE`: of two concurrent uses of one link,
/// exactly one touches the row (PostgreSQL re-checks `used_at IS NULL` on the row the
/// other just updated), so a link changes a password at most once.
pub fn claim_reset_token(
    connection: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    diesel::update(
        password_reset_tokens::table
            .filter(password_reset_tokens::token_hash.eq(token_hash))
            .filter(password_reset_tokens::used_at.is_null())
            .filter(password_reset_tokens::expires_at.gt(now)),
    )
    .set(password_reset_tokens::used_at.eq(now))
    .returning(password_reset_tokens::account_id)
    .get_result(connection)
    .optional()
}

/// Marks every unused reset token of the account as used: after any password change,
/// no earlier link may work.
pub fn burn_reset_tokens(
    connection: &mut DbConnection,
    account_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        password_reset_tokens::table
            .filter(password_reset_tokens::account_id.eq(account_id))
            .filter(password_reset_tokens::used_at.is_null()),
    )
    .set(password_reset_tokens::used_at.eq(now))
    .execute(connection)
}

/// How many reset tokens the account received since `since`.
pub fn count_reset_tokens_since(
    connection: &mut DbConnection,
    account_id: i64,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    password_reset_tokens::table
        .filter(password_reset_tokens::account_id.eq(account_id))
        .filter(password_reset_tokens::created_at.gt(since))
        .count()
        .get_result(connection)
}
