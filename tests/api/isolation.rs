//! Who may see what: a family sees only its own household, roles keep to their side,
//! a site's staff see nothing of another site, and a family cannot set what only the
//! school may set.

use reqwest::Method;
use serde_json::{Value, json};
use tutti_shared::{
    ApiErrorBody, ChangeRequest, ErrorCode, Event, FamilyListItem, Page, StudentListItem,
};
use tutti_tests::{StatusCode, TestApp, both, expect_error};

use crate::household_helpers::{DemoIds, HouseholdApi as _, valid_guardian};

/// Every family endpoint, with the ids of one household: (method, path, body).
fn family_endpoints(guardian: i64, student: i64) -> Vec<(Method, String, Option<Value>)> {
    let patch = Some(json!({"version": 1, "changes": {"profession": "Espion"}}));
    vec![
        (Method::GET, "/api/v1/family".to_owned(), None),
        (
            Method::PATCH,
            format!("/api/v1/family/guardians/{guardian}"),
            patch.clone(),
        ),
        (Method::GET, "/api/v1/students".to_owned(), None),
        (Method::GET, format!("/api/v1/students/{student}"), None),
        (
            Method::PATCH,
            format!("/api/v1/students/{student}"),
            Some(json!({"version": 1, "changes": {"school_level": "Espion"}})),
        ),
        (
            Method::GET,
            format!("/api/v1/students/{student}/courses"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/students/{student}/history"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/students/{student}/repertoire"),
            None,
        ),
    ]
}

/// Every staff and school endpoint, with valid bodies and ids of the demo site.
fn admin_endpoints(ids: &DemoIds) -> Vec<(Method, String, Option<Value>)> {
    let course = json!({"school_year_id": 1, "discipline_id": 1, "level": "Niveau", "teacher_name": "Prof", "weekday": 1, "start_time": "10:00", "end_time": "11:00", "version": 1});
    let evaluation =
        json!({"enrolment_id": 1, "period": "1er trimestre", "comment": "Bien", "version": 1});
    let absence = json!({"enrolment_id": 1, "date": "2026-11-20"});
    let event = json!({"name": "Concert", "kind": "concert", "date": "2027-01-10"});
    let year = json!({"label": "2040-2041", "starts_on": "2040-09-01", "ends_on": "2041-07-04"});
    vec![
        (Method::GET, "/api/v1/admin/families".to_owned(), None),
        (
            Method::POST,
            "/api/v1/admin/families".to_owned(),
            Some(json!({"login": "famille.x", "guardian": valid_guardian("X", "x@example.fr")})),
        ),
        (
            Method::GET,
            format!("/api/v1/admin/families/{}", ids.martin_family),
            None,
        ),
        (
            Method::PUT,
            format!("/api/v1/admin/families/{}/choices", ids.martin_family),
            Some(
                json!({"pays_by_direct_debit": false, "resident": false, "pedibus_requested": true, "version": 1}),
            ),
        ),
        (Method::GET, "/api/v1/admin/students".to_owned(), None),
        (
            Method::GET,
            format!("/api/v1/admin/students/{}", ids.lea),
            None,
        ),
        (
            Method::GET,
            "/api/v1/admin/change-requests".to_owned(),
            None,
        ),
        (
            Method::POST,
            "/api/v1/admin/change-requests/decisions".to_owned(),
            Some(json!({"ids": [1], "decision": "approve"})),
        ),
        (Method::GET, "/api/v1/admin/school-years".to_owned(), None),
        (
            Method::POST,
            "/api/v1/admin/school-years".to_owned(),
            Some(year.clone()),
        ),
        (
            Method::PUT,
            "/api/v1/admin/school-years/1".to_owned(),
            Some(year),
        ),
        (Method::GET, "/api/v1/admin/disciplines".to_owned(), None),
        (
            Method::POST,
            "/api/v1/admin/disciplines".to_owned(),
            Some(json!({"name": "Guitare"})),
        ),
        (
            Method::PUT,
            "/api/v1/admin/disciplines/1".to_owned(),
            Some(json!({"name": "Guitare"})),
        ),
        (Method::GET, "/api/v1/admin/courses".to_owned(), None),
        (
            Method::POST,
            "/api/v1/admin/courses".to_owned(),
            Some(course.clone()),
        ),
        (
            Method::PUT,
            "/api/v1/admin/courses/1".to_owned(),
            Some(course),
        ),
        (
            Method::GET,
            "/api/v1/admin/courses/1/enrolments".to_owned(),
            None,
        ),
        (
            Method::POST,
            "/api/v1/admin/enrolments".to_owned(),
            Some(json!({"student_id": ids.chloe, "course_id": 1})),
        ),
        (
            Method::DELETE,
            "/api/v1/admin/enrolments/1".to_owned(),
            None,
        ),
        (
            Method::POST,
            "/api/v1/admin/evaluations".to_owned(),
            Some(evaluation.clone()),
        ),
        (
            Method::PUT,
            "/api/v1/admin/evaluations/1".to_owned(),
            Some(evaluation),
        ),
        (
            Method::POST,
            "/api/v1/admin/absences".to_owned(),
            Some(absence.clone()),
        ),
        (
            Method::PUT,
            "/api/v1/admin/absences/1".to_owned(),
            Some(absence),
        ),
        (Method::GET, "/api/v1/admin/events".to_owned(), None),
        (
            Method::POST,
            "/api/v1/admin/events".to_owned(),
            Some(event.clone()),
        ),
        (
            Method::PUT,
            "/api/v1/admin/events/1".to_owned(),
            Some(event),
        ),
        (
            Method::POST,
            "/api/v1/admin/events/1/participations".to_owned(),
            Some(json!({"student_id": ids.chloe})),
        ),
        (
            Method::DELETE,
            "/api/v1/admin/participations/1".to_owned(),
            None,
        ),
    ]
}

