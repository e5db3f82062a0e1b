//! Reset links under concurrency: one link, one password change; the hourly cap holds
//! against parallel requests; the account is told its password changed (issue 7, item 4).

use tutti_tests::{StatusCode, TestApp, TextRow, both, demo};

const NEW_PASSWORD: &str = "Nouveau-Mot-De-Passe-2026";
const MARTIN_EMAIL: &str = "claire.martin@example.fr";

async fn all_statuses(requests: Vec<reqwest::RequestBuilder>) -> Vec<StatusCode> {
    let mut running = tokio::task::JoinSet::new();
    for request in requests {
        running.spawn(async move { request.send().await.expect("the request").status() });
    }
    let mut statuses = Vec::new();
    while let Some(status) = running.join_next().await {
        statuses.push(status.expect("the request task"));
    }
    statuses
}

fn count(app: &TestApp, statement: &str) -> i64 {
    let rows: Vec<TextRow> = app.query(statement);
    rows[0].value.parse().expect("a count")
}

both! {
    async fn eight_confirmations_of_one_link_at_once_let_exactly_one_through(app) {
        let token = app.reset_token_for(demo::SITE, demo::FAMILY_LOGIN, MARTIN_EMAIL).await;
        let requests = (0..8)
            .map(|index| {
                app.bare_client()
                    .post(app.url("/api/v1/auth/password-reset/confirm"))
                    .json(&serde_json::json!({"token": token, "new_password": format!("{NEW_PASSWORD}-{index}")}))
            })
            .collect();
        let statuses = all_statuses(requests).await;
        let accepted = statuses.iter().filter(|status| **status == StatusCode::OK).count();
        assert_eq!(accepted, 1, "one link, one password change: {statuses:?}");
        assert!(statuses.iter().all(|status| *status == StatusCode::OK || *status == StatusCode::BAD_REQUEST), "{statuses:?}");
        let resets = count(&app, "SELECT CAST(COUNT(*) AS TEXT) AS value FROM audit_log WHERE action = 'password_reset'");
        assert_eq!(resets, 1, "one password_reset in the audit log");
    }
}

both! {
    async fn reset_requests_sent_at_once_create_at_most_five_links(app) {
        let requests = (0..20)
            .map(|_| {
                app.bare_client()
                    .post(app.url("/api/v1/auth/password-reset"))
                    .json(&serde_json::json!({"site": demo::SITE, "login": demo::FAMILY_LOGIN, "email": MARTIN_EMAIL}))
            })
            .collect();
        let statuses = all_statuses(requests).await;
        assert!(statuses.iter().all(|status| *status == StatusCode::ACCEPTED), "{statuses:?}");
        let links = count(&app, "SELECT CAST(COUNT(*) AS TEXT) AS value FROM password_reset_tokens");
        assert!(links <= 5, "{links} links for one account within the hour");
        assert_eq!(app.emails_to(MARTIN_EMAIL), usize::try_from(links).expect("a count"), "one email per link");
    }
}

both! {
    async fn a_reset_tells_the_account_that_its_password_was_changed(app) {
        let token = app.reset_token_for(demo::SITE, demo::FAMILY_LOGIN, MARTIN_EMAIL).await;
        let before = app.emails_to(MARTIN_EMAIL);
        let response = app.confirm_reset(&token, NEW_PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
        let notice = app.wait_for_email_to(MARTIN_EMAIL, before).await;
        assert!(tutti_tests::reset_token_in(&notice.body_text).is_none(), "the notice carries no link: {}", notice.body_text);
        assert!(notice.subject.to_lowercase().contains("mot de passe"), "subject: {}", notice.subject);
        assert!(!notice.body_text.contains(NEW_PASSWORD), "never the password itself");
    }
}
