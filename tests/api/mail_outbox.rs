//! Email off the request path: requests only write the outbox, the server's mail worker
//! sends over SMTP, retries, survives restarts and never sends an email twice.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::json;
use tutti_shared::GuardianView;
use tutti_tests::{
    MessageResponse, SilentSmtpServer, SmtpSink, StatusCode, TEST_PUBLIC_URL, TestApp, both,
    decoded_bodies, demo, expect_json, free_port, reset_link_in, subject_of,
};

use crate::household_helpers::{ACKNOWLEDGMENT_SUBJECT, HouseholdApi as _, MARTIN_ACCOUNT_EMAIL};

/// Famille Durand's account email (the demo data).
const DURAND_ACCOUNT_EMAIL: &str = "sophie.durand@example.fr";

/// Edits Claire Martin's record (a new address) and returns the answer and how long it took.
async fn edit_claire(app: &TestApp, token: &str, address: &str) -> (GuardianView, Duration) {
    let claire = app.family(token).await.guardians[0].clone();
    let started = Instant::now();
    let response = app
        .update_guardian(
            token,
            claire.id,
            &json!({"version": claire.version, "changes": {"address": address}}),
        )
        .await;
    let took = started.elapsed();
    let view = expect_json(response, StatusCode::OK, "PATCH the first guardian").await;
    (view, took)
}

/// Inserts an email straight into the outbox with `status` and the given columns.
fn insert_email(app: &TestApp, subject: &str, status: &str, claimed_until: &str) {
    app.sql(&format!(
        "INSERT INTO outgoing_emails (to_address, subject, body_text, body_html, status, attempts, \
         next_attempt_at, claimed_until, created_at) VALUES ('famille@example.fr', '{subject}', \
         'Bonjour', '<p>Bonjour</p>', '{status}', 0, '2000-01-01 00:00:00', {claimed_until}, \
         '2000-01-01 00:00:00')"
    ));
}

both! {
    async fn a_family_edit_answers_at_once_when_the_smtp_server_hangs(backend: Backend) {
        let silent = SilentSmtpServer::start().await;
        let app = TestApp::spawn_with(backend, vec![("TUTTI_SMTP_URL", silent.url())]).await;
        let token = app.martin_token().await;

        let (_, first) = edit_claire(&app, &token, "5 avenue Foch").await;
        assert!(first < Duration::from_secs(1), "the edit took {first:?}");
        let row = app
            .wait_for_mail_rows(5, "the acknowledgment is queued", |rows| {
                rows.iter().find(|row| row.subject == ACKNOWLEDGMENT_SUBJECT).cloned()
            })
            .await;
        assert!(["pending", "sending"].contains(&row.status.as_str()), "{row:?}");
        assert_eq!(row.to_address, MARTIN_ACCOUNT_EMAIL);

        // The worker is now stuck in the silent server's conversation...
        let deadline = Instant::now() + Duration::from_secs(10);
        while silent.connections() == 0 {
            assert!(Instant::now() < deadline, "the worker never connected to the SMTP server");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // ... and a second edit still answers at once.
        let (_, second) = edit_claire(&app, &token, "7 avenue Foch").await;
        assert!(second < Duration::from_secs(1), "the second edit took {second:?}");
        eprintln!("edits answered in {first:?} and {second:?} with a silent SMTP server");

        // The stuck attempt times out and the email waits for a retry, with the reason.
        let timed_out = app
            .wait_for_mail_rows(30, "the first attempt times out", |rows| {
                rows.iter()
                    .find(|candidate| candidate.id == row.id && candidate.status == "pending" && candidate.attempts == 1)
                    .cloned()
            })
            .await;
        let error = timed_out.last_error.unwrap_or_default();
        assert!(error.contains("no answer"), "last_error: {error}");
        assert!(app.mail_rows().iter().all(|row| row.status != "sent"), "nothing was sent");
    }
}

both! {
    async fn a_family_edit_is_acknowledged_through_the_smtp_server(backend: Backend) {
        let sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(backend, vec![("TUTTI_SMTP_URL", sink.url())]).await;
        let token = app.martin_token().await;

        let started = Instant::now();
        let (_, answered) = edit_claire(&app, &token, "5 avenue Foch").await;

        let messages = sink.wait_for_messages(1, 10).await;
        eprintln!("edit answered in {answered:?}; its email reached the SMTP server {:?} after the request", started.elapsed());
        assert_eq!(messages.len(), 1, "one message reaches the SMTP server");
        assert_eq!(subject_of(&messages[0]), ACKNOWLEDGMENT_SUBJECT);
        assert!(
            decoded_bodies(&messages[0]).iter().any(|body| body.contains("5 avenue Foch")),
            "the message lists the change"
        );
        let sent = app
            .wait_for_mail_rows(10, "the row is marked sent", |rows| {
                rows.iter().find(|row| row.status == "sent").cloned()
            })
            .await;
        assert_eq!((sent.attempts, sent.last_error), (1, None));
    }
}

both! {
    async fn emails_left_by_an_smtp_outage_or_a_crash_are_sent_after_a_restart(backend: Backend) {
        // Nothing listens on this port: every attempt is refused.
        let down = format!("smtp://127.0.0.1:{}", free_port());
        let mut app = TestApp::spawn_with(backend, vec![("TUTTI_SMTP_URL", down)]).await;
        let email = app.login_family(&app.new_client()).await.account.email;
        let response = app.request_reset(demo::SITE, demo::FAMILY_LOGIN, &email).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);

        let failed_once = app
            .wait_for_mail_rows(10, "the first attempt fails", |rows| {
                rows.iter().find(|row| row.attempts == 1 && row.status == "pending").cloned()
            })
            .await;
        assert!(failed_once.last_error.is_some(), "{failed_once:?}");
        assert!(
            reset_link_in(&failed_once.body_text, TEST_PUBLIC_URL).is_some(),
            "until it is delivered, the stored email keeps the link it must deliver"
        );

        // The server crashes (or is stopped for maintenance).
        app.stop().await;
        // A crash right after a commit leaves a pending row; a crash mid-send leaves a
        // row claimed by a worker that is gone (its lease has expired).
        insert_email(&app, "Committed then crashed", "pending", "NULL");
        insert_email(&app, "Claimed then crashed", "sending", "'2000-01-01 00:00:01'");
        // The retry of the refused email falls due (the minute of backoff has passed).
        app.sql("UPDATE outgoing_emails SET next_attempt_at = '2000-01-01 00:00:00' WHERE status = 'pending'");

        let sink = SmtpSink::start().await;
        app.restart_with(vec![("TUTTI_SMTP_URL", sink.url())]).await;

        let messages = sink.wait_for_messages(3, 15).await;
        let mut subjects: Vec<String> = messages.iter().map(|raw| subject_of(raw)).collect();
        subjects.sort();
        assert_eq!(
            subjects,
            ["Choisir votre mot de passe", "Claimed then crashed", "Committed then crashed"],
            "each email arrives once"
        );
        let rows = app
            .wait_for_mail_rows(10, "every row is sent", |rows| {
                rows.iter().all(|row| row.status == "sent").then(|| rows.to_vec())
            })
            .await;
        let reset = rows.iter().find(|row| row.id == failed_once.id).expect("the reset email");
        assert_eq!(reset.attempts, 2);
        assert!(reset_link_in(&reset.body_text, TEST_PUBLIC_URL).is_none(), "sent: the stored copy no longer holds the token");

        // The delivered link works.
        let link = messages
            .iter()
            .flat_map(|raw| decoded_bodies(raw))
            .find_map(|body| reset_link_in(&body, TEST_PUBLIC_URL))
            .expect("the delivered reset link");
        let token = link.rsplit_once("#token=").expect("a token").1.to_owned();
        let _: MessageResponse = expect_json(app.confirm_reset(&token, "Apres-La-Panne-2026").await, StatusCode::OK, "confirm").await;
    }
}