/// Sends every request with `token` (or none) and insists on `status` and `code`.
async fn expect_everywhere(
    app: &TestApp,
    endpoints: &[(Method, String, Option<Value>)],
    token: Option<&str>,
    status: StatusCode,
    code: ErrorCode,
    who: &str,
) {
    for (method, path, body) in endpoints {
        let response = app.send(method.clone(), path, token, body.as_ref()).await;
        let error = expect_error(response, status, &format!("{method} {path} {who}")).await;
        assert_eq!(error.code, code, "{method} {path} {who}");
    }
}

/// Everything a household's owner can read of it, to compare before and after.
async fn snapshot(app: &TestApp, token: &str) -> Value {
    let family = app.family(token).await;
    let mut children = Vec::new();
    for child in app.students(token).await {
        children.push(json!({
            "identity": app.student(token, child.id).await,
            "courses": app.student_courses(token, child.id).await,
            "history": app.student_history(token, child.id).await,
            "repertoire": app.student_repertoire(token, child.id).await,
        }));
    }
    json!({"family": family, "children": children})
}

both! {
    async fn a_family_gets_404_on_every_endpoint_with_another_households_ids(app) {
        let ids = app.demo_ids().await;
        let martin = app.martin_token().await;
        let durand = app.durand_token().await;
        let durand_before = snapshot(&app, &durand).await;
        let martin_before = snapshot(&app, &martin).await;
        let sophie_version = app.family(&durand).await.guardians[0].version;
        let nathan_version = app.student(&durand, ids.nathan).await.version;

        let attempts: Vec<(Method, String, Option<Value>)> = vec![
            (Method::GET, format!("/api/v1/family/guardians/{}", ids.sophie), None),
            (Method::PATCH, format!("/api/v1/family/guardians/{}", ids.sophie), Some(json!({"version": sophie_version, "changes": {"profession": "Espionne"}}))),
            (Method::GET, format!("/api/v1/students/{}", ids.nathan), None),
            (Method::PATCH, format!("/api/v1/students/{}", ids.nathan), Some(json!({"version": nathan_version, "changes": {"school_level": "Espion"}}))),
            (Method::GET, format!("/api/v1/students/{}/courses", ids.nathan), None),
            (Method::GET, format!("/api/v1/students/{}/history", ids.nathan), None),
            (Method::GET, format!("/api/v1/students/{}/repertoire", ids.nathan), None),
        ];
        for (method, path, body) in &attempts {
            let response = app.send(method.clone(), path, Some(&martin), body.as_ref()).await;
            let error: ApiErrorBody = expect_error(response, StatusCode::NOT_FOUND, &format!("Martin: {method} {path}")).await;
            assert_eq!(error.code, ErrorCode::NotFound, "{method} {path}");
            // The answer must not tell another household's record from a missing one.
            let missing_path = path.replace(&ids.sophie.to_string(), "99999999").replace(&ids.nathan.to_string(), "99999999");
            let missing = app.send(method.clone(), &missing_path, Some(&martin), body.as_ref()).await;
            let missing: ApiErrorBody = expect_error(missing, StatusCode::NOT_FOUND, &format!("Martin: {method} {missing_path}")).await;
            assert_eq!(error, missing, "{method} {path} answers like a missing record");
        }
        for (method, path, body) in [
            (Method::PATCH, format!("/api/v1/family/guardians/{}", ids.claire), json!({"version": 1, "changes": {"profession": "Espionne"}})),
            (Method::PATCH, format!("/api/v1/family/guardians/{}", ids.julien), json!({"version": 1, "changes": {"profession": "Espion"}})),
        ] {
            let response = app.send(method.clone(), &path, Some(&durand), Some(&body)).await;
            expect_error(response, StatusCode::NOT_FOUND, &format!("Durand: {method} {path}")).await;
        }
        for child in [ids.lea, ids.hugo, ids.chloe] {
            for (method, path, body) in family_endpoints(ids.claire, child).into_iter().skip(3) {
                let response = app.send(method.clone(), &path, Some(&durand), body.as_ref()).await;
                expect_error(response, StatusCode::NOT_FOUND, &format!("Durand: {method} {path}")).await;
            }
        }

        assert_eq!(app.family(&martin).await.id, ids.martin_family, "GET /family is always one's own");
        assert_eq!(snapshot(&app, &durand).await, durand_before, "Famille Durand is untouched");
        assert_eq!(snapshot(&app, &martin).await, martin_before, "Famille Martin is untouched");
        assert_eq!(app.change_request_rows(), 0, "no change request was stored");
        assert!(app.outbox().is_empty(), "no acknowledgment was sent: {:#?}", app.outbox());
    }
}

