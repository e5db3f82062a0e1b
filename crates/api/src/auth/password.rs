//! bcrypt hashing, always off the async executor.

use std::sync::Arc;

use crate::error::AppError;

/// Hashes and verifies passwords with a configured cost on the blocking thread pool.
#[derive(Clone)]
pub struct PasswordHasher {
    cost: u32,
    /// A hash of a random password, verified against when the login does not exist, so
    /// that the time taken does not tell which logins exist.
    dummy_hash: Arc<String>,
}

impl PasswordHasher {
    /// Prepares a hasher; computing the dummy hash takes one bcrypt round (start-up only).
    pub fn new(cost: u32) -> Result<Self, bcrypt::BcryptError> {
        let dummy_hash = bcrypt::hash(super::random_token(), cost)?;
        Ok(Self { cost, dummy_hash: Arc::new(dummy_hash) })
    }

    /// Hashes a password (already checked by `Password::parse`).
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        let cost = self.cost;
        actix_web::web::block(move || bcrypt::hash(password, cost))
            .await
            .map_err(|error| AppError::Internal(error.to_string()))?
            .map_err(|error| AppError::Internal(error.to_string()))
    }

    /// Verifies a password against a stored hash, or against the dummy hash when there is
    /// none (unknown login, or an account that never set a password); the answer is then
    /// always false but takes as long.
    pub async fn verify(&self, password: String, stored_hash: Option<String>) -> Result<bool, AppError> {
        let has_hash = stored_hash.is_some();
        let hash = stored_hash.unwrap_or_else(|| self.dummy_hash.as_str().to_owned());
        let matches = actix_web::web::block(move || bcrypt::verify(password, &hash).unwrap_or(false))
            .await
            .map_err(|error| AppError::Internal(error.to_string()))?;
        Ok(has_hash && matches)
    }

    /// The blocking hash, for CLI tasks that run outside the server.
    pub fn hash_blocking(&self, password: &str) -> Result<String, bcrypt::BcryptError> {
        bcrypt::hash(password, self.cost)
    }
}
