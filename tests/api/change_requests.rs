//! The staff's side of family edits: the queue of change requests, decisions (all or
//! nothing), the audit trail of decisions and reads, and households created by staff.

use serde_json::json;
use tutti_shared::{
    ChangeRequest, ChangeStatus, DecisionOutcome, ErrorCode, FamilyDetail, GuardianView, Page,
    Role, StudentListItem, StudentView,
};
use tutti_tests::{StatusCode, TestApp, both, demo, expect_error, expect_json};

use crate::household_helpers::{ACKNOWLEDGMENT_SUBJECT, HouseholdApi as _, valid_guardian};

/// Asks for `changes` on a guardian as Famille Martin (or Durand), insisting on 200.
async fn ask_guardian(
    app: &TestApp,
    token: &str,
    guardian_id: i64,
    changes: serde_json::Value,
) -> GuardianView {
    let version = app
        .family(token)
        .await
        .guardians
        .iter()
        .find(|guardian| guardian.id == guardian_id)
        .expect("the guardian")
        .version;
    let response = app
        .update_guardian(
            token,
            guardian_id,
            &json!({"version": version, "changes": changes}),
        )
        .await;
    expect_json(
        response,
        StatusCode::OK,
        &format!("PATCH guardian {guardian_id}"),
    )
    .await
}

/// Asks for `changes` on a child, insisting on 200.
async fn ask_student(
    app: &TestApp,
    token: &str,
    student_id: i64,
    changes: serde_json::Value,
) -> StudentView {
    let version = app.student(token, student_id).await.version;
    let response = app
        .update_student(
            token,
            student_id,
            &json!({"version": version, "changes": changes}),
        )
        .await;
    expect_json(
        response,
        StatusCode::OK,
        &format!("PATCH student {student_id}"),
    )
    .await
}

/// The request on `field` of `target_id` in a page, or a failure naming the page.
fn request_on<'a>(page: &'a Page<ChangeRequest>, target_id: i64, field: &str) -> &'a ChangeRequest {
    page.items
        .iter()
        .find(|request| request.target_id == target_id && request.field == field)
        .unwrap_or_else(|| panic!("no request on {field} of {target_id} in {page:#?}"))
}

/// Decides and insists on 200 with the number decided.
async fn decide_ok(app: &TestApp, token: &str, ids: &[i64], decision: &str) {
    let outcome: DecisionOutcome = expect_json(
        app.decide(token, ids, decision).await,
        StatusCode::OK,
        &format!("{decision} {ids:?}"),
    )
    .await;
    assert_eq!(outcome.decided, ids.len(), "{decision} {ids:?}");
}

/// How many audit lines start with `prefix`.
fn audit_count(app: &TestApp, prefix: &str) -> usize {
    app.audit_lines()
        .iter()
        .filter(|line| line.starts_with(prefix))
        .count()
}

both! {
    async fn staff_see_pending_changes_old_versus_new_with_french_labels(app) {
        let ids = app.demo_ids().await;
        let martin = app.martin_token().await;
        ask_guardian(&app, &martin, ids.claire, json!({"city": "Sucy-en-Brie", "postcode": "94370"})).await;
        ask_student(&app, &martin, ids.hugo, json!({"school_level": "6e"})).await;

        let staff = app.staff_token().await;
        let page = app.change_requests(&staff, "").await;
        assert_eq!(page.total, 3, "{page:#?}");
        assert_eq!(page.items.len(), 3);
        assert!(page.items.iter().all(|request| request.status == ChangeStatus::Pending));

        let city = request_on(&page, ids.claire, "city");
        assert_eq!(city.family_id, ids.martin_family);
        assert_eq!(city.family_name, "Famille Martin");
        assert_eq!(city.target_type, "guardian");
        assert_eq!(city.target_name, "Claire Martin");
        assert_eq!(city.field_label, "Ville");
        assert_eq!((city.old_value.as_str(), city.new_value.as_str()), ("Le Plessis-Trévise", "Sucy-en-Brie"));
        assert_eq!(city.requested_by, "Claire Martin");
        assert!(city.decided_at.is_none());
        assert_eq!(request_on(&page, ids.claire, "postcode").field_label, "Code postal");

        let level = request_on(&page, ids.hugo, "school_level");
        assert_eq!(level.target_type, "student");
        assert_eq!(level.target_name, "Hugo Martin");
        assert_eq!(level.field_label, "Niveau scolaire");
        assert_eq!((level.old_value.as_str(), level.new_value.as_str()), ("CM2", "6e"));
        assert_eq!(page.items.last().map(|request| request.target_id), Some(ids.hugo), "oldest first");
    }
}