both! {
    async fn staff_and_teacher_tokens_are_refused_on_every_family_endpoint(app) {
        let ids = app.demo_ids().await;
        let endpoints = family_endpoints(ids.claire, ids.lea);
        let martin = app.martin_token().await;
        let before = snapshot(&app, &martin).await;
        expect_everywhere(&app, &endpoints, Some(&app.staff_token().await), StatusCode::FORBIDDEN, ErrorCode::Forbidden, "as staff").await;
        expect_everywhere(&app, &endpoints, Some(&app.teacher_token().await), StatusCode::FORBIDDEN, ErrorCode::Forbidden, "as the teacher").await;
        assert_eq!(snapshot(&app, &martin).await, before);
        assert_eq!(app.change_request_rows(), 0);
    }
}

both! {
    async fn a_family_token_is_refused_on_every_admin_endpoint(app) {
        let ids = app.demo_ids().await;
        let martin = app.martin_token().await;
        let before = snapshot(&app, &martin).await;
        let staff = app.staff_token().await;
        let years = app.school_years(&staff).await.len();
        let disciplines: Vec<Value> = app.get_ok("/api/v1/admin/disciplines", &staff).await;
        let events: Vec<Event> = app.get_ok("/api/v1/admin/events", &staff).await;
        let courses = app.courses(&staff, "").await.len();
        let households: Page<FamilyListItem> = app.get_ok("/api/v1/admin/families", &staff).await;

        expect_everywhere(&app, &admin_endpoints(&ids), Some(&martin), StatusCode::FORBIDDEN, ErrorCode::Forbidden, "as a family").await;
        expect_everywhere(&app, &admin_endpoints(&ids), Some(&app.durand_token().await), StatusCode::FORBIDDEN, ErrorCode::Forbidden, "as Durand").await;

        assert_eq!(snapshot(&app, &martin).await, before);
        assert_eq!(app.school_years(&staff).await.len(), years);
        assert_eq!(app.get_ok::<Vec<Value>>("/api/v1/admin/disciplines", &staff).await.len(), disciplines.len());
        assert_eq!(app.get_ok::<Vec<Event>>("/api/v1/admin/events", &staff).await, events);
        assert_eq!(app.courses(&staff, "").await.len(), courses);
        let families: Page<FamilyListItem> = app.get_ok("/api/v1/admin/families", &staff).await;
        assert_eq!(families.total, households.total);
        assert!(!app.audit_lines().iter().any(|line| line.starts_with("staff_read")), "{:#?}", app.audit_lines());
    }
}

