//! Typed helpers for the household and school tests (family edits, the staff queue, the
//! school side), as an extension of the shared [`TestApp`].
//!
//! Every helper speaks HTTP only; the few peeks at the database (pending change-request
//! rows, audit rows, the outbox) go through the harness's raw SQL, so a test never shares
//! code with the server it checks.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tutti_shared::{
    ChangeRequest, Course, Enrolment, FamilyView, Page, RepertoireEntry, SchoolYear, StudentCourse,
    StudentSummary, StudentView,
};
use tutti_tests::{Email, Response, StatusCode, TestApp, TextRow, demo, expect_json};

/// The demo teacher (Isabelle Moreau, piano), who teaches Léa's piano course.
pub const TEACHER_LOGIN: &str = "prof.demo";
/// The demo teacher's password.
pub const TEACHER_PASSWORD: &str = "Demo-Professeur-2026";
/// Famille Martin's account email: acknowledgments go there, whoever's record changed.
pub const MARTIN_ACCOUNT_EMAIL: &str = "claire.martin@example.fr";
/// The subject of the email that acknowledges a family's edit.
pub const ACKNOWLEDGMENT_SUBJECT: &str = "Accusé de réception de vos modifications";

/// The ids of the demo households, read through the family endpoints.
#[derive(Debug, Clone, Copy)]
pub struct DemoIds {
    /// Famille Martin.
    pub martin_family: i64,
    /// Claire Martin, first guardian.
    pub claire: i64,
    /// Julien Martin, second guardian.
    pub julien: i64,
    /// Léa, the eldest Martin child (piano with the demo teacher).
    pub lea: i64,
    /// Hugo Martin.
    pub hugo: i64,
    /// Chloé Martin, the youngest.
    pub chloe: i64,
    /// Famille Durand.
    pub durand_family: i64,
    /// Sophie Durand, the only Durand guardian.
    pub sophie: i64,
    /// Nathan Durand, the only Durand child.
    pub nathan: i64,
}

/// The school year label (`2026-2027`) in progress today, as the demo data computes it.
pub fn current_year_label() -> String {
    use chrono::Datelike as _;
    let today = chrono::Utc::now().date_naive();
    let first = if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    };
    format!("{first}-{}", first + 1)
}

/// The school year label before [`current_year_label`].
pub fn previous_year_label() -> String {
    use chrono::Datelike as _;
    let today = chrono::Utc::now().date_naive();
    let first = if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    };
    format!("{}-{first}", first - 1)
}

/// A complete, valid "Responsable" form, for creating a household.
pub fn valid_guardian(last_name: &str, email: &str) -> Value {
    json!({
        "civility": "Madame",
        "last_name": last_name,
        "first_name": "Anne",
        "address": "8 place de la Mairie",
        "postcode": "94500",
        "city": "Champigny-sur-Marne",
        "phone_home": "",
        "phone_mobile": "06 22 33 44 55",
        "phone_work": "",
        "email": email,
        "marital_status": "Marié(e)",
        "socio_professional_code": "43",
        "profession": "Infirmière",
        "extra_phone_1": "",
        "extra_phone_2": "",
        "extra_phone_3": ""
    })
}

/// Reads a `SELECT ... AS value` that yields one number (as text on both backends).
pub fn number_of(app: &TestApp, statement: &str) -> i64 {
    let rows: Vec<TextRow> = app.query(statement);
    let row = rows
        .first()
        .unwrap_or_else(|| panic!("no row for {statement}"));
    row.value
        .trim()
        .parse()
        .unwrap_or_else(|error| panic!("{statement} gave {:?}: {error}", row.value))
}

/// The household and school surface of the API, spoken as a family, staff or teacher.
pub trait HouseholdApi {
    // ----- Sessions -----

    /// Logs `login` in on the demo site from a fresh client and returns the access token.
    async fn token_of(&self, login: &str, password: &str) -> String;
    /// Famille Martin's access token.
    async fn martin_token(&self) -> String;
    /// Famille Durand's access token.
    async fn durand_token(&self) -> String;
    /// The demo staff's access token.
    async fn staff_token(&self) -> String;
    /// The demo teacher's access token.
    async fn teacher_token(&self) -> String;
    /// The ids of both demo households.
    async fn demo_ids(&self) -> DemoIds;

