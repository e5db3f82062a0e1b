//! Helpers of the documents tests: small valid files built here, uploads as multipart
//! written by hand (so a test controls every byte of the file name), and peeks at the
//! documents folder.

use reqwest::Method;
use serde_json::Value;
use tutti_shared::{HouseholdDocuments, RequiredDocument};
use tutti_tests::{Response, TestApp};

use crate::household_helpers::HouseholdApi as _;

/// A small, valid PDF with one page of text.
pub fn minimal_pdf() -> Vec<u8> {
    pdf_with("BT /F1 12 Tf 72 720 Td (Attestation) Tj ET")
}

/// A small PDF whose page stream is `content`; `extra` objects are appended as given.
pub fn pdf_with(content: &str) -> Vec<u8> {
    pdf_with_objects(content, "")
}

/// A small PDF with extra dictionary entries in its catalogue.
pub fn pdf_with_objects(content: &str, catalogue_extra: &str) -> Vec<u8> {
    let objects = [
        format!("<< /Type /Catalog /Pages 2 0 R {catalogue_extra}>>"),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", index + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// A valid 16×16 PNG.
pub fn small_png() -> Vec<u8> {
    encode(image::ImageFormat::Png)
}

/// A valid 16×16 JPEG.
pub fn small_jpeg() -> Vec<u8> {
    encode(image::ImageFormat::Jpeg)
}

fn encode(format: image::ImageFormat) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(16, 16, |x, y| {
        image::Rgb([(x * 16) as u8, (y * 16) as u8, 128])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut bytes, format)
        .expect("encoding a test image");
    bytes.into_inner()
}

/// RFC 8187 encoding of a file name for `filename*=UTF-8''...`.
pub fn encode_name(name: &str) -> String {
    name.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

/// The multipart body of an upload, and its content type.
pub fn upload_body(
    type_id: i64,
    student: Option<i64>,
    name: &str,
    bytes: &[u8],
) -> (String, Vec<u8>) {
    let boundary = "tutti-test-boundary-7f3a9c";
    let mut body = Vec::new();
    let mut text_field = |field: &str, value: String| {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    };
    text_field("document_type_id", type_id.to_string());
    if let Some(student) = student {
        text_field("student_id", student.to_string());
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''{}\r\nContent-Type: application/octet-stream\r\n\r\n",
            encode_name(name)
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// POST /api/v1/documents.
pub async fn upload(
    app: &TestApp,
    token: &str,
    type_id: i64,
    student: Option<i64>,
    name: &str,
    bytes: &[u8],
) -> Response {
    let (content_type, body) = upload_body(type_id, student, name, bytes);
    app.bare_client()
        .post(app.url("/api/v1/documents"))
        .bearer_auth(token)
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .expect("POST /api/v1/documents")
}

/// The family's pieces.
pub async fn pieces(app: &TestApp, token: &str) -> HouseholdDocuments {
    app.get_ok("/api/v1/documents", token).await
}

/// A household piece by name.
pub fn household_piece<'a>(documents: &'a HouseholdDocuments, name: &str) -> &'a RequiredDocument {
    documents
        .household
        .iter()
        .find(|piece| piece.name == name)
        .unwrap_or_else(|| panic!("no household piece {name}: {documents:?}"))
}

/// A child's piece by the child's first name and the piece's name.
pub fn student_piece<'a>(
    documents: &'a HouseholdDocuments,
    child: &str,
    name: &str,
) -> &'a RequiredDocument {
    documents
        .students
        .iter()
        .find(|student| student.student_name.starts_with(child))
        .and_then(|student| student.documents.iter().find(|piece| piece.name == name))
        .unwrap_or_else(|| panic!("no piece {name} for {child}: {documents:?}"))
}

/// Every file under the documents folder.
pub fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&app.config().data_dir.join("documents"), &mut found);
    found
}

/// How many document rows exist.
pub fn document_rows(app: &TestApp) -> i64 {
    crate::household_helpers::number_of(
        app,
        "SELECT CAST(COUNT(*) AS TEXT) AS value FROM documents",
    )
}

/// Sends a JSON request and returns the response (re-exported for brevity).
pub async fn send_json(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: &Value,
) -> Response {
    app.send(method, path, Some(token), Some(body)).await
}