both! {
    async fn every_household_and_school_endpoint_wants_a_valid_token(app) {
        let ids = app.demo_ids().await;
        let mut endpoints = family_endpoints(ids.claire, ids.lea);
        endpoints.extend(admin_endpoints(&ids));
        expect_everywhere(&app, &endpoints, None, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, "without a token").await;
        expect_everywhere(&app, &endpoints, Some("pas-un-jeton"), StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, "with a garbage token").await;

        // A token that was valid stops working once its session ends.
        let client = app.new_client();
        let session = app.login_family(&client).await;
        assert_eq!(app.logout(&client, &session.access_token).await.status(), StatusCode::NO_CONTENT);
        expect_everywhere(&app, &endpoints[..3], Some(&session.access_token), StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, "after logout").await;
        assert_eq!(app.change_request_rows(), 0);
    }
}

both! {
    async fn staff_of_another_site_see_and_decide_nothing_of_the_first_site(app) {
        let ids = app.demo_ids().await;
        let martin = app.martin_token().await;
        let claire = app.family(&martin).await.guardians[0].clone();
        let asked = app.update_guardian(&martin, ids.claire, &json!({"version": claire.version, "changes": {"profession": "Directrice"}})).await;
        assert_eq!(asked.status(), StatusCode::OK);
        let staff = app.staff_token().await;
        let request = app.change_requests(&staff, "").await.items[0].clone();
        let events: Vec<Event> = app.get_ok("/api/v1/admin/events", &staff).await;
        let piano = app.courses(&staff, "").await.into_iter().find(|course| course.discipline == "Piano").expect("a piano course");
        let lea_courses = app.student_courses(&martin, ids.lea).await;
        let lea_enrolment = &lea_courses[0];
        let evaluation = &lea_enrolment.evaluations[0];
        let lea_repertoire = app.student_repertoire(&martin, ids.lea).await;
        let years = app.school_years(&staff).await;
        let discipline = piano.discipline_id;
        let before = snapshot(&app, &martin).await;

        let annexe = app.second_site_staff("annexe").await;
        let families: Page<FamilyListItem> = app.get_ok("/api/v1/admin/families", &annexe).await;
        assert_eq!((families.total, families.items.len()), (0, 0), "{families:?}");
        let students: Page<StudentListItem> = app.get_ok("/api/v1/admin/students?q=Martin", &annexe).await;
        assert_eq!((students.total, students.items.len()), (0, 0));
        for query in ["".to_owned(), "?status=all".to_owned(), format!("?status=all&family_id={}", ids.martin_family), format!("?status=all&student_id={}", ids.lea)] {
            let queue: Page<ChangeRequest> = app.change_requests(&annexe, &query).await;
            assert_eq!((queue.total, queue.items.len()), (0, 0), "{query}: {queue:?}");
        }
        assert!(app.courses(&annexe, "").await.is_empty());
        assert!(app.school_years(&annexe).await.is_empty());
        assert!(app.get_ok::<Vec<Value>>("/api/v1/admin/disciplines", &annexe).await.is_empty());
        assert!(app.get_ok::<Vec<Value>>("/api/v1/admin/events", &annexe).await.is_empty());

        let reads = app.audit_lines().iter().filter(|line| line.starts_with("staff_read")).count();
        let course_edit = json!({"school_year_id": piano.school_year_id, "discipline_id": discipline, "level": "Piratage", "teacher_name": "X", "weekday": 1, "start_time": "10:00", "end_time": "11:00", "version": piano.version});
        let not_found: Vec<(Method, String, Option<Value>)> = vec![
            (Method::GET, format!("/api/v1/admin/families/{}", ids.martin_family), None),
            (Method::PUT, format!("/api/v1/admin/families/{}/choices", ids.martin_family), Some(json!({"pays_by_direct_debit": false, "resident": false, "pedibus_requested": true, "version": 2}))),
            (Method::GET, format!("/api/v1/admin/students/{}", ids.lea), None),
            (Method::GET, format!("/api/v1/admin/courses/{}/enrolments", piano.id), None),
            (Method::PUT, format!("/api/v1/admin/courses/{}", piano.id), Some(course_edit)),
            (Method::POST, "/api/v1/admin/evaluations".to_owned(), Some(json!({"enrolment_id": lea_enrolment.enrolment_id, "period": "x", "comment": "x"}))),
            (Method::PUT, format!("/api/v1/admin/evaluations/{}", evaluation.id), Some(json!({"enrolment_id": lea_enrolment.enrolment_id, "period": "x", "comment": "x", "version": evaluation.version}))),
            (Method::POST, "/api/v1/admin/absences".to_owned(), Some(json!({"enrolment_id": lea_enrolment.enrolment_id, "date": "2026-11-20"}))),
            (Method::DELETE, format!("/api/v1/admin/enrolments/{}", lea_enrolment.enrolment_id), None),
            (Method::PUT, format!("/api/v1/admin/events/{}", events[0].id), Some(json!({"name": "Piraté", "kind": "concert", "date": "2027-01-01"}))),
            (Method::POST, format!("/api/v1/admin/events/{}/participations", events[0].id), Some(json!({"student_id": ids.lea}))),
            (Method::DELETE, format!("/api/v1/admin/participations/{}", lea_repertoire[0].participation_id), None),
            (Method::PUT, format!("/api/v1/admin/school-years/{}", years[0].id), Some(json!({"label": "Piratée", "starts_on": "2040-09-01", "ends_on": "2041-07-04"}))),
            (Method::PUT, format!("/api/v1/admin/disciplines/{discipline}"), Some(json!({"name": "Piraté"}))),
        ];
        expect_everywhere(&app, &not_found, Some(&annexe), StatusCode::NOT_FOUND, ErrorCode::NotFound, "as the annexe's staff").await;
        let enrol = app.post_as("/api/v1/admin/enrolments", &annexe, &json!({"student_id": ids.lea, "course_id": piano.id})).await;
        let error = expect_error(enrol, StatusCode::UNPROCESSABLE_ENTITY, "enrolling a conservatoire student").await;
        assert!(error.fields.contains_key("student_id") && error.fields.contains_key("course_id"), "{error:?}");

        for decision in ["approve", "reject"] {
            let status = app.decide(&annexe, &[request.id], decision).await.status();
            assert!(status == StatusCode::CONFLICT || status == StatusCode::NOT_FOUND, "{decision} by another site: {status}");
        }

        assert_eq!(snapshot(&app, &martin).await, before, "nothing of the first site changed");
        assert_eq!(app.change_requests(&staff, "").await.items, [request], "still pending, undecided");
        assert_eq!(app.audit_lines().iter().filter(|line| line.starts_with("staff_read")).count(), reads, "no read happened");
        assert!(!app.audit_lines().iter().any(|line| line.starts_with("change_")), "no decision was recorded");
        assert_eq!(app.get_ok::<Vec<Event>>("/api/v1/admin/events", &staff).await, events);
        assert_eq!(app.school_years(&staff).await, years);
        assert_eq!(app.courses(&staff, "").await.into_iter().find(|course| course.id == piano.id), Some(piano));
    }
}

