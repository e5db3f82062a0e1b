//! The worker that empties the outbox over SMTP, one per server process.
//!
//! It drains every due email, then sleeps until a request wakes it or [`POLL_INTERVAL`]
//! passes; the poll is what picks up rows written by other instances, retries that fall
//! due and the leftovers of a crash, so a lost wake-up only delays an email.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncTransport, Message};
use tokio::sync::Notify;

use super::store::{self, ClaimedEmail};
use super::{SmtpSettings, mask};
use crate::db::{Db, DbError};

/// How often the worker looks for due emails when nobody wakes it.
pub const POLL_INTERVAL: Duration = Duration::from_secs(5);
/// The longest one SMTP conversation may take (connect, greeting, commands, data). A
/// server that accepts the connection and then says nothing costs this much, no more.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a claim holds. Well above [`SEND_TIMEOUT`]: a lease only expires when its
/// worker died, and the row is then sent by whichever worker polls next.
pub const LEASE: TimeDelta = TimeDelta::minutes(5);
/// The wait after each failed attempt: 1 min, 5 min, 30 min, 2 h, 6 h, then give up.
/// About 9 hours in all, enough for an SMTP server's maintenance window.
pub const RETRY_DELAYS: [TimeDelta; 5] = [
    TimeDelta::minutes(1),
    TimeDelta::minutes(5),
    TimeDelta::minutes(30),
    TimeDelta::hours(2),
    TimeDelta::hours(6),
];
/// Attempts before an email is `failed`.
pub const MAX_ATTEMPTS: i32 = RETRY_DELAYS.len() as i32 + 1;

/// The delay before the next attempt, or `None` when `attempts` (so far) is the last.
pub fn retry_delay(attempts: i32) -> Option<TimeDelta> {
    let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
    RETRY_DELAYS.get(index).copied()
}

/// Sends the outbox's pending emails. Built by `Mailer::worker`, run by `startup`.
pub struct Worker {
    db: Db,
    smtp: SmtpSettings,
    wake: Arc<Notify>,
}

/// What one attempt came to.
enum Outcome {
    Sent,
    /// Worth another try later (timeout, connection refused, 4xx).
    Transient(String),
    /// Will never work (5xx rejection, unusable address).
    Permanent(String),
}

impl Worker {
    pub(crate) fn new(db: Db, smtp: SmtpSettings, wake: Arc<Notify>) -> Self {
        Self { db, smtp, wake }
    }

    /// Runs until the future is dropped (the server stops).
    pub async fn run(self) -> Infallible {
        loop {
            self.drain().await;
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(POLL_INTERVAL) => {}
            }
        }
    }

    /// Sends every email that is due now, one at a time.
    async fn drain(&self) {
        loop {
            let claimed = self
                .db
                .run(|connection| {
                    let now = crate::db::now();
                    store::claim_next(connection, now, now + LEASE).map_err(DbError::from)
                })
                .await;
            match claimed {
                Ok(Some(email)) => self.deliver(email).await,
                Ok(None) => return,
                Err(error) => {
                    tracing::warn!(%error, "mail worker: cannot read the outbox; trying again at the next poll");
                    return;
                }
            }
        }
    }

    async fn deliver(&self, email: ClaimedEmail) {
        let outcome = self.attempt(&email).await;
        let email_id = email.id;
        let attempts = email.attempts;
        let recorded = self
            .db
            .run(move |connection| {
                let now = crate::db::now();
                let secret = email.secret.as_deref();
                let updated = match &outcome {
                    Outcome::Sent => store::mark_sent(
                        connection,
                        &email,
                        &mask(&email.body_text, secret),
                        &mask(&email.body_html, secret),
                        now,
                    ),
                    Outcome::Transient(error) => match retry_delay(email.attempts) {
                        Some(delay) => store::retry_later(connection, &email, error, now + delay),
                        None => store::give_up(
                            connection,
                            &email,
                            error,
                            &mask(&email.body_text, secret),
                            &mask(&email.body_html, secret),
                        ),
                    },
                    Outcome::Permanent(error) => store::give_up(
                        connection,
                        &email,
                        error,
                        &mask(&email.body_text, secret),
                        &mask(&email.body_html, secret),
                    ),
                }
                .map_err(DbError::from)?;
                Ok::<_, DbError>((outcome, updated))
            })
            .await;
        // Never the bodies: they may hold a reset link.
        match recorded {
            Ok((_, 0)) => {
                tracing::warn!(
                    email_id,
                    "the claim on an email expired before its outcome was recorded; another worker took it over"
                );
            }
            Ok((Outcome::Sent, _)) => {
                tracing::info!(email_id, attempts, "email sent");
            }
            Ok((Outcome::Transient(error), _)) if retry_delay(attempts).is_some() => {
                tracing::warn!(email_id, attempts, %error, "SMTP delivery failed; will retry");
            }
            Ok((Outcome::Transient(error) | Outcome::Permanent(error), _)) => {
                tracing::error!(email_id, attempts, %error, "SMTP delivery failed; giving up");
            }
            Err(error) => {
                // The row stays `sending` until its lease expires, then is tried again.
                tracing::error!(email_id, %error, "cannot record the outcome of an email");
            }
        }
    }

    async fn attempt(&self, email: &ClaimedEmail) -> Outcome {
        let message = match build_message(&self.smtp.from, email) {
            Ok(message) => message,
            Err(error) => return Outcome::Permanent(error),
        };
        match tokio::time::timeout(SEND_TIMEOUT, self.smtp.transport.send(message)).await {
            Ok(Ok(_)) => Outcome::Sent,
            Ok(Err(error)) if error.is_permanent() => Outcome::Permanent(error.to_string()),
            Ok(Err(error)) => Outcome::Transient(error.to_string()),
            Err(_) => Outcome::Transient(format!(
                "no answer from the SMTP server within {} s",
                SEND_TIMEOUT.as_secs()
            )),
        }
    }
}

fn build_message(from: &Mailbox, email: &ClaimedEmail) -> Result<Message, String> {
    let to: Mailbox = email
        .to_address
        .parse()
        .map_err(|error| format!("recipient address: {error}"))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            email.body_text.clone(),
            email.body_html.clone(),
        ))
        .map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_back_off_then_give_up() {
        assert_eq!(retry_delay(1), Some(TimeDelta::minutes(1)));
        assert_eq!(retry_delay(2), Some(TimeDelta::minutes(5)));
        assert_eq!(retry_delay(3), Some(TimeDelta::minutes(30)));
        assert_eq!(retry_delay(5), Some(TimeDelta::hours(6)));
        assert_eq!(retry_delay(MAX_ATTEMPTS), None);
        assert_eq!(retry_delay(0), None);
    }
}
