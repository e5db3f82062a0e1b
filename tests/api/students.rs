//! The family's children: the list, the identity with pending edits, and the Cours,
//! Historique and Répertoire tabs.

use serde_json::{Value, json};
use tutti_shared::{ErrorCode, StudentCourse, StudentFields, StudentView};
use tutti_tests::{StatusCode, both, expect_error, expect_json};

use crate::household_helpers::{
    ACKNOWLEDGMENT_SUBJECT, HouseholdApi as _, MARTIN_ACCOUNT_EMAIL, current_year_label,
    previous_year_label,
};

/// The course of a discipline in a list, or a failure naming what is there.
fn course_of<'a>(courses: &'a [StudentCourse], discipline: &str) -> &'a StudentCourse {
    courses
        .iter()
        .find(|course| course.course.discipline == discipline)
        .unwrap_or_else(|| panic!("no {discipline} course in {courses:#?}"))
}

both! {
    async fn a_family_lists_its_three_children_eldest_first(app) {
        let token = app.martin_token().await;
        let children = app.students(&token).await;
        let names: Vec<(&str, &str)> = children.iter().map(|child| (child.first_name.as_str(), child.last_name.as_str())).collect();
        assert_eq!(names, [("Léa", "Martin"), ("Hugo", "Martin"), ("Chloé", "Martin")]);
        let mut ids: Vec<i64> = children.iter().map(|child| child.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 3, "three distinct ids");

        let durand = app.students(&app.durand_token().await).await;
        assert_eq!(durand.len(), 1, "Famille Durand sees only Nathan: {durand:?}");
        assert_eq!(durand[0].first_name, "Nathan");
    }
}

both! {
    async fn a_family_reads_a_childs_identity(app) {
        let ids = app.demo_ids().await;
        let token = app.martin_token().await;
        let raw: Value = app.get_ok(&format!("/api/v1/students/{}", ids.lea), &token).await;
        for (field, label) in StudentFields::FIELDS {
            assert!(raw["fields"][field].is_string(), "the {label} ({field}) field is missing from {raw}");
        }
        let lea = app.student(&token, ids.lea).await;
        assert_eq!(lea.id, ids.lea);
        assert!(lea.pending.is_empty());
        let expected = StudentFields {
            civility: "Mademoiselle".into(),
            last_name: "Martin".into(),
            first_name: "Léa".into(),
            birth_date: "2012-03-14".into(),
            birth_place: "Créteil".into(),
            birth_department: "94".into(),
            address: "12 rue des Lilas".into(),
            postcode: "94420".into(),
            city: "Le Plessis-Trévise".into(),
            emergency_contact_name: "Monique Martin (grand-mère)".into(),
            emergency_phone: "06 11 22 33 44".into(),
            school_level: "4e".into(),
            ..StudentFields::default()
        };
        assert_eq!(lea.fields, expected);
        let hugo = app.student(&token, ids.hugo).await;
        assert_eq!((hugo.fields.first_name.as_str(), hugo.fields.birth_date.as_str()), ("Hugo", "2015-09-02"));
    }
}

both! {
    async fn a_childs_identity_edit_waits_for_staff(app) {
        let ids = app.demo_ids().await;
        let token = app.martin_token().await;
        let hugo = app.student(&token, ids.hugo).await;
        let acknowledgments = app.emails_with(MARTIN_ACCOUNT_EMAIL, ACKNOWLEDGMENT_SUBJECT);

        let response = app
            .update_student(
                &token,
                ids.hugo,
                &json!({"version": hugo.version, "changes": {"address": "7 rue Neuve", "postcode": "94420", "school_level": "6e"}}),
            )
            .await;
        let view: StudentView = expect_json(response, StatusCode::OK, "PATCH Hugo").await;
        assert_eq!(view.fields, hugo.fields, "the values in force do not change");
        assert_eq!(view.pending["address"].new_value, "7 rue Neuve");
        assert_eq!(view.pending["school_level"].new_value, "6e");
        assert!(!view.pending.contains_key("postcode"), "an unchanged value is no change: {:?}", view.pending);
        assert_eq!(view.version, hugo.version + 1);
        assert_eq!(app.student(&token, ids.hugo).await, view, "GET shows what the PATCH answered");

        assert_eq!(app.emails_with(MARTIN_ACCOUNT_EMAIL, ACKNOWLEDGMENT_SUBJECT), acknowledgments + 1);
        let email = app.last_email_to(MARTIN_ACCOUNT_EMAIL).expect("the acknowledgment");
        assert!(email.body_text.contains("Hugo Martin") && email.body_text.contains("7 rue Neuve"), "{}", email.body_text);

        let stale = app.update_student(&token, ids.hugo, &json!({"version": hugo.version, "changes": {"address": "9 rue Neuve"}})).await;
        assert_eq!(expect_error(stale, StatusCode::CONFLICT, "stale student edit").await.code, ErrorCode::StaleVersion);
        assert_eq!(app.student(&token, ids.hugo).await, view, "the stale edit changed nothing");
    }
}

