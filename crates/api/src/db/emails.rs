//! The record of every outgoing email.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::outgoing_emails;

/// An email record to insert.
#[derive(Debug, Insertable)]
#[diesel(table_name = outgoing_emails)]
pub struct NewEmailRecord<'a> {
    pub site_id: Option<i64>,
    pub to_address: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub status: &'a str,
    pub error: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

/// Records an email and returns its id.
pub fn insert_email(connection: &mut DbConnection, email: &NewEmailRecord<'_>) -> QueryResult<i64> {
    diesel::insert_into(outgoing_emails::table)
        .values(email)
        .returning(outgoing_emails::id)
        .get_result(connection)
}

/// Records the outcome of an SMTP delivery.
pub fn set_email_status(
    connection: &mut DbConnection,
    id: i64,
    status: &str,
    error: Option<&str>,
    sent_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::update(outgoing_emails::table.find(id))
        .set((
            outgoing_emails::status.eq(status),
            outgoing_emails::error.eq(error),
            outgoing_emails::sent_at.eq(sent_at),
        ))
        .execute(connection)?;
    Ok(())
}
