//! What makes a new password acceptable beyond its length (`tutti_shared::Password`): not
//! one of the common passwords, not built from the account's identifiant, site or e-mail.
//!
//! The strength is estimated by zxcvbn (Dropbox's estimator, maintained in Rust): it
//! knows the common passwords, words, keyboard walks, dates and repeats, and takes the
//! account's own words as extra dictionary. Server side only: the SPA shows the reason.

use crate::domain::DomainError;

/// The least zxcvbn score accepted (0 to 4): 3 is "safely unguessable" for an online
/// attack, which is what a throttled login faces.
const MIN_SCORE: u8 = 3;

/// The words of the account a password must not be built from.
pub struct AccountWords<'a> {
    pub login: &'a str,
    pub site_slug: &'a str,
    pub email: &'a str,
}

impl AccountWords<'_> {
    /// The words, lowercased, with the e-mail's local part and the login's pieces; short
    /// pieces are left out (a password may well contain "de").
    fn words(&self) -> Vec<String> {
        let local_part = self.email.split('@').next().unwrap_or_default();
        let mut words: Vec<String> = [self.login, self.site_slug, self.email, local_part]
            .into_iter()
            .chain(self.login.split(['.', '-', '_', '@']))
            .chain(local_part.split(['.', '-', '_', '+']))
            .map(|word| word.trim().to_lowercase())
            .filter(|word| word.chars().count() >= 4)
            .collect();
        words.sort();
        words.dedup();
        words
    }
}

/// [`check_new_password`] on the blocking pool: zxcvbn takes several milliseconds of CPU
/// (measured 3-13 ms in a release build, 36-72 ms in a debug one), which must not stall
/// the async executor's other requests.
pub async fn check_new_password_off_executor(
    password: &str,
    account: &AccountWords<'_>,
) -> Result<(), DomainError> {
    let password = password.to_owned();
    let (login, site_slug, email) = (
        account.login.to_owned(),
        account.site_slug.to_owned(),
        account.email.to_owned(),
    );
    actix_web::web::block(move || {
        check_new_password(
            &password,
            &AccountWords {
                login: &login,
                site_slug: &site_slug,
                email: &email,
            },
        )
    })
    .await
    .map_err(|error| DomainError::Internal(error.to_string()))?
}

/// Accepts a new password or says why not, in French, on the `new_password` field.
pub fn check_new_password(password: &str, account: &AccountWords<'_>) -> Result<(), DomainError> {
    let words = account.words();
    let lowered = password.to_lowercase();
    if words.iter().any(|word| lowered.contains(word.as_str())) {
        return Err(DomainError::field(
            "new_password",
            "Le mot de passe ne doit pas reprendre votre identifiant, le nom du site ni votre adresse e-mail.",
        ));
    }
    let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if u8::from(estimate.score()) < MIN_SCORE {
        return Err(DomainError::field(
            "new_password",
            "Ce mot de passe est trop courant ou trop facile à deviner. Choisissez par exemple trois ou quatre mots sans rapport entre eux, séparés par des tirets.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARTIN: AccountWords<'static> = AccountWords {
        login: "famille.demo",
        site_slug: "conservatoire",
        email: "claire.martin@example.fr",
    };

    #[test]
    fn common_passwords_are_refused() {
        for weak in [
            "motdepasse123",
            "azertyuiop123",
            "password1234",
            "123456789012",
            "aaaaaaaaaaaa",
        ] {
            assert!(check_new_password(weak, &MARTIN).is_err(), "{weak}");
        }
    }

    #[test]
    fn passwords_built_from_the_account_are_refused() {
        for weak in [
            "famille.demo2026!",
            "Conservatoire-2026",
            "Claire.Martin-2026",
            "Martin-Violon-Bleu",
        ] {
            assert!(check_new_password(weak, &MARTIN).is_err(), "{weak}");
        }
    }

    #[test]
    fn a_few_unrelated_words_pass() {
        for strong in [
            "Violoncelle-Bleu-Matin-42",
            "Nouveau-Mot-2026!",
            "Seconde-Ecole-2026",
        ] {
            assert!(check_new_password(strong, &MARTIN).is_ok(), "{strong}");
        }
    }
}
