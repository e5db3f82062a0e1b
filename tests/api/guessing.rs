//! Guessing in parallel: a burst of wrong passwords sent at once gets no more passwords
//! checked than the same burst sent one by one (issue 7, item 1).

use serde_json::json;
use tutti_tests::{StatusCode, TestApp, both, demo, header};

const WRONG: &str = "pas-le-bon-mot-de-passe";

/// Sends every request of `requests` at once; returns each answer's status and
/// `Retry-After` header.
async fn all_at_once(requests: Vec<reqwest::RequestBuilder>) -> Vec<(StatusCode, String)> {
    let mut running = tokio::task::JoinSet::new();
    for request in requests {
        running.spawn(async move {
            let response = request.send().await.expect("the request");
            (response.status(), header(&response, "retry-after"))
        });
    }
    let mut outcomes = Vec::new();
    while let Some(outcome) = running.join_next().await {
        outcomes.push(outcome.expect("the request task"));
    }
    outcomes
}

/// A refusal must say when to come back, and nothing may fail with a 500.
fn assert_refusals_say_when_to_retry(outcomes: &[(StatusCode, String)], allowed: &[StatusCode]) {
    for (status, retry_after) in outcomes {
        assert!(
            allowed.contains(status),
            "unexpected status {status}; all: {outcomes:?}"
        );
        if *status == StatusCode::TOO_MANY_REQUESTS || *status == StatusCode::SERVICE_UNAVAILABLE {
            assert!(
                retry_after.parse::<u64>().is_ok_and(|seconds| seconds > 0),
                "{status} without a Retry-After: {retry_after:?}"
            );
        }
    }
}

/// How many answers had each status.
fn tally(outcomes: &[(StatusCode, String)]) -> std::collections::BTreeMap<u16, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for (status, _) in outcomes {
        *counts.entry(status.as_u16()).or_default() += 1;
    }
    counts
}

fn login_request(app: &TestApp, login: &str, password: &str) -> reqwest::RequestBuilder {
    app.bare_client()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"site": demo::SITE, "login": login, "password": password}))
}

const REFUSALS: [StatusCode; 3] = [
    StatusCode::UNAUTHORIZED,
    StatusCode::TOO_MANY_REQUESTS,
    StatusCode::SERVICE_UNAVAILABLE,
];

both! {
    async fn two_hundred_wrong_passwords_at_once_against_one_account_get_at_most_five_checked(app) {
        let before = app.bcrypt_verifications();
        let outcomes = all_at_once((0..200).map(|_| login_request(&app, demo::FAMILY_LOGIN, WRONG)).collect()).await;
        let checked = app.bcrypt_verifications() - before;
        eprintln!("checked: {checked}; statuses: {:?}", tally(&outcomes));

        assert_refusals_say_when_to_retry(&outcomes, &REFUSALS);
        assert!(checked <= 5, "{checked} of 200 parallel guesses were checked");
        let wrong = outcomes.iter().filter(|(status, _)| *status == StatusCode::UNAUTHORIZED).count();
        assert!(wrong >= 1, "at least the first guess is checked: {outcomes:?}");
        // The account is now locked for strangers, even against its right password.
        let locked = app.login_with(&app.new_client(), demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;
        assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}

both! {
    async fn two_hundred_wrong_passwords_at_once_from_one_address_get_at_most_twenty_checked(app) {
        let before = app.bcrypt_verifications();
        // A different login each time, so that only the per-address budget holds them.
        let outcomes = all_at_once((0..200).map(|index| login_request(&app, &format!("inconnu.{index}"), WRONG)).collect()).await;
        let checked = app.bcrypt_verifications() - before;
        eprintln!("checked: {checked}; statuses: {:?}", tally(&outcomes));

        assert_refusals_say_when_to_retry(&outcomes, &REFUSALS);
        assert!(checked <= 20, "{checked} of 200 parallel guesses from one address were checked");
    }
}

both! {
    async fn wrong_current_passwords_sent_at_once_to_the_password_change_get_at_most_five_checked(app) {
        let session = app.login_family(&app.new_client()).await;
        let before = app.bcrypt_verifications();
        let requests = (0..100)
            .map(|_| {
                app.bare_client()
                    .put(app.url("/api/v1/account/password"))
                    .bearer_auth(&session.access_token)
                    .json(&json!({"current_password": WRONG, "new_password": "Un-Nouveau-Mot-De-Passe-2026"}))
            })
            .collect();
        let outcomes = all_at_once(requests).await;
        let checked = app.bcrypt_verifications() - before;
        eprintln!("checked: {checked}; statuses: {:?}", tally(&outcomes));

        assert_refusals_say_when_to_retry(
            &outcomes,
            &[StatusCode::UNPROCESSABLE_ENTITY, StatusCode::TOO_MANY_REQUESTS, StatusCode::SERVICE_UNAVAILABLE],
        );
        assert!(checked <= 5, "{checked} of 100 parallel guesses of the current password were checked");
        // The password did not change.
        app.login_ok_with(&app.new_client(), demo::SITE, demo::DURAND_LOGIN, demo::FAMILY_PASSWORD).await;
    }
}

both! {
    async fn right_passwords_sent_at_once_are_all_let_in_after_a_few_failures(app) {
        // Four failures: one short of the lock. Concurrent right passwords must not be
        // refused because their own attempts, still being checked, looked like failures.
        for attempt in 1..=4 {
            let response = app.login(demo::SITE, demo::FAMILY_LOGIN, WRONG).await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "failure {attempt}");
        }
        let outcomes = all_at_once((0..10).map(|_| login_request(&app, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD)).collect()).await;
        let ok = outcomes.iter().filter(|(status, _)| *status == StatusCode::OK).count();
        assert!(ok >= 1, "right passwords at once: {outcomes:?}");
        assert_refusals_say_when_to_retry(&outcomes, &[StatusCode::OK, StatusCode::TOO_MANY_REQUESTS, StatusCode::SERVICE_UNAVAILABLE]);
        // And afterwards the account is open again.
        app.login_ok_with(&app.new_client(), demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;
    }
}

both! {
    async fn past_the_bcrypt_queue_logins_are_turned_away_at_once_with_retry_after(backend: Backend) {
        let app = TestApp::spawn_with(backend, vec![("TUTTI_BCRYPT_QUEUE", "1".to_owned())]).await;
        // Unknown logins, each its own account key; the address allows twenty.
        let outcomes = all_at_once((0..15).map(|index| login_request(&app, &format!("inconnu.{index}"), WRONG)).collect()).await;
        eprintln!("statuses: {:?}", tally(&outcomes));
        assert_refusals_say_when_to_retry(&outcomes, &[StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS]);
        let turned_away = outcomes.iter().filter(|(status, _)| *status == StatusCode::TOO_MANY_REQUESTS).count();
        assert!(turned_away >= 1, "with room for one waiting login, some of 15 at once are turned away: {outcomes:?}");
        // The queue empties again: a login afterwards is served.
        app.login_ok_with(&app.new_client(), demo::SITE, demo::DURAND_LOGIN, demo::FAMILY_PASSWORD).await;
    }
}
