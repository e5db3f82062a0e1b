//! The `/api/v1` surface: every feature's handlers registered in one place, and the
//! OpenAPI document built from their annotations. Handler names are the operation ids.

use crate::{
    auth, billing, documents, household, reenrolment, rentals, school, sites, tariffs, wizard,
};

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every `/api/v1` handler (also used to build the OpenAPI document).
pub fn configure(config: &mut ServiceConfig<'_>) {
    config
        .service(sites::http::list_sites)
        .service(auth::http::create_session)
        .service(auth::http::refresh_session)
        .service(auth::http::delete_session)
        .service(auth::http::request_password_reset)
        .service(auth::http::confirm_password_reset)
        .service(auth::http::find_account)
        .service(auth::http::update_password)
        .service(auth::http::list_sessions)
        .service(auth::http::delete_account_session)
        .service(auth::http::end_other_sessions)
        .service(household::http::find_family)
        .service(household::http::update_guardian)
        .service(household::http::list_students)
        .service(household::http::find_student)
        .service(household::http::update_student)
        .service(school::http::list_student_courses)
        .service(school::http::list_student_history)
        .service(school::http::list_student_repertoire)
        .service(household::http::list_families)
        .service(household::http::create_family)
        .service(household::http::find_family_detail)
        .service(household::http::update_household_choices)
        .service(household::http::list_family_accounts)
        .service(household::http::create_family_account)
        .service(household::http::list_site_students)
        .service(household::http::find_site_student)
        .service(household::http::list_change_requests)
        .service(household::http::decide_change_requests)
        .service(school::http::list_school_years)
        .service(school::http::create_school_year)
        .service(school::http::update_school_year)
        .service(school::http::list_disciplines)
        .service(school::http::create_discipline)
        .service(school::http::update_discipline)
        .service(school::http::list_courses)
        .service(school::http::create_course)
        .service(school::http::update_course)
        .service(school::http::find_course)
        .service(school::http::list_course_enrolments)
        .service(school::http::list_course_class)
        .service(school::http::list_event_participations)
        .service(school::http::list_teachers)
        .service(school::http::create_enrolment)
        .service(school::http::delete_enrolment)
        .service(school::http::create_evaluation)
        .service(school::http::update_evaluation)
        .service(school::http::create_absence)
        .service(school::http::update_absence)
        .service(school::http::list_events)
        .service(school::http::create_event)
        .service(school::http::update_event)
        .service(school::http::create_participation)
        .service(school::http::delete_participation)
        .service(documents::http::list_documents)
        .service(documents::http::create_document)
        .service(documents::http::delete_document)
        .service(documents::http::find_document_file)
        .service(documents::http::list_document_types)
        .service(documents::http::create_document_type)
        // Before `{id}`: "order" is not an id.
        .service(documents::http::update_document_type_order)
        .service(documents::http::update_document_type)
        .service(documents::http::list_admin_documents)
        .service(documents::http::find_admin_document_file)
        .service(documents::http::decide_document)
        .service(reenrolment::http::find_family_campaign)
        .service(reenrolment::http::list_campaigns)
        .service(reenrolment::http::create_campaign)
        .service(reenrolment::http::find_campaign)
        .service(reenrolment::http::update_campaign)
        .service(reenrolment::http::update_campaign_rules)
        .service(reenrolment::http::update_campaign_courses)
        .service(reenrolment::http::open_campaign)
        .service(reenrolment::http::extend_campaign)
        .service(reenrolment::http::close_campaign)
        .service(tariffs::http::find_tariff_grid)
        .service(tariffs::http::update_tariff_grid)
        .service(tariffs::http::create_fee_estimate)
        .service(wizard::http::list_reenrolment_children)
        .service(wizard::http::start_reenrolment)
        .service(wizard::http::decline_reenrolment)
        .service(wizard::http::find_reenrolment_file)
        .service(wizard::http::update_reenrolment_position)
        .service(wizard::http::update_reenrolment_coordonnees)
        .service(wizard::http::update_reenrolment_autorisations)
        .service(wizard::http::update_reenrolment_cours)
        .service(wizard::http::find_reenrolment_estimate)
        .service(wizard::http::submit_reenrolment)
        .service(wizard::http::find_campaign_dashboard)
        .service(wizard::http::list_campaign_files)
        .service(wizard::http::validate_campaign_files)
        .service(wizard::http::find_staff_reenrolment_file)
        .service(wizard::http::validate_reenrolment_file)
        .service(wizard::http::refuse_reenrolment_file)
        .service(wizard::http::return_reenrolment_file)
        .service(wizard::http::export_campaign_files)
        .service(wizard::http::export_campaign_unanswered)
        .service(billing::http::export_invoices)
        .service(billing::http::export_payments)
        .service(billing::http::issue_fee_invoices)
        .service(rentals::http::issue_rental_invoices)
        .service(billing::http::list_invoices)
        .service(billing::http::find_invoice)
        .service(billing::http::create_invoice)
        .service(billing::http::create_credit_note)
        .service(billing::http::record_payment)
        .service(billing::http::list_payments)
        .service(billing::http::list_family_payments)
        .service(billing::http::find_family_invoice_pdf)
        .service(billing::http::find_invoice_pdf)
        .service(billing::http::find_family_receipt)
        .service(billing::http::find_receipt)
        .service(billing::http::list_family_invoices)
        .service(billing::http::find_family_invoice)
        .service(rentals::http::list_rental_items)
        .service(rentals::http::create_rental_item)
        .service(rentals::http::find_rental_item)
        .service(rentals::http::update_rental_item)
        .service(rentals::http::list_rental_loans)
        .service(rentals::http::create_rental_loan)
        .service(rentals::http::find_rental_loan)
        .service(rentals::http::update_rental_loan)
        .service(rentals::http::return_rental_loan)
        .service(rentals::http::list_family_rentals);
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
        (name = "documents", description = "Pièces à fournir: the household's required documents, uploads (multipart), the staff's document types, queue and decisions"),
        (name = "reenrolment", description = "Réinscriptions: the staff's campaigns (dates, steps, rules text, courses offered; open, extend, close), the family's open campaign and six-step wizard, and each child's file. A file's status moves brouillon -> en_attente (the family validates) -> validee | refusee (staff; refusee may be corrected and validated again); en_attente -> brouillon (staff send it back); brouillon | refusee -> non_reinscrit (the family declines) and back to brouillon (the family restarts). Any other move is 409 `invalid_transition`; every move is audited. Instants are RFC 3339 with an offset in requests (Europe/Paris wall clock with its offset, or UTC) and UTC in answers"),
        (name = "billing", description = "Invoices (factures) in integer cents: staff issue the year's fee invoices from validated re-enrolment files (a dry run first; issuing twice issues nothing new), numbered YYYY-NNNNNN per site and calendar year without gaps; a family reads its household's. An issued invoice is never changed"),
        (name = "rentals", description = "Locations: the staff's inventory of instruments, rooms and equipment (priced by the tariff grid's yearly rental prices), loans to a household (an instrument to one of its children) and returns, and the period's `location` invoices (September to June, a tenth of the yearly price a month, a month never invoiced twice); a family reads its household's loans"),
        (name = "tariffs", description = "The tariff grid (course kinds, quotient brackets, floor and cap, sibling discounts, rentals) and the estimated yearly fee, in integer cents"),
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
    crate::openapi_responses::document_answers(&mut document);
    document
}

/// The OpenAPI document as pretty JSON with a trailing newline, as committed.
pub fn openapi_json() -> Result<String, serde_json::Error> {
    let mut json = serde_json::to_string_pretty(&openapi())?;
    json.push('\n');
    Ok(json)
}
