//! Changing one's password: the current one is checked, the policy is 12 to 128
//! characters with no silent truncation, and every other session ends.

use tutti_tests::{
    ErrorCode, MessageResponse, SessionResponse, StatusCode, both, demo, expect_error, expect_json,
};

const NEW_PASSWORD: &str = "Nouveau-Mot-De-Passe-2026";

both! {
    async fn a_wrong_current_password_is_a_validation_error_on_that_field(app) {
        let session = app.login_family(&app.client).await;
        let error = expect_error(
            app.change_password(&session.access_token, "pas-le-bon-mot-de-passe", NEW_PASSWORD).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong current password",
        )
        .await;
        assert_eq!(error.code, ErrorCode::Validation);
        assert!(error.fields.contains_key("current_password"), "fields: {:?}", error.fields);
        app.login_ok(demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;
    }
}

both! {
    async fn new_passwords_of_eleven_or_of_129_characters_are_refused(app) {
        let session = app.login_family(&app.client).await;
        for candidate in ["a".repeat(11), "b".repeat(129)] {
            let error = expect_error(
                app.change_password(&session.access_token, demo::FAMILY_PASSWORD, &candidate).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("a new password of {} characters", candidate.len()),
            )
            .await;
            assert!(error.fields.contains_key("new_password"), "fields: {:?}", error.fields);
        }
        app.login_ok(demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;
    }
}

both! {
    async fn a_128_character_password_is_kept_whole_not_truncated(app) {
        // bcrypt alone reads 72 bytes: a prefix that long must not open the account.
        let long: String = "Très-long-mot-de-passe-".chars().cycle().take(128).collect();
        assert_eq!(long.chars().count(), 128);
        let session = app.login_family(&app.client).await;
        let _: MessageResponse = expect_json(
            app.change_password(&session.access_token, demo::FAMILY_PASSWORD, &long).await,
            StatusCode::OK,
            "a 128-character password",
        )
        .await;

        app.login_ok(demo::SITE, demo::FAMILY_LOGIN, &long).await;
        let prefix: String = long.chars().take(127).collect();
        expect_error(app.login(demo::SITE, demo::FAMILY_LOGIN, &prefix).await, StatusCode::UNAUTHORIZED, "the 127-character prefix").await;
    }
}

both! {
    async fn changing_the_password_ends_the_other_sessions_but_keeps_this_one(app) {
        let phone = app.new_client();
        let here = app.login_family(&app.client).await;
        let elsewhere = app.login_family(&phone).await;
        assert_eq!(app.account(&elsewhere.access_token).await.status(), StatusCode::OK, "the other device works before");

        let _: MessageResponse = expect_json(
            app.change_password(&here.access_token, demo::FAMILY_PASSWORD, NEW_PASSWORD).await,
            StatusCode::OK,
            "password change",
        )
        .await;

        expect_error(app.account(&elsewhere.access_token).await, StatusCode::UNAUTHORIZED, "the other device's token").await;
        expect_error(app.refresh(&phone).await, StatusCode::UNAUTHORIZED, "the other device's refresh").await;

        assert_eq!(app.account(&here.access_token).await.status(), StatusCode::OK, "this session's token");
        let _: SessionResponse = expect_json(app.refresh(&app.client).await, StatusCode::OK, "this session's refresh").await;

        app.login_ok_with(&app.new_client(), demo::SITE, demo::FAMILY_LOGIN, NEW_PASSWORD).await;
        expect_error(
            app.login_with(&app.new_client(), demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await,
            StatusCode::UNAUTHORIZED,
            "the old password",
        )
        .await;
    }
}

both! {
    async fn changing_the_password_needs_a_token(app) {
        let response = app
            .bare_client()
            .put(app.url("/api/v1/account/password"))
            .json(&serde_json::json!({"current_password": demo::FAMILY_PASSWORD, "new_password": NEW_PASSWORD}))
            .send()
            .await
            .expect("PUT /account/password");
        expect_error(response, StatusCode::UNAUTHORIZED, "no token").await;
        app.login_ok(demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;
    }
}

both! {
    async fn the_audit_log_records_logins_failures_and_password_events(app) {
        expect_error(app.login(demo::SITE, demo::FAMILY_LOGIN, "pas-le-bon-mot-de-passe").await, StatusCode::UNAUTHORIZED, "a failure").await;
        let session = app.login_family(&app.client).await;
        let _: MessageResponse = expect_json(
            app.change_password(&session.access_token, demo::FAMILY_PASSWORD, NEW_PASSWORD).await,
            StatusCode::OK,
            "password change",
        )
        .await;
        app.set_password_through_reset(demo::SITE, demo::FAMILY_LOGIN, &session.account.email, "Troisieme-Mot-De-Passe").await;

        let actions = app.audit_actions();
        for expected in ["login", "login_failed", "password_changed", "password_reset_requested", "password_reset"] {
            assert!(actions.iter().any(|action| action == expected), "no {expected} in the audit log: {actions:?}");
        }
    }
}
