//! The authorization table, generated from the OpenAPI document.
//!
//! Every operation declares once, in its `security` requirement, which callers it
//! admits (the server enforces that same declaration). From it this test derives, for
//! every operation and seven callers, the status class to expect, writes the table next
//! to this file (`authorization.table`, committed and reviewed like code), and then asks
//! the real server:
//!
//! - anonymous: 401 on every operation that requires a caller;
//! - a caller of a kind the operation does not admit: 403;
//! - an admitted caller on a record that is not theirs (family B on family A's records,
//!   staff of site 2 on site 1's): 404; a teacher on another teacher's course: 403;
//! - an admitted owner: through the gate (anything but 401, 403, 404 and 5xx; the bodies
//!   sent are empty objects, so writes stop at validation and change nothing).
//!
//! A new operation without a fixture below fails the test, and so does a table that no
//! longer matches the document: regenerate with `UPDATE_SNAPSHOTS=1` and review the diff.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use reqwest::Method;
use serde_json::{Value, json};
use tutti_shared::{ClassMember, Course, Event, Participant, SchoolYear};
use tutti_tests::{StatusCode, TestApp, both, expect_json};

use crate::household_helpers::{DemoIds, HouseholdApi as _};

/// The callers of the table, in its column order.
const CALLERS: [&str; 7] = [
    "anonymous",
    "family_a",
    "family_b",
    "teacher_x",
    "teacher_other",
    "staff_1",
    "staff_2",
];

/// Whose record a path's id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// No id in the path: everyone admitted works on their own data.
    Nobody,
    /// Family A's household, guardian or child (also of site 1).
    FamilyA,
    /// A record of site 1 that is not about one course.
    Site1,
    /// Course X (taught by teacher X), or one of its enrolments, evaluations, absences.
    CourseX,
    /// Something of family A's account itself (one of its sessions): nobody else's,
    /// whatever their role.
    AccountOfFamilyA,
}

