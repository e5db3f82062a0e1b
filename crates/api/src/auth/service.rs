//! The rules of signing in: throttling, bcrypt off the executor, sessions with rotating
//! refresh tokens, single-use reset links, password changes. Each use case is one
//! function; each database step one transaction.

use chrono::TimeDelta;
use tutti_shared::{
    AccountInfo, ErrorCode, FamilySummary, Password, Role, SessionView, SiteSummary,
};

use super::client::{network_of, summarise_user_agent};
use super::password_policy::{AccountWords, check_new_password_off_executor};
use super::store::{self as auth_store, Account, NewSession, Reservation, ThrottlePolicy};
use super::{RefreshToken, hash_token, random_token};
use crate::audit::{AuditEntry, record};
use crate::caller::Caller;
use crate::config::SessionLimits;
use crate::db::{DbConnection, now, write_transaction};
use crate::domain::{AccountId, DomainError};
use crate::mail::store::enqueue;
use crate::state::AppState;

/// A reset link works this long.
const RESET_TOKEN_MINUTES: i64 = 30;
/// Reset emails an account can receive per hour.
const RESET_LINKS_PER_HOUR: i64 = 5;

/// Per account: five free failures, then 15 s doubling up to 15 minutes.
pub const ACCOUNT_POLICY: ThrottlePolicy = ThrottlePolicy {
    free_failures: 5,
    base_delay: TimeDelta::seconds(15),
    max_delay: TimeDelta::minutes(15),
    forget_after: TimeDelta::hours(1),
};
/// Per client address: more room (a school's shared network), same growth.
const ADDRESS_POLICY: ThrottlePolicy = ThrottlePolicy {
    free_failures: 20,
    base_delay: TimeDelta::seconds(15),
    max_delay: TimeDelta::minutes(15),
    forget_after: TimeDelta::hours(1),
};

const BAD_CREDENTIALS: &str = "Identifiant ou mot de passe incorrect.";
const EXPIRED: &str = "Votre session a expiré. Veuillez vous reconnecter.";

/// The throttle key of a login on a site (it exists whether or not the account does).
pub fn account_throttle_key(site: &str, login: &str) -> String {
    format!("login:{}:{}", site.trim(), login.trim())
}

/// The throttle key of a client address. An IPv6 client usually holds a whole /64 and
/// can pick a new address in it for every guess: the /64 is the client.
fn address_throttle_key(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(address)) if address.to_ipv4_mapped().is_none() => {
            let segments = address.segments();
            format!(
                "address:{:x}:{:x}:{:x}:{:x}::/64",
                segments[0], segments[1], segments[2], segments[3]
            )
        }
        _ => format!("address:{ip}"),
    }
}

/// bcrypt reads at most 72 bytes; a 128-character password can be 512. Hashing first
/// with SHA-256 makes every character count (the hex digest is 64 bytes).
pub fn prehash_for_login(password: &str) -> String {
    hash_token(password)
}

fn seconds_rounded_up(delay: TimeDelta) -> i64 {
    let milliseconds = delay.num_milliseconds().max(0);
    ((milliseconds + 999) / 1000).max(1)
}

/// The 422 of empty required fields.
pub fn require_fields(fields: &[(&str, &str)]) -> Result<(), DomainError> {
    let missing: crate::domain::FieldErrors = fields
        .iter()
        .filter(|(_, value)| value.trim().is_empty())
        .map(|(name, _)| ((*name).to_owned(), "Ce champ est obligatoire.".to_owned()))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(DomainError::Invalid {
        message: "Veuillez vérifier les renseignements saisis : tous les champs sont obligatoires."
            .to_owned(),
        fields: missing,
    })
}

/// A started or refreshed session: what the client needs.
pub struct SessionGrant {
    pub access_token: String,
    /// The new refresh token, for the HttpOnly cookie.
    pub refresh_token: String,
    pub account: AccountInfo,
}

