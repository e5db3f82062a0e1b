//! The harness of Tutti's black-box tests.
//!
//! Every test starts the real application on port 0, with its own fresh database (a
//! SQLite file in a temporary folder, or a fresh PostgreSQL database when
//! `TEST_DATABASE_URL` is set), seeds the demo data, and then talks to it over HTTP only,
//! through the typed helpers of [`TestApp`]. The few peeks at the database (the outbox,
//! the audit log, a reset token's expiry) go through [`TestApp::sql`] and
//! [`TestApp::query`], with raw SQL, so the tests never share code with the server.
//!
//! Write a test once with [`both!`]: it runs on SQLite and on PostgreSQL, and a failure
//! names the backend (`reset::a_used_token_is_refused::on_postgres`).

#![expect(
    clippy::expect_used,
    reason = "a test harness fails loudly, with the reason"
)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::connection::SimpleConnection as _;
use diesel::prelude::*;
use diesel::query_builder::SqlQuery;
use diesel::query_dsl::methods::LoadQuery;
use diesel::sql_types::{Nullable, Text};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tempfile::TempDir;

pub use reqwest::{Client, Response, StatusCode};
pub use tutti_shared::{
    AccountInfo, ApiErrorBody, ErrorCode, FamilyListItem, MessageResponse, Page, SessionResponse,
    SiteSummary,
};

/// The JWT secret every test server uses (64 hex characters, 256 bits), so tests can
/// forge tokens that the server would accept, and then spoil them one way at a time.
pub const TEST_JWT_SECRET: &str =
    "6b1f0c3e9a4d27e85f0b6c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f7";

/// The public address the test servers put into emailed links.
pub const TEST_PUBLIC_URL: &str = "http://portail.tutti.test";

/// The cookie that carries the refresh token.
pub const REFRESH_COOKIE: &str = "tutti_refresh";

/// The header the SPA sends with every call, without which `/auth/refresh` and
/// `/auth/logout` answer 403 (a page of another origin cannot add it to a form post).
pub const CLIENT_HEADER: (&str, &str) = ("x-tutti-client", "web");

/// The demo data that `seed-demo` creates (see the contract).
pub mod demo {
    /// The demo site's slug.
    pub const SITE: &str = "conservatoire";
    /// Famille Martin's guardian account.
    pub const FAMILY_LOGIN: &str = "famille.demo";
    /// Famille Durand's account.
    pub const DURAND_LOGIN: &str = "famille.durand";
    /// Both family accounts share this password.
    pub const FAMILY_PASSWORD: &str = "Demo-Famille-2026";
    /// The staff account of the demo site.
    pub const STAFF_LOGIN: &str = "admin.demo";
    /// The staff account's password.
    pub const STAFF_PASSWORD: &str = "Demo-Admin-2026";
}

/// The JWT signing key the server derives from [`TEST_JWT_SECRET`] (its hex decoding).
pub fn test_jwt_key() -> Vec<u8> {
    hex::decode(TEST_JWT_SECRET).expect("TEST_JWT_SECRET is hexadecimal")
}

/// Which database a test server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in the test's temporary folder.
    Sqlite,
    /// A fresh database on the server named by `TEST_DATABASE_URL`.
    Postgres,
}

impl Backend {
    /// Whether this backend can run here. SQLite always can; PostgreSQL needs
    /// `TEST_DATABASE_URL`. Under CI a missing `TEST_DATABASE_URL` is a failure, not a
    /// skip: a green run must mean both backends passed.
    pub fn available(self) -> bool {
        match self {
            Backend::Sqlite => true,
            Backend::Postgres => {
                if postgres_admin_url().is_some() {
                    return true;
                }
                assert!(
                    std::env::var_os("CI").is_none(),
                    "CI is set but TEST_DATABASE_URL is not: the PostgreSQL half of the suite would be skipped"
                );
                eprintln!(
                    "TEST_DATABASE_URL is unset: skipping the PostgreSQL variant of this test"
                );
                false
            }
        }
    }
}

fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// Writes one test twice, `on_sqlite` and `on_postgres`, inside a module named after it.
/// (An illustration, not a doc-test: the macro needs a test crate and a database.)
///
/// ```text
/// both! {
///     async fn a_family_reads_its_own_account(app) {
///         let session = app.login_ok(demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;
///     }
/// }
/// // or, to spawn the app yourself (extra variables, an SMTP sink):
/// both! {
///     async fn emails_go_out_over_smtp(backend: Backend) { ... }
/// }
/// ```
#[macro_export]
macro_rules! both {
    ($(#[$meta:meta])* async fn $name:ident($app:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($app: $crate::TestApp) $body

            #[tokio::test]
            async fn on_sqlite() {
                body($crate::TestApp::spawn($crate::Backend::Sqlite).await).await;
            }

            #[tokio::test]
            async fn on_postgres() {
                if !$crate::Backend::Postgres.available() {
                    return;
                }
                body($crate::TestApp::spawn($crate::Backend::Postgres).await).await;
            }
        }
    };
    ($(#[$meta:meta])* async fn $name:ident($backend:ident : Backend) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($backend: $crate::Backend) $body

            #[tokio::test]
            async fn on_sqlite() {
                body($crate::Backend::Sqlite).await;
            }

            #[tokio::test]
            async fn on_postgres() {
                if !$crate::Backend::Postgres.available() {
                    return;
                }
                body($crate::Backend::Postgres).await;
            }
        }
    };
}

/// A fresh PostgreSQL database, dropped (connections and all) when the guard drops.
pub struct PostgresDatabase {
    admin_url: String,
    name: String,
}

impl PostgresDatabase {
    /// A fresh database and its URL, when `TEST_DATABASE_URL` is set.
    pub fn fresh() -> Option<(Self, String)> {
        postgres_admin_url().map(|admin_url| Self::create(&admin_url))
    }

    fn create(admin_url: &str) -> (Self, String) {
        let name = format!("tutti_test_{}", hex::encode(rand::random::<[u8; 8]>()));
        let mut admin = PgConnection::establish(admin_url).unwrap_or_else(|error| {
            panic!("cannot connect to TEST_DATABASE_URL ({admin_url}): {error}")
        });
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|error| panic!("cannot create the test database {name}: {error}"));
        let url = replace_database_name(admin_url, &name);
        (
            Self {
                admin_url: admin_url.to_owned(),
                name,
            },
            url,
        )
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // A blocking connection inside the test's async runtime is fine on a thread of
        // its own; FORCE ends the server's pooled connections first.
        let dropped = std::thread::spawn(move || -> Result<(), String> {
            let mut admin =
                PgConnection::establish(&admin_url).map_err(|error| error.to_string())?;
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .map_err(|error| error.to_string())
        })
        .join();
        if let Ok(Err(error)) | Err(error) = dropped.map_err(|_| "panicked".to_owned()) {
            eprintln!("could not drop test database {}: {error}", self.name);
        }
    }
}

