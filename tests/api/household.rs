//! The family's household: every "Responsable" field of both guardians, and edits that
//! become pending change requests, acknowledged by email, guarded by a version.

use serde_json::{Value, json};
use tutti_shared::{ErrorCode, GuardianFields, GuardianView};
use tutti_tests::{StatusCode, TestApp, both, expect_error, expect_json};

use crate::household_helpers::{ACKNOWLEDGMENT_SUBJECT, HouseholdApi as _, MARTIN_ACCOUNT_EMAIL};

/// The household as Famille Martin sees it, with the first guardian.
async fn martin_and_claire(app: &TestApp) -> (String, GuardianView) {
    let token = app.martin_token().await;
    let family = app.family(&token).await;
    let claire = family
        .guardians
        .first()
        .cloned()
        .expect("Claire is the first guardian");
    (token, claire)
}

/// Asserts that a refused edit left the household, the queue and the outbox untouched.
async fn assert_nothing_stored(
    app: &TestApp,
    token: &str,
    before: &tutti_shared::FamilyView,
    emails_before: usize,
    what: &str,
) {
    assert_eq!(
        &app.family(token).await,
        before,
        "{what}: the household must be unchanged"
    );
    assert_eq!(
        app.change_request_rows(),
        0,
        "{what}: no change request may be stored"
    );
    assert_eq!(
        app.outbox().len(),
        emails_before,
        "{what}: no email may be sent"
    );
}

both! {
    async fn a_family_reads_every_responsable_field_of_both_guardians(app) {
        let token = app.martin_token().await;
        let raw: Value = app.get_ok("/api/v1/family", &token).await;
        let guardians = raw["guardians"].as_array().expect("a list of guardians");
        assert_eq!(guardians.len(), 2, "Famille Martin has two guardians: {raw}");
        for guardian in guardians {
            for (field, label) in GuardianFields::FIELDS {
                assert!(guardian["fields"][field].is_string(), "the {label} ({field}) field is missing from {guardian}");
            }
            assert!(guardian["version"].is_i64(), "a version to send back: {guardian}");
            assert_eq!(guardian["pending"], json!({}), "nothing pending in the demo: {guardian}");
        }

        let family = app.family(&token).await;
        assert_eq!(family.name, "Famille Martin");
        let claire = &family.guardians[0].fields;
        let expected_claire = GuardianFields {
            civility: "Madame".into(),
            last_name: "Martin".into(),
            first_name: "Claire".into(),
            address: "12 rue des Lilas".into(),
            postcode: "94420".into(),
            city: "Le Plessis-Trévise".into(),
            phone_home: "01 45 76 12 34".into(),
            phone_mobile: "06 12 34 56 78".into(),
            phone_work: "01 49 00 11 22".into(),
            email: "claire.martin@example.fr".into(),
            marital_status: "Marié(e)".into(),
            socio_professional_code: "37".into(),
            profession: "Cadre administrative".into(),
            ..GuardianFields::default()
        };
        assert_eq!(claire, &expected_claire);
        let julien = &family.guardians[1].fields;
        assert_eq!((julien.civility.as_str(), julien.first_name.as_str(), julien.last_name.as_str()), ("Monsieur", "Julien", "Martin"));
        assert_eq!(julien.phone_mobile, "06 98 76 54 32");
        assert_eq!(julien.email, "julien.martin@example.fr");
        assert_eq!((julien.marital_status.as_str(), julien.socio_professional_code.as_str(), julien.profession.as_str()), ("Marié(e)", "47", "Technicien"));
        assert_eq!(julien.phone_home, "", "Julien has no home phone");
        assert_ne!(family.guardians[0].id, family.guardians[1].id);
    }
}