/// What the SPA needs to know about an account.
fn account_info(
    connection: &mut DbConnection,
    account_id: i64,
) -> Result<AccountInfo, DomainError> {
    let (account, (site_id, site_slug, site_name), family_name) =
        auth_store::account_with_site(connection, account_id)?;
    let family = account
        .family_id
        .zip(family_name)
        .map(|(id, name)| FamilySummary { id, name });
    let role = Role::from_db(&account.role)
        .ok_or_else(|| DomainError::Internal(format!("unknown role {:?}", account.role)))?;
    Ok(AccountInfo {
        id: account.id,
        login: account.login,
        email: account.email,
        display_name: account.display_name,
        role,
        site: SiteSummary {
            id: site_id,
            slug: site_slug,
            name: site_name,
        },
        family,
    })
}

/// Who is logged in: role, site and (for families) the household.
pub async fn find_account(
    state: &AppState,
    account: AccountId,
) -> Result<AccountInfo, DomainError> {
    state
        .db
        .run(move |connection| account_info(connection, account.0))
        .await
}

fn grant(
    state: &AppState,
    account: AccountInfo,
    session_id: i64,
    refresh_token: String,
) -> Result<SessionGrant, DomainError> {
    let access_token = state
        .jwt
        .issue(
            account.id,
            session_id,
            account.site.id,
            account.role.as_str(),
        )
        .map_err(|error| DomainError::Internal(error.to_string()))?;
    Ok(SessionGrant {
        access_token,
        refresh_token,
        account,
    })
}

/// How long the first of `keys` that is locked must still wait, if any.
fn locked_keys(
    connection: &mut DbConnection,
    keys: &[(String, ThrottlePolicy)],
) -> Result<Option<TimeDelta>, DomainError> {
    let time = now();
    let mut longest = None;
    for (key, _) in keys {
        longest = longest.max(auth_store::locked_for(connection, key, time)?);
    }
    Ok(longest)
}

/// Counts one attempt on every key, or none when any of them is locked (the transaction
/// rolls back): the atomic gate in front of bcrypt. Keys are taken in one order, so two
/// logins never wait on each other's rows the other way round.
fn reserve_attempts(
    connection: &mut DbConnection,
    keys: &[(String, ThrottlePolicy)],
) -> Result<Vec<(String, Reservation)>, DomainError> {
    let mut ordered: Vec<&(String, ThrottlePolicy)> = keys.iter().collect();
    ordered.sort_by(|left, right| left.0.cmp(&right.0));
    write_transaction(connection, |connection| {
        let time = now();
        let mut granted = Vec::with_capacity(ordered.len());
        for (key, policy) in ordered {
            match auth_store::reserve_attempt(connection, key, policy, time)? {
                Reservation::Refused(wait) => {
                    return Err(DomainError::Limited {
                        retry_after_seconds: seconds_rounded_up(wait),
                    });
                }
                reservation => granted.push((key.clone(), reservation)),
            }
        }
        Ok(granted)
    })
}

/// A login's outcome: the session, and a fresh device cookie for this account.
pub struct LoggedIn {
    pub grant: SessionGrant,
    /// The device cookie's name (one per account) and its new value.
    pub device_cookie: (String, String),
}

