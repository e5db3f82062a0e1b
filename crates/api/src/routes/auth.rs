//! Login, refresh, logout and password recovery.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::TimeDelta;
use tutti_shared::{
    LoginRequest, MessageResponse, Password, PasswordResetConfirm, PasswordResetRequest,
    RESET_PAGE_PATH, SessionResponse,
};

use crate::auth::extractors::{bearer_token, client_ip};
use crate::auth::{hash_token, random_token};
use crate::db::accounts::{Account, find_account_by_login};
use crate::db::audit::{AuditEntry, record};
use crate::db::sessions::{self, NewSession};
use crate::db::throttle::{self, ThrottlePolicy};
use crate::db::{DbConnection, now};
use crate::email::{OutgoingEmail, html_escape};
use crate::error::AppError;
use crate::routes::account::load_account_info;
use crate::routes::json::ApiJson;
use crate::state::AppState;

/// Name of the refresh cookie; its path limits it to the auth endpoints.
pub const REFRESH_COOKIE: &str = "tutti_refresh";
const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";
/// A session (and its refresh cookie) lasts this long without a new login.
const SESSION_DAYS: i64 = 30;
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
const RESET_ACCEPTED: &str = "Si l'identifiant et l'adresse e-mail correspondent à nos informations, un e-mail contenant un lien pour choisir un nouveau mot de passe vient d'être envoyé. Le lien est valable 30 minutes.";

/// The throttle key of a login on a site (it exists whether or not the account does).
pub fn account_throttle_key(site: &str, login: &str) -> String {
    format!("login:{}:{}", site.trim(), login.trim())
}

fn address_throttle_key(ip: &str) -> String {
    format!("address:{ip}")
}

fn refresh_cookie(state: &AppState, value: &str) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, value.to_owned())
        .path(REFRESH_COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.secure_cookies())
        .max_age(CookieDuration::days(SESSION_DAYS))
        .finish()
}

fn expired_refresh_cookie(state: &AppState) -> Cookie<'static> {
    let mut cookie = refresh_cookie(state, "");
    cookie.make_removal();
    cookie
}

fn require_fields(fields: &[(&str, &str)]) -> Result<(), AppError> {
    let missing: std::collections::BTreeMap<String, String> = fields
        .iter()
        .filter(|(_, value)| value.trim().is_empty())
        .map(|(name, _)| ((*name).to_owned(), "Ce champ est obligatoire.".to_owned()))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(AppError::Validation {
        message: "Veuillez vérifier les renseignements saisis : tous les champs sont obligatoires."
            .to_owned(),
        fields: missing,
    })
}

/// Starts a session for an account and answers with an access token and the cookie.
async fn start_session(state: &AppState, account: Account) -> Result<HttpResponse, AppError> {
    let refresh = random_token();
    let refresh_hash = hash_token(&refresh);
    let account_id = account.id;
    let session_id = state
        .db
        .run(move |connection| {
            let created = now();
            sessions::insert_session(
                connection,
                &NewSession {
                    account_id,
                    refresh_token_hash: &refresh_hash,
                    created_at: created,
                    last_used_at: created,
                    expires_at: created + TimeDelta::days(SESSION_DAYS),
                },
            )
            .map_err(AppError::from)
        })
        .await?;
    session_response(state, account, session_id, &refresh).await
}

async fn session_response(
    state: &AppState,
    account: Account,
    session_id: i64,
    refresh: &str,
) -> Result<HttpResponse, AppError> {
    let access_token = state
        .jwt
        .issue(account.id, session_id, account.site_id, &account.role)
        .map_err(|error| AppError::Internal(error.to_string()))?;
    let info = load_account_info(state, account.id).await?;
    Ok(HttpResponse::Ok()
        .cookie(refresh_cookie(state, refresh))
        .json(SessionResponse {
            access_token,
            token_type: "Bearer".to_owned(),
            expires_in: crate::auth::jwt::ACCESS_TOKEN_SECONDS,
            account: info,
        }))
}