both! {
    async fn a_guardian_edit_waits_for_staff_and_is_acknowledged_by_email(app) {
        let (token, claire) = martin_and_claire(&app).await;
        let acknowledgments = app.emails_with(MARTIN_ACCOUNT_EMAIL, ACKNOWLEDGMENT_SUBJECT);

        let response = app
            .update_guardian(&token, claire.id, &json!({"version": claire.version, "changes": {"address": "5 avenue Foch", "profession": "Directrice"}}))
            .await;
        let view: GuardianView = expect_json(response, StatusCode::OK, "PATCH the first guardian").await;
        assert_eq!(view.fields, claire.fields, "the values in force do not change before staff approve");
        assert_eq!(view.pending["address"].new_value, "5 avenue Foch");
        assert_eq!(view.pending["profession"].new_value, "Directrice");
        assert_eq!(view.pending.len(), 2, "only the two fields sent: {:?}", view.pending);
        assert_eq!(view.version, claire.version + 1, "the version moves on");

        let family = app.family(&token).await;
        assert_eq!(family.guardians[0], view, "GET /family shows what the PATCH answered");
        assert_eq!(family.guardians[0].fields.address, "12 rue des Lilas");

        assert_eq!(app.emails_with(MARTIN_ACCOUNT_EMAIL, ACKNOWLEDGMENT_SUBJECT), acknowledgments + 1, "one acknowledgment");
        let email = app.last_email_to(MARTIN_ACCOUNT_EMAIL).expect("the acknowledgment");
        assert_eq!(email.subject, ACKNOWLEDGMENT_SUBJECT);
        assert!(email.body_text.contains("5 avenue Foch"), "the email lists the new address:\n{}", email.body_text);
        assert!(email.body_text.contains("Adresse"), "with the field's French label:\n{}", email.body_text);
        assert!(email.body_text.contains("Claire Martin"), "and whose record it is:\n{}", email.body_text);
        assert_eq!(app.change_request_rows(), 2, "one change request per field");
    }
}

both! {
    async fn an_edit_of_the_second_guardian_is_acknowledged_to_the_account_email(app) {
        let token = app.martin_token().await;
        let julien = app.family(&token).await.guardians[1].clone();
        let response = app.update_guardian(&token, julien.id, &json!({"version": julien.version, "changes": {"phone_work": "01 40 00 00 01"}})).await;
        let view: GuardianView = expect_json(response, StatusCode::OK, "PATCH the second guardian").await;
        assert_eq!(view.fields.phone_work, "", "still empty in force");
        assert_eq!(view.pending["phone_work"].new_value, "01 40 00 00 01");
        let email = app.last_email_to(MARTIN_ACCOUNT_EMAIL).expect("the acknowledgment goes to the account");
        assert_eq!(email.subject, ACKNOWLEDGMENT_SUBJECT);
        assert!(email.body_text.contains("Julien Martin"), "{}", email.body_text);
        assert!(app.last_email_to("julien.martin@example.fr").is_none(), "not to the guardian's own address");
    }
}

both! {
    async fn an_edit_against_an_old_version_is_refused_and_changes_nothing(app) {
        let (token, claire) = martin_and_claire(&app).await;
        let first = app.update_guardian(&token, claire.id, &json!({"version": claire.version, "changes": {"city": "Chennevières-sur-Marne", "postcode": "94430"}})).await;
        let _: GuardianView = expect_json(first, StatusCode::OK, "first edit").await;
        let after_first = app.family(&token).await;
        let (emails, rows) = (app.outbox().len(), app.change_request_rows());

        let stale = app.update_guardian(&token, claire.id, &json!({"version": claire.version, "changes": {"city": "Villiers-sur-Marne", "postcode": "94350"}})).await;
        let error = expect_error(stale, StatusCode::CONFLICT, "edit with the old version").await;
        assert_eq!(error.code, ErrorCode::StaleVersion);
        assert!(!error.message.is_empty());

        // Sending again the value already asked for, with the old version, is stale too.
        let repeat = app.update_guardian(&token, claire.id, &json!({"version": claire.version, "changes": {"city": "Chennevières-sur-Marne"}})).await;
        assert_eq!(expect_error(repeat, StatusCode::CONFLICT, "repeat with the old version").await.code, ErrorCode::StaleVersion);

        assert_eq!(app.family(&token).await, after_first, "nothing changed");
        assert_eq!(app.change_request_rows(), rows, "no change request stored");
        assert_eq!(app.outbox().len(), emails, "no acknowledgment for a refused edit");
        assert_eq!(after_first.guardians[0].pending["city"].new_value, "Chennevières-sur-Marne");
    }
}

