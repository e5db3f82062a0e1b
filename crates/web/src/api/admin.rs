//! The administration's HTTP calls: staff back office and teachers' class lists.
//!
//! One function per endpoint, named after the handler it calls; every one of them goes
//! through the app's one transport (`api::transport`).

use futures::FutureExt;
use gloo_net::http::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tutti_shared::{
    AbsenceInput, ChangeRequest, ChangeRequestQuery, ClassMember, Course, CourseInput, Decision,
    DecisionInput, DecisionOutcome, Discipline, DisciplineInput, DocumentDecision,
    DocumentQueueQuery, DocumentType, DocumentTypeInput, DocumentTypeOrder, EnrolmentInput,
    EvaluationInput, Event, EventInput, FamilyAccount, FamilyDetail, FamilyListItem,
    HouseholdChoices, ListQuery, NewFamilyAccountInput, NewFamilyInput, Page, Participant,
    ParticipationInput, QueuedDocument, SchoolYear, SchoolYearInput, StudentListItem, StudentView,
    TariffGrid,
};

use super::transport::{Answer, Call, Caller, fetch, fetch_blob, fetch_nothing};
use crate::session::Session;

/// The query string of a list request: only the parameters that are set, the search text
/// trimmed (a blank search is no search).
pub fn list_query_params(query: &ListQuery) -> Vec<(&'static str, String)> {
    let mut params = Vec::new();
    if let Some(page) = query.page {
        params.push(("page", page.to_string()));
    }
    if let Some(per_page) = query.per_page {
        params.push(("per_page", per_page.to_string()));
    }
    if let Some(search) = query.search() {
        params.push(("q", search.to_owned()));
    }
    params
}

/// How many pages a list spans: at least one, so that "page 1 sur 1" reads right.
pub fn page_count<T>(page: &Page<T>) -> i64 {
    if page.per_page <= 0 {
        return 1;
    }
    ((page.total + page.per_page - 1) / page.per_page).max(1)
}

/// The answer of every creation in the school API: the new record's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Created {
    /// Database id of the new record.
    pub id: i64,
}

/// An authenticated read.
fn get<T: DeserializeOwned + 'static>(session: Session, call: Call) -> Answer<T> {
    fetch(Caller::Account(session), call)
}

/// An authenticated write with a JSON body.
fn send_json<T: DeserializeOwned + 'static>(
    session: Session,
    method: Method,
    path: impl Into<String>,
    body: &impl Serialize,
) -> Answer<T> {
    fetch(
        Caller::Account(session),
        Call::with_json(method, path, body),
    )
}

/// An authenticated deletion.
fn delete(session: Session, path: String) -> Answer<()> {
    fetch_nothing(Caller::Account(session), Call::new(Method::DELETE, path))
}

/// The query string of the change-request queue: only the filters that are set.
pub fn change_request_params(query: &ChangeRequestQuery) -> Vec<(&'static str, String)> {
    let mut params = Vec::new();
    let texts = [
        ("status", query.status.clone()),
        ("family_id", query.family_id.map(|id| id.to_string())),
        ("student_id", query.student_id.map(|id| id.to_string())),
        ("from", query.from.map(|day| day.to_string())),
        ("to", query.to.map(|day| day.to_string())),
        ("page", query.page.map(|page| page.to_string())),
        ("per_page", query.per_page.map(|size| size.to_string())),
    ];
    for (name, value) in texts {
        if let Some(value) = value.filter(|value| !value.is_empty()) {
            params.push((name, value));
        }
    }
    params
}

/// `GET /api/v1/admin/change-requests`: one page of the queue, filtered.
pub fn list_change_requests(
    session: Session,
    query: &ChangeRequestQuery,
) -> Answer<Page<ChangeRequest>> {
    let call = Call::get("/api/v1/admin/change-requests").with_query(change_request_params(query));
    get(session, call)
}

/// The total of a page, the rest of the answer skipped.
#[derive(Deserialize)]
struct Total {
    total: i64,
}

/// How many changes wait for staff (the menu's counter): a one-item page's total.
pub fn count_pending_changes(session: Session) -> Answer<i64> {
    let query = ChangeRequestQuery {
        per_page: Some(1),
        ..ChangeRequestQuery::default()
    };
    let call = Call::get("/api/v1/admin/change-requests").with_query(change_request_params(&query));
    let total = get::<Total>(session, call);
    async move { Ok(total.await?.total) }.boxed_local()
}

/// `POST /api/v1/admin/change-requests/decisions`: all or nothing (409 if any was decided).
pub fn decide_change_requests(
    session: Session,
    ids: Vec<i64>,
    decision: Decision,
) -> Answer<DecisionOutcome> {
    let body = DecisionInput { ids, decision };
    send_json(
        session,
        Method::POST,
        "/api/v1/admin/change-requests/decisions",
        &body,
    )
}

