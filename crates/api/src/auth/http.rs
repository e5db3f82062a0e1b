//! Login, refresh, logout, password recovery, and the logged-in account.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use tutti_shared::{
    AccountInfo, ChangePasswordRequest, LoginRequest, MessageResponse, PasswordResetConfirm,
    PasswordResetRequest, SessionResponse,
};

use super::service::{self, SESSION_DAYS, SessionGrant};
use crate::caller::{Caller, bearer_token, client_ip};
use crate::error::AppError;
use crate::json::ApiJson;
use crate::state::AppState;

/// Name of the refresh cookie; its path limits it to the auth endpoints.
pub const REFRESH_COOKIE: &str = "tutti_refresh";
const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";

const RESET_ACCEPTED: &str = "Si l'identifiant et l'adresse e-mail correspondent à nos informations, un e-mail contenant un lien pour choisir un nouveau mot de passe vient d'être envoyé. Le lien est valable 30 minutes.";

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

fn refresh_token_from(request: &HttpRequest) -> Option<String> {
    request
        .cookie(REFRESH_COOKIE)
        .map(|cookie| cookie.value().to_owned())
        .filter(|value| !value.is_empty())
}

/// The device cookie: only the login endpoint ever reads it.
fn device_cookie(state: &AppState, name: String, value: String) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/api/v1/auth/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.secure_cookies())
        .max_age(CookieDuration::days(super::device::DEVICE_COOKIE_DAYS))
        .finish()
}

/// The access token in the body, the refresh token in the HttpOnly cookie.
fn session_response(state: &AppState, grant: SessionGrant) -> HttpResponse {
    HttpResponse::Ok()
        .cookie(refresh_cookie(state, &grant.refresh_token))
        .json(SessionResponse {
            access_token: grant.access_token,
            token_type: "Bearer".to_owned(),
            expires_in: super::jwt::ACCESS_TOKEN_SECONDS,
            account: grant.account,
        })
}

/// Logs in with site, identifiant and password.
///
/// Answers with a short-lived access token and sets the rotating refresh token in an
/// HttpOnly cookie, and a signed device cookie for this account. Failed attempts are
/// throttled per client address, and per account, or, from a browser that carries this
/// account's device cookie, per device: a stranger's wrong passwords do not lock the
/// family out of its own browsers. Logins are queued for the password check; when the
/// queue is full the answer is 429 at once.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in; the refresh cookie is set", body = SessionResponse),
        (status = 401, description = "Wrong site, identifiant or password", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "A field is empty", body = tutti_shared::ApiErrorBody),
        (status = 429, description = "Too many failures, or too many logins waiting; see Retry-After (`throttled`)", body = tutti_shared::ApiErrorBody)
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
    } = body.into_inner()?;
    let known_device = request.cookie(&super::device::cookie_name(&site, &login));
    let logged_in = service::log_in(
        &state,
        &site,
        &login,
        &password,
        client_ip(&request),
        known_device.as_ref().map(Cookie::value),
    )
    .await?;
    let (name, value) = logged_in.device_cookie;
    let mut response = session_response(&state, logged_in.grant);
    response
        .add_cookie(&device_cookie(&state, name, value))
        .map_err(|error| crate::domain::DomainError::Internal(error.to_string()))?;
    Ok(response)
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
    let outcome = match refresh_token_from(&request) {
        Some(token) => service::refresh(&state, &token, client_ip(&request)).await,
        None => Err(crate::domain::DomainError::Unauthenticated(String::new())),
    };
    match outcome {
        Ok(grant) => Ok(session_response(&state, grant)),
        Err(crate::domain::DomainError::Unauthenticated(_)) => Ok(HttpResponse::Unauthorized()
            .cookie(expired_refresh_cookie(&state))
            .json(tutti_shared::ApiErrorBody::new(
                tutti_shared::ErrorCode::Unauthorized,
                "Votre session a expiré. Veuillez vous reconnecter.",
            ))),
        Err(other) => Err(other.into()),
    }
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
    let session_from_token = bearer_token(&request)
        .and_then(|token| state.jwt.verify(token))
        .map(|claims| claims.sid);
    service::log_out(
        &state,
        refresh_token_from(&request),
        session_from_token,
        client_ip(&request),
    )
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
    let PasswordResetRequest { site, login, email } = body.into_inner()?;
    service::request_password_reset(&state, &site, &login, &email, client_ip(&request)).await?;
    Ok(HttpResponse::Accepted().json(MessageResponse {
        message: RESET_ACCEPTED.to_owned(),
    }))
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
        (status = 400, description = "The link is invalid, used or expired (`invalid_link`)", body = tutti_shared::ApiErrorBody),
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
    } = body.into_inner()?;
    service::confirm_password_reset(&state, &token, &new_password, client_ip(&request)).await?;
    Ok(HttpResponse::Ok()
        .cookie(expired_refresh_cookie(&state))
        .json(MessageResponse {
            message: "Votre mot de passe a été enregistré. Vous pouvez maintenant vous connecter."
                .to_owned(),
        }))
}

/// Who is logged in: role, site and (for families) the household.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The logged-in account", body = AccountInfo),
        (status = 401, description = "Not logged in", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/account")]
pub async fn find_account(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let info: AccountInfo = service::find_account(&state, caller.account).await?;
    Ok(HttpResponse::Ok().json(info))
}

/// Changes the password of the logged-in account.
///
/// Every other session of the account ends; this one stays open. Wrong current
/// passwords count as failed logins for throttling.
#[utoipa::path(
    tag = "account",
    request_body = ChangePasswordRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Password changed", body = MessageResponse),
        (status = 401, description = "Not logged in", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Wrong current password or invalid new one", body = tutti_shared::ApiErrorBody),
        (status = 429, description = "Too many wrong attempts (`throttled`)", body = tutti_shared::ApiErrorBody)
    )
)]
#[put("/account/password")]
pub async fn update_password(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<ChangePasswordRequest>,
) -> Result<HttpResponse, AppError> {
    let ChangePasswordRequest {
        current_password,
        new_password,
    } = body.into_inner()?;
    service::change_password(
        &state,
        caller.account,
        caller.session_id,
        &current_password,
        &new_password,
        caller.ip.clone(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(MessageResponse {
        message: "Votre mot de passe a été modifié.".to_owned(),
    }))
}
