//! Builds the HTTP server: state, middleware, routes, OpenAPI, the SPA.

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;

use actix_web::dev::{Server, Service};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::{App, HttpResponse, HttpServer, web};
use tutti_shared::ErrorCode;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::api;
use crate::auth::jwt::JwtKeys;
use crate::auth::password::PasswordHasher;
use crate::caller::AccessMap;
use crate::config::{Config, ConfigError};
use crate::db::{Db, DbError};
use crate::documents::storage::DocumentStore;
use crate::error::envelope;
use crate::mail::{EmailError, Mailer, Worker};
use crate::spa;
use crate::state::AppState;

/// Largest JSON body accepted by the API.
const JSON_LIMIT_BYTES: usize = 64 * 1024;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Email(#[from] EmailError),
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Other(String),
}

/// A built server, bound to its port, not yet running.
pub struct Application {
    server: Server,
    port: u16,
    /// Sends the outbox over SMTP; `None` in outbox mode.
    mail_worker: Option<Worker>,
    db: Db,
    /// The documents' files, for the periodic orphan sweep.
    documents: DocumentStore,
    hasher: PasswordHasher,
}

impl Application {
    /// Prepares everything (data dir, secret, migrations, pool) and binds the listener.
    pub async fn build(mut config: Config) -> Result<Self, StartupError> {
        config.ensure_jwt_secret()?;
        let jwt = JwtKeys::new(&config.jwt_key()?)
            .map_err(|error| StartupError::Other(format!("JWT key: {error}")))?;
        let blocking_config = config.clone();
        let (db, hasher) = tokio::task::spawn_blocking(move || {
            let db = Db::connect(&blocking_config)?;
            let hasher = PasswordHasher::new(blocking_config.bcrypt_cost)
                .map_err(|error| StartupError::Other(format!("bcrypt: {error}")))?
                .with_queue_limit(blocking_config.bcrypt_queue);
            Ok::<_, StartupError>((db, hasher))
        })
        .await
        .map_err(|error| StartupError::Other(error.to_string()))??;
        let mailer = Mailer::new(
            config.smtp_url.as_ref().map(|url| url.expose()),
            &config.mail_from,
        )?;
        let openapi = api::openapi();
        let access = AccessMap::from_openapi(&openapi).map_err(StartupError::Other)?;
        let mail_worker = mailer.worker(db.clone());
        let database = db.clone();
        let password_hasher = hasher.clone();
        let csp = content_security_policy(config.web_dir.as_deref());
        let strict_transport = config.secure_cookies();
        let listener = TcpListener::bind(config.bind)?;
        let port = listener.local_addr()?.port();
        let web_dir = config.web_dir.clone();
        let documents = DocumentStore::from_config(&config).map_err(StartupError::Other)?;
        let sweep_files = documents.clone();
        let state = web::Data::new(AppState {
            config: Arc::new(config),
            db,
            jwt,
            hasher,
            mailer,
            documents,
            access,
        });

        let server = HttpServer::new(move || {
            let (app, _) = App::new()
                .into_utoipa_app()
                .app_data(state.clone())
                .app_data(json_config())
                .app_data(query_config())
                .app_data(path_config())
                .map(|app| {
                    app.wrap_fn(|request, service| {
                        let is_api = request.path().starts_with("/api/");
                        let response = service.call(request);
                        async move {
                            let mut response = response.await?;
                            let headers = response.headers_mut();
                            if is_api {
                                // Personal data must never sit in a shared or browser cache.
                                headers.insert(
                                    header::CACHE_CONTROL,
                                    HeaderValue::from_static("no-store"),
                                );
                            } else if !headers.contains_key(header::CACHE_CONTROL) {
                                // The app's files keep stable names across releases: always
                                // revalidate (ETag), so a new release is picked up at once.
                                headers.insert(
                                    header::CACHE_CONTROL,
                                    HeaderValue::from_static("no-cache"),
                                );
                            }
                            Ok(response)
                        }
                    })
                    .wrap(security_headers(&csp, strict_transport))
                    .wrap(Compress::default())
                })
                .service(
                    utoipa_actix_web::scope("/api/v1")
                        .configure(api::configure)
                        .map(|scope| scope.default_service(web::to(api_not_found))),
                )
                .split_for_parts();
            let app = app
                .service(
                    SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", openapi.clone()),
                )
                .service(web::scope("/api").default_service(web::to(api_not_found)));
            let app = app.service(spa::robots_txt());
            match &web_dir {
                Some(dir) => app.default_service(spa::files(dir)),
                None => app.default_service(web::to(no_web_dir)),
            }
        })
        .listen(listener)?
        .run();
        Ok(Self {
            server,
            port,
            mail_worker,
            db: database,
            documents: sweep_files,
            hasher: password_hasher,
        })
    }

