//! Device cookies (OWASP's "device cookie" answer to lock-out by a stranger).
//!
//! A browser that signed in to an account carries a signed cookie naming that account
//! (its site and identifiant) with a random nonce. Its attempts on that account are
//! throttled on a key of their own (`device:NONCE`), not on the account's key, so a
//! stranger who keeps the account locked with wrong passwords does not lock out the
//! family's own browsers. A forged, altered or another account's cookie is simply no
//! device cookie: the account's lock applies.
//!
//! The cookie is an HS256 token signed with a key derived from the JWT secret, so it can
//! never pass for an access token and needs no storage; each success issues a new one.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::DomainError;

/// How long a device stays known without a new login.
pub const DEVICE_COOKIE_DAYS: i64 = 365;
/// The cookies' common prefix; each account's has its own name (see [`cookie_name`]).
pub const DEVICE_COOKIE_PREFIX: &str = "tutti_device_";
const DEVICE_TYPE: &str = "device";

#[derive(Debug, Serialize, Deserialize)]
struct DeviceClaims {
    /// Which account: a digest of its site and identifiant, not the identifiant itself.
    sub: String,
    /// The device's own throttle key.
    nonce: String,
    typ: String,
    iat: i64,
    exp: i64,
}

/// The account a cookie is for: SHA-256 of site and identifiant, as typed at login.
fn account_digest(site: &str, login: &str) -> String {
    hex::encode(Sha256::digest(format!("{}\n{}", site.trim(), login.trim())))
}

/// The name of the device cookie for one account, so that a computer a family shares
/// keeps one per account.
pub fn cookie_name(site: &str, login: &str) -> String {
    let digest = account_digest(site, login);
    format!("{DEVICE_COOKIE_PREFIX}{}", &digest[..16])
}

/// Signs and checks device cookies.
pub struct DeviceKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl DeviceKeys {
    /// Derives the device key from the JWT secret: a key of its own, so that no device
    /// cookie ever verifies as an access token, nor the other way round.
    pub fn new(jwt_secret: &[u8]) -> Result<Self, DomainError> {
        let mut hasher = Sha256::new();
        hasher.update(b"tutti device cookie v1\0");
        hasher.update(jwt_secret);
        let key = hasher.finalize();
        let internal =
            |error: jsonwebtoken::errors::Error| DomainError::Internal(error.to_string());
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.validate_exp = true;
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Ok(Self {
            encoding: EncodingKey::from_secret(&key).map_err(internal)?,
            decoding: DecodingKey::from_secret(&key).map_err(internal)?,
            validation,
        })
    }

    /// A new device cookie value for the account with this site and identifiant.
    pub fn issue(&self, site: &str, login: &str) -> Result<String, DomainError> {
        let now = chrono::Utc::now().timestamp();
        let claims = DeviceClaims {
            sub: account_digest(site, login),
            nonce: super::random_token(),
            typ: DEVICE_TYPE.to_owned(),
            iat: now,
            exp: now + DEVICE_COOKIE_DAYS * 24 * 3600,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|error| DomainError::Internal(error.to_string()))
    }

    /// The device's nonce, when `value` is a genuine, unexpired device cookie for this
    /// site and identifiant; `None` for anything else.
    pub fn verify(&self, site: &str, login: &str, value: &str) -> Option<String> {
        let claims = jsonwebtoken::decode::<DeviceClaims>(value, &self.decoding, &self.validation)
            .ok()?
            .claims;
        (claims.typ == DEVICE_TYPE && claims.sub == account_digest(site, login))
            .then_some(claims.nonce)
    }
}

/// The throttle key of a known device.
pub fn throttle_key(nonce: &str) -> String {
    format!("device:{nonce}")
}
