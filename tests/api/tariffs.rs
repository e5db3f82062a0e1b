//! Tariffs through HTTP: the staff's tariff grid (read, replace against its version,
//! validation that changes nothing, isolation between sites, no access for families) and
//! the estimate of the demo family's fee.

use reqwest::Method;
use serde_json::{Value, json};
use tutti_shared::{Course, ErrorCode, FeeEstimate, FeeLineKind, TariffGrid};
use tutti_tests::{StatusCode, TestApp, both, expect_error, expect_json};

use crate::document_helpers::send_json;
use crate::household_helpers::HouseholdApi as _;

const GRID: &str = "/api/v1/admin/tariffs";
const ESTIMATE: &str = "/api/v1/admin/tariffs/estimate";

async fn grid(app: &TestApp, token: &str) -> TariffGrid {
    expect_json(
        app.get_authorized(GRID, token).await,
        StatusCode::OK,
        "the grid",
    )
    .await
}

/// The id of this year's course of a discipline at a level (the demo's pairs are unique).
async fn course(app: &TestApp, staff: &str, discipline: &str, level: &str) -> i64 {
    let courses: Vec<Value> = expect_json(
        app.get_authorized("/api/v1/admin/courses", staff).await,
        StatusCode::OK,
        "the courses",
    )
    .await;
    courses
        .iter()
        .find(|course| course["discipline"] == discipline && course["level"] == level)
        .and_then(|course| course["id"].as_i64())
        .expect("the demo course exists")
}

both! {
    async fn staff_read_and_replace_the_grid_against_its_version(app) {
        let staff = app.staff_token().await;
        let demo = grid(&app, &staff).await;
        assert_eq!(demo.version, 1);
        let brackets: Vec<&str> = demo.brackets.iter().map(|bracket| bracket.code.as_str()).collect();
        assert_eq!(brackets, ["A", "B", "C", "D", "E", "F"]);
        assert_eq!(demo.brackets.last().map(|bracket| bracket.max_quotient_euros), Some(None));
        assert_eq!((demo.second_child_percent, demo.third_child_percent), (10, 20));
        assert!(demo.rentals.iter().all(|rental| rental.price_cents == 12_000));

        let mut changed = demo.clone();
        changed.floor_cents = 7_500;
        changed.course_kinds[0].label = "  Instrument 30 minutes ".to_owned();
        let saved: TariffGrid = expect_json(
            send_json(&app, Method::PUT, GRID, &staff, &serde_json::to_value(&changed).expect("json")).await,
            StatusCode::OK, "a valid grid").await;
        assert_eq!(saved.version, 2);
        assert_eq!(saved.floor_cents, 7_500);
        assert_eq!(saved.course_kinds[0].label, "Instrument 30 minutes");
        assert_eq!(grid(&app, &staff).await, saved);
        assert!(app.audit_actions().iter().any(|action| action == "tariff_grid_updated"));

        // The same edit against version 1 again: 409, and the grid stays as saved.
        changed.floor_cents = 1;
        let error = expect_error(
            send_json(&app, Method::PUT, GRID, &staff, &serde_json::to_value(&changed).expect("json")).await,
            StatusCode::CONFLICT, "a stale grid").await;
        assert_eq!(error.code, ErrorCode::StaleVersion);
        assert_eq!(grid(&app, &staff).await, saved);
    }
}

