//! The staff's re-enrolment calls: campaigns (`crates/api/src/reenrolment/http.rs`) and
//! the files of a campaign (`crates/api/src/wizard/http.rs`). One function per endpoint,
//! named after its handler.

use gloo_net::http::Method;
use serde::Serialize;
use tutti_shared::{
    BulkFile, BulkValidateInput, BulkValidateResult, Campaign, CampaignCoursesInput,
    CampaignDashboard, CampaignExtension, CampaignInput, CampaignRulesInput, CampaignTransition,
    FileListQuery, FileMessageInput, Page, StaffFileSummary, StaffFileView, ValidateFileInput,
};

use super::transport::{Answer, Call, Caller, fetch, fetch_blob};
use crate::session::Session;

const CAMPAIGNS: &str = "/api/v1/admin/campaigns";
const FILES: &str = "/api/v1/admin/reenrolment-files";

fn get<T: serde::de::DeserializeOwned + 'static>(session: Session, path: String) -> Answer<T> {
    fetch(Caller::Account(session), Call::get(path))
}

fn post<T: serde::de::DeserializeOwned + 'static>(
    session: Session,
    method: Method,
    path: String,
    body: &impl Serialize,
) -> Answer<T> {
    fetch(
        Caller::Account(session),
        Call::with_json(method, path, body),
    )
}

/// `GET /api/v1/admin/campaigns`: latest first.
pub fn list_campaigns(session: Session) -> Answer<Vec<Campaign>> {
    get(session, CAMPAIGNS.to_owned())
}

/// `GET /api/v1/admin/campaigns/{id}`.
pub fn find_campaign(session: Session, id: i64) -> Answer<Campaign> {
    get(session, format!("{CAMPAIGNS}/{id}"))
}

/// `POST /api/v1/admin/campaigns`: a draft; 422 for bad years or dates.
pub fn create_campaign(session: Session, input: &CampaignInput) -> Answer<Campaign> {
    post(session, Method::POST, CAMPAIGNS.to_owned(), input)
}

/// `PUT /api/v1/admin/campaigns/{id}`: drafts only; 409 when stale or no longer a draft.
pub fn update_campaign(session: Session, id: i64, input: &CampaignInput) -> Answer<Campaign> {
    post(session, Method::PUT, format!("{CAMPAIGNS}/{id}"), input)
}

/// `PUT /api/v1/admin/campaigns/{id}/rules`: a new version of the rules text.
pub fn update_campaign_rules(session: Session, id: i64, text: String) -> Answer<Campaign> {
    let body = CampaignRulesInput { text };
    post(
        session,
        Method::PUT,
        format!("{CAMPAIGNS}/{id}/rules"),
        &body,
    )
}

/// `PUT /api/v1/admin/campaigns/{id}/courses`: the courses offered, replaced.
pub fn update_campaign_courses(
    session: Session,
    id: i64,
    course_ids: Vec<i64>,
) -> Answer<Campaign> {
    let body = CampaignCoursesInput { course_ids };
    post(
        session,
        Method::PUT,
        format!("{CAMPAIGNS}/{id}/courses"),
        &body,
    )
}

/// `POST /api/v1/admin/campaigns/{id}/open` or `/close` (`action`), at the version read.
pub fn move_campaign(session: Session, id: i64, action: &str, version: i32) -> Answer<Campaign> {
    let body = CampaignTransition { version };
    post(
        session,
        Method::POST,
        format!("{CAMPAIGNS}/{id}/{action}"),
        &body,
    )
}

/// `POST /api/v1/admin/campaigns/{id}/extend`: a later closing instant.
pub fn extend_campaign(session: Session, id: i64, input: &CampaignExtension) -> Answer<Campaign> {
    post(
        session,
        Method::POST,
        format!("{CAMPAIGNS}/{id}/extend"),
        input,
    )
}

/// `GET /api/v1/admin/campaigns/{id}/dashboard`.
pub fn find_campaign_dashboard(session: Session, id: i64) -> Answer<CampaignDashboard> {
    get(session, format!("{CAMPAIGNS}/{id}/dashboard"))
}

/// The query string of a campaign's files list: only the filters that are set.
pub fn file_list_params(query: &FileListQuery) -> Vec<(&'static str, String)> {
    let texts = [
        (
            "status",
            query.status.map(|status| status.as_str().to_owned()),
        ),
        (
            "discipline_id",
            query.discipline_id.map(|id| id.to_string()),
        ),
        (
            "missing_documents",
            query.missing_documents.map(|missing| missing.to_string()),
        ),
        ("household_id", query.household_id.map(|id| id.to_string())),
        ("page", query.page.map(|page| page.to_string())),
        ("per_page", query.per_page.map(|size| size.to_string())),
    ];
    texts
        .into_iter()
        .filter_map(|(name, value)| Some((name, value?)))
        .collect()
}

/// `GET /api/v1/admin/campaigns/{id}/files`: one page, filtered.
pub fn list_campaign_files(
    session: Session,
    id: i64,
    query: &FileListQuery,
) -> Answer<Page<StaffFileSummary>> {
    let call = Call::get(format!("{CAMPAIGNS}/{id}/files")).with_query(file_list_params(query));
    fetch(Caller::Account(session), call)
}

/// `POST /api/v1/admin/campaigns/{id}/files/validate`: each file on its own.
pub fn validate_campaign_files(
    session: Session,
    id: i64,
    files: Vec<BulkFile>,
) -> Answer<BulkValidateResult> {
    let body = BulkValidateInput { files };
    post(
        session,
        Method::POST,
        format!("{CAMPAIGNS}/{id}/files/validate"),
        &body,
    )
}

/// `GET /api/v1/admin/campaigns/{id}/export/files.csv` or `unanswered.csv` (`name`).
pub fn export_campaign(session: Session, id: i64, name: &str) -> Answer<web_sys::Blob> {
    let call = Call::get(format!("{CAMPAIGNS}/{id}/export/{name}"));
    fetch_blob(Caller::Account(session), call)
}

/// `GET /api/v1/admin/reenrolment-files/{id}`.
pub fn find_staff_reenrolment_file(session: Session, id: i64) -> Answer<StaffFileView> {
    get(session, format!("{FILES}/{id}"))
}

/// `POST /api/v1/admin/reenrolment-files/{id}/validate`: 409 when stale or decided.
pub fn validate_reenrolment_file(
    session: Session,
    id: i64,
    input: &ValidateFileInput,
) -> Answer<StaffFileView> {
    post(
        session,
        Method::POST,
        format!("{FILES}/{id}/validate"),
        input,
    )
}

/// `POST /api/v1/admin/reenrolment-files/{id}/refuse` or `/return` (`action`), with the
/// message the family reads.
pub fn message_reenrolment_file(
    session: Session,
    id: i64,
    action: &str,
    input: &FileMessageInput,
) -> Answer<StaffFileView> {
    post(
        session,
        Method::POST,
        format!("{FILES}/{id}/{action}"),
        input,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use tutti_shared::FileStatus;

    #[test]
    fn the_files_query_sends_only_the_filters_that_are_set() {
        let query = FileListQuery {
            status: Some(FileStatus::EnAttente),
            missing_documents: Some(false),
            page: Some(2),
            ..FileListQuery::default()
        };
        let expected = [
            ("status", "en_attente"),
            ("missing_documents", "false"),
            ("page", "2"),
        ]
        .map(|(name, value)| (name, value.to_owned()));
        assert_eq!(file_list_params(&query), expected);
        assert!(file_list_params(&FileListQuery::default()).is_empty());
    }
}
