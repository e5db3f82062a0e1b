//! Security headers on every response, and no caching of personal data.

use base64::Engine as _;
use sha2::Digest as _;
use tutti_tests::{Response, StatusCode, TestApp, both, demo, header};

fn assert_security_headers(response: &Response, what: &str) {
    let policy = header(response, "content-security-policy");
    assert!(
        policy.contains("frame-ancestors 'none'"),
        "{what}: Content-Security-Policy: {policy:?}"
    );
    assert!(
        policy.contains("default-src"),
        "{what}: Content-Security-Policy: {policy:?}"
    );
    assert_eq!(
        header(response, "x-content-type-options"),
        "nosniff",
        "{what}"
    );
    assert_eq!(
        header(response, "x-frame-options").to_ascii_uppercase(),
        "DENY",
        "{what}"
    );
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

const INLINE_SCRIPT: &str = "import init from '/tutti-web.js'; init('/tutti-web_bg.wasm');";

both! {
    async fn the_spa_is_served_on_every_client_route_with_a_policy_that_lets_it_start(backend: Backend) {
        let web_dir = tempfile::tempdir().expect("a temp dir");
        let index = format!(
            "<!DOCTYPE html><html lang=\"fr\"><head><title>Tutti</title></head><body>\
             <script type=\"module\">{INLINE_SCRIPT}</script></body></html>"
        );
        std::fs::write(web_dir.path().join("index.html"), &index).expect("writing index.html");
        std::fs::write(web_dir.path().join("tutti-web.js"), "export default function init() {}").expect("writing the script");
        let app = TestApp::spawn_with(backend, vec![("TUTTI_WEB_DIR", web_dir.path().to_string_lossy().into_owned())]).await;

        for path in ["/", "/mot-de-passe/nouveau", "/famille/eleves/3"] {
            let response = app.bare_client().get(app.url(path)).send().await.expect("GET a client route");
            assert_eq!(response.status(), StatusCode::OK, "GET {path}");
            assert!(header(&response, "content-type").starts_with("text/html"), "GET {path} is HTML");
            assert_security_headers(&response, path);
            let policy = header(&response, "content-security-policy");
            assert!(policy.contains("'wasm-unsafe-eval'"), "the wasm app may start: {policy}");
            let digest = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(INLINE_SCRIPT.as_bytes()));
            assert!(policy.contains(&format!("'sha256-{digest}'")), "the inline start-up script is allowed by hash: {policy}");
            let script_src = policy.split(';').map(str::trim).find(|part| part.starts_with("script-src")).unwrap_or_default();
            assert!(!script_src.contains("'unsafe-inline'"), "no inline scripts at large: {policy}");
            let img_src = policy.split(';').map(str::trim).find(|part| part.starts_with("img-src")).unwrap_or_default();
            assert_eq!(img_src, "img-src 'self' data: blob:", "images from the portal, data: URLs and the object URLs of document previews: {policy}");
            assert_eq!(response.text().await.expect("the page"), index, "GET {path} serves index.html");
        }

        let script = app.bare_client().get(app.url("/tutti-web.js")).send().await.expect("GET the script");
        assert_eq!(script.status(), StatusCode::OK);
        assert!(header(&script, "content-type").contains("javascript"), "a script is served as JavaScript");

        let missing = app.bare_client().get(app.url("/api/v1/nothing-here")).send().await.expect("GET unknown API path");
        assert_eq!(missing.status(), StatusCode::NOT_FOUND, "an unknown API path is not the SPA");
        assert!(header(&missing, "content-type").starts_with("application/json"), "the API answers JSON");
    }
}