/// Logs in with site, identifiant and password. Attempts are throttled per client
/// address, and per account, or, from a browser with a valid device cookie for this
/// account, per device; each is counted before the password is checked.
pub async fn log_in(
    state: &AppState,
    site: &str,
    login: &str,
    password: &str,
    ip: String,
    user_agent: String,
    device_cookie: Option<&str>,
) -> Result<LoggedIn, DomainError> {
    require_fields(&[("site", site), ("login", login), ("password", password)])?;
    if password.chars().count() > tutti_shared::domain::PASSWORD_MAX_CHARS
        || login.len() > 200
        || site.len() > 200
    {
        return Err(DomainError::Unauthenticated(BAD_CREDENTIALS.to_owned()));
    }
    let devices = device_keys(state)?;
    // A known device spends a budget of its own: a stranger's wrong passwords, which
    // lock the account's key, do not lock the family out of its own browsers.
    let account_key = match device_cookie.and_then(|value| devices.verify(site, login, value)) {
        Some(nonce) => super::device::throttle_key(&nonce),
        None => account_throttle_key(site, login),
    };
    let address_key = address_throttle_key(&ip);
    let keys = vec![
        (account_key.clone(), ACCOUNT_POLICY),
        (address_key.clone(), ADDRESS_POLICY),
    ];

    // A first look, so that a locked account or address does not queue for bcrypt only
    // to be refused; the reservation below is the check that counts.
    let (lookup_site, lookup_login) = (site.trim().to_owned(), login.trim().to_owned());
    let first_look = keys.clone();
    let (locked, account) = state
        .db
        .run(move |connection| {
            let locked = locked_keys(connection, &first_look)?;
            let account =
                auth_store::find_account_by_login(connection, &lookup_site, &lookup_login)?;
            Ok::<_, DomainError>((locked, account))
        })
        .await?;
    if let Some(wait) = locked {
        return Err(DomainError::Limited {
            retry_after_seconds: seconds_rounded_up(wait),
        });
    }

    // Held until the outcome is recorded: see `PasswordHasher::slot`.
    let slot = state.hasher.slot().await?;
    let reserved = state
        .db
        .run(move |connection| reserve_attempts(connection, &keys))
        .await?;

    let stored_hash = account
        .as_ref()
        .and_then(|account| account.password_hash.clone());
    let valid = state
        .hasher
        .verify(&slot, prehash_for_login(password), stored_hash)
        .await?;

    let named = account
        .as_ref()
        .map(|account| (account.site_id, account.id));
    let Some(account) = account.filter(|_| valid) else {
        drop(slot);
        let login_for_audit = login.trim().to_owned();
        state
            .db
            .run(move |connection| {
                record(
                    connection,
                    &AuditEntry {
                        site_id: named.map(|(site_id, _)| site_id),
                        account_id: named.map(|(_, account_id)| account_id),
                        action: "login_failed",
                        target_type: named.map(|_| "account"),
                        target_id: named.map(|(_, account_id)| account_id),
                        ip: Some(ip),
                        details: Some(format!("identifiant: {login_for_audit}")),
                    },
                )?;
                Ok::<_, DomainError>(())
            })
            .await?;
        return Err(DomainError::Unauthenticated(BAD_CREDENTIALS.to_owned()));
    };

    let (account_id, site_id) = (account.id, account.site_id);
    let key = refresh_key(state)?;
    let lifetime = state.config.sessions.longest_lifetime();
    let (info, session_id, refresh_token) = state
        .db
        .run(move |connection| {
            write_transaction(connection, |connection| {
                // The account's (or this device's) failures are forgotten; the
                // address's other failures stay, only this attempt is given back.
                for (key, reservation) in reserved {
                    if key == account_key {
                        auth_store::clear(connection, &key)?;
                    } else {
                        auth_store::release_attempt(connection, &key, reservation)?;
                    }
                }
                record(
                    connection,
                    &AuditEntry {
                        site_id: Some(site_id),
                        account_id: Some(account_id),
                        action: "login",
                        target_type: Some("account"),
                        target_id: Some(account_id),
                        ip: Some(ip.clone()),
                        ..AuditEntry::default()
                    },
                )?;
                let (session_id, refresh_token) =
                    open_session(connection, &key, account_id, &user_agent, &ip, lifetime)?;
                Ok::<_, DomainError>((
                    account_info(connection, account_id)?,
                    session_id,
                    refresh_token,
                ))
            })
        })
        .await?;
    drop(slot);
    let device_cookie = (
        super::device::cookie_name(site, login),
        devices.issue(site, login)?,
    );
    Ok(LoggedIn {
        grant: grant(state, info, session_id, refresh_token)?,
        device_cookie,
    })
}

