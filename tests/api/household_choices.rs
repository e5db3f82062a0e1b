//! Staff record a household's choices (direct debit, residency, pédibus, quotient
//! familial), which decide some of the documents the family must provide and the fee
//! estimate's bracket: of the staff's own site only, against the version read, audited.

use reqwest::Method;
use serde_json::{Value, json};
use tutti_shared::{DocumentState, ErrorCode, FamilyDetail, FeeEstimate, HouseholdChoices};
use tutti_tests::{StatusCode, TestApp, TextRow, both, expect_error, expect_json};

use crate::document_helpers::{pieces, send_json};
use crate::household_helpers::HouseholdApi as _;

const INSURANCE: &str = "Assurance responsabilité civile";
const QUOTIENT: &str = "Quotient familial (résidents)";
const SEPA: &str = "SEPA + RIB (prélèvement)";
const PEDIBUS: &str = "Demande de pédibus";
const DISCHARGE: &str = "Décharge parentale (si pédibus)";

fn choices_path(household: i64) -> String {
    format!("/api/v1/admin/families/{household}/choices")
}

/// The choices as the staff's household detail shows them.
async fn choices_of(app: &TestApp, staff: &str, household: i64) -> HouseholdChoices {
    let detail: FamilyDetail = app
        .get_ok(&format!("/api/v1/admin/families/{household}"), staff)
        .await;
    detail.choices
}

fn choices_body(direct_debit: bool, resident: bool, pedibus: bool, version: i32) -> Value {
    json!({
        "pays_by_direct_debit": direct_debit,
        "resident": resident,
        "pedibus_requested": pedibus,
        "version": version,
    })
}

/// Records choices, insisting on 200.
async fn record_ok(app: &TestApp, staff: &str, household: i64, body: &Value) -> HouseholdChoices {
    expect_json(
        app.put_as(&choices_path(household), staff, body).await,
        StatusCode::OK,
        &format!("PUT choices {body}"),
    )
    .await
}

/// The household pieces the family is asked for, by name, in order; all must be
/// required and still to provide.
async fn household_pieces(app: &TestApp, family: &str) -> Vec<String> {
    let documents = pieces(app, family).await;
    assert!(
        documents
            .household
            .iter()
            .all(|piece| piece.required && piece.state == DocumentState::AFournir),
        "{documents:?}"
    );
    documents
        .household
        .into_iter()
        .map(|piece| piece.name)
        .collect()
}

/// The details of the choice changes in the audit log, oldest first.
fn choice_audits(app: &TestApp) -> Vec<String> {
    app.query::<TextRow>(
        "SELECT COALESCE(details, '') AS value FROM audit_log \
         WHERE action = 'household_choices_updated' ORDER BY id",
    )
    .into_iter()
    .map(|row| row.value)
    .collect()
}

both! {
    async fn staff_record_a_households_choices_and_the_family_is_asked_for_what_they_require(app) {
        let ids = app.demo_ids().await;
        let session = app.login_staff().await;
        let (staff, staff_id) = (session.access_token, session.account.id);
        let durand = app.durand_token().await;
        let before = choices_of(&app, &staff, ids.durand_family).await;
        assert_eq!((before.pays_by_direct_debit, before.resident, before.pedibus_requested), (false, false, false));
        assert_eq!(household_pieces(&app, &durand).await, [INSURANCE]);

        let saved = record_ok(&app, &staff, ids.durand_family, &choices_body(true, false, false, before.version)).await;
        assert_eq!(saved, HouseholdChoices { pays_by_direct_debit: true, version: before.version + 1, ..before });
        assert_eq!(choices_of(&app, &staff, ids.durand_family).await, saved, "the detail shows what the PUT answered");
        assert_eq!(household_pieces(&app, &durand).await, [INSURANCE, SEPA], "the SEPA mandate is now required");
        let audit = format!("household_choices_updated family {} {staff_id}", ids.durand_family);
        assert!(app.audit_lines().contains(&audit), "{:#?}", app.audit_lines());
        assert_eq!(choice_audits(&app), ["pays_by_direct_debit: false -> true"]);

        let saved = record_ok(&app, &staff, ids.durand_family, &choices_body(false, true, true, saved.version)).await;
        assert_eq!(saved.version, before.version + 2);
        assert_eq!(household_pieces(&app, &durand).await, [INSURANCE, QUOTIENT, PEDIBUS, DISCHARGE]);
        assert_eq!(
            choice_audits(&app)[1],
            "pays_by_direct_debit: true -> false, resident: false -> true, pedibus_requested: false -> true"
        );

        // The choices in force, sent again, write nothing: no new version, no audit.
        let again = record_ok(&app, &staff, ids.durand_family, &choices_body(false, true, true, saved.version)).await;
        assert_eq!(again, saved);
        assert_eq!(choice_audits(&app).len(), 2);

        // The other household is untouched.
        let martin = app.martin_token().await;
        assert_eq!(household_pieces(&app, &martin).await, [INSURANCE, QUOTIENT, SEPA]);
    }
}