both! {
    async fn the_queue_filters_by_household_student_dates_and_status(app) {
        let ids = app.demo_ids().await;
        let martin = app.martin_token().await;
        let durand = app.durand_token().await;
        ask_guardian(&app, &martin, ids.claire, json!({"profession": "Directrice"})).await;
        ask_student(&app, &martin, ids.lea, json!({"school_level": "3e"})).await;
        ask_guardian(&app, &durand, ids.sophie, json!({"profession": "Comptable"})).await;
        ask_student(&app, &durand, ids.nathan, json!({"school_level": "5e"})).await;
        let staff = app.staff_token().await;

        let targets = |page: &Page<ChangeRequest>| {
            let mut targets: Vec<i64> = page.items.iter().map(|request| request.target_id).collect();
            targets.sort_unstable();
            targets
        };
        let sorted = |mut ids: Vec<i64>| {
            ids.sort_unstable();
            ids
        };
        assert_eq!(app.change_requests(&staff, "").await.total, 4);
        let martin_only = app.change_requests(&staff, &format!("?family_id={}", ids.martin_family)).await;
        assert_eq!(targets(&martin_only), sorted(vec![ids.claire, ids.lea]), "{martin_only:#?}");
        assert!(martin_only.items.iter().all(|request| request.family_id == ids.martin_family));
        let durand_only = app.change_requests(&staff, &format!("?family_id={}", ids.durand_family)).await;
        assert_eq!(targets(&durand_only), sorted(vec![ids.sophie, ids.nathan]));
        let lea_only = app.change_requests(&staff, &format!("?student_id={}", ids.lea)).await;
        assert_eq!((lea_only.total, lea_only.items[0].target_type.as_str(), lea_only.items[0].target_id), (1, "student", ids.lea));
        // A guardian and a student may share an id number: student_id must not match guardians.
        let nathan_only = app.change_requests(&staff, &format!("?student_id={}", ids.nathan)).await;
        assert_eq!((nathan_only.total, nathan_only.items[0].field.as_str()), (1, "school_level"), "{nathan_only:#?}");

        let today = chrono::Utc::now().date_naive();
        let day = |offset: i64| (today + chrono::Duration::days(offset)).format("%Y-%m-%d").to_string();
        assert_eq!(app.change_requests(&staff, &format!("?from={}&to={}", day(-1), day(1))).await.total, 4);
        assert_eq!(app.change_requests(&staff, &format!("?from={}", day(2))).await.total, 0, "nothing asked after tomorrow");
        assert_eq!(app.change_requests(&staff, &format!("?to={}", day(-2))).await.total, 0, "nothing asked before yesterday");

        let lea_request = lea_only.items[0].id;
        decide_ok(&app, &staff, &[lea_request], "approve").await;
        assert_eq!(app.change_requests(&staff, "").await.total, 3, "pending is the default");
        assert_eq!(app.change_requests(&staff, "?status=pending").await.total, 3);
        let approved = app.change_requests(&staff, "?status=approved").await;
        assert_eq!((approved.total, approved.items[0].id), (1, lea_request));
        assert!(approved.items[0].decided_at.is_some());
        assert_eq!(app.change_requests(&staff, "?status=rejected").await.total, 0);
        let all = app.change_requests(&staff, "?status=all").await;
        assert_eq!(all.total, 4);
        let combined = app.change_requests(&staff, &format!("?status=all&family_id={}&student_id={}", ids.martin_family, ids.lea)).await;
        assert_eq!(combined.total, 1);

        let second_page = app.change_requests(&staff, "?status=all&per_page=1&page=2").await;
        assert_eq!((second_page.total, second_page.items.len(), second_page.page, second_page.per_page), (4, 1, 2, 1));
        assert_eq!(second_page.items[0].id, all.items[1].id, "pages follow the same order");

        let bad_status = expect_error(app.get_as("/api/v1/admin/change-requests?status=bogus", &staff).await, StatusCode::UNPROCESSABLE_ENTITY, "bad status").await;
        assert!(bad_status.fields.contains_key("status"), "{bad_status:?}");
        for query in ["?from=hier", "?family_id=abc", "?colour=blue"] {
            let error = expect_error(app.get_as(&format!("/api/v1/admin/change-requests{query}"), &staff).await, StatusCode::BAD_REQUEST, query).await;
            assert_eq!(error.code, ErrorCode::BadRequest);
        }
    }
}

