//! `ApiJson<T>`: the JSON body extractor of every handler.
//!
//! serde reads a struct from an array in field order too; `[1, {"city": "Paris"}]` would
//! pass for a `{version, changes}` body. Request bodies must be JSON objects, so this
//! extractor refuses anything else before decoding, with the error envelope.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// A JSON object body decoded into `T`.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T> ApiJson<T> {
    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for ApiJson<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // The plain extractor applies the size limit and content type (see JsonConfig).
        let value = web::Json::<serde_json::Value>::from_request(request, payload);
        Box::pin(async move {
            let web::Json(value) = value.await?;
            if !value.is_object() {
                return Err(AppError::bad_request(
                    "Le corps de la requête doit être un objet JSON.",
                )
                .into());
            }
            serde_json::from_value::<T>(value)
                .map(ApiJson)
                .map_err(|error| AppError::bad_request(format!("JSON invalide : {error}")).into())
        })
    }
}
