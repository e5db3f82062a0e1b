//! Documents over HTTP: the family's pieces, uploads (multipart), deletions and
//! downloads; the staff's document types, queue, downloads and decisions.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, delete, get, post, put, web};
use futures::StreamExt as _;
use serde::Deserialize;
use tutti_shared::{
    DocumentDecision, DocumentFile, DocumentQueueQuery, DocumentType, DocumentTypeInput,
    DocumentTypeOrder, DocumentUpload, ErrorCode, FILE_TOO_LARGE_MESSAGE, HouseholdDocuments,
    MAX_DOCUMENT_BYTES, Page, QueuedDocument,
};

use super::service::{self, Download, Upload};
use crate::caller::Caller;
use crate::domain::DomainError;
use crate::error::AppError;
use crate::json::ApiJson;
use crate::state::AppState;

/// The id of a created record.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CreatedDocumentType {
    /// Database id of the new document type.
    pub id: i64,
}

/// How staff want a file: `inline` to preview it in the browser, else as an attachment.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FileQuery {
    /// `true` to preview in the browser (`Content-Disposition: inline`).
    pub inline: Option<bool>,
}

/// A text field of the form, at most a few bytes.
async fn read_text(field: &mut actix_multipart::Field) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| AppError::bad_request("Formulaire illisible."))?;
        bytes.extend_from_slice(&chunk);
        if bytes.len() > 64 {
            return Err(AppError::bad_request("Champ trop long."));
        }
    }
    String::from_utf8(bytes).map_err(|_| AppError::bad_request("Champ illisible."))
}

fn parse_id(text: &str, field: &str) -> Result<i64, AppError> {
    text.trim()
        .parse()
        .map_err(|_| DomainError::field(field, "Identifiant attendu.").into())
}

fn too_large() -> AppError {
    DomainError::rejected(ErrorCode::FileTooLarge, FILE_TOO_LARGE_MESSAGE).into()
}

/// Reads the upload form: `document_type_id`, optional `student_id`, and `file`, whose
/// bytes are bounded by 2 MB (one more byte answers 413 at once).
async fn read_upload(mut form: Multipart) -> Result<Upload, AppError> {
    let (mut type_id, mut student_id, mut file) = (None, None, None);
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| AppError::bad_request("Formulaire illisible."))?;
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "document_type_id" => type_id = Some(parse_id(&read_text(&mut field).await?, &name)?),
            "student_id" => {
                let text = read_text(&mut field).await?;
                if !text.trim().is_empty() {
                    student_id = Some(parse_id(&text, &name)?);
                }
            }
            "file" => {
                let file_name =
                    field
                        .content_disposition()
                        .map_or_else(String::new, |disposition| {
                            // RFC 7578 senders use filename="..."; RFC 8187's filename*=UTF-8''...
                            // wins when both are present.
                            disposition
                                .get_filename_ext()
                                .map(|extended| {
                                    String::from_utf8_lossy(&extended.value).into_owned()
                                })
                                .or_else(|| disposition.get_filename().map(str::to_owned))
                                .unwrap_or_default()
                        });
                let mut bytes = Vec::new();
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|_| AppError::bad_request("Envoi interrompu."))?;
                    if bytes.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                        return Err(too_large());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some((file_name, bytes));
            }
            _ => return Err(AppError::bad_request(format!("Champ inconnu : {name}."))),
        }
    }
    let document_type_id =
        type_id.ok_or_else(|| DomainError::field("document_type_id", "Choisissez le document."))?;
    let (file_name, bytes) =
        file.ok_or_else(|| DomainError::field("file", "Choisissez un fichier."))?;
    Ok(Upload {
        document_type_id,
        student_id,
        file_name,
        bytes,
    })
}

/// RFC 6266 / RFC 8187: an ASCII fallback name and the exact UTF-8 name.
fn content_disposition(kind: &str, file_name: &str) -> String {
    let fallback: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in file_name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

fn file_response(download: Download, inline: bool) -> HttpResponse {
    let kind = if inline { "inline" } else { "attachment" };
    HttpResponse::Ok()
        .insert_header(("Content-Type", download.row.content_type.clone()))
        .insert_header((
            "Content-Disposition",
            content_disposition(kind, &download.row.display_name),
        ))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Cache-Control", "no-store"))
        // A stored file must never run anything, even if opened directly.
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        ))
        .body(download.bytes)
}

/// The household's and each child's pieces, with their state and file.
#[utoipa::path(tag = "documents", security(("bearer" = ["family"])),
    responses((status = 200, description = "The pieces to provide", body = HouseholdDocuments)))]
#[get("/documents")]
pub async fn list_documents(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let documents = service::household_documents(&state, caller.family()?).await?;
    Ok(HttpResponse::Ok().json(documents))
}

