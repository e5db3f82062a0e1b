//! Writes into every operation of the OpenAPI document the answers the plumbing can give,
//! so that a generated client, or a tool checking answers against the document, never
//! meets a status the document does not list:
//!
//! - 401 for every operation that requires a caller (missing, expired or revoked token);
//! - 403 where the declaration admits only some roles (a caller of the wrong kind);
//! - 404 where the path names a record (absent, or not the caller's);
//! - 400, 413 and 415 where a JSON body is read, and 422 for its validation;
//! - 400 where query parameters are read.
//!
//! What an operation declares itself (its 409 with a precise code, 429 on logins) stays
//! as written; this only adds what is missing.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{Content, Ref, RefOr, Response};

use crate::caller::{Access, operation_access};

/// The answers every operation can give by construction, added to the document.
pub fn document_answers(document: &mut utoipa::openapi::OpenApi) {
    for item in document.paths.paths.values_mut() {
        let path_has_record = item
            .get
            .iter()
            .chain(&item.post)
            .chain(&item.put)
            .chain(&item.patch)
            .chain(&item.delete)
            .any(has_path_parameter);
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            document_operation(operation, path_has_record);
        }
    }
}

fn has_path_parameter(operation: &Operation) -> bool {
    operation.parameters.iter().flatten().any(|parameter| {
        matches!(parameter, RefOr::T(parameter) if parameter.parameter_in == ParameterIn::Path)
    })
}

fn has_query_parameter(operation: &Operation) -> bool {
    operation.parameters.iter().flatten().any(|parameter| {
        matches!(parameter, RefOr::T(parameter) if parameter.parameter_in == ParameterIn::Query)
    })
}

fn error_response(description: &str) -> RefOr<Response> {
    let mut response = Response::new(description);
    response.content.insert(
        "application/json".to_owned(),
        RefOr::T(Content::new(Some(RefOr::<utoipa::openapi::Schema>::Ref(
            Ref::from_schema_name("ApiErrorBody"),
        )))),
    );
    RefOr::T(response)
}

fn add(operation: &mut Operation, status: &str, description: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| error_response(description));
}

fn document_operation(operation: &mut Operation, path_has_record: bool) {
    if let Ok(Some(access)) = operation_access(operation) {
        add(
            operation,
            "401",
            "Not logged in, or the session expired or was revoked (`unauthorized`)",
        );
        if let Access::Roles(_) = access {
            add(
                operation,
                "403",
                "This kind of account may not use this operation (`forbidden`)",
            );
        }
    }
    if path_has_record && has_path_parameter(operation) {
        add(
            operation,
            "404",
            "No such record, or not one the caller may see (`not_found`)",
        );
    }
    if operation.request_body.is_some() {
        add(
            operation,
            "400",
            "The body is not a JSON object of the expected shape (`bad_request`)",
        );
        add(
            operation,
            "413",
            "The body is larger than 64 KiB (`payload_too_large`)",
        );
        add(
            operation,
            "415",
            "The body is not JSON (`unsupported_media_type`)",
        );
        add(
            operation,
            "422",
            "Invalid fields, named in `fields` (`validation`)",
        );
    }
    if has_query_parameter(operation) {
        add(
            operation,
            "400",
            "A query parameter does not parse (`bad_request`)",
        );
    }
}
