//! Email: an outbox table, a worker that empties it over SMTP, and the templates.
//!
//! A request never talks to an SMTP server. It writes the email into `outgoing_emails`
//! with [`store::enqueue`], inside the transaction of the change that causes it, so the
//! email exists if and only if the change committed; then it calls [`Mailer::wake`]. The
//! [`worker::Worker`] (one per server process, started by `startup`) claims due rows,
//! sends them, and retries with backoff. Several processes can share one database: a row
//! is claimed atomically, with a lease that expires if its process dies.
//!
//! Without `TUTTI_SMTP_URL` there is no worker: emails are written with status `outbox`
//! and the table is the mailbox (development, tests, the demo).

pub mod store;
pub mod templates;
pub mod worker;

use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use tokio::sync::Notify;

use crate::db::{Db, DbError};

pub use templates::Rendered;
pub use worker::Worker;

/// How long the worker may wait for the SMTP server to accept the TCP connection.
const SMTP_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// An email to send, with French plain-text and HTML bodies.
#[derive(Clone)]
pub struct OutgoingEmail {
    /// The site the email is about, if any.
    pub site_id: Option<i64>,
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body_text: String,
    /// The HTML body.
    pub body_html: String,
    /// A secret the bodies contain (a reset link's token). The stored copy keeps it only
    /// until the email has left over SMTP (or delivery was given up), then it is masked;
    /// in outbox mode the outbox is the mailbox and keeps it, since that is the only way
    /// the link reaches anyone.
    pub secret: Option<String>,
}

/// Bodies and secrets never print: a log line that formats an email with `{:?}` must not
/// leak a reset link.
impl std::fmt::Debug for OutgoingEmail {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("OutgoingEmail")
            .field("site_id", &self.site_id)
            .field("to", &self.to)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// What happens to an email once it is in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// A worker sends it over SMTP (status `pending` until then).
    Smtp,
    /// No SMTP server is configured: it stays in the table (status `outbox`).
    Outbox,
}

/// Why an email could not be prepared or recorded.
#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    /// `TUTTI_SMTP_URL` or `TUTTI_MAIL_FROM` is unusable.
    #[error("SMTP configuration: {0}")]
    Config(String),
    /// A template failed to render (a bug: every template is rendered by a unit test).
    #[error("email template: {0}")]
    Template(String),
    /// The outbox could not be written.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The handle every request has: it knows whether emails go out over SMTP, and wakes the
/// worker. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    inner: Arc<MailerInner>,
}

struct MailerInner {
    smtp: Option<SmtpSettings>,
    wake: Arc<Notify>,
}

/// What the worker needs to talk to the SMTP server.
#[derive(Clone)]
pub(crate) struct SmtpSettings {
    pub(crate) transport: AsyncSmtpTransport<Tokio1Executor>,
    pub(crate) from: Mailbox,
}

impl Mailer {
    /// Builds the mailer; `smtp_url` unset means outbox only. Opens no connection.
    pub fn new(smtp_url: Option<&str>, from: &str) -> Result<Self, EmailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|error| EmailError::Config(format!("sender address: {error}")))?;
        let smtp = match smtp_url {
            Some(url) => Some(SmtpSettings {
                transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|error| EmailError::Config(error.to_string()))?
                    .timeout(Some(SMTP_CONNECT_TIMEOUT))
                    .build(),
                from,
            }),
            None => None,
        };
        Ok(Self {
            inner: Arc::new(MailerInner {
                smtp,
                wake: Arc::new(Notify::new()),
            }),
        })
    }

    /// Whether emails go out over SMTP or stay in the outbox: pass it to
    /// [`store::enqueue`] (copy it out before moving into `Db::run`).
    pub fn delivery(&self) -> Delivery {
        if self.inner.smtp.is_some() {
            Delivery::Smtp
        } else {
            Delivery::Outbox
        }
    }

    /// Tells this process's worker that an email is waiting. Call it after the commit;
    /// it costs nothing and never waits. Forgetting it only delays the email until the
    /// worker's next poll.
    pub fn wake(&self) {
        if self.inner.smtp.is_some() {
            self.inner.wake.notify_one();
        }
    }

    /// The worker that sends this process's emails, or `None` in outbox mode.
    pub fn worker(&self, db: Db) -> Option<Worker> {
        self.inner
            .smtp
            .clone()
            .map(|smtp| Worker::new(db, smtp, Arc::clone(&self.inner.wake)))
    }
}

/// The bodies with the secret masked, as they are kept once the email has left.
pub(crate) fn mask(body: &str, secret: Option<&str>) -> String {
    match secret {
        Some(secret) if !secret.is_empty() => body.replace(secret, "[masqué]"),
        _ => body.to_owned(),
    }
}
