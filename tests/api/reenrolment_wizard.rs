//! The re-enrolment wizard through HTTP, on the demo's open campaign: a family's complete
//! wizard (every call timed), the state machine's forbidden moves, stale saves, a double
//! submission at once, a closed campaign, disabled steps, another household's file, and
//! the staff's dashboard, list, decisions and bulk validation.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tutti_shared::{
    BulkValidateResult, Campaign, CampaignDashboard, ChildReenrolment, DocumentState, ErrorCode,
    FamilyCampaign, FeeEstimate, FileStatus, Page, ReenrolmentFile, StaffFileSummary,
    StaffFileView, WizardStep,
};
use tutti_tests::{StatusCode, TestApp, both, expect_error, expect_json};

use crate::document_helpers::{minimal_pdf, pieces, upload};
use crate::household_helpers::HouseholdApi as _;

const CAMPAIGN: &str = "/api/v1/reenrolment/campaign";
const CHILDREN: &str = "/api/v1/reenrolment/children";
const FILES: &str = "/api/v1/reenrolment/files";
const STAFF_FILES: &str = "/api/v1/admin/reenrolment-files";

fn child_path(student: i64, action: &str) -> String {
    format!("{CHILDREN}/{student}/{action}")
}

fn file_path(file: i64, action: &str) -> String {
    if action.is_empty() {
        format!("{FILES}/{file}")
    } else {
        format!("{FILES}/{file}/{action}")
    }
}

/// The demo family's children and their files.
async fn children(app: &TestApp, token: &str) -> Vec<ChildReenrolment> {
    app.get_ok(CHILDREN, token).await
}

/// Starts the wizard for a child, insisting on 201 or 200.
pub(crate) async fn start(app: &TestApp, token: &str, student: i64) -> ReenrolmentFile {
    let response = app
        .post_as(&child_path(student, "start"), token, &json!({}))
        .await;
    let status = response.status();
    assert!(
        status == StatusCode::CREATED || status == StatusCode::OK,
        "start: {status}"
    );
    response.json().await.expect("a file")
}

async fn put_ok(
    app: &TestApp,
    token: &str,
    path: &str,
    body: &Value,
    what: &str,
) -> ReenrolmentFile {
    expect_json(app.put_as(path, token, body).await, StatusCode::OK, what).await
}

fn full_autorisations() -> Value {
    json!({"image_rights": true, "leaves_alone": false, "collectors": "Claire ou Julien Martin",
           "pedibus": false, "emergency_name": "Monique Martin", "emergency_phone": "06 12 34 56 78"})
}

/// Uploads a PDF for every required piece of the household and of `student` still to
/// provide or refused.
async fn provide_pieces(app: &TestApp, token: &str, student: i64) {
    let documents = pieces(app, token).await;
    let mut wanted: Vec<(i64, Option<i64>)> = documents
        .household
        .iter()
        .filter(|piece| {
            piece.required && matches!(piece.state, DocumentState::AFournir | DocumentState::Refuse)
        })
        .map(|piece| (piece.document_type_id, None))
        .collect();
    for child in documents
        .students
        .iter()
        .filter(|child| child.student_id == student)
    {
        wanted.extend(
            child
                .documents
                .iter()
                .filter(|piece| {
                    piece.required
                        && matches!(piece.state, DocumentState::AFournir | DocumentState::Refuse)
                })
                .map(|piece| (piece.document_type_id, Some(student))),
        );
    }
    for (type_id, owner) in wanted {
        let response = upload(app, token, type_id, owner, "piece.pdf", &minimal_pdf()).await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "upload of type {type_id}"
        );
    }
}

/// Fills every step of `file` and validates it; returns the file `en_attente`.
pub(crate) async fn complete_and_submit(
    app: &TestApp,
    token: &str,
    file: &ReenrolmentFile,
) -> ReenrolmentFile {
    let campaign: FamilyCampaign = app.get_ok(CAMPAIGN, token).await;
    let file = put_ok(
        app,
        token,
        &file_path(file.id, "coordonnees"),
        &json!({"version": file.version}),
        "coordonnées",
    )
    .await;
    let file = put_ok(
        app,
        token,
        &file_path(file.id, "autorisations"),
        &json!({"version": file.version, "autorisations": full_autorisations()}),
        "autorisations",
    )
    .await;
    let course = campaign
        .courses
        .iter()
        .find(|course| course.discipline == "Piano")
        .expect("a piano course");
    let file = put_ok(app, token, &file_path(file.id, "cours"),
        &json!({"version": file.version, "cours": {"course_ids": [course.id], "payment_method": "prelevement", "instalments": 9}}),
        "cours").await;
    provide_pieces(app, token, file.student_id).await;
    let rules = campaign.rules.as_ref().map_or(0, |rules| rules.version);
    expect_json(
        app.post_as(
            &file_path(file.id, "submit"),
            token,
            &json!({"version": file.version, "accepted_rules_version": rules}),
        )
        .await,
        StatusCode::OK,
        "submit",
    )
    .await
}