/// Uploads (or replaces, while not validated) the file of a piece: PDF, JPEG or PNG, at
/// most 2 MB, judged by its bytes and its extension together.
#[utoipa::path(tag = "documents", security(("bearer" = ["family"])),
    request_body(content_type = "multipart/form-data", content = DocumentUpload),
    responses((status = 201, description = "Stored; the piece is now `transmis`", body = DocumentFile),
        (status = 404, description = "Not one of the household's children (`not_found`)", body = tutti_shared::ApiErrorBody),
        (status = 409, description = "Already validated (`invalid_transition`), or another upload of the same piece won (`stale_version`)", body = tutti_shared::ApiErrorBody),
        (status = 413, description = "The file is larger than 2 MB (`file_too_large`)", body = tutti_shared::ApiErrorBody),
        (status = 415, description = "Not an accepted PDF, JPEG or PNG (`unsupported_file_type`)", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Missing or invalid form fields (`validation`)", body = tutti_shared::ApiErrorBody)))]
#[post("/documents")]
pub async fn create_document(
    state: web::Data<AppState>,
    caller: Caller,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    let family = caller.family()?;
    let upload = read_upload(form).await?;
    let file = service::upload(&state, family, upload).await?;
    Ok(HttpResponse::Created().json(file))
}

/// Deletes a piece's file while it is not validated.
#[utoipa::path(tag = "documents", params(("id" = i64, Path, description = "Document id")), security(("bearer" = ["family"])),
    responses((status = 204, description = "Deleted"), (status = 409, description = "Already validated (`invalid_transition`)", body = tutti_shared::ApiErrorBody)))]
#[delete("/documents/{id}")]
pub async fn delete_document(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    service::delete_document(&state, caller.family()?, path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Downloads one of the household's files (as an attachment).
#[utoipa::path(tag = "documents", params(("id" = i64, Path, description = "Document id")), security(("bearer" = ["family"])),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>)))]
#[get("/documents/{id}/file")]
pub async fn find_document_file(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let download = service::family_file(&state, caller.family()?, path.into_inner()).await?;
    Ok(file_response(download, false))
}

/// The site's document types, retired ones included, in order.
#[utoipa::path(tag = "documents", security(("bearer" = ["staff"])),
    responses((status = 200, description = "Document types", body = Vec<DocumentType>)))]
#[get("/admin/document-types")]
pub async fn list_document_types(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let types = service::list_types(&state, caller.staff()?.site).await?;
    Ok(HttpResponse::Ok().json(types))
}

/// Creates a document type at the end of the list.
#[utoipa::path(tag = "documents", request_body = DocumentTypeInput, security(("bearer" = ["staff"])),
    responses((status = 201, description = "Created", body = CreatedDocumentType), (status = 409, description = "Name taken (`already_exists`)", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/document-types")]
pub async fn create_document_type(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<DocumentTypeInput>,
) -> Result<HttpResponse, AppError> {
    let id = service::create_type(&state, caller.staff()?.site, body.into_inner()?).await?;
    Ok(HttpResponse::Created().json(CreatedDocumentType { id }))
}

/// Edits, retires (`retired: true`) or brings back a document type; `version` must be
/// the one read. A retired type is no longer asked for and keeps its files.
#[utoipa::path(tag = "documents", request_body = DocumentTypeInput, params(("id" = i64, Path, description = "Document type id")), security(("bearer" = ["staff"])),
    responses((status = 200, description = "Saved", body = DocumentType), (status = 409, description = "Changed since read (`stale_version`) or name taken (`already_exists`)", body = tutti_shared::ApiErrorBody)))]
#[put("/admin/document-types/{id}")]
pub async fn update_document_type(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<DocumentTypeInput>,
) -> Result<HttpResponse, AppError> {
    let kind = service::update_type(
        &state,
        caller.staff()?.site,
        path.into_inner(),
        body.into_inner()?,
    )
    .await?;
    Ok(HttpResponse::Ok().json(kind))
}

/// Puts the site's document types in a new order (every id once).
#[utoipa::path(tag = "documents", request_body = DocumentTypeOrder, security(("bearer" = ["staff"])),
    responses((status = 200, description = "The types in their new order", body = Vec<DocumentType>)))]
#[put("/admin/document-types/order")]
pub async fn update_document_type_order(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<DocumentTypeOrder>,
) -> Result<HttpResponse, AppError> {
    let types =
        service::reorder_types(&state, caller.staff()?.site, body.into_inner()?.ids).await?;
    Ok(HttpResponse::Ok().json(types))
}

/// The site's documents to check, oldest upload first, with filters.
#[utoipa::path(tag = "documents", params(DocumentQueueQuery), security(("bearer" = ["staff"])),
    responses((status = 200, description = "One page of documents", body = Page<QueuedDocument>),
        (status = 422, description = "Page number too large or unknown state (`validation`)", body = tutti_shared::ApiErrorBody)))]
#[get("/admin/documents")]
pub async fn list_admin_documents(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<DocumentQueueQuery>,
) -> Result<HttpResponse, AppError> {
    let page = service::queue(&state, caller.staff()?.site, query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Downloads a site's file; `inline=true` to preview it (audited `document_read`).
#[utoipa::path(tag = "documents", params(("id" = i64, Path, description = "Document id"), FileQuery), security(("bearer" = ["staff"])),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>)))]
#[get("/admin/documents/{id}/file")]
pub async fn find_admin_document_file(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<FileQuery>,
) -> Result<HttpResponse, AppError> {
    let download = service::staff_file(&state, caller.staff()?, path.into_inner()).await?;
    Ok(file_response(download, query.inline.unwrap_or(false)))
}

/// Validates a transmitted document, or refuses it with a reason (the family is emailed).
#[utoipa::path(tag = "documents", request_body = DocumentDecision, params(("id" = i64, Path, description = "Document id")), security(("bearer" = ["staff"])),
    responses((status = 204, description = "Decided"),
        (status = 409, description = "Changed since read (`stale_version`) or already decided (`invalid_transition`)", body = tutti_shared::ApiErrorBody)))]
#[post("/admin/documents/{id}/decision")]
pub async fn decide_document(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<DocumentDecision>,
) -> Result<HttpResponse, AppError> {
    service::decide(
        &state,
        caller.staff()?,
        path.into_inner(),
        body.into_inner()?,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