both! {
    async fn an_invalid_grid_names_its_fields_and_changes_nothing(app) {
        let staff = app.staff_token().await;
        let before = grid(&app, &staff).await;
        let audited = app.audit_actions().len();
        let mut invalid = serde_json::to_value(&before).expect("json");
        invalid["course_kinds"][1]["resident_price_cents"] = json!(-100);
        invalid["brackets"][2]["max_quotient_euros"] = json!(650);
        invalid["floor_cents"] = json!(200_000);
        invalid["second_child_percent"] = json!(120);
        let error = expect_error(
            send_json(&app, Method::PUT, GRID, &staff, &invalid).await,
            StatusCode::UNPROCESSABLE_ENTITY, "an invalid grid").await;
        assert_eq!(error.code, ErrorCode::Validation);
        let fields: Vec<&str> = error.fields.keys().map(String::as_str).collect();
        assert_eq!(fields, [
            "brackets[2].max_quotient_euros",
            "course_kinds[1].resident_price_cents",
            "floor_cents",
            "second_child_percent",
        ]);
        assert!(error.fields["brackets[2].max_quotient_euros"].contains("chevauchent"));
        // An unknown field is refused (400, like any body that does not parse).
        let mut unknown = serde_json::to_value(&before).expect("json");
        unknown["surcharge"] = json!(5);
        let _ = expect_error(send_json(&app, Method::PUT, GRID, &staff, &unknown).await,
            StatusCode::BAD_REQUEST, "an unknown field").await;
        assert_eq!(grid(&app, &staff).await, before);
        assert_eq!(app.audit_actions().len(), audited);
    }
}

both! {
    async fn each_site_has_its_own_grid_and_families_have_none(app) {
        let staff = app.staff_token().await;
        let ids = app.demo_ids().await;
        let annexe = app.second_site_staff("annexe").await;
        // The other site never saved a grid: version 0, no course kinds.
        let theirs = grid(&app, &annexe).await;
        assert_eq!(theirs.version, 0);
        assert!(theirs.course_kinds.is_empty());
        // Its first grid is saved at version 1 and leaves the demo site's alone.
        let mut first = grid(&app, &staff).await;
        first.version = 0;
        first.floor_cents = 0;
        let saved: TariffGrid = expect_json(
            send_json(&app, Method::PUT, GRID, &annexe, &serde_json::to_value(&first).expect("json")).await,
            StatusCode::OK, "the other site's first grid").await;
        assert_eq!((saved.version, saved.floor_cents), (1, 0));
        assert_eq!(grid(&app, &staff).await.floor_cents, 5_000);
        // The demo family is not a household of the other site.
        let request = json!({"household_id": ids.martin_family, "children": [], "instalments": 1});
        let _ = expect_error(send_json(&app, Method::POST, ESTIMATE, &annexe, &request).await,
            StatusCode::NOT_FOUND, "another site's household").await;

        let martin = app.martin_token().await;
        for (method, path, body) in [
            (Method::GET, GRID, None),
            (Method::PUT, GRID, Some(serde_json::to_value(&first).expect("json"))),
            (Method::POST, ESTIMATE, Some(request.clone())),
        ] {
            let response = app.send(method, path, Some(&martin), body.as_ref()).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        }
    }
}

