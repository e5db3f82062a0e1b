//! `ApiJson<T>`: the JSON body extractor of every handler.
//!
//! serde reads a struct from an array in field order too; `[1, {"city": "Paris"}]` would
//! pass for a `{version, changes}` body. Request bodies must be JSON objects, so this
//! extractor refuses anything else before decoding, with the error envelope.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;

use tutti_shared::ErrorCode;

use crate::domain::DomainError;
use crate::error::AppError;

/// A JSON object body decoded into `T`, or why it could not be.
///
/// Extraction itself never fails: the handler takes the body with `into_inner()?` after
/// its other extractors ran. actix polls a handler's extractors together, and the
/// caller's check waits on the database, so a failing body would otherwise answer 400
/// before an unauthorised caller got its 401 or 403.
#[derive(Debug)]
pub struct ApiJson<T>(Result<T, AppError>);

impl<T> ApiJson<T> {
    /// The decoded body, or the 400/413/415 it earned.
    pub fn into_inner(self) -> Result<T, AppError> {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // The plain extractor applies the size limit and content type (see JsonConfig).
        let value = web::Json::<serde_json::Value>::from_request(request, payload);
        Box::pin(async move {
            let value = match value.await {
                Ok(web::Json(value)) => value,
                Err(error) => return Ok(ApiJson(Err(body_error(&error)))),
            };
            if !value.is_object() {
                return Ok(ApiJson(Err(AppError::bad_request(
                    "Le corps de la requête doit être un objet JSON.",
                ))));
            }
            Ok(ApiJson(serde_json::from_value::<T>(value).map_err(
                |error| AppError::bad_request(format!("JSON invalide : {error}")),
            )))
        })
    }
}

/// The envelope of a body the JSON extractor refused.
fn body_error(error: &actix_web::Error) -> AppError {
    use actix_web::error::JsonPayloadError;
    let refusal = |code, message: String| AppError(DomainError::rejected(code, message));
    match error.as_error::<JsonPayloadError>() {
        Some(JsonPayloadError::ContentType) => refusal(
            ErrorCode::UnsupportedMediaType,
            "Le corps de la requête doit être du JSON (Content-Type: application/json).".to_owned(),
        ),
        Some(JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. }) => {
            refusal(
                ErrorCode::PayloadTooLarge,
                "La requête est trop volumineuse.".to_owned(),
            )
        }
        Some(JsonPayloadError::Deserialize(inner)) => {
            refusal(ErrorCode::BadRequest, format!("JSON invalide : {inner}"))
        }
        _ => refusal(
            ErrorCode::BadRequest,
            "Corps de requête illisible.".to_owned(),
        ),
    }
}
