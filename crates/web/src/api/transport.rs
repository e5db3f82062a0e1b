//! The one way the SPA talks to the API: build a [`Call`], say who makes it
//! ([`Caller`]), and [`fetch`] it. One non-generic function sends the request, attaches
//! the access token, renews it once on a 401 through the refresh cookie, and turns a
//! refusal into an [`ApiError`] (the envelope decoded); only the final JSON decoding is
//! instantiated per answer type, which keeps the wasm small.

use futures::FutureExt;
use futures::future::LocalBoxFuture;
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use web_sys::RequestCredentials;

use super::{ApiError, refresh};
use crate::session::Session;

/// The future of one endpoint's answer. Boxed, so that each screen awaiting it holds a
/// pointer instead of inlining the whole exchange into its own state machine.
pub type Answer<T> = LocalBoxFuture<'static, Result<T, ApiError>>;

/// Who makes a call, which decides how the access token is handled.
#[derive(Clone, Copy)]
pub enum Caller {
    /// Public endpoints (login, sites, password reset): no token.
    Anonymous,
    /// The logged-in account: the token is attached, and renewed once on a 401.
    Account(Session),
    /// The logged-in account ending its session (logout): the token when there is one,
    /// never renewed, since a failed logout must not bring back the session it ends.
    Leaving(Session),
}

/// A request that can be sent again: gloo's builders are consumed by `send`, and a 401
/// retry needs the same request a second time with a new token.
pub struct Call {
    method: Method,
    path: String,
    /// Query parameters, encoded by the browser's `URLSearchParams`.
    query: Vec<(&'static str, String)>,
    /// The JSON body, or why it could not be written.
    json_body: Result<Option<String>, ApiError>,
    /// Extra request headers (a payment's `Idempotency-Key`). The administration's only:
    /// the families' build carries no code for them.
    #[cfg(feature = "admin")]
    headers: Vec<(&'static str, String)>,
}

impl Call {
    /// A call without a body.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            json_body: Ok(None),
            #[cfg(feature = "admin")]
            headers: Vec::new(),
        }
    }

    /// A `GET`.
    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path)
    }

    /// A call with a JSON body.
    pub fn with_json(method: Method, path: impl Into<String>, body: &impl Serialize) -> Self {
        // Serialising our own plain structs cannot fail in practice; should it ever,
        // saying "unexpected" beats a panic in the browser.
        let json_body = serde_json::to_string(body)
            .map(Some)
            .map_err(|_| ApiError::Unexpected { status: 0 });
        Self {
            json_body,
            ..Self::new(method, path)
        }
    }

    /// The same call with query parameters.
    #[cfg_attr(
        not(feature = "admin"),
        expect(
            dead_code,
            reason = "only the administration's lists take query parameters"
        )
    )]
    pub fn with_query(mut self, query: Vec<(&'static str, String)>) -> Self {
        self.query = query;
        self
    }

    /// The same call with one more request header.
    #[cfg(feature = "admin")]
    pub fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }
}

/// Sends a call and decodes the answer as `T`.
pub fn fetch<T: DeserializeOwned + 'static>(caller: Caller, call: Call) -> Answer<T> {
    // A combinator, not an `async` block: per answer type, only a small `Map` future.
    exchange(caller, call)
        .map(|body| decode(&body?))
        .boxed_local()
}

/// Sends a call whose answer has no body worth reading (logout, deletions).
pub fn fetch_nothing(caller: Caller, call: Call) -> Answer<()> {
    exchange(caller, call)
        .map(|body| body.map(drop))
        .boxed_local()
}

/// Decodes an answer's body; a body that is not the expected JSON is "unexpected".
pub fn decode<T: DeserializeOwned>(body: &str) -> Result<T, ApiError> {
    serde_json::from_str(body).map_err(|_| ApiError::Unexpected { status: 200 })
}

/// Sends the call as `caller` and returns the body of a success: the one transport.
///
/// With an account, a 401 renews the access token once through the refresh cookie and
/// sends the call again; when renewal fails, or the retry is refused too, the session is
/// over: the in-memory state is cleared, which sends the protected routes to the login
/// page.
pub fn exchange(caller: Caller, call: Call) -> LocalBoxFuture<'static, Result<String, ApiError>> {
    async move {
        let response = succeeded(caller, &call).await?;
        let status = response.status();
        response
            .text()
            .await
            .map_err(|_| ApiError::Unexpected { status })
    }
    .boxed_local()
}

/// Sends the call and returns the answer of a success, or the refusal decoded.
async fn succeeded(caller: Caller, call: &Call) -> Result<Response, ApiError> {
    let response = match caller {
        Caller::Anonymous => send(call, None).await?,
        Caller::Leaving(session) => send(call, session.access_token().as_deref()).await?,
        Caller::Account(session) => send_renewing(session, call).await?,
    };
    if response.ok() {
        return Ok(response);
    }
    let body = response.text().await.unwrap_or_default();
    Err(ApiError::from_status_and_body(response.status(), &body))
}