both! {
    async fn choices_made_against_an_old_version_are_refused_and_change_nothing(app) {
        let ids = app.demo_ids().await;
        let staff = app.staff_token().await;
        let martin = app.martin_token().await;
        let read = choices_of(&app, &staff, ids.martin_family).await;
        assert_eq!((read.pays_by_direct_debit, read.resident, read.pedibus_requested), (true, true, false));
        let first = record_ok(&app, &staff, ids.martin_family, &choices_body(true, true, true, read.version)).await;

        let stale = app.put_as(&choices_path(ids.martin_family), &staff, &choices_body(false, true, true, read.version)).await;
        let error = expect_error(stale, StatusCode::CONFLICT, "choices against the old version").await;
        assert_eq!(error.code, ErrorCode::StaleVersion);
        assert_eq!(choices_of(&app, &staff, ids.martin_family).await, first, "nothing changed");
        assert_eq!(household_pieces(&app, &martin).await, [INSURANCE, QUOTIENT, SEPA, PEDIBUS, DISCHARGE]);
        assert_eq!(choice_audits(&app).len(), 1, "only the first change is audited");

        // Two staff saving at once against the same version: one wins, the other is told.
        let path = choices_path(ids.martin_family);
        let (one, other) = (choices_body(false, true, true, first.version), choices_body(true, false, true, first.version));
        let (a, b) = tokio::join!(app.put_as(&path, &staff, &one), app.put_as(&path, &staff, &other));
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
        let now = choices_of(&app, &staff, ids.martin_family).await;
        assert_eq!(now.version, first.version + 1);
        assert_eq!(choice_audits(&app).len(), 2);
    }
}

both! {
    async fn staff_of_another_site_get_404_and_change_nothing(app) {
        let ids = app.demo_ids().await;
        let staff = app.staff_token().await;
        let before = choices_of(&app, &staff, ids.martin_family).await;
        let annexe = app.second_site_staff("annexe").await;

        let change = choices_body(false, false, true, before.version);
        let theirs = app.put_as(&choices_path(ids.martin_family), &annexe, &change).await;
        let theirs = expect_error(theirs, StatusCode::NOT_FOUND, "another site's household").await;
        assert_eq!(theirs.code, ErrorCode::NotFound);
        // The answer must not tell another site's household from a missing one.
        let missing = app.put_as(&choices_path(99_999_999), &annexe, &change).await;
        assert_eq!(expect_error(missing, StatusCode::NOT_FOUND, "a missing household").await, theirs);
        let missing = app.put_as(&choices_path(99_999_999), &staff, &change).await;
        expect_error(missing, StatusCode::NOT_FOUND, "a missing household of one's own site").await;

        assert_eq!(choices_of(&app, &staff, ids.martin_family).await, before);
        assert!(choice_audits(&app).is_empty());
    }
}

both! {
    async fn families_teachers_and_strangers_may_not_record_choices(app) {
        let ids = app.demo_ids().await;
        let staff = app.staff_token().await;
        let before = choices_of(&app, &staff, ids.martin_family).await;
        let change = choices_body(false, false, true, before.version);
        let path = choices_path(ids.martin_family);
        for (who, token) in [
            ("the household's own family", app.martin_token().await),
            ("another family", app.durand_token().await),
            ("a teacher", app.teacher_token().await),
        ] {
            let error = expect_error(app.put_as(&path, &token, &change).await, StatusCode::FORBIDDEN, who).await;
            assert_eq!(error.code, ErrorCode::Forbidden, "{who}");
        }
        let anonymous = app.send(Method::PUT, &path, None, Some(&change)).await;
        expect_error(anonymous, StatusCode::UNAUTHORIZED, "without a token").await;

        assert_eq!(choices_of(&app, &staff, ids.martin_family).await, before);
        assert!(choice_audits(&app).is_empty());
    }
}