both! {
    async fn invalid_postcode_phone_and_email_are_refused_field_by_field(app) {
        let (token, claire) = martin_and_claire(&app).await;
        let before = app.family(&token).await;
        let emails = app.outbox().len();

        let response = app
            .update_guardian(
                &token,
                claire.id,
                &json!({"version": claire.version, "changes": {"city": "Sucy-en-Brie", "postcode": "9442", "phone_mobile": "12345", "extra_phone_2": "06 12", "email": "claire.martin"}}),
            )
            .await;
        let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid fields").await;
        assert_eq!(error.code, ErrorCode::Validation);
        for field in ["postcode", "phone_mobile", "extra_phone_2", "email"] {
            let message = error.fields.get(field).unwrap_or_else(|| panic!("no message for {field}: {error:?}"));
            assert!(!message.trim().is_empty(), "an explanation for {field}");
        }
        assert!(!error.fields.contains_key("city"), "valid fields get no message: {error:?}");
        // The valid city in the same edit is not kept either: an edit is all or nothing.

        for (changes, field) in [
            (json!({"postcode": "ABCDE"}), "postcode"),
            (json!({"postcode": "944200"}), "postcode"),
            (json!({"phone_home": "+33 06 12 34 56 78"}), "phone_home"),
            (json!({"email": "claire@"}), "email"),
            (json!({"email": ""}), "email"),
            (json!({"last_name": "   "}), "last_name"),
            (json!({"civility": "Docteur"}), "civility"),
            (json!({"city": "Le\u{0007}Plessis"}), "city"),
        ] {
            let response = app.update_guardian(&token, claire.id, &json!({"version": claire.version, "changes": changes})).await;
            let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, &format!("{changes}")).await;
            assert!(error.fields.contains_key(field), "{changes}: a message for {field}: {error:?}");
        }
        assert_nothing_stored(&app, &token, &before, emails, "invalid fields").await;
    }
}

both! {
    async fn a_guardian_must_keep_a_home_or_mobile_phone(app) {
        let token = app.martin_token().await;
        let julien = app.family(&token).await.guardians[1].clone();
        let before = app.family(&token).await;
        let emails = app.outbox().len();
        // Julien has a mobile and no home phone: removing the mobile leaves no phone.
        let response = app.update_guardian(&token, julien.id, &json!({"version": julien.version, "changes": {"phone_mobile": ""}})).await;
        let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, "no phone left").await;
        assert!(error.fields.contains_key("phone_mobile"), "{error:?}");
        assert_nothing_stored(&app, &token, &before, emails, "no phone left").await;
    }
}

both! {
    async fn an_unknown_field_in_the_changes_is_a_bad_request(app) {
        let (token, claire) = martin_and_claire(&app).await;
        let before = app.family(&token).await;
        let emails = app.outbox().len();
        for changes in [json!({"nickname": "Clairette"}), json!({"city": "Paris", "ville": "Paris"}), json!({"Email": "x@example.fr"})] {
            let response = app.update_guardian(&token, claire.id, &json!({"version": claire.version, "changes": changes})).await;
            let error = expect_error(response, StatusCode::BAD_REQUEST, &format!("{changes}")).await;
            assert_eq!(error.code, ErrorCode::BadRequest);
        }
        assert_nothing_stored(&app, &token, &before, emails, "unknown fields").await;
    }
}

both! {
    async fn wrong_json_types_are_a_bad_request(app) {
        let (token, claire) = martin_and_claire(&app).await;
        let before = app.family(&token).await;
        let emails = app.outbox().len();
        for body in [
            json!({"version": claire.version.to_string(), "changes": {"city": "Paris"}}),
            json!({"version": claire.version, "changes": {"city": 75}}),
            json!({"version": claire.version, "changes": {"city": ["Paris"]}}),
            json!({"version": claire.version, "changes": {"city": {"name": "Paris"}}}),
            json!({"version": claire.version, "changes": {"phone_mobile": true}}),
            json!({"version": claire.version, "changes": "city=Paris"}),
            json!({"version": 1.5, "changes": {"city": "Paris"}}),
            json!({"version": 4_294_967_296_i64, "changes": {"city": "Paris"}}),
            json!({"version": null, "changes": {"city": "Paris"}}),
            json!({"changes": {"city": "Paris"}}),
            json!({"version": claire.version}),
            json!("Paris"),
            json!(null),
        ] {
            let response = app.update_guardian(&token, claire.id, &body).await;
            let error = expect_error(response, StatusCode::BAD_REQUEST, &format!("{body}")).await;
            assert_eq!(error.code, ErrorCode::BadRequest, "{body}");
        }
        for raw in ["{", "{\"version\": 1, \"changes\": {\"city\": \"Paris\"}", "", "version=1"] {
            let response = app
                .bare_client()
                .patch(app.url(&format!("/api/v1/family/guardians/{}", claire.id)))
                .bearer_auth(&token)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(raw)
                .send()
                .await
                .expect("PATCH with a raw body");
            expect_error(response, StatusCode::BAD_REQUEST, &format!("raw body {raw:?}")).await;
        }
        assert_nothing_stored(&app, &token, &before, emails, "wrong types").await;
    }
}

