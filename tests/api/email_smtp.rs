//! Email over real SMTP: the link reaches the mailbox, and the stored copy keeps no token.

use std::time::{Duration, Instant};

use tutti_tests::{
    MessageResponse, SmtpSink, StatusCode, TEST_PUBLIC_URL, TestApp, TextRow, both, decoded_bodies,
    demo, expect_json, reset_link_in,
};

both! {
    async fn a_reset_link_sent_over_smtp_works_and_the_stored_copy_hides_the_token(backend: Backend) {
        let sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(backend, vec![("TUTTI_SMTP_URL", sink.url())]).await;
        let email = app.login_family(&app.new_client()).await.account.email;

        let response = app.request_reset(demo::SITE, demo::FAMILY_LOGIN, &email).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);

        let Some(raw) = sink.wait_for_message().await else {
            let errors: Vec<TextRow> = app.query("SELECT status || ': ' || COALESCE(last_error, '') AS value FROM outgoing_emails");
            panic!("no message reached the SMTP sink within 10 s; outbox: {errors:?}");
        };
        let bodies = decoded_bodies(&raw);
        let link = bodies
            .iter()
            .find_map(|body| reset_link_in(body, TEST_PUBLIC_URL))
            .unwrap_or_else(|| panic!("no reset link in the delivered message:\n{}", String::from_utf8_lossy(&raw)));
        let token = link.rsplit_once("#token=").expect("a token").1.to_owned();
        let headers = String::from_utf8_lossy(&raw).to_ascii_lowercase();
        assert!(headers.contains(&format!("to: {}", email.to_ascii_lowercase())) || headers.contains(&email.to_ascii_lowercase()), "sent to {email}");

        let _: MessageResponse = expect_json(app.confirm_reset(&token, "Par-Courriel-2026!").await, StatusCode::OK, "confirm").await;
        app.login_ok(demo::SITE, demo::FAMILY_LOGIN, "Par-Courriel-2026!").await;

        // The outbox row is marked sent once the SMTP server accepted it.
        let deadline = Instant::now() + Duration::from_secs(10);
        let stored = loop {
            let stored = app.last_email_to(&email).expect("the outbox keeps a copy");
            if stored.status == "sent" || Instant::now() > deadline {
                break stored;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert_eq!(stored.status, "sent", "{stored:#?}");
        assert!(!stored.body_text.contains(&token), "the stored text body holds the token");
        assert!(!stored.body_html.as_deref().unwrap_or_default().contains(&token), "the stored HTML body holds the token");
        assert!(!stored.subject.contains(&token));
    }
}