/// `postgres://user@host:5432/postgres?x=y` with another database name.
fn replace_database_name(url: &str, name: &str) -> String {
    let (without_query, query) = match url.split_once('?') {
        Some((head, query)) => (head, Some(query)),
        None => (url, None),
    };
    let scheme_end = without_query.find("://").map_or(0, |index| index + 3);
    let base = match without_query[scheme_end..].find('/') {
        Some(slash) => &without_query[..scheme_end + slash],
        None => without_query,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

/// How to reach the test database for raw SQL.
#[derive(Debug, Clone)]
enum DatabaseTarget {
    Sqlite(PathBuf),
    Postgres(String),
}

/// A connection to the test database, for the few checks the API cannot show.
enum TestConnection {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl TestConnection {
    fn open(target: &DatabaseTarget) -> Self {
        match target {
            DatabaseTarget::Sqlite(path) => {
                let mut connection = SqliteConnection::establish(&path.to_string_lossy())
                    .unwrap_or_else(|error| panic!("cannot open {}: {error}", path.display()));
                connection
                    .batch_execute("PRAGMA busy_timeout = 5000;")
                    .expect("setting the SQLite busy timeout");
                TestConnection::Sqlite(connection)
            }
            DatabaseTarget::Postgres(url) => TestConnection::Postgres(
                PgConnection::establish(url)
                    .unwrap_or_else(|error| panic!("cannot connect to {url}: {error}")),
            ),
        }
    }
}

/// One outgoing email, as the outbox table holds it.
#[derive(Debug, Clone, QueryableByName)]
pub struct Email {
    /// The recipient.
    #[diesel(sql_type = Text, column_name = to_address)]
    pub to: String,
    /// The subject line.
    #[diesel(sql_type = Text)]
    pub subject: String,
    /// The plain-text body.
    #[diesel(sql_type = Text)]
    pub body_text: String,
    /// The HTML body, if any.
    #[diesel(sql_type = Nullable<Text>)]
    pub body_html: Option<String>,
    /// `outbox`, `pending`, `sending`, `sent` or `failed`.
    #[diesel(sql_type = Text)]
    pub status: String,
}

/// One row of the outbox with its delivery state, for the mail tests.
#[derive(Debug, Clone, QueryableByName)]
pub struct MailRow {
    /// The row's id.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub id: i64,
    /// The recipient.
    #[diesel(sql_type = Text)]
    pub to_address: String,
    /// The subject line.
    #[diesel(sql_type = Text)]
    pub subject: String,
    /// The plain-text body.
    #[diesel(sql_type = Text)]
    pub body_text: String,
    /// The HTML body.
    #[diesel(sql_type = Text)]
    pub body_html: String,
    /// `outbox`, `pending`, `sending`, `sent` or `failed`.
    #[diesel(sql_type = Text)]
    pub status: String,
    /// Delivery attempts so far.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub attempts: i32,
    /// Why the last attempt failed.
    #[diesel(sql_type = Nullable<Text>)]
    pub last_error: Option<String>,
}

/// One text column, for `SELECT x AS value ...`.
#[derive(Debug, Clone, QueryableByName)]
pub struct TextRow {
    /// The value.
    #[diesel(sql_type = Text)]
    pub value: String,
}

/// A running Tutti server with its own database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// The port the server listens on.
    pub port: u16,
    /// Which database this server uses.
    pub backend: Backend,
    /// The first "browser": a client with a cookie store.
    pub client: Client,
    vars: Vec<(String, String)>,
    database: DatabaseTarget,
    server: tokio::task::JoinHandle<()>,
    /// The server's database handle, for its count of trips to the blocking pool.
    db: tutti_api::db::Db,
    /// The server's password hasher, for its count of bcrypt verifications.
    hasher: tutti_api::auth::password::PasswordHasher,
    // Dropped after the server task is aborted: the database goes last.
    _postgres: Option<PostgresDatabase>,
    _data_dir: TempDir,
}

/// Builds the application and runs it in a task of the test's runtime.
async fn start_server(
    config: tutti_api::config::Config,
) -> (
    u16,
    tokio::task::JoinHandle<()>,
    tutti_api::db::Db,
    tutti_api::auth::password::PasswordHasher,
) {
    let application = tutti_api::startup::Application::build(config)
        .await
        .unwrap_or_else(|error| panic!("the application failed to build: {error:?}"));
    let port = application.port();
    let db = application.db();
    let hasher = application.hasher();
    let server = tokio::spawn(async move {
        if let Err(error) = application.run_until_stopped().await {
            eprintln!("test server stopped: {error}");
        }
    });
    (port, server, db, hasher)
}

/// Another server on a [`TestApp`]'s database; see [`TestApp::spawn_sibling`].
pub struct Instance {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TestApp {
    /// How many times the server has sent work to its blocking pool (see `Db::trips`).
    pub fn db_trips(&self) -> u64 {
        self.db.trips()
    }

    /// How many passwords the server has checked with bcrypt (logins and password
    /// changes, the dummy hash of unknown logins included).
    pub fn bcrypt_verifications(&self) -> u64 {
        self.hasher.verifications()
    }

    /// Starts a server on `backend` with the demo data.
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, Vec::new()).await
    }

    /// Starts a server on `backend` with extra (or overriding) `TUTTI_*` variables.
    pub async fn spawn_with(backend: Backend, extra: Vec<(&str, String)>) -> TestApp {
        let data_dir = tempfile::Builder::new()
            .prefix("tutti-test-")
            .tempdir()
            .expect("creating a temp dir");
        let (database_url, database, postgres) = match backend {
            Backend::Sqlite => {
                let path = data_dir.path().join("tutti-test.db");
                (
                    path.to_string_lossy().into_owned(),
                    DatabaseTarget::Sqlite(path),
                    None,
                )
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url()
                    .expect("TEST_DATABASE_URL must be set for PostgreSQL tests");
                let (guard, url) = PostgresDatabase::create(&admin_url);
                (url.clone(), DatabaseTarget::Postgres(url), Some(guard))
            }
        };
        let mut vars: Vec<(String, String)> = vec![
            ("TUTTI_DATABASE_URL".into(), database_url),
            ("TUTTI_BIND".into(), "127.0.0.1:0".into()),
            (
                "TUTTI_DATA_DIR".into(),
                data_dir.path().to_string_lossy().into_owned(),
            ),
            ("TUTTI_JWT_SECRET".into(), TEST_JWT_SECRET.into()),
            ("TUTTI_BCRYPT_COST".into(), "4".into()),
            ("TUTTI_PUBLIC_URL".into(), TEST_PUBLIC_URL.into()),
            ("TUTTI_DB_POOL_SIZE".into(), "4".into()),
        ];
        for (name, value) in extra {
            vars.retain(|(existing, _)| existing != name);
            vars.push((name.to_owned(), value));
        }

        let config = tutti_api::config::Config::from_vars(vars.clone())
            .expect("the test configuration is valid");
        let seed_config = config.clone();
        tokio::task::spawn_blocking(move || tutti_api::demo::seed_demo(&seed_config))
            .await
            .expect("seed_demo panicked")
            .unwrap_or_else(|error| panic!("seed_demo failed: {error:?}"));

        let (port, server, db, hasher) = start_server(config).await;

        TestApp {
            db,
            hasher,
            address: format!("http://127.0.0.1:{port}"),
            port,
            backend,
            client: Self::browser(),
            vars,
            database,
            server,
            _postgres: postgres,
            _data_dir: data_dir,
        }
    }

    /// Stops this server as a crash would (its mail worker stops wherever it is), and
    /// waits until it is gone, so that it cannot send anything more. The database stays.
    pub async fn stop(&mut self) {
        let server = std::mem::replace(&mut self.server, tokio::spawn(async {}));
        server.abort();
        let _ = server.await;
    }

    /// Stops this server (as a crash would: its mail worker stops mid-flight) and starts
    /// a new one on the same database and data folder, with `extra` variables changed.
    /// The new server listens on another port; `address` and `port` follow it.
    pub async fn restart_with(&mut self, extra: Vec<(&str, String)>) {
        self.stop().await;
        for (name, value) in extra {
            self.vars.retain(|(existing, _)| existing != name);
            self.vars.push((name.to_owned(), value));
        }
        let (port, server, db, hasher) = start_server(self.config()).await;
        self.server = server;
        self.db = db;
        self.hasher = hasher;
        self.port = port;
        self.address = format!("http://127.0.0.1:{port}");
    }

    /// A second server on the same database (another instance behind the same load
    /// balancer), with `extra` variables changed; it stops when the returned value drops.
    pub async fn spawn_sibling(&self, extra: Vec<(&str, String)>) -> Instance {
        let mut vars = self.vars.clone();
        for (name, value) in extra {
            vars.retain(|(existing, _)| existing != name);
            vars.push((name.to_owned(), value));
        }
        let config =
            tutti_api::config::Config::from_vars(vars).expect("the test configuration is valid");
        let (port, server, _, _) = start_server(config).await;
        Instance {
            address: format!("http://127.0.0.1:{port}"),
            server,
        }
    }

    fn browser() -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("building an HTTP client")
    }

    /// Another "browser" (device), with a cookie store of its own.
    pub fn new_client(&self) -> Client {
        Self::browser()
    }

    /// A client without a cookie store, for sending hand-made `Cookie` headers.
    pub fn bare_client(&self) -> Client {
        Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("building an HTTP client")
    }

    /// The configuration this server was built with (for the CLI tasks).
    pub fn config(&self) -> tutti_api::config::Config {
        tutti_api::config::Config::from_vars(self.vars.clone())
            .expect("the test configuration is valid")
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    // ----- HTTP helpers -----

    /// GET /api/v1/sites.
    pub async fn sites(&self) -> Vec<SiteSummary> {
        let response = self
            .client
            .get(self.url("/api/v1/sites"))
            .send()
            .await
            .expect("GET /api/v1/sites");
        assert_eq!(response.status(), StatusCode::OK, "GET /api/v1/sites");
        response.json().await.expect("a list of sites")
    }

    /// POST /api/v1/auth/login from the default client.
    pub async fn login(&self, site: &str, login: &str, password: &str) -> Response {
        self.login_with(&self.client, site, login, password).await
    }

    /// POST /api/v1/auth/login from `client`.
    pub async fn login_with(
        &self,
        client: &Client,
        site: &str,
        login: &str,
        password: &str,
    ) -> Response {
        self.post_json_with(
            client,
            "/api/v1/auth/login",
            &json!({"site": site, "login": login, "password": password}),
        )
        .await
    }

    /// Logs in from the default client and insists on success.
    pub async fn login_ok(&self, site: &str, login: &str, password: &str) -> SessionResponse {
        self.login_ok_with(&self.client, site, login, password)
            .await
    }

    /// Logs in from `client` and insists on success.
    pub async fn login_ok_with(
        &self,
        client: &Client,
        site: &str,
        login: &str,
        password: &str,
    ) -> SessionResponse {
        let response = self.login_with(client, site, login, password).await;
        expect_json(
            response,
            StatusCode::OK,
            &format!("login of {login} on {site}"),
        )
        .await
    }

    /// Logs Famille Martin in from `client`.
    pub async fn login_family(&self, client: &Client) -> SessionResponse {
        self.login_ok_with(
            client,
            demo::SITE,
            demo::FAMILY_LOGIN,
            demo::FAMILY_PASSWORD,
        )
        .await
    }

    /// Logs the demo staff account in from the default client.
    pub async fn login_staff(&self) -> SessionResponse {
        self.login_ok(demo::SITE, demo::STAFF_LOGIN, demo::STAFF_PASSWORD)
            .await
    }

    /// POST /api/v1/auth/refresh with whatever cookie `client` holds.
    pub async fn refresh(&self, client: &Client) -> Response {
        client
            .post(self.url("/api/v1/auth/refresh"))
            .header(CLIENT_HEADER.0, CLIENT_HEADER.1)
            .send()
            .await
            .expect("POST /api/v1/auth/refresh")
    }

    /// POST /api/v1/auth/refresh with a hand-made `Cookie: tutti_refresh=VALUE`.
    pub async fn refresh_with_cookie(&self, cookie_value: &str) -> Response {
        self.bare_client()
            .post(self.url("/api/v1/auth/refresh"))
            .header(CLIENT_HEADER.0, CLIENT_HEADER.1)
            .header(
                reqwest::header::COOKIE,
                format!("{REFRESH_COOKIE}={cookie_value}"),
            )
            .send()
            .await
            .expect("POST /api/v1/auth/refresh")
    }

    /// POST /api/v1/auth/logout with the client's cookie and the bearer token.
    pub async fn logout(&self, client: &Client, token: &str) -> Response {
        client
            .post(self.url("/api/v1/auth/logout"))
            .header(CLIENT_HEADER.0, CLIENT_HEADER.1)
            .bearer_auth(token)
            .send()
            .await
            .expect("POST /api/v1/auth/logout")
    }

    /// GET /api/v1/account with a bearer token.
    pub async fn account(&self, token: &str) -> Response {
        self.get_authorized("/api/v1/account", token).await
    }

    /// GET `path` with a bearer token.
    pub async fn get_authorized(&self, path: &str, token: &str) -> Response {
        self.bare_client()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET with a token")
    }

    /// PUT /api/v1/account/password.
    pub async fn change_password(&self, token: &str, current: &str, new: &str) -> Response {
        self.bare_client()
            .put(self.url("/api/v1/account/password"))
            .bearer_auth(token)
            .json(&json!({"current_password": current, "new_password": new}))
            .send()
            .await
            .expect("PUT /api/v1/account/password")
    }

    /// POST /api/v1/auth/password-reset.
    pub async fn request_reset(&self, site: &str, login: &str, email: &str) -> Response {
        self.post_json(
            "/api/v1/auth/password-reset",
            &json!({"site": site, "login": login, "email": email}),
        )
        .await
    }

    /// POST /api/v1/auth/password-reset/confirm.
    pub async fn confirm_reset(&self, token: &str, new_password: &str) -> Response {
        self.post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({"token": token, "new_password": new_password}),
        )
        .await
    }

    /// GET /api/v1/admin/families with a query string such as `?q=Mart`.
    pub async fn admin_families(&self, token: &str, query: &str) -> Response {
        self.get_authorized(&format!("/api/v1/admin/families{query}"), token)
            .await
    }

    /// POST a JSON body from the default client.
    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.post_json_with(&self.client, path, body).await
    }

    /// POST a JSON body from `client`.
    pub async fn post_json_with(&self, client: &Client, path: &str, body: &Value) -> Response {
        client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap_or_else(|error| panic!("POST {path}: {error}"))
    }

    /// POST a raw body with a content type.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: &'static str) -> Response {
        self.bare_client()
            .post(self.url(path))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .unwrap_or_else(|error| panic!("POST {path}: {error}"))
    }

    // ----- Database peeks -----

    /// Runs raw SQL statements on the test database; returns the rows affected.
    pub fn sql(&self, statement: &str) -> usize {
        match TestConnection::open(&self.database) {
            TestConnection::Sqlite(mut connection) => {
                diesel::sql_query(statement).execute(&mut connection)
            }
            TestConnection::Postgres(mut connection) => {
                diesel::sql_query(statement).execute(&mut connection)
            }
        }
        .unwrap_or_else(|error| panic!("SQL failed: {statement}: {error}"))
    }

    /// Runs a raw SELECT on the test database.
    pub fn query<T>(&self, statement: &str) -> Vec<T>
    where
        T: 'static,
        SqlQuery: LoadQuery<'static, SqliteConnection, T> + LoadQuery<'static, PgConnection, T>,
    {
        match TestConnection::open(&self.database) {
            TestConnection::Sqlite(mut connection) => {
                diesel::sql_query(statement).load::<T>(&mut connection)
            }
            TestConnection::Postgres(mut connection) => {
                diesel::sql_query(statement).load::<T>(&mut connection)
            }
        }
        .unwrap_or_else(|error| panic!("SQL failed: {statement}: {error}"))
    }

    /// Every email the server queued or sent, oldest first.
    pub fn outbox(&self) -> Vec<Email> {
        self.query("SELECT to_address, subject, body_text, body_html, status FROM outgoing_emails ORDER BY id")
    }

    /// Every outbox row with its delivery state, oldest first.
    pub fn mail_rows(&self) -> Vec<MailRow> {
        self.query(
            "SELECT id, to_address, subject, body_text, body_html, status, attempts, last_error \
             FROM outgoing_emails ORDER BY id",
        )
    }

    /// Waits (up to `seconds`) until `check` finds what it wants among the outbox rows.
    pub async fn wait_for_mail_rows<T>(
        &self,
        seconds: u64,
        what: &str,
        check: impl Fn(&[MailRow]) -> Option<T>,
    ) -> T {
        let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
        loop {
            let rows = self.mail_rows();
            if let Some(found) = check(&rows) {
                return found;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{what}: not within {seconds} s; outbox: {:#?}",
                rows.iter()
                    .map(|row| (
                        row.id,
                        &row.subject,
                        &row.status,
                        row.attempts,
                        &row.last_error
                    ))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The newest email to `to`, if any.
    pub fn last_email_to(&self, to: &str) -> Option<Email> {
        self.outbox()
            .into_iter()
            .rev()
            .find(|email| email.to.eq_ignore_ascii_case(to))
    }

    /// Waits (up to 10 s) until there are more than `already` emails to `to`, and returns
    /// the newest. The server records emails in the background, after it has answered.
    pub async fn wait_for_email_to(&self, to: &str, already: usize) -> Email {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let emails: Vec<Email> = self
                .outbox()
                .into_iter()
                .filter(|email| email.to.eq_ignore_ascii_case(to))
                .collect();
            if emails.len() > already {
                return emails.into_iter().next_back().expect("at least one email");
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no new email to {to} within 10 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// How many emails to `to` the outbox holds.
    pub fn emails_to(&self, to: &str) -> usize {
        self.outbox()
            .iter()
            .filter(|email| email.to.eq_ignore_ascii_case(to))
            .count()
    }

    /// The reset token in the newest email to `to`, waiting (up to 10 s) for a first one.
    pub async fn reset_token_from_outbox(&self, to: &str) -> String {
        let sent = self.wait_for_email_to(to, 0).await;
        reset_token_in(&sent.body_text)
            .unwrap_or_else(|| panic!("no #token= in the email body:\n{}", sent.body_text))
    }

    /// Requests a reset and returns the token of the email it sends (outbox mode: the
    /// stored body holds the link).
    pub async fn reset_token_for(&self, site: &str, login: &str, email: &str) -> String {
        let already = self.emails_to(email);
        let response = self.request_reset(site, login, email).await;
        assert_eq!(
            response.status(),
            StatusCode::ACCEPTED,
            "password reset request for {login}"
        );
        let sent = self.wait_for_email_to(email, already).await;
        reset_token_in(&sent.body_text)
            .unwrap_or_else(|| panic!("no #token= in the email body:\n{}", sent.body_text))
    }

    /// The `action` column of the audit log, oldest first.
    pub fn audit_actions(&self) -> Vec<String> {
        self.query::<TextRow>("SELECT action AS value FROM audit_log ORDER BY id")
            .into_iter()
            .map(|row| row.value)
            .collect()
    }

    /// Requests a reset for an account and sets `new_password` through the emailed link.
    pub async fn set_password_through_reset(
        &self,
        site: &str,
        login: &str,
        email: &str,
        new_password: &str,
    ) {
        let token = self.reset_token_for(site, login, email).await;
        let response = self.confirm_reset(&token, new_password).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "password reset confirmation for {login}"
        );
    }
}

/// The token of the first `#token=...` in a text.
pub fn reset_token_in(text: &str) -> Option<String> {
    let start = text.find("#token=")? + "#token=".len();
    let token: String = text[start..]
        .chars()
        .take_while(|character| character.is_ascii_alphanumeric() || "-_.~%".contains(*character))
        .collect();
    (!token.is_empty()).then_some(token)
}

/// The reset link (`{public_url}/mot-de-passe/nouveau#token=...`) in a text, if any.
pub fn reset_link_in(text: &str, public_url: &str) -> Option<String> {
    let prefix = format!("{public_url}{}#token=", tutti_shared::RESET_PAGE_PATH);
    let start = text.find(&prefix)?;
    let token = reset_token_in(&text[start..])?;
    Some(format!("{prefix}{token}"))
}

/// Checks the status, then decodes the JSON body (with the body in the message if not).
pub async fn expect_json<T: DeserializeOwned>(
    response: Response,
    status: StatusCode,
    what: &str,
) -> T {
    let got = response.status();
    let text = response.text().await.unwrap_or_default();
    assert_eq!(
        got, status,
        "{what}: expected {status}, got {got} with body {text}"
    );
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{what}: cannot decode {text}: {error}"))
}

/// Checks the status and decodes the error envelope.
pub async fn expect_error(response: Response, status: StatusCode, what: &str) -> ApiErrorBody {
    expect_json(response, status, what).await
}

/// The value of the refresh cookie set by a response, if it sets one.
pub fn refresh_cookie_value(response: &Response) -> Option<String> {
    refresh_set_cookie(response).and_then(|header| {
        let first = header.split(';').next()?.trim();
        let (name, value) = first.split_once('=')?;
        (name.trim() == REFRESH_COOKIE).then(|| value.trim().to_owned())
    })
}

/// The raw `Set-Cookie` header of the refresh cookie, if the response sets one.
pub fn refresh_set_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| {
            value
                .trim_start()
                .starts_with(&format!("{REFRESH_COOKIE}="))
        })
        .map(str::to_owned)
}

/// A header's value as text ("" when absent).
pub fn header(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

// ----- Tokens -----

/// The claims of a JWT, read without checking anything.
pub fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT has three parts");
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .expect("the payload is base64url");
    serde_json::from_slice(&bytes).expect("the payload is JSON")
}

/// Signs `claims` with `secret` and `algorithm` (HMAC family).
pub fn forge_token(claims: &Value, secret: &[u8], algorithm: jsonwebtoken::Algorithm) -> String {
    let key = jsonwebtoken::EncodingKey::from_secret(secret).expect("a non-empty secret");
    jsonwebtoken::encode(&jsonwebtoken::Header::new(algorithm), claims, &key)
        .expect("encoding a JWT")
}

/// An unsigned token: header `{"alg":"none","typ":"JWT"}`, the claims, an empty signature.
pub fn unsigned_token(claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.")
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

// ----- An SMTP sink -----

/// A local SMTP server (aiosmtpd) that stores every message in a Maildir; killed on drop.
pub struct SmtpSink {
    /// The port it listens on.
    pub port: u16,
    child: std::process::Child,
    maildir: TempDir,
}

impl SmtpSink {
    /// Starts `python3 -m aiosmtpd` on a free port and waits until it accepts connections.
    pub async fn start() -> SmtpSink {
        let probe = std::process::Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .output()
            .expect("python3 is needed for the SMTP sink");
        assert!(
            probe.status.success(),
            "the SMTP tests need aiosmtpd: run `pip install aiosmtpd` (make test installs it)"
        );
        let port = free_port();
        let maildir = tempfile::Builder::new()
            .prefix("tutti-mail-")
            .tempdir()
            .expect("creating a maildir");
        let child = std::process::Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            // Python's Maildir makes its tmp/new/cur folders only when it creates the top one.
            .arg(maildir.path().join("Maildir"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("starting python3 -m aiosmtpd");
        let mut sink = SmtpSink {
            port,
            child,
            maildir,
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return sink;
            }
            if let Ok(Some(status)) = sink.child.try_wait() {
                panic!("aiosmtpd exited at start-up with {status}");
            }
            assert!(
                std::time::Instant::now() < deadline,
                "aiosmtpd did not listen on port {port} within 10 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `smtp://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Waits (up to 10 s) for the first message and returns its raw bytes.
    pub async fn wait_for_message(&self) -> Option<Vec<u8>> {
        let new = self.maildir.path().join("Maildir").join("new");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(path) = first_file(&new) {
                return Some(std::fs::read(&path).expect("reading the delivered message"));
            }
            if std::time::Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl SmtpSink {
    /// Every message delivered so far (raw bytes), in no particular order.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let new = self.maildir.path().join("Maildir").join("new");
        let Ok(entries) = std::fs::read_dir(&new) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.is_file())
            .map(|path| std::fs::read(&path).expect("reading a delivered message"))
            .collect()
    }

    /// Waits (up to `seconds`) until at least `count` messages arrived, and returns them.
    pub async fn wait_for_messages(&self, count: usize, seconds: u64) -> Vec<Vec<u8>> {
        let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
        loop {
            let messages = self.messages();
            if messages.len() >= count || std::time::Instant::now() > deadline {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The decoded `Subject` of a raw message.
pub fn subject_of(raw: &[u8]) -> String {
    use mailparse::MailHeaderMap as _;
    mailparse::parse_mail(raw)
        .expect("the delivered message is MIME")
        .headers
        .get_first_value("Subject")
        .unwrap_or_default()
}

/// An SMTP server that accepts connections and then says nothing, ever: what a stuck
/// relay looks like. Counts the connections it accepted; stops when dropped.
pub struct SilentSmtpServer {
    /// The port it listens on.
    pub port: u16,
    connections: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl SilentSmtpServer {
    /// Listens on a free port.
    pub async fn start() -> SilentSmtpServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the silent SMTP server");
        let port = listener.local_addr().expect("its address").port();
        let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = std::sync::Arc::clone(&connections);
        let task = tokio::spawn(async move {
            // Held open, never written to, never read.
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                held.push(socket);
            }
        });
        SilentSmtpServer {
            port,
            connections,
            task,
        }
    }

    /// `smtp://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// How many connections it accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for SilentSmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn first_file(folder: &Path) -> Option<PathBuf> {
    std::fs::read_dir(folder)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.is_file())
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("finding a free port")
        .port()
}

/// The decoded text of every part of a MIME message (quoted-printable and base64 undone).
pub fn decoded_bodies(raw: &[u8]) -> Vec<String> {
    fn collect(part: &mailparse::ParsedMail<'_>, out: &mut Vec<String>) {
        if part.subparts.is_empty()
            && let Ok(body) = part.get_body()
        {
            out.push(body);
        }
        for sub in &part.subparts {
            collect(sub, out);
        }
    }
    let parsed = mailparse::parse_mail(raw).expect("the delivered message is MIME");
    let mut bodies = Vec::new();
    collect(&parsed, &mut bodies);
    bodies
}

/// A local S3-compatible server (moto's) with one bucket; killed on drop.
pub struct S3Server {
    /// The port it listens on.
    pub port: u16,
    /// The bucket the tests use.
    pub bucket: String,
    child: std::process::Child,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl S3Server {
    /// Starts `python3 -m moto.server` on a free port and creates the bucket `tutti-test`.
    pub async fn start() -> S3Server {
        let probe = std::process::Command::new("python3")
            .args(["-c", "import moto.server"])
            .output()
            .expect("python3 is needed for the S3 server");
        assert!(
            probe.status.success(),
            "the S3 tests need moto: run `pip install 'moto[server]'` (make test installs it)"
        );
        let port = free_port();
        let child = std::process::Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("starting python3 -m moto.server");
        let mut server = S3Server {
            port,
            bucket: "tutti-test".to_owned(),
            child,
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let client = reqwest::Client::new();
        loop {
            if let Ok(response) = client
                .put(format!("{}/{}", server.endpoint(), server.bucket))
                .send()
                .await
                && response.status().is_success()
            {
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("moto exited at start-up with {status}");
            }
            assert!(
                std::time::Instant::now() < deadline,
                "moto did not answer on port {port} within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The server's variables for `TUTTI_STORAGE_URL=s3://BUCKET/PREFIX`.
    pub fn vars(&self, prefix: &str) -> Vec<(&'static str, String)> {
        vec![
            (
                "TUTTI_STORAGE_URL",
                format!("s3://{}/{prefix}", self.bucket),
            ),
            ("AWS_ENDPOINT", self.endpoint()),
            ("AWS_ALLOW_HTTP", "true".to_owned()),
            ("AWS_ACCESS_KEY_ID", "test".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "test".to_owned()),
            ("AWS_REGION", "us-east-1".to_owned()),
        ]
    }

    /// The keys stored in the bucket (at most 1000).
    pub async fn keys(&self) -> Vec<String> {
        let listing = reqwest::Client::new()
            .get(format!("{}/{}?list-type=2", self.endpoint(), self.bucket))
            .send()
            .await
            .expect("listing the bucket")
            .text()
            .await
            .expect("the listing");
        listing
            .split("<Key>")
            .skip(1)
            .filter_map(|part| part.split_once("</Key>").map(|(key, _)| key.to_owned()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_replaced_and_the_query_kept() {
        assert_eq!(
            replace_database_name("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            replace_database_name("postgres://u:p@h/db?sslmode=disable", "t2"),
            "postgres://u:p@h/t2?sslmode=disable"
        );
        assert_eq!(
            replace_database_name("postgres://h:5432", "t3"),
            "postgres://h:5432/t3"
        );
    }

    #[test]
    fn a_reset_token_is_read_up_to_the_end_of_the_link() {
        let text = "Lien : http://x.test/mot-de-passe/nouveau#token=abc-DEF_123\nÀ bientôt";
        assert_eq!(reset_token_in(text).as_deref(), Some("abc-DEF_123"));
        assert_eq!(
            reset_link_in(text, "http://x.test").as_deref(),
            Some("http://x.test/mot-de-passe/nouveau#token=abc-DEF_123")
        );
        assert_eq!(
            reset_token_in(r#"<a href="/p#token=zz">"#).as_deref(),
            Some("zz")
        );
    }

    #[test]
    fn an_unsigned_token_has_an_empty_signature() {
        let token = unsigned_token(&json!({"sub": "1"}));
        assert!(token.ends_with('.'));
        assert_eq!(claims_of(&token), json!({"sub": "1"}));
    }
}