/// The device cookies' keys, derived from the JWT secret.
fn device_keys(state: &AppState) -> Result<super::device::DeviceKeys, DomainError> {
    let secret = state
        .config
        .jwt_key()
        .map_err(|error| DomainError::Internal(error.to_string()))?;
    super::device::DeviceKeys::new(&secret)
}

/// The key that signs refresh tokens: the server's secret, shared by every instance.
fn refresh_key(state: &AppState) -> Result<Vec<u8>, DomainError> {
    state
        .config
        .jwt_key()
        .map_err(|error| DomainError::Internal(error.to_string()))
}

/// Starts a session for an account: its row, with the device and network it starts
/// from, and its first refresh token.
pub fn open_session(
    connection: &mut DbConnection,
    key: &[u8],
    account_id: i64,
    user_agent: &str,
    ip: &str,
    lifetime: TimeDelta,
) -> Result<(i64, String), DomainError> {
    let random = random_token();
    let created = now();
    let session_id = auth_store::insert_session(
        connection,
        &NewSession {
            account_id,
            refresh_token_hash: &hash_token(&random),
            created_at: created,
            last_used_at: created,
            expires_at: created + lifetime,
            device: &summarise_user_agent(user_agent),
            place: &network_of(ip),
        },
    )?;
    Ok((session_id, RefreshToken::issue(key, session_id, &random)))
}

/// How long the token a refresh just replaced keeps answering: two tabs of one browser
/// that refresh at the same moment both send it, and only one can rotate it.
const REPLACED_TOKEN_GRACE_SECONDS: i64 = 30;

/// What a refresh gives: an access token, and a new refresh token unless the presented
/// one was just replaced by a concurrent refresh (the browser already holds its successor).
pub struct Refreshed {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub account: AccountInfo,
}

/// Exchanges a refresh token for a new access token and a new refresh token.
///
/// The current token works once. A token that was replaced less than 30 s ago (a
/// concurrent refresh of another tab) gets an access token but no new refresh token, so
/// whoever holds a copy cannot carry the session past that access token's life. Any other
/// earlier token of the session means it was copied: the whole session is then revoked.
pub async fn refresh(
    state: &AppState,
    token: &str,
    ip: String,
    user_agent: String,
) -> Result<Refreshed, DomainError> {
    let key = refresh_key(state)?;
    let token = token.to_owned();
    let limits = state.config.sessions;
    let rotated = state
        .db
        .run(move |connection| {
            let client = Client {
                ip: &ip,
                device: &summarise_user_agent(&user_agent),
                place: &network_of(&ip),
            };
            rotate(connection, &key, &token, &client, &limits)
        })
        .await?;
    let (info, session_id, refresh_token) =
        rotated.ok_or_else(|| DomainError::Unauthenticated(EXPIRED.to_owned()))?;
    let access_token = grant(state, info, session_id, String::new())?;
    Ok(Refreshed {
        access_token: access_token.access_token,
        refresh_token,
        account: access_token.account,
    })
}

/// Where a request comes from, as a session records it.
struct Client<'a> {
    ip: &'a str,
    device: &'a str,
    place: &'a str,
}

