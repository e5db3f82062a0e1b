//! HTTP handlers, grouped by resource. Handlers are thin: extract, call the db layer,
//! convert to wire types, respond. Their names are the OpenAPI operation ids.

pub mod account;
pub mod admin;
pub mod auth;
pub mod family;
pub mod json;
pub mod school;
pub mod sites;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every `/api/v1` handler (also used to build the OpenAPI document).
pub fn configure(config: &mut ServiceConfig<'_>) {
    config
        .service(sites::list_sites)
        .service(auth::create_session)
        .service(auth::refresh_session)
        .service(auth::delete_session)
        .service(auth::request_password_reset)
        .service(auth::confirm_password_reset)
        .service(account::find_account)
        .service(account::update_password)
        .service(family::find_family)
        .service(family::update_guardian)
        .service(family::list_students)
        .service(family::find_student)
        .service(family::update_student)
        .service(family::list_student_courses)
        .service(family::list_student_history)
        .service(family::list_student_repertoire)
        .service(admin::list_families)
        .service(admin::create_family)
        .service(admin::find_family_detail)
        .service(admin::list_site_students)
        .service(admin::find_site_student)
        .service(admin::list_change_requests)
        .service(admin::decide_change_requests)
        .service(school::list_school_years)
        .service(school::create_school_year)
        .service(school::update_school_year)
        .service(school::list_disciplines)
        .service(school::create_discipline)
        .service(school::update_discipline)
        .service(school::list_courses)
        .service(school::create_course)
        .service(school::update_course)
        .service(school::find_course)
        .service(school::list_course_enrolments)
        .service(school::list_course_class)
        .service(school::list_event_participations)
        .service(school::list_teachers)
        .service(school::create_enrolment)
        .service(school::delete_enrolment)
        .service(school::create_evaluation)
        .service(school::update_evaluation)
        .service(school::create_absence)
        .service(school::update_absence)
        .service(school::list_events)
        .service(school::create_event)
        .service(school::update_event)
        .service(school::create_participation)
        .service(school::delete_participation);
}

/// The parts of the document that no handler carries: title, description, security scheme.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tutti API",
        description = "The family portal and back office of a municipal music and dance school.\n\n\
            Errors always use the same envelope (`ApiErrorBody`). Money is in integer cents, dates \
            are ISO 8601 and times UTC. Authenticate with `POST /api/v1/auth/login`, then send \
            `Authorization: Bearer <access_token>`; the access token lives about 15 minutes and \
            `POST /api/v1/auth/refresh` (refresh cookie) gives a new one.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "sites", description = "Sites of this deployment"),
        (name = "auth", description = "Login, sessions and password recovery"),
        (name = "account", description = "The logged-in account"),
        (name = "family", description = "The family's household and guardians"),
        (name = "students", description = "The family's children: identity, courses, history, repertoire"),
        (name = "admin", description = "Staff back office: households, students, change requests"),
        (name = "school", description = "Years, disciplines, courses, enrolments, evaluations, absences, events (staff; teachers for their own courses)")
    )
)]
pub struct BaseDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The full OpenAPI document, built from the handlers' annotations.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa_actix_web::AppExt;
    let (_, paths) = actix_web::App::new()
        .into_utoipa_app()
        .service(utoipa_actix_web::scope("/api/v1").configure(configure))
        .split_for_parts();
    let mut document = BaseDoc::openapi();
    document.merge(paths);
    document
}

/// The OpenAPI document as pretty JSON with a trailing newline, as committed.
pub fn openapi_json() -> Result<String, serde_json::Error> {
    let mut json = serde_json::to_string_pretty(&openapi())?;
    json.push('\n');
    Ok(json)
}