both! {
    async fn approving_one_change_and_rejecting_another_is_what_the_family_then_sees(app) {
        let ids = app.demo_ids().await;
        let martin = app.martin_token().await;
        let before = app.family(&martin).await.guardians[0].clone();
        let asked = ask_guardian(&app, &martin, ids.claire, json!({"city": "Sucy-en-Brie", "postcode": "94370", "phone_mobile": "07 11 22 33 44"})).await;
        ask_student(&app, &martin, ids.hugo, json!({"address": "7 rue Neuve", "birth_date": "2015-09-03"})).await;

        let session = app.login_staff().await;
        let (staff, staff_id) = (session.access_token, session.account.id);
        let page = app.change_requests(&staff, "").await;
        let approve = [
            request_on(&page, ids.claire, "city").id,
            request_on(&page, ids.claire, "postcode").id,
            request_on(&page, ids.hugo, "address").id,
            request_on(&page, ids.hugo, "birth_date").id,
        ];
        let reject = request_on(&page, ids.claire, "phone_mobile").id;
        decide_ok(&app, &staff, &approve, "approve").await;
        decide_ok(&app, &staff, &[reject], "reject").await;

        let claire = app.family(&martin).await.guardians[0].clone();
        assert_eq!(claire.fields.city, "Sucy-en-Brie", "the approved value is in force");
        assert_eq!(claire.fields.postcode, "94370");
        assert_eq!(claire.fields.phone_mobile, before.fields.phone_mobile, "the rejected value never applies");
        assert!(claire.pending.is_empty(), "nothing left pending: {:?}", claire.pending);
        assert!(claire.version > asked.version, "the family's view changed, so did the version");
        let hugo = app.student(&martin, ids.hugo).await;
        assert_eq!((hugo.fields.address.as_str(), hugo.fields.birth_date.as_str()), ("7 rue Neuve", "2015-09-03"));
        assert!(hugo.pending.is_empty());

        assert_eq!(app.change_requests(&staff, "").await.total, 0, "the queue is empty");
        let all = app.change_requests(&staff, "?status=all").await;
        assert_eq!(all.items.iter().filter(|request| request.status == ChangeStatus::Approved).count(), 4);
        assert_eq!(request_on(&all, ids.claire, "phone_mobile").status, ChangeStatus::Rejected);
        assert!(all.items.iter().all(|request| request.decided_at.is_some()));

        let lines = app.audit_lines();
        for id in approve {
            assert!(lines.contains(&format!("change_approved change_request {id} {staff_id}")), "approval of {id} audited: {lines:#?}");
        }
        assert!(lines.contains(&format!("change_rejected change_request {reject} {staff_id}")), "{lines:#?}");

        // An edit made against the version read before the decisions is now stale.
        let stale = app.update_guardian(&martin, ids.claire, &json!({"version": asked.version, "changes": {"profession": "Directrice"}})).await;
        assert_eq!(expect_error(stale, StatusCode::CONFLICT, "edit after a decision").await.code, ErrorCode::StaleVersion);
        let fresh = app.update_guardian(&martin, ids.claire, &json!({"version": claire.version, "changes": {"profession": "Directrice"}})).await;
        let _: GuardianView = expect_json(fresh, StatusCode::OK, "edit with the new version").await;
    }
}