both! {
    async fn malformed_choices_are_refused_and_change_nothing(app) {
        let ids = app.demo_ids().await;
        let staff = app.staff_token().await;
        let before = choices_of(&app, &staff, ids.martin_family).await;
        let version = before.version;
        let bodies = [
            json!({"pays_by_direct_debit": false, "resident": true, "pedibus_requested": true}),
            json!({"pays_by_direct_debit": "non", "resident": true, "pedibus_requested": true, "version": version}),
            json!({"pays_by_direct_debit": null, "resident": true, "pedibus_requested": true, "version": version}),
            json!({"pays_by_direct_debit": false, "resident": true, "pedibus_requested": true, "version": "1"}),
            json!({"pays_by_direct_debit": false, "resident": true, "pedibus_requested": true, "version": version, "family_id": ids.durand_family}),
            json!({"pays_by_direct_debit": false, "resident": true, "pedibus_requested": true, "version": version, "site_id": 2}),
            json!([false, true, true, version]),
            json!("pédibus"),
        ];
        for body in &bodies {
            let response = app.put_as(&choices_path(ids.martin_family), &staff, body).await;
            let error = expect_error(response, StatusCode::BAD_REQUEST, &format!("{body}")).await;
            assert_eq!(error.code, ErrorCode::BadRequest, "{body}");
        }
        assert_eq!(choices_of(&app, &staff, ids.martin_family).await, before);
        assert!(choice_audits(&app).is_empty());
    }
}

/// The bracket and the quotient the staff's estimate of the Martins' piano lesson reads.
async fn estimated_bracket(
    app: &TestApp,
    staff: &str,
    household: i64,
    lea: i64,
) -> (Option<i64>, Option<String>) {
    let courses: Vec<Value> = app.get_ok("/api/v1/admin/courses", staff).await;
    let piano = courses
        .iter()
        .find(|course| course["discipline"] == "Piano" && course["level"] == "Cycle 1 - 4e année")
        .and_then(|course| course["id"].as_i64())
        .expect("the demo piano course");
    let request = json!({
        "household_id": household,
        "children": [{"student_id": lea, "course_ids": [piano]}],
        "instalments": 1,
    });
    let estimate: FeeEstimate = expect_json(
        send_json(
            app,
            Method::POST,
            "/api/v1/admin/tariffs/estimate",
            staff,
            &request,
        )
        .await,
        StatusCode::OK,
        "the estimate",
    )
    .await;
    (estimate.quotient_familial_euros, estimate.bracket)
}

both! {
    async fn staff_record_the_quotient_familial_and_the_estimate_follows_it(app) {
        let ids = app.demo_ids().await;
        let staff = app.staff_token().await;
        let before = choices_of(&app, &staff, ids.martin_family).await;
        assert_eq!(before.quotient_familial_euros, Some(850), "the demo's quotient");
        assert_eq!(estimated_bracket(&app, &staff, ids.martin_family, ids.lea).await, (Some(850), Some("C".to_owned())));

        let mut body = serde_json::to_value(before).expect("json");
        body["quotient_familial_euros"] = json!(450);
        let saved = record_ok(&app, &staff, ids.martin_family, &body).await;
        assert_eq!(saved, HouseholdChoices { quotient_familial_euros: Some(450), version: before.version + 1, ..before });
        assert_eq!(choices_of(&app, &staff, ids.martin_family).await, saved, "the detail shows the new quotient");
        assert_eq!(choice_audits(&app), ["quotient_familial_euros: 850 -> 450"]);
        assert_eq!(estimated_bracket(&app, &staff, ids.martin_family, ids.lea).await, (Some(450), Some("A".to_owned())));

        // Not provided: the highest bracket.
        let mut body = serde_json::to_value(saved).expect("json");
        body["quotient_familial_euros"] = Value::Null;
        let cleared = record_ok(&app, &staff, ids.martin_family, &body).await;
        assert_eq!(cleared.quotient_familial_euros, None);
        assert_eq!(choice_audits(&app)[1], "quotient_familial_euros: 450 -> none");
        assert_eq!(estimated_bracket(&app, &staff, ids.martin_family, ids.lea).await, (None, Some("F".to_owned())));

        // Negative or absurd: 422 on the field, nothing written.
        for quotient in [-1, 100_001, i64::MAX] {
            let mut body = serde_json::to_value(cleared).expect("json");
            body["quotient_familial_euros"] = json!(quotient);
            let response = app.put_as(&choices_path(ids.martin_family), &staff, &body).await;
            let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, &format!("quotient {quotient}")).await;
            assert_eq!(error.code, ErrorCode::Validation, "{quotient}");
            assert!(error.fields.contains_key("quotient_familial_euros"), "{error:?}");
        }
        // A quotient that is not a whole number is malformed.
        let mut body = serde_json::to_value(cleared).expect("json");
        body["quotient_familial_euros"] = json!("850");
        let response = app.put_as(&choices_path(ids.martin_family), &staff, &body).await;
        expect_error(response, StatusCode::BAD_REQUEST, "a quotient as text").await;
        assert_eq!(choices_of(&app, &staff, ids.martin_family).await, cleared);
        assert_eq!(choice_audits(&app).len(), 2);
    }
}
