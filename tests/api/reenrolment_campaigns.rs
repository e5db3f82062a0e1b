//! Re-enrolment campaigns through HTTP: the staff's create, edit, rules, courses, open,
//! extend and close; one open campaign per site; versions; isolation between sites; what
//! a family sees of the open campaign; the audit trail.

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use tutti_shared::{Campaign, CampaignStatus, ErrorCode, FamilyCampaign, SchoolYear};
use tutti_tests::{StatusCode, TestApp, both, expect_error, expect_json};

use crate::household_helpers::HouseholdApi as _;

const CAMPAIGNS: &str = "/api/v1/admin/campaigns";
const FAMILY_CAMPAIGN: &str = "/api/v1/reenrolment/campaign";

/// The demo's latest year and a new next year ("2099-2100", far from any demo year), on
/// a site without the demo's campaign (these tests start from none).
pub async fn years(app: &TestApp, staff: &str) -> (i64, i64) {
    for table in ["campaign_courses", "campaign_rules", "campaigns"] {
        app.sql(&format!("DELETE FROM {table}"));
    }
    let years: Vec<SchoolYear> = app.get_ok("/api/v1/admin/school-years", staff).await;
    let current = years.first().expect("a demo school year").id;
    let next = app
        .create_ok(
            "/api/v1/admin/school-years",
            staff,
            &json!({"label": "2099-2100", "starts_on": "2099-09-01", "ends_on": "2100-07-04"}),
        )
        .await;
    (current, next)
}

/// A campaign input opening an hour ago and closing in 30 days, instants given in Paris
/// time with their offset.
pub fn input(from: i64, to: i64) -> Value {
    let paris = chrono::FixedOffset::east_opt(3600).expect("offset");
    let opens = (Utc::now() - Duration::hours(1)).with_timezone(&paris);
    let closes = (Utc::now() + Duration::days(30)).with_timezone(&paris);
    json!({"from_year_id": from, "to_year_id": to, "opens_at": opens.to_rfc3339(), "closes_at": closes.to_rfc3339()})
}

/// Creates a draft campaign, insisting on 201.
pub async fn create(app: &TestApp, staff: &str, body: &Value) -> Campaign {
    expect_json(
        app.post_as(CAMPAIGNS, staff, body).await,
        StatusCode::CREATED,
        "a new campaign",
    )
    .await
}

/// POST `/admin/campaigns/{id}/{action}` with `body`.
pub async fn act(
    app: &TestApp,
    staff: &str,
    id: i64,
    action: &str,
    body: &Value,
) -> tutti_tests::Response {
    app.post_as(&format!("{CAMPAIGNS}/{id}/{action}"), staff, body)
        .await
}

/// Opens a campaign read at `version`, insisting on 200.
pub async fn open(app: &TestApp, staff: &str, campaign: &Campaign) -> Campaign {
    expect_json(
        act(
            app,
            staff,
            campaign.id,
            "open",
            &json!({"version": campaign.version}),
        )
        .await,
        StatusCode::OK,
        "opening",
    )
    .await
}

/// A course of the year `year`, created through the API.
async fn course_of(app: &TestApp, staff: &str, year: i64) -> i64 {
    let disciplines: Vec<tutti_shared::Discipline> =
        app.get_ok("/api/v1/admin/disciplines", staff).await;
    let discipline = disciplines.first().expect("a demo discipline").id;
    app.create_ok(
        "/api/v1/admin/courses",
        staff,
        &json!({"school_year_id": year, "discipline_id": discipline, "level": "Cycle 1", "teacher_name": "Prof", "weekday": 2, "start_time": "17:00", "end_time": "18:00"}),
    )
    .await
}

