//! Short-lived access tokens (JWT, HS256).
//!
//! Validation is strict: one algorithm, and `exp`, `iat`, `iss`, `aud` and `typ` are all
//! required and checked, with no leeway, so that no other token (refresh, reset, or a
//! token of another deployment) is ever accepted as an access token.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// Issuer of every token.
pub const ISSUER: &str = "tutti";
/// Audience of access tokens.
pub const AUDIENCE: &str = "tutti-api";
/// The only token type accepted by the API.
pub const ACCESS_TYPE: &str = "access";
/// Lifetime of an access token, in seconds.
pub const ACCESS_TOKEN_SECONDS: i64 = 15 * 60;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The account id.
    pub sub: String,
    /// The server-side session; revoked sessions make their tokens useless.
    pub sid: i64,
    /// The account's site.
    pub site: i64,
    /// The account's role.
    pub role: String,
    /// Token type; must be `access`.
    pub typ: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

/// Signing and verification keys, built once at start-up.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtKeys {
    /// Builds the keys from the secret bytes (at least 32).
    pub fn new(secret: &[u8]) -> Result<Self, jsonwebtoken::errors::Error> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.validate_exp = true;
        validation.validate_nbf = false;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        Ok(Self {
            encoding: EncodingKey::from_secret(secret)?,
            decoding: DecodingKey::from_secret(secret)?,
            validation,
        })
    }

    /// Issues an access token for a session.
    pub fn issue(
        &self,
        account_id: i64,
        session_id: i64,
        site_id: i64,
        role: &str,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: account_id.to_string(),
            sid: session_id,
            site: site_id,
            role: role.to_owned(),
            typ: ACCESS_TYPE.to_owned(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            iat: now,
            exp: now + ACCESS_TOKEN_SECONDS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// Verifies a token; `None` for anything that is not a valid, current access token.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        let claims = data.claims;
        let now = chrono::Utc::now().timestamp();
        if claims.typ != ACCESS_TYPE || claims.iat > now + 5 {
            return None;
        }
        Some(claims)
    }
}
