//! The audit log: who did what to which record, and when. Services write it in the
//! transaction of the action they audit.

pub mod store;

pub use store::{AuditEntry, record};

use crate::caller::SchoolCaller;
use crate::db::DbConnection;
use crate::domain::DomainError;

/// Records what a school-side caller (staff or teacher) did to one record.
pub fn record_school_action(
    connection: &mut DbConnection,
    caller: &SchoolCaller,
    action: &'static str,
    target_type: &'static str,
    target_id: i64,
) -> Result<(), DomainError> {
    record(
        connection,
        &AuditEntry {
            site_id: Some(caller.site.0),
            account_id: Some(caller.account.0),
            action,
            target_type: Some(target_type),
            target_id: Some(target_id),
            ip: Some(caller.ip.clone()),
            details: None,
        },
    )?;
    Ok(())
}