both! {
    async fn an_array_in_place_of_an_object_is_a_bad_request(app) {
        // serde accepts a struct written as a JSON array of its fields in declaration
        // order; the API must not: `changes` and the body are objects.
        let (token, claire) = martin_and_claire(&app).await;
        let before = app.family(&token).await;
        let emails = app.outbox().len();
        for body in [
            json!({"version": claire.version, "changes": ["Madame", "Martin"]}),
            json!({"version": claire.version, "changes": ["city", "Paris"]}),
            json!([claire.version, {"city": "Paris"}]),
        ] {
            let response = app.update_guardian(&token, claire.id, &body).await;
            let error = expect_error(response, StatusCode::BAD_REQUEST, &format!("{body}")).await;
            assert_eq!(error.code, ErrorCode::BadRequest, "{body}");
        }
        assert_nothing_stored(&app, &token, &before, emails, "arrays for objects").await;
    }
}

both! {
    async fn oversized_fields_are_refused_without_being_stored(app) {
        let (token, claire) = martin_and_claire(&app).await;
        let before = app.family(&token).await;
        let emails = app.outbox().len();
        for (field, value) in [
            ("address", "a".repeat(201)),
            ("profession", "é".repeat(201)),
            ("marital_status", "x".repeat(10_000)),
            ("extra_phone_3", "0".repeat(201)),
        ] {
            let response = app.update_guardian(&token, claire.id, &json!({"version": claire.version, "changes": {field: value}})).await;
            let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, &format!("{field} of {} chars", value.chars().count())).await;
            assert_eq!(error.code, ErrorCode::Validation);
            assert!(error.fields.contains_key(field), "{field}: {error:?}");
        }
        assert_nothing_stored(&app, &token, &before, emails, "oversized fields").await;

        // 200 characters (two bytes each) is the limit, not beyond it.
        let longest = "é".repeat(200);
        let response = app.update_guardian(&token, claire.id, &json!({"version": claire.version, "changes": {"profession": longest}})).await;
        let view: GuardianView = expect_json(response, StatusCode::OK, "200 characters").await;
        assert_eq!(view.pending["profession"].new_value, longest);
    }
}

both! {
    async fn no_guardian_edit_answers_a_server_error(app) {
        let (token, claire) = martin_and_claire(&app).await;
        let path = format!("/api/v1/family/guardians/{}", claire.id);
        let bodies = [
            json!({"version": claire.version, "changes": {}}),
            json!({"version": -1, "changes": {"city": "Paris"}}),
            json!({"version": i32::MAX, "changes": {"city": "Paris"}}),
            json!({"version": i32::MIN, "changes": {"city": "Paris"}}),
            json!({"version": claire.version, "changes": {"city": "\u{0000}"}}),
            json!({"version": claire.version, "changes": {"city": "🎹 Ville 🎻"}}),
            json!({"version": claire.version, "changes": {"city": "'; DROP TABLE guardians; --"}}),
            json!({"version": claire.version, "changes": {"city": null}}),
            json!({"version": claire.version, "changes": {"address": "\u{202e}sdrawkcab"}}),
            json!({"version": claire.version, "changes": {"email": "a@b.c", "postcode": "00000"}}),
            json!({"version": claire.version, "changes": {"address": "x".repeat(70_000)}}),
        ];
        for body in &bodies {
            let status = app.patch_as(&path, &token, body).await.status();
            assert!(
                [StatusCode::OK, StatusCode::BAD_REQUEST, StatusCode::CONFLICT, StatusCode::UNPROCESSABLE_ENTITY, StatusCode::PAYLOAD_TOO_LARGE].contains(&status),
                "{body}: {status}"
            );
        }
        for path in ["/api/v1/family/guardians/0", "/api/v1/family/guardians/-1", "/api/v1/family/guardians/99999999999999999999", "/api/v1/family/guardians/abc"] {
            let status = app.patch_as(path, &token, &json!({"version": 1, "changes": {"city": "Paris"}})).await.status();
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        }
        let status = app
            .bare_client()
            .patch(app.url(&path))
            .bearer_auth(&token)
            .header(reqwest::header::CONTENT_TYPE, "text/plain")
            .body("city=Paris")
            .send()
            .await
            .expect("PATCH text/plain")
            .status();
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "a body that is not JSON");
        // The server is still answering normally.
        let _ = app.family(&token).await;
    }
}

