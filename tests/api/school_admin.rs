//! The school side: staff manage years, disciplines, courses, enrolments, evaluations,
//! absences and events; teachers see and record only for their own courses; families
//! see the outcome in their children's tabs.

use serde_json::{Value, json};
use tutti_shared::{Course, Discipline, ErrorCode, Event, RepertoireEntry, SchoolYear};
use tutti_tests::{StatusCode, TestApp, both, expect_error, expect_json};

use crate::household_helpers::{
    HouseholdApi as _, TEACHER_LOGIN, TEACHER_PASSWORD, current_year_label,
};

/// A valid course of `year_id` and `discipline_id`, to spoil one field at a time.
fn course_input(year_id: i64, discipline_id: i64) -> Value {
    json!({
        "school_year_id": year_id,
        "discipline_id": discipline_id,
        "level": "Cycle 1 - 1re année",
        "teacher_name": "Jeanne Roux",
        "weekday": 4,
        "start_time": "17:00",
        "end_time": "17:30",
        "room": "Salle 3"
    })
}

/// The id of the school year in progress.
async fn current_year_id(app: &TestApp, staff: &str) -> i64 {
    let label = current_year_label();
    app.school_years(staff)
        .await
        .into_iter()
        .find(|year| year.label == label)
        .unwrap_or_else(|| panic!("no year {label}"))
        .id
}

/// The id of a demo discipline.
async fn discipline_id(app: &TestApp, token: &str, name: &str) -> i64 {
    let disciplines: Vec<Discipline> = app.get_ok("/api/v1/admin/disciplines", token).await;
    disciplines
        .into_iter()
        .find(|discipline| discipline.name == name)
        .unwrap_or_else(|| panic!("no discipline {name}"))
        .id
}

/// A course of this year by discipline and level, as `token` lists them.
async fn this_years_course(
    app: &TestApp,
    token: &str,
    staff: &str,
    discipline: &str,
    level: &str,
) -> Course {
    let year = current_year_id(app, staff).await;
    app.courses(token, &format!("?school_year_id={year}"))
        .await
        .into_iter()
        .find(|course| course.discipline == discipline && course.level == level)
        .unwrap_or_else(|| panic!("no {discipline} {level} course this year"))
}

/// Creates a violin course this year and enrols Chloé: (course id, enrolment id).
async fn chloe_in_a_new_course(app: &TestApp, staff: &str, chloe: i64) -> (i64, i64) {
    let year = current_year_id(app, staff).await;
    let violin = discipline_id(app, staff, "Violon").await;
    let course = app
        .create_ok("/api/v1/admin/courses", staff, &course_input(year, violin))
        .await;
    let enrolment = app
        .create_ok(
            "/api/v1/admin/enrolments",
            staff,
            &json!({"student_id": chloe, "course_id": course}),
        )
        .await;
    (course, enrolment)
}

