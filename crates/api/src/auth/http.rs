//! Login, refresh, logout, password recovery, and the logged-in account.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use tutti_shared::{
    AccountInfo, ChangePasswordRequest, LoginRequest, MessageResponse, PasswordResetConfirm,
    PasswordResetRequest, SessionResponse, SessionView,
};

use super::service::{self, Refreshed, SessionGrant};
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
        .max_age(CookieDuration::seconds(
            state.config.sessions.longest_lifetime().num_seconds(),
        ))
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

/// The header the SPA sends with every call. A page of another origin (a sibling
/// subdomain counts as same-site, so `SameSite=Strict` lets its forms carry our cookie)
/// cannot add a custom header to a form post, nor to a fetch without our CORS consent.
pub const CLIENT_HEADER: &str = "x-tutti-client";

/// The cookie-driven endpoints (refresh, logout) act only for our own pages: the SPA's
/// header, or an `Origin` that is the portal's own. 403 otherwise.
fn require_own_page(state: &AppState, request: &HttpRequest) -> Result<(), AppError> {
    let headers = request.headers();
    let has_client_header = headers
        .get(CLIENT_HEADER)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| !value.trim().is_empty());
    let from_our_origin = headers
        .get("origin")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|origin| origin == state.config.public_origin());
    if has_client_header || from_our_origin {
        return Ok(());
    }
    Err(AppError::from(crate::domain::DomainError::Forbidden))
}

/// The User-Agent, for the session's device summary.
fn user_agent(request: &HttpRequest) -> String {
    request
        .headers()
        .get("user-agent")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
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
        user_agent(&request),
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
/// Requires the `X-Tutti-Client` header (any non-empty value; the SPA sends `web`) or an
/// `Origin` equal to the portal's, so that a page of another origin cannot use the
/// cookie. A refresh token works once. The token a concurrent refresh replaced less
/// than 30 s ago gets an access token without a new cookie; any other earlier token of
/// the session means it was copied, and the whole session is then revoked.
#[utoipa::path(
    tag = "auth",
    params(("X-Tutti-Client" = Option<String>, Header, description = "Any non-empty value (the SPA sends `web`); required unless `Origin` is the portal's own")),
    responses(
        (status = 200, description = "A new access token; the refresh cookie is replaced (kept as is when another request replaced it a moment ago)", body = SessionResponse),
        (status = 401, description = "No valid refresh cookie", body = tutti_shared::ApiErrorBody),
        (status = 403, description = "Neither the `X-Tutti-Client` header nor the portal's `Origin` (`forbidden`)", body = tutti_shared::ApiErrorBody)
    )
)]
#[post("/auth/refresh")]
pub async fn refresh_session(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    require_own_page(&state, &request)?;
    let outcome = match refresh_token_from(&request) {
        Some(token) => {
            service::refresh(&state, &token, client_ip(&request), user_agent(&request)).await
        }
        None => Err(crate::domain::DomainError::Unauthenticated(String::new())),
    };
    match outcome {
        Ok(Refreshed {
            access_token,
            refresh_token,
            account,
        }) => {
            let mut response = HttpResponse::Ok();
            if let Some(refresh_token) = refresh_token {
                response.cookie(refresh_cookie(&state, &refresh_token));
            }
            Ok(response.json(SessionResponse {
                access_token,
                token_type: "Bearer".to_owned(),
                expires_in: super::jwt::ACCESS_TOKEN_SECONDS,
                account,
            }))
        }
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
/// Works with the refresh cookie, the access token, or both; answers 204. Requires the
/// `X-Tutti-Client` header or the portal's `Origin`, like the refresh.
#[utoipa::path(
    tag = "auth",
    params(("X-Tutti-Client" = Option<String>, Header, description = "Any non-empty value (the SPA sends `web`); required unless `Origin` is the portal's own")),
    responses(
        (status = 204, description = "Logged out"),
        (status = 403, description = "Neither the `X-Tutti-Client` header nor the portal's `Origin` (`forbidden`)", body = tutti_shared::ApiErrorBody)
    )
)]
#[post("/auth/logout")]
pub async fn delete_session(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    require_own_page(&state, &request)?;
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

/// "Mes connexions": the live sessions of the logged-in account, most recently used
/// first, with the device, the network (never the full address) and which one is this.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account's live sessions", body = Vec<SessionView>),
        (status = 401, description = "Not logged in", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/account/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let sessions = service::list_sessions(&state, &caller).await?;
    Ok(HttpResponse::Ok().json(sessions))
}

/// Ends one session of the logged-in account ("Se déconnecter de cet appareil"): its
/// access and refresh tokens stop working at once. Ending the current one logs out;
/// ending one already over is no error (the answer is the same: it is over).
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The session's id")),
    responses(
        (status = 204, description = "The session is over"),
        (status = 401, description = "Not logged in", body = tutti_shared::ApiErrorBody),
        (status = 404, description = "No such session of this account", body = tutti_shared::ApiErrorBody)
    )
)]
#[delete("/account/sessions/{id}")]
pub async fn delete_account_session(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    service::end_session(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ends every session of the logged-in account except this one ("Déconnecter toutes
/// les autres connexions").
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Only this session is left"),
        (status = 401, description = "Not logged in", body = tutti_shared::ApiErrorBody)
    )
)]
#[post("/account/sessions/end-others")]
pub async fn end_other_sessions(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    service::end_other_sessions(&state, &caller).await?;
    Ok(HttpResponse::NoContent().finish())
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
