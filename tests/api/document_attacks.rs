//! The attack corpus: files built here, each with the answer it must get. Nothing refused
//! is stored (no row, no file); accepted odd names are stored cleaned.

use tutti_shared::{DocumentFile, MAX_DOCUMENT_BYTES};
use tutti_tests::{StatusCode, both, expect_json};

use crate::document_helpers::*;
use crate::household_helpers::HouseholdApi as _;

/// What a corpus entry must get: refused with a status, or accepted under a display name.
enum Expected {
    Refused(u16),
    Stored(String),
}

fn replace_last(bytes: &[u8], needle: &[u8], insert_before: &[u8]) -> Vec<u8> {
    let at = bytes
        .windows(needle.len())
        .rposition(|window| window == needle)
        .expect("needle present");
    let mut out = bytes[..at].to_vec();
    out.extend_from_slice(insert_before);
    out.extend_from_slice(&bytes[at..]);
    out
}

fn pdf_of_exact_size(size: usize) -> Vec<u8> {
    let mut padding = size - minimal_pdf().len();
    loop {
        let pdf = pdf_with(&format!("%{}", "A".repeat(padding)));
        match pdf.len().cmp(&size) {
            std::cmp::Ordering::Equal => return pdf,
            std::cmp::Ordering::Greater => padding -= pdf.len() - size,
            std::cmp::Ordering::Less => padding += size - pdf.len(),
        }
    }
}

fn corpus() -> Vec<(&'static str, String, Vec<u8>, Expected)> {
    use Expected::*;
    let pdf = minimal_pdf();
    let png = small_png();
    let jpeg = small_jpeg();
    let zip_blob = {
        let mut blob = b"PK\x03\x04\x14\x00\x00\x00\x00\x00payload.txtPK\x01\x02".to_vec();
        blob.extend_from_slice(b"PK\x05\x06");
        blob.extend_from_slice(&[0u8; 18]);
        blob
    };
    let mut corrupted_png = png.clone();
    let middle = corrupted_png.len() / 2;
    for byte in &mut corrupted_png[middle - 4..middle + 4] {
        *byte ^= 0xA5;
    }
    let mut jpeg_after_eoi = jpeg.clone();
    jpeg_after_eoi.extend_from_slice(b"<?php system($_GET['c']); ?>");
    let mut png_with_html = png.clone();
    png_with_html.extend_from_slice(b"<html><script>alert(1)</script></html>");
    let mut png_with_zip = png.clone();
    png_with_zip.extend_from_slice(&zip_blob);
    let long_name = format!("{}.pdf", "a".repeat(300));
    vec![
        (
            "2 MB + 1 byte",
            "gros.pdf".into(),
            pdf_of_exact_size(MAX_DOCUMENT_BYTES + 1),
            Refused(413),
        ),
        (
            "exactly 2 MB",
            "juste.pdf".into(),
            pdf_of_exact_size(MAX_DOCUMENT_BYTES),
            Stored("juste.pdf".into()),
        ),
        ("0 bytes", "vide.pdf".into(), Vec::new(), Refused(415)),
        (
            "Windows executable renamed .pdf",
            "facture.pdf".into(),
            b"MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode".to_vec(),
            Refused(415),
        ),
        (
            "ELF executable renamed .pdf",
            "facture.pdf".into(),
            b"\x7fELF\x02\x01\x01\x00".to_vec(),
            Refused(415),
        ),
        (
            "HTML renamed .png",
            "photo.png".into(),
            b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec(),
            Refused(415),
        ),
        (
            "SVG renamed .png",
            "photo.png".into(),
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec(),
            Refused(415),
        ),
        (
            "GIF renamed .png",
            "photo.png".into(),
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
            Refused(415),
        ),
        (
            "PDF with /JavaScript",
            "a.pdf".into(),
            pdf_with_objects("", "/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "),
            Refused(415),
        ),
        (
            "PDF with /J#61vaScript (escaped name)",
            "a.pdf".into(),
            pdf_with_objects("", "/OpenAction << /S /J#61vaScript >> "),
            Refused(415),
        ),
        (
            "PDF with /EmbeddedFile",
            "a.pdf".into(),
            pdf_with_objects(
                "",
                "/Names << /EmbeddedFiles << >> >> /X << /Type /EmbeddedFile >> ",
            ),
            Refused(415),
        ),
        (
            "PDF with /Launch",
            "a.pdf".into(),
            pdf_with_objects("", "/OpenAction << /S /Launch /F (cmd.exe) >> "),
            Refused(415),
        ),
        (
            "PDF with /Encrypt",
            "a.pdf".into(),
            pdf_with_objects("", "/Encrypt << /Filter /Standard >> "),
            Refused(415),
        ),
        (
            "PDF/ZIP polyglot",
            "a.pdf".into(),
            replace_last(&pdf, b"%%EOF", &zip_blob),
            Refused(415),
        ),
        (
            "PDF with an HTML script",
            "a.pdf".into(),
            pdf_with("<script>alert(1)</script>"),
            Refused(415),
        ),
        (
            "truncated PDF (no %%EOF)",
            "a.pdf".into(),
            pdf[..pdf.len() / 2].to_vec(),
            Refused(415),
        ),
        (
            "PNG with trailing HTML",
            "a.png".into(),
            png_with_html,
            Refused(415),
        ),
        (
            "PNG with a trailing ZIP",
            "a.png".into(),
            png_with_zip,
            Refused(415),
        ),
        (
            "truncated PNG",
            "a.png".into(),
            png[..png.len() / 2].to_vec(),
            Refused(415),
        ),
        (
            "PNG with corrupted image data",
            "a.png".into(),
            corrupted_png,
            Refused(415),
        ),
        (
            "JPEG named .png",
            "photo.png".into(),
            jpeg.clone(),
            Refused(415),
        ),
        (
            "PNG named .jpg",
            "photo.jpg".into(),
            png.clone(),
            Refused(415),
        ),
        (
            "JPEG with data after EOI",
            "a.jpg".into(),
            jpeg_after_eoi,
            Refused(415),
        ),
        (
            "truncated JPEG",
            "a.jpg".into(),
            jpeg[..jpeg.len() / 2].to_vec(),
            Refused(415),
        ),
        (
            "PDF named .pdf.exe",
            "facture.pdf.exe".into(),
            pdf.clone(),
            Refused(415),
        ),
        (
            "PDF without extension",
            "facture".into(),
            pdf.clone(),
            Refused(415),
        ),
        (
            "upper-case extension",
            "SCAN.PDF".into(),
            pdf.clone(),
            Stored("SCAN.PDF".into()),
        ),
        (
            "name with ../",
            "../../etc/passwd.pdf".into(),
            pdf.clone(),
            Stored("passwd.pdf".into()),
        ),
        (
            "name with a Windows path",
            "C:\\Users\\x\\rib.png".into(),
            png.clone(),
            Stored("rib.png".into()),
        ),
        (
            "name with NUL",
            "rib\0.exe.pdf".into(),
            pdf.clone(),
            Stored("rib.exe.pdf".into()),
        ),
        (
            "name with RTL override",
            "facture\u{202E}fdp.pdf".into(),
            pdf.clone(),
            Stored("facturefdp.pdf".into()),
        ),
        (
            "300-character name",
            long_name,
            pdf.clone(),
            Stored(format!("{}.pdf", "a".repeat(96))),
        ),
        (
            "valid JPEG (.jpeg)",
            "photo.jpeg".into(),
            jpeg.clone(),
            Stored("photo.jpeg".into()),
        ),
    ]
}

