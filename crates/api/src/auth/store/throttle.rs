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

/// Counts one more failure for `key` and sets the lock the policy asks for.
pub fn record_failure(
    connection: &mut DbConnection,
    key: &str,
    policy: &ThrottlePolicy,
    now: NaiveDateTime,
) -> QueryResult<()> {
    // Forget a stale counter first, then increment in SQL so that concurrent failures
    // are all counted.
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
    let updated = diesel::update(login_throttle::table.find(key))
        .set((
            login_throttle::failures.eq(login_throttle::failures + 1),
            login_throttle::last_failure_at.eq(now),
        ))
        .execute(connection)?;
    if updated == 0 {
        let inserted = diesel::insert_into(login_throttle::table)
            .values((
                login_throttle::throttle_key.eq(key),
                login_throttle::failures.eq(1),
                login_throttle::last_failure_at.eq(now),
            ))
            .execute(connection);
        match inserted {
            Ok(_) => {}
            // Another request inserted the row first: count on it instead.
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {
                diesel::update(login_throttle::table.find(key))
                    .set((
                        login_throttle::failures.eq(login_throttle::failures + 1),
                        login_throttle::last_failure_at.eq(now),
                    ))
                    .execute(connection)?;
            }
            Err(error) => return Err(error),
        }
    }
    let failures: i32 = login_throttle::table
        .find(key)
        .select(login_throttle::failures)
        .first(connection)?;
    if let Some(delay) = policy.delay_after(failures) {
        diesel::update(login_throttle::table.find(key))
            .set(login_throttle::locked_until.eq(now + delay))
            .execute(connection)?;
    }
    Ok(())
}

/// Forgets the failures of `key` (after a successful login or a password reset).
pub fn clear(connection: &mut DbConnection, key: &str) -> QueryResult<()> {
    diesel::delete(login_throttle::table.find(key)).execute(connection)?;
    Ok(())
}
