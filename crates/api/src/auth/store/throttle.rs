//! Failed-login counters, kept in the database so that every API instance sees them.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::login_throttle;

/// How a counter turns into delays.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    /// Failures allowed before the first delay.
    pub free_failures: i32,
    /// The first delay, doubled at each further failure.
    pub base_delay: TimeDelta,
    /// Delays never exceed this: an attacker can slow an account down, never lock it out.
    pub max_delay: TimeDelta,
    /// A counter with no failure for this long starts again from zero.
    pub forget_after: TimeDelta,
}

impl ThrottlePolicy {
    /// The delay imposed after `failures` consecutive failures, if any.
    pub fn delay_after(&self, failures: i32) -> Option<TimeDelta> {
        if failures < self.free_failures {
            return None;
        }
        let doublings = u32::try_from(failures - self.free_failures)
            .unwrap_or(0)
            .min(20);
        let delay = self
            .base_delay
            .checked_mul(1_i32 << doublings)
            .unwrap_or(self.max_delay);
        Some(delay.min(self.max_delay))
    }
}

/// How long the key must still wait, if it is locked now.
pub fn locked_for(
    connection: &mut DbConnection,
    key: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<TimeDelta>> {
    let locked_until: Option<Option<NaiveDateTime>> = login_throttle::table
        .find(key)
        .select(login_throttle::locked_until)
        .first(connection)
        .optional()?;
    Ok(locked_until
        .flatten()
        .filter(|until| *until > now)
        .map(|until| until - now))
}

/// What [`reserve_attempt`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// The attempt is counted; `locked_until` is the lock this very attempt set (it was
    /// the last one the policy allows before a delay), so that a success can undo it.
    Granted { locked_until: Option<NaiveDateTime> },
    /// The key is locked for this long still; nothing was counted.
    Refused(TimeDelta),
}

/// Counts one attempt for `key` before its password is checked, or refuses it when the
/// key is locked. Call it inside a write transaction.
///
/// The count and the refusal are one conditional `UPDATE`: under concurrency each
/// attempt sees the count (and the lock) left by the one before it, since PostgreSQL
/// re-checks the `WHERE` on the row another transaction just updated, and SQLite runs
/// one writer at a time. The attempt that reaches the policy's limit sets the lock at
/// once, still inside the transaction, so a burst sent at once gets no more passwords
/// checked than one sent one by one. A success clears the count ([`clear`] or
/// [`release_attempt`]); a failure leaves it counted.
pub fn reserve_attempt(
    connection: &mut DbConnection,
    key: &str,
    policy: &ThrottlePolicy,
    now: NaiveDateTime,
) -> QueryResult<Reservation> {
    // The row must exist for the conditional update to count on; `ON CONFLICT DO
    // NOTHING` (on each backend's own connection: the multi-backend query builder has no
    // upsert) never fails when a concurrent attempt inserted it first.
    let insert = diesel::insert_into(login_throttle::table)
        .values((
            login_throttle::throttle_key.eq(key),
            login_throttle::failures.eq(0),
            login_throttle::last_failure_at.eq(now),
        ))
        .on_conflict_do_nothing();
    match connection {
        DbConnection::Postgres(postgres) => insert.execute(postgres)?,
        DbConnection::Sqlite(sqlite) => insert.execute(sqlite)?,
    };
    // A counter with no attempt for a while starts again from zero.
    diesel::update(
        login_throttle::table
            .find(key)
            .filter(login_throttle::last_failure_at.lt(now - policy.forget_after)),
    )
    .set((
        login_throttle::failures.eq(0),
        login_throttle::locked_until.eq(None::<NaiveDateTime>),
    ))
    .execute(connection)?;
    let counted: Option<i32> = diesel::update(
        login_throttle::table.find(key).filter(
            login_throttle::locked_until
                .is_null()
                .or(login_throttle::locked_until.le(now)),
        ),
    )
    .set((
        login_throttle::failures.eq(login_throttle::failures + 1),
        login_throttle::last_failure_at.eq(now),
    ))
    .returning(login_throttle::failures)
    .get_result(connection)
    .optional()?;
    let Some(attempts) = counted else {
        let wait = locked_for(connection, key, now)?.unwrap_or(TimeDelta::seconds(1));
        return Ok(Reservation::Refused(wait));
    };
    let Some(delay) = policy.delay_after(attempts) else {
        return Ok(Reservation::Granted { locked_until: None });
    };
    let until = now + delay;
    diesel::update(login_throttle::table.find(key))
        .set(login_throttle::locked_until.eq(until))
        .execute(connection)?;
    Ok(Reservation::Granted {
        locked_until: Some(until),
    })
}

/// Gives back an attempt that succeeded without forgetting the key's other failures
/// (the per-address counter: one family's success must not wipe a guesser's record).
/// The lock that attempt set, if any, goes with it.
pub fn release_attempt(
    connection: &mut DbConnection,
    key: &str,
    reservation: Reservation,
) -> QueryResult<()> {
    let Reservation::Granted { locked_until } = reservation else {
        return Ok(());
    };
    diesel::update(
        login_throttle::table
            .find(key)
            .filter(login_throttle::failures.gt(0)),
    )
    .set(login_throttle::failures.eq(login_throttle::failures - 1))
    .execute(connection)?;
    if let Some(until) = locked_until {
        diesel::update(
            login_throttle::table
                .find(key)
                .filter(login_throttle::locked_until.eq(until)),
        )
        .set(login_throttle::locked_until.eq(None::<NaiveDateTime>))
        .execute(connection)?;
    }
    Ok(())
}

/// Forgets the failures of `key` (after a successful login or a password reset).
pub fn clear(connection: &mut DbConnection, key: &str) -> QueryResult<()> {
    diesel::delete(login_throttle::table.find(key)).execute(connection)?;
    Ok(())
}