fn rotate(
    connection: &mut DbConnection,
    key: &[u8],
    token: &str,
    client: &Client<'_>,
    limits: &SessionLimits,
) -> Result<Option<(AccountInfo, i64, Option<String>)>, DomainError> {
    let time = now();
    let presented = match RefreshToken::parse(key, token) {
        Some(presented) => presented,
        // A token of the form used before session ids were part of it: only the current
        // one of a session can be recognised.
        None => match auth_store::find_by_refresh_hash(connection, &hash_token(token))? {
            Some(session) => RefreshToken {
                session_id: session.id,
                hash: hash_token(token),
                genuine: true,
            },
            None => return Ok(None),
        },
    };
    let Some((session, role)) = auth_store::find_session(connection, presented.session_id)? else {
        return Ok(None);
    };
    let role = Role::from_db(&role)
        .ok_or_else(|| DomainError::Internal(format!("unknown role {role:?}")))?;
    if session.revoked_at.is_some()
        || session.expires_at <= time
        || !limits
            .for_role(role)
            .admits(session.created_at, session.last_used_at, time)
    {
        return Ok(None);
    }
    let in_grace = |session: &auth_store::Session| {
        session.previous_refresh_hash.as_deref() == Some(presented.hash.as_str())
            && session
                .rotated_at
                .is_some_and(|at| time - at < TimeDelta::seconds(REPLACED_TOKEN_GRACE_SECONDS))
    };
    if session.refresh_token_hash == presented.hash {
        let random = random_token();
        if auth_store::rotate_refresh_token(
            connection,
            session.id,
            &presented.hash,
            &hash_token(&random),
            time,
            client.device,
            client.place,
        )? {
            let token = RefreshToken::issue(key, session.id, &random);
            return Ok(Some((
                account_info(connection, session.account_id)?,
                session.id,
                Some(token),
            )));
        }
        // Another request rotated this very token a moment ago (another tab): read the
        // session again, the token is now the replaced one, in its grace.
        let Some((session, _)) = auth_store::find_session(connection, session.id)? else {
            return Ok(None);
        };
        if session.revoked_at.is_some() || !in_grace(&session) {
            return Ok(None);
        }
        return Ok(Some((
            account_info(connection, session.account_id)?,
            session.id,
            None,
        )));
    }
    if !presented.genuine {
        // Not a token we issued: nothing to learn from it, and nothing to end.
        return Ok(None);
    }
    if in_grace(&session) {
        return Ok(Some((
            account_info(connection, session.account_id)?,
            session.id,
            None,
        )));
    }
    // A token this session had before, presented again: someone kept a copy.
    auth_store::revoke_session(connection, session.id, time)?;
    let account = auth_store::find_account(connection, session.account_id)?;
    record(
        connection,
        &AuditEntry {
            site_id: Some(account.site_id),
            account_id: Some(account.id),
            action: "refresh_token_reused",
            target_type: Some("session"),
            target_id: Some(session.id),
            ip: Some(client.ip.to_owned()),
            ..AuditEntry::default()
        },
    )?;
    Ok(None)
}

/// Logs out: revokes the session named by the refresh token and/or the access token.
pub async fn log_out(
    state: &AppState,
    refresh_token: Option<String>,
    session_from_token: Option<i64>,
    ip: String,
) -> Result<(), DomainError> {
    let key = refresh_key(state)?;
    state
        .db
        .run(move |connection| {
            let time = now();
            let mut session_ids = Vec::new();
            if let Some(token) = refresh_token {
                match RefreshToken::parse(&key, &token) {
                    Some(presented) if presented.genuine => session_ids.push(presented.session_id),
                    Some(_) => {}
                    None => {
                        if let Some(session) =
                            auth_store::find_by_refresh_hash(connection, &hash_token(&token))?
                        {
                            session_ids.push(session.id);
                        }
                    }
                }
            }
            session_ids.extend(session_from_token);
            session_ids.dedup();
            for session_id in session_ids {
                auth_store::revoke_session(connection, session_id, time)?;
                let owner = auth_store::account_of_session(connection, session_id)?;
                record(
                    connection,
                    &AuditEntry {
                        site_id: owner.map(|(_, site_id)| site_id),
                        account_id: owner.map(|(account_id, _)| account_id),
                        action: "logout",
                        target_type: Some("session"),
                        target_id: Some(session_id),
                        ip: Some(ip.clone()),
                        ..AuditEntry::default()
                    },
                )?;
            }
            Ok::<_, DomainError>(())
        })
        .await
}

