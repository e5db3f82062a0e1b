//! The audit log: who did what to which record, and when.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::audit_log;

/// One audit entry. Never put a password, token or document content in `details`.
#[derive(Debug, Clone, Default)]
pub struct AuditEntry {
    pub site_id: Option<i64>,
    pub account_id: Option<i64>,
    pub action: &'static str,
    pub target_type: Option<&'static str>,
    pub target_id: Option<i64>,
    pub ip: Option<String>,
    pub details: Option<String>,
}

/// Writes an audit entry.
pub fn record(connection: &mut DbConnection, entry: &AuditEntry) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::site_id.eq(entry.site_id),
            audit_log::account_id.eq(entry.account_id),
            audit_log::action.eq(entry.action),
            audit_log::target_type.eq(entry.target_type),
            audit_log::target_id.eq(entry.target_id),
            audit_log::ip.eq(entry.ip.as_deref()),
            audit_log::details.eq(entry.details.as_deref()),
            audit_log::created_at.eq(crate::db::now()),
        ))
        .execute(connection)?;
    Ok(())
}