/// The demo's open campaign, as staff see it.
pub(crate) async fn demo_campaign(app: &TestApp, staff: &str) -> Campaign {
    let campaigns: Vec<Campaign> = app.get_ok("/api/v1/admin/campaigns", staff).await;
    campaigns
        .into_iter()
        .find(|campaign| campaign.status == tutti_shared::CampaignStatus::Open)
        .expect("the demo's open campaign")
}

both! {
    async fn a_family_completes_the_whole_wizard_and_staff_validate_it(app) {
        let family = app.martin_token().await;
        let ids = app.demo_ids().await;
        let mut timings: Vec<(&str, Duration)> = Vec::new();
        let mut timed = Instant::now();
        let mut lap = |what: &'static str, timings: &mut Vec<(&str, Duration)>| {
            timings.push((what, timed.elapsed()));
            timed = Instant::now();
        };

        let campaign: FamilyCampaign = app.get_ok(CAMPAIGN, &family).await;
        assert!(!campaign.courses.is_empty(), "the demo campaign offers next year's courses");
        let rules = campaign.rules.as_ref().expect("the demo's rules").version;
        let listed = children(&app, &family).await;
        assert_eq!(listed.len(), 3);
        assert!(listed.iter().all(|child| child.file_id.is_none()));
        lap("campaign and children", &mut timings);

        let file = start(&app, &family, ids.lea).await;
        assert_eq!(file.status, FileStatus::Brouillon);
        assert_eq!(file.current_step, WizardStep::Coordonnees);
        assert_eq!(file.steps.iter().map(|step| step.number).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5, 6]);
        assert!(!file.missing.is_empty());
        // Starting again answers the same file.
        assert_eq!(start(&app, &family, ids.lea).await.id, file.id);
        lap("start", &mut timings);

        // Valider too early: 409 with what is missing, nothing changes.
        let early = expect_error(
            app.post_as(&file_path(file.id, "submit"), &family, &json!({"version": file.version, "accepted_rules_version": rules})).await,
            StatusCode::CONFLICT, "an incomplete file").await;
        assert_eq!(early.code, ErrorCode::InvalidTransition);
        assert!(early.message.contains("Coordonnées") || early.message.contains("coordonnées"), "{}", early.message);

        let file = put_ok(&app, &family, &file_path(file.id, "coordonnees"), &json!({"version": file.version}), "coordonnées").await;
        assert!(file.coordonnees_confirmed);
        assert_eq!(file.current_step, WizardStep::Autorisations);
        lap("step 1", &mut timings);

        // A half-done step is kept, and says what is missing; a malformed phone is refused.
        let half = put_ok(&app, &family, &file_path(file.id, "autorisations"),
            &json!({"version": file.version, "autorisations": {"image_rights": true}}), "half the answers").await;
        assert_eq!(half.autorisations.image_rights, Some(true));
        assert!(half.missing.iter().any(|item| item.step == WizardStep::Autorisations));
        assert_eq!(half.current_step, WizardStep::Autorisations, "an incomplete step does not move on");
        let mut bad = full_autorisations();
        bad["emergency_phone"] = json!("12");
        let refused = expect_error(
            app.put_as(&file_path(file.id, "autorisations"), &family, &json!({"version": half.version, "autorisations": bad})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "a malformed phone").await;
        assert!(refused.fields.contains_key("emergency_phone"));
        let file = put_ok(&app, &family, &file_path(file.id, "autorisations"),
            &json!({"version": half.version, "autorisations": full_autorisations()}), "autorisations").await;
        assert!(!file.missing.iter().any(|item| item.step == WizardStep::Autorisations));
        assert_eq!(file.current_step, WizardStep::Documents);
        lap("step 2", &mut timings);

        // Leaving at step 3 and coming back: the position is the server's.
        let file = put_ok(&app, &family, &file_path(file.id, "position"), &json!({"step": "documents"}), "position").await;
        let again: ReenrolmentFile = app.get_ok(&file_path(file.id, ""), &family).await;
        assert_eq!(again.current_step, WizardStep::Documents);
        assert_eq!(again.version, file.version, "the position is a bookmark, not a change");
        provide_pieces(&app, &family, ids.lea).await;
        lap("step 3 (uploads)", &mut timings);

        // A course that the campaign does not offer is refused.
        let elsewhere = expect_error(
            app.put_as(&file_path(file.id, "cours"), &family, &json!({"version": file.version, "cours": {"course_ids": [999_999]}})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "a course not offered").await;
        assert!(elsewhere.fields.contains_key("course_ids"));
        let piano = campaign.courses.iter().find(|course| course.discipline == "Piano").expect("piano");
        let fm = campaign.courses.iter().find(|course| course.discipline == "Formation musicale").expect("FM");
        let file = put_ok(&app, &family, &file_path(file.id, "cours"),
            &json!({"version": file.version, "cours": {"course_ids": [piano.id, fm.id], "comment": "Double cursus envisagé",
                    "payment_method": "prelevement", "instalments": 9}}), "cours").await;
        assert_eq!(file.cours.course_ids, vec![piano.id, fm.id]);
        assert_eq!(file.current_step, WizardStep::Recapitulatif);
        lap("step 4", &mut timings);

        let estimate: FeeEstimate = app.get_ok(&file_path(file.id, "estimate"), &family).await;
        assert_eq!(estimate.lines.iter().map(|line| line.amount_cents).sum::<i64>(), estimate.total_cents);
        assert_eq!(estimate.instalments.len(), 9);
        assert_eq!(estimate.instalments.iter().sum::<i64>(), estimate.total_cents);
        assert!(estimate.total_cents > 0);
        assert!(file.missing.is_empty(), "{:?}", file.missing);
        lap("step 5 (estimate)", &mut timings);

        // A stale rules version is refused; the current one is accepted.
        let old_rules = expect_error(
            app.post_as(&file_path(file.id, "submit"), &family, &json!({"version": file.version, "accepted_rules_version": rules + 1})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "another rules version").await;
        assert!(old_rules.fields.contains_key("accepted_rules_version"));
        let sent: ReenrolmentFile = expect_json(
            app.post_as(&file_path(file.id, "submit"), &family, &json!({"version": file.version, "accepted_rules_version": rules})).await,
            StatusCode::OK, "submit").await;
        assert_eq!(sent.status, FileStatus::EnAttente);
        assert_eq!(sent.accepted_rules_version, Some(rules));
        assert!(sent.submitted_at.is_some());
        lap("step 6 (submit)", &mut timings);
        let total: Duration = timings.iter().map(|(_, time)| *time).sum();
        eprintln!("[wizard timings {:?}] {timings:?} total {total:?}", app.backend);

        let email = app.wait_for_email("claire.martin@example.fr", "Réinscription de Léa Martin : demande reçue").await;
        assert!(email.body_text.contains("Piano"), "{}", email.body_text);
        assert!(email.body_text.contains("Prélèvement automatique, en neuf fois"), "{}", email.body_text);
        // Submitting again changes nothing and sends nothing.
        let twice: ReenrolmentFile = expect_json(
            app.post_as(&file_path(file.id, "submit"), &family, &json!({"version": file.version, "accepted_rules_version": rules})).await,
            StatusCode::OK, "a second submit").await;
        assert_eq!(twice, sent);
        assert_eq!(app.emails_with("claire.martin@example.fr", "Réinscription de Léa Martin : demande reçue"), 1);
        // Nothing is editable while the school decides.
        let locked = expect_error(
            app.put_as(&file_path(file.id, "coordonnees"), &family, &json!({"version": sent.version})).await,
            StatusCode::CONFLICT, "an edit while waiting").await;
        assert_eq!(locked.code, ErrorCode::InvalidTransition);

        // Staff: the dashboard, the list, the detail, the validation.
        let staff = app.staff_token().await;
        let demo = demo_campaign(&app, &staff).await;
        let dashboard: CampaignDashboard = app.get_ok(&format!("/api/v1/admin/campaigns/{}/dashboard", demo.id), &staff).await;
        let waiting = dashboard.by_status.iter().find(|count| count.status == FileStatus::EnAttente).expect("en_attente");
        assert_eq!(waiting.count, 1);
        assert!(dashboard.unanswered >= 3, "Hugo, Chloé and Nathan at least: {}", dashboard.unanswered);
        let page: Page<StaffFileSummary> = app.get_ok(&format!("/api/v1/admin/campaigns/{}/files?status=en_attente", demo.id), &staff).await;
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].wished, "Piano, Formation musicale");
        assert_eq!(page.items[0].missing_documents, 0);
        let detail: StaffFileView = app.get_ok(&format!("{STAFF_FILES}/{}", file.id), &staff).await;
        assert_eq!(detail.file.cours.comment, "Double cursus envisagé");
        assert_eq!(detail.wished_courses.len(), 2);
        let validated: StaffFileView = expect_json(
            app.post_as(&format!("{STAFF_FILES}/{}/validate", file.id), &staff, &json!({"version": detail.file.version})).await,
            StatusCode::OK, "validation").await;
        assert_eq!(validated.file.status, FileStatus::Validee);
        let mut enrolled = validated.enrolled_course_ids.clone();
        enrolled.sort_unstable();
        let mut wished = vec![piano.id, fm.id];
        wished.sort_unstable();
        assert_eq!(enrolled, wished, "next year's enrolments exist");
        let shown: ReenrolmentFile = app.get_ok(&file_path(file.id, ""), &family).await;
        assert_eq!(shown.status, FileStatus::Validee);
        let actions = app.audit_actions();
        for action in ["reenrolment_started", "reenrolment_submitted", "reenrolment_validated"] {
            assert!(actions.iter().any(|logged| logged == action), "{action} in {actions:?}");
        }
    }
}

