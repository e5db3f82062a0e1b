//! The outbox table: the only diesel code of mail.
//!
//! A row's life: `pending` (due at `next_attempt_at`) -> `sending` (claimed by one worker
//! until `claimed_until`) -> `sent`, or back to `pending` for a retry, or `failed` when
//! the worker gives up. Rows written without SMTP are `outbox` and never move.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Delivery, OutgoingEmail};
use crate::db::DbConnection;
use crate::db::schema::outgoing_emails;

/// The statuses, as stored.
pub mod status {
    /// No SMTP configured: the table is the mailbox.
    pub const OUTBOX: &str = "outbox";
    /// Waiting for a worker, first try or retry.
    pub const PENDING: &str = "pending";
    /// Claimed by a worker until `claimed_until`.
    pub const SENDING: &str = "sending";
    /// Accepted by the SMTP server.
    pub const SENT: &str = "sent";
    /// Given up.
    pub const FAILED: &str = "failed";
}

#[derive(Insertable)]
#[diesel(table_name = outgoing_emails)]
struct NewOutgoingEmail<'a> {
    site_id: Option<i64>,
    to_address: &'a str,
    subject: &'a str,
    body_text: &'a str,
    body_html: &'a str,
    status: &'a str,
    secret: Option<&'a str>,
    attempts: i32,
    next_attempt_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

/// Writes an email into the outbox and returns its id.
///
/// Call it inside the transaction of the change that causes the email, then
/// `Mailer::wake` after the commit. `delivery` is `Mailer::delivery()`: with SMTP the row
/// is `pending` and due at once; without, it is `outbox` and stays there.
pub fn enqueue(
    connection: &mut DbConnection,
    email: &OutgoingEmail,
    delivery: Delivery,
) -> QueryResult<i64> {
    let now = crate::db::now();
    let (status, secret, next_attempt_at) = match delivery {
        Delivery::Smtp => (status::PENDING, email.secret.as_deref(), Some(now)),
        // The outbox is the mailbox: the secret stays in the bodies, nothing to mask later.
        Delivery::Outbox => (status::OUTBOX, None, None),
    };
    diesel::insert_into(outgoing_emails::table)
        .values(&NewOutgoingEmail {
            site_id: email.site_id,
            to_address: &email.to,
            subject: &email.subject,
            body_text: &email.body_text,
            body_html: &email.body_html,
            status,
            secret,
            attempts: 0,
            next_attempt_at,
            created_at: now,
        })
        .returning(outgoing_emails::id)
        .get_result(connection)
}

/// An email a worker has claimed. No `Debug`: its bodies may hold a reset link, and
/// nothing should make printing them easy.
#[derive(Queryable, Selectable)]
#[diesel(table_name = outgoing_emails)]
pub struct ClaimedEmail {
    /// Its id.
    pub id: i64,
    /// The recipient.
    pub to_address: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body, secret included.
    pub body_text: String,
    /// The HTML body, secret included.
    pub body_html: String,
    /// The secret to mask once the email has left.
    pub secret: Option<String>,
    /// Attempts so far, this one included.
    pub attempts: i32,
    /// The claim's lease; the worker's later updates must name it.
    pub claimed_until: Option<NaiveDateTime>,
}

/// Updates of a claimed row name its lease: a worker whose lease expired, and whose row
/// another worker took over, changes nothing.
macro_rules! still_claimed {
    ($email:expr) => {
        outgoing_emails::table
            .find($email.id)
            .filter(outgoing_emails::status.eq(status::SENDING))
            .filter(outgoing_emails::claimed_until.eq($email.claimed_until))
    };
}

