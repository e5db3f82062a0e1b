//! Security headers on every response, and no caching of personal data.

use tutti_tests::{Response, StatusCode, both, demo, header};

fn assert_security_headers(response: &Response, what: &str) {
    let policy = header(response, "content-security-policy");
    assert!(policy.contains("frame-ancestors 'none'"), "{what}: Content-Security-Policy: {policy:?}");
    assert!(policy.contains("default-src"), "{what}: Content-Security-Policy: {policy:?}");
    assert_eq!(header(response, "x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header(response, "x-frame-options").to_ascii_uppercase(), "DENY", "{what}");
    assert_eq!(header(response, "referrer-policy"), "no-referrer", "{what}");
}

both! {
    async fn api_responses_carry_the_security_headers(app) {
        let sites = app.bare_client().get(app.url("/api/v1/sites")).send().await.expect("GET /sites");
        assert_eq!(sites.status(), StatusCode::OK);
        assert_security_headers(&sites, "GET /api/v1/sites");

        let refused = app.bare_client().get(app.url("/api/v1/account")).send().await.expect("GET /account");
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        assert_security_headers(&refused, "a 401");

        let bad_input = app.post_raw("/api/v1/auth/login", "application/json", "{").await;
        assert_security_headers(&bad_input, "a 400");

        let missing = app.bare_client().get(app.url("/api/v1/no-such-thing")).send().await.expect("GET unknown");
        assert_eq!(missing.status(), StatusCode::NOT_FOUND, "an unknown API path is a 404, not the SPA");
        assert_security_headers(&missing, "a 404");
    }
}

both! {
    async fn personal_data_is_never_cached(app) {
        let session = app.login_family(&app.client).await;
        let account = app.account(&session.access_token).await;
        assert_eq!(account.status(), StatusCode::OK);
        assert_security_headers(&account, "GET /api/v1/account");
        assert!(header(&account, "cache-control").contains("no-store"), "Cache-Control on /account");

        let login = app.login(demo::SITE, demo::DURAND_LOGIN, demo::FAMILY_PASSWORD).await;
        assert!(header(&login, "cache-control").contains("no-store"), "Cache-Control on a login answer");
    }
}