/// `GET /api/v1/admin/families/{id}`: guardians and children with pending changes.
pub fn find_family_detail(session: Session, id: i64) -> Answer<FamilyDetail> {
    get(session, Call::get(format!("/api/v1/admin/families/{id}")))
}

/// `PUT /api/v1/admin/families/{id}/choices`: 409 when the household changed since read.
pub fn update_household_choices(
    session: Session,
    id: i64,
    choices: &HouseholdChoices,
) -> Answer<HouseholdChoices> {
    let path = format!("/api/v1/admin/families/{id}/choices");
    send_json(session, Method::PUT, path, choices)
}

/// `GET /api/v1/admin/families/{id}/accounts`: the household's family accounts.
pub fn list_family_accounts(session: Session, id: i64) -> Answer<Vec<FamilyAccount>> {
    get(
        session,
        Call::get(format!("/api/v1/admin/families/{id}/accounts")),
    )
}

/// `POST /api/v1/admin/families/{id}/accounts`: a guardian's own account; 409 when the
/// identifiant is taken or the guardian has one, 422 for bad fields.
pub fn create_family_account(
    session: Session,
    id: i64,
    input: &NewFamilyAccountInput,
) -> Answer<FamilyAccount> {
    let path = format!("/api/v1/admin/families/{id}/accounts");
    send_json(session, Method::POST, path, input)
}

/// `GET /api/v1/admin/families`: one page of the site's families, optionally filtered.
pub fn list_families(session: Session, query: &ListQuery) -> Answer<Page<FamilyListItem>> {
    let call = Call::get("/api/v1/admin/families").with_query(list_query_params(query));
    get(session, call)
}

/// `POST /api/v1/admin/families`: 409 when the identifiant is taken, 422 for bad fields.
pub fn create_family(session: Session, input: &NewFamilyInput) -> Answer<FamilyDetail> {
    send_json(session, Method::POST, "/api/v1/admin/families", input)
}

/// `GET /api/v1/admin/students`: one page of the site's students.
pub fn list_site_students(session: Session, query: &ListQuery) -> Answer<Page<StudentListItem>> {
    let call = Call::get("/api/v1/admin/students").with_query(list_query_params(query));
    get(session, call)
}

/// `GET /api/v1/admin/students/{id}`: a student with pending changes (audited read).
pub fn find_site_student(session: Session, id: i64) -> Answer<StudentView> {
    get(session, Call::get(format!("/api/v1/admin/students/{id}")))
}

/// `GET /api/v1/admin/school-years`: latest first.
pub fn list_school_years(session: Session) -> Answer<Vec<SchoolYear>> {
    get(session, Call::get("/api/v1/admin/school-years"))
}

/// `POST /api/v1/admin/school-years`.
pub fn create_school_year(session: Session, input: &SchoolYearInput) -> Answer<Created> {
    send_json(session, Method::POST, "/api/v1/admin/school-years", input)
}

/// `GET /api/v1/admin/disciplines`.
pub fn list_disciplines(session: Session) -> Answer<Vec<Discipline>> {
    get(session, Call::get("/api/v1/admin/disciplines"))
}

/// `POST /api/v1/admin/disciplines`.
pub fn create_discipline(session: Session, input: &DisciplineInput) -> Answer<Created> {
    send_json(session, Method::POST, "/api/v1/admin/disciplines", input)
}

/// `GET /api/v1/admin/courses`: the site's courses for staff, their own for teachers.
pub fn list_courses(session: Session, school_year_id: Option<i64>) -> Answer<Vec<Course>> {
    let query = school_year_id
        .map(|id| vec![("school_year_id", id.to_string())])
        .unwrap_or_default();
    get(
        session,
        Call::get("/api/v1/admin/courses").with_query(query),
    )
}

/// `GET /api/v1/admin/tariffs`: the site's tariff grid (empty when none was saved).
pub fn find_tariff_grid(session: Session) -> Answer<TariffGrid> {
    get(session, Call::get("/api/v1/admin/tariffs"))
}

/// `PUT /api/v1/admin/tariffs`: the grid replaced whole; 409 when stale, 422 by field.
pub fn update_tariff_grid(session: Session, grid: &TariffGrid) -> Answer<TariffGrid> {
    send_json(session, Method::PUT, "/api/v1/admin/tariffs", grid)
}

/// `POST /api/v1/admin/courses`.
pub fn create_course(session: Session, input: &CourseInput) -> Answer<Created> {
    send_json(session, Method::POST, "/api/v1/admin/courses", input)
}

