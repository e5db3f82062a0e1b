//! The database plumbing: the connection enum over both backends, the pool, migrations,
//! transactions, and the mapping of diesel's errors into the domain error. Besides the
//! features' `store` modules, this is the only code that speaks diesel (a test checks it).
//!
//! One connection type covers SQLite and PostgreSQL; the URL's scheme chooses. Handlers
//! never touch a connection on the async executor: [`Db::run`] moves the work (pool
//! checkout included) to the blocking thread pool.

pub mod schema;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::{Config, DatabaseKind};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
/// The PostgreSQL advisory lock key held while migrating ("TUTTI" in ASCII).
const MIGRATION_LOCK: i64 = 0x54_55_54_54_49;

/// A connection to either backend.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// PostgreSQL, for production and several API instances.
    Postgres(PgConnection),
    /// SQLite, the embedded default.
    Sqlite(SqliteConnection),
}

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A query failed.
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    /// No connection could be had from the pool.
    #[error("database pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// The database could not be reached at start-up.
    #[error("cannot connect to the database: {0}")]
    Connection(String),
    /// Migrations failed.
    #[error("migrations failed: {0}")]
    Migration(String),
    /// The blocking thread pool is gone (the server is shutting down).
    #[error("blocking pool unavailable")]
    Canceled,
}

/// The busy timeout comes first: the pool opens its connections at once, and switching
/// to WAL needs a lock that the others would otherwise fail on at once.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

/// Every pooled SQLite connection needs these: without WAL and a busy timeout, concurrent
/// writes fail with "database is locked"; foreign keys are off by default in SQLite.
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, connection: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(sqlite) = connection {
            sqlite
                .batch_execute(SQLITE_PRAGMAS)
                .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// A cheap-to-clone handle on the connection pool.
#[derive(Clone)]
pub struct Db {
    pool: Pool<ConnectionManager<DbConnection>>,
    kind: DatabaseKind,
    /// How many times work went to the blocking pool through [`Db::run`]: what a request
    /// costs in trips, read by tests and benchmarks.
    trips: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Db {
    /// Connects (creating the SQLite file and its folder if needed), runs pending
    /// migrations, and builds the pool. Blocking: call at start-up or off the executor.
    pub fn connect(config: &Config) -> Result<Self, DbError> {
        let url = connection_url(config)?;
        // Establish one connection by hand first: the pool (and the multi-connection
        // derive) would hide the real reason behind a generic message.
        let mut first = establish(config.database_kind, &url)?;
        run_migrations(&mut first)?;
        drop(first);
        let manager = ConnectionManager::<DbConnection>::new(url);
        let pool = Pool::builder()
            .max_size(config.db_pool_size)
            .connection_customizer(Box::new(SqlitePragmas))
            .build(manager)
            .map_err(|error| DbError::Connection(error.to_string()))?;
        Ok(Self {
            pool,
            kind: config.database_kind,
            trips: std::sync::Arc::default(),
        })
    }

    /// Which backend this is.
    pub fn kind(&self) -> DatabaseKind {
        self.kind
    }

    /// How many times [`Db::run`] has sent work to the blocking pool since start-up.
    pub fn trips(&self) -> u64 {
        self.trips.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A connection for blocking code (CLI tasks, start-up).
    pub fn get(&self) -> Result<PooledConnection<ConnectionManager<DbConnection>>, DbError> {
        Ok(self.pool.get()?)
    }

    /// [`Db::run`] for a service: its work fails with the domain error.
    pub async fn work<T, F>(&self, work: F) -> Result<T, crate::domain::DomainError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, crate::domain::DomainError> + Send + 'static,
        T: Send + 'static,
    {
        self.run(work).await
    }

    /// Runs `work` with a pooled connection on the blocking thread pool.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        self.trips
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let pool = self.pool.clone();
        let outcome = actix_web::web::block(move || {
            let mut connection = pool.get().map_err(|error| E::from(DbError::Pool(error)))?;
            work(&mut connection)
        })
        .await;
        match outcome {
            Ok(result) => result,
            Err(_) => Err(E::from(DbError::Canceled)),
        }
    }
}

fn connection_url(config: &Config) -> Result<String, DbError> {
    let url = config.database_url.expose().to_owned();
    if config.database_kind == DatabaseKind::Postgres {
        return Ok(url);
    }
    let path = url.strip_prefix("sqlite://").unwrap_or(&url).to_owned();
    if let Some(parent) = std::path::Path::new(&path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|error| {
            DbError::Connection(format!("cannot create {}: {error}", parent.display()))
        })?;
    }
    Ok(path)
}

fn establish(kind: DatabaseKind, url: &str) -> Result<DbConnection, DbError> {
    match kind {
        DatabaseKind::Postgres => PgConnection::establish(url)
            .map(DbConnection::Postgres)
            .map_err(|error| DbError::Connection(error.to_string())),
        DatabaseKind::Sqlite => {
            let mut connection = SqliteConnection::establish(url)
                .map_err(|error| DbError::Connection(error.to_string()))?;
            connection
                .batch_execute(SQLITE_PRAGMAS)
                .map_err(|error| DbError::Connection(error.to_string()))?;
            Ok(DbConnection::Sqlite(connection))
        }
    }
}

fn run_migrations(connection: &mut DbConnection) -> Result<(), DbError> {
    let outcome = match connection {
        DbConnection::Postgres(postgres) => {
            // Several instances may start at once on one database: one migrates at a time.
            postgres
                .batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
                .map_err(|error| DbError::Migration(error.to_string()))?;
            let outcome = postgres
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|_| ());
            postgres
                .batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
                .map_err(|error| DbError::Migration(error.to_string()))?;
            outcome
        }
        DbConnection::Sqlite(sqlite) => {
            sqlite.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ())
        }
    };
    outcome.map_err(|error| DbError::Migration(error.to_string()))
}

/// The current time in UTC, as stored (microsecond precision, so both backends agree).
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    chrono::DurationRound::duration_trunc(now, chrono::TimeDelta::microseconds(1)).unwrap_or(now)
}

/// Runs `work` in a transaction meant to write.
///
/// SQLite upgrades a deferred transaction's read lock to a write lock only at the first
/// write, and two transactions that both read first then fail at once with "database is
/// locked" (the busy timeout cannot help). Taking the write lock first, with a write that
/// changes nothing, makes concurrent writers queue behind the busy timeout instead.
/// PostgreSQL needs nothing: row locks and `WHERE version = ..` guards order the writers.
pub fn write_transaction<T, E, F>(connection: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    connection.transaction(|connection| {
        if let DbConnection::Sqlite(sqlite) = connection {
            sqlite.batch_execute("UPDATE sites SET id = id WHERE 0")?;
        }
        work(connection)
    })
}

/// What the services see of a failed query: not found stays not found, a unique
/// violation is a 409 `already_exists`, anything else an opaque internal error.
impl From<diesel::result::Error> for crate::domain::DomainError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            Error::NotFound => crate::domain::DomainError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                crate::domain::DomainError::already_exists("Cet enregistrement existe déjà.")
            }
            other => crate::domain::DomainError::Internal(other.to_string()),
        }
    }
}

/// Operator tasks use the stores directly, on their own connection.
impl From<diesel::result::Error> for crate::tasks::TaskError {
    fn from(error: diesel::result::Error) -> Self {
        crate::tasks::TaskError::Domain(error.into())
    }
}
