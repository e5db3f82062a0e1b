//! Configuration, read from the environment in one place.
//!
//! Every variable has a default that suits a newcomer's machine (SQLite under `./data`).
//! A value that does not parse stops start-up with a message naming the variable.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use rand::RngCore;

/// A secret value that never prints, neither with `{}` nor with `{:?}`.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret string.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Secret(***)")
    }
}

/// Which database the URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A configuration error; its message names the variable at fault.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    /// The environment variable at fault.
    pub variable: &'static str,
    /// What is wrong with it.
    pub message: String,
}

fn config_error(variable: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        message: message.into(),
    }
}

/// The whole configuration of a Tutti process.
#[derive(Debug, Clone)]
pub struct Config {
    /// `TUTTI_DATABASE_URL`: `postgres://...` or a SQLite path (optionally `sqlite://path`).
    pub database_url: Secret,
    /// Which backend `database_url` selects.
    pub database_kind: DatabaseKind,
    /// `TUTTI_BIND`: the address to listen on; port 0 picks a free port.
    pub bind: SocketAddr,
    /// `TUTTI_DATA_DIR`: where the SQLite file, documents and the generated secret live.
    pub data_dir: PathBuf,
    /// `TUTTI_JWT_SECRET` (hex, at least 256 bits), or the one generated in the data dir.
    /// `None` until [`Config::ensure_jwt_secret`] has run.
    pub jwt_secret: Option<Secret>,
    /// `TUTTI_SMTP_URL`: when unset, emails stay in the outbox table.
    pub smtp_url: Option<Secret>,
    /// `TUTTI_WEB_DIR`: the built SPA to serve at `/`.
    pub web_dir: Option<PathBuf>,
    /// `TUTTI_PUBLIC_URL`: the address families use, for links in emails.
    pub public_url: String,
    /// `TUTTI_BCRYPT_COST`: bcrypt work factor for new hashes.
    pub bcrypt_cost: u32,
    /// `TUTTI_BCRYPT_QUEUE`: logins and password changes that may wait for a bcrypt slot;
    /// past it they are answered 429 with `Retry-After` at once.
    pub bcrypt_queue: usize,
    /// `TUTTI_DB_POOL_SIZE`: connections kept open per process.
    pub db_pool_size: u32,
    /// `TUTTI_MAIL_FROM`: the sender of every email.
    pub mail_from: String,
    /// `TUTTI_TRUSTED_PROXIES`: addresses of our own reverse proxies (comma-separated).
    /// Only requests from them have their `X-Forwarded-For` believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `TUTTI_SESSION_IDLE_*` and `TUTTI_SESSION_LIFETIME_*`: how long a session lives,
    /// per role.
    pub sessions: SessionLimits,
    /// `TUTTI_STORAGE_URL`: `s3://bucket/prefix` keeps documents in an S3-compatible
    /// store; unset, they live in `$TUTTI_DATA_DIR/documents`.
    pub storage_url: Option<String>,
    /// The `AWS_*` variables (endpoint, region, keys, `AWS_ALLOW_HTTP`) for the S3 store.
    pub s3_options: Vec<(String, Secret)>,
}

/// How long one role's sessions live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimit {
    /// A session unused this long is over (measured from its last refresh).
    pub idle: chrono::TimeDelta,
    /// A session is over this long after its login, however active.
    pub lifetime: chrono::TimeDelta,
}

impl SessionLimit {
    /// Whether a session created and last used at these times is still within its limits.
    pub fn admits(
        &self,
        created_at: chrono::NaiveDateTime,
        last_used_at: chrono::NaiveDateTime,
        now: chrono::NaiveDateTime,
    ) -> bool {
        now - last_used_at < self.idle && now - created_at < self.lifetime
    }
}

/// The session limits of each role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub family: SessionLimit,
    pub staff: SessionLimit,
    pub teacher: SessionLimit,
}