/// Logs in with site, identifiant and password.
///
/// Answers with a short-lived access token and sets the rotating refresh token in an
/// HttpOnly cookie. Failed attempts are throttled per account and per client address.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in; the refresh cookie is set", body = SessionResponse),
        (status = 401, description = "Wrong site, identifiant or password", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "A field is empty", body = tutti_shared::ApiErrorBody),
        (status = 429, description = "Too many failures; see Retry-After", body = tutti_shared::ApiErrorBody)
    )
)]
#[post("/auth/login")]
pub async fn create_session(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: ApiJson<LoginRequest>,
) -> Result<HttpResponse, AppError> {
    let LoginRequest {
        site,
        login,
        password,
    } = body.into_inner();
    require_fields(&[("site", &site), ("login", &login), ("password", &password)])?;
    if password.chars().count() > tutti_shared::domain::PASSWORD_MAX_CHARS
        || login.len() > 200
        || site.len() > 200
    {
        return Err(AppError::Unauthorized(BAD_CREDENTIALS.to_owned()));
    }
    let ip = client_ip(&request);
    let account_key = account_throttle_key(&site, &login);
    let address_key = address_throttle_key(&ip);

    let (lookup_site, lookup_login) = (site.trim().to_owned(), login.trim().to_owned());
    let (keys, now_time) = ((account_key.clone(), address_key.clone()), now());
    let (locked, account) = state
        .db
        .run(move |connection| {
            let locked = [&keys.0, &keys.1]
                .into_iter()
                .map(|key| throttle::locked_for(connection, key, now_time))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .flatten()
                .max();
            let account = find_account_by_login(connection, &lookup_site, &lookup_login)?;
            Ok::<_, AppError>((locked, account))
        })
        .await?;
    if let Some(wait) = locked {
        return Err(AppError::TooManyRequests {
            retry_after_seconds: seconds_rounded_up(wait),
        });
    }

    let stored_hash = account
        .as_ref()
        .and_then(|account| account.password_hash.clone());
    let valid = state
        .hasher
        .verify(prehash_for_login(&password), stored_hash)
        .await?;

    let Some(account) = account.filter(|_| valid) else {
        let (site_id, account_id) = (None::<i64>, None::<i64>);
        let audit_ip = ip.clone();
        let login_for_audit = login.trim().to_owned();
        state
            .db
            .run(move |connection| {
                let time = now();
                throttle::record_failure(connection, &account_key, &ACCOUNT_POLICY, time)?;
                throttle::record_failure(connection, &address_key, &ADDRESS_POLICY, time)?;
                record(
                    connection,
                    &AuditEntry {
                        site_id,
                        account_id,
                        action: "login_failed",
                        ip: Some(audit_ip),
                        details: Some(format!("identifiant: {login_for_audit}")),
                        ..AuditEntry::default()
                    },
                )?;
                Ok::<_, AppError>(())
            })
            .await?;
        return Err(AppError::Unauthorized(BAD_CREDENTIALS.to_owned()));
    };

    let (account_id, site_id) = (account.id, account.site_id);
    state
        .db
        .run(move |connection| {
            throttle::clear(connection, &account_key)?;
            record(
                connection,
                &AuditEntry {
                    site_id: Some(site_id),
                    account_id: Some(account_id),
                    action: "login",
                    target_type: Some("account"),
                    target_id: Some(account_id),
                    ip: Some(ip),
                    ..AuditEntry::default()
                },
            )?;
            Ok::<_, AppError>(())
        })
        .await?;
    start_session(&state, account).await
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

fn refresh_token_from(request: &HttpRequest) -> Option<String> {
    request
        .cookie(REFRESH_COOKIE)
        .map(|cookie| cookie.value().to_owned())
        .filter(|value| !value.is_empty())
}

enum RefreshOutcome {
    Rotated { account: Account, session_id: i64 },
    Refused,
}

/// Exchanges the refresh cookie for a new access token and rotates the cookie.
///
/// A refresh token works once. Presenting one that was already rotated means it was
/// copied: the whole session is then revoked.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "A new access token; the refresh cookie is replaced", body = SessionResponse),
        (status = 401, description = "No valid refresh cookie", body = tutti_shared::ApiErrorBody)
    )
)]
#[post("/auth/refresh")]
pub async fn refresh_session(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let refused = |state: &AppState| {
        Ok(HttpResponse::Unauthorized()
            .cookie(expired_refresh_cookie(state))
            .json(tutti_shared::ApiErrorBody::new(
                tutti_shared::ErrorCode::Unauthorized,
                "Votre session a expiré. Veuillez vous reconnecter.",
            )))
    };
    let Some(token) = refresh_token_from(&request) else {
        return refused(&state);
    };
    let current_hash = hash_token(&token);
    let new_token = random_token();
    let new_hash = hash_token(&new_token);
    let ip = client_ip(&request);
    let outcome = state
        .db
        .run(move |connection| rotate(connection, &current_hash, &new_hash, &ip))
        .await?;
    match outcome {
        RefreshOutcome::Rotated {
            account,
            session_id,
        } => session_response(&state, account, session_id, &new_token).await,
        RefreshOutcome::Refused => refused(&state),
    }
}