both! {
    async fn staff_create_edit_open_extend_and_close_a_campaign(app) {
        let staff = app.staff_token().await;
        let (current, next) = years(&app, &staff).await;
        let mut body = input(current, next);
        body["steps"] = json!({"documents": false});
        let draft = create(&app, &staff, &body).await;
        assert_eq!(draft.status, CampaignStatus::Draft);
        assert_eq!((draft.from_year_id, draft.to_year_id), (current, next));
        assert!(draft.steps.coordonnees && draft.steps.autorisations && draft.steps.cours);
        assert!(!draft.steps.documents);
        assert!(draft.rules.is_none() && draft.offered_course_ids.is_empty());
        let listed: Vec<Campaign> = app.get_ok(CAMPAIGNS, &staff).await;
        assert_eq!(listed, std::slice::from_ref(&draft));

        // An edit against the version read; the instants come back in UTC.
        let mut edit = input(current, next);
        let closes = Utc::now() + Duration::days(10);
        edit["closes_at"] = json!(closes.with_timezone(&chrono::FixedOffset::east_opt(7200).expect("offset")).to_rfc3339());
        edit["version"] = json!(draft.version);
        let edited: Campaign = expect_json(
            app.put_as(&format!("{CAMPAIGNS}/{}", draft.id), &staff, &edit).await,
            StatusCode::OK, "an edit").await;
        assert_eq!(edited.version, draft.version + 1);
        assert!((edited.closes_at - closes).num_seconds().abs() <= 1);
        assert!(edited.steps.documents, "left out, the steps are all on again");

        let opened = open(&app, &staff, &edited).await;
        assert_eq!(opened.status, CampaignStatus::Open);
        // An open campaign is no longer edited, only extended or closed.
        edit["version"] = json!(opened.version);
        let refused = expect_error(
            app.put_as(&format!("{CAMPAIGNS}/{}", draft.id), &staff, &edit).await,
            StatusCode::CONFLICT, "editing an open campaign").await;
        assert_eq!(refused.code, ErrorCode::InvalidTransition);

        let earlier = expect_error(
            act(&app, &staff, draft.id, "extend", &json!({"closes_at": (closes - Duration::days(1)).to_rfc3339(), "version": opened.version})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "an extension that shortens").await;
        assert!(earlier.fields.contains_key("closes_at"));
        let later = closes + Duration::days(7);
        let extended: Campaign = expect_json(
            act(&app, &staff, draft.id, "extend", &json!({"closes_at": later.to_rfc3339(), "version": opened.version})).await,
            StatusCode::OK, "an extension").await;
        assert_eq!(extended.status, CampaignStatus::Open);
        assert!((extended.closes_at - later).num_seconds().abs() <= 1);

        let closed: Campaign = expect_json(
            act(&app, &staff, draft.id, "close", &json!({"version": extended.version})).await,
            StatusCode::OK, "closing").await;
        assert_eq!(closed.status, CampaignStatus::Closed);
        let again = expect_error(
            act(&app, &staff, draft.id, "close", &json!({"version": closed.version})).await,
            StatusCode::CONFLICT, "closing twice").await;
        assert_eq!(again.code, ErrorCode::InvalidTransition);
        // A closed campaign may be opened again.
        assert_eq!(open(&app, &staff, &closed).await.status, CampaignStatus::Open);
    }
}

both! {
    async fn campaign_settings_are_validated(app) {
        let staff = app.staff_token().await;
        let (current, next) = years(&app, &staff).await;
        let mut backwards = input(current, next);
        backwards["closes_at"] = backwards["opens_at"].clone();
        let error = expect_error(app.post_as(CAMPAIGNS, &staff, &backwards).await,
            StatusCode::UNPROCESSABLE_ENTITY, "closing at the opening").await;
        assert!(error.fields.contains_key("closes_at"));
        let error = expect_error(app.post_as(CAMPAIGNS, &staff, &input(next, current)).await,
            StatusCode::UNPROCESSABLE_ENTITY, "years in the wrong order").await;
        assert!(error.fields.contains_key("to_year_id"));
        let error = expect_error(app.post_as(CAMPAIGNS, &staff, &input(current, 999_999)).await,
            StatusCode::UNPROCESSABLE_ENTITY, "an unknown year").await;
        assert!(error.fields.contains_key("to_year_id"));
        let error = expect_error(app.post_as(CAMPAIGNS, &staff, &json!({"from_year_id": current, "to_year_id": next, "opens_at": "2027-05-01T09:00:00", "closes_at": "2027-06-01T09:00:00+02:00"})).await,
            StatusCode::BAD_REQUEST, "an instant without offset").await;
        assert_eq!(error.code, ErrorCode::BadRequest);
        let listed: Vec<Campaign> = app.get_ok(CAMPAIGNS, &staff).await;
        assert!(listed.is_empty());
    }
}

both! {
    async fn a_second_open_campaign_of_the_site_is_refused(app) {
        let staff = app.staff_token().await;
        let (current, next) = years(&app, &staff).await;
        let first = create(&app, &staff, &input(current, next)).await;
        let second = create(&app, &staff, &input(current, next)).await;
        let first = open(&app, &staff, &first).await;
        let refused = expect_error(
            act(&app, &staff, second.id, "open", &json!({"version": second.version})).await,
            StatusCode::CONFLICT, "a second open campaign").await;
        assert_eq!(refused.code, ErrorCode::InvalidTransition);
        let twice = expect_error(
            act(&app, &staff, first.id, "open", &json!({"version": first.version})).await,
            StatusCode::CONFLICT, "opening twice").await;
        assert_eq!(twice.code, ErrorCode::InvalidTransition);
        // Once the first is closed, the second may open.
        let _: Campaign = expect_json(
            act(&app, &staff, first.id, "close", &json!({"version": first.version})).await,
            StatusCode::OK, "closing the first").await;
        assert_eq!(open(&app, &staff, &second).await.status, CampaignStatus::Open);
    }
}

both! {
    async fn a_stale_version_is_refused_and_changes_nothing(app) {
        let staff = app.staff_token().await;
        let (current, next) = years(&app, &staff).await;
        let draft = create(&app, &staff, &input(current, next)).await;
        let mut edit = input(current, next);
        edit["version"] = json!(draft.version);
        let _: Campaign = expect_json(
            app.put_as(&format!("{CAMPAIGNS}/{}", draft.id), &staff, &edit).await,
            StatusCode::OK, "a first edit").await;
        edit["steps"] = json!({"cours": false});
        let stale = expect_error(
            app.put_as(&format!("{CAMPAIGNS}/{}", draft.id), &staff, &edit).await,
            StatusCode::CONFLICT, "an edit on the old version").await;
        assert_eq!(stale.code, ErrorCode::StaleVersion);
        let stale = expect_error(
            act(&app, &staff, draft.id, "open", &json!({"version": draft.version})).await,
            StatusCode::CONFLICT, "opening the old version").await;
        assert_eq!(stale.code, ErrorCode::StaleVersion);
        let now: Campaign = app.get_ok(&format!("{CAMPAIGNS}/{}", draft.id), &staff).await;
        assert!(now.steps.cours);
        assert_eq!(now.status, CampaignStatus::Draft);
    }
}

both! {
    async fn staff_of_another_site_get_404_on_a_campaign(app) {
        let staff = app.staff_token().await;
        let (current, next) = years(&app, &staff).await;
        let draft = create(&app, &staff, &input(current, next)).await;
        let other = app.second_site_staff("annexe").await;
        let path = format!("{CAMPAIGNS}/{}", draft.id);
        let _ = expect_error(app.get_as(&path, &other).await, StatusCode::NOT_FOUND, "reading").await;
        let mut edit = input(current, next);
        edit["version"] = json!(draft.version);
        let _ = expect_error(app.put_as(&path, &other, &edit).await, StatusCode::NOT_FOUND, "editing").await;
        let _ = expect_error(app.put_as(&format!("{path}/rules"), &other, &json!({"text": "Règlement"})).await,
            StatusCode::NOT_FOUND, "writing rules").await;
        let _ = expect_error(act(&app, &other, draft.id, "open", &json!({"version": draft.version})).await,
            StatusCode::NOT_FOUND, "opening").await;
        let listed: Vec<Campaign> = app.get_ok(CAMPAIGNS, &other).await;
        assert!(listed.is_empty());
        // Nor may they create one with the first site's years.
        let error = expect_error(app.post_as(CAMPAIGNS, &other, &input(current, next)).await,
            StatusCode::UNPROCESSABLE_ENTITY, "another site's years").await;
        assert!(error.fields.contains_key("from_year_id") && error.fields.contains_key("to_year_id"));
        let unchanged: Campaign = app.get_ok(&path, &staff).await;
        assert_eq!(unchanged, draft);
    }
}

both! {
    async fn offered_courses_are_of_the_next_year_only(app) {
        let staff = app.staff_token().await;
        let (current, next) = years(&app, &staff).await;
        let draft = create(&app, &staff, &input(current, next)).await;
        let this_year = course_of(&app, &staff, current).await;
        let next_year = course_of(&app, &staff, next).await;
        let path = format!("{CAMPAIGNS}/{}/courses", draft.id);
        let error = expect_error(app.put_as(&path, &staff, &json!({"course_ids": [next_year, this_year]})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "a course of this year").await;
        assert!(error.fields.contains_key("course_ids"));
        let _ = expect_error(app.put_as(&path, &staff, &json!({"course_ids": [999_999]})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "an unknown course").await;
        let saved: Campaign = expect_json(app.put_as(&path, &staff, &json!({"course_ids": [next_year, next_year]})).await,
            StatusCode::OK, "next year's course").await;
        assert_eq!(saved.offered_course_ids, [next_year]);
        let emptied: Campaign = expect_json(app.put_as(&path, &staff, &json!({"course_ids": []})).await,
            StatusCode::OK, "no course").await;
        assert!(emptied.offered_course_ids.is_empty());
    }
}

both! {
    async fn each_rules_text_is_a_new_version(app) {
        let staff = app.staff_token().await;
        let (current, next) = years(&app, &staff).await;
        let draft = create(&app, &staff, &input(current, next)).await;
        let path = format!("{CAMPAIGNS}/{}/rules", draft.id);
        let first: Campaign = expect_json(app.put_as(&path, &staff, &json!({"text": "Article 1. "})).await,
            StatusCode::OK, "the first text").await;
        let rules = first.rules.expect("rules");
        assert_eq!((rules.version, rules.text.as_str()), (1, "Article 1."));
        let second: Campaign = expect_json(app.put_as(&path, &staff, &json!({"text": "Article 1 bis."})).await,
            StatusCode::OK, "the second text").await;
        assert_eq!(second.rules.expect("rules").version, 2);
        let _ = expect_error(app.put_as(&path, &staff, &json!({"text": "  "})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "an empty text").await;
        let rows = crate::household_helpers::number_of(&app, &format!("SELECT CAST(COUNT(*) AS TEXT) AS value FROM campaign_rules WHERE campaign_id = {}", draft.id));
        assert_eq!(rows, 2, "earlier versions are kept");
    }
}

both! {
    async fn a_family_sees_the_open_campaign_only_within_its_dates(app) {
        let staff = app.staff_token().await;
        let martin = app.martin_token().await;
        let (current, next) = years(&app, &staff).await;
        let _ = expect_error(app.get_as(FAMILY_CAMPAIGN, &martin).await, StatusCode::NOT_FOUND, "no campaign").await;
        let mut body = input(current, next);
        body["steps"] = json!({"autorisations": false});
        let draft = create(&app, &staff, &body).await;
        let _ = expect_error(app.get_as(FAMILY_CAMPAIGN, &martin).await, StatusCode::NOT_FOUND, "a draft").await;
        let with_rules: Campaign = expect_json(
            app.put_as(&format!("{CAMPAIGNS}/{}/rules", draft.id), &staff, &json!({"text": "Règlement intérieur"})).await,
            StatusCode::OK, "rules").await;
        let opened = open(&app, &staff, &with_rules).await;

        let seen: FamilyCampaign = app.get_ok(FAMILY_CAMPAIGN, &martin).await;
        assert_eq!(seen.id, draft.id);
        assert_eq!(seen.to_year_label, "2099-2100");
        assert!(!seen.steps.autorisations && seen.steps.coordonnees);
        let rules = seen.rules.expect("rules");
        assert_eq!((rules.version, rules.text.as_str()), (1, "Règlement intérieur"));
        // Every household of the site sees it.
        let durand = app.durand_token().await;
        let _: FamilyCampaign = app.get_ok(FAMILY_CAMPAIGN, &durand).await;

        // Past its closing instant (time moved on), it is no longer shown.
        assert_eq!(app.sql(&format!("UPDATE campaigns SET opens_at = '2001-01-01 00:00:00', closes_at = '2001-02-01 00:00:00' WHERE id = {}", draft.id)), 1);
        let _ = expect_error(app.get_as(FAMILY_CAMPAIGN, &martin).await, StatusCode::NOT_FOUND, "after closing").await;
        // Before its opening instant neither.
        assert_eq!(app.sql(&format!("UPDATE campaigns SET opens_at = '2098-01-01 00:00:00', closes_at = '2098-02-01 00:00:00' WHERE id = {}", draft.id)), 1);
        let _ = expect_error(app.get_as(FAMILY_CAMPAIGN, &martin).await, StatusCode::NOT_FOUND, "before opening").await;
        assert_eq!(app.sql(&format!("UPDATE campaigns SET opens_at = '2001-01-01 00:00:00' WHERE id = {}", draft.id)), 1);
        let _: FamilyCampaign = app.get_ok(FAMILY_CAMPAIGN, &martin).await;

        // Closed by staff: gone at once.
        let current: Campaign = app.get_ok(&format!("{CAMPAIGNS}/{}", draft.id), &staff).await;
        assert_eq!(current.version, opened.version);
        let _: Campaign = expect_json(act(&app, &staff, draft.id, "close", &json!({"version": current.version})).await,
            StatusCode::OK, "closing").await;
        let _ = expect_error(app.get_as(FAMILY_CAMPAIGN, &martin).await, StatusCode::NOT_FOUND, "closed").await;
        // Families never reach the staff's endpoints.
        let _ = expect_error(app.get_as(CAMPAIGNS, &martin).await, StatusCode::FORBIDDEN, "the staff list").await;
    }
}

both! {
    async fn every_campaign_change_is_audited(app) {
        let staff = app.staff_token().await;
        let (current, next) = years(&app, &staff).await;
        let draft = create(&app, &staff, &input(current, next)).await;
        let mut edit = input(current, next);
        edit["version"] = json!(draft.version);
        let edited: Campaign = expect_json(app.put_as(&format!("{CAMPAIGNS}/{}", draft.id), &staff, &edit).await,
            StatusCode::OK, "edit").await;
        let _: Campaign = expect_json(app.put_as(&format!("{CAMPAIGNS}/{}/rules", draft.id), &staff, &json!({"text": "R"})).await,
            StatusCode::OK, "rules").await;
        let _: Campaign = expect_json(app.put_as(&format!("{CAMPAIGNS}/{}/courses", draft.id), &staff, &json!({"course_ids": []})).await,
            StatusCode::OK, "courses").await;
        let current_row: Campaign = app.get_ok(&format!("{CAMPAIGNS}/{}", draft.id), &staff).await;
        assert!(current_row.version > edited.version);
        let opened = open(&app, &staff, &current_row).await;
        let extended: Campaign = expect_json(act(&app, &staff, draft.id, "extend", &json!({"closes_at": (opened.closes_at + Duration::days(1)).to_rfc3339(), "version": opened.version})).await,
            StatusCode::OK, "extend").await;
        let _: Campaign = expect_json(act(&app, &staff, draft.id, "close", &json!({"version": extended.version})).await,
            StatusCode::OK, "close").await;
        let lines: Vec<String> = app
            .audit_lines()
            .into_iter()
            .filter(|line| line.contains(" campaign "))
            .map(|line| line.split(' ').take(3).collect::<Vec<_>>().join(" "))
            .collect();
        let id = draft.id;
        assert_eq!(lines, [
            format!("campaign_created campaign {id}"),
            format!("campaign_updated campaign {id}"),
            format!("campaign_rules_updated campaign {id}"),
            format!("campaign_courses_updated campaign {id}"),
            format!("campaign_opened campaign {id}"),
            format!("campaign_extended campaign {id}"),
            format!("campaign_closed campaign {id}"),
        ]);
    }
}
