//! The family's documents ("Pièces à fournir"): the pieces with their state, uploads with
//! progress, deletions and downloads (`crates/api/src/documents/http.rs`).

use gloo_net::http::Method;
use tutti_shared::{DocumentFile, HouseholdDocuments};

use super::ApiError;
use super::transport::{Answer, Call, Caller, decode, fetch, fetch_blob, fetch_nothing, upload};
use crate::session::Session;

/// `GET /api/v1/documents`: the household's and each child's pieces.
pub fn list_documents(session: Session) -> Answer<HouseholdDocuments> {
    fetch(Caller::Account(session), Call::get("/api/v1/documents"))
}

/// What an upload is for: a document type, and the child for a per-child piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// The document type.
    pub document_type_id: i64,
    /// The child, for a per-child piece.
    pub student_id: Option<i64>,
}

/// `POST /api/v1/documents` (multipart): stores or replaces the piece's file; `progress`
/// gets the percentage sent. 413 over 2 MB, 415 for a refused format, 409 once validated.
pub fn upload_document(
    session: Session,
    piece: Piece,
    file: &web_sys::File,
    progress: impl Fn(u32) + Clone + 'static,
) -> Answer<DocumentFile> {
    let form = match web_sys::FormData::new() {
        Ok(form) => form,
        Err(_) => return Box::pin(async { Err(ApiError::Network) }),
    };
    let mut filled = form
        .append_with_str("document_type_id", &piece.document_type_id.to_string())
        .is_ok();
    if let Some(student_id) = piece.student_id {
        filled &= form
            .append_with_str("student_id", &student_id.to_string())
            .is_ok();
    }
    filled &= form
        .append_with_blob_and_filename("file", file, &file.name())
        .is_ok();
    if !filled {
        return Box::pin(async { Err(ApiError::Network) });
    }
    let sent = upload(session, "/api/v1/documents".to_owned(), form, progress);
    Box::pin(async move { decode(&sent.await?) })
}

/// `DELETE /api/v1/documents/{id}`: removes a file not yet validated.
pub fn delete_document(session: Session, document_id: i64) -> Answer<()> {
    let call = Call::new(Method::DELETE, format!("/api/v1/documents/{document_id}"));
    fetch_nothing(Caller::Account(session), call)
}

/// `GET /api/v1/documents/{id}/file`: one of the household's files.
pub fn document_file(session: Session, document_id: i64) -> Answer<web_sys::Blob> {
    let call = Call::get(format!("/api/v1/documents/{document_id}/file"));
    fetch_blob(Caller::Account(session), call)
}
