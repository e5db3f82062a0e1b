//! Parse-don't-validate domain types: a value of these types is valid by construction.

use std::fmt;

/// Why a value was refused; the message is in French, ready to show beside the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainError(pub String);

impl fmt::Display for DomainError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for DomainError {}

/// Shortest password accepted, in characters.
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Longest password accepted, in characters. Never truncated: longer is refused.
pub const PASSWORD_MAX_CHARS: usize = 128;

/// A new password that satisfies the policy (12 to 128 characters).
///
/// Its `Debug` never shows the value, so it cannot leak into a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Accepts 12 to 128 characters (Unicode scalar values), anything else is refused.
    pub fn parse(candidate: &str) -> Result<Self, DomainError> {
        let length = candidate.chars().count();
        if length < PASSWORD_MIN_CHARS {
            return Err(DomainError(format!(
                "Le mot de passe doit contenir au moins {PASSWORD_MIN_CHARS} caractères."
            )));
        }
        if length > PASSWORD_MAX_CHARS {
            return Err(DomainError(format!(
                "Le mot de passe doit contenir au plus {PASSWORD_MAX_CHARS} caractères."
            )));
        }
        Ok(Self(candidate.to_owned()))
    }

    /// The password itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Password(***)")
    }
}

/// A syntactically valid email address, trimmed, at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Accepts `local@domain.tld` with no spaces; the check is deliberately simple, since
    /// only a message that arrives proves an address.
    pub fn parse(candidate: &str) -> Result<Self, DomainError> {
        let trimmed = candidate.trim();
        let invalid = || DomainError("Adresse e-mail invalide.".to_owned());
        if trimmed.is_empty() || trimmed.len() > 254 || trimmed.chars().any(char::is_whitespace) {
            return Err(invalid());
        }
        let Some((local, domain)) = trimmed.rsplit_once('@') else {
            return Err(invalid());
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The address as typed (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Compares two addresses the way people expect: case does not matter.
    pub fn matches(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_between_12_and_128_characters_are_accepted() {
        assert!(Password::parse("abcdefghijkl").is_ok());
        assert!(Password::parse(&"é".repeat(128)).is_ok());
        assert!(Password::parse("abcdefghijk").is_err());
        assert!(Password::parse(&"a".repeat(129)).is_err());
    }

    #[test]
    fn password_debug_hides_the_value() {
        let password = Password::parse("très-secret-123").unwrap_or_else(|_| unreachable!());
        assert!(!format!("{password:?}").contains("secret"));
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(EmailAddress::parse(" parent@example.fr ").is_ok());
        for bad in [
            "",
            "parent",
            "parent@",
            "@example.fr",
            "parent@example",
            "a b@example.fr",
            "a@.fr",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad} should be refused");
        }
        let email = EmailAddress::parse("Parent@Example.fr").unwrap_or_else(|_| unreachable!());
        assert!(email.matches("parent@example.FR"));
    }
}