both! {
    async fn every_move_the_state_machine_forbids_is_refused_and_changes_nothing(app) {
        let family = app.martin_token().await;
        let staff = app.staff_token().await;
        let ids = app.demo_ids().await;
        let file = start(&app, &family, ids.hugo).await;
        let staff_path = |action: &str| format!("{STAFF_FILES}/{}/{action}", file.id);

        // Staff cannot decide a draft.
        for (action, body) in [
            ("validate", json!({"version": file.version})),
            ("refuse", json!({"version": file.version, "message": "Non"})),
            ("return", json!({"version": file.version, "message": "Non"})),
        ] {
            let refused = expect_error(
                app.post_as(&staff_path(action), &staff, &body).await,
                StatusCode::CONFLICT, action).await;
            assert_eq!(refused.code, ErrorCode::InvalidTransition, "{action}");
        }
        // Declined: no step can be saved, Valider is refused, a restart is a draft again.
        let declined: ReenrolmentFile = expect_json(
            app.post_as(&child_path(ids.hugo, "decline"), &family, &json!({"version": file.version})).await,
            StatusCode::OK, "decline").await;
        assert_eq!(declined.status, FileStatus::NonReinscrit);
        let locked = expect_error(
            app.put_as(&file_path(file.id, "coordonnees"), &family, &json!({"version": declined.version})).await,
            StatusCode::CONFLICT, "a step of a declined file").await;
        assert_eq!(locked.code, ErrorCode::InvalidTransition);
        let refused = expect_error(
            app.post_as(&file_path(file.id, "submit"), &family, &json!({"version": declined.version, "accepted_rules_version": 1})).await,
            StatusCode::CONFLICT, "submitting a declined file").await;
        assert_eq!(refused.code, ErrorCode::InvalidTransition);
        let again: ReenrolmentFile = expect_json(
            app.post_as(&child_path(ids.hugo, "decline"), &family, &json!({"version": declined.version})).await,
            StatusCode::OK, "declining twice").await;
        assert_eq!(again.version, declined.version, "declining twice changes nothing");
        let restarted = start(&app, &family, ids.hugo).await;
        assert_eq!(restarted.status, FileStatus::Brouillon);

        // Waiting: the family can neither decline nor edit; staff refuse, then the family
        // corrects and validates again; staff send it back with a message.
        let sent = complete_and_submit(&app, &family, &restarted).await;
        let no_decline = expect_error(
            app.post_as(&child_path(ids.hugo, "decline"), &family, &json!({"version": sent.version})).await,
            StatusCode::CONFLICT, "declining a file waiting for the school").await;
        assert_eq!(no_decline.code, ErrorCode::InvalidTransition);
        let empty = expect_error(
            app.post_as(&staff_path("refuse"), &staff, &json!({"version": sent.version, "message": "  "})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "a refusal without a reason").await;
        assert!(empty.fields.contains_key("message"));
        let refused: StaffFileView = expect_json(
            app.post_as(&staff_path("refuse"), &staff, &json!({"version": sent.version, "message": "Le cours de piano est complet."})).await,
            StatusCode::OK, "refusal").await;
        assert_eq!(refused.file.status, FileStatus::Refusee);
        app.wait_for_email("claire.martin@example.fr", "Réinscription de Hugo Martin refusée").await;
        let seen: ReenrolmentFile = app.get_ok(&file_path(file.id, ""), &family).await;
        assert_eq!(seen.school_message.as_deref(), Some("Le cours de piano est complet."));
        let stale = expect_error(
            app.post_as(&staff_path("validate"), &staff, &json!({"version": sent.version})).await,
            StatusCode::CONFLICT, "validating a refused file").await;
        assert_eq!(stale.code, ErrorCode::InvalidTransition);
        let resent: ReenrolmentFile = expect_json(
            app.post_as(&file_path(file.id, "submit"), &family, &json!({"version": seen.version, "accepted_rules_version": seen.accepted_rules_version})).await,
            StatusCode::OK, "submitting again after a refusal").await;
        assert_eq!(resent.status, FileStatus::EnAttente);
        assert_eq!(resent.school_message, None);
        let returned: StaffFileView = expect_json(
            app.post_as(&staff_path("return"), &staff, &json!({"version": resent.version, "message": "Ajoutez le second instrument."})).await,
            StatusCode::OK, "sending back").await;
        assert_eq!(returned.file.status, FileStatus::Brouillon);
        app.wait_for_email("claire.martin@example.fr", "Réinscription de Hugo Martin : dossier à compléter").await;
        // A draft cannot be refused, a validated file cannot move at all.
        let draft_refusal = expect_error(
            app.post_as(&staff_path("refuse"), &staff, &json!({"version": returned.file.version, "message": "Non"})).await,
            StatusCode::CONFLICT, "refusing a draft").await;
        assert_eq!(draft_refusal.code, ErrorCode::InvalidTransition);
    }
}

both! {
    async fn a_stale_save_is_refused_and_the_first_save_is_kept(app) {
        let family = app.martin_token().await;
        let ids = app.demo_ids().await;
        let file = start(&app, &family, ids.chloe).await;
        let first = put_ok(&app, &family, &file_path(file.id, "autorisations"),
            &json!({"version": file.version, "autorisations": full_autorisations()}), "first save").await;
        let stale = expect_error(
            app.put_as(&file_path(file.id, "autorisations"), &family,
                &json!({"version": file.version, "autorisations": {"image_rights": false}})).await,
            StatusCode::CONFLICT, "a save from another tab").await;
        assert_eq!(stale.code, ErrorCode::StaleVersion);
        let kept: ReenrolmentFile = app.get_ok(&file_path(file.id, ""), &family).await;
        assert_eq!(kept.autorisations, first.autorisations);
        assert_eq!(kept.version, first.version);
    }
}

both! {
    async fn two_submissions_at_once_make_one_waiting_file_and_one_email(app) {
        let family = app.martin_token().await;
        let ids = app.demo_ids().await;
        let file = start(&app, &family, ids.lea).await;
        let campaign: FamilyCampaign = app.get_ok(CAMPAIGN, &family).await;
        let file = put_ok(&app, &family, &file_path(file.id, "coordonnees"), &json!({"version": file.version}), "coordonnées").await;
        let file = put_ok(&app, &family, &file_path(file.id, "autorisations"),
            &json!({"version": file.version, "autorisations": full_autorisations()}), "autorisations").await;
        let course = campaign.courses.first().expect("a course");
        let file = put_ok(&app, &family, &file_path(file.id, "cours"),
            &json!({"version": file.version, "cours": {"course_ids": [course.id], "payment_method": "portail_familles", "instalments": 1}}), "cours").await;
        provide_pieces(&app, &family, ids.lea).await;
        let body = json!({"version": file.version, "accepted_rules_version": campaign.rules.as_ref().map_or(0, |rules| rules.version)});
        let path = file_path(file.id, "submit");
        let (one, two) = tokio::join!(app.post_as(&path, &family, &body), app.post_as(&path, &family, &body));
        let statuses = [one.status(), two.status()];
        assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
        for status in statuses {
            assert!(status == StatusCode::OK || status == StatusCode::CONFLICT, "{statuses:?}");
        }
        let shown: ReenrolmentFile = app.get_ok(&file_path(file.id, ""), &family).await;
        assert_eq!(shown.status, FileStatus::EnAttente);
        app.wait_for_email("claire.martin@example.fr", "Réinscription de Léa Martin : demande reçue").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(app.emails_with("claire.martin@example.fr", "Réinscription de Léa Martin : demande reçue"), 1);
        let submitted = app.audit_actions().iter().filter(|action| *action == "reenrolment_submitted").count();
        assert_eq!(submitted, 1);
    }
}

both! {
    async fn outside_the_campaign_nothing_is_writable_and_files_stay_readable(app) {
        let family = app.martin_token().await;
        let staff = app.staff_token().await;
        let ids = app.demo_ids().await;
        let file = start(&app, &family, ids.lea).await;
        let demo = demo_campaign(&app, &staff).await;
        let _closed: Campaign = expect_json(
            app.post_as(&format!("/api/v1/admin/campaigns/{}/close", demo.id), &staff, &json!({"version": demo.version})).await,
            StatusCode::OK, "closing").await;
        let closed = expect_error(
            app.put_as(&file_path(file.id, "coordonnees"), &family, &json!({"version": file.version})).await,
            StatusCode::CONFLICT, "a save after the closing").await;
        assert_eq!(closed.code, ErrorCode::CampaignClosed);
        let start_closed = expect_error(
            app.post_as(&child_path(ids.hugo, "start"), &family, &json!({})).await,
            StatusCode::CONFLICT, "a start after the closing").await;
        assert_eq!(start_closed.code, ErrorCode::CampaignClosed);
        let decline_closed = expect_error(
            app.post_as(&child_path(ids.hugo, "decline"), &family, &json!({})).await,
            StatusCode::CONFLICT, "a decline after the closing").await;
        assert_eq!(decline_closed.code, ErrorCode::CampaignClosed);
        expect_error(app.get_as(CHILDREN, &family).await, StatusCode::NOT_FOUND, "children without a campaign").await;
        let still: ReenrolmentFile = app.get_ok(&file_path(file.id, ""), &family).await;
        assert_eq!(still.id, file.id);
    }
}

both! {
    async fn disabled_steps_are_renumbered_and_not_required(app) {
        let family = app.durand_token().await;
        let staff = app.staff_token().await;
        let ids = app.demo_ids().await;
        let demo = demo_campaign(&app, &staff).await;
        let _: Campaign = expect_json(
            app.post_as(&format!("/api/v1/admin/campaigns/{}/close", demo.id), &staff, &json!({"version": demo.version})).await,
            StatusCode::OK, "closing the demo's campaign").await;
        let mut body = crate::reenrolment_campaigns::input(demo.from_year_id, demo.to_year_id);
        body["steps"] = json!({"coordonnees": false, "autorisations": false, "documents": false});
        let draft = crate::reenrolment_campaigns::create(&app, &staff, &body).await;
        let _: Campaign = expect_json(
            app.put_as(&format!("/api/v1/admin/campaigns/{}/courses", draft.id), &staff,
                &json!({"course_ids": demo.offered_course_ids})).await,
            StatusCode::OK, "courses").await;
        let draft: Campaign = app.get_ok(&format!("/api/v1/admin/campaigns/{}", draft.id), &staff).await;
        crate::reenrolment_campaigns::open(&app, &staff, &draft).await;

        let file = start(&app, &family, ids.nathan).await;
        assert_eq!(file.current_step, WizardStep::Cours);
        assert_eq!(
            file.steps.iter().map(|step| (step.number, step.step)).collect::<Vec<_>>(),
            vec![(1, WizardStep::Cours), (2, WizardStep::Recapitulatif), (3, WizardStep::Finalisation)]
        );
        let off = expect_error(
            app.put_as(&file_path(file.id, "position"), &family, &json!({"step": "autorisations"})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "a disabled step").await;
        assert!(off.fields.contains_key("step"));
        let course = demo.offered_course_ids[0];
        let file = put_ok(&app, &family, &file_path(file.id, "cours"),
            &json!({"version": file.version, "cours": {"course_ids": [course], "payment_method": "portail_familles", "instalments": 1}}), "cours").await;
        assert!(file.missing.is_empty(), "{:?}", file.missing);
        let sent: ReenrolmentFile = expect_json(
            app.post_as(&file_path(file.id, "submit"), &family, &json!({"version": file.version, "accepted_rules_version": 0})).await,
            StatusCode::OK, "a campaign without rules nor optional steps").await;
        assert_eq!(sent.status, FileStatus::EnAttente);
    }
}

both! {
    async fn another_households_file_is_not_found(app) {
        let martin = app.martin_token().await;
        let durand = app.durand_token().await;
        let ids = app.demo_ids().await;
        let file = start(&app, &martin, ids.lea).await;
        expect_error(app.get_as(&file_path(file.id, ""), &durand).await, StatusCode::NOT_FOUND, "another's file").await;
        expect_error(app.get_as(&file_path(file.id, "estimate"), &durand).await, StatusCode::NOT_FOUND, "another's estimate").await;
        expect_error(
            app.put_as(&file_path(file.id, "coordonnees"), &durand, &json!({"version": file.version})).await,
            StatusCode::NOT_FOUND, "a save on another's file").await;
        expect_error(
            app.post_as(&child_path(ids.lea, "start"), &durand, &json!({})).await,
            StatusCode::NOT_FOUND, "starting another household's child").await;
        expect_error(
            app.post_as(&child_path(ids.lea, "decline"), &durand, &json!({})).await,
            StatusCode::NOT_FOUND, "declining another household's child").await;
        let unchanged: ReenrolmentFile = app.get_ok(&file_path(file.id, ""), &martin).await;
        assert_eq!(unchanged.version, file.version);
    }
}

both! {
    async fn staff_validate_a_selection_and_are_told_which_files_were_left(app) {
        let martin = app.martin_token().await;
        let staff = app.staff_token().await;
        let ids = app.demo_ids().await;
        let lea = complete_and_submit(&app, &martin, &start(&app, &martin, ids.lea).await).await;
        let hugo = start(&app, &martin, ids.hugo).await;
        let demo = demo_campaign(&app, &staff).await;
        let result: BulkValidateResult = expect_json(
            app.post_as(&format!("/api/v1/admin/campaigns/{}/files/validate", demo.id), &staff,
                &json!({"files": [{"id": lea.id, "version": lea.version}, {"id": hugo.id, "version": hugo.version}]})).await,
            StatusCode::OK, "bulk validation").await;
        assert_eq!(result.validated, vec![lea.id]);
        assert_eq!(result.failed.len(), 1);
        assert_eq!(result.failed[0].id, hugo.id);
        let hugo_now: ReenrolmentFile = app.get_ok(&file_path(hugo.id, ""), &martin).await;
        assert_eq!(hugo_now.status, FileStatus::Brouillon);
        // Staff may confirm another course of a wished discipline, not of another one.
        let sent = complete_and_submit(&app, &martin, &hugo_now).await;
        let detail: StaffFileView = app.get_ok(&format!("{STAFF_FILES}/{}", sent.id), &staff).await;
        let other = expect_error(
            app.post_as(&format!("{STAFF_FILES}/{}/validate", sent.id), &staff,
                &json!({"version": detail.file.version, "course_ids": demo.offered_course_ids.iter().copied().filter(|id| !detail.file.cours.course_ids.contains(id)).collect::<Vec<_>>()})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "courses of other disciplines").await;
        assert!(other.fields.contains_key("course_ids"));
        let families_forbidden = app.post_as(&format!("{STAFF_FILES}/{}/validate", sent.id), &martin, &json!({"version": detail.file.version})).await;
        assert_eq!(families_forbidden.status(), StatusCode::FORBIDDEN);
        let missing: Page<StaffFileSummary> = app.get_ok(&format!("/api/v1/admin/campaigns/{}/files?missing_documents=true", demo.id), &staff).await;
        assert!(missing.items.iter().all(|item| item.missing_documents > 0));

        // The exports open in a French spreadsheet: BOM, `;`, one line per file or child.
        let files = app.get_as(&format!("/api/v1/admin/campaigns/{}/export/files.csv", demo.id), &staff).await;
        assert_eq!(files.status(), StatusCode::OK);
        assert_eq!(tutti_tests::header(&files, "content-type"), "text/csv; charset=utf-8");
        assert!(tutti_tests::header(&files, "content-disposition").starts_with("attachment;"));
        let bytes = files.bytes().await.expect("the CSV");
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a byte order mark");
        let text = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("Dossier;Foyer;Élève;Statut;"), "{}", lines[0]);
        assert_eq!(lines.len(), 3, "a header and two files: {text}");
        assert!(text.contains(";Léa Martin;Validée;"), "{text}");
        assert!(text.contains(";Hugo Martin;En attente de validation;"), "{text}");
        let unanswered = app.get_as(&format!("/api/v1/admin/campaigns/{}/export/unanswered.csv", demo.id), &staff).await;
        let text = String::from_utf8(unanswered.bytes().await.expect("the CSV")[3..].to_vec()).expect("UTF-8");
        assert!(text.starts_with("Foyer;Prénom;Nom;Courriels du foyer"), "{text}");
        assert!(text.contains("Chloé;Martin;claire.martin@example.fr"), "{text}");
        assert!(!text.contains("Léa"), "{text}");
    }
}

both! {
    async fn the_choices_made_in_the_wizard_decide_the_pieces_to_provide(app) {
        let family = app.durand_token().await;
        let martin = app.martin_token().await;
        let ids = app.demo_ids().await;
        let required = |documents: &tutti_shared::HouseholdDocuments, name: &str, student: Option<i64>| -> bool {
            match student {
                None => documents.household.iter().any(|piece| piece.name == name && piece.required),
                Some(student) => documents
                    .students
                    .iter()
                    .filter(|child| child.student_id == student)
                    .flat_map(|child| child.documents.iter())
                    .any(|piece| piece.name == name && piece.required),
            }
        };
        let before = pieces(&app, &family).await;
        assert!(!required(&before, "SEPA + RIB (prélèvement)", None));
        assert!(!required(&before, "Décharge parentale (si pédibus)", None));

        // Prélèvement (step 4) asks for the SEPA mandate; pédibus (step 2) for the décharge.
        let file = start(&app, &family, ids.nathan).await;
        let mut answers = full_autorisations();
        answers["pedibus"] = json!(true);
        let file = put_ok(&app, &family, &file_path(file.id, "autorisations"),
            &json!({"version": file.version, "autorisations": answers}), "pédibus").await;
        let campaign: FamilyCampaign = app.get_ok(CAMPAIGN, &family).await;
        let violin = campaign.courses.iter().find(|course| course.discipline == "Violon").expect("violin");
        let file = put_ok(&app, &family, &file_path(file.id, "cours"),
            &json!({"version": file.version, "cours": {"course_ids": [violin.id], "payment_method": "prelevement", "instalments": 1}}), "prélèvement").await;
        let after = pieces(&app, &family).await;
        assert!(required(&after, "SEPA + RIB (prélèvement)", None));
        assert!(required(&after, "Décharge parentale (si pédibus)", None));
        assert!(file.missing.iter().any(|item| item.step == WizardStep::Documents && item.message.contains("SEPA")), "{:?}", file.missing);

        // A dance course wished for next year asks for the medical certificate.
        let lea_before = pieces(&app, &martin).await;
        assert!(!required(&lea_before, "Certificat médical (danse)", Some(ids.lea)));
        let lea = start(&app, &martin, ids.lea).await;
        let hip_hop = campaign.courses.iter().find(|course| course.discipline == "Hip-hop").expect("hip-hop");
        put_ok(&app, &martin, &file_path(lea.id, "cours"),
            &json!({"version": lea.version, "cours": {"course_ids": [hip_hop.id]}}), "a dance wish").await;
        let lea_after = pieces(&app, &martin).await;
        assert!(required(&lea_after, "Certificat médical (danse)", Some(ids.lea)));
        // Declining the child takes the wish out of the count.
        let shown: ReenrolmentFile = app.get_ok(&file_path(lea.id, ""), &martin).await;
        let _: ReenrolmentFile = expect_json(
            app.post_as(&child_path(ids.lea, "decline"), &martin, &json!({"version": shown.version})).await,
            StatusCode::OK, "decline").await;
        let declined = pieces(&app, &martin).await;
        assert!(!required(&declined, "Certificat médical (danse)", Some(ids.lea)));
    }
}