both! {
    async fn deciding_an_already_decided_request_conflicts_and_applies_nothing(app) {
        let ids = app.demo_ids().await;
        let martin = app.martin_token().await;
        ask_guardian(&app, &martin, ids.claire, json!({"city": "Sucy-en-Brie", "postcode": "94370", "profession": "Directrice"})).await;
        let staff = app.staff_token().await;
        let page = app.change_requests(&staff, "").await;
        let (city, postcode, profession) = (
            request_on(&page, ids.claire, "city").id,
            request_on(&page, ids.claire, "postcode").id,
            request_on(&page, ids.claire, "profession").id,
        );
        decide_ok(&app, &staff, &[city, postcode], "approve").await;
        let family = app.family(&martin).await;
        let approvals = audit_count(&app, "change_approved");

        for (ids_sent, decision) in [
            (vec![city, profession], "approve"),
            (vec![profession, city], "reject"),
            (vec![city], "approve"),
            (vec![postcode], "reject"),
            (vec![profession, 99_999_999], "approve"),
        ] {
            let error = expect_error(app.decide(&staff, &ids_sent, decision).await, StatusCode::CONFLICT, &format!("{decision} {ids_sent:?}")).await;
            assert_eq!(error.code, ErrorCode::InvalidTransition);
        }
        assert_eq!(app.family(&martin).await, family, "nothing applied: the batch is all or nothing");
        assert_eq!(app.change_requests(&staff, "").await.items.iter().map(|request| request.id).collect::<Vec<_>>(), [profession]);
        assert_eq!(audit_count(&app, "change_approved"), approvals);
        assert_eq!(audit_count(&app, "change_rejected"), 0);

        let empty = expect_error(app.decide(&staff, &[], "approve").await, StatusCode::UNPROCESSABLE_ENTITY, "no ids").await;
        assert!(empty.fields.contains_key("ids"), "{empty:?}");
        let too_many: Vec<i64> = (1..=501).collect();
        let error = expect_error(app.decide(&staff, &too_many, "reject").await, StatusCode::UNPROCESSABLE_ENTITY, "501 ids").await;
        assert!(error.fields.contains_key("ids"), "{error:?}");
        for body in [json!({"ids": [profession], "decision": "maybe"}), json!({"ids": [profession]}), json!({"ids": profession, "decision": "approve"}), json!({"ids": [profession], "decision": "approve", "comment": "ok"})] {
            let response = app.post_as("/api/v1/admin/change-requests/decisions", &staff, &body).await;
            assert_eq!(expect_error(response, StatusCode::BAD_REQUEST, &format!("{body}")).await.code, ErrorCode::BadRequest);
        }

        // The request that was left alone can still be decided.
        decide_ok(&app, &staff, &[profession], "reject").await;
        assert!(app.family(&martin).await.guardians[0].pending.is_empty());
        assert_eq!(app.family(&martin).await.guardians[0].fields.profession, "Cadre administrative");
    }
}

both! {
    async fn staff_reads_of_a_household_and_of_a_student_are_audited(app) {
        let ids = app.demo_ids().await;
        let martin = app.martin_token().await;
        ask_guardian(&app, &martin, ids.julien, json!({"profession": "Ingénieur"})).await;
        let session = app.login_staff().await;
        let (staff, staff_id) = (session.access_token, session.account.id);

        let detail: FamilyDetail = app.get_ok(&format!("/api/v1/admin/families/{}", ids.martin_family), &staff).await;
        assert_eq!(detail.name, "Famille Martin");
        assert_eq!(detail.guardians.len(), 2);
        assert_eq!(detail.guardians[1].pending["profession"].new_value, "Ingénieur", "staff see pending changes too");
        let children: Vec<&str> = detail.students.iter().map(|student| student.fields.first_name.as_str()).collect();
        assert_eq!(children, ["Léa", "Hugo", "Chloé"]);
        assert_eq!(detail.logins, [demo::FAMILY_LOGIN]);
        assert!(app.audit_lines().contains(&format!("staff_read family {} {staff_id}", ids.martin_family)), "{:#?}", app.audit_lines());

        let lea: StudentView = app.get_ok(&format!("/api/v1/admin/students/{}", ids.lea), &staff).await;
        assert_eq!((lea.id, lea.fields.first_name.as_str()), (ids.lea, "Léa"));
        assert!(app.audit_lines().contains(&format!("staff_read student {} {staff_id}", ids.lea)), "{:#?}", app.audit_lines());

        let reads = audit_count(&app, "staff_read");
        expect_error(app.get_as("/api/v1/admin/families/99999999", &staff).await, StatusCode::NOT_FOUND, "unknown household").await;
        expect_error(app.get_as("/api/v1/admin/students/99999999", &staff).await, StatusCode::NOT_FOUND, "unknown student").await;
        assert_eq!(audit_count(&app, "staff_read"), reads, "a miss reads nothing");

        let students: Page<StudentListItem> = app.get_ok("/api/v1/admin/students", &staff).await;
        assert_eq!(usize::try_from(students.total).ok(), Some(students.items.len()), "{students:#?}");
        for child in [ids.lea, ids.hugo, ids.chloe, ids.nathan] {
            assert!(students.items.iter().any(|student| student.id == child), "{child} listed: {students:#?}");
        }
        let search: Page<StudentListItem> = app.get_ok("/api/v1/admin/students?q=l%C3%A9a", &staff).await;
        assert_eq!(search.items.iter().map(|student| student.id).collect::<Vec<_>>(), [ids.lea], "{search:#?}");
        assert_eq!(search.items[0].family_id, ids.martin_family);
    }
}