    // ----- Raw requests -----

    /// Sends `method path` with an optional bearer token and an optional JSON body.
    async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response;
    /// GET with a token.
    async fn get_as(&self, path: &str, token: &str) -> Response;
    /// POST a JSON body with a token.
    async fn post_as(&self, path: &str, token: &str, body: &Value) -> Response;
    /// PUT a JSON body with a token.
    async fn put_as(&self, path: &str, token: &str, body: &Value) -> Response;
    /// PATCH a JSON body with a token.
    async fn patch_as(&self, path: &str, token: &str, body: &Value) -> Response;
    /// DELETE with a token.
    async fn delete_as(&self, path: &str, token: &str) -> Response;
    /// GET with a token, insisting on 200, decoded.
    async fn get_ok<T: DeserializeOwned>(&self, path: &str, token: &str) -> T;
    /// POST with a token, insisting on 201, and the created record's id.
    async fn create_ok(&self, path: &str, token: &str, body: &Value) -> i64;

    // ----- The family's side -----

    /// GET /api/v1/family.
    async fn family(&self, token: &str) -> FamilyView;
    /// PATCH /api/v1/family/guardians/{id}.
    async fn update_guardian(&self, token: &str, guardian_id: i64, body: &Value) -> Response;
    /// GET /api/v1/students.
    async fn students(&self, token: &str) -> Vec<StudentSummary>;
    /// GET /api/v1/students/{id}.
    async fn student(&self, token: &str, student_id: i64) -> StudentView;
    /// PATCH /api/v1/students/{id}.
    async fn update_student(&self, token: &str, student_id: i64, body: &Value) -> Response;
    /// GET /api/v1/students/{id}/courses.
    async fn student_courses(&self, token: &str, student_id: i64) -> Vec<StudentCourse>;
    /// GET /api/v1/students/{id}/history.
    async fn student_history(&self, token: &str, student_id: i64) -> Vec<StudentCourse>;
    /// GET /api/v1/students/{id}/repertoire.
    async fn student_repertoire(&self, token: &str, student_id: i64) -> Vec<RepertoireEntry>;

    // ----- The staff's side -----

    /// GET /api/v1/admin/change-requests{query}.
    async fn change_requests(&self, token: &str, query: &str) -> Page<ChangeRequest>;
    /// POST /api/v1/admin/change-requests/decisions.
    async fn decide(&self, token: &str, ids: &[i64], decision: &str) -> Response;
    /// GET /api/v1/admin/courses{query}.
    async fn courses(&self, token: &str, query: &str) -> Vec<Course>;
    /// GET /api/v1/admin/school-years.
    async fn school_years(&self, token: &str) -> Vec<SchoolYear>;
    /// GET /api/v1/admin/courses/{id}/enrolments, insisting on 200.
    async fn enrolments(&self, token: &str, course_id: i64) -> Vec<Enrolment>;

    // ----- Database peeks -----

    /// How many change-request rows exist (any status).
    fn change_request_rows(&self) -> i64;
    /// The audit log as `action target_type target_id account_id` lines, oldest first.
    fn audit_lines(&self) -> Vec<String>;
    /// How many emails went to `to` with exactly `subject`.
    fn emails_with(&self, to: &str, subject: &str) -> usize;
    /// Waits (up to 10 s) for an email to `to` whose subject contains `subject`; emails
    /// queued in the background (reset links) may land a moment after the response.
    async fn wait_for_email(&self, to: &str, subject: &str) -> Email;

    // ----- A second site -----

    /// Creates a site and a staff account with the CLI tasks, sets the password through
    /// the emailed link, logs in and returns the access token.
    async fn second_site_staff(&self, slug: &str) -> String;
    /// Sets a password through the reset flow, waiting for the emailed link.
    async fn set_password_by_link(&self, site: &str, login: &str, email: &str, password: &str);
}

impl HouseholdApi for TestApp {
    async fn token_of(&self, login: &str, password: &str) -> String {
        self.login_ok_with(&self.new_client(), demo::SITE, login, password)
            .await
            .access_token
    }

    async fn martin_token(&self) -> String {
        self.token_of(demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD)
            .await
    }

    async fn durand_token(&self) -> String {
        self.token_of(demo::DURAND_LOGIN, demo::FAMILY_PASSWORD)
            .await
    }

