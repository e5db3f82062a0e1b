//! Logging in: the happy path, refusals that tell nothing, bad input, and throttling.

use serde_json::{Value, json};
use tutti_tests::{
    ApiErrorBody, ErrorCode, StatusCode, TestApp, both, demo, expect_error, expect_json, header,
    refresh_set_cookie,
};

both! {
    async fn a_family_logs_in_and_gets_a_token_its_account_and_a_strict_refresh_cookie(app) {
        let response = app.login(demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;
        let cookie = refresh_set_cookie(&response).expect("the login sets the refresh cookie");
        let session: tutti_tests::SessionResponse = expect_json(response, StatusCode::OK, "login").await;

        assert!(!session.access_token.is_empty());
        assert_eq!(session.token_type, "Bearer");
        assert!(session.expires_in > 0 && session.expires_in <= 15 * 60, "expires_in = {}", session.expires_in);
        assert_eq!(session.account.login, demo::FAMILY_LOGIN);
        assert_eq!(session.account.role, tutti_shared::Role::Family);
        assert_eq!(session.account.site.slug, demo::SITE);
        let family = session.account.family.expect("a family account has a household");
        assert!(family.name.contains("Martin"), "household name: {}", family.name);

        let attributes: Vec<String> = cookie.split(';').skip(1).map(|part| part.trim().to_ascii_lowercase()).collect();
        assert!(attributes.iter().any(|attribute| attribute == "httponly"), "Set-Cookie: {cookie}");
        assert!(attributes.iter().any(|attribute| attribute == "samesite=strict"), "Set-Cookie: {cookie}");
        assert!(attributes.iter().any(|attribute| attribute == "path=/api/v1/auth"), "Set-Cookie: {cookie}");
    }
}

both! {
    async fn the_token_from_a_login_opens_the_account_it_belongs_to(app) {
        let session = app.login_family(&app.client).await;
        let account: tutti_tests::AccountInfo =
            expect_json(app.account(&session.access_token).await, StatusCode::OK, "GET /account").await;
        assert_eq!(account, session.account);
    }
}

both! {
    async fn the_sites_are_listed_without_logging_in(app) {
        let sites = app.sites().await;
        assert!(sites.iter().any(|site| site.slug == demo::SITE), "sites: {sites:?}");
    }
}

both! {
    async fn a_wrong_password_and_an_unknown_login_get_the_same_401(app) {
        let wrong_password = app.login(demo::SITE, demo::FAMILY_LOGIN, "pas-le-bon-mot-de-passe").await;
        assert!(refresh_set_cookie(&wrong_password).is_none(), "no cookie on a failed login");
        let wrong_password: Value = expect_json(wrong_password, StatusCode::UNAUTHORIZED, "wrong password").await;
        let unknown_login: Value = expect_json(
            app.login(demo::SITE, "personne.inconnue", "pas-le-bon-mot-de-passe").await,
            StatusCode::UNAUTHORIZED,
            "unknown login",
        )
        .await;
        assert_eq!(wrong_password, unknown_login, "the body must not tell which logins exist");
        assert_eq!(wrong_password["code"], "unauthorized");
    }
}

both! {
    async fn a_login_on_an_unknown_site_is_refused_like_bad_credentials(app) {
        let unknown_site: Value = expect_json(
            app.login("ecole-inexistante", demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await,
            StatusCode::UNAUTHORIZED,
            "unknown site",
        )
        .await;
        let wrong_password: Value = expect_json(
            app.login(demo::SITE, demo::DURAND_LOGIN, "pas-le-bon-mot-de-passe").await,
            StatusCode::UNAUTHORIZED,
            "wrong password",
        )
        .await;
        assert_eq!(unknown_site, wrong_password);
    }
}

both! {
    async fn a_family_account_cannot_log_in_on_another_site(app) {
        let config = app.config();
        tokio::task::spawn_blocking(move || tutti_api::tasks::create_site(&config, "annexe", "Annexe"))
            .await
            .expect("create_site panicked")
            .expect("create_site");
        expect_error(
            app.login("annexe", demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await,
            StatusCode::UNAUTHORIZED,
            "family login on the wrong site",
        )
        .await;
    }
}

both! {
    async fn empty_fields_are_a_validation_error_naming_each_field(app) {
        let error = expect_error(app.login(demo::SITE, "", demo::FAMILY_PASSWORD).await, StatusCode::UNPROCESSABLE_ENTITY, "empty login").await;
        assert_eq!(error.code, ErrorCode::Validation);
        assert!(error.fields.contains_key("login"), "fields: {:?}", error.fields);

        let error = expect_error(app.login(demo::SITE, demo::FAMILY_LOGIN, "").await, StatusCode::UNPROCESSABLE_ENTITY, "empty password").await;
        assert!(error.fields.contains_key("password"), "fields: {:?}", error.fields);

        let error = expect_error(app.login("", demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await, StatusCode::UNPROCESSABLE_ENTITY, "empty site").await;
        assert!(error.fields.contains_key("site"), "fields: {:?}", error.fields);
    }
}

both! {
    async fn an_unknown_json_field_is_refused_as_bad_input(app) {
        let response = app
            .post_json(
                "/api/v1/auth/login",
                &json!({"site": demo::SITE, "login": demo::FAMILY_LOGIN, "password": demo::FAMILY_PASSWORD, "admin": true}),
            )
            .await;
        let status = response.status();
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
            "unknown field: expected 400 or 422, got {status}"
        );
        let body: ApiErrorBody = response.json().await.expect("the error envelope");
        assert!(matches!(body.code, ErrorCode::BadRequest | ErrorCode::Validation), "{body:?}");
    }
}

both! {
    async fn a_body_that_is_not_json_gets_a_400_envelope_never_a_500(app) {
        let error = expect_error(
            app.post_raw("/api/v1/auth/login", "application/json", "ceci n'est pas du JSON").await,
            StatusCode::BAD_REQUEST,
            "non-JSON body",
        )
        .await;
        assert_eq!(error.code, ErrorCode::BadRequest);

        let missing_field = app.post_raw("/api/v1/auth/login", "application/json", r#"{"site":"conservatoire"}"#).await;
        let status = missing_field.status();
        assert!(status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY, "missing fields: {status}");

        let wrong_type = app.post_raw("/api/v1/auth/login", "text/plain", "site=conservatoire").await;
        assert!(wrong_type.status().is_client_error(), "text/plain body: {}", wrong_type.status());
    }
}

both! {
    async fn five_wrong_passwords_lock_the_account_even_against_the_right_one(app) {
        for attempt in 1..=5 {
            let response = app.login(demo::SITE, demo::FAMILY_LOGIN, "pas-le-bon-mot-de-passe").await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "failure {attempt}");
        }
        let locked = app.login(demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;
        let retry_after = header(&locked, "retry-after");
        let error = expect_error(locked, StatusCode::TOO_MANY_REQUESTS, "right password on a locked account").await;
        assert_eq!(error.code, ErrorCode::Throttled);
        let seconds: u64 = retry_after.parse().unwrap_or_else(|_| panic!("Retry-After is a number of seconds: {retry_after:?}"));
        assert!(seconds > 0 && seconds <= 900, "Retry-After: {seconds}");

        // Another account from the same client is not locked with it.
        app.login_ok(demo::SITE, demo::DURAND_LOGIN, demo::FAMILY_PASSWORD).await;
    }
}

both! {
    async fn twenty_failures_from_one_client_throttle_every_account_it_tries(app) {
        // One failure per login, so no single account reaches its own limit.
        for attempt in 1..=20 {
            let response = app.login(demo::SITE, &format!("inconnu.{attempt}"), "pas-le-bon-mot-de-passe").await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "failure {attempt} from this client");
        }
        let throttled = app.login(demo::SITE, demo::STAFF_LOGIN, demo::STAFF_PASSWORD).await;
        let retry_after = header(&throttled, "retry-after");
        expect_error(throttled, StatusCode::TOO_MANY_REQUESTS, "21st attempt from one client").await;
        assert!(retry_after.parse::<u64>().is_ok_and(|seconds| seconds > 0), "Retry-After: {retry_after:?}");
    }
}

both! {
    async fn nineteen_failures_from_one_client_do_not_throttle_a_fresh_account(app) {
        for attempt in 1..=19 {
            let response = app.login(demo::SITE, &format!("inconnu.{attempt}"), "pas-le-bon-mot-de-passe").await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "failure {attempt} from this client");
        }
        app.login_ok(demo::SITE, demo::STAFF_LOGIN, demo::STAFF_PASSWORD).await;
    }
}

both! {
    async fn a_successful_login_resets_the_accounts_failure_count(app) {
        for attempt in 1..=4 {
            let response = app.login(demo::SITE, demo::FAMILY_LOGIN, "pas-le-bon-mot-de-passe").await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "failure {attempt}");
        }
        app.login_ok(demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;
        for attempt in 1..=4 {
            let response = app.login(demo::SITE, demo::FAMILY_LOGIN, "pas-le-bon-mot-de-passe").await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "failure {attempt} after the success");
        }
        app.login_ok(demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;
    }
}

both! {
    async fn twenty_concurrent_logins_all_succeed(app) {
        let mut logins = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let client = app.new_client();
            let url = app.url("/api/v1/auth/login");
            logins.spawn(async move {
                client
                    .post(url)
                    .json(&json!({"site": demo::SITE, "login": demo::FAMILY_LOGIN, "password": demo::FAMILY_PASSWORD}))
                    .send()
                    .await
                    .map(|response| response.status())
            });
        }
        let mut statuses = Vec::new();
        while let Some(outcome) = logins.join_next().await {
            statuses.push(outcome.expect("the login task").expect("the login request"));
        }
        assert!(statuses.iter().all(|status| *status == StatusCode::OK), "statuses: {statuses:?}");
    }
}

both! {
    async fn the_refresh_cookie_is_secure_when_the_portal_is_served_over_https(backend: Backend) {
        let app = TestApp::spawn_with(backend, vec![("TUTTI_PUBLIC_URL", "https://portail.tutti.test".to_owned())]).await;
        let response = app.login(demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
        let cookie = refresh_set_cookie(&response).expect("the login sets the refresh cookie");
        assert!(cookie.split(';').any(|part| part.trim().eq_ignore_ascii_case("secure")), "Set-Cookie: {cookie}");
    }
}

both! {
    async fn the_refresh_cookie_is_not_secure_on_a_plain_http_development_portal(app) {
        let response = app.login(demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;
        let cookie = refresh_set_cookie(&response).expect("the login sets the refresh cookie");
        assert!(!cookie.split(';').any(|part| part.trim().eq_ignore_ascii_case("secure")), "Set-Cookie: {cookie}");
    }
}

/// A failed login sent as coming from `forwarded` (an `X-Forwarded-For` header).
async fn failed_login_from(app: &TestApp, forwarded: &str, login: &str) -> StatusCode {
    app.new_client()
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", forwarded)
        .json(&json!({"site": demo::SITE, "login": login, "password": "pas-le-bon-mot-de-passe"}))
        .send()
        .await
        .expect("the login request")
        .status()
}

both! {
    async fn behind_a_trusted_proxy_each_client_address_is_throttled_on_its_own(backend: Backend) {
        let app = TestApp::spawn_with(backend, vec![("TUTTI_TRUSTED_PROXIES", "127.0.0.1".to_owned())]).await;
        // Different unknown logins, so that only the per-address counter grows.
        for attempt in 1..=20 {
            let status = failed_login_from(&app, "203.0.113.7", &format!("inconnu.{attempt}")).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "failure {attempt}");
        }
        assert_eq!(failed_login_from(&app, "203.0.113.7", "inconnu.21").await, StatusCode::TOO_MANY_REQUESTS);
        // Another family behind the same proxy is not slowed down; a client-written entry
        // further left in the header does not let the first one escape either.
        assert_eq!(failed_login_from(&app, "203.0.113.8", "inconnu.22").await, StatusCode::UNAUTHORIZED);
        assert_eq!(failed_login_from(&app, "198.51.100.1, 203.0.113.7", "inconnu.23").await, StatusCode::TOO_MANY_REQUESTS);
    }
}

both! {
    async fn without_a_trusted_proxy_a_forged_forwarded_header_changes_nothing(app) {
        for attempt in 1..=20 {
            let status = failed_login_from(&app, &format!("203.0.113.{attempt}"), &format!("inconnu.{attempt}")).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "failure {attempt}");
        }
        assert_eq!(failed_login_from(&app, "198.51.100.99", "inconnu.21").await, StatusCode::TOO_MANY_REQUESTS);
    }
}
