//! Documents through HTTP: what a family owes, uploads, replacement, deletion, download
//! headers, isolation between households, the staff queue and decisions.

use reqwest::Method;
use serde_json::json;
use tutti_shared::{DocumentFile, DocumentState, Page, QueuedDocument};
use tutti_tests::{StatusCode, both, expect_error, expect_json, header};

use crate::document_helpers::*;
use crate::household_helpers::{HouseholdApi as _, MARTIN_ACCOUNT_EMAIL};

const INSURANCE: &str = "Assurance responsabilité civile";
const SEPA: &str = "SEPA + RIB (prélèvement)";
const MEDICAL: &str = "Certificat médical (danse)";
const IMAGE_RIGHTS: &str = "Droit à l'image";

both! {
    async fn a_family_sees_the_pieces_its_choices_and_courses_require(app) {
        let martin = app.martin_token().await;
        let documents = pieces(&app, &martin).await;
        let names: Vec<&str> = documents.household.iter().map(|piece| piece.name.as_str()).collect();
        // Direct debit and residency are recorded for the Martins; no pédibus.
        assert_eq!(names, [INSURANCE, "Quotient familial (résidents)", SEPA]);
        assert!(documents.household.iter().all(|piece| piece.required && piece.state == DocumentState::AFournir));
        // Hugo dances hip-hop this year; Chloé's Initiation class is exempt; Léa plays piano.
        let student_names = |child: &str| -> Vec<String> {
            documents.students.iter().find(|student| student.student_name.starts_with(child))
                .map(|student| student.documents.iter().map(|piece| piece.name.clone()).collect())
                .unwrap_or_default()
        };
        assert_eq!(student_names("Hugo"), [MEDICAL, IMAGE_RIGHTS]);
        assert_eq!(student_names("Chloé"), [IMAGE_RIGHTS]);
        assert_eq!(student_names("Léa"), [IMAGE_RIGHTS]);

        let durand = app.durand_token().await;
        let theirs = pieces(&app, &durand).await;
        let names: Vec<&str> = theirs.household.iter().map(|piece| piece.name.as_str()).collect();
        assert_eq!(names, [INSURANCE]);
    }
}

both! {
    async fn a_family_uploads_downloads_replaces_and_deletes_its_files(app) {
        let martin = app.martin_token().await;
        let ids = app.demo_ids().await;
        let before = pieces(&app, &martin).await;
        let insurance = household_piece(&before, INSURANCE).document_type_id;
        let image_rights = student_piece(&before, "Léa", IMAGE_RIGHTS).document_type_id;

        let pdf = minimal_pdf();
        let file: DocumentFile = expect_json(
            upload(&app, &martin, insurance, None, "attestation été.pdf", &pdf).await,
            StatusCode::CREATED, "a PDF upload").await;
        assert_eq!(file.file_name, "attestation été.pdf");
        assert_eq!(file.size_bytes, pdf.len() as i64);
        assert_eq!(file.content_type, "application/pdf");
        let png = small_png();
        let _: DocumentFile = expect_json(
            upload(&app, &martin, image_rights, Some(ids.lea), "droit.png", &png).await,
            StatusCode::CREATED, "a PNG upload").await;

        let after = pieces(&app, &martin).await;
        let piece = household_piece(&after, INSURANCE);
        assert_eq!(piece.state, DocumentState::Transmis);
        let listed = piece.file.clone().expect("the file is listed");
        assert_eq!(listed.size_bytes, pdf.len() as i64);
        assert!((chrono::Utc::now().naive_utc() - listed.uploaded_at).num_seconds().abs() < 60);
        assert_eq!(student_piece(&after, "Léa", IMAGE_RIGHTS).state, DocumentState::Transmis);

        // The download gives back the same bytes, as an attachment that is never sniffed.
        let response = app.get_authorized(&format!("/api/v1/documents/{}/file", listed.id), &martin).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "content-type"), "application/pdf");
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        assert_eq!(header(&response, "cache-control"), "no-store");
        assert_eq!(
            header(&response, "content-disposition"),
            "attachment; filename=\"attestation _t_.pdf\"; filename*=UTF-8''attestation%20%C3%A9t%C3%A9.pdf"
        );
        assert_eq!(response.bytes().await.expect("body").to_vec(), pdf);

        // Replacing keeps one row and one file.
        let jpeg = small_jpeg();
        let replaced: DocumentFile = expect_json(
            upload(&app, &martin, insurance, None, "scan.jpg", &jpeg).await,
            StatusCode::CREATED, "a replacement").await;
        assert_eq!(replaced.id, listed.id);
        assert_eq!(replaced.content_type, "image/jpeg");
        assert_eq!(document_rows(&app), 2);
        assert_eq!(stored_files(&app).len(), 2);

        // Durand reaches none of it.
        let durand = app.durand_token().await;
        let response = app.get_authorized(&format!("/api/v1/documents/{}/file", listed.id), &durand).await;
        expect_error(response, StatusCode::NOT_FOUND, "another household's file").await;
        let response = app.send(Method::DELETE, &format!("/api/v1/documents/{}", listed.id), Some(&durand), None).await;
        expect_error(response, StatusCode::NOT_FOUND, "another household's deletion").await;
        let response = upload(&app, &durand, image_rights, Some(ids.lea), "x.png", &png).await;
        expect_error(response, StatusCode::NOT_FOUND, "an upload for another household's child").await;

        let response = app.send(Method::DELETE, &format!("/api/v1/documents/{}", listed.id), Some(&martin), None).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(household_piece(&pieces(&app, &martin).await, INSURANCE).state, DocumentState::AFournir);
        assert_eq!(document_rows(&app), 1);
        assert_eq!(stored_files(&app).len(), 1);
    }
}