both! {
    async fn staff_create_a_school_year_a_discipline_and_a_course(app) {
        let staff = app.staff_token().await;
        let years_before = app.school_years(&staff).await.len();
        let year = app.create_ok("/api/v1/admin/school-years", &staff, &json!({"label": "2040-2041", "starts_on": "2040-09-01", "ends_on": "2041-07-04"})).await;
        let years = app.school_years(&staff).await;
        assert_eq!(years.len(), years_before + 1);
        assert_eq!(years[0], SchoolYear {
            id: year,
            label: "2040-2041".into(),
            starts_on: chrono::NaiveDate::from_ymd_opt(2040, 9, 1).expect("a date"),
            ends_on: chrono::NaiveDate::from_ymd_opt(2041, 7, 4).expect("a date"),
        }, "latest first");

        let duplicate = app.post_as("/api/v1/admin/school-years", &staff, &json!({"label": "2040-2041", "starts_on": "2040-09-02", "ends_on": "2041-07-04"})).await;
        assert_eq!(expect_error(duplicate, StatusCode::CONFLICT, "a taken label").await.code, ErrorCode::AlreadyExists);
        let backwards = app.post_as("/api/v1/admin/school-years", &staff, &json!({"label": "2041-2042", "starts_on": "2042-07-04", "ends_on": "2041-09-01"})).await;
        assert!(expect_error(backwards, StatusCode::UNPROCESSABLE_ENTITY, "end before start").await.fields.contains_key("ends_on"));
        let unlabelled = app.post_as("/api/v1/admin/school-years", &staff, &json!({"label": " ", "starts_on": "2041-09-01", "ends_on": "2042-07-04"})).await;
        assert!(expect_error(unlabelled, StatusCode::UNPROCESSABLE_ENTITY, "no label").await.fields.contains_key("label"));
        let not_a_date = app.post_as("/api/v1/admin/school-years", &staff, &json!({"label": "2041-2042", "starts_on": "2041-02-30", "ends_on": "2042-07-04"})).await;
        expect_error(not_a_date, StatusCode::BAD_REQUEST, "31 February").await;
        assert_eq!(app.school_years(&staff).await.len(), years_before + 1, "only the valid year was created");

        let guitar = app.create_ok("/api/v1/admin/disciplines", &staff, &json!({"name": "Guitare"})).await;
        let disciplines: Vec<Discipline> = app.get_ok("/api/v1/admin/disciplines", &staff).await;
        assert!(disciplines.contains(&Discipline { id: guitar, name: "Guitare".into(), is_dance: false }), "{disciplines:#?}");
        let duplicate = app.post_as("/api/v1/admin/disciplines", &staff, &json!({"name": "Guitare"})).await;
        assert_eq!(expect_error(duplicate, StatusCode::CONFLICT, "a taken name").await.code, ErrorCode::AlreadyExists);

        let course = app.create_ok("/api/v1/admin/courses", &staff, &course_input(year, guitar)).await;
        let courses = app.courses(&staff, &format!("?school_year_id={year}")).await;
        assert_eq!(courses.len(), 1, "{courses:#?}");
        let created = &courses[0];
        assert_eq!((created.id, created.discipline.as_str(), created.discipline_id), (course, "Guitare", guitar));
        assert_eq!((created.weekday, created.start_time.as_str(), created.end_time.as_str()), (4, "17:00", "17:30"));
        assert_eq!((created.level.as_str(), created.teacher_name.as_str(), created.room.as_str()), ("Cycle 1 - 1re année", "Jeanne Roux", "Salle 3"));
        assert_eq!(created.teacher_account_id, None);
        assert_eq!(app.courses(&staff, "").await.len(), 17, "the demo's sixteen courses (last year, this year, next year's catalogue) and the new one");
    }
}

both! {
    async fn course_validation_refuses_bad_times_and_references_of_another_site(app) {
        let staff = app.staff_token().await;
        let year = current_year_id(&app, &staff).await;
        let piano = discipline_id(&app, &staff, "Piano").await;
        let staff_id = app.login_staff().await.account.id;

        let annexe = app.second_site_staff("annexe").await;
        let foreign_discipline = app.create_ok("/api/v1/admin/disciplines", &annexe, &json!({"name": "Guitare"})).await;
        let foreign_year = app.create_ok("/api/v1/admin/school-years", &annexe, &json!({"label": current_year_label(), "starts_on": "2026-09-01", "ends_on": "2027-07-04"})).await;
        let courses_before = app.courses(&staff, "").await.len();

        let cases: Vec<(&str, Value, &str)> = vec![
            ("start_time", json!("25:00"), "start_time"),
            ("start_time", json!("9:00"), "start_time"),
            ("start_time", json!("12:60"), "start_time"),
            ("end_time", json!("midi"), "start_time"),
            ("end_time", json!("16:30"), "end_time"),
            ("end_time", json!("17:00"), "end_time"),
            ("weekday", json!(0), "weekday"),
            ("weekday", json!(8), "weekday"),
            ("level", json!(""), "level"),
            ("teacher_name", json!("x".repeat(101)), "teacher_name"),
            ("discipline_id", json!(99_999_999), "discipline_id"),
            ("discipline_id", json!(foreign_discipline), "discipline_id"),
            ("school_year_id", json!(foreign_year), "school_year_id"),
            ("teacher_account_id", json!(staff_id), "teacher_account_id"),
            ("teacher_account_id", json!(99_999_999), "teacher_account_id"),
        ];
        for (field, value, reported) in cases {
            let mut body = course_input(year, piano);
            body[field] = value.clone();
            let response = app.post_as("/api/v1/admin/courses", &staff, &body).await;
            let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, &format!("{field} = {value}")).await;
            assert_eq!(error.code, ErrorCode::Validation);
            assert!(error.fields.contains_key(reported), "{field} = {value}: a message for {reported}: {error:?}");
        }
        for (field, value) in [("weekday", json!("mercredi")), ("discipline_id", json!("Piano")), ("colour", json!("bleu"))] {
            let mut body = course_input(year, piano);
            body[field] = value.clone();
            let response = app.post_as("/api/v1/admin/courses", &staff, &body).await;
            expect_error(response, StatusCode::BAD_REQUEST, &format!("{field} = {value}")).await;
        }
        assert_eq!(app.courses(&staff, "").await.len(), courses_before, "no course was created");

        // The annexe's staff, likewise, cannot use the conservatoire's discipline.
        let mut body = course_input(foreign_year, piano);
        body["discipline_id"] = json!(piano);
        let error = expect_error(app.post_as("/api/v1/admin/courses", &annexe, &body).await, StatusCode::UNPROCESSABLE_ENTITY, "annexe with a conservatoire discipline").await;
        assert!(error.fields.contains_key("discipline_id"), "{error:?}");
    }
}