both! {
    async fn the_demo_family_fee_is_estimated_line_by_line(app) {
        let staff = app.staff_token().await;
        let ids = app.demo_ids().await;
        let piano = course(&app, &staff, "Piano", "Cycle 1 - 4e année").await;
        let lea_fm = course(&app, &staff, "Formation musicale", "Cycle 2 - 1re année").await;
        let hip_hop = course(&app, &staff, "Hip-hop", "Débutants 8-11 ans").await;
        let hugo_fm = course(&app, &staff, "Formation musicale", "Cycle 1 - 1re année").await;
        let dance = course(&app, &staff, "Danse classique", "Initiation 1").await;

        // Residents with a quotient of 850 €: bracket C, 70 %. Léa: piano 45 min 294 € +
        // FM 105 € = 399 €; Hugo: hip-hop 175 € + FM 105 € = 280 €, 2nd child -28 €;
        // Chloé: dance 175 €, 3rd child -35 €; Hugo rents a violin, 120 €. 911 €.
        let request = json!({
            "household_id": ids.martin_family,
            "children": [
                {"student_id": ids.chloe, "course_ids": [dance]},
                {"student_id": ids.hugo, "course_ids": [hugo_fm, hip_hop], "rentals": ["violon"]},
                {"student_id": ids.lea, "course_ids": [piano, lea_fm]},
            ],
            "instalments": 9,
        });
        let estimate: FeeEstimate = expect_json(
            send_json(&app, Method::POST, ESTIMATE, &staff, &request).await,
            StatusCode::OK, "the demo family's estimate").await;
        assert!(estimate.resident);
        assert_eq!(estimate.quotient_familial_euros, Some(850));
        assert_eq!(estimate.bracket.as_deref(), Some("C"));
        let lines: Vec<(FeeLineKind, i64, Option<i64>)> = estimate.lines.iter()
            .map(|line| (line.kind, line.amount_cents, line.student_id)).collect();
        assert_eq!(lines, [
            (FeeLineKind::Course, 29_400, Some(ids.lea)),
            (FeeLineKind::Course, 10_500, Some(ids.lea)),
            (FeeLineKind::Course, 10_500, Some(ids.hugo)),
            (FeeLineKind::Course, 17_500, Some(ids.hugo)),
            (FeeLineKind::Reduction, -2_800, Some(ids.hugo)),
            (FeeLineKind::Course, 17_500, Some(ids.chloe)),
            (FeeLineKind::Reduction, -3_500, Some(ids.chloe)),
            (FeeLineKind::Rental, 12_000, Some(ids.hugo)),
        ]);
        assert_eq!(estimate.lines[0].label, "Instrument 45 min – Léa (tranche C à 70 %)");
        assert_eq!(estimate.total_cents, 91_100);
        assert_eq!(estimate.instalments, [10_124, 10_122, 10_122, 10_122, 10_122, 10_122, 10_122, 10_122, 10_122]);
        assert!(app.audit_actions().iter().any(|action| action == "fee_estimated"));

        // Paid once: one instalment, the total.
        let mut once = request.clone();
        once["instalments"] = json!(1);
        let estimate: FeeEstimate = expect_json(
            send_json(&app, Method::POST, ESTIMATE, &staff, &once).await, StatusCode::OK, "paid once").await;
        assert_eq!(estimate.instalments, [91_100]);

        // Nathan is not a Martin; an unknown course; three instalments.
        let wrong = json!({
            "household_id": ids.martin_family,
            "children": [
                {"student_id": ids.nathan, "course_ids": [piano]},
                {"student_id": ids.lea, "course_ids": [piano, 999_999]},
            ],
            "instalments": 1,
        });
        let error = expect_error(send_json(&app, Method::POST, ESTIMATE, &staff, &wrong).await,
            StatusCode::UNPROCESSABLE_ENTITY, "unpriceable wishes").await;
        let fields: Vec<&str> = error.fields.keys().map(String::as_str).collect();
        assert_eq!(fields, ["children[0].student_id", "children[1].course_ids[1]"]);
        let mut three = request.clone();
        three["instalments"] = json!(3);
        let error = expect_error(send_json(&app, Method::POST, ESTIMATE, &staff, &three).await,
            StatusCode::UNPROCESSABLE_ENTITY, "three instalments").await;
        assert!(error.fields.contains_key("instalments"));
    }
}

