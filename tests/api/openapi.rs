//! The OpenAPI document: served, browsable, and locked against the committed copy.

use serde_json::Value;
use tutti_tests::{StatusCode, both, expect_json, header};

fn committed_document() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/openapi.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "{} is missing ({error}): run `make openapi` to regenerate",
            path.display()
        )
    });
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
}

both! {
    async fn the_served_openapi_document_equals_the_committed_one(app) {
        let served: Value = expect_json(
            app.bare_client().get(app.url("/api/openapi.json")).send().await.expect("GET /api/openapi.json"),
            StatusCode::OK,
            "GET /api/openapi.json",
        )
        .await;
        assert!(
            served == committed_document(),
            "openapi/openapi.json differs from the served document: run `make openapi` to regenerate"
        );
    }
}

both! {
    async fn the_openapi_document_describes_the_auth_endpoints(app) {
        let served: Value = expect_json(
            app.bare_client().get(app.url("/api/openapi.json")).send().await.expect("GET /api/openapi.json"),
            StatusCode::OK,
            "GET /api/openapi.json",
        )
        .await;
        assert!(served["openapi"].as_str().is_some_and(|version| version.starts_with("3.1")), "OpenAPI 3.1");
        for path in [
            "/api/v1/sites",
            "/api/v1/auth/login",
            "/api/v1/auth/refresh",
            "/api/v1/auth/logout",
            "/api/v1/auth/password-reset",
            "/api/v1/auth/password-reset/confirm",
            "/api/v1/account",
            "/api/v1/account/password",
            "/api/v1/admin/families",
        ] {
            assert!(served["paths"].get(path).is_some(), "{path} is not documented");
        }
    }
}

both! {
    async fn the_interactive_reference_is_served_offline(app) {
        let response = app.bare_client().get(app.url("/api/docs/")).send().await.expect("GET /api/docs/");
        assert_eq!(response.status(), StatusCode::OK);
        assert!(header(&response, "content-type").starts_with("text/html"), "HTML");
        let page = response.text().await.expect("the page");
        assert!(!page.contains("cdn.") && !page.contains("unpkg.com"), "no script from a CDN");
    }
}
