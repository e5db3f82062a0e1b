//! The emails of households, rendered from the templates in `household/emails/`.

use crate::auth::store::Account;
use crate::domain::{DomainError, SiteId};
use crate::mail::{OutgoingEmail, templates};

fn template_error(error: crate::mail::EmailError) -> DomainError {
    DomainError::Internal(error.to_string())
}

/// Tells the family that its changes arrived and await validation.
pub fn acknowledgment(
    account: &Account,
    whose: &str,
    changed: &[(String, String)],
) -> Result<OutgoingEmail, DomainError> {
    Ok(
        templates::acknowledgment(&account.display_name, whose, changed)
            .map_err(template_error)?
            .into_email(Some(account.site_id), account.email.clone(), None),
    )
}

/// Gives a new family account its identifiant and how to choose a first password.
pub fn welcome(
    site: SiteId,
    to: &str,
    display_name: &str,
    site_name: &str,
    login: &str,
    forgot_password_url: &str,
) -> Result<OutgoingEmail, DomainError> {
    Ok(
        templates::welcome(display_name, site_name, login, forgot_password_url)
            .map_err(template_error)?
            .into_email(Some(site.0), to, None),
    )
}