/// The concrete path of each documented operation, with the owner of the ids in it.
fn fixtures(
    ids: &DemoIds,
    school: &SchoolIds,
    family_a_session: i64,
) -> BTreeMap<&'static str, (String, Owner)> {
    use Owner::*;
    let mut table = BTreeMap::new();
    let mut add = |template: &'static str, path: String, owner: Owner| {
        table.insert(template, (path, owner));
    };
    for template in [
        "/api/v1/sites",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/password-reset",
        "/api/v1/auth/password-reset/confirm",
        "/api/v1/account",
        "/api/v1/account/password",
        "/api/v1/account/sessions",
        "/api/v1/account/sessions/end-others",
        "/api/v1/family",
        "/api/v1/students",
        "/api/v1/admin/families",
        "/api/v1/admin/students",
        "/api/v1/admin/change-requests",
        "/api/v1/admin/change-requests/decisions",
        "/api/v1/admin/school-years",
        "/api/v1/admin/disciplines",
        "/api/v1/admin/courses",
        "/api/v1/admin/enrolments",
        "/api/v1/admin/evaluations",
        "/api/v1/admin/absences",
        "/api/v1/admin/events",
        "/api/v1/admin/teachers",
        "/api/v1/documents",
        "/api/v1/admin/document-types",
        "/api/v1/admin/document-types/order",
        "/api/v1/admin/documents",
        "/api/v1/admin/campaigns",
        "/api/v1/reenrolment/campaign",
        "/api/v1/reenrolment/children",
        "/api/v1/admin/tariffs",
        "/api/v1/admin/tariffs/estimate",
        "/api/v1/admin/invoices",
        "/api/v1/admin/invoices/issue-fees",
        "/api/v1/invoices",
        "/api/v1/admin/payments",
        "/api/v1/payments",
        "/api/v1/admin/invoices/export.csv",
        "/api/v1/admin/payments/export.csv",
        "/api/v1/admin/rental-items",
        "/api/v1/admin/rental-loans",
        "/api/v1/admin/invoices/issue-rentals",
        "/api/v1/rentals",
    ] {
        add(template, template.to_owned(), Nobody);
    }
    add(
        "/api/v1/account/sessions/{id}",
        format!("/api/v1/account/sessions/{family_a_session}"),
        AccountOfFamilyA,
    );
    add(
        "/api/v1/family/guardians/{id}",
        format!("/api/v1/family/guardians/{}", ids.claire),
        FamilyA,
    );
    add(
        "/api/v1/students/{id}",
        format!("/api/v1/students/{}", ids.lea),
        FamilyA,
    );
    add(
        "/api/v1/students/{id}/courses",
        format!("/api/v1/students/{}/courses", ids.lea),
        FamilyA,
    );
    add(
        "/api/v1/students/{id}/history",
        format!("/api/v1/students/{}/history", ids.lea),
        FamilyA,
    );
    add(
        "/api/v1/students/{id}/repertoire",
        format!("/api/v1/students/{}/repertoire", ids.lea),
        FamilyA,
    );
    add(
        "/api/v1/admin/families/{id}",
        format!("/api/v1/admin/families/{}", ids.martin_family),
        FamilyA,
    );
    add(
        "/api/v1/admin/families/{id}/choices",
        format!("/api/v1/admin/families/{}/choices", ids.martin_family),
        FamilyA,
    );
    add(
        "/api/v1/admin/families/{id}/accounts",
        format!("/api/v1/admin/families/{}/accounts", ids.martin_family),
        FamilyA,
    );
    add(
        "/api/v1/admin/students/{id}",
        format!("/api/v1/admin/students/{}", ids.lea),
        FamilyA,
    );
    add(
        "/api/v1/admin/school-years/{id}",
        format!("/api/v1/admin/school-years/{}", school.year),
        Site1,
    );
    add(
        "/api/v1/admin/disciplines/{id}",
        format!("/api/v1/admin/disciplines/{}", school.discipline),
        Site1,
    );
    add(
        "/api/v1/admin/events/{id}",
        format!("/api/v1/admin/events/{}", school.event),
        Site1,
    );
    add(
        "/api/v1/admin/events/{id}/participations",
        format!("/api/v1/admin/events/{}/participations", school.event),
        Site1,
    );
    add(
        "/api/v1/admin/participations/{id}",
        format!("/api/v1/admin/participations/{}", school.participation),
        Site1,
    );
    add(
        "/api/v1/admin/courses/{id}",
        format!("/api/v1/admin/courses/{}", school.course),
        CourseX,
    );
    add(
        "/api/v1/admin/courses/{id}/enrolments",
        format!("/api/v1/admin/courses/{}/enrolments", school.course),
        CourseX,
    );
    add(
        "/api/v1/admin/courses/{id}/class",
        format!("/api/v1/admin/courses/{}/class", school.course),
        CourseX,
    );
    add(
        "/api/v1/admin/enrolments/{id}",
        format!("/api/v1/admin/enrolments/{}", school.enrolment),
        CourseX,
    );
    add(
        "/api/v1/admin/evaluations/{id}",
        format!("/api/v1/admin/evaluations/{}", school.evaluation),
        CourseX,
    );
    add(
        "/api/v1/admin/absences/{id}",
        format!("/api/v1/admin/absences/{}", school.absence),
        CourseX,
    );
    add(
        "/api/v1/documents/{id}",
        format!("/api/v1/documents/{}", school.document),
        FamilyA,
    );
    add(
        "/api/v1/documents/{id}/file",
        format!("/api/v1/documents/{}/file", school.document),
        FamilyA,
    );
    add(
        "/api/v1/admin/document-types/{id}",
        format!("/api/v1/admin/document-types/{}", school.document_type),
        Site1,
    );
    add(
        "/api/v1/admin/documents/{id}/file",
        format!("/api/v1/admin/documents/{}/file", school.document),
        Site1,
    );
    add(
        "/api/v1/admin/documents/{id}/decision",
        format!("/api/v1/admin/documents/{}/decision", school.document),
        Site1,
    );
    for template in [
        "/api/v1/reenrolment/children/{id}/start",
        "/api/v1/reenrolment/children/{id}/decline",
    ] {
        add(
            template,
            template.replace("{id}", &ids.lea.to_string()),
            FamilyA,
        );
    }
    for template in [
        "/api/v1/reenrolment/files/{id}",
        "/api/v1/reenrolment/files/{id}/position",
        "/api/v1/reenrolment/files/{id}/coordonnees",
        "/api/v1/reenrolment/files/{id}/autorisations",
        "/api/v1/reenrolment/files/{id}/cours",
        "/api/v1/reenrolment/files/{id}/estimate",
        "/api/v1/reenrolment/files/{id}/submit",
    ] {
        add(
            template,
            template.replace("{id}", &school.file.to_string()),
            FamilyA,
        );
    }
    add(
        "/api/v1/invoices/{id}",
        format!("/api/v1/invoices/{}", school.invoice),
        FamilyA,
    );
    add(
        "/api/v1/admin/invoices/{id}",
        format!("/api/v1/admin/invoices/{}", school.invoice),
        Site1,
    );
    add(
        "/api/v1/invoices/{id}/pdf",
        format!("/api/v1/invoices/{}/pdf", school.invoice),
        FamilyA,
    );
    add(
        "/api/v1/admin/invoices/{id}/pdf",
        format!("/api/v1/admin/invoices/{}/pdf", school.invoice),
        Site1,
    );
    add(
        "/api/v1/payments/{id}/receipt",
        format!("/api/v1/payments/{}/receipt", school.invoice),
        FamilyA,
    );
    add(
        "/api/v1/admin/payments/{id}/receipt",
        format!("/api/v1/admin/payments/{}/receipt", school.invoice),
        Site1,
    );
    add(
        "/api/v1/admin/invoices/{id}/credit-notes",
        format!("/api/v1/admin/invoices/{}/credit-notes", school.invoice),
        Site1,
    );
    add(
        "/api/v1/admin/rental-items/{id}",
        format!("/api/v1/admin/rental-items/{}", school.invoice),
        Site1,
    );
    for template in [
        "/api/v1/admin/rental-loans/{id}",
        "/api/v1/admin/rental-loans/{id}/return",
    ] {
        add(
            template,
            template.replace("{id}", &school.invoice.to_string()),
            Site1,
        );
    }
    for template in [
        "/api/v1/admin/reenrolment-files/{id}",
        "/api/v1/admin/reenrolment-files/{id}/validate",
        "/api/v1/admin/reenrolment-files/{id}/refuse",
        "/api/v1/admin/reenrolment-files/{id}/return",
    ] {
        add(
            template,
            template.replace("{id}", &school.file.to_string()),
            Site1,
        );
    }
    for template in [
        "/api/v1/admin/campaigns/{id}/dashboard",
        "/api/v1/admin/campaigns/{id}/files",
        "/api/v1/admin/campaigns/{id}/files/validate",
        "/api/v1/admin/campaigns/{id}/export/files.csv",
        "/api/v1/admin/campaigns/{id}/export/unanswered.csv",
        "/api/v1/admin/campaigns/{id}",
        "/api/v1/admin/campaigns/{id}/rules",
        "/api/v1/admin/campaigns/{id}/courses",
        "/api/v1/admin/campaigns/{id}/open",
        "/api/v1/admin/campaigns/{id}/extend",
        "/api/v1/admin/campaigns/{id}/close",
    ] {
        add(
            template,
            template.replace("{id}", &school.campaign.to_string()),
            Site1,
        );
    }
    table
}

