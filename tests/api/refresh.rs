//! Refresh tokens: an HttpOnly cookie, rotated at each use; a replayed old cookie ends
//! the session; logout ends it on the server at once.

use tutti_tests::{
    SessionResponse, StatusCode, both, expect_error, expect_json, refresh_cookie_value,
    refresh_set_cookie,
};

both! {
    async fn a_refresh_rotates_the_cookie_and_returns_a_working_token(app) {
        let login = app.login(tutti_tests::demo::SITE, tutti_tests::demo::FAMILY_LOGIN, tutti_tests::demo::FAMILY_PASSWORD).await;
        let first_cookie = refresh_cookie_value(&login).expect("the login sets the refresh cookie");
        let _: SessionResponse = expect_json(login, StatusCode::OK, "login").await;

        let refreshed = app.refresh(&app.client).await;
        let second_cookie = refresh_cookie_value(&refreshed).expect("the refresh sets a new cookie");
        let session: SessionResponse = expect_json(refreshed, StatusCode::OK, "refresh").await;
        assert_ne!(first_cookie, second_cookie, "the refresh token must rotate");
        assert_eq!(session.account.login, tutti_tests::demo::FAMILY_LOGIN);
        assert_eq!(app.account(&session.access_token).await.status(), StatusCode::OK);

        // And the rotated cookie works in turn.
        let again: SessionResponse = expect_json(app.refresh(&app.client).await, StatusCode::OK, "second refresh").await;
        assert_eq!(app.account(&again.access_token).await.status(), StatusCode::OK);
    }
}

both! {
    async fn replaying_a_rotated_refresh_cookie_ends_the_whole_session(app) {
        let login = app.login(tutti_tests::demo::SITE, tutti_tests::demo::FAMILY_LOGIN, tutti_tests::demo::FAMILY_PASSWORD).await;
        let stolen_cookie = refresh_cookie_value(&login).expect("the login sets the refresh cookie");
        let _: SessionResponse = expect_json(login, StatusCode::OK, "login").await;
        let current: SessionResponse = expect_json(app.refresh(&app.client).await, StatusCode::OK, "refresh").await;
        assert_eq!(app.account(&current.access_token).await.status(), StatusCode::OK, "the token works before the replay");

        // Someone replays the old cookie from another device, after the 30 s in which
        // a just-replaced cookie still answers (for a second tab refreshing at once).
        let sid = tutti_tests::claims_of(&current.access_token)["sid"].as_i64().expect("sid");
        let past_grace = (chrono::Utc::now().naive_utc() - chrono::TimeDelta::minutes(1)).format("%Y-%m-%d %H:%M:%S%.6f");
        app.sql(&format!("UPDATE sessions SET rotated_at = '{past_grace}' WHERE id = {sid}"));
        let replay = app.refresh_with_cookie(&stolen_cookie).await;
        assert!(refresh_cookie_value(&replay).is_none_or(|value| value.is_empty()), "no new cookie for a replay");
        expect_error(replay, StatusCode::UNAUTHORIZED, "replayed refresh cookie").await;

        // The legitimate holder of the newest cookie is logged out too.
        expect_error(app.refresh(&app.client).await, StatusCode::UNAUTHORIZED, "newest cookie after a replay").await;
        expect_error(app.account(&current.access_token).await, StatusCode::UNAUTHORIZED, "access token after a replay").await;
    }
}

both! {
    async fn a_refresh_without_a_cookie_is_refused(app) {
        let error = expect_error(app.refresh(&app.new_client()).await, StatusCode::UNAUTHORIZED, "no cookie").await;
        assert_eq!(error.code, tutti_tests::ErrorCode::Unauthorized);
        expect_error(app.refresh_with_cookie("not-a-real-token").await, StatusCode::UNAUTHORIZED, "made-up cookie").await;
    }
}

both! {
    async fn a_refresh_does_not_accept_a_bearer_token_instead_of_the_cookie(app) {
        let session = app.login_family(&app.new_client()).await;
        let response = app
            .bare_client()
            .post(app.url("/api/v1/auth/refresh"))
            .header(tutti_tests::CLIENT_HEADER.0, tutti_tests::CLIENT_HEADER.1)
            .bearer_auth(&session.access_token)
            .send()
            .await
            .expect("POST /refresh");
        expect_error(response, StatusCode::UNAUTHORIZED, "refresh with a bearer token only").await;
    }
}

both! {
    async fn logout_ends_the_session_on_the_server_at_once(app) {
        let login = app.login(tutti_tests::demo::SITE, tutti_tests::demo::FAMILY_LOGIN, tutti_tests::demo::FAMILY_PASSWORD).await;
        let cookie = refresh_cookie_value(&login).expect("the login sets the refresh cookie");
        let session: SessionResponse = expect_json(login, StatusCode::OK, "login").await;
        assert_eq!(app.account(&session.access_token).await.status(), StatusCode::OK, "the token works before logout");

        let logout = app.logout(&app.client, &session.access_token).await;
        assert_eq!(logout.status(), StatusCode::NO_CONTENT, "logout");
        let cleared = refresh_set_cookie(&logout).expect("logout clears the refresh cookie");
        let cleared_lower = cleared.to_ascii_lowercase();
        assert!(
            cleared_lower.contains("max-age=0") || cleared_lower.contains("expires=thu, 01 jan 1970"),
            "the cookie is expired: {cleared}"
        );

        expect_error(app.account(&session.access_token).await, StatusCode::UNAUTHORIZED, "access token after logout").await;
        expect_error(app.refresh(&app.client).await, StatusCode::UNAUTHORIZED, "refresh after logout").await;
        expect_error(app.refresh_with_cookie(&cookie).await, StatusCode::UNAUTHORIZED, "old cookie after logout").await;
    }
}

both! {
    async fn logging_out_one_device_leaves_the_other_logged_in(app) {
        let phone = app.new_client();
        let laptop_session = app.login_family(&app.client).await;
        let phone_session = app.login_family(&phone).await;

        assert_eq!(app.logout(&app.client, &laptop_session.access_token).await.status(), StatusCode::NO_CONTENT);

        assert_eq!(app.account(&phone_session.access_token).await.status(), StatusCode::OK);
        let _: SessionResponse = expect_json(app.refresh(&phone).await, StatusCode::OK, "the other device refreshes").await;
    }
}