both! {
    async fn staff_create_a_household_whose_family_sets_its_password_through_the_reset_link(app) {
        const LOGIN: &str = "famille.bernard";
        const EMAIL: &str = "anne.bernard@example.fr";
        const PASSWORD: &str = "Violon-Jaune-Matin-2026";
        let session = app.login_staff().await;
        let (staff, staff_id) = (session.access_token, session.account.id);
        let households_before: tutti_tests::Page<tutti_tests::FamilyListItem> =
            expect_json(app.admin_families(&staff, "").await, StatusCode::OK, "GET /admin/families").await;

        let response = app.post_as("/api/v1/admin/families", &staff, &json!({"login": LOGIN, "guardian": valid_guardian("Bernard", EMAIL)})).await;
        let created: FamilyDetail = expect_json(response, StatusCode::CREATED, "POST /admin/families").await;
        assert_eq!(created.name, "Famille Bernard");
        assert_eq!(created.logins, [LOGIN]);
        assert!(created.students.is_empty());
        assert_eq!(created.guardians.len(), 1);
        assert_eq!((created.guardians[0].fields.first_name.as_str(), created.guardians[0].fields.email.as_str()), ("Anne", EMAIL));
        assert_eq!(created.guardians[0].fields.phone_mobile, "06 22 33 44 55");

        let welcome = app.wait_for_email(EMAIL, "portail").await;
        assert!(welcome.body_text.contains(LOGIN), "the welcome email gives the identifiant:\n{}", welcome.body_text);
        assert!(welcome.body_text.contains("/mot-de-passe"), "and where to choose a password:\n{}", welcome.body_text);
        let audit = app.audit_lines();
        assert!(audit.iter().any(|line| line.starts_with("account_created account ") && line.ends_with(&format!(" {staff_id}"))), "{audit:#?}");

        let listed: tutti_tests::Page<tutti_tests::FamilyListItem> =
            expect_json(app.admin_families(&staff, "").await, StatusCode::OK, "GET /admin/families").await;
        assert_eq!(listed.total, households_before.total + 1);

        // No password yet: nothing logs in until the family follows a reset link.
        expect_error(app.login(demo::SITE, LOGIN, PASSWORD).await, StatusCode::UNAUTHORIZED, "before the first password").await;
        app.set_password_by_link(demo::SITE, LOGIN, EMAIL, PASSWORD).await;
        let family_session = app.login_ok_with(&app.new_client(), demo::SITE, LOGIN, PASSWORD).await;
        assert_eq!(family_session.account.role, Role::Family);
        let family = app.family(&family_session.access_token).await;
        assert_eq!((family.id, family.name.as_str()), (created.id, "Famille Bernard"));
        assert!(app.students(&family_session.access_token).await.is_empty());

        // And the new family edits like any other.
        let anne = &family.guardians[0];
        let response = app.update_guardian(&family_session.access_token, anne.id, &json!({"version": anne.version, "changes": {"profession": "Cadre de santé"}})).await;
        let _: GuardianView = expect_json(response, StatusCode::OK, "the new family's first edit").await;
        assert_eq!(app.emails_with(EMAIL, ACKNOWLEDGMENT_SUBJECT), 1);
    }
}

both! {
    async fn a_taken_or_invalid_identifiant_is_refused_when_creating_a_household(app) {
        let staff = app.staff_token().await;
        let email = "anne.bernard@example.fr";
        let emails = app.outbox().len();
        let households_before: tutti_tests::Page<tutti_tests::FamilyListItem> =
            expect_json(app.admin_families(&staff, "").await, StatusCode::OK, "GET /admin/families").await;
        for login in [demo::FAMILY_LOGIN, demo::STAFF_LOGIN, " famille.durand "] {
            let response = app.post_as("/api/v1/admin/families", &staff, &json!({"login": login, "guardian": valid_guardian("Bernard", email)})).await;
            let error = expect_error(response, StatusCode::CONFLICT, &format!("login {login:?}")).await;
            assert_eq!(error.code, ErrorCode::AlreadyExists);
        }
        for (login, field) in [("famille bernard", "login"), ("", "login")] {
            let response = app.post_as("/api/v1/admin/families", &staff, &json!({"login": login, "guardian": valid_guardian("Bernard", email)})).await;
            let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, &format!("login {login:?}")).await;
            assert!(error.fields.contains_key(field), "{error:?}");
        }
        let mut bad_guardian = valid_guardian("Bernard", email);
        bad_guardian["postcode"] = json!("9450");
        bad_guardian["phone_mobile"] = json!("");
        let response = app.post_as("/api/v1/admin/families", &staff, &json!({"login": "famille.bernard", "guardian": bad_guardian})).await;
        let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid guardian").await;
        assert!(error.fields.contains_key("postcode") && error.fields.contains_key("phone_mobile"), "{error:?}");
        let mut unknown = valid_guardian("Bernard", email);
        unknown["family_id"] = json!(1);
        for body in [json!({"login": "famille.bernard", "guardian": unknown}), json!({"login": "famille.bernard"}), json!({"login": "famille.bernard", "guardian": valid_guardian("Bernard", email), "role": "staff"})] {
            let response = app.post_as("/api/v1/admin/families", &staff, &body).await;
            assert_eq!(expect_error(response, StatusCode::BAD_REQUEST, &format!("{body}")).await.code, ErrorCode::BadRequest);
        }

        let listed: tutti_tests::Page<tutti_tests::FamilyListItem> =
            expect_json(app.admin_families(&staff, "").await, StatusCode::OK, "GET /admin/families").await;
        assert_eq!(listed.total, households_before.total, "no household was created: {listed:?}");
        assert_eq!(app.outbox().len(), emails, "no welcome email");
    }
}