both! {
    async fn sending_the_pending_value_again_changes_nothing_and_the_value_in_force_withdraws_it(app) {
        let (token, claire) = martin_and_claire(&app).await;
        let asked: GuardianView = expect_json(
            app.update_guardian(&token, claire.id, &json!({"version": claire.version, "changes": {"city": "Sucy-en-Brie", "postcode": "94370"}})).await,
            StatusCode::OK,
            "ask",
        )
        .await;
        let emails = app.outbox().len();

        let again: GuardianView = expect_json(
            app.update_guardian(&token, claire.id, &json!({"version": asked.version, "changes": {"city": " Sucy-en-Brie "}})).await,
            StatusCode::OK,
            "the same value again",
        )
        .await;
        assert_eq!(again, asked, "nothing to do, same version");
        assert_eq!(app.outbox().len(), emails, "no second acknowledgment for nothing");

        let withdrawn: GuardianView = expect_json(
            app.update_guardian(&token, claire.id, &json!({"version": asked.version, "changes": {"city": claire.fields.city}})).await,
            StatusCode::OK,
            "back to the value in force",
        )
        .await;
        assert!(!withdrawn.pending.contains_key("city"), "the pending city is withdrawn: {:?}", withdrawn.pending);
        assert_eq!(withdrawn.pending["postcode"].new_value, "94370", "the other field stays pending");
        assert_eq!(withdrawn.fields, claire.fields);
        assert_eq!(app.family(&token).await.guardians[0], withdrawn);
    }
}

both! {
    async fn two_concurrent_edits_with_the_same_version_let_exactly_one_through(app) {
        let (token, _) = martin_and_claire(&app).await;
        let acknowledgments = app.emails_with(MARTIN_ACCOUNT_EMAIL, ACKNOWLEDGMENT_SUBJECT);
        // Many rounds: a race shows itself only when both requests overlap in the server.
        for round in 0..30 {
            let claire = app.family(&token).await.guardians[0].clone();
            let first = json!({"version": claire.version, "changes": {"profession": format!("Première {round}")}});
            let second = json!({"version": claire.version, "changes": {"profession": format!("Seconde {round}")}});
            let (left, right) = tokio::join!(app.update_guardian(&token, claire.id, &first), app.update_guardian(&token, claire.id, &second));
            let (left_status, right_status) = (left.status(), right.status());
            let left_body = left.text().await.unwrap_or_default();
            let right_body = right.text().await.unwrap_or_default();
            let mut statuses = [left_status, right_status];
            statuses.sort();
            assert_eq!(
                statuses,
                [StatusCode::OK, StatusCode::CONFLICT],
                "round {round}: exactly one edit wins: {left_status} {left_body} / {right_status} {right_body}"
            );
            let after = app.family(&token).await.guardians[0].clone();
            assert_eq!(after.version, claire.version + 1, "round {round}: one version step");
            let winner = if left_status == StatusCode::OK { &first } else { &second };
            assert_eq!(after.pending["profession"].new_value, winner["changes"]["profession"].as_str().expect("a string"), "round {round}");
            assert_eq!(app.emails_with(MARTIN_ACCOUNT_EMAIL, ACKNOWLEDGMENT_SUBJECT), acknowledgments + round + 1, "round {round}: only the winner is acknowledged");
        }
    }
}

both! {
    async fn a_family_edit_costs_two_trips_to_the_blocking_pool_email_included(app) {
        let (token, claire) = martin_and_claire(&app).await;
        let emails = app.outbox().len();
        let before = app.db_trips();
        let response = app
            .update_guardian(&token, claire.id, &json!({"version": claire.version, "changes": {"profession": "Architecte"}}))
            .await;
        let trips = app.db_trips() - before;
        let _: GuardianView = expect_json(response, StatusCode::OK, "the edit").await;
        // One trip checks the session (the Caller), one runs the edit's transaction, which
        // also writes the acknowledgment into the outbox.
        assert_eq!(trips, 2, "trips to the blocking pool for one family edit");
        assert_eq!(app.outbox().len(), emails + 1, "the acknowledgment is in the outbox");
    }
}
