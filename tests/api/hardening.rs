//! Holes found by reading the API with an attacker's eye (issue 7): huge page numbers,
//! partial approvals that leave an invalid record, IPv6 clients hopping addresses inside
//! their /64, weak passwords, and what the audit log must hold of teachers' work.

use reqwest::Method;
use serde_json::{Value, json};
use tutti_shared::{ClassMember, Course, ErrorCode};
use tutti_tests::{StatusCode, TestApp, both, demo, expect_error};

use crate::household_helpers::{HouseholdApi as _, MARTIN_ACCOUNT_EMAIL};

both! {
    async fn a_huge_page_number_answers_422_on_every_list_never_a_500(app) {
        let staff = app.staff_token().await;
        for list in ["/api/v1/admin/families", "/api/v1/admin/students", "/api/v1/admin/change-requests"] {
            for page in ["9223372036854775807", "4611686018427387904", "1000000000"] {
                let response = app.get_as(&format!("{list}?page={page}"), &staff).await;
                let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, &format!("{list}?page={page}")).await;
                assert_eq!(error.code, ErrorCode::Validation);
                assert!(error.fields.contains_key("page"), "{list}: {error:?}");
            }
            // The last real page still answers.
            let response = app.get_as(&format!("{list}?page=1"), &staff).await;
            assert_eq!(response.status(), StatusCode::OK, "{list}?page=1");
        }
    }
}

both! {
    async fn approving_part_of_an_edit_cannot_leave_a_guardian_without_a_phone(app) {
        let martin = app.martin_token().await;
        let family = app.family(&martin).await;
        let julien = family.guardians.get(1).cloned().expect("Julien is the second guardian");
        assert!(julien.fields.phone_home.is_empty() && !julien.fields.phone_mobile.is_empty(), "{julien:?}");
        // A valid edit as a whole: the mobile goes, a home phone comes.
        let asked = app
            .update_guardian(&martin, julien.id, &json!({"version": julien.version, "changes": {"phone_mobile": "", "phone_home": "01 11 22 33 44"}}))
            .await;
        assert_eq!(asked.status(), StatusCode::OK);

        let staff = app.staff_token().await;
        let queue = app.change_requests(&staff, "").await;
        let clear_mobile = queue
            .items
            .iter()
            .find(|request| request.field == "phone_mobile" && request.target_id == julien.id)
            .expect("the mobile's request")
            .id;
        // Approving only the removal would leave Julien unreachable: refused, naming the field.
        let response = app.decide(&staff, &[clear_mobile], "approve").await;
        let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, "a partial approval").await;
        assert!(error.fields.contains_key("phone_mobile"), "{error:?}");
        let after = app.family(&martin).await;
        assert_eq!(after.guardians[1].fields, julien.fields, "nothing was applied");
        assert_eq!(app.change_requests(&staff, "").await.total, queue.total, "the requests stay pending");

        // Both at once is fine.
        let both: Vec<i64> = queue.items.iter().filter(|request| request.target_id == julien.id).map(|request| request.id).collect();
        assert_eq!(app.decide(&staff, &both, "approve").await.status(), StatusCode::OK);
    }
}

both! {
    async fn an_ipv6_client_cannot_escape_the_address_limit_by_hopping_inside_its_64(app) {
        // Behind our own proxy (127.0.0.1 trusted), the client's address comes from
        // X-Forwarded-For: each guess from a new address of the same /64, each at a new
        // login so that the per-account limit never applies.
        let app = TestApp::spawn_with(app.backend, vec![("TUTTI_TRUSTED_PROXIES", "127.0.0.1".to_owned())]).await;
        let mut statuses = Vec::new();
        for attempt in 1..=30_u32 {
            let response = app
                .bare_client()
                .post(app.url("/api/v1/auth/login"))
                .header("X-Forwarded-For", format!("2001:db8:1234:5678::{attempt:x}"))
                .json(&json!({"site": demo::SITE, "login": format!("inconnu{attempt}"), "password": "Pas-le-bon-2026"}))
                .send()
                .await
                .expect("POST /auth/login");
            statuses.push(response.status().as_u16());
        }
        assert!(statuses.contains(&429), "30 guesses from one /64 must hit the per-address limit: {statuses:?}");

        // Another network is not affected.
        let response = app
            .bare_client()
            .post(app.url("/api/v1/auth/login"))
            .header("X-Forwarded-For", "2001:db8:9999:1::1")
            .json(&json!({"site": demo::SITE, "login": demo::FAMILY_LOGIN, "password": demo::FAMILY_PASSWORD}))
            .send()
            .await
            .expect("POST /auth/login");
        assert_eq!(response.status(), StatusCode::OK);
    }
}

