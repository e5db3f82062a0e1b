//! Stolen refresh tokens: every refresh token ever handed out for a session names that
//! session, so presenting any one that is no longer current (a copy taken earlier) ends
//! the session, however many rotations ago it was replaced. Two tabs refreshing with the
//! same cookie at the same moment are not a theft: the just-replaced token gets a short
//! grace, in which it answers with an access token but never with a new cookie.

use tutti_tests::{
    SessionResponse, StatusCode, TestApp, both, claims_of, expect_error, expect_json,
    refresh_cookie_value,
};

/// Refreshes with `cookie` and insists on success: the new cookie and the session.
async fn rotate(app: &TestApp, cookie: &str, what: &str) -> (String, SessionResponse) {
    let response = app.refresh_with_cookie(cookie).await;
    let next = refresh_cookie_value(&response).unwrap_or_default();
    let session: SessionResponse = expect_json(response, StatusCode::OK, what).await;
    assert!(!next.is_empty(), "{what}: a new cookie");
    (next, session)
}

/// Moves the session's last rotation `seconds` into the past, as if time had passed.
fn age_last_rotation(app: &TestApp, session_id: i64, seconds: i64) {
    let at = (chrono::Utc::now().naive_utc() - chrono::TimeDelta::seconds(seconds))
        .format("%Y-%m-%d %H:%M:%S%.6f");
    app.sql(&format!(
        "UPDATE sessions SET rotated_at = '{at}' WHERE id = {session_id}"
    ));
}

both! {
    async fn a_refresh_token_replaced_two_rotations_ago_ends_the_session(app) {
        let login = app.login(tutti_tests::demo::SITE, tutti_tests::demo::FAMILY_LOGIN, tutti_tests::demo::FAMILY_PASSWORD).await;
        let first = refresh_cookie_value(&login).expect("the login sets the refresh cookie");
        let _: SessionResponse = expect_json(login, StatusCode::OK, "login").await;
        let (second, _) = rotate(&app, &first, "T1 -> T2").await;
        let (third, current) = rotate(&app, &second, "T2 -> T3").await;
        assert_eq!(app.account(&current.access_token).await.status(), StatusCode::OK, "T3's access token works");

        // A thief replays the first token, copied before the family's two refreshes.
        let replay = app.refresh_with_cookie(&first).await;
        assert!(refresh_cookie_value(&replay).is_none_or(|value| value.is_empty()), "no cookie for the thief");
        expect_error(replay, StatusCode::UNAUTHORIZED, "T1 replayed").await;

        // The session is over for everyone: T3's access token and T3 itself.
        expect_error(app.account(&current.access_token).await, StatusCode::UNAUTHORIZED, "T3's access token").await;
        expect_error(app.refresh_with_cookie(&third).await, StatusCode::UNAUTHORIZED, "T3 after the replay").await;
        assert!(app.audit_actions().iter().any(|action| action == "refresh_token_reused"), "audited: {:?}", app.audit_actions());
    }
}

both! {
    async fn two_tabs_refreshing_with_the_same_cookie_at_once_both_stay_logged_in(app) {
        let login = app.login(tutti_tests::demo::SITE, tutti_tests::demo::FAMILY_LOGIN, tutti_tests::demo::FAMILY_PASSWORD).await;
        let shared = refresh_cookie_value(&login).expect("the login sets the refresh cookie");
        let _: SessionResponse = expect_json(login, StatusCode::OK, "login").await;

        let (tab_one, tab_two) = tokio::join!(app.refresh_with_cookie(&shared), app.refresh_with_cookie(&shared));
        let cookies: Vec<String> = [&tab_one, &tab_two].iter().filter_map(|response| refresh_cookie_value(response)).filter(|value| !value.is_empty()).collect();
        let one: SessionResponse = expect_json(tab_one, StatusCode::OK, "tab one").await;
        let two: SessionResponse = expect_json(tab_two, StatusCode::OK, "tab two").await;
        assert_eq!(cookies.len(), 1, "exactly one of the two answers carries the new cookie: {cookies:?}");
        for session in [&one, &two] {
            assert_eq!(app.account(&session.access_token).await.status(), StatusCode::OK, "both tabs' tokens work");
        }
        // The browser keeps the one new cookie, and it goes on working.
        let (_, later) = rotate(&app, &cookies[0], "the next refresh").await;
        assert_eq!(app.account(&later.access_token).await.status(), StatusCode::OK);
    }
}

both! {
    async fn the_replaced_token_gets_a_grace_without_a_cookie_and_then_ends_the_session(app) {
        let login = app.login(tutti_tests::demo::SITE, tutti_tests::demo::FAMILY_LOGIN, tutti_tests::demo::FAMILY_PASSWORD).await;
        let first = refresh_cookie_value(&login).expect("the login sets the refresh cookie");
        let session: SessionResponse = expect_json(login, StatusCode::OK, "login").await;
        let session_id = claims_of(&session.access_token)["sid"].as_i64().expect("sid");
        let (second, _) = rotate(&app, &first, "T1 -> T2").await;

        // Within the grace, the late tab gets an access token, but no cookie: whoever
        // holds T1 cannot carry the session on past the current access token's life.
        let late = app.refresh_with_cookie(&first).await;
        assert!(refresh_cookie_value(&late).is_none(), "no new cookie in the grace");
        let late: SessionResponse = expect_json(late, StatusCode::OK, "T1 within the grace").await;
        assert_eq!(app.account(&late.access_token).await.status(), StatusCode::OK);

        // After the grace, the same token is a theft.
        age_last_rotation(&app, session_id, 60);
        expect_error(app.refresh_with_cookie(&first).await, StatusCode::UNAUTHORIZED, "T1 after the grace").await;
        expect_error(app.refresh_with_cookie(&second).await, StatusCode::UNAUTHORIZED, "T2 after T1's replay").await;
    }
}

both! {
    async fn a_made_up_token_naming_a_session_does_not_end_it(app) {
        let login = app.login(tutti_tests::demo::SITE, tutti_tests::demo::FAMILY_LOGIN, tutti_tests::demo::FAMILY_PASSWORD).await;
        let real = refresh_cookie_value(&login).expect("the login sets the refresh cookie");
        let session: SessionResponse = expect_json(login, StatusCode::OK, "login").await;
        let session_id = claims_of(&session.access_token)["sid"].as_i64().expect("sid");

        // Session ids are small numbers: a stranger must not end sessions by naming them.
        for forged in [format!("{session_id}.{}", "ab".repeat(32)), format!("{session_id}.{}.{}", "cd".repeat(32), "ef".repeat(32)), format!("{session_id}.")] {
            expect_error(app.refresh_with_cookie(&forged).await, StatusCode::UNAUTHORIZED, &format!("forged {forged}")).await;
        }
        assert_eq!(app.account(&session.access_token).await.status(), StatusCode::OK, "the session lives on");
        let _ = rotate(&app, &real, "the real cookie still works").await;
    }
}