/// "Mes connexions": the account's live sessions, most recently used first.
pub async fn list_sessions(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<SessionView>, DomainError> {
    let (account, current) = (caller.account, caller.session_id);
    let limit = state.config.sessions.for_role(caller.role());
    state
        .db
        .run(move |connection| {
            let time = now();
            let sessions = auth_store::list_account_sessions(connection, account.0, time)?;
            Ok::<_, DomainError>(
                sessions
                    .into_iter()
                    .filter(|session| limit.admits(session.created_at, session.last_used_at, time))
                    .map(|session| SessionView {
                        current: session.id == current,
                        id: session.id,
                        device: session.device,
                        place: session.place,
                        created_at: session.created_at,
                        last_used_at: session.last_used_at,
                    })
                    .collect(),
            )
        })
        .await
}

/// Ends one session of the caller's account (this one included); 404 for a session that
/// is not the account's.
pub async fn end_session(
    state: &AppState,
    caller: &Caller,
    session_id: i64,
) -> Result<(), DomainError> {
    let (account, site, ip) = (caller.account, caller.site, caller.ip.clone());
    state
        .db
        .run(move |connection| {
            write_transaction(connection, |connection| {
                if !auth_store::revoke_account_session(connection, account.0, session_id, now())? {
                    return Err(DomainError::NotFound);
                }
                record(
                    connection,
                    &AuditEntry {
                        site_id: Some(site.0),
                        account_id: Some(account.0),
                        action: "session_ended",
                        target_type: Some("session"),
                        target_id: Some(session_id),
                        ip: Some(ip),
                        ..AuditEntry::default()
                    },
                )?;
                Ok(())
            })
        })
        .await
}

/// Ends every session of the caller's account but this one.
pub async fn end_other_sessions(state: &AppState, caller: &Caller) -> Result<(), DomainError> {
    let (account, site, current, ip) = (
        caller.account,
        caller.site,
        caller.session_id,
        caller.ip.clone(),
    );
    state
        .db
        .run(move |connection| {
            write_transaction(connection, |connection| {
                let ended = auth_store::revoke_account_sessions(
                    connection,
                    account.0,
                    Some(current),
                    now(),
                )?;
                record(
                    connection,
                    &AuditEntry {
                        site_id: Some(site.0),
                        account_id: Some(account.0),
                        action: "other_sessions_ended",
                        target_type: Some("session"),
                        target_id: Some(current),
                        ip: Some(ip),
                        details: Some(format!("{ended} session(s)")),
                    },
                )?;
                Ok(())
            })
        })
        .await
}

/// "Générer un nouveau mot de passe": emails a single-use link when the identifiant and
/// email match the school's records. Returns nothing either way: the caller answers the
/// same whether or not anything matched.
pub async fn request_password_reset(
    state: &AppState,
    site: &str,
    login: &str,
    email: &str,
    ip: String,
) -> Result<(), DomainError> {
    require_fields(&[("site", site), ("login", login), ("email", email)])?;
    let token = random_token();
    let token_hash = hash_token(&token);
    let (site, login, email) = (
        site.trim().to_owned(),
        login.trim().to_owned(),
        email.to_owned(),
    );
    let delivery = state.mailer.delivery();
    let public_url = state.config.public_url.clone();
    state
        .db
        .run(move |connection| {
            write_transaction(connection, |connection| {
                let account = auth_store::find_account_by_login(connection, &site, &login)?;
                let account = account.filter(|account| {
                    tutti_shared::EmailAddress::parse(&account.email)
                        .is_ok_and(|stored| stored.matches(&email))
                });
                let time = now();
                // At most a few links an hour per account, so that nobody can flood a
                // family's mailbox; the answer stays the same either way. The account's
                // row is locked first, so that concurrent requests count one by one.
                let flooded = match &account {
                    Some(account) => {
                        auth_store::lock_account(connection, account.id)?;
                        auth_store::count_reset_tokens_since(
                            connection,
                            account.id,
                            time - TimeDelta::hours(1),
                        )? >= RESET_LINKS_PER_HOUR
                    }
                    None => false,
                };
                let account = account.filter(|_| !flooded);
                if let Some(account) = &account {
                    auth_store::insert_reset_token(
                        connection,
                        account.id,
                        &token_hash,
                        time,
                        time + TimeDelta::minutes(RESET_TOKEN_MINUTES),
                    )?;
                    // The link exists if and only if its token was committed.
                    let email = super::emails::reset_link(&public_url, account, &token)?;
                    enqueue(connection, &email, delivery)?;
                }
                record(
                    connection,
                    &AuditEntry {
                        site_id: account.as_ref().map(|account| account.site_id),
                        account_id: account.as_ref().map(|account| account.id),
                        action: if flooded {
                            "password_reset_throttled"
                        } else if account.is_some() {
                            "password_reset_requested"
                        } else {
                            "password_reset_unmatched"
                        },
                        ip: Some(ip),
                        ..AuditEntry::default()
                    },
                )?;
                Ok::<_, DomainError>(())
            })
        })
        .await?;
    state.mailer.wake();
    Ok(())
}

fn invalid_link() -> DomainError {
    DomainError::rejected(
        ErrorCode::InvalidLink,
        "Ce lien n'est plus valable. Faites une nouvelle demande de mot de passe.",
    )
}

/// Sets a new password with the token of an emailed link. The link then stops working,
/// so do all other links of the account, and every session of the account ends.
pub async fn confirm_password_reset(
    state: &AppState,
    token: &str,
    new_password: &str,
    ip: String,
) -> Result<(), DomainError> {
    let password = Password::parse(new_password)
        .map_err(|error| DomainError::field("new_password", error.0))?;
    let token_hash = hash_token(token.trim());
    let lookup_hash = token_hash.clone();
    let live = state
        .db
        .run(move |connection| {
            let Some(token) = auth_store::find_live_reset_token(connection, &lookup_hash, now())?
            else {
                return Ok::<_, DomainError>(None);
            };
            let account = auth_store::find_account(connection, token.account_id)?;
            let site = crate::sites::store::find_site(connection, account.site_id)?;
            Ok(Some((account, site.slug)))
        })
        .await?;
    let Some((account, site_slug)) = live else {
        return Err(invalid_link());
    };
    check_new_password_off_executor(
        password.expose(),
        &AccountWords {
            login: &account.login,
            site_slug: &site_slug,
            email: &account.email,
        },
    )
    .await?;
    let new_hash = state
        .hasher
        .hash(prehash_for_login(password.expose()))
        .await?;
    let delivery = state.mailer.delivery();
    let changed = state
        .db
        .run(move |connection| {
            write_transaction(connection, |connection| {
                let time = now();
                // The claim is the check that counts: of concurrent uses of one link,
                // one claims it and the others change nothing.
                let Some(account_id) =
                    auth_store::claim_reset_token(connection, &token_hash, time)?
                else {
                    return Ok::<_, DomainError>(false);
                };
                let account = auth_store::find_account(connection, account_id)?;
                auth_store::set_password_hash(connection, account.id, &new_hash, time)?;
                auth_store::burn_reset_tokens(connection, account.id, time)?;
                auth_store::revoke_account_sessions(connection, account.id, None, time)?;
                let site = crate::sites::store::find_site(connection, account.site_id)?;
                auth_store::clear(
                    connection,
                    &account_throttle_key(&site.slug, &account.login),
                )?;
                // Tell the account holder, so that a reset they did not ask for does not
                // go unnoticed; the notice exists if and only if the change committed.
                enqueue(
                    connection,
                    &super::emails::password_changed(&account)?,
                    delivery,
                )?;
                record(
                    connection,
                    &AuditEntry {
                        site_id: Some(account.site_id),
                        account_id: Some(account.id),
                        action: "password_reset",
                        target_type: Some("account"),
                        target_id: Some(account.id),
                        ip: Some(ip),
                        ..AuditEntry::default()
                    },
                )?;
                Ok(true)
            })
        })
        .await?;
    if !changed {
        return Err(invalid_link());
    }
    state.mailer.wake();
    Ok(())
}

/// Changes the password of the logged-in account. Every other session of the account
/// ends; this one stays open. Wrong current passwords count as failed logins.
pub async fn change_password(
    state: &AppState,
    account_id: AccountId,
    session_id: i64,
    current_password: &str,
    new_password: &str,
    ip: String,
) -> Result<(), DomainError> {
    let password = Password::parse(new_password)
        .map_err(|error| DomainError::field("new_password", error.0))?;
    let AccountId(account_id) = account_id;
    let (account, throttle_key, locked, site_slug) = state
        .db
        .run(move |connection| {
            let account = auth_store::find_account(connection, account_id)?;
            let site = crate::sites::store::find_site(connection, account.site_id)?;
            let key = account_throttle_key(&site.slug, &account.login);
            let locked = auth_store::locked_for(connection, &key, now())?;
            Ok::<_, DomainError>((account, key, locked, site.slug))
        })
        .await?;
    if let Some(wait) = locked {
        return Err(DomainError::Limited {
            retry_after_seconds: seconds_rounded_up(wait),
        });
    }
    // The new password's rules first: a weak one costs no attempt and no bcrypt.
    check_new_password_off_executor(
        password.expose(),
        &AccountWords {
            login: &account.login,
            site_slug: &site_slug,
            email: &account.email,
        },
    )
    .await?;
    // Counted before bcrypt, like a login: guesses sent at once get no more checks.
    let slot = state.hasher.slot().await?;
    let keys = vec![(throttle_key.clone(), ACCOUNT_POLICY)];
    state
        .db
        .run(move |connection| reserve_attempts(connection, &keys))
        .await?;
    let valid = state
        .hasher
        .verify(
            &slot,
            prehash_for_login(current_password),
            account.password_hash.clone(),
        )
        .await?;
    drop(slot);
    if !valid {
        return Err(DomainError::field(
            "current_password",
            "Le mot de passe actuel est incorrect.",
        ));
    }
    let new_hash = state
        .hasher
        .hash(prehash_for_login(password.expose()))
        .await?;
    let site_id = account.site_id;
    // Tell the account holder, so that a change they did not make does not go unnoticed.
    let notice = super::emails::password_changed(&account)?;
    let delivery = state.mailer.delivery();
    state
        .db
        .run(move |connection| {
            write_transaction(connection, |connection| {
                let time = now();
                enqueue(connection, &notice, delivery)?;
                auth_store::set_password_hash(connection, account_id, &new_hash, time)?;
                auth_store::burn_reset_tokens(connection, account_id, time)?;
                auth_store::revoke_account_sessions(
                    connection,
                    account_id,
                    Some(session_id),
                    time,
                )?;
                auth_store::clear(connection, &throttle_key)?;
                record(
                    connection,
                    &AuditEntry {
                        site_id: Some(site_id),
                        account_id: Some(account_id),
                        action: "password_changed",
                        target_type: Some("account"),
                        target_id: Some(account_id),
                        ip: Some(ip),
                        ..AuditEntry::default()
                    },
                )?;
                Ok::<_, DomainError>(())
            })
        })
        .await?;
    state.mailer.wake();
    Ok(())
}

/// The account an operator task acts on (CLI), found by site and identifiant.
pub fn find_account_by_login(
    connection: &mut DbConnection,
    site: &str,
    login: &str,
) -> Result<Option<Account>, DomainError> {
    Ok(auth_store::find_account_by_login(connection, site, login)?)
}