fn rotate(
    connection: &mut DbConnection,
    current_hash: &str,
    new_hash: &str,
    ip: &str,
) -> Result<RefreshOutcome, AppError> {
    let time = now();
    let Some(session) = sessions::find_by_refresh_hash(connection, current_hash)? else {
        if let Some(stolen) = sessions::find_by_previous_refresh_hash(connection, current_hash)? {
            sessions::revoke_session(connection, stolen.id, time)?;
            let account = crate::db::accounts::find_account(connection, stolen.account_id)?;
            record(
                connection,
                &AuditEntry {
                    site_id: Some(account.site_id),
                    account_id: Some(account.id),
                    action: "refresh_token_reused",
                    target_type: Some("session"),
                    target_id: Some(stolen.id),
                    ip: Some(ip.to_owned()),
                    ..AuditEntry::default()
                },
            )?;
        }
        return Ok(RefreshOutcome::Refused);
    };
    if session.revoked_at.is_some() || session.expires_at <= time {
        return Ok(RefreshOutcome::Refused);
    }
    if !sessions::rotate_refresh_token(connection, session.id, current_hash, new_hash, time)? {
        return Ok(RefreshOutcome::Refused);
    }
    let account = crate::db::accounts::find_account(connection, session.account_id)?;
    Ok(RefreshOutcome::Rotated {
        account,
        session_id: session.id,
    })
}

/// Logs out: revokes the session on the server and clears the refresh cookie.
///
/// Works with the refresh cookie, the access token, or both; always answers 204.
#[utoipa::path(
    tag = "auth",
    responses((status = 204, description = "Logged out"))
)]
#[post("/auth/logout")]
pub async fn delete_session(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let cookie_hash = refresh_token_from(&request).map(|token| hash_token(&token));
    let session_from_token = bearer_token(&request)
        .and_then(|token| state.jwt.verify(token))
        .map(|claims| claims.sid);
    let ip = client_ip(&request);
    state
        .db
        .run(move |connection| {
            let time = now();
            let mut session_ids = Vec::new();
            if let Some(hash) = cookie_hash
                && let Some(session) = sessions::find_by_refresh_hash(connection, &hash)?
            {
                session_ids.push(session.id);
            }
            session_ids.extend(session_from_token);
            session_ids.dedup();
            for session_id in session_ids {
                sessions::revoke_session(connection, session_id, time)?;
                record(
                    connection,
                    &AuditEntry {
                        action: "logout",
                        target_type: Some("session"),
                        target_id: Some(session_id),
                        ip: Some(ip.clone()),
                        ..AuditEntry::default()
                    },
                )?;
            }
            Ok::<_, AppError>(())
        })
        .await?;
    Ok(HttpResponse::NoContent()
        .cookie(expired_refresh_cookie(&state))
        .finish())
}