    /// The server's database handle (its trip counter, for tests and benchmarks).
    pub fn db(&self) -> Db {
        self.db.clone()
    }

    /// The server's password hasher (its count of verifications, for tests).
    pub fn hasher(&self) -> PasswordHasher {
        self.hasher.clone()
    }

    /// The port the server listens on (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process is stopped, with the mail worker alongside: it runs as
    /// long as the server does, and stops with it (a crash or a stop mid-send loses
    /// nothing: the claimed row is sent again once its lease expires).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let mail = async move {
            match self.mail_worker {
                Some(worker) => worker.run().await,
                None => std::future::pending().await,
            }
        };
        let sweeper = sweep_documents_periodically(self.db, self.documents);
        tokio::select! {
            result = self.server => result,
            never = mail => match never {},
            never = sweeper => match never {},
        }
    }
}

/// The headers of every response. `strict_transport` (the public address is https) adds
/// HSTS for two years, subdomains included: browsers then never try plain http, where a
/// network attacker could read or set cookies.
fn security_headers(csp: &str, strict_transport: bool) -> DefaultHeaders {
    let headers = if strict_transport {
        DefaultHeaders::new().add((
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        ))
    } else {
        DefaultHeaders::new()
    };
    headers
        .add((header::CONTENT_SECURITY_POLICY, csp.to_owned()))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=()",
        ))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
}

/// The Content-Security-Policy: only our own origin, wasm allowed, no framing; images
/// also from `blob:`, the object URLs through which staff preview a family's photo of a
/// document (fetched with the access token, which an `<img src>` cannot carry). Trunk's
/// index.html starts the app with one inline module script; its hash is allowed by name
/// rather than allowing inline scripts at large.
pub fn content_security_policy(web_dir: Option<&Path>) -> String {
    let inline_hashes: Vec<String> = web_dir
        .and_then(|dir| std::fs::read_to_string(dir.join("index.html")).ok())
        .map(|html| inline_script_hashes(&html))
        .unwrap_or_default();
    let script_sources = std::iter::once("'self' 'wasm-unsafe-eval'".to_owned())
        .chain(inline_hashes.iter().map(|hash| format!("'sha256-{hash}'")))
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "default-src 'self'; script-src {script_sources}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Base64 SHA-256 of the body of every inline `<script>` (one without `src`).
fn inline_script_hashes(html: &str) -> Vec<String> {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let body_and_after = &rest[tag_end + 1..];
        let Some(close) = body_and_after.find("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            let body = &body_and_after[..close];
            hashes.push(
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body.as_bytes())),
            );
        }
        rest = &body_and_after[close..];
    }
    hashes
}

async fn api_not_found() -> HttpResponse {
    envelope(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "Cette adresse d'API n'existe pas.",
    )
}

async fn no_web_dir() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("Tutti API. The web app is not served by this process (TUTTI_WEB_DIR is unset). API reference: /api/docs/\n")
}

/// The JSON body limit; `crate::json::ApiJson` turns the extractor's errors into the
/// envelope (after the caller's check, see there).
fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(JSON_LIMIT_BYTES)
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _request| {
        let response = envelope(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            format!("Paramètres invalides : {error}"),
        );
        actix_web::error::InternalError::from_response(error, response).into()
    })
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|error, _request| {
        let response = envelope(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "Ressource introuvable.",
        );
        actix_web::error::InternalError::from_response(error, response).into()
    })
}

/// How often a server looks for orphan document files, and how old one must be to go.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(6 * 60 * 60);
const ORPHAN_AGE_HOURS: i64 = 24;

/// Removes, every few hours, the document files that no row names (see
/// `documents::service::sweep_orphans`). Several instances may sweep at once: deleting a
/// file twice is harmless, and files younger than a day are never touched.
async fn sweep_documents_periodically(db: Db, files: DocumentStore) -> std::convert::Infallible {
    // Not at start-up: a restart should come up quietly, and a crash's orphans can wait.
    let mut ticks = tokio::time::interval_at(
        tokio::time::Instant::now() + std::time::Duration::from_secs(10 * 60),
        SWEEP_EVERY,
    );
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match crate::documents::service::sweep_orphans(
            &db,
            &files,
            chrono::TimeDelta::hours(ORPHAN_AGE_HOURS),
        )
        .await
        {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "orphan document files deleted"),
            Err(error) => tracing::warn!(%error, "document sweep failed; trying again later"),
        }
    }
}