both! {
    async fn staff_give_a_course_a_kind_of_the_grid_and_the_estimate_prices_it(app) {
        let staff = app.staff_token().await;
        let ids = app.demo_ids().await;
        let piano = course(&app, &staff, "Piano", "Cycle 1 - 4e année").await;
        let shown: Course = app.get_ok(&format!("/api/v1/admin/courses/{piano}"), &staff).await;
        assert_eq!(shown.fee_kind.as_deref(), Some("instrument_45"), "the demo's kind is shown");

        // A new course with a kind of the grid, one without (an older client), an unknown one.
        let mut body = json!({
            "school_year_id": shown.school_year_id,
            "discipline_id": shown.discipline_id,
            "level": "Cycle 2 - 1re année",
            "teacher_name": "Jeanne Roux",
            "weekday": 4,
            "start_time": "17:00",
            "end_time": "17:30",
            "fee_kind": " instrument_30 ",
        });
        let priced = app.create_ok("/api/v1/admin/courses", &staff, &body).await;
        let created: Course = app.get_ok(&format!("/api/v1/admin/courses/{priced}"), &staff).await;
        assert_eq!(created.fee_kind.as_deref(), Some("instrument_30"), "trimmed");
        body.as_object_mut().expect("an object").remove("fee_kind");
        body["level"] = json!("Cycle 2 - 2e année");
        let unpriced = app.create_ok("/api/v1/admin/courses", &staff, &body).await;
        let created: Course = app.get_ok(&format!("/api/v1/admin/courses/{unpriced}"), &staff).await;
        assert_eq!(created.fee_kind, None);
        let courses_before = app.courses(&staff, "").await.len();
        body["fee_kind"] = json!("tuba");
        let error = expect_error(app.post_as("/api/v1/admin/courses", &staff, &body).await,
            StatusCode::UNPROCESSABLE_ENTITY, "an unknown kind").await;
        assert_eq!(error.fields.get("fee_kind").map(String::as_str), Some("Type de tarif inconnu."), "{error:?}");
        assert_eq!(app.courses(&staff, "").await.len(), courses_before, "nothing created");

        // The estimate prices the new course by its kind: 300 € at 70 % (bracket C).
        let request = json!({
            "household_id": ids.martin_family,
            "children": [{"student_id": ids.lea, "course_ids": [priced]}],
            "instalments": 1,
        });
        let estimate: FeeEstimate = expect_json(
            send_json(&app, Method::POST, ESTIMATE, &staff, &request).await, StatusCode::OK, "the estimate").await;
        assert_eq!(estimate.lines[0].amount_cents, 21_000, "{estimate:?}");

        // Editing: another kind of the grid, then none.
        let path = format!("/api/v1/admin/courses/{priced}");
        let mut edit = json!({
            "school_year_id": shown.school_year_id,
            "discipline_id": shown.discipline_id,
            "level": "Cycle 2 - 1re année",
            "teacher_name": "Jeanne Roux",
            "weekday": 4,
            "start_time": "17:00",
            "end_time": "17:30",
            "version": 1,
            "fee_kind": "ensemble",
        });
        let edited: Course = expect_json(app.put_as(&path, &staff, &edit).await, StatusCode::OK, "a known kind").await;
        assert_eq!(edited.fee_kind.as_deref(), Some("ensemble"));
        edit["version"] = json!(edited.version);
        edit["fee_kind"] = json!("tuba");
        let error = expect_error(app.put_as(&path, &staff, &edit).await, StatusCode::UNPROCESSABLE_ENTITY, "an unknown kind").await;
        assert!(error.fields.contains_key("fee_kind"), "{error:?}");

        // The grid drops "ensemble": the course keeps it and may still be edited as is.
        let mut changed = grid(&app, &staff).await;
        changed.course_kinds.retain(|kind| kind.code != "ensemble");
        expect_json::<TariffGrid>(
            send_json(&app, Method::PUT, GRID, &staff, &serde_json::to_value(&changed).expect("json")).await,
            StatusCode::OK, "a grid without ensemble").await;
        edit["fee_kind"] = json!("ensemble");
        edit["room"] = json!("Salle 4");
        let kept: Course = expect_json(app.put_as(&path, &staff, &edit).await, StatusCode::OK, "the kind in force").await;
        assert_eq!((kept.fee_kind.as_deref(), kept.room.as_str()), (Some("ensemble"), "Salle 4"));
        let error = expect_error(app.post_as("/api/v1/admin/courses", &staff, &edit).await,
            StatusCode::UNPROCESSABLE_ENTITY, "a dropped kind on a new course").await;
        assert!(error.fields.contains_key("fee_kind"), "{error:?}");
        edit["version"] = json!(kept.version);
        edit["fee_kind"] = Value::Null;
        let cleared: Course = expect_json(app.put_as(&path, &staff, &edit).await, StatusCode::OK, "no kind").await;
        assert_eq!(cleared.fee_kind, None);
    }
}
