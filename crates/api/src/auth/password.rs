//! bcrypt hashing, always off the async executor.

use std::sync::Arc;

use crate::domain::DomainError;

/// Logins and password changes that may wait for a bcrypt slot by default; past it they
/// are answered 429 at once (`TUTTI_BCRYPT_QUEUE`).
pub const DEFAULT_QUEUE_LIMIT: usize = 64;
/// What a caller turned away by a full queue is told to wait, in seconds.
const QUEUE_FULL_RETRY_SECONDS: i64 = 2;

/// Hashes and verifies passwords with a configured cost on the blocking thread pool.
///
/// At most one bcrypt runs per core but one: on the opening morning of a campaign, logins
/// queue for a permit instead of taking every core, so ordinary requests keep their
/// latency while logins run at the machine's limit. The queue is bounded: a flood of
/// logins is turned away (429 with `Retry-After`) instead of piling up requests that
/// would time out anyway.
#[derive(Clone)]
pub struct PasswordHasher {
    cost: u32,
    permits: Arc<tokio::sync::Semaphore>,
    /// How many callers wait for a permit now, and how many may.
    waiting: Arc<std::sync::atomic::AtomicUsize>,
    queue_limit: usize,
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
            waiting: Arc::default(),
            queue_limit: DEFAULT_QUEUE_LIMIT,
            dummy_hash: Arc::new(dummy_hash),
            verifications: Arc::default(),
        })
    }

    /// The same hasher with another bound on its queue (at least 1).
    #[must_use]
    pub fn with_queue_limit(mut self, queue_limit: usize) -> Self {
        self.queue_limit = queue_limit.max(1);
        self
    }

    /// Waits for a bcrypt slot, unless too many callers wait already (then 429 at once).
    ///
    /// A login holds its slot from the moment it counts its attempt until it has recorded
    /// the outcome, so at most one attempt per slot is ever in flight: concurrent right
    /// passwords never look like a run of failures to the throttle.
    pub async fn slot(&self) -> Result<BcryptSlot, DomainError> {
        use std::sync::atomic::Ordering;
        let before = self.waiting.fetch_add(1, Ordering::AcqRel);
        let _waiting = WaitingGuard(Arc::clone(&self.waiting));
        if before >= self.queue_limit {
            return Err(DomainError::Limited {
                retry_after_seconds: QUEUE_FULL_RETRY_SECONDS,
            });
        }
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|error| DomainError::Internal(error.to_string()))?;
        Ok(BcryptSlot { _permit: permit })
    }

    /// Hashes a password (already checked by `Password::parse`).
    pub async fn hash(&self, password: String) -> Result<String, DomainError> {
        let cost = self.cost;
        let _slot = self.slot().await?;
        actix_web::web::block(move || bcrypt::hash(password, cost))
            .await
            .map_err(|error| DomainError::Internal(error.to_string()))?
            .map_err(|error| DomainError::Internal(error.to_string()))
    }

    /// Verifies a password against a stored hash, or against the dummy hash when there is
    /// none (unknown login, or an account that never set a password); the answer is then
    /// always false but takes as long. The caller holds a slot from [`Self::slot`].
    pub async fn verify(
        &self,
        _slot: &BcryptSlot,
        password: String,
        stored_hash: Option<String>,
    ) -> Result<bool, DomainError> {
        let has_hash = stored_hash.is_some();
        let hash = stored_hash.unwrap_or_else(|| self.dummy_hash.as_str().to_owned());
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

/// The right to run one bcrypt now; the slot is given back when this drops.
pub struct BcryptSlot {
    _permit: tokio::sync::OwnedSemaphorePermit,
}

/// Leaves the queue when the waiting caller gets its slot, is turned away, or gives up
/// (its request was dropped).
struct WaitingGuard(Arc<std::sync::atomic::AtomicUsize>);

impl Drop for WaitingGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}
