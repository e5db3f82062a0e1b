//! The emails of signing in, rendered from the templates in `auth/emails/`.

use tutti_shared::RESET_PAGE_PATH;

use super::store::Account;
use crate::domain::DomainError;
use crate::mail::{OutgoingEmail, templates};

fn template_error(error: crate::mail::EmailError) -> DomainError {
    DomainError::Internal(error.to_string())
}

/// The email with a single-use link to choose a password.
pub fn reset_link(
    public_url: &str,
    account: &Account,
    token: &str,
) -> Result<OutgoingEmail, DomainError> {
    let link = format!("{public_url}{RESET_PAGE_PATH}#token={token}");
    Ok(
        templates::reset_link(&account.display_name, &account.login, &link)
            .map_err(template_error)?
            .into_email(
                Some(account.site_id),
                account.email.clone(),
                Some(token.to_owned()),
            ),
    )
}

/// The notice that the password of an account was changed.
pub fn password_changed(account: &Account) -> Result<OutgoingEmail, DomainError> {
    Ok(
        templates::password_changed(&account.display_name, &account.login)
            .map_err(template_error)?
            .into_email(Some(account.site_id), account.email.clone(), None),
    )
}