impl SessionLimits {
    /// The limits of a role.
    pub fn for_role(&self, role: tutti_shared::Role) -> SessionLimit {
        match role {
            tutti_shared::Role::Family => self.family,
            tutti_shared::Role::Staff => self.staff,
            tutti_shared::Role::Teacher => self.teacher,
        }
    }

    /// The longest lifetime of any role, for the refresh cookie's `Max-Age`.
    pub fn longest_lifetime(&self) -> chrono::TimeDelta {
        self.family
            .lifetime
            .max(self.staff.lifetime)
            .max(self.teacher.lifetime)
    }
}

/// The shortest idle time accepted: an access token lives 15 minutes, and only refreshes
/// record a session's use, so a shorter idle time would end sessions still in use.
const SHORTEST_IDLE_MINUTES: i64 = 15;
/// The longest idle time or lifetime accepted.
const LONGEST_SESSION_DAYS: i64 = 365;

/// A duration written as a whole number and a unit: `90m`, `8h`, `7d`.
fn parse_session_duration(
    variable: &'static str,
    text: &str,
    shortest_minutes: i64,
) -> Result<chrono::TimeDelta, ConfigError> {
    let refuse = || {
        config_error(
            variable,
            format!(
                "expected a duration such as 90m, 8h or 7d, from {shortest_minutes} minutes to {LONGEST_SESSION_DAYS} days, got {text:?}"
            ),
        )
    };
    let split = text.len().saturating_sub(1);
    let (number, unit) = (
        text.get(..split).unwrap_or(""),
        text.get(split..).unwrap_or(""),
    );
    let count: i64 = number.parse().map_err(|_| refuse())?;
    let duration = match unit {
        "m" => chrono::TimeDelta::try_minutes(count),
        "h" => chrono::TimeDelta::try_hours(count),
        "d" => chrono::TimeDelta::try_days(count),
        _ => None,
    }
    .ok_or_else(refuse)?;
    if duration < chrono::TimeDelta::minutes(shortest_minutes)
        || duration > chrono::TimeDelta::days(LONGEST_SESSION_DAYS)
    {
        return Err(refuse());
    }
    Ok(duration)
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(
            std::env::vars()
                .filter(|(key, _)| key.starts_with("TUTTI_") || key.starts_with("AWS_")),
        )
    }

    /// Reads the configuration from the given variables (the environment, or a test's map).
    pub fn from_vars(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let vars: HashMap<String, String> = vars
            .into_iter()
            .filter(|(_, value)| !value.trim().is_empty())
            .collect();
        let get = |name: &str| vars.get(name).map(|value| value.trim().to_owned());

        let data_dir = PathBuf::from(get("TUTTI_DATA_DIR").unwrap_or_else(|| "data".to_owned()));

        let database_url = get("TUTTI_DATABASE_URL")
            .unwrap_or_else(|| data_dir.join("tutti.db").to_string_lossy().into_owned());
        let database_kind = if database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://")
        {
            DatabaseKind::Postgres
        } else if database_url.contains("://") && !database_url.starts_with("sqlite://") {
            return Err(config_error(
                "TUTTI_DATABASE_URL",
                "expected postgres://..., sqlite://PATH or a file path",
            ));
        } else {
            DatabaseKind::Sqlite
        };

        let bind_text = get("TUTTI_BIND").unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let bind = bind_text.parse::<SocketAddr>().map_err(|_| {
            config_error(
                "TUTTI_BIND",
                format!("expected an address like 127.0.0.1:8080, got {bind_text:?}"),
            )
        })?;

        let jwt_secret = match get("TUTTI_JWT_SECRET") {
            Some(secret) => Some(parse_jwt_secret(&secret)?),
            None => None,
        };

        let smtp_url = match get("TUTTI_SMTP_URL") {
            Some(url) if url.starts_with("smtp://") || url.starts_with("smtps://") => {
                Some(Secret::new(url))
            }
            Some(_) => {
                return Err(config_error(
                    "TUTTI_SMTP_URL",
                    "expected smtp://HOST:PORT or smtps://USER:PASSWORD@HOST",
                ));
            }
            None => None,
        };

        let public_url = get("TUTTI_PUBLIC_URL").unwrap_or_else(|| format!("http://{bind}"));
        let public_url = public_url.trim_end_matches('/').to_owned();
        let has_scheme = public_url.starts_with("http://") || public_url.starts_with("https://");
        let has_host = public_url
            .split("://")
            .nth(1)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains(' '));
        if !has_scheme || !has_host {
            return Err(config_error(
                "TUTTI_PUBLIC_URL",
                "expected an absolute http:// or https:// address",
            ));
        }

        let bcrypt_cost = match get("TUTTI_BCRYPT_COST") {
            Some(text) => match text.parse::<u32>() {
                Ok(cost) if (4..=31).contains(&cost) => cost,
                _ => {
                    return Err(config_error(
                        "TUTTI_BCRYPT_COST",
                        format!("expected a whole number from 4 to 31, got {text:?}"),
                    ));
                }
            },
            None => 12,
        };

        let db_pool_size = match get("TUTTI_DB_POOL_SIZE") {
            Some(text) => match text.parse::<u32>() {
                Ok(size) if (1..=200).contains(&size) => size,
                _ => {
                    return Err(config_error(
                        "TUTTI_DB_POOL_SIZE",
                        format!("expected a whole number from 1 to 200, got {text:?}"),
                    ));
                }
            },
            None => 10,
        };

        let bcrypt_queue = match get("TUTTI_BCRYPT_QUEUE") {
            Some(text) => match text.parse::<usize>() {
                Ok(size) if (1..=100_000).contains(&size) => size,
                _ => {
                    return Err(config_error(
                        "TUTTI_BCRYPT_QUEUE",
                        format!("expected a whole number from 1 to 100000, got {text:?}"),
                    ));
                }
            },
            None => crate::auth::password::DEFAULT_QUEUE_LIMIT,
        };

        let trusted_proxies = match get("TUTTI_TRUSTED_PROXIES") {
            Some(text) => text
                .split(',')
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .map(|part| part.parse::<std::net::IpAddr>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| {
                    config_error(
                        "TUTTI_TRUSTED_PROXIES",
                        format!("expected IP addresses separated by commas, got {text:?}"),
                    )
                })?,
            None => Vec::new(),
        };

        // A lifetime shorter than the idle time simply ends sessions first.
        let session_limit = |idle_variable: &'static str,
                             lifetime_variable: &'static str,
                             default_idle: chrono::TimeDelta| {
            let idle = match get(idle_variable) {
                Some(text) => parse_session_duration(idle_variable, &text, SHORTEST_IDLE_MINUTES)?,
                None => default_idle,
            };
            let lifetime = match get(lifetime_variable) {
                Some(text) => {
                    parse_session_duration(lifetime_variable, &text, SHORTEST_IDLE_MINUTES)?
                }
                None => chrono::TimeDelta::days(30),
            };
            Ok::<_, ConfigError>(SessionLimit { idle, lifetime })
        };
        let sessions = SessionLimits {
            family: session_limit(
                "TUTTI_SESSION_IDLE_FAMILY",
                "TUTTI_SESSION_LIFETIME_FAMILY",
                chrono::TimeDelta::days(7),
            )?,
            staff: session_limit(
                "TUTTI_SESSION_IDLE_STAFF",
                "TUTTI_SESSION_LIFETIME_STAFF",
                chrono::TimeDelta::hours(8),
            )?,
            teacher: session_limit(
                "TUTTI_SESSION_IDLE_TEACHER",
                "TUTTI_SESSION_LIFETIME_TEACHER",
                chrono::TimeDelta::hours(8),
            )?,
        };

        let storage_url = get("TUTTI_STORAGE_URL");
        if let Some(url) = &storage_url
            && (!url.starts_with("s3://") || url.len() <= "s3://".len())
        {
            return Err(config_error(
                "TUTTI_STORAGE_URL",
                "expected s3://BUCKET or s3://BUCKET/PREFIX (unset: the local folder)",
            ));
        }
        let mut s3_options: Vec<(String, Secret)> = vars
            .iter()
            .filter(|(key, _)| key.starts_with("AWS_"))
            .map(|(key, value)| (key.clone(), Secret::new(value.trim())))
            .collect();
        s3_options.sort_by(|a, b| a.0.cmp(&b.0));

        Ok(Self {
            storage_url,
            s3_options,
            sessions,
            database_url: Secret::new(database_url),
            database_kind,
            bind,
            data_dir,
            jwt_secret,
            smtp_url,
            web_dir: get("TUTTI_WEB_DIR").map(PathBuf::from),
            public_url,
            bcrypt_cost,
            bcrypt_queue,
            db_pool_size,
            trusted_proxies,
            mail_from: get("TUTTI_MAIL_FROM")
                .unwrap_or_else(|| "Tutti <ne-pas-repondre@tutti.localhost>".to_owned()),
        })
    }

    /// Whether cookies must carry `Secure` (the public address is https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The origin (scheme, host and port) of the public address, as browsers write it in
    /// `Origin`: `https://portail.example.fr` for `https://portail.example.fr/`.
    pub fn public_origin(&self) -> &str {
        let url = self.public_url.trim_end_matches('/');
        let after_scheme = url.find("://").map_or(0, |index| index + 3);
        match url[after_scheme..].find('/') {
            Some(slash) => &url[..after_scheme + slash],
            None => url,
        }
    }

    /// Creates the data dir and, when no secret was configured, loads or generates the
    /// JWT secret kept in `DATA_DIR/jwt-secret` (readable by the owner only).
    pub fn ensure_jwt_secret(&mut self) -> Result<(), ConfigError> {
        std::fs::create_dir_all(&self.data_dir).map_err(|error| {
            config_error(
                "TUTTI_DATA_DIR",
                format!("cannot create {}: {error}", self.data_dir.display()),
            )
        })?;
        if self.jwt_secret.is_some() {
            return Ok(());
        }
        let path = self.data_dir.join("jwt-secret");
        if let Ok(existing) = std::fs::read_to_string(&path) {
            self.jwt_secret =
                Some(
                    parse_jwt_secret(existing.trim()).map_err(|error| ConfigError {
                        variable: "TUTTI_DATA_DIR",
                        message: format!(
                            "{} is not a valid secret ({})",
                            path.display(),
                            error.message
                        ),
                    })?,
                );
            return Ok(());
        }
        let mut bytes = [0_u8; 64];
        rand::rng().fill_bytes(&mut bytes);
        let secret = hex::encode(bytes);
        write_private_file(&path, &secret).map_err(|error| {
            config_error(
                "TUTTI_DATA_DIR",
                format!("cannot write {}: {error}", path.display()),
            )
        })?;
        self.jwt_secret = Some(Secret::new(secret));
        Ok(())
    }

    /// The decoded JWT signing key. Call [`Config::ensure_jwt_secret`] first.
    pub fn jwt_key(&self) -> Result<Vec<u8>, ConfigError> {
        let secret = self
            .jwt_secret
            .as_ref()
            .ok_or_else(|| config_error("TUTTI_JWT_SECRET", "no secret configured or generated"))?;
        hex::decode(secret.expose())
            .map_err(|_| config_error("TUTTI_JWT_SECRET", "expected hexadecimal characters"))
    }
}

/// At least 256 bits, written as hexadecimal (64 characters or more).
fn parse_jwt_secret(text: &str) -> Result<Secret, ConfigError> {
    if text.len() < 64
        || !text.len().is_multiple_of(2)
        || !text.chars().all(|character| character.is_ascii_hexdigit())
    {
        return Err(config_error(
            "TUTTI_JWT_SECRET",
            "expected at least 64 hexadecimal characters (256 bits); generate one with `openssl rand -hex 32`",
        ));
    }
    Ok(Secret::new(text))
}

fn write_private_file(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())
}
