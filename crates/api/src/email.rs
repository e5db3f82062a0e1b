//! The one email service: SMTP through lettre when configured, the outbox otherwise.
//! Every email is recorded in `outgoing_emails` either way.

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::db::Db;
use crate::db::emails::{NewEmailRecord, insert_email, set_email_status};

/// An email to send, with French plain-text and HTML bodies.
#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    pub site_id: Option<i64>,
    pub to: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    /// A secret the bodies contain (a reset link's token). When the email leaves over
    /// SMTP, the stored copy has it masked; in outbox mode the outbox is the mailbox and
    /// keeps it, since that is the only way the link reaches anyone.
    pub secret: Option<String>,
}

/// Why an email could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    #[error("SMTP configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
}

/// Sends and records emails.
#[derive(Clone)]
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

impl Mailer {
    /// Builds the mailer; `smtp_url` unset means outbox only.
    pub fn new(smtp_url: Option<&str>, from: &str) -> Result<Self, EmailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|error| EmailError::Config(format!("sender address: {error}")))?;
        let transport = match smtp_url {
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|error| EmailError::Config(error.to_string()))?
                    .build(),
            ),
            None => None,
        };
        Ok(Self { transport, from })
    }

    /// Records the email, then delivers it over SMTP when configured. Delivery failures
    /// are recorded on the row and logged (without the body), not returned: the caller's
    /// action has already succeeded.
    pub async fn send(&self, db: &Db, email: OutgoingEmail) -> Result<(), EmailError> {
        let status = if self.transport.is_some() {
            "failed"
        } else {
            "outbox"
        };
        let (stored_text, stored_html) = match (&self.transport, &email.secret) {
            (Some(_), Some(secret)) => (
                email.body_text.replace(secret, "[masqué]"),
                email.body_html.replace(secret, "[masqué]"),
            ),
            _ => (email.body_text.clone(), email.body_html.clone()),
        };
        let record = (
            email.site_id,
            email.to.clone(),
            email.subject.clone(),
            stored_text,
            stored_html,
        );
        let id = db
            .run(move |connection| {
                let (site_id, to, subject, text, html) = &record;
                insert_email(
                    connection,
                    &NewEmailRecord {
                        site_id: *site_id,
                        to_address: to,
                        subject,
                        body_text: text,
                        body_html: html,
                        // Until SMTP confirms, an SMTP email counts as failed.
                        status,
                        error: None,
                        created_at: crate::db::now(),
                        sent_at: None,
                    },
                )
                .map_err(crate::db::DbError::from)
            })
            .await?;

        let Some(transport) = &self.transport else {
            tracing::info!(email_id = id, to = %email.to, subject = %email.subject, "email kept in the outbox (no TUTTI_SMTP_URL)");
            return Ok(());
        };
        let outcome = match self.build_message(&email) {
            Ok(message) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|error| error.to_string()),
            Err(error) => Err(error),
        };
        let (status, error, sent_at) = match &outcome {
            Ok(()) => ("sent", None, Some(crate::db::now())),
            Err(error) => ("failed", Some(error.clone()), None),
        };
        if let Err(error) = &outcome {
            tracing::warn!(email_id = id, %error, "SMTP delivery failed");
        }
        db.run(move |connection| {
            set_email_status(connection, id, status, error.as_deref(), sent_at)
                .map_err(crate::db::DbError::from)
        })
        .await?;
        Ok(())
    }

    fn build_message(&self, email: &OutgoingEmail) -> Result<Message, String> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|error| format!("recipient address: {error}"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                email.body_text.clone(),
                email.body_html.clone(),
            ))
            .map_err(|error| error.to_string())
    }
}

/// Escapes text for inclusion in an HTML body.
pub fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