both! {
    async fn staff_enrol_a_student_and_record_an_evaluation_and_an_absence_the_family_sees(app) {
        let ids = app.demo_ids().await;
        let staff = app.staff_token().await;
        let family = app.martin_token().await;
        let (course, enrolment) = chloe_in_a_new_course(&app, &staff, ids.chloe).await;

        let duplicate = app.post_as("/api/v1/admin/enrolments", &staff, &json!({"student_id": ids.chloe, "course_id": course})).await;
        assert_eq!(expect_error(duplicate, StatusCode::CONFLICT, "enrolled twice").await.code, ErrorCode::AlreadyExists);
        let unknown = app.post_as("/api/v1/admin/enrolments", &staff, &json!({"student_id": 99_999_999, "course_id": 99_999_999})).await;
        let error = expect_error(unknown, StatusCode::UNPROCESSABLE_ENTITY, "unknown student and course").await;
        assert!(error.fields.contains_key("student_id") && error.fields.contains_key("course_id"), "{error:?}");

        let class = app.enrolments(&staff, course).await;
        assert_eq!(class.len(), 1);
        assert_eq!((class[0].id, class[0].student_id, class[0].student_name.as_str(), class[0].course_id), (enrolment, ids.chloe, "Chloé Martin", course));

        let today = chrono::Utc::now().date_naive();
        let evaluation = app
            .create_ok("/api/v1/admin/evaluations", &staff, &json!({"enrolment_id": enrolment, "period": "1er trimestre", "comment": "Très bon début, belle tenue de l'archet.", "mark": "A"}))
            .await;
        let absence = app
            .create_ok("/api/v1/admin/absences", &staff, &json!({"enrolment_id": enrolment, "date": today, "justified": true, "reason": "Rendez-vous médical"}))
            .await;
        for (body, field) in [
            (json!({"enrolment_id": enrolment, "period": "1er trimestre", "comment": ""}), "comment"),
            (json!({"enrolment_id": enrolment, "period": "", "comment": "Bien"}), "period"),
            (json!({"enrolment_id": enrolment, "period": "2e trimestre", "comment": "Bien", "mark": "x".repeat(21)}), "mark"),
        ] {
            let error = expect_error(app.post_as("/api/v1/admin/evaluations", &staff, &body).await, StatusCode::UNPROCESSABLE_ENTITY, &format!("{body}")).await;
            assert!(error.fields.contains_key(field), "{error:?}");
        }
        let orphan = app.post_as("/api/v1/admin/evaluations", &staff, &json!({"enrolment_id": 99_999_999, "period": "1er trimestre", "comment": "Bien"})).await;
        expect_error(orphan, StatusCode::NOT_FOUND, "evaluation of an unknown enrolment").await;

        let courses = app.student_courses(&family, ids.chloe).await;
        assert_eq!(courses.len(), 2, "dance and the new violin course: {courses:#?}");
        let violin = courses.iter().find(|entry| entry.enrolment_id == enrolment).expect("the new course in the Cours tab");
        assert_eq!(violin.course.id, course);
        assert_eq!(violin.evaluations.len(), 1);
        assert_eq!((violin.evaluations[0].id, violin.evaluations[0].mark.as_deref()), (evaluation, Some("A")));
        assert_eq!(violin.absences.len(), 1);
        assert_eq!((violin.absences[0].id, violin.absences[0].date, violin.absences[0].justified), (absence, today, true));
        assert_eq!(violin.absences[0].reason, "Rendez-vous médical");

        // Edits: an absence becomes unjustified; an evaluation changes once per version.
        let response = app.put_as(&format!("/api/v1/admin/absences/{absence}"), &staff, &json!({"enrolment_id": enrolment, "date": today, "justified": false})).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let version = violin.evaluations[0].version;
        let edit = json!({"enrolment_id": enrolment, "period": "1er trimestre", "comment": "Très bon début.", "mark": "A+", "version": version});
        assert_eq!(app.put_as(&format!("/api/v1/admin/evaluations/{evaluation}"), &staff, &edit).await.status(), StatusCode::NO_CONTENT);
        let stale = app.put_as(&format!("/api/v1/admin/evaluations/{evaluation}"), &staff, &json!({"enrolment_id": enrolment, "period": "1er trimestre", "comment": "Autre", "version": version})).await;
        assert_eq!(expect_error(stale, StatusCode::CONFLICT, "stale evaluation edit").await.code, ErrorCode::StaleVersion);
        let courses = app.student_courses(&family, ids.chloe).await;
        let violin = courses.iter().find(|entry| entry.enrolment_id == enrolment).expect("the violin course");
        assert!(!violin.absences[0].justified);
        assert_eq!((violin.evaluations[0].comment.as_str(), violin.evaluations[0].mark.as_deref()), ("Très bon début.", Some("A+")));

        // Removing the enrolment removes the course from the family's tab.
        assert_eq!(app.delete_as(&format!("/api/v1/admin/enrolments/{enrolment}"), &staff).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(app.delete_as(&format!("/api/v1/admin/enrolments/{enrolment}"), &staff).await.status(), StatusCode::NOT_FOUND);
        let courses = app.student_courses(&family, ids.chloe).await;
        assert_eq!(courses.iter().map(|entry| entry.course.discipline.as_str()).collect::<Vec<_>>(), ["Danse classique"]);
    }
}

both! {
    async fn editing_a_course_with_a_stale_version_conflicts(app) {
        let staff = app.staff_token().await;
        let course = this_years_course(&app, &staff, &staff, "Violon", "Cycle 1 - 2e année").await;
        let mut body = json!({
            "school_year_id": course.school_year_id,
            "discipline_id": course.discipline_id,
            "level": course.level,
            "teacher_name": course.teacher_name,
            "weekday": course.weekday,
            "start_time": course.start_time,
            "end_time": course.end_time,
            "room": "Salle 9",
            "version": course.version
        });
        let path = format!("/api/v1/admin/courses/{}", course.id);
        let edited: Course = expect_json(app.put_as(&path, &staff, &body).await, StatusCode::OK, "first edit").await;
        assert_eq!((edited.room.as_str(), edited.version), ("Salle 9", course.version + 1));

        body["room"] = json!("Salle 10");
        let error = expect_error(app.put_as(&path, &staff, &body).await, StatusCode::CONFLICT, "stale edit").await;
        assert_eq!(error.code, ErrorCode::StaleVersion);
        let now = this_years_course(&app, &staff, &staff, "Violon", "Cycle 1 - 2e année").await;
        assert_eq!(now, edited, "the stale edit changed nothing");

        body.as_object_mut().expect("an object").remove("version");
        let error = expect_error(app.put_as(&path, &staff, &body).await, StatusCode::UNPROCESSABLE_ENTITY, "no version").await;
        assert!(error.fields.contains_key("version"), "{error:?}");
        body["version"] = json!(edited.version);
        body["end_time"] = json!("17:00");
        let error = expect_error(app.put_as(&path, &staff, &body).await, StatusCode::UNPROCESSABLE_ENTITY, "end before start").await;
        assert!(error.fields.contains_key("end_time"), "{error:?}");
        expect_error(app.put_as("/api/v1/admin/courses/99999999", &staff, &body).await, StatusCode::NOT_FOUND, "unknown course").await;
        assert_eq!(this_years_course(&app, &staff, &staff, "Violon", "Cycle 1 - 2e année").await, edited);
    }
}

both! {
    async fn events_and_participations_appear_in_the_childs_repertoire(app) {
        let ids = app.demo_ids().await;
        let staff = app.staff_token().await;
        let family = app.martin_token().await;
        let event = app
            .create_ok("/api/v1/admin/events", &staff, &json!({"name": "Audition de printemps", "kind": "audition", "date": "2027-04-10", "place": "Auditorium", "programme": "Pièces de première année."}))
            .await;
        for (body, field) in [
            (json!({"name": "Bal", "kind": "bal", "date": "2027-04-10"}), "kind"),
            (json!({"name": " ", "kind": "concert", "date": "2027-04-10"}), "name"),
        ] {
            let error = expect_error(app.post_as("/api/v1/admin/events", &staff, &body).await, StatusCode::UNPROCESSABLE_ENTITY, &format!("{body}")).await;
            assert!(error.fields.contains_key(field), "{error:?}");
        }
        let events: Vec<Event> = app.get_ok("/api/v1/admin/events", &staff).await;
        assert_eq!(events.len(), 3, "two demo events and the new one");
        assert_eq!(events[0].id, event, "latest first");

        let path = format!("/api/v1/admin/events/{event}/participations");
        let participation = app.create_ok(&path, &staff, &json!({"student_id": ids.chloe, "piece": "Petite valse"})).await;
        let twice = app.post_as(&path, &staff, &json!({"student_id": ids.chloe, "piece": "Encore"})).await;
        assert_eq!(expect_error(twice, StatusCode::CONFLICT, "taking part twice").await.code, ErrorCode::AlreadyExists);
        expect_error(app.post_as("/api/v1/admin/events/99999999/participations", &staff, &json!({"student_id": ids.chloe})).await, StatusCode::NOT_FOUND, "unknown event").await;
        let error = expect_error(app.post_as(&path, &staff, &json!({"student_id": 99_999_999})).await, StatusCode::UNPROCESSABLE_ENTITY, "unknown student").await;
        assert!(error.fields.contains_key("student_id"));

        let repertoire = app.student_repertoire(&family, ids.chloe).await;
        assert_eq!(repertoire.len(), 1, "{repertoire:#?}");
        let entry: &RepertoireEntry = &repertoire[0];
        assert_eq!((entry.participation_id, entry.piece.as_str()), (participation, "Petite valse"));
        assert_eq!((entry.event.id, entry.event.name.as_str(), entry.event.kind.as_str()), (event, "Audition de printemps", "audition"));
        assert_eq!(entry.event.date, chrono::NaiveDate::from_ymd_opt(2027, 4, 10).expect("a date"));
        assert_eq!(entry.event.place, "Auditorium");

        let renamed = json!({"name": "Audition d'avril", "kind": "audition", "date": "2027-04-10", "place": "Auditorium"});
        assert_eq!(app.put_as(&format!("/api/v1/admin/events/{event}"), &staff, &renamed).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(app.student_repertoire(&family, ids.chloe).await[0].event.name, "Audition d'avril");

        assert_eq!(app.delete_as(&format!("/api/v1/admin/participations/{participation}"), &staff).await.status(), StatusCode::NO_CONTENT);
        assert!(app.student_repertoire(&family, ids.chloe).await.is_empty());
        assert_eq!(app.delete_as(&format!("/api/v1/admin/participations/{participation}"), &staff).await.status(), StatusCode::NOT_FOUND);
    }
}

both! {
    async fn a_teacher_lists_only_their_own_courses(app) {
        let session = app.login_ok_with(&app.new_client(), tutti_tests::demo::SITE, TEACHER_LOGIN, TEACHER_PASSWORD).await;
        let (teacher, teacher_id) = (session.access_token, session.account.id);
        let own = app.courses(&teacher, "").await;
        assert_eq!(own.len(), 3, "piano last year, this year and in next year's catalogue: {own:#?}");
        assert!(own.iter().all(|course| course.teacher_account_id == Some(teacher_id) && course.discipline == "Piano"), "{own:#?}");
        let staff = app.staff_token().await;
        let year = current_year_id(&app, &staff).await;
        let this_year = app.courses(&teacher, &format!("?school_year_id={year}")).await;
        assert_eq!(this_year.iter().map(|course| course.level.as_str()).collect::<Vec<_>>(), ["Cycle 1 - 4e année"]);
        assert_eq!(app.courses(&staff, "").await.len(), 16, "staff see every course of the site");
        // Teachers may read the years and disciplines their courses refer to.
        assert_eq!(app.school_years(&teacher).await.len(), 3);
        let _: Vec<Discipline> = app.get_ok("/api/v1/admin/disciplines", &teacher).await;
    }
}

both! {
    async fn a_teacher_records_evaluations_and_absences_only_for_their_own_course(app) {
        let ids = app.demo_ids().await;
        let staff = app.staff_token().await;
        let teacher = app.token_of(TEACHER_LOGIN, TEACHER_PASSWORD).await;
        let family = app.martin_token().await;

        let piano = this_years_course(&app, &teacher, &staff, "Piano", "Cycle 1 - 4e année").await;
        let class = app.enrolments(&teacher, piano.id).await;
        assert_eq!(class.iter().map(|enrolment| enrolment.student_id).collect::<Vec<_>>(), [ids.lea]);
        let today = chrono::Utc::now().date_naive();
        app.create_ok("/api/v1/admin/evaluations", &teacher, &json!({"enrolment_id": class[0].id, "period": "Audition", "comment": "Belle audition."})).await;
        app.create_ok("/api/v1/admin/absences", &teacher, &json!({"enrolment_id": class[0].id, "date": today})).await;
        let lea = app.student_courses(&family, ids.lea).await;
        let lea_piano = lea.iter().find(|entry| entry.enrolment_id == class[0].id).expect("Léa's piano");
        assert_eq!(lea_piano.evaluations.len(), 2);
        assert_eq!(lea_piano.absences.len(), 1);
        assert!(!lea_piano.absences[0].justified, "justified defaults to false");

        // Léa's formation musicale is another teacher's course.
        let musicianship = this_years_course(&app, &staff, &staff, "Formation musicale", "Cycle 2 - 1re année").await;
        let other = app.enrolments(&staff, musicianship.id).await;
        let other_enrolment = other.iter().find(|enrolment| enrolment.student_id == ids.lea).expect("Léa in FM").id;
        let before = app.student_courses(&family, ids.lea).await;
        let forbidden = [
            app.get_as(&format!("/api/v1/admin/courses/{}/enrolments", musicianship.id), &teacher).await,
            app.post_as("/api/v1/admin/evaluations", &teacher, &json!({"enrolment_id": other_enrolment, "period": "Audition", "comment": "Pas mon élève."})).await,
            app.post_as("/api/v1/admin/absences", &teacher, &json!({"enrolment_id": other_enrolment, "date": today})).await,
        ];
        for response in forbidden {
            let url = response.url().to_string();
            assert_eq!(expect_error(response, StatusCode::FORBIDDEN, &url).await.code, ErrorCode::Forbidden);
        }
        let fm = before.iter().find(|entry| entry.enrolment_id == other_enrolment).expect("Léa's FM");
        let evaluation = &fm.evaluations[0];
        let absence = &fm.absences[0];
        let edit_evaluation = app
            .put_as(&format!("/api/v1/admin/evaluations/{}", evaluation.id), &teacher, &json!({"enrolment_id": other_enrolment, "period": "x", "comment": "x", "version": evaluation.version}))
            .await;
        assert_eq!(edit_evaluation.status(), StatusCode::FORBIDDEN, "another teacher's evaluation");
        let edit_absence = app
            .put_as(&format!("/api/v1/admin/absences/{}", absence.id), &teacher, &json!({"enrolment_id": other_enrolment, "date": absence.date, "justified": !absence.justified}))
            .await;
        assert_eq!(edit_absence.status(), StatusCode::FORBIDDEN, "another teacher's absence");
        // None of the refused requests touched Léa's formation musicale.
        assert_eq!(app.student_courses(&family, ids.lea).await.iter().find(|entry| entry.enrolment_id == other_enrolment), Some(fm), "Léa's FM is untouched");
    }
}

both! {
    async fn a_teacher_cannot_reach_the_staff_back_office(app) {
        let ids = app.demo_ids().await;
        let teacher = app.teacher_token().await;
        let staff = app.staff_token().await;
        let year = current_year_id(&app, &staff).await;
        let piano = this_years_course(&app, &teacher, &staff, "Piano", "Cycle 1 - 4e année").await;
        let mut course_edit = course_input(year, piano.discipline_id);
        course_edit["version"] = json!(piano.version);
        let responses = [
            app.get_as("/api/v1/admin/families", &teacher).await,
            app.get_as(&format!("/api/v1/admin/families/{}", ids.martin_family), &teacher).await,
            app.post_as("/api/v1/admin/families", &teacher, &json!({"login": "famille.x", "guardian": crate::household_helpers::valid_guardian("X", "x@example.fr")})).await,
            app.get_as("/api/v1/admin/students", &teacher).await,
            app.get_as(&format!("/api/v1/admin/students/{}", ids.lea), &teacher).await,
            app.get_as("/api/v1/admin/change-requests", &teacher).await,
            app.post_as("/api/v1/admin/change-requests/decisions", &teacher, &json!({"ids": [1], "decision": "approve"})).await,
            app.post_as("/api/v1/admin/school-years", &teacher, &json!({"label": "2040-2041", "starts_on": "2040-09-01", "ends_on": "2041-07-04"})).await,
            app.post_as("/api/v1/admin/disciplines", &teacher, &json!({"name": "Guitare"})).await,
            app.post_as("/api/v1/admin/courses", &teacher, &course_input(year, piano.discipline_id)).await,
            app.put_as(&format!("/api/v1/admin/courses/{}", piano.id), &teacher, &course_edit).await,
            app.post_as("/api/v1/admin/enrolments", &teacher, &json!({"student_id": ids.chloe, "course_id": piano.id})).await,
            app.get_as("/api/v1/admin/events", &teacher).await,
        ];
        for response in responses {
            let what = format!("{} as the teacher", response.url().path());
            assert_eq!(expect_error(response, StatusCode::FORBIDDEN, &what).await.code, ErrorCode::Forbidden);
        }
        assert_eq!(app.courses(&staff, "").await.len(), 16, "nothing was created");
        assert_eq!(this_years_course(&app, &teacher, &staff, "Piano", "Cycle 1 - 4e année").await, piano, "nothing was edited");
    }
}

both! {
    async fn the_class_list_shows_what_was_recorded_and_only_to_the_courses_teacher_or_staff(app) {
        let staff = app.staff_token().await;
        let teacher = app.token_of(TEACHER_LOGIN, TEACHER_PASSWORD).await;
        let year = current_year_id(&app, &staff).await;
        let courses = app.courses(&staff, &format!("?school_year_id={year}")).await;
        let piano = courses.iter().find(|course| course.discipline == "Piano").expect("the demo piano course");
        let other = courses.iter().find(|course| course.discipline != "Piano").expect("another course");

        let course: Course = app.get_ok(&format!("/api/v1/admin/courses/{}", piano.id), &teacher).await;
        assert_eq!(course.id, piano.id);
        let class: Vec<tutti_shared::ClassMember> = app.get_ok(&format!("/api/v1/admin/courses/{}/class", piano.id), &teacher).await;
        assert_eq!(class.len(), 1, "Léa alone: {class:#?}");
        assert_eq!(class[0].student_name, "Léa Martin");
        assert!(class[0].evaluations.iter().any(|evaluation| evaluation.period == "1er trimestre"), "{class:#?}");

        let forbidden = app.get_authorized(&format!("/api/v1/admin/courses/{}/class", other.id), &teacher).await;
        expect_error(forbidden, StatusCode::FORBIDDEN, "another teacher's class").await;
        let forbidden = app.get_authorized(&format!("/api/v1/admin/courses/{}", other.id), &teacher).await;
        expect_error(forbidden, StatusCode::FORBIDDEN, "another teacher's course").await;

        let teachers: Vec<tutti_shared::TeacherSummary> = app.get_ok("/api/v1/admin/teachers", &staff).await;
        assert_eq!(teachers.iter().map(|teacher| teacher.display_name.as_str()).collect::<Vec<_>>(), ["Isabelle Moreau"]);
        let refused = app.get_authorized("/api/v1/admin/teachers", &teacher).await;
        expect_error(refused, StatusCode::FORBIDDEN, "teachers do not list teachers").await;
    }
}

both! {
    async fn staff_list_the_participants_of_an_event(app) {
        let staff = app.staff_token().await;
        let events: Vec<Event> = app.get_ok("/api/v1/admin/events", &staff).await;
        let concert = events.iter().find(|event| event.name == "Concert de Noël").expect("the demo concert");
        let participants: Vec<tutti_shared::Participant> =
            app.get_ok(&format!("/api/v1/admin/events/{}/participations", concert.id), &staff).await;
        let mut names: Vec<&str> = participants.iter().map(|participant| participant.student_name.as_str()).collect();
        names.sort_unstable();
        assert_eq!(names, ["Léa Martin", "Nathan Durand"]);
        let missing = app.get_authorized("/api/v1/admin/events/999999/participations", &staff).await;
        expect_error(missing, StatusCode::NOT_FOUND, "no such event").await;
    }
}