both! {
    async fn staff_filter_the_queue_validate_and_refuse_with_a_reason(app) {
        let martin = app.martin_token().await;
        let staff = app.staff_token().await;
        let ids = app.demo_ids().await;
        let before = pieces(&app, &martin).await;
        let insurance = household_piece(&before, INSURANCE).document_type_id;
        let sepa = household_piece(&before, SEPA).document_type_id;
        let medical = student_piece(&before, "Hugo", MEDICAL).document_type_id;
        for (type_id, student, name) in [(insurance, None, "assurance.pdf"), (sepa, None, "rib.pdf"), (medical, Some(ids.hugo), "certificat.pdf")] {
            let response = upload(&app, &martin, type_id, student, name, &minimal_pdf()).await;
            assert_eq!(response.status(), StatusCode::CREATED, "{name}");
        }

        let all: Page<QueuedDocument> = app.get_ok("/api/v1/admin/documents?state=transmis", &staff).await;
        assert_eq!(all.total, 3);
        let only_sepa: Page<QueuedDocument> = app.get_ok(&format!("/api/v1/admin/documents?document_type_id={sepa}"), &staff).await;
        assert_eq!(only_sepa.items.len(), 1);
        assert_eq!(only_sepa.items[0].household_name, "Famille Martin");
        let hugo: Page<QueuedDocument> = app.get_ok(&format!("/api/v1/admin/documents?student_id={}", ids.hugo), &staff).await;
        assert_eq!(hugo.items.len(), 1);
        let today = chrono::Utc::now().date_naive();
        let dated: Page<QueuedDocument> = app.get_ok(&format!("/api/v1/admin/documents?household_id={}&from={today}&to={today}", ids.martin_family), &staff).await;
        assert_eq!(dated.total, 3);
        let none: Page<QueuedDocument> = app.get_ok(&format!("/api/v1/admin/documents?household_id={}", ids.durand_family), &staff).await;
        assert_eq!(none.total, 0);
        let response = app.get_authorized("/api/v1/admin/documents?page=100001", &staff).await;
        expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, "a page beyond the bound").await;

        let sepa_document = &only_sepa.items[0];
        // A refusal needs a reason, and emails the family.
        let response = send_json(&app, Method::POST, &format!("/api/v1/admin/documents/{}/decision", sepa_document.id), &staff,
            &json!({"decision": "refuse", "version": sepa_document.version})).await;
        expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, "a refusal without reason").await;
        let response = send_json(&app, Method::POST, &format!("/api/v1/admin/documents/{}/decision", sepa_document.id), &staff,
            &json!({"decision": "refuse", "reason": "Le RIB est illisible.", "version": sepa_document.version})).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let email = app.last_email_to(MARTIN_ACCOUNT_EMAIL).expect("the refusal email");
        assert_eq!(email.subject, format!("Document refusé : {SEPA}"));
        assert!(email.body_text.contains("Le RIB est illisible."));
        let seen = pieces(&app, &martin).await;
        let piece = household_piece(&seen, SEPA);
        assert_eq!(piece.state, DocumentState::Refuse);
        assert_eq!(piece.refusal_reason.as_deref(), Some("Le RIB est illisible."));

        // A second decision on the same document is refused.
        let response = send_json(&app, Method::POST, &format!("/api/v1/admin/documents/{}/decision", sepa_document.id), &staff,
            &json!({"decision": "validate", "version": sepa_document.version + 1})).await;
        expect_error(response, StatusCode::CONFLICT, "a decided document").await;

        // The medical certificate's file goes once validated; "validé le" stays.
        let certificate = &hugo.items[0];
        let response = app.get_authorized(&format!("/api/v1/admin/documents/{}/file?inline=true", certificate.id), &staff).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(header(&response, "content-disposition").starts_with("inline; "));
        let files_before = stored_files(&app).len();
        let response = send_json(&app, Method::POST, &format!("/api/v1/admin/documents/{}/decision", certificate.id), &staff,
            &json!({"decision": "validate", "version": certificate.version})).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(stored_files(&app).len(), files_before - 1);
        assert!(app.audit_actions().iter().any(|action| action == "document_file_deleted"));
        let seen = pieces(&app, &martin).await;
        let piece = student_piece(&seen, "Hugo", MEDICAL);
        assert_eq!(piece.state, DocumentState::Valide);
        let file = piece.file.clone().expect("the validated piece stays listed");
        assert!(!file.file_available);
        assert!(file.decided_at.is_some());
        let response = app.get_authorized(&format!("/api/v1/documents/{}/file", file.id), &martin).await;
        expect_error(response, StatusCode::NOT_FOUND, "a deleted file").await;
        // A validated piece can be neither replaced nor deleted.
        let response = upload(&app, &martin, medical, Some(ids.hugo), "autre.pdf", &minimal_pdf()).await;
        expect_error(response, StatusCode::CONFLICT, "replacing a validated piece").await;
        let response = app.send(Method::DELETE, &format!("/api/v1/documents/{}", file.id), Some(&martin), None).await;
        expect_error(response, StatusCode::CONFLICT, "deleting a validated piece").await;
    }
}