both! {
    async fn fields_a_family_must_not_set_are_refused_and_change_nothing(app) {
        let ids = app.demo_ids().await;
        let martin = app.martin_token().await;
        let before = snapshot(&app, &martin).await;
        let claire = app.family(&martin).await.guardians[0].clone();
        let lea = app.student(&martin, ids.lea).await;
        let durand_family = ids.durand_family;

        let guardian_bodies = [
            json!({"version": claire.version, "changes": {"family_id": durand_family}}),
            json!({"version": claire.version, "changes": {"version": 99}}),
            json!({"version": claire.version, "changes": {"status": "approved"}}),
            json!({"version": claire.version, "changes": {"id": ids.sophie}}),
            json!({"version": claire.version, "changes": {"site_id": 2}}),
            json!({"version": claire.version, "changes": {"position": 2}}),
            json!({"version": claire.version, "changes": {"profession": "Directrice", "pending": {}}}),
            json!({"version": claire.version, "changes": {"profession": "Directrice"}, "status": "approved"}),
            json!({"version": claire.version, "changes": {"profession": "Directrice"}, "family_id": durand_family}),
            json!({"version": claire.version, "changes": {"profession": "Directrice"}, "id": ids.sophie}),
            json!({"version": claire.version, "fields": {"profession": "Directrice"}}),
        ];
        for body in &guardian_bodies {
            let response = app.update_guardian(&martin, claire.id, body).await;
            assert_eq!(expect_error(response, StatusCode::BAD_REQUEST, &format!("{body}")).await.code, ErrorCode::BadRequest, "{body}");
        }
        let student_bodies = [
            json!({"version": lea.version, "changes": {"family_id": durand_family}}),
            json!({"version": lea.version, "changes": {"version": 99}}),
            json!({"version": lea.version, "changes": {"status": "approved"}}),
            json!({"version": lea.version, "changes": {"site_id": 2}}),
            json!({"version": lea.version, "changes": {"school_level": "Terminale"}, "family_id": durand_family}),
        ];
        for body in &student_bodies {
            let response = app.update_student(&martin, ids.lea, body).await;
            assert_eq!(expect_error(response, StatusCode::BAD_REQUEST, &format!("{body}")).await.code, ErrorCode::BadRequest, "{body}");
        }

        assert_eq!(snapshot(&app, &martin).await, before, "nothing changed");
        assert_eq!(app.change_request_rows(), 0, "no change request was stored");
        assert!(app.outbox().is_empty(), "no acknowledgment was sent");
        let durand = app.durand_token().await;
        assert_eq!(app.students(&durand).await.len(), 1, "no child moved to another household");
    }
}

