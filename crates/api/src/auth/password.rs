//! bcrypt hashing, always off the async executor.

use std::sync::Arc;

use crate::domain::DomainError;

/// Hashes and verifies passwords with a configured cost on the blocking thread pool.
///
/// At most one bcrypt runs per core but one: on the opening morning of a campaign, logins
/// queue for a permit instead of taking every core, so ordinary requests keep their
/// latency while logins run at the machine's limit.
#[derive(Clone)]
pub struct PasswordHasher {
    cost: u32,
    permits: Arc<tokio::sync::Semaphore>,
    /// A hash of a random password, verified against when the login does not exist, so
    /// that the time taken does not tell which logins exist.
    dummy_hash: Arc<String>,
    /// How many passwords were verified since start-up: what a guessing attack got
    /// checked, read by tests.
    verifications: Arc<std::sync::atomic::AtomicU64>,
}

impl PasswordHasher {
    /// Prepares a hasher; computing the dummy hash takes one bcrypt round (start-up only).
    pub fn new(cost: u32) -> Result<Self, bcrypt::BcryptError> {
        let dummy_hash = bcrypt::hash(super::random_token(), cost)?;
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        let permits = Arc::new(tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1)));
        Ok(Self {
            cost,
            permits,
            dummy_hash: Arc::new(dummy_hash),
            verifications: Arc::default(),
        })
    }

    /// Hashes a password (already checked by `Password::parse`).
    pub async fn hash(&self, password: String) -> Result<String, DomainError> {
        let cost = self.cost;
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|error| DomainError::Internal(error.to_string()))?;
        actix_web::web::block(move || bcrypt::hash(password, cost))
            .await
            .map_err(|error| DomainError::Internal(error.to_string()))?
            .map_err(|error| DomainError::Internal(error.to_string()))
    }

    /// Verifies a password against a stored hash, or against the dummy hash when there is
    /// none (unknown login, or an account that never set a password); the answer is then
    /// always false but takes as long.
    pub async fn verify(
        &self,
        password: String,
        stored_hash: Option<String>,
    ) -> Result<bool, DomainError> {
        let has_hash = stored_hash.is_some();
        let hash = stored_hash.unwrap_or_else(|| self.dummy_hash.as_str().to_owned());
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|error| DomainError::Internal(error.to_string()))?;
        self.verifications
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let matches =
            actix_web::web::block(move || bcrypt::verify(password, &hash).unwrap_or(false))
                .await
                .map_err(|error| DomainError::Internal(error.to_string()))?;
        Ok(has_hash && matches)
    }

    /// How many passwords were verified since start-up.
    pub fn verifications(&self) -> u64 {
        self.verifications
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The blocking hash, for CLI tasks that run outside the server.
    pub fn hash_blocking(&self, password: &str) -> Result<String, bcrypt::BcryptError> {
        bcrypt::hash(password, self.cost)
    }
}
