//! The check that counts: is an uploaded file a harmless PDF, JPEG or PNG?
//!
//! A file is accepted only when its magic bytes and its name's extension name the same
//! accepted format, and the format's own checks pass:
//! - PDF: no active or hidden content (`/JavaScript`, `/JS`, `/EmbeddedFile`,
//!   `/Launch`, `/Encrypt`, also when spelled with `#xx` escapes), an `%%EOF` at the
//!   end, no ZIP directory near the end (a PDF/ZIP polyglot);
//! - PNG: decodes, and nothing follows the `IEND` chunk;
//! - JPEG: decodes, and nothing follows the final end-of-image marker;
//! - any format: no HTML or script markers (`<html`, `<script`, `<svg`...), which a
//!   browser sniffing the bytes could run.
//!
//! Names inside compressed PDF object streams are not inflated and checked: a limit of
//! this first version, stated here so that nobody relies on more.

use tutti_shared::{ErrorCode, UNSUPPORTED_FILE_MESSAGE, file_extension};

use crate::domain::DomainError;

/// An accepted format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `application/pdf`.
    Pdf,
    /// `image/jpeg`.
    Jpeg,
    /// `image/png`.
    Png,
}

impl FileKind {
    /// The content type the file is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
        }
    }

    fn of_extension(extension: &str) -> Option<Self> {
        match extension {
            "pdf" => Some(FileKind::Pdf),
            "jpg" | "jpeg" => Some(FileKind::Jpeg),
            "png" => Some(FileKind::Png),
            _ => None,
        }
    }

    fn of_magic(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileKind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else {
            None
        }
    }
}

fn refused() -> DomainError {
    DomainError::rejected(ErrorCode::UnsupportedFileType, UNSUPPORTED_FILE_MESSAGE)
}

/// Markers of HTML or script: a browser that sniffs content could render them.
const HTML_MARKERS: &[&[u8]] = &[
    b"<html",
    b"<script",
    b"<svg",
    b"<!doctype",
    b"<iframe",
    b"<body",
    b"javascript:",
];

/// PDF names that carry active or hidden content.
const FORBIDDEN_PDF_NAMES: &[&[u8]] =
    &[b"JavaScript", b"JS", b"EmbeddedFile", b"Launch", b"Encrypt"];

fn contains_ignoring_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Checks an upload; returns its format. CPU-bound (images are decoded): call it off the
/// async executor.
pub fn inspect(file_name: &str, bytes: &[u8]) -> Result<FileKind, DomainError> {
    let by_extension = file_extension(file_name)
        .as_deref()
        .and_then(FileKind::of_extension)
        .ok_or_else(refused)?;
    let by_magic = FileKind::of_magic(bytes).ok_or_else(refused)?;
    if by_extension != by_magic {
        return Err(refused());
    }
    // Where HTML markers mean something: a browser sniffs the first bytes of a file; a
    // PDF's text outside its compressed streams is text. Compressed data (an image's
    // pixels, a scan inside a PDF) is near-random: over 2 MB it would contain "<svg" or
    // "/JS" by chance in about one file in a hundred, and the same scan would then be
    // refused every time.
    let scanned: Vec<&[u8]> = match by_magic {
        FileKind::Pdf => pdf_text_parts(bytes),
        FileKind::Png | FileKind::Jpeg => vec![&bytes[..bytes.len().min(SNIFFED_BYTES)]],
    };
    if scanned.iter().any(|part| {
        HTML_MARKERS
            .iter()
            .any(|marker| contains_ignoring_case(part, marker))
    }) {
        return Err(refused());
    }
    match by_magic {
        FileKind::Pdf => check_pdf(bytes)?,
        FileKind::Png => check_png(bytes)?,
        FileKind::Jpeg => check_jpeg(bytes)?,
    }
    Ok(by_magic)
}

/// The PDF names of `bytes` (`/Name` tokens), with `#xx` escapes decoded.
fn pdf_names(bytes: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
    let is_delimiter = |byte: u8| {
        byte.is_ascii_whitespace()
            || matches!(
                byte,
                b'/' | b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'%' | 0
            )
    };
    bytes
        .iter()
        .enumerate()
        .filter(|(_, byte)| **byte == b'/')
        .map(move |(start, _)| {
            let mut name = Vec::new();
            let mut index = start + 1;
            while index < bytes.len() && !is_delimiter(bytes[index]) {
                if bytes[index] == b'#'
                    && let Some(hex) = bytes.get(index + 1..index + 3)
                    && let Ok(text) = std::str::from_utf8(hex)
                    && let Ok(value) = u8::from_str_radix(text, 16)
                {
                    name.push(value);
                    index += 3;
                    continue;
                }
                name.push(bytes[index]);
                index += 1;
            }
            name
        })
}

/// How much of a file a browser looks at when it sniffs the content type.
const SNIFFED_BYTES: usize = 1024;