/// Whether `method path` is an operation of the OpenAPI document (ids stand for `{id}`).
fn documented(document: &Value, method: &Method, path: &str) -> bool {
    let Some(paths) = document["paths"].as_object() else {
        return false;
    };
    paths.iter().any(|(template, item)| {
        let segments: Vec<&str> = template.split('/').collect();
        let actual: Vec<&str> = path.split('?').next().unwrap_or(path).split('/').collect();
        segments.len() == actual.len()
            && segments.iter().zip(&actual).all(|(expected, got)| {
                expected == got
                    || (expected.starts_with('{')
                        && got.chars().all(|character| character.is_ascii_digit()))
            })
            && item.get(method.as_str().to_lowercase()).is_some()
    })
}

both! {
    async fn the_sweeps_above_only_call_operations_that_exist(app) {
        // A sweep entry for a route that does not exist answers 404 or 401 whatever the
        // rules are, so it could never fail: every entry must be a documented operation.
        let document: Value = tutti_tests::expect_json(
            app.bare_client().get(app.url("/api/openapi.json")).send().await.expect("GET /api/openapi.json"),
            StatusCode::OK,
            "the OpenAPI document",
        )
        .await;
        let ids = app.demo_ids().await;
        let mut entries = family_endpoints(ids.claire, ids.lea);
        entries.extend(admin_endpoints(&ids));
        let phantoms: Vec<String> = entries
            .iter()
            .filter(|(method, path, _)| !documented(&document, method, path))
            .map(|(method, path, _)| format!("{method} {path}"))
            .collect();
        assert!(phantoms.is_empty(), "sweep entries that are not operations: {phantoms:?}");
    }
}