both! {
    async fn two_staff_deciding_the_same_request_at_once_decide_it_once(app) {
        let ids = app.demo_ids().await;
        let martin = app.martin_token().await;
        let staff = app.staff_token().await;
        let other_staff = app.staff_token().await;
        for round in 0..15 {
            let wanted = format!("Profession {round}");
            let before = app.family(&martin).await.guardians[0].clone();
            ask_guardian(&app, &martin, ids.claire, json!({"profession": wanted})).await;
            let id = request_on(&app.change_requests(&staff, "").await, ids.claire, "profession").id;
            let decisions_before = audit_count(&app, "change_");
            let batch = [id];
            let (approve, reject) = tokio::join!(app.decide(&staff, &batch, "approve"), app.decide(&other_staff, &batch, "reject"));
            let (approve_status, reject_status) = (approve.status(), reject.status());
            let approve_body = approve.text().await.unwrap_or_default();
            let reject_body = reject.text().await.unwrap_or_default();
            // Read the outcome first, so that a failure shows the whole state.
            let after = app.family(&martin).await.guardians[0].clone();
            let stored = app
                .change_requests(&staff, "?status=all&per_page=100")
                .await
                .items
                .into_iter()
                .find(|request| request.id == id)
                .unwrap_or_else(|| panic!("round {round}: request {id} vanished"));
            let recorded = audit_count(&app, "change_") - decisions_before;
            let state = format!(
                "approve {approve_status} {approve_body} / reject {reject_status} {reject_body}; in force: {:?}; request: {:?}; decisions audited: {recorded}",
                after.fields.profession, stored.status
            );
            let mut statuses = [approve_status, reject_status];
            statuses.sort();
            assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "round {round}: one decision wins: {state}");
            let (expected_value, expected_status) = if approve_status == StatusCode::OK {
                (wanted.clone(), ChangeStatus::Approved)
            } else {
                (before.fields.profession.clone(), ChangeStatus::Rejected)
            };
            assert_eq!((after.fields.profession.as_str(), stored.status), (expected_value.as_str(), expected_status), "round {round}: {state}");
            assert!(after.pending.is_empty(), "round {round}: {state}");
            assert_eq!(recorded, 1, "round {round}: one decision recorded: {state}");
        }
    }
}

both! {
    async fn two_staff_creating_the_same_identifiant_at_once_create_one_household(app) {
        let staff = app.staff_token().await;
        let other_staff = app.staff_token().await;
        for round in 0..5 {
            let login = format!("famille.jumelle{round}");
            let first = json!({"login": login, "guardian": valid_guardian("Jumelle", &format!("premiere{round}@example.fr"))});
            let second = json!({"login": login, "guardian": valid_guardian("Jumelle", &format!("seconde{round}@example.fr"))});
            let (left, right) = tokio::join!(
                app.post_as("/api/v1/admin/families", &staff, &first),
                app.post_as("/api/v1/admin/families", &other_staff, &second)
            );
            let mut statuses = [left.status(), right.status()];
            statuses.sort();
            assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT], "round {round}");
        }
        let listed: tutti_tests::Page<tutti_tests::FamilyListItem> =
            expect_json(app.admin_families(&staff, "?q=Jumelle").await, StatusCode::OK, "GET /admin/families").await;
        assert_eq!(listed.total, 5, "one household per identifiant: {listed:?}");
    }
}