both! {
    async fn common_passwords_and_ones_built_from_the_account_are_refused_with_a_french_reason(app) {
        let session = app.login_ok(demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;
        let local_part = MARTIN_ACCOUNT_EMAIL.split('@').next().expect("an email");
        for weak in [
            "motdepasse123".to_owned(),
            "azertyuiop123".to_owned(),
            "password1234".to_owned(),
            "123456789012".to_owned(),
            format!("{}2026!", demo::FAMILY_LOGIN),
            format!("{}-2026", demo::SITE),
            format!("{local_part}2026"),
        ] {
            let response = app.change_password(&session.access_token, demo::FAMILY_PASSWORD, &weak).await;
            let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, &weak).await;
            let reason = error.fields.get("new_password").unwrap_or_else(|| panic!("{weak}: {error:?}"));
            assert!(!reason.is_empty() && reason.chars().any(|character| "éèàç".contains(character) || character.is_alphabetic()), "{reason}");
        }
        // The password still works: nothing was changed.
        app.login_ok(demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;
        // A strong one passes.
        let response = app.change_password(&session.access_token, demo::FAMILY_PASSWORD, "Violoncelle-Bleu-Matin-42").await;
        assert_eq!(response.status(), StatusCode::OK);
    }
}

both! {
    async fn teachers_reads_of_class_lists_and_their_writes_are_audited(app) {
        let teacher = app.teacher_token().await;
        let courses: Vec<Course> = app.get_ok("/api/v1/admin/courses", &teacher).await;
        let course = courses.first().expect("the demo teacher's course");
        let class: Vec<ClassMember> = app.get_ok(&format!("/api/v1/admin/courses/{}/class", course.id), &teacher).await;
        let member = class.first().expect("a student in the class");
        let _: Vec<Value> = app.get_ok(&format!("/api/v1/admin/courses/{}/enrolments", course.id), &teacher).await;
        let evaluation = app
            .create_ok("/api/v1/admin/evaluations", &teacher, &json!({"enrolment_id": member.enrolment_id, "period": "Audit", "comment": "Bien."}))
            .await;
        let absence = app
            .create_ok("/api/v1/admin/absences", &teacher, &json!({"enrolment_id": member.enrolment_id, "date": "2026-11-20"}))
            .await;
        let response = app
            .send(Method::PUT, &format!("/api/v1/admin/absences/{absence}"), Some(&teacher), Some(&json!({"enrolment_id": member.enrolment_id, "date": "2026-11-20", "justified": true, "reason": "Malade"})))
            .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);

        let staff = app.staff_token().await;
        let mut other_course = None;
        for candidate in app.courses(&staff, "").await {
            let members: Vec<ClassMember> = app.get_ok(&format!("/api/v1/admin/courses/{}/class", candidate.id), &staff).await;
            if !members.iter().any(|other| other.student_id == member.student_id) {
                other_course = Some(candidate.id);
                break;
            }
        }
        let other_course = other_course.expect("a course the student does not take");
        let enrolment_body = json!({"student_id": member.student_id, "course_id": other_course});
        let enrolment = app.create_ok("/api/v1/admin/enrolments", &staff, &enrolment_body).await;
        let twice = app.post_as("/api/v1/admin/enrolments", &staff, &enrolment_body).await;
        assert_eq!(twice.status(), StatusCode::CONFLICT);

        let audit = app.audit_lines();
        for expected in [
            format!("class_list_read course {}", course.id),
            format!("enrolments_read course {}", course.id),
            format!("evaluation_created evaluation {evaluation}"),
            format!("absence_created absence {absence}"),
            format!("absence_updated absence {absence}"),
        ] {
            assert!(audit.iter().any(|line| line.starts_with(&expected)), "{expected} audited: {audit:#?}");
        }
        // Staff writes are audited as well; an enrolment refused the second time is not.
        let created: Vec<&String> = audit.iter().filter(|line| line.starts_with(&format!("enrolment_created enrolment {enrolment}"))).collect();
        assert_eq!(created.len(), 1, "{audit:#?}");
    }
}