    async fn staff_token(&self) -> String {
        self.token_of(demo::STAFF_LOGIN, demo::STAFF_PASSWORD).await
    }

    async fn teacher_token(&self) -> String {
        self.token_of(TEACHER_LOGIN, TEACHER_PASSWORD).await
    }

    async fn demo_ids(&self) -> DemoIds {
        let martin = self.martin_token().await;
        let durand = self.durand_token().await;
        let martin_family = self.family(&martin).await;
        let durand_family = self.family(&durand).await;
        let martin_children = self.students(&martin).await;
        let durand_children = self.students(&durand).await;
        let child = |children: &[StudentSummary], name: &str| {
            children
                .iter()
                .find(|child| child.first_name == name)
                .unwrap_or_else(|| panic!("no child named {name} in {children:?}"))
                .id
        };
        let guardian = |family: &FamilyView, index: usize| {
            family
                .guardians
                .get(index)
                .unwrap_or_else(|| panic!("no guardian #{index} in {family:?}"))
                .id
        };
        DemoIds {
            martin_family: martin_family.id,
            claire: guardian(&martin_family, 0),
            julien: guardian(&martin_family, 1),
            lea: child(&martin_children, "Léa"),
            hugo: child(&martin_children, "Hugo"),
            chloe: child(&martin_children, "Chloé"),
            durand_family: durand_family.id,
            sophie: guardian(&durand_family, 0),
            nathan: child(&durand_children, "Nathan"),
        }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        // As the SPA does: its header goes with every call (refresh and logout need it).
        let mut request = self
            .bare_client()
            .request(method.clone(), self.url(path))
            .header(tutti_tests::CLIENT_HEADER.0, tutti_tests::CLIENT_HEADER.1);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request
            .send()
            .await
            .unwrap_or_else(|error| panic!("{method} {path}: {error}"))
    }

    async fn get_as(&self, path: &str, token: &str) -> Response {
        self.send(Method::GET, path, Some(token), None).await
    }

    async fn post_as(&self, path: &str, token: &str, body: &Value) -> Response {
        self.send(Method::POST, path, Some(token), Some(body)).await
    }

    async fn put_as(&self, path: &str, token: &str, body: &Value) -> Response {
        self.send(Method::PUT, path, Some(token), Some(body)).await
    }

