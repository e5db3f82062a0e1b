//! Every HTTP call the SPA makes lives here.
//!
//! Pages never build a request themselves: they call one function per endpoint and get
//! either the decoded wire type or an [`ApiError`] whose message is French and ready to
//! show. Authenticated calls go through [`send_authorized`], which adds the in-memory access
//! token and, on a 401, renews it once through the refresh cookie before retrying once.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;

use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tutti_shared::{
    ApiErrorBody, ChangePasswordRequest, LoginRequest, MessageResponse, PasswordResetConfirm,
    PasswordResetRequest, SessionResponse, SiteSummary,
};
use web_sys::RequestCredentials;

use crate::i18n;
use crate::session::Session;

#[cfg(feature = "admin")]
pub mod admin;
pub mod family;

/// Why a call failed, already phrased for the person in front of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The request got no answer at all: offline phone, server down, DNS failure.
    Network,
    /// The server answered with the shared error envelope.
    Api {
        /// HTTP status of the answer.
        status: u16,
        /// The decoded envelope, whose message is already in French.
        body: ApiErrorBody,
    },
    /// The server answered something that is not the envelope (a proxy's HTML page, a
    /// static server's 404): we cannot trust its text, so we show our own.
    Unexpected {
        /// HTTP status of the answer.
        status: u16,
    },
    /// The session ended and could not be renewed; the app goes back to the login page.
    SessionExpired,
}

impl ApiError {
    /// Builds the error for a non-success answer from its status and raw body.
    ///
    /// Kept free of any browser type so that it can be unit-tested natively.
    pub fn from_status_and_body(status: u16, body: &str) -> Self {
        match serde_json::from_str::<ApiErrorBody>(body) {
            Ok(body) => ApiError::Api { status, body },
            Err(_) => ApiError::Unexpected { status },
        }
    }

    /// Per-field messages (API field name to French message), empty when there are none.
    pub fn fields(&self) -> BTreeMap<String, String> {
        match self {
            ApiError::Api { body, .. } => body.fields.clone(),
            _ => BTreeMap::new(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Network => formatter.write_str(i18n::SERVER_UNREACHABLE),
            ApiError::Api { body, .. } => formatter.write_str(&body.message),
            ApiError::Unexpected { status } => {
                write!(
                    formatter,
                    "{} (code {status}). {}",
                    i18n::UNEXPECTED_ANSWER,
                    i18n::TRY_AGAIN_LATER
                )
            }
            ApiError::SessionExpired => formatter.write_str(i18n::SESSION_EXPIRED),
        }
    }
}

impl std::error::Error for ApiError {}

// ---------------------------------------------------------------------------------------
// Public endpoints (no access token).
// ---------------------------------------------------------------------------------------

/// `GET /api/v1/sites`: the sites offered on the login page.
pub async fn list_sites() -> Result<Vec<SiteSummary>, ApiError> {
    let response = send(&Call::get("/api/v1/sites"), None).await?;
    decode_json(response).await
}

/// `POST /api/v1/auth/login`: the answer also sets the HttpOnly refresh cookie.
pub async fn login(request: &LoginRequest) -> Result<SessionResponse, ApiError> {
    let response = send(&Call::post("/api/v1/auth/login", request)?, None).await?;
    decode_json(response).await
}

/// `POST /api/v1/auth/refresh`: trades the refresh cookie for a fresh access token.
///
/// Concurrent callers share one request: the server rotates the cookie at each refresh and
/// treats the re-use of a rotated one as theft (it revokes the session), so two parallel
/// refreshes would log the family out.
pub async fn refresh() -> Result<SessionResponse, ApiError> {
    let shared = REFRESH_IN_FLIGHT.with(|slot| {
        slot.borrow_mut()
            .get_or_insert_with(|| {
                async {
                    let result = refresh_once().await;
                    // Cleared by the one shared future itself, before any waiter resumes,
                    // so that a later refresh never finds a finished one.
                    REFRESH_IN_FLIGHT.with(|slot| slot.borrow_mut().take());
                    result
                }
                .boxed_local()
                .shared()
            })
            .clone()
    });
    shared.await
}

type SharedRefresh = Shared<LocalBoxFuture<'static, Result<SessionResponse, ApiError>>>;

thread_local! {
    /// The refresh request under way, if any (the browser runs us on one thread).
    static REFRESH_IN_FLIGHT: RefCell<Option<SharedRefresh>> = const { RefCell::new(None) };
}

async fn refresh_once() -> Result<SessionResponse, ApiError> {
    let response = send(&Call::post_empty("/api/v1/auth/refresh"), None).await?;
    decode_json(response).await
}

/// `POST /api/v1/auth/password-reset`: always the same neutral answer, match or not.
pub async fn request_password_reset(
    request: &PasswordResetRequest,
) -> Result<MessageResponse, ApiError> {
    let response = send(&Call::post("/api/v1/auth/password-reset", request)?, None).await?;
    decode_json(response).await
}

/// `POST /api/v1/auth/password-reset/confirm`: sets the new password with the emailed token.
pub async fn confirm_password_reset(
    request: &PasswordResetConfirm,
) -> Result<MessageResponse, ApiError> {
    let response = send(
        &Call::post("/api/v1/auth/password-reset/confirm", request)?,
        None,
    )
    .await?;
    decode_json(response).await
}

// ---------------------------------------------------------------------------------------
// Authenticated endpoints.
// ---------------------------------------------------------------------------------------

/// `POST /api/v1/auth/logout`: revokes the session on the server and clears the cookie.
///
/// Sent with the token when there is one and with the cookie in any case, so that the
/// server can end the session even after the access token expired. Not retried: a failed
/// logout must not renew the very session it is ending.
pub async fn logout(session: Session) -> Result<(), ApiError> {
    let token = session.access_token();
    let response = send(&Call::post_empty("/api/v1/auth/logout"), token.as_deref()).await?;
    expect_success(response).await
}

/// `PUT /api/v1/account/password`: the server ends every other session of the account.
pub async fn change_password(
    session: Session,
    request: &ChangePasswordRequest,
) -> Result<MessageResponse, ApiError> {
    let call = Call::with_json(Method::PUT, "/api/v1/account/password", request)?;
    let response = send_authorized(session, &call).await?;
    decode_json(response).await
}

// ---------------------------------------------------------------------------------------
// Plumbing.
// ---------------------------------------------------------------------------------------

/// A request that can be sent again: gloo's builders are consumed by `send`, and a 401
/// retry needs the same request a second time with a new token.
struct Call {
    method: Method,
    path: String,
    /// Query parameters, encoded by the browser's `URLSearchParams`.
    query: Vec<(&'static str, String)>,
    json_body: Option<String>,
}

impl Call {
    fn get(path: &str) -> Self {
        Self {
            method: Method::GET,
            path: path.to_owned(),
            query: Vec::new(),
            json_body: None,
        }
    }