/// Sends the call and returns the answer's body as a `Blob` (a file download), typed with
/// the answer's `Content-Type`, so that an object URL made of it opens as that type.
pub fn fetch_blob(caller: Caller, call: Call) -> Answer<web_sys::Blob> {
    async move {
        let response = succeeded(caller, &call).await?;
        let status = response.status();
        let unexpected = |_| ApiError::Unexpected { status };
        let promise = web_sys::Response::from(response)
            .blob()
            .map_err(unexpected)?;
        let blob = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(unexpected)?;
        Ok(web_sys::Blob::from(blob))
    }
    .boxed_local()
}

/// Posts a multipart form with `XMLHttpRequest`, the one browser API that reports upload
/// progress (`fetch` does not): `progress` gets the percentage sent, 0 to 100. The token
/// is renewed once on a 401, as every other call; the body of a success is returned.
#[cfg(not(feature = "admin"))]
pub fn upload(
    session: Session,
    path: String,
    form: web_sys::FormData,
    progress: impl Fn(u32) + Clone + 'static,
) -> LocalBoxFuture<'static, Result<String, ApiError>> {
    async move {
        let token = session.access_token();
        let (status, body) = post_form(&path, &form, token.as_deref(), progress.clone()).await?;
        let (status, body) = if status == 401 {
            let Ok(renewed) = refresh().await else {
                session.expire();
                return Err(ApiError::SessionExpired);
            };
            let token = renewed.access_token.clone();
            session.sign_in(renewed);
            let answer = post_form(&path, &form, Some(&token), progress).await?;
            if answer.0 == 401 {
                session.expire();
                return Err(ApiError::SessionExpired);
            }
            answer
        } else {
            (status, body)
        };
        if (200..300).contains(&status) {
            Ok(body)
        } else {
            Err(ApiError::from_status_and_body(status, &body))
        }
    }
    .boxed_local()
}

/// One `XMLHttpRequest` POST of a form: its status and body, or `Network` when the
/// request got no answer (offline, connection cut).
#[cfg(not(feature = "admin"))]
async fn post_form(
    path: &str,
    form: &web_sys::FormData,
    token: Option<&str>,
    progress: impl Fn(u32) + 'static,
) -> Result<(u16, String), ApiError> {
    use wasm_bindgen::JsCast as _;
    use wasm_bindgen::closure::Closure;

    let request = web_sys::XmlHttpRequest::new().map_err(|_| ApiError::Network)?;
    request.open("POST", path).map_err(|_| ApiError::Network)?;
    for (name, value) in [("Accept", "application/json"), ("X-Tutti-Client", "web")] {
        request
            .set_request_header(name, value)
            .map_err(|_| ApiError::Network)?;
    }
    if let Some(token) = token {
        request
            .set_request_header("Authorization", &format!("Bearer {token}"))
            .map_err(|_| ApiError::Network)?;
    }
    let on_progress =
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                // Bounded to 0..=100 before the cast, so it cannot wrap.
                let percent = (event.loaded() * 100.0 / event.total()).clamp(0.0, 100.0);
                progress(percent as u32);
            }
        });
    if let Ok(upload) = request.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let (sender, receiver) = futures::channel::oneshot::channel::<bool>();
    let sender = std::rc::Rc::new(std::cell::Cell::new(Some(sender)));
    let finish = |succeeded: bool| {
        let sender = sender.clone();
        Closure::<dyn Fn()>::new(move || {
            if let Some(sender) = sender.take() {
                let _ = sender.send(succeeded);
            }
        })
    };
    let on_load = finish(true);
    let on_error = finish(false);
    request.set_onload(Some(on_load.as_ref().unchecked_ref()));
    request.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    request.set_onabort(Some(on_error.as_ref().unchecked_ref()));
    request
        .send_with_opt_form_data(Some(form))
        .map_err(|_| ApiError::Network)?;
    // The closures live until the request ended: they are dropped after this await.
    let answered = receiver.await.unwrap_or(false);
    if !answered {
        return Err(ApiError::Network);
    }
    let status = request.status().map_err(|_| ApiError::Network)?;
    let body = request.response_text().ok().flatten().unwrap_or_default();
    Ok((status, body))
}

async fn send_renewing(session: Session, call: &Call) -> Result<Response, ApiError> {
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

async fn send(call: &Call, access_token: Option<&str>) -> Result<Response, ApiError> {
    let json_body = call.json_body.clone()?;
    // Same-origin credentials: the refresh cookie goes along, and only to our own server.
    let mut builder = RequestBuilder::new(&call.path)
        .method(call.method.clone())
        .credentials(RequestCredentials::SameOrigin)
        .header("Accept", "application/json")
        // Proves the call comes from our own page: the refresh and logout endpoints,
        // which act on the cookie alone, refuse requests without it (a form posted by a
        // page of another origin cannot add a header).
        .header("X-Tutti-Client", "web")
        .query(call.query.iter().map(|(name, value)| (*name, value)));
    if let Some(token) = access_token {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    #[cfg(feature = "admin")]
    for (name, value) in &call.headers {
        builder = builder.header(name, value);
    }
    let request = match json_body {
        Some(json) => builder
            .header("Content-Type", "application/json")
            .body(json),
        None => builder.build(),
    }
    .map_err(|_| ApiError::Network)?;
    request.send().await.map_err(|_| ApiError::Network)
}