both! {
    async fn every_file_of_the_attack_corpus_gets_its_expected_answer(app) {
        let martin = app.martin_token().await;
        let insurance = household_piece(&pieces(&app, &martin).await, "Assurance responsabilité civile").document_type_id;
        let mut table = vec!["| file | expected | got |".to_owned(), "|---|---|---|".to_owned()];
        let mut failures = Vec::new();
        for (label, name, bytes, expected) in corpus() {
            let (rows, files) = (document_rows(&app), stored_files(&app));
            let response = upload(&app, &martin, insurance, None, &name, &bytes).await;
            let status = response.status();
            let (expected_text, got_text, ok) = match &expected {
                Expected::Refused(code) => {
                    let ok = status.as_u16() == *code
                        && document_rows(&app) == rows
                        && stored_files(&app) == files;
                    (code.to_string(), format!("{}{}", status.as_u16(), if ok { "" } else { " (or something stored)" }), ok)
                }
                Expected::Stored(display) => {
                    if status == StatusCode::CREATED {
                        let file: DocumentFile = expect_json(response, StatusCode::CREATED, label).await;
                        let ok = &file.file_name == display && document_rows(&app) == 1 && stored_files(&app).len() == 1;
                        (format!("201 as `{display}`"), format!("201 as `{}`", file.file_name), ok)
                    } else {
                        (format!("201 as `{display}`"), status.as_u16().to_string(), false)
                    }
                }
            };
            table.push(format!("| {label} | {expected_text} | {got_text} |"));
            if !ok {
                failures.push(label);
            }
        }
        eprintln!("{}", table.join("\n"));
        assert!(failures.is_empty(), "corpus entries with the wrong answer: {failures:?}\n{}", table.join("\n"));
    }
}