/// "Générer un nouveau mot de passe": emails a single-use link when the identifiant and
/// email match the school's records.
///
/// The answer is the same whether or not they matched, and nothing is sent when they did
/// not. The current password keeps working until the link is used.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "Accepted (the same answer whether or not anything matched)", body = MessageResponse),
        (status = 422, description = "A field is empty", body = tutti_shared::ApiErrorBody)
    )
)]
#[post("/auth/password-reset")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: ApiJson<PasswordResetRequest>,
) -> Result<HttpResponse, AppError> {
    let PasswordResetRequest { site, login, email } = body.into_inner();
    require_fields(&[("site", &site), ("login", &login), ("email", &email)])?;
    let ip = client_ip(&request);
    let token = random_token();
    let token_hash = hash_token(&token);
    let matched = state
        .db
        .run(move |connection| {
            let account = find_account_by_login(connection, site.trim(), login.trim())?;
            let account = account.filter(|account| {
                tutti_shared::EmailAddress::parse(&account.email)
                    .is_ok_and(|stored| stored.matches(&email))
            });
            let time = now();
            // At most a few links an hour per account, so that nobody can flood a
            // family's mailbox; the answer stays the same either way.
            let flooded = match &account {
                Some(account) => {
                    sessions::count_reset_tokens_since(
                        connection,
                        account.id,
                        time - TimeDelta::hours(1),
                    )? >= RESET_LINKS_PER_HOUR
                }
                None => false,
            };
            let account = account.filter(|_| !flooded);
            if let Some(account) = &account {
                sessions::insert_reset_token(
                    connection,
                    account.id,
                    &token_hash,
                    time,
                    time + TimeDelta::minutes(RESET_TOKEN_MINUTES),
                )?;
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
            Ok::<_, AppError>(account)
        })
        .await?;
    if let Some(account) = matched {
        // Sent in the background so that the response time does not tell whether the
        // identifiant and email matched.
        let email = reset_email(&state.config.public_url, &account, &token);
        let state = state.clone();
        actix_web::rt::spawn(async move {
            if let Err(error) = state.mailer.send(&state.db, email).await {
                tracing::error!(%error, "could not record the password reset email");
            }
        });
    }
    Ok(HttpResponse::Accepted().json(MessageResponse {
        message: RESET_ACCEPTED.to_owned(),
    }))
}

fn reset_email(public_url: &str, account: &Account, token: &str) -> OutgoingEmail {
    let link = format!("{public_url}{RESET_PAGE_PATH}#token={token}");
    let body_text = format!(
        "Bonjour {name},\n\n\
         Une demande de nouveau mot de passe a été faite pour l'identifiant « {login} ».\n\n\
         Pour choisir votre mot de passe, ouvrez ce lien (valable 30 minutes, utilisable une seule fois) :\n\
         {link}\n\n\
         Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe actuel reste valable.\n\n\
         L'équipe administrative",
        name = account.display_name,
        login = account.login,
    );
    let body_html = format!(
        "<p>Bonjour {name},</p>\
         <p>Une demande de nouveau mot de passe a été faite pour l'identifiant « {login} ».</p>\
         <p><a href=\"{link}\">Choisir mon mot de passe</a> (lien valable 30 minutes, utilisable une seule fois)</p>\
         <p>Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe actuel reste valable.</p>\
         <p>L'équipe administrative</p>",
        name = html_escape(&account.display_name),
        login = html_escape(&account.login),
        link = html_escape(&link),
    );
    OutgoingEmail {
        site_id: Some(account.site_id),
        to: account.email.clone(),
        subject: "Choisir votre mot de passe".to_owned(),
        body_text,
        body_html,
        secret: Some(token.to_owned()),
    }
}

/// Sets a new password with the token of an emailed link.
///
/// The link then stops working, so do all other links of the account, and every session
/// of the account ends.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetConfirm,
    responses(
        (status = 200, description = "Password set; log in with it", body = MessageResponse),
        (status = 400, description = "The link is invalid, used or expired", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "The new password does not meet the policy", body = tutti_shared::ApiErrorBody)
    )
)]
#[post("/auth/password-reset/confirm")]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: ApiJson<PasswordResetConfirm>,
) -> Result<HttpResponse, AppError> {
    let PasswordResetConfirm {
        token,
        new_password,
    } = body.into_inner();
    let password =
        Password::parse(&new_password).map_err(|error| AppError::field("new_password", error.0))?;
    let invalid_link = || {
        AppError::BadRequest(
            "Ce lien n'est plus valable. Faites une nouvelle demande de mot de passe.".to_owned(),
        )
    };
    let token_hash = hash_token(token.trim());
    let lookup_hash = token_hash.clone();
    let live = state
        .db
        .run(move |connection| {
            sessions::find_live_reset_token(connection, &lookup_hash, now()).map_err(AppError::from)
        })
        .await?;
    if live.is_none() {
        return Err(invalid_link());
    }
    let new_hash = state
        .hasher
        .hash(prehash_for_login(password.expose()))
        .await?;
    let ip = client_ip(&request);
    let changed = state
        .db
        .run(move |connection| {
            crate::db::write_transaction(connection, |connection| {
                let time = now();
                // Re-read inside the transaction: two concurrent uses of one link, one wins.
                let Some(token) = sessions::find_live_reset_token(connection, &token_hash, time)?
                else {
                    return Ok::<_, AppError>(false);
                };
                let account = crate::db::accounts::find_account(connection, token.account_id)?;
                crate::db::accounts::set_password_hash(connection, account.id, &new_hash, time)?;
                sessions::burn_reset_tokens(connection, account.id, time)?;
                sessions::revoke_account_sessions(connection, account.id, None, time)?;
                let site = crate::db::sites::find_site(connection, account.site_id)?;
                throttle::clear(
                    connection,
                    &account_throttle_key(&site.slug, &account.login),
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
    Ok(HttpResponse::Ok()
        .cookie(expired_refresh_cookie(&state))
        .json(MessageResponse {
            message: "Votre mot de passe a été enregistré. Vous pouvez maintenant vous connecter."
                .to_owned(),
        }))
}