/// `PUT /api/v1/admin/courses/{id}`: 409 when someone edited it since it was read.
pub fn update_course(session: Session, id: i64, input: &CourseInput) -> Answer<Course> {
    let path = format!("/api/v1/admin/courses/{id}");
    send_json(session, Method::PUT, path, input)
}

/// `GET /api/v1/admin/courses/{id}/class`: the class list, with each student's
/// evaluations and absences in the course.
pub fn list_course_class(session: Session, course_id: i64) -> Answer<Vec<ClassMember>> {
    get(
        session,
        Call::get(format!("/api/v1/admin/courses/{course_id}/class")),
    )
}

/// `POST /api/v1/admin/enrolments` (staff): 409 when already enrolled.
pub fn create_enrolment(session: Session, input: &EnrolmentInput) -> Answer<Created> {
    send_json(session, Method::POST, "/api/v1/admin/enrolments", input)
}

/// `DELETE /api/v1/admin/enrolments/{id}` (staff), with its evaluations and absences.
pub fn delete_enrolment(session: Session, id: i64) -> Answer<()> {
    delete(session, format!("/api/v1/admin/enrolments/{id}"))
}

/// `POST /api/v1/admin/evaluations` (staff, or the course's teacher).
pub fn create_evaluation(session: Session, input: &EvaluationInput) -> Answer<Created> {
    send_json(session, Method::POST, "/api/v1/admin/evaluations", input)
}

/// `POST /api/v1/admin/absences` (staff, or the course's teacher).
pub fn create_absence(session: Session, input: &AbsenceInput) -> Answer<Created> {
    send_json(session, Method::POST, "/api/v1/admin/absences", input)
}

/// `GET /api/v1/admin/events`: latest first.
pub fn list_events(session: Session) -> Answer<Vec<Event>> {
    get(session, Call::get("/api/v1/admin/events"))
}

/// `POST /api/v1/admin/events`.
pub fn create_event(session: Session, input: &EventInput) -> Answer<Created> {
    send_json(session, Method::POST, "/api/v1/admin/events", input)
}

/// `POST /api/v1/admin/events/{id}/participations`: 409 when already taking part.
pub fn create_participation(
    session: Session,
    event_id: i64,
    input: &ParticipationInput,
) -> Answer<Created> {
    let path = format!("/api/v1/admin/events/{event_id}/participations");
    send_json(session, Method::POST, path, input)
}

/// `GET /api/v1/admin/events/{id}/participations`: the students taking part.
pub fn list_participants(session: Session, event_id: i64) -> Answer<Vec<Participant>> {
    get(
        session,
        Call::get(format!("/api/v1/admin/events/{event_id}/participations")),
    )
}

/// `DELETE /api/v1/admin/participations/{id}`.
pub fn delete_participation(session: Session, id: i64) -> Answer<()> {
    delete(session, format!("/api/v1/admin/participations/{id}"))
}

/// `GET /api/v1/admin/document-types`: the site's types, retired ones included, in order.
pub fn list_document_types(session: Session) -> Answer<Vec<DocumentType>> {
    get(session, Call::get("/api/v1/admin/document-types"))
}

/// `POST /api/v1/admin/document-types`: added at the end; 409 when the name is taken.
pub fn create_document_type(session: Session, input: &DocumentTypeInput) -> Answer<Created> {
    send_json(session, Method::POST, "/api/v1/admin/document-types", input)
}

/// `PUT /api/v1/admin/document-types/{id}`: edit, retire or bring back; 409 when someone
/// edited it since it was read (or the name is taken).
pub fn update_document_type(
    session: Session,
    id: i64,
    input: &DocumentTypeInput,
) -> Answer<DocumentType> {
    let path = format!("/api/v1/admin/document-types/{id}");
    send_json(session, Method::PUT, path, input)
}

/// `PUT /api/v1/admin/document-types/order`: every id, first to last; the types come
/// back in their new order.
pub fn update_document_type_order(session: Session, ids: Vec<i64>) -> Answer<Vec<DocumentType>> {
    let body = DocumentTypeOrder { ids };
    send_json(
        session,
        Method::PUT,
        "/api/v1/admin/document-types/order",
        &body,
    )
}

/// The query string of the documents queue: only the filters that are set.
pub fn document_queue_params(query: &DocumentQueueQuery) -> Vec<(&'static str, String)> {
    let number = |value: Option<i64>| value.map(|value| value.to_string());
    let texts = [
        ("document_type_id", number(query.document_type_id)),
        ("state", query.state.clone()),
        ("household_id", number(query.household_id)),
        ("student_id", number(query.student_id)),
        ("from", query.from.map(|day| day.to_string())),
        ("to", query.to.map(|day| day.to_string())),
        ("page", number(query.page)),
        ("per_page", number(query.per_page)),
    ];
    texts
        .into_iter()
        .filter_map(|(name, value)| Some((name, value.filter(|value| !value.is_empty())?)))
        .collect()
}