/// A well-formed body for the writes that name a record, so that a caller who does not
/// own it meets the ownership check (404/403) rather than a 400 for the body. Every
/// other write gets `{}`, which stops at the body and changes nothing.
fn body_for(template: &str, ids: &DemoIds, school: &SchoolIds) -> Value {
    match template {
        "/api/v1/family/guardians/{id}" | "/api/v1/students/{id}" => {
            json!({"version": 1, "changes": {}})
        }
        "/api/v1/admin/school-years/{id}" => {
            json!({"label": "2040-2041", "starts_on": "2040-09-01", "ends_on": "2041-07-04"})
        }
        "/api/v1/admin/disciplines/{id}" => json!({"name": "Discipline du tableau"}),
        "/api/v1/admin/courses/{id}" => {
            json!({"school_year_id": school.year, "discipline_id": school.discipline, "level": "Niveau", "teacher_name": "Prof", "weekday": 1, "start_time": "10:00", "end_time": "11:00", "version": 0})
        }
        "/api/v1/admin/evaluations/{id}" => {
            json!({"enrolment_id": school.enrolment, "period": "1er trimestre", "comment": "Bien", "version": 0})
        }
        "/api/v1/admin/absences/{id}" => {
            json!({"enrolment_id": school.enrolment, "date": "2026-11-20"})
        }
        "/api/v1/admin/events/{id}" => {
            json!({"name": "Concert du tableau", "kind": "concert", "date": "2027-01-10"})
        }
        "/api/v1/admin/events/{id}/participations" => {
            json!({"student_id": ids.lea, "piece": "Pièce"})
        }
        // Version 0 is never current: the owner's request stops at 409.
        "/api/v1/admin/families/{id}/choices" => {
            json!({"pays_by_direct_debit": false, "resident": false, "pedibus_requested": true, "version": 0})
        }
        // Claire has an account already: the owner's request stops at 409.
        "/api/v1/admin/families/{id}/accounts" => {
            json!({"login": "claire.tableau", "email": "claire@example.fr", "guardian_id": ids.claire})
        }
        "/api/v1/admin/document-types/{id}" => {
            json!({"name": "Type du tableau", "scope": "household", "requirement": "optional", "version": 0})
        }
        "/api/v1/admin/documents/{id}/decision" => {
            json!({"decision": "refuse", "reason": "Illisible.", "version": 0})
        }
        "/api/v1/admin/campaigns/{id}" => {
            let mut body = crate::reenrolment_campaigns::input(school.year, school.year);
            body["version"] = json!(0);
            body
        }
        // An empty text and a course of this year stop the owner at 422.
        "/api/v1/admin/campaigns/{id}/rules" => json!({"text": ""}),
        "/api/v1/admin/campaigns/{id}/courses" => json!({"course_ids": [school.course]}),
        "/api/v1/admin/campaigns/{id}/open" | "/api/v1/admin/campaigns/{id}/close" => {
            json!({"version": 0})
        }
        "/api/v1/admin/campaigns/{id}/extend" => {
            json!({"closes_at": "2100-01-01T00:00:00Z", "version": 0})
        }
        // Version 0 is never current: the owner's decline stops at 409.
        "/api/v1/reenrolment/children/{id}/decline" => json!({"version": 0}),
        // Well-formed, so that another site's staff meet the ownership check (404); the
        // owner stops at 409 (version 0, a draft) and changes nothing.
        "/api/v1/admin/reenrolment-files/{id}/validate" => json!({"version": 0}),
        "/api/v1/admin/reenrolment-files/{id}/refuse"
        | "/api/v1/admin/reenrolment-files/{id}/return" => {
            json!({"version": 0, "message": "Message du tableau"})
        }
        "/api/v1/reenrolment/files/{id}/position" => json!({"step": "coordonnees"}),
        // Well-formed, so that other callers meet the ownership check; for the owner,
        // more than the invoice's total: 422, nothing written.
        "/api/v1/admin/invoices/{id}/credit-notes" => {
            json!({"label": "Contrôle", "lines": [{"label": "Contrôle", "amount_cents": 9_999_999}]})
        }
        // Well-formed with a stale version: other sites' staff meet the ownership check
        // (404), the owner stops at 409 and changes nothing.
        "/api/v1/admin/rental-items/{id}" => json!({
            "category": "instrument", "tariff_code": "violon", "label": "Violon 1/2",
            "inventory_number": "AUTH-1", "condition": "bon", "version": 0}),
        "/api/v1/admin/rental-loans/{id}" => json!({"ends_on": "2027-06-30", "version": 0}),
        "/api/v1/admin/rental-loans/{id}/return" => {
            json!({"returned_on": "2026-10-01", "condition": "bon", "version": 0})
        }
        "/api/v1/reenrolment/files/{id}/coordonnees" => json!({"version": 0}),
        "/api/v1/reenrolment/files/{id}/autorisations" => {
            json!({"version": 0, "autorisations": {}})
        }
        "/api/v1/reenrolment/files/{id}/cours" => json!({"version": 0, "cours": {}}),
        "/api/v1/reenrolment/files/{id}/submit" => {
            json!({"version": 0, "accepted_rules_version": 0})
        }
        "/api/v1/admin/campaigns/{id}/files/validate" => {
            json!({"files": [{"id": school.file, "version": 0}]})
        }
        _ => json!({}),
    }
}

