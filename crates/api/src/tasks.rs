//! Operator tasks of the `tutti` command: migrate, create a site, create a staff account.
//! (The demo data is in `crate::demo`.)
//!
//! They run outside the server, blocking, each on its own connection; every one runs
//! pending migrations first (through [`Db::connect`]).

use crate::audit::{AuditEntry, record};
use crate::auth::store::{NewAccount, find_account_by_login, insert_account};
use crate::config::Config;
use crate::db::{Db, DbError, now};
use crate::domain::DomainError;
use crate::sites::store::{NewSite, find_site_by_slug, insert_site};

/// Why a task failed; the message is for the operator.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("{0}")]
    Invalid(String),
}

/// Deletes document files that no row names and that are more than a day old (see
/// `documents::service::sweep_orphans`); returns how many.
pub fn sweep_documents(config: &Config) -> Result<usize, TaskError> {
    let db = Db::connect(config)?;
    let files = crate::documents::storage::DocumentStore::from_config(config)
        .map_err(TaskError::Invalid)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| TaskError::Invalid(error.to_string()))?;
    Ok(runtime.block_on(crate::documents::service::sweep_orphans(
        &db,
        &files,
        chrono::TimeDelta::days(1),
    ))?)
}

/// Runs pending migrations (every task does; this one does nothing else).
pub fn migrate(config: &Config) -> Result<(), TaskError> {
    Db::connect(config)?;
    Ok(())
}

/// Creates a site and returns its id; fails if the slug is taken.
pub fn create_site(config: &Config, slug: &str, name: &str) -> Result<i64, TaskError> {
    let valid_slug = !slug.is_empty()
        && slug.len() <= 60
        && slug.chars().all(|character| {
            character.is_ascii_lowercase() || character.is_ascii_digit() || character == '-'
        });
    if !valid_slug {
        return Err(TaskError::Invalid(
            "the slug must be 1 to 60 lowercase letters, digits or dashes".to_owned(),
        ));
    }
    if name.trim().is_empty() {
        return Err(TaskError::Invalid("the name must not be empty".to_owned()));
    }
    let db = Db::connect(config)?;
    let mut connection = db.get()?;
    if find_site_by_slug(&mut connection, slug)?.is_some() {
        return Err(TaskError::Invalid(format!(
            "a site with slug {slug:?} already exists"
        )));
    }
    let id = insert_site(
        &mut connection,
        &NewSite {
            slug,
            name: name.trim(),
            contact_email: "",
            forms_url: "",
            created_at: now(),
        },
    )?;
    Ok(id)
}

/// Creates a staff account without a password and returns its id. The staff member sets
/// a first password through "Générer un nouveau mot de passe", like families do.
pub fn create_staff(
    config: &Config,
    site_slug: &str,
    login: &str,
    email: &str,
) -> Result<i64, TaskError> {
    let email =
        tutti_shared::EmailAddress::parse(email).map_err(|error| TaskError::Invalid(error.0))?;
    if login.trim().is_empty() || login.len() > 100 {
        return Err(TaskError::Invalid(
            "the login must be 1 to 100 characters".to_owned(),
        ));
    }
    let db = Db::connect(config)?;
    let mut connection = db.get()?;
    let site = find_site_by_slug(&mut connection, site_slug)?
        .ok_or_else(|| TaskError::Invalid(format!("no site with slug {site_slug:?}")))?;
    if find_account_by_login(&mut connection, site_slug, login.trim())?.is_some() {
        return Err(TaskError::Invalid(format!(
            "the login {login:?} is taken on this site"
        )));
    }
    let id = insert_account(
        &mut connection,
        &NewAccount {
            site_id: site.id,
            login: login.trim(),
            email: email.as_str(),
            password_hash: None,
            role: "staff",
            family_id: None,
            display_name: login.trim(),
            password_changed_at: None,
            created_at: now(),
            guardian_id: None,
        },
    )?;
    record(
        &mut connection,
        &AuditEntry {
            site_id: Some(site.id),
            action: "account_created",
            target_type: Some("account"),
            target_id: Some(id),
            details: Some("role: staff (command line)".to_owned()),
            ..AuditEntry::default()
        },
    )?;
    Ok(id)
}