/// `GET /api/v1/admin/documents`: one page of the site's documents, oldest upload first.
pub fn list_admin_documents(
    session: Session,
    query: &DocumentQueueQuery,
) -> Answer<Page<QueuedDocument>> {
    let call = Call::get("/api/v1/admin/documents").with_query(document_queue_params(query));
    get(session, call)
}

/// `GET /api/v1/admin/documents/{id}/file?inline=true`: the file to preview (audited).
pub fn find_admin_document_file(session: Session, id: i64) -> Answer<web_sys::Blob> {
    let call = Call::get(format!("/api/v1/admin/documents/{id}/file"))
        .with_query(vec![("inline", "true".to_owned())]);
    fetch_blob(Caller::Account(session), call)
}

/// `POST /api/v1/admin/documents/{id}/decision`: validate, or refuse with a reason (the
/// family is emailed); 409 when it changed since it was read or was already decided.
pub fn decide_document(session: Session, id: i64, decision: &DocumentDecision) -> Answer<()> {
    let call = Call::with_json(
        Method::POST,
        format!("/api/v1/admin/documents/{id}/decision"),
        decision,
    );
    fetch_nothing(Caller::Account(session), call)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_query_sends_only_the_filters_that_are_set() {
        let query = ChangeRequestQuery {
            status: Some("pending".to_owned()),
            family_id: Some(4),
            from: chrono::NaiveDate::from_ymd_opt(2026, 11, 1),
            page: Some(2),
            ..ChangeRequestQuery::default()
        };
        let expected = [
            ("status", "pending"),
            ("family_id", "4"),
            ("from", "2026-11-01"),
            ("page", "2"),
        ]
        .map(|(name, value)| (name, value.to_owned()));
        assert_eq!(change_request_params(&query), expected);
        assert!(change_request_params(&ChangeRequestQuery::default()).is_empty());
    }

    #[test]
    fn the_documents_queue_query_sends_only_the_filters_that_are_set() {
        let query = DocumentQueueQuery {
            state: Some("transmis".to_owned()),
            document_type_id: Some(3),
            student_id: Some(8),
            to: chrono::NaiveDate::from_ymd_opt(2026, 11, 30),
            page: Some(1),
            ..DocumentQueueQuery::default()
        };
        let expected = [
            ("document_type_id", "3"),
            ("state", "transmis"),
            ("student_id", "8"),
            ("to", "2026-11-30"),
            ("page", "1"),
        ]
        .map(|(name, value)| (name, value.to_owned()));
        assert_eq!(document_queue_params(&query), expected);
        let all_states = DocumentQueueQuery {
            state: Some(String::new()),
            ..DocumentQueueQuery::default()
        };
        assert!(document_queue_params(&all_states).is_empty());
    }

    #[test]
    fn list_queries_send_only_what_is_set_and_a_trimmed_search() {
        let query = ListQuery {
            page: Some(2),
            per_page: Some(20),
            q: Some("  Le Gall ".to_owned()),
        };
        let expected = [("page", "2"), ("per_page", "20"), ("q", "Le Gall")]
            .map(|(name, value)| (name, value.to_owned()));
        assert_eq!(list_query_params(&query), expected);
        let blank = ListQuery {
            page: None,
            per_page: None,
            q: Some("   ".to_owned()),
        };
        assert!(list_query_params(&blank).is_empty());
    }

    #[test]
    fn page_count_rounds_up_and_is_never_zero() {
        let page = |total| Page::<()> {
            items: vec![],
            total,
            page: 1,
            per_page: 20,
        };
        assert_eq!(page_count(&page(0)), 1);
        assert_eq!(page_count(&page(20)), 1);
        assert_eq!(page_count(&page(21)), 2);
    }

    #[test]
    fn a_page_of_families_decodes_from_the_contract_json() {
        let json = r#"{"items":[{"id":1,"name":"Famille Martin","guardian_count":2,"student_count":3}],
                       "total":1,"page":1,"per_page":20}"#;
        let page: Page<FamilyListItem> =
            serde_json::from_str(json).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(page.items[0].name, "Famille Martin");
    }

    #[test]
    fn a_creation_answer_decodes() {
        let created: Result<Created, _> = serde_json::from_str(r#"{"id":42}"#);
        assert_eq!(created.ok(), Some(Created { id: 42 }));
    }
}