both! {
    async fn two_instances_on_one_database_deliver_each_email_exactly_once(backend: Backend) {
        const EMAILS: usize = 30;
        let sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(backend, vec![("TUTTI_SMTP_URL", sink.url())]).await;
        let second = app.spawn_sibling(vec![]).await;

        let values: Vec<String> = (0..EMAILS)
            .map(|number| {
                format!(
                    "('famille@example.fr', 'Message {number:02}', 'Bonjour', '<p>Bonjour</p>', \
                     'pending', 0, '2100-01-01 00:00:00', '2000-01-01 00:00:00')"
                )
            })
            .collect();
        app.sql(&format!(
            "INSERT INTO outgoing_emails (to_address, subject, body_text, body_html, status, \
             attempts, next_attempt_at, created_at) VALUES {}",
            values.join(", ")
        ));
        // All fall due at once, and a request to each instance wakes both workers, so that
        // they drain the same rows at the same time.
        app.sql("UPDATE outgoing_emails SET next_attempt_at = '2000-01-01 00:00:00'");
        let reset = |address: &str, login: &str, email: &str| {
            app.client
                .post(format!("{address}/api/v1/auth/password-reset"))
                .json(&json!({"site": demo::SITE, "login": login, "email": email}))
                .send()
        };
        let (first_wake, second_wake) = tokio::join!(
            reset(&app.address, demo::FAMILY_LOGIN, MARTIN_ACCOUNT_EMAIL),
            reset(&second.address, demo::DURAND_LOGIN, DURAND_ACCOUNT_EMAIL),
        );
        assert_eq!(first_wake.expect("reset on the first instance").status(), StatusCode::ACCEPTED);
        assert_eq!(second_wake.expect("reset on the second instance").status(), StatusCode::ACCEPTED);

        let started = Instant::now();
        app.wait_for_mail_rows(60, "every email is sent", |rows| {
            (rows.len() == EMAILS + 2 && rows.iter().all(|row| row.status == "sent")).then_some(())
        })
        .await;
        let took = started.elapsed();
        // Give a duplicate, if any, the time to land.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut delivered: BTreeMap<String, usize> = BTreeMap::new();
        for raw in sink.messages() {
            *delivered.entry(subject_of(&raw)).or_default() += 1;
        }
        let mut expected: BTreeMap<String, usize> =
            (0..EMAILS).map(|number| (format!("Message {number:02}"), 1)).collect();
        expected.insert("Choisir votre mot de passe".to_owned(), 2);
        assert_eq!(delivered, expected, "each email delivered exactly once");
        assert!(app.mail_rows().iter().all(|row| row.attempts == 1), "no email claimed twice");
        eprintln!("{} emails sent by two instances in {took:?}", EMAILS + 2);
    }
}