    fn post_empty(path: &str) -> Self {
        Self {
            method: Method::POST,
            path: path.to_owned(),
            query: Vec::new(),
            json_body: None,
        }
    }

    fn post(path: &str, body: &impl Serialize) -> Result<Self, ApiError> {
        Self::with_json(Method::POST, path, body)
    }

    fn with_json(method: Method, path: &str, body: &impl Serialize) -> Result<Self, ApiError> {
        // Serialising our own plain structs cannot fail in practice; should it ever, saying
        // "unexpected" beats a panic in the browser.
        let json = serde_json::to_string(body).map_err(|_| ApiError::Unexpected { status: 0 })?;
        Ok(Self {
            method,
            path: path.to_owned(),
            query: Vec::new(),
            json_body: Some(json),
        })
    }
}

async fn send(call: &Call, access_token: Option<&str>) -> Result<Response, ApiError> {
    // Same-origin credentials: the refresh cookie goes along, and only to our own server.
    let mut builder = RequestBuilder::new(&call.path)
        .method(call.method.clone())
        .credentials(RequestCredentials::SameOrigin)
        .header("Accept", "application/json")
        .query(call.query.iter().map(|(name, value)| (*name, value)));
    if let Some(token) = access_token {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let request = match &call.json_body {
        Some(json) => builder
            .header("Content-Type", "application/json")
            .body(json.clone()),
        None => builder.build(),
    }
    .map_err(|_| ApiError::Network)?;
    request.send().await.map_err(|_| ApiError::Network)
}

/// Sends with the access token; on a 401 renews it once and retries once.
///
/// When renewal fails the session is over: the in-memory state is cleared, which makes the
/// protected routes redirect to the login page.
async fn send_authorized(session: Session, call: &Call) -> Result<Response, ApiError> {
    if let Some(token) = session.access_token() {
        let response = send(call, Some(&token)).await?;
        if response.status() != 401 {
            return Ok(response);
        }
    }
    let Ok(renewed) = refresh().await else {
        session.expire();
        return Err(ApiError::SessionExpired);
    };
    let token = renewed.access_token.clone();
    session.sign_in(renewed);
    let response = send(call, Some(&token)).await?;
    if response.status() == 401 {
        session.expire();
        return Err(ApiError::SessionExpired);
    }
    Ok(response)
}

async fn decode_json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let status = response.status();
    if !response.ok() {
        return Err(error_from_response(response).await);
    }
    response
        .json::<T>()
        .await
        .map_err(|_| ApiError::Unexpected { status })
}

async fn expect_success(response: Response) -> Result<(), ApiError> {
    if response.ok() {
        Ok(())
    } else {
        Err(error_from_response(response).await)
    }
}

async fn error_from_response(response: Response) -> ApiError {
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    ApiError::from_status_and_body(status, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tutti_shared::ErrorCode;

    #[test]
    fn an_error_envelope_keeps_its_french_message_and_fields() {
        let body = r#"{"code":"validation","message":"Vérifiez le formulaire.",
                       "fields":{"new_password":"Trop court."}}"#;
        let error = ApiError::from_status_and_body(422, body);
        assert!(
            matches!(&error, ApiError::Api { status: 422, body } if body.code == ErrorCode::Validation)
        );
        assert_eq!(error.to_string(), "Vérifiez le formulaire.");
        assert_eq!(
            error.fields().get("new_password").map(String::as_str),
            Some("Trop court.")
        );
    }

    #[test]
    fn a_body_that_is_not_the_envelope_becomes_an_unexpected_answer_in_french() {
        let error = ApiError::from_status_and_body(404, "<html>Not Found</html>");
        assert_eq!(error, ApiError::Unexpected { status: 404 });
        assert!(error.to_string().contains("404"));
        assert!(error.fields().is_empty());
    }

    #[test]
    fn network_and_expiry_errors_speak_french() {
        assert_eq!(ApiError::Network.to_string(), i18n::SERVER_UNREACHABLE);
        assert_eq!(ApiError::SessionExpired.to_string(), i18n::SESSION_EXPIRED);
    }
}
