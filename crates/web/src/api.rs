//! Every HTTP call the SPA makes lives here.
//!
//! Pages never build a request themselves: they call one function per endpoint and get
//! either the decoded wire type or an [`ApiError`] whose message is French and ready to
//! show. Every endpoint, public, family or administration, goes through the one
//! transport of [`transport`], which adds the in-memory access token and, on a 401,
//! renews it once through the refresh cookie before retrying once.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;

use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use gloo_net::http::Method;
use tutti_shared::{
    ApiErrorBody, ChangePasswordRequest, LoginRequest, MessageResponse, PasswordResetConfirm,
    PasswordResetRequest, SessionResponse, SessionView, SiteSummary,
};

use crate::i18n;
use crate::session::Session;

#[cfg(feature = "admin")]
pub mod admin;
#[cfg(feature = "admin")]
pub mod billing_admin;
// The families' endpoints: the administration's build has no family screens.
#[cfg(not(feature = "admin"))]
pub mod billing;
#[cfg(not(feature = "admin"))]
pub mod documents;
#[cfg(not(feature = "admin"))]
pub mod family;
#[cfg(not(feature = "admin"))]
pub mod reenrolment;
#[cfg(feature = "admin")]
pub mod reenrolment_admin;
mod transport;

pub use transport::Answer;
use transport::{Call, Caller, fetch, fetch_nothing};

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
pub fn list_sites() -> Answer<Vec<SiteSummary>> {
    fetch(Caller::Anonymous, Call::get("/api/v1/sites"))
}

/// `POST /api/v1/auth/login`: the answer also sets the HttpOnly refresh cookie.
pub fn login(request: &LoginRequest) -> Answer<SessionResponse> {
    let call = Call::with_json(Method::POST, "/api/v1/auth/login", request);
    fetch(Caller::Anonymous, call)
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
                    let call = Call::new(Method::POST, "/api/v1/auth/refresh");
                    let result = fetch(Caller::Anonymous, call).await;
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

/// `POST /api/v1/auth/password-reset`: always the same neutral answer, match or not.
pub fn request_password_reset(request: &PasswordResetRequest) -> Answer<MessageResponse> {
    let call = Call::with_json(Method::POST, "/api/v1/auth/password-reset", request);
    fetch(Caller::Anonymous, call)
}

/// `POST /api/v1/auth/password-reset/confirm`: sets the new password with the emailed token.
pub fn confirm_password_reset(request: &PasswordResetConfirm) -> Answer<MessageResponse> {
    let call = Call::with_json(Method::POST, "/api/v1/auth/password-reset/confirm", request);
    fetch(Caller::Anonymous, call)
}

// ---------------------------------------------------------------------------------------
// Authenticated endpoints.
// ---------------------------------------------------------------------------------------

/// `POST /api/v1/auth/logout`: revokes the session on the server and clears the cookie.
///
/// Sent with the token when there is one and with the cookie in any case, so that the
/// server can end the session even after the access token expired. Not retried: a failed
/// logout must not renew the very session it is ending.
pub fn logout(session: Session) -> Answer<()> {
    let call = Call::new(Method::POST, "/api/v1/auth/logout");
    fetch_nothing(Caller::Leaving(session), call)
}

/// `PUT /api/v1/account/password`: the server ends every other session of the account.
pub fn change_password(
    session: Session,
    request: &ChangePasswordRequest,
) -> Answer<MessageResponse> {
    let call = Call::with_json(Method::PUT, "/api/v1/account/password", request);
    fetch(Caller::Account(session), call)
}

/// `GET /api/v1/account/sessions`: "Mes connexions".
pub fn list_sessions(session: Session) -> Answer<Vec<SessionView>> {
    fetch(
        Caller::Account(session),
        Call::get("/api/v1/account/sessions"),
    )
}

/// `DELETE /api/v1/account/sessions/{id}`: ends one session of the account.
pub fn end_session(session: Session, id: i64) -> Answer<()> {
    let call = Call::new(Method::DELETE, format!("/api/v1/account/sessions/{id}"));
    fetch_nothing(Caller::Account(session), call)
}

/// `POST /api/v1/account/sessions/end-others`: ends every session but this one.
pub fn end_other_sessions(session: Session) -> Answer<()> {
    let call = Call::new(Method::POST, "/api/v1/account/sessions/end-others");
    fetch_nothing(Caller::Account(session), call)
}

// Declared after the code so that the families' build, which leaves it out, keeps its
// code (and its panic locations) byte for byte.
#[cfg(feature = "admin")]
pub mod rentals_admin;

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