/// Claims the oldest due email for one worker until `lease_until`, or returns `None`.
///
/// Due means `pending` with `next_attempt_at` passed, or `sending` with an expired lease
/// (its worker died). The claim counts as an attempt, so an email that makes its worker
/// crash is not retried forever. Two workers never claim the same row: PostgreSQL skips
/// rows another transaction has locked (`FOR UPDATE SKIP LOCKED`); on SQLite the read
/// and the claim run under its single write lock (`BEGIN IMMEDIATE`).
pub fn claim_next(
    connection: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> QueryResult<Option<ClaimedEmail>> {
    use outgoing_emails::dsl;

    let due = dsl::status
        .eq(status::PENDING)
        .and(dsl::next_attempt_at.le(now))
        .or(dsl::status
            .eq(status::SENDING)
            .and(dsl::claimed_until.lt(now)));
    let claim = (
        dsl::status.eq(status::SENDING),
        dsl::claimed_until.eq(lease_until),
        dsl::attempts.eq(dsl::attempts + 1),
    );
    match connection {
        DbConnection::Postgres(postgres) => postgres.transaction(|postgres| {
            let candidate: Option<i64> = dsl::outgoing_emails
                .filter(due)
                .order(dsl::id)
                .select(dsl::id)
                .for_update()
                .skip_locked()
                .first(postgres)
                .optional()?;
            let Some(id) = candidate else {
                return Ok(None);
            };
            diesel::update(dsl::outgoing_emails.find(id))
                .set(claim)
                .returning(ClaimedEmail::as_returning())
                .get_result(postgres)
                .optional()
        }),
        // BEGIN IMMEDIATE takes SQLite's single write lock first: between the read and
        // the claim, no other process (another instance on the same file) can write.
        DbConnection::Sqlite(sqlite) => sqlite.immediate_transaction(|sqlite| {
            let candidate: Option<i64> = dsl::outgoing_emails
                .filter(due)
                .order(dsl::id)
                .select(dsl::id)
                .first(sqlite)
                .optional()?;
            let Some(id) = candidate else {
                return Ok(None);
            };
            diesel::update(dsl::outgoing_emails.find(id))
                .set(claim)
                .returning(ClaimedEmail::as_returning())
                .get_result(sqlite)
                .optional()
        }),
    }
}

/// The SMTP server accepted the email: keeps the bodies with the secret masked.
pub fn mark_sent(
    connection: &mut DbConnection,
    email: &ClaimedEmail,
    masked_text: &str,
    masked_html: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(still_claimed!(email))
        .set((
            outgoing_emails::status.eq(status::SENT),
            outgoing_emails::sent_at.eq(Some(now)),
            outgoing_emails::last_error.eq(None::<&str>),
            outgoing_emails::claimed_until.eq(None::<NaiveDateTime>),
            outgoing_emails::secret.eq(None::<&str>),
            outgoing_emails::body_text.eq(masked_text),
            outgoing_emails::body_html.eq(masked_html),
        ))
        .execute(connection)
}

/// The attempt failed; the email is due again at `next_attempt_at`.
pub fn retry_later(
    connection: &mut DbConnection,
    email: &ClaimedEmail,
    error: &str,
    next_attempt_at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(still_claimed!(email))
        .set((
            outgoing_emails::status.eq(status::PENDING),
            outgoing_emails::last_error.eq(Some(error)),
            outgoing_emails::next_attempt_at.eq(Some(next_attempt_at)),
            outgoing_emails::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(connection)
}

/// The worker gives up: the email is `failed`, its bodies keep the secret masked.
pub fn give_up(
    connection: &mut DbConnection,
    email: &ClaimedEmail,
    error: &str,
    masked_text: &str,
    masked_html: &str,
) -> QueryResult<usize> {
    diesel::update(still_claimed!(email))
        .set((
            outgoing_emails::status.eq(status::FAILED),
            outgoing_emails::last_error.eq(Some(error)),
            outgoing_emails::next_attempt_at.eq(None::<NaiveDateTime>),
            outgoing_emails::claimed_until.eq(None::<NaiveDateTime>),
            outgoing_emails::secret.eq(None::<&str>),
            outgoing_emails::body_text.eq(masked_text),
            outgoing_emails::body_html.eq(masked_html),
        ))
        .execute(connection)
}
