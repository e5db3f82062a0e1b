//! Password recovery: a single-use, hashed, 30-minute link, sent only when the
//! identifiant and email match, with an answer that never tells whether they did.

use tutti_tests::{
    ErrorCode, MessageResponse, SessionResponse, StatusCode, TEST_PUBLIC_URL, TestApp, TextRow,
    both, demo, expect_error, expect_json, reset_link_in,
};

const NEW_PASSWORD: &str = "Nouveau-Mot-De-Passe-2026";

/// Famille Martin's email address, as the school has it.
async fn family_email(app: &TestApp) -> String {
    app.login_family(&app.new_client()).await.account.email
}

/// Requests a reset for Famille Martin and returns the token from the outbox.
async fn reset_token_for_the_family(app: &TestApp) -> (String, String) {
    let email = family_email(app).await;
    let token = app
        .reset_token_for(demo::SITE, demo::FAMILY_LOGIN, &email)
        .await;
    (email, token)
}

both! {
    async fn a_reset_request_answers_the_same_whether_or_not_anything_matched(app) {
        let email = family_email(&app).await;
        let before = app.outbox().len();

        let mut bodies = Vec::new();
        for (site, login, address, what) in [
            (demo::SITE, "personne.inconnue", email.as_str(), "unknown login"),
            (demo::SITE, demo::FAMILY_LOGIN, "quelqu.un@ailleurs.example", "wrong email"),
            ("ecole-inexistante", demo::FAMILY_LOGIN, email.as_str(), "unknown site"),
            (demo::SITE, demo::FAMILY_LOGIN, email.as_str(), "matching request"),
        ] {
            let response = app.request_reset(site, login, address).await;
            assert_eq!(response.status(), StatusCode::ACCEPTED, "{what}");
            let body = response.bytes().await.expect("the body");
            let _: MessageResponse = serde_json::from_slice(&body).unwrap_or_else(|error| panic!("{what}: {error}"));
            bodies.push((what, body));
        }
        for (what, body) in &bodies[1..] {
            assert_eq!(body, &bodies[0].1, "{what} must answer exactly like {}", bodies[0].0);
        }

        let sent = app.wait_for_email_to(&email, 0).await;
        let outbox = app.outbox();
        assert_eq!(outbox.len(), before + 1, "only the matching request sends an email: {outbox:#?}");
        assert!(sent.subject.to_lowercase().contains("mot de passe"), "a French subject: {}", sent.subject);
        let link = reset_link_in(&sent.body_text, TEST_PUBLIC_URL)
            .unwrap_or_else(|| panic!("no {TEST_PUBLIC_URL}/mot-de-passe/nouveau#token=... link in:\n{}", sent.body_text));
        let token = link.rsplit_once("#token=").expect("a token").1;
        assert!(token.len() >= 22, "at least 128 bits of token: {token}");
    }
}

both! {
    async fn an_email_that_differs_only_in_case_still_gets_the_link(app) {
        let email = family_email(&app).await;
        let response = app.request_reset(demo::SITE, demo::FAMILY_LOGIN, &email.to_uppercase()).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let sent = app.wait_for_email_to(&email, 0).await;
        assert_eq!(sent.to, email, "the email goes to the address on record, as recorded");
    }
}