both! {
    async fn two_uploads_of_the_same_piece_at_once_leave_one_file_and_one_row(app) {
        let martin = app.martin_token().await;
        let insurance = household_piece(&pieces(&app, &martin).await, INSURANCE).document_type_id;
        let first = minimal_pdf();
        let second = small_png();
        let (a, b) = tokio::join!(
            upload(&app, &martin, insurance, None, "a.pdf", &first),
            upload(&app, &martin, insurance, None, "b.png", &second),
        );
        let statuses = [a.status(), b.status()];
        assert!(statuses.contains(&StatusCode::CREATED), "{statuses:?}");
        assert!(statuses.iter().all(|status| *status == StatusCode::CREATED || *status == StatusCode::CONFLICT), "{statuses:?}");
        assert_eq!(document_rows(&app), 1);
        assert_eq!(stored_files(&app).len(), 1);
    }
}

both! {
    async fn staff_create_edit_reorder_and_retire_document_types(app) {
        let staff = app.staff_token().await;
        let created: serde_json::Value = expect_json(send_json(&app, Method::POST, "/api/v1/admin/document-types", &staff,
            &json!({"name": "Photo d'identité", "scope": "student", "requirement": "optional"})).await,
            StatusCode::CREATED, "a new type").await;
        let id = created["id"].as_i64().expect("id");
        let response = send_json(&app, Method::POST, "/api/v1/admin/document-types", &staff,
            &json!({"name": "Photo d'identité", "scope": "student", "requirement": "optional"})).await;
        expect_error(response, StatusCode::CONFLICT, "a taken name").await;
        let response = send_json(&app, Method::POST, "/api/v1/admin/document-types", &staff,
            &json!({"name": "X", "scope": "household", "requirement": "disciplines"})).await;
        expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, "the dance rule on a household piece").await;

        let types: Vec<tutti_shared::DocumentType> = app.get_ok("/api/v1/admin/document-types", &staff).await;
        assert_eq!(types.len(), 8);
        let mut order: Vec<i64> = types.iter().map(|kind| kind.id).collect();
        order.rotate_right(1);
        let reordered: Vec<tutti_shared::DocumentType> = expect_json(send_json(&app, Method::PUT, "/api/v1/admin/document-types/order", &staff,
            &json!({"ids": order})).await, StatusCode::OK, "a new order").await;
        assert_eq!(reordered[0].id, id);

        let version = reordered[0].version;
        let retired: tutti_shared::DocumentType = expect_json(send_json(&app, Method::PUT, &format!("/api/v1/admin/document-types/{id}"), &staff,
            &json!({"name": "Photo d'identité", "scope": "student", "requirement": "optional", "retired": true, "version": version})).await,
            StatusCode::OK, "retiring").await;
        assert!(retired.retired_at.is_some());
        let response = send_json(&app, Method::PUT, &format!("/api/v1/admin/document-types/{id}"), &staff,
            &json!({"name": "Photo", "scope": "student", "requirement": "optional", "version": version})).await;
        expect_error(response, StatusCode::CONFLICT, "a stale version").await;
        let martin = app.martin_token().await;
        let documents = pieces(&app, &martin).await;
        assert!(documents.students.iter().all(|student| student.documents.iter().all(|piece| piece.document_type_id != id)));
    }
}

