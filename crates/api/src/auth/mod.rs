//! Signing in: login, sessions and refresh tokens, logout, password recovery and
//! change, "who am I"; with bcrypt off the executor and strict access tokens.

pub mod client;
pub mod device;
mod emails;
pub mod http;
pub mod jwt;
pub mod password;
pub mod password_policy;
pub mod service;
pub mod store;

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh random token of 256 bits, hex-encoded, for refresh cookies and reset links.
pub fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The stored form of an opaque token: its SHA-256. The tokens carry 256 random bits, so
/// a fast hash is enough; the database never holds a usable token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// HMAC-SHA256 (RFC 2104) of `message` under `key`, hex-encoded.
fn hmac_sha256(key: &[u8], message: &str) -> String {
    const BLOCK: usize = 64;
    let mut block_key = [0_u8; BLOCK];
    if key.len() > BLOCK {
        block_key[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block_key[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block_key.map(|key_byte| key_byte ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message.as_bytes())
        .finalize();
    let outer = Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize();
    hex::encode(outer)
}

/// Compares two strings in a time that does not depend on where they first differ.
fn same_secret(left: &str, right: &str) -> bool {
    left.len() == right.len()
        && left
            .bytes()
            .zip(right.bytes())
            .fold(0_u8, |difference, (a, b)| difference | (a ^ b))
            == 0
}

/// A refresh token: `<session id>.<256 random bits>.<signature>`.
///
/// The session id lets the server find the session from any of its tokens, current or
/// long replaced, so that presenting a replaced one (a copy) ends the session. The
/// signature (HMAC with the server's secret) proves the server issued the token for that
/// session: without it, anyone could end any session by naming its small id.
pub struct RefreshToken {
    /// The session the token was issued for.
    pub session_id: i64,
    /// The stored form of the random part (see [`hash_token`]).
    pub hash: String,
    /// Whether the signature is the server's.
    pub genuine: bool,
}

impl RefreshToken {
    /// A new token for a session whose random part is `random`: the cookie's value.
    pub fn issue(key: &[u8], session_id: i64, random: &str) -> String {
        let signature = hmac_sha256(key, &format!("refresh:{session_id}.{random}"));
        format!("{session_id}.{random}.{signature}")
    }

    /// Reads a presented token; `None` when it is not of this form at all (a token from
    /// before this form existed, or garbage).
    pub fn parse(key: &[u8], token: &str) -> Option<Self> {
        let mut parts = token.splitn(3, '.');
        let session_id: i64 = parts.next()?.parse().ok()?;
        let random = parts.next()?;
        let signature = parts.next()?;
        if random.len() != 64 || !random.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return None;
        }
        let expected = hmac_sha256(key, &format!("refresh:{session_id}.{random}"));
        Some(Self {
            session_id,
            hash: hash_token(random),
            genuine: same_secret(&expected, signature),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_the_rfc_4231_test_vector() {
        // RFC 4231, test case 2.
        assert_eq!(
            hmac_sha256(b"Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_token_is_genuine_only_with_the_servers_signature() {
        let random = random_token();
        let token = RefreshToken::issue(b"key", 42, &random);
        assert!(RefreshToken::parse(b"key", &token).is_some_and(|parsed| {
            parsed.genuine && parsed.session_id == 42 && parsed.hash == hash_token(&random)
        }));
        assert!(RefreshToken::parse(b"other key", &token).is_some_and(|parsed| !parsed.genuine));
        let forged = format!("42.{random}.{}", "0".repeat(64));
        assert!(RefreshToken::parse(b"key", &forged).is_some_and(|parsed| !parsed.genuine));
        assert!(RefreshToken::parse(b"key", "legacy-token").is_none());
    }
}