both! {
    async fn the_old_password_keeps_working_until_the_link_is_used(app) {
        let (_, token) = reset_token_for_the_family(&app).await;
        app.login_ok(demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;

        let _: MessageResponse = expect_json(app.confirm_reset(&token, NEW_PASSWORD).await, StatusCode::OK, "confirm").await;

        expect_error(app.login(demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await, StatusCode::UNAUTHORIZED, "old password after the reset").await;
        app.login_ok(demo::SITE, demo::FAMILY_LOGIN, NEW_PASSWORD).await;
    }
}

both! {
    async fn a_too_short_new_password_is_refused_and_the_link_stays_usable(app) {
        let (_, token) = reset_token_for_the_family(&app).await;
        let error = expect_error(app.confirm_reset(&token, "court").await, StatusCode::UNPROCESSABLE_ENTITY, "short password").await;
        assert_eq!(error.code, ErrorCode::Validation);
        assert!(error.fields.contains_key("new_password"), "fields: {:?}", error.fields);

        let _: MessageResponse = expect_json(app.confirm_reset(&token, NEW_PASSWORD).await, StatusCode::OK, "confirm after a refusal").await;
        app.login_ok(demo::SITE, demo::FAMILY_LOGIN, NEW_PASSWORD).await;
    }
}

both! {
    async fn a_used_link_cannot_be_used_again(app) {
        let (_, token) = reset_token_for_the_family(&app).await;
        let _: MessageResponse = expect_json(app.confirm_reset(&token, NEW_PASSWORD).await, StatusCode::OK, "first use").await;
        let error = expect_error(app.confirm_reset(&token, "Encore-Un-Autre-2026").await, StatusCode::BAD_REQUEST, "second use").await;
        assert_eq!(error.code, ErrorCode::InvalidLink);
        app.login_ok(demo::SITE, demo::FAMILY_LOGIN, NEW_PASSWORD).await;
    }
}

both! {
    async fn a_made_up_token_is_refused(app) {
        let error = expect_error(app.confirm_reset("bm90LWEtcmVhbC10b2tlbg", NEW_PASSWORD).await, StatusCode::BAD_REQUEST, "made-up token").await;
        assert_eq!(error.code, ErrorCode::InvalidLink);
        expect_error(app.confirm_reset("", NEW_PASSWORD).await, StatusCode::BAD_REQUEST, "empty token").await;
    }
}

both! {
    async fn a_reset_ends_every_session_of_the_account(app) {
        let phone = app.new_client();
        let before: SessionResponse = app.login_family(&phone).await;
        let (_, token) = reset_token_for_the_family(&app).await;
        assert_eq!(app.account(&before.access_token).await.status(), StatusCode::OK, "the session works before the reset");

        let _: MessageResponse = expect_json(app.confirm_reset(&token, NEW_PASSWORD).await, StatusCode::OK, "confirm").await;

        expect_error(app.account(&before.access_token).await, StatusCode::UNAUTHORIZED, "access token from before the reset").await;
        expect_error(app.refresh(&phone).await, StatusCode::UNAUTHORIZED, "refresh cookie from before the reset").await;
    }
}

both! {
    async fn an_expired_link_is_refused(app) {
        let (_, token) = reset_token_for_the_family(&app).await;
        let updated = app.sql("UPDATE password_reset_tokens SET expires_at = '2000-01-01 00:00:00'");
        assert!(updated >= 1, "a reset token row exists");

        let error = expect_error(app.confirm_reset(&token, NEW_PASSWORD).await, StatusCode::BAD_REQUEST, "expired token").await;
        assert_eq!(error.code, ErrorCode::InvalidLink);
        app.login_ok(demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;
    }
}

both! {
    async fn a_link_issued_before_a_password_change_is_dead(app) {
        let (_, token) = reset_token_for_the_family(&app).await;
        let session = app.login_family(&app.new_client()).await;
        let changed = app.change_password(&session.access_token, demo::FAMILY_PASSWORD, "Change-Entre-Temps-2026").await;
        assert_eq!(changed.status(), StatusCode::OK, "password change");

        expect_error(app.confirm_reset(&token, NEW_PASSWORD).await, StatusCode::BAD_REQUEST, "link from before the change").await;
        app.login_ok(demo::SITE, demo::FAMILY_LOGIN, "Change-Entre-Temps-2026").await;
    }
}

both! {
    async fn a_newer_link_does_not_revive_after_the_first_one_is_used(app) {
        let (email, first) = reset_token_for_the_family(&app).await;
        let second = app.reset_token_for(demo::SITE, demo::FAMILY_LOGIN, &email).await;
        assert_ne!(first, second, "each request makes a new token");

        let _: MessageResponse = expect_json(app.confirm_reset(&second, NEW_PASSWORD).await, StatusCode::OK, "the newer link").await;
        expect_error(app.confirm_reset(&first, "Encore-Un-Autre-2026").await, StatusCode::BAD_REQUEST, "the older link after a reset").await;
    }
}

both! {
    async fn reset_tokens_are_stored_hashed(app) {
        let (_, token) = reset_token_for_the_family(&app).await;
        let stored: Vec<TextRow> = app.query("SELECT token_hash AS value FROM password_reset_tokens");
        assert!(!stored.is_empty(), "the token is stored");
        for row in &stored {
            assert!(!row.value.contains(&token), "the raw token is stored: {}", row.value);
        }
    }
}

both! {
    async fn a_flood_of_reset_requests_sends_at_most_five_emails_an_hour(app) {
        let email = family_email(&app).await;
        let before = app.emails_to(&email);
        let mut bodies = Vec::new();
        for _ in 0..8 {
            let response = app.request_reset(demo::SITE, demo::FAMILY_LOGIN, &email).await;
            assert_eq!(response.status(), StatusCode::ACCEPTED);
            bodies.push(response.bytes().await.expect("the body"));
        }
        assert!(bodies.iter().all(|body| body == &bodies[0]), "the answer never changes");
        // The emails are recorded in the background: give them time to land.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert_eq!(app.emails_to(&email) - before, 5, "five links, then nothing more this hour");
        assert!(app.audit_actions().iter().any(|action| action == "password_reset_throttled"));
    }
}