both! {
    async fn invalid_child_fields_are_refused_and_nothing_is_stored(app) {
        let ids = app.demo_ids().await;
        let token = app.martin_token().await;
        let lea = app.student(&token, ids.lea).await;
        let emails = app.outbox().len();
        let response = app
            .update_student(
                &token,
                ids.lea,
                &json!({"version": lea.version, "changes": {"birth_date": "2012-02-30", "birth_department": "123", "emergency_phone": "12", "postcode": "944"}}),
            )
            .await;
        let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid child fields").await;
        assert_eq!(error.code, ErrorCode::Validation);
        for field in ["birth_date", "birth_department", "emergency_phone", "postcode"] {
            assert!(error.fields.contains_key(field), "a message for {field}: {error:?}");
        }
        for (changes, field) in [
            (json!({"birth_date": "14/03/2012"}), "birth_date"),
            (json!({"birth_date": ""}), "birth_date"),
            (json!({"first_name": ""}), "first_name"),
            (json!({"email": "lea@"}), "email"),
            (json!({"school_level": "x".repeat(201)}), "school_level"),
            (json!({"school_level": "Collège"}), "school_level"),
            (json!({"birth_department": "20"}), "birth_department"),
        ] {
            let response = app.update_student(&token, ids.lea, &json!({"version": lea.version, "changes": changes})).await;
            let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, &format!("{changes}")).await;
            assert!(error.fields.contains_key(field), "{changes}: {error:?}");
        }
        for body in [
            json!({"version": lea.version, "changes": {"nickname": "Lélé"}}),
            json!({"version": lea.version, "changes": {"birth_date": 20120314}}),
            json!({"version": lea.version, "changes": {"civility": "Mademoiselle"}, "extra": true}),
        ] {
            let response = app.update_student(&token, ids.lea, &body).await;
            assert_eq!(expect_error(response, StatusCode::BAD_REQUEST, &format!("{body}")).await.code, ErrorCode::BadRequest);
        }
        assert_eq!(app.student(&token, ids.lea).await, lea, "Léa is unchanged");
        assert_eq!(app.change_request_rows(), 0);
        assert_eq!(app.outbox().len(), emails);
    }
}

both! {
    async fn this_years_courses_come_with_evaluations_and_both_kinds_of_absences(app) {
        let ids = app.demo_ids().await;
        let token = app.martin_token().await;
        let year = current_year_label();

        let lea = app.student_courses(&token, ids.lea).await;
        assert_eq!(lea.len(), 2, "piano and formation musicale: {lea:#?}");
        assert!(lea.iter().all(|course| course.school_year == year), "only {year}: {lea:#?}");
        let piano = course_of(&lea, "Piano");
        assert_eq!(piano.course.level, "Cycle 1 - 4e année");
        assert_eq!(piano.course.teacher_name, "Isabelle Moreau");
        assert_eq!((piano.course.weekday, piano.course.start_time.as_str(), piano.course.end_time.as_str()), (3, "14:00", "14:45"));
        assert_eq!(piano.course.room, "Salle 12");
        assert!(piano.course.teacher_account_id.is_some(), "the demo teacher's own course");
        assert_eq!(piano.evaluations.len(), 1, "{:#?}", piano.evaluations);
        assert_eq!(piano.evaluations[0].period, "1er trimestre");
        assert!(piano.evaluations[0].comment.contains("lecture"), "{:?}", piano.evaluations[0]);
        assert!(piano.absences.is_empty());
        assert!(piano.evaluations.iter().all(|evaluation| evaluation.enrolment_id == piano.enrolment_id));

        let musicianship = course_of(&lea, "Formation musicale");
        assert_eq!(musicianship.course.level, "Cycle 2 - 1re année");
        assert_eq!(musicianship.evaluations[0].mark.as_deref(), Some("13/20"));
        assert_eq!(musicianship.absences.len(), 2, "{:#?}", musicianship.absences);
        let (latest, earlier) = (&musicianship.absences[0], &musicianship.absences[1]);
        assert!(latest.date > earlier.date, "most recent first: {:#?}", musicianship.absences);
        assert!(!latest.justified, "the November absence is unjustified");
        assert!(earlier.justified, "the October absence is justified");
        assert_eq!(earlier.reason, "Malade (certificat fourni)");

        let hugo = app.student_courses(&token, ids.hugo).await;
        let disciplines: Vec<&str> = hugo.iter().map(|course| course.course.discipline.as_str()).collect();
        assert_eq!(disciplines, ["Formation musicale", "Hip-hop"], "Tuesday before Friday");
        assert!(hugo.iter().all(|course| course.absences.len() == 2));

        let chloe = app.student_courses(&token, ids.chloe).await;
        assert_eq!(chloe.len(), 1);
        assert_eq!(course_of(&chloe, "Danse classique").course.room, "Studio de danse");
        assert!(chloe[0].absences.is_empty());
    }
}

