//! Signing in: login, sessions and refresh tokens, logout, password recovery and
//! change, "who am I"; with bcrypt off the executor and strict access tokens.

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