/// Ids of site 1's school data around course X.
struct SchoolIds {
    year: i64,
    discipline: i64,
    course: i64,
    enrolment: i64,
    evaluation: i64,
    absence: i64,
    event: i64,
    participation: i64,
    /// A document type of site 1 (the insurance).
    document_type: i64,
    /// Family A's uploaded insurance certificate.
    document: i64,
    /// Site 1's re-enrolment campaign, open now (families see it).
    campaign: i64,
    /// Family A's re-enrolment file of Léa in that campaign (a draft).
    file: i64,
    /// An invoice of family A and a payment of it, with the same id (written straight
    /// into the database: issuing one takes a validated file, which the draft above must
    /// not become); also the id of a rental item of site 1 and of its loan to Léa.
    invoice: i64,
}

/// One operation of the document: method, path template, admitted roles (`None` when
/// public, empty when any account), whether it reads a JSON body.
struct Operation {
    method: Method,
    template: String,
    admits: Option<Vec<String>>,
    has_body: bool,
}

fn operations(document: &Value) -> Vec<Operation> {
    let mut found = Vec::new();
    for (template, item) in document["paths"].as_object().expect("paths") {
        for (name, method) in [
            ("get", Method::GET),
            ("post", Method::POST),
            ("put", Method::PUT),
            ("patch", Method::PATCH),
            ("delete", Method::DELETE),
        ] {
            let Some(operation) = item.get(name) else {
                continue;
            };
            let admits = operation["security"].as_array().map(|requirements| {
                requirements
                    .iter()
                    .filter_map(|requirement| requirement["bearer"].as_array())
                    .flatten()
                    .filter_map(|role| role.as_str().map(str::to_owned))
                    .collect()
            });
            found.push(Operation {
                method,
                template: template.clone(),
                admits,
                has_body: operation.get("requestBody").is_some(),
            });
        }
    }
    found
}