    async fn patch_as(&self, path: &str, token: &str, body: &Value) -> Response {
        self.send(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    async fn delete_as(&self, path: &str, token: &str) -> Response {
        self.send(Method::DELETE, path, Some(token), None).await
    }

    async fn get_ok<T: DeserializeOwned>(&self, path: &str, token: &str) -> T {
        expect_json(
            self.get_as(path, token).await,
            StatusCode::OK,
            &format!("GET {path}"),
        )
        .await
    }

    async fn create_ok(&self, path: &str, token: &str, body: &Value) -> i64 {
        let created: Value = expect_json(
            self.post_as(path, token, body).await,
            StatusCode::CREATED,
            &format!("POST {path} {body}"),
        )
        .await;
        created["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("POST {path}: no id in {created}"))
    }

    async fn family(&self, token: &str) -> FamilyView {
        self.get_ok("/api/v1/family", token).await
    }

    async fn update_guardian(&self, token: &str, guardian_id: i64, body: &Value) -> Response {
        self.patch_as(
            &format!("/api/v1/family/guardians/{guardian_id}"),
            token,
            body,
        )
        .await
    }

    async fn students(&self, token: &str) -> Vec<StudentSummary> {
        self.get_ok("/api/v1/students", token).await
    }

    async fn student(&self, token: &str, student_id: i64) -> StudentView {
        self.get_ok(&format!("/api/v1/students/{student_id}"), token)
            .await
    }

    async fn update_student(&self, token: &str, student_id: i64, body: &Value) -> Response {
        self.patch_as(&format!("/api/v1/students/{student_id}"), token, body)
            .await
    }

    async fn student_courses(&self, token: &str, student_id: i64) -> Vec<StudentCourse> {
        self.get_ok(&format!("/api/v1/students/{student_id}/courses"), token)
            .await
    }

    async fn student_history(&self, token: &str, student_id: i64) -> Vec<StudentCourse> {
        self.get_ok(&format!("/api/v1/students/{student_id}/history"), token)
            .await
    }

    async fn student_repertoire(&self, token: &str, student_id: i64) -> Vec<RepertoireEntry> {
        self.get_ok(&format!("/api/v1/students/{student_id}/repertoire"), token)
            .await
    }

    async fn change_requests(&self, token: &str, query: &str) -> Page<ChangeRequest> {
        self.get_ok(&format!("/api/v1/admin/change-requests{query}"), token)
            .await
    }

    async fn decide(&self, token: &str, ids: &[i64], decision: &str) -> Response {
        self.post_as(
            "/api/v1/admin/change-requests/decisions",
            token,
            &json!({"ids": ids, "decision": decision}),
        )
        .await
    }

    async fn courses(&self, token: &str, query: &str) -> Vec<Course> {
        self.get_ok(&format!("/api/v1/admin/courses{query}"), token)
            .await
    }

    async fn school_years(&self, token: &str) -> Vec<SchoolYear> {
        self.get_ok("/api/v1/admin/school-years", token).await
    }

    async fn enrolments(&self, token: &str, course_id: i64) -> Vec<Enrolment> {
        self.get_ok(
            &format!("/api/v1/admin/courses/{course_id}/enrolments"),
            token,
        )
        .await
    }

    fn change_request_rows(&self) -> i64 {
        number_of(
            self,
            "SELECT CAST(COUNT(*) AS TEXT) AS value FROM change_requests",
        )
    }

    fn audit_lines(&self) -> Vec<String> {
        self.query::<TextRow>(
            "SELECT action || ' ' || COALESCE(target_type, '-') || ' ' || COALESCE(CAST(target_id AS TEXT), '-') \
             || ' ' || COALESCE(CAST(account_id AS TEXT), '-') AS value FROM audit_log ORDER BY id",
        )
        .into_iter()
        .map(|row| row.value)
        .collect()
    }

    fn emails_with(&self, to: &str, subject: &str) -> usize {
        self.outbox()
            .iter()
            .filter(|email| email.to.eq_ignore_ascii_case(to) && email.subject == subject)
            .count()
    }

    async fn wait_for_email(&self, to: &str, subject: &str) -> Email {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let found =
                self.outbox().into_iter().rev().find(|email| {
                    email.to.eq_ignore_ascii_case(to) && email.subject.contains(subject)
                });
            if let Some(email) = found {
                return email;
            }
            assert!(
                Instant::now() < deadline,
                "no email to {to} about {subject:?} within 10 s: {:#?}",
                self.outbox()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn second_site_staff(&self, slug: &str) -> String {
        let login = format!("admin.{slug}");
        let email = format!("secretariat@{slug}.example.fr");
        let config = self.config();
        let (task_slug, task_login, task_email) = (slug.to_owned(), login.clone(), email.clone());
        tokio::task::spawn_blocking(move || {
            tutti_api::tasks::create_site(&config, &task_slug, "Seconde école")?;
            tutti_api::tasks::create_staff(&config, &task_slug, &task_login, &task_email)
        })
        .await
        .expect("the CLI tasks panicked")
        .unwrap_or_else(|error| panic!("creating the site {slug} and its staff: {error:?}"));
        let password = "Seconde-Ecole-2026";
        self.set_password_by_link(slug, &login, &email, password)
            .await;
        self.login_ok_with(&self.new_client(), slug, &login, password)
            .await
            .access_token
    }

    async fn set_password_by_link(&self, site: &str, login: &str, email: &str, password: &str) {
        let before = self.outbox().len();
        let response = self.request_reset(site, login, email).await;
        assert_eq!(
            response.status(),
            StatusCode::ACCEPTED,
            "password reset request for {login}"
        );
        // The reset email is queued in the background: wait for the new one.
        let deadline = Instant::now() + Duration::from_secs(10);
        let token = loop {
            let outbox = self.outbox();
            let fresh = outbox
                .iter()
                .skip(before)
                .rev()
                .find(|candidate| candidate.to.eq_ignore_ascii_case(email));
            if let Some(token) =
                fresh.and_then(|candidate| tutti_tests::reset_token_in(&candidate.body_text))
            {
                break token;
            }
            assert!(
                Instant::now() < deadline,
                "no reset link to {email} within 10 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let response = self.confirm_reset(&token, password).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "password reset confirmation for {login}"
        );
    }
}