/// The parts of a PDF that are text: everything but the data of streams that declare a
/// `/Filter` (compressed or encoded, hence binary). Unfiltered streams (plain content
/// operators) are kept, so a script written in one is still seen.
fn pdf_text_parts(bytes: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut cursor = 0;
    let mut search = 0;
    while let Some(found) = find(&bytes[search..], b"stream") {
        let keyword = search + found;
        // A stream's dictionary lies between the previous keyword and this one: looking
        // back no further keeps the whole scan linear (looking back to `cursor` made a
        // file of many bare "stream" words take minutes of CPU).
        let previous = search;
        search = keyword + b"stream".len();
        // "endstream" also contains "stream"; only a stream's start counts.
        if keyword >= 3 && &bytes[keyword - 3..keyword] == b"end" {
            continue;
        }
        let floor = previous.max(cursor);
        let dictionary_start = rfind(&bytes[floor..keyword], b"<<").map_or(floor, |at| floor + at);
        let dictionary = &bytes[dictionary_start..keyword];
        if !contains(dictionary, b"/Filter") {
            continue;
        }
        let Some(end) = find(&bytes[search..], b"endstream") else {
            break;
        };
        parts.push(&bytes[cursor..keyword]);
        cursor = search + end + b"endstream".len();
        search = cursor;
    }
    parts.push(&bytes[cursor..]);
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(haystack, needle)
}

fn check_pdf(bytes: &[u8]) -> Result<(), DomainError> {
    let text = pdf_text_parts(bytes);
    if text
        .iter()
        .any(|part| pdf_names(part).any(|name| FORBIDDEN_PDF_NAMES.contains(&name.as_slice())))
    {
        return Err(refused());
    }
    // A ZIP's end-of-central-directory record sits in the last 64 KiB + 22 bytes; a
    // local file header at the start of the tail is just as telling.
    let tail = &bytes[bytes.len().saturating_sub(65_557)..];
    if contains(tail, b"PK\x05\x06") || contains(tail, b"PK\x03\x04") {
        return Err(refused());
    }
    // A complete PDF ends with %%EOF (perhaps followed by a line end).
    let end = &bytes[bytes.len().saturating_sub(1024)..];
    if !contains(end, b"%%EOF") {
        return Err(refused());
    }
    Ok(())
}

fn decodes(bytes: &[u8], format: image::ImageFormat) -> Result<(), DomainError> {
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    reader.decode().map(|_| ()).map_err(|_| refused())
}

fn check_png(bytes: &[u8]) -> Result<(), DomainError> {
    // Walk the chunks: the file must end exactly after IEND's CRC.
    let mut offset = 8usize;
    loop {
        let header = bytes.get(offset..offset + 8).ok_or_else(refused)?;
        let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = &header[4..8];
        let end = offset
            .checked_add(12)
            .and_then(|value| value.checked_add(length))
            .ok_or_else(refused)?;
        if end > bytes.len() {
            return Err(refused());
        }
        if kind == b"IEND" {
            if end != bytes.len() {
                return Err(refused());
            }
            break;
        }
        offset = end;
    }
    decodes(bytes, image::ImageFormat::Png)
}

fn check_jpeg(bytes: &[u8]) -> Result<(), DomainError> {
    if !bytes.ends_with(&[0xFF, 0xD9]) {
        return Err(refused());
    }
    decodes(bytes, image::ImageFormat::Jpeg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_of_many_bare_stream_words_is_scanned_in_one_pass() {
        // 1.9 MB of "stream " without any dictionary: before the scan looked back only to
        // the previous keyword, this took about 15 minutes of CPU (quadratic).
        let mut pdf = b"%PDF-1.7\n%".to_vec();
        while pdf.len() < 1_900_000 {
            pdf.extend_from_slice(b"stream ");
        }
        pdf.extend_from_slice(b"\n%%EOF\n");
        let parts = pdf_text_parts(&pdf);
        assert_eq!(parts.len(), 1, "no filtered stream, so one text part");
        assert_eq!(parts.first().map(|part| part.len()), Some(pdf.len()));
    }

    /// Bytes that look random, as compressed data does.
    fn noise(length: usize, mut seed: u64) -> Vec<u8> {
        (0..length)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 24) as u8
            })
            .collect()
    }

    fn pdf_with_stream(dictionary: &str, data: &[u8]) -> Vec<u8> {
        let mut pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n2 0 obj\n".to_vec();
        pdf.extend_from_slice(
            format!("<< /Length {} {dictionary}>>\nstream\n", data.len()).as_bytes(),
        );
        pdf.extend_from_slice(data);
        pdf.extend_from_slice(b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
        pdf
    }

    #[test]
    fn markers_inside_compressed_pdf_streams_are_not_mistaken_for_content() {
        // Compressed data that happens to hold "/JS " and "<svg".
        let mut data = noise(4096, 7);
        data.extend_from_slice(b"/JS <svg");
        data.extend(noise(4096, 11));
        let scan = pdf_with_stream("/Filter /FlateDecode ", &data);
        assert!(inspect("scan.pdf", &scan).is_ok());
        // The same bytes in a stream without a filter are text, and refused.
        let plain = pdf_with_stream("", b"BT /F1 12 Tf (x) Tj ET /JS <svg");
        assert!(inspect("plain.pdf", &plain).is_err());
    }

    #[test]
    fn active_names_outside_streams_are_refused() {
        let pdf = pdf_with_stream(
            "/Filter /FlateDecode /OpenAction << /S /JavaScript >> ",
            &noise(100, 3),
        );
        assert!(inspect("action.pdf", &pdf).is_err());
    }
}