/// The expected answer class of one cell.
fn expected(operation: &Operation, owner: Owner, caller: &str) -> &'static str {
    let Some(admits) = &operation.admits else {
        // Public: only the anonymous column is asked (a logged-in caller would log
        // itself out on /auth/logout).
        return if caller == "anonymous" { "open" } else { "-" };
    };
    if caller == "anonymous" {
        return "401";
    }
    let role = match caller {
        "family_a" | "family_b" => "family",
        "teacher_x" | "teacher_other" => "teacher",
        _ => "staff",
    };
    if !admits.is_empty() && !admits.iter().any(|admitted| admitted == role) {
        return "403";
    }
    match (owner, caller) {
        (Owner::FamilyA | Owner::Site1 | Owner::CourseX, "staff_2") => "404",
        (Owner::FamilyA, "family_b") => "404",
        (Owner::FamilyA | Owner::Site1, "teacher_x" | "teacher_other") => "404",
        (Owner::CourseX, "teacher_other") => "403",
        (Owner::AccountOfFamilyA, caller) if caller != "family_a" => "404",
        _ => "pass",
    }
}

fn render_table(rows: &[(String, Vec<&'static str>)]) -> String {
    let mut text = String::from(
        "# Generated by tests/api/authorization.rs from the OpenAPI document; regenerate with\n\
         # UPDATE_SNAPSHOTS=1 and review. pass = through the gate (not 401/403/404/5xx),\n\
         # open = public, - = not asked.\n",
    );
    let _ = writeln!(text, "{:<52} {}", "operation", CALLERS.join(" "));
    for (operation, cells) in rows {
        let cells: Vec<String> = cells
            .iter()
            .zip(CALLERS)
            .map(|(cell, caller)| format!("{cell:<width$}", width = caller.len()))
            .collect();
        let _ = writeln!(text, "{operation:<52} {}", cells.join(" ").trim_end());
    }
    text
}

fn table_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("api/authorization.table")
}

async fn school_ids(app: &TestApp, staff: &str, teacher: &str) -> SchoolIds {
    let courses: Vec<Course> = app.get_ok("/api/v1/admin/courses", teacher).await;
    let course = courses.first().expect("the demo teacher teaches a course");
    let class: Vec<ClassMember> = app
        .get_ok(&format!("/api/v1/admin/courses/{}/class", course.id), staff)
        .await;
    let member = class
        .iter()
        .find(|member| !member.evaluations.is_empty())
        .expect("someone in course X has an evaluation");
    let absence = class
        .iter()
        .flat_map(|member| member.absences.iter())
        .next()
        .map(|absence| absence.id);
    let absence = match absence {
        Some(id) => id,
        None => {
            app.create_ok(
                "/api/v1/admin/absences",
                staff,
                &json!({"enrolment_id": member.enrolment_id, "date": "2026-11-20"}),
            )
            .await
        }
    };
    let years: Vec<SchoolYear> = app.get_ok("/api/v1/admin/school-years", staff).await;
    let events: Vec<Event> = app.get_ok("/api/v1/admin/events", staff).await;
    let event = events.first().expect("a demo event").id;
    let participants: Vec<Participant> = app
        .get_ok(
            &format!("/api/v1/admin/events/{event}/participations"),
            staff,
        )
        .await;
    let martin = app.martin_token().await;
    let pieces = crate::document_helpers::pieces(app, &martin).await;
    let document_type = pieces.household[0].document_type_id;
    let file: tutti_shared::DocumentFile = expect_json(
        crate::document_helpers::upload(
            app,
            &martin,
            document_type,
            None,
            "assurance.pdf",
            &crate::document_helpers::minimal_pdf(),
        )
        .await,
        StatusCode::CREATED,
        "family A's document",
    )
    .await;
    // After `years` is read, so that the school year of the table stays the demo's.
    let (current, next) = crate::reenrolment_campaigns::years(app, staff).await;
    let campaign = crate::reenrolment_campaigns::create(
        app,
        staff,
        &crate::reenrolment_campaigns::input(current, next),
    )
    .await;
    crate::reenrolment_campaigns::open(app, staff, &campaign).await;
    let reenrolment: tutti_shared::ReenrolmentFile = expect_json(
        app.post_as(
            &format!("/api/v1/reenrolment/children/{}/start", ids_lea(app).await),
            &martin,
            &json!({}),
        )
        .await,
        StatusCode::CREATED,
        "family A's re-enrolment file",
    )
    .await;
    let invoice = 900_001;
    let household = app.demo_ids().await.martin_family;
    app.sql(&format!(
        "INSERT INTO invoices (id, site_id, household_id, number, kind, label, issued_on, \
         total_cents, created_at) SELECT {invoice}, site_id, id, '2026-900001', 'cotisation', \
         'Cotisation', '2026-11-30', 10000, '2026-11-30 10:00:00' FROM families WHERE id = {household}"
    ));
    app.sql(&format!(
        "INSERT INTO invoice_lines (invoice_id, position, label, amount_cents) \
         VALUES ({invoice}, 0, 'Cotisation', 10000)"
    ));
    app.sql(&format!(
        "INSERT INTO invoice_balances (invoice_id, due_cents) VALUES ({invoice}, 9000)"
    ));
    app.sql(&format!(
        "INSERT INTO payments (id, site_id, household_id, paid_on, amount_cents, method, \
         reference, created_at) SELECT {invoice}, site_id, id, '2026-11-30', 1000, 'cheque', '', \
         '2026-11-30 10:00:00' FROM families WHERE id = {household}"
    ));
    app.sql(&format!(
        "INSERT INTO payment_allocations (payment_id, invoice_id, amount_cents) \
         VALUES ({invoice}, {invoice}, 1000)"
    ));
    app.sql(&format!(
        "INSERT INTO rental_items (id, site_id, category, tariff_code, label, inventory_number, \
         condition, created_at, updated_at) SELECT {invoice}, site_id, 'instrument', 'violon', \
         'Violon 1/2', 'AUTH-1', 'bon', '2026-11-30 10:00:00', '2026-11-30 10:00:00' \
         FROM families WHERE id = {household}"
    ));
    app.sql(&format!(
        "INSERT INTO rental_loans (id, site_id, item_id, household_id, student_id, starts_on, \
         ends_on, created_at) SELECT {invoice}, site_id, {invoice}, family_id, id, '2026-09-01', \
         '2027-06-30', '2026-11-30 10:00:00' FROM students WHERE id = {lea}",
        lea = app.demo_ids().await.lea
    ));
    SchoolIds {
        invoice,
        campaign: campaign.id,
        file: reenrolment.id,
        document_type,
        document: file.id,
        year: years.first().expect("a school year").id,
        discipline: course.discipline_id,
        course: course.id,
        enrolment: member.enrolment_id,
        evaluation: member.evaluations[0].id,
        absence,
        event,
        participation: participants.first().expect("a participant").id,
    }
}

/// Léa's id (family A's first child).
async fn ids_lea(app: &TestApp) -> i64 {
    app.demo_ids().await.lea
}

/// A second teacher on site 1, with no course.
async fn other_teacher(app: &TestApp) -> String {
    let (login, email, password) = (
        "prof.autre",
        "autre.prof@ville-exemple.fr",
        "Piano-Orange-Soir-2026",
    );
    let config = app.config();
    tokio::task::spawn_blocking(move || {
        tutti_api::tasks::create_staff(&config, "conservatoire", login, email)
    })
    .await
    .expect("the CLI task panicked")
    .expect("creating a second account");
    assert_eq!(
        app.sql(&format!(
            "UPDATE accounts SET role = 'teacher' WHERE login = '{login}'"
        )),
        1
    );
    app.set_password_by_link("conservatoire", login, email, password)
        .await;
    app.token_of(login, password).await
}

both! {
    async fn every_operation_answers_every_kind_of_caller_as_its_declaration_says(app) {
        let document: Value = expect_json(
            app.bare_client().get(app.url("/api/openapi.json")).send().await.expect("GET /api/openapi.json"),
            StatusCode::OK,
            "the OpenAPI document",
        )
        .await;
        let staff = app.staff_token().await;
        let teacher = app.teacher_token().await;
        let ids = app.demo_ids().await;
        let school = school_ids(&app, &staff, &teacher).await;
        // A second session of family A's account, which only that account may end.
        let spare = app.login_family(&app.new_client()).await;
        let spare_session = tutti_tests::claims_of(&spare.access_token)["sid"].as_i64().expect("sid");
        let fixtures = fixtures(&ids, &school, spare_session);

        let mut operations = operations(&document);
        // Deletions last, so that every other cell still finds its records.
        operations.sort_by_key(|operation| (operation.method == Method::DELETE, operation.template.clone(), operation.method.to_string()));
        let missing: Vec<&str> = operations
            .iter()
            .filter(|operation| !fixtures.contains_key(operation.template.as_str()))
            .map(|operation| operation.template.as_str())
            .collect();
        assert!(missing.is_empty(), "operations without a fixture in tests/api/authorization.rs: {missing:?}");

        let rows: Vec<(String, Vec<&'static str>)> = operations
            .iter()
            .map(|operation| {
                let owner = fixtures[operation.template.as_str()].1;
                let cells = CALLERS.iter().map(|caller| expected(operation, owner, caller)).collect();
                (format!("{} {}", operation.method, operation.template), cells)
            })
            .collect();
        let table = render_table(&rows);
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(table_path(), &table).expect("writing the table");
        }
        let committed = std::fs::read_to_string(table_path()).unwrap_or_default();
        assert!(
            committed == table,
            "tests/api/authorization.table differs from the table the OpenAPI document gives: \
             rerun with UPDATE_SNAPSHOTS=1 and review the diff.\n{table}"
        );

        let tokens: BTreeMap<&str, Option<String>> = BTreeMap::from([
            ("anonymous", None),
            ("family_a", Some(app.martin_token().await)),
            ("family_b", Some(app.durand_token().await)),
            ("teacher_x", Some(teacher.clone())),
            ("teacher_other", Some(other_teacher(&app).await)),
            ("staff_1", Some(staff.clone())),
            ("staff_2", Some(app.second_site_staff("annexe").await)),
        ]);
        let mut failures = Vec::new();
        for (operation, (label, cells)) in operations.iter().zip(&rows) {
            let path = &fixtures[operation.template.as_str()].0;
            let body = operation.has_body.then(|| body_for(&operation.template, &ids, &school));
            // The owner's cells go last: the others must not see a record the owner's
            // request could have changed.
            let mut order: Vec<usize> = (0..CALLERS.len()).collect();
            order.sort_by_key(|&index| cells[index] == "pass");
            for index in order {
                let want = cells[index];
                if want == "-" {
                    continue;
                }
                let token = tokens[CALLERS[index]].as_deref();
                let status = app.send(operation.method.clone(), path, token, body.as_ref()).await.status();
                let ok = match want {
                    "pass" => !matches!(status.as_u16(), 401 | 403 | 404) && !status.is_server_error(),
                    "open" => !matches!(status.as_u16(), 403 | 404) && !status.is_server_error(),
                    code => status.as_str() == code,
                };
                if !ok {
                    failures.push(format!("{label} as {}: expected {want}, got {status}", CALLERS[index]));
                }
            }
        }
        assert!(failures.is_empty(), "{} cells differ:\n{}", failures.len(), failures.join("\n"));
    }
}