both! {
    async fn the_history_holds_only_the_earlier_year(app) {
        let ids = app.demo_ids().await;
        let token = app.martin_token().await;
        let previous = previous_year_label();

        let lea = app.student_history(&token, ids.lea).await;
        assert_eq!(lea.len(), 2, "{lea:#?}");
        assert!(lea.iter().all(|course| course.school_year == previous), "only {previous}: {lea:#?}");
        let piano = course_of(&lea, "Piano");
        assert_eq!(piano.course.level, "Cycle 1 - 3e année");
        let periods: Vec<&str> = piano.evaluations.iter().map(|evaluation| evaluation.period.as_str()).collect();
        assert_eq!(periods, ["1er trimestre", "2e trimestre", "3e trimestre"]);
        let musicianship = course_of(&lea, "Formation musicale");
        let marks: Vec<Option<&str>> = musicianship.evaluations.iter().map(|evaluation| evaluation.mark.as_deref()).collect();
        assert_eq!(marks, [Some("13/20"), Some("14/20"), Some("15/20")]);
        assert_eq!(musicianship.absences.len(), 1);
        assert!(musicianship.absences[0].justified);

        let current: Vec<i64> = app.student_courses(&token, ids.lea).await.iter().map(|course| course.enrolment_id).collect();
        assert!(lea.iter().all(|course| !current.contains(&course.enrolment_id)), "no current course in the history");

        let hugo = app.student_history(&token, ids.hugo).await;
        assert_eq!(hugo.len(), 1);
        assert_eq!(hugo[0].course.discipline, "Éveil musical");
        assert!(app.student_history(&token, ids.chloe).await.is_empty(), "Chloé started this year");
    }
}

both! {
    async fn the_repertoire_lists_the_events_with_the_pieces_played(app) {
        let ids = app.demo_ids().await;
        let token = app.martin_token().await;

        let lea = app.student_repertoire(&token, ids.lea).await;
        let names: Vec<&str> = lea.iter().map(|entry| entry.event.name.as_str()).collect();
        assert_eq!(names, ["Spectacle de fin d'année", "Concert de Noël"], "latest first");
        assert_eq!(lea[0].event.kind, "spectacle");
        assert_eq!(lea[0].event.place, "Salle des fêtes");
        assert!(lea[0].piece.contains("Schumann"), "{:?}", lea[0]);
        assert_eq!(lea[1].event.kind, "concert");
        assert!(lea[1].piece.contains("Bach"), "{:?}", lea[1]);
        assert!(!lea[1].event.programme.is_empty());

        let hugo = app.student_repertoire(&token, ids.hugo).await;
        assert_eq!(hugo.len(), 1);
        assert!(hugo[0].piece.contains("petit orchestre"));
        assert!(app.student_repertoire(&token, ids.chloe).await.is_empty());
    }
}

both! {
    async fn two_concurrent_child_edits_with_the_same_version_let_exactly_one_through(app) {
        let ids = app.demo_ids().await;
        let token = app.martin_token().await;
        for round in 0..20 {
            let hugo = app.student(&token, ids.hugo).await;
            // Two listed levels per round, each different from the previous round's winner.
            // Not Hugo's level in force: sending that one withdraws the pending change.
            let levels: Vec<&str> = tutti_shared::choices::SCHOOL_LEVELS
                .iter()
                .map(|(value, _)| *value)
                .filter(|value| *value != hugo.fields.school_level)
                .collect();
            let level = |index: usize| levels[index % levels.len()];
            let first = json!({"version": hugo.version, "changes": {"school_level": level(2 * round)}});
            let second = json!({"version": hugo.version, "changes": {"school_level": level(2 * round + 1)}});
            let (left, right) = tokio::join!(app.update_student(&token, ids.hugo, &first), app.update_student(&token, ids.hugo, &second));
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
            let winner = if left_status == StatusCode::OK { &first } else { &second };
            let after = app.student(&token, ids.hugo).await;
            assert_eq!(after.version, hugo.version + 1, "round {round}");
            assert_eq!(after.pending["school_level"].new_value, winner["changes"]["school_level"].as_str().expect("a string"), "round {round}");
        }
    }
}

both! {
    async fn a_value_off_a_list_already_in_force_does_not_block_another_edit(app) {
        // Entered before the lists existed (legacy import): kept until someone changes it.
        let ids = app.demo_ids().await;
        let token = app.martin_token().await;
        app.sql(&format!("UPDATE students SET school_level = 'Collège - 4e' WHERE id = {}", ids.lea));
        let lea = app.student(&token, ids.lea).await;
        assert_eq!(lea.fields.school_level, "Collège - 4e");
        let response = app
            .update_student(&token, ids.lea, &json!({"version": lea.version, "changes": {"birth_place": "Créteil (94)"}}))
            .await;
        let view: StudentView = expect_json(response, StatusCode::OK, "an edit of another field").await;
        assert_eq!(view.pending["birth_place"].new_value, "Créteil (94)");
        // Changing it, though, must pick a listed value.
        let response = app
            .update_student(&token, ids.lea, &json!({"version": view.version, "changes": {"school_level": "Collège - 3e"}}))
            .await;
        let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, "an off-list level").await;
        assert_eq!(error.fields.get("school_level").map(String::as_str), Some("Choisissez une valeur de la liste."));
    }
}