both! {
    async fn a_browser_style_file_name_in_raw_utf8_is_kept(app) {
        // Browsers send `filename="..."` with the name's UTF-8 bytes as they are.
        let martin = app.martin_token().await;
        let insurance = household_piece(&pieces(&app, &martin).await, INSURANCE).document_type_id;
        let boundary = "browser-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"document_type_id\"\r\n\r\n{insurance}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"attestation élève.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(&minimal_pdf());
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let response = app
            .bare_client()
            .post(app.url("/api/v1/documents"))
            .bearer_auth(&martin)
            .header(reqwest::header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .expect("POST /api/v1/documents");
        let file: DocumentFile = expect_json(response, StatusCode::CREATED, "a raw UTF-8 name").await;
        assert_eq!(file.file_name, "attestation élève.pdf");
    }
}

both! {
    async fn the_sweep_deletes_only_old_files_that_no_document_names(app) {
        let martin = app.martin_token().await;
        let insurance = household_piece(&pieces(&app, &martin).await, INSURANCE).document_type_id;
        let response = upload(&app, &martin, insurance, None, "a.pdf", &minimal_pdf()).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let kept = stored_files(&app);
        assert_eq!(kept.len(), 1);
        let site_folder = kept[0].parent().expect("the site's folder").to_path_buf();
        let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 86_400);
        let age = |path: &std::path::Path| {
            std::fs::File::options().write(true).open(path).expect("open").set_modified(two_days_ago).expect("set mtime");
        };
        // An old orphan (a crash between the file and its row), a young one (an upload
        // on its way), and the real file made old too.
        let old_orphan = site_folder.join("0123456789abcdef0123456789abcdef");
        let young_orphan = site_folder.join("fedcba9876543210fedcba9876543210");
        std::fs::write(&old_orphan, b"orphan").expect("write");
        std::fs::write(&young_orphan, b"young").expect("write");
        age(&old_orphan);
        age(&kept[0]);

        let config = app.config();
        let deleted = tokio::task::spawn_blocking(move || tutti_api::tasks::sweep_documents(&config))
            .await
            .expect("the sweep panicked")
            .expect("the sweep");
        assert_eq!(deleted, 1);
        assert!(!old_orphan.exists());
        assert!(young_orphan.exists());
        assert!(kept[0].exists());
    }
}

both! {
    async fn documents_live_in_an_s3_compatible_store_when_configured(backend: Backend) {
        let s3 = tutti_tests::S3Server::start().await;
        let app = tutti_tests::TestApp::spawn_with(backend, s3.vars("documents")).await;
        let martin = app.martin_token().await;
        let insurance = household_piece(&pieces(&app, &martin).await, INSURANCE).document_type_id;

        let pdf = minimal_pdf();
        let file: DocumentFile = expect_json(upload(&app, &martin, insurance, None, "a.pdf", &pdf).await, StatusCode::CREATED, "an upload to S3").await;
        let keys = s3.keys().await;
        assert_eq!(keys.len(), 1, "{keys:?}");
        assert!(keys[0].starts_with("documents/"), "{keys:?}");
        assert!(stored_files(&app).is_empty(), "nothing in the local folder");
        let response = app.get_authorized(&format!("/api/v1/documents/{}/file", file.id), &martin).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.bytes().await.expect("body").to_vec(), pdf);

        // A replacement leaves one object; a refused file adds none; a deletion removes it.
        let response = upload(&app, &martin, insurance, None, "b.png", &small_png()).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let replaced = s3.keys().await;
        assert_eq!(replaced.len(), 1);
        assert_ne!(replaced, keys);
        let response = upload(&app, &martin, insurance, None, "c.png", b"<svg onload=alert(1)>").await;
        assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(s3.keys().await, replaced);
        let response = app.send(Method::DELETE, &format!("/api/v1/documents/{}", file.id), Some(&martin), None).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert!(s3.keys().await.is_empty());
    }
}
