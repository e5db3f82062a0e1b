//! Cookies and CSRF: the refresh and logout endpoints act on a cookie the browser sends
//! by itself, so they also require something a page of another origin cannot add: the
//! SPA's `X-Tutti-Client` header, or an `Origin` equal to the public address. And a
//! portal served over https tells browsers never to use plain http again (HSTS).

use tutti_tests::{
    SessionResponse, StatusCode, TEST_PUBLIC_URL, TestApp, both, expect_error, expect_json, header,
};

/// POST `path` from `client` (its cookie goes along) with only the given extra headers.
async fn post_with_headers(
    app: &TestApp,
    client: &tutti_tests::Client,
    path: &str,
    headers: &[(&str, &str)],
) -> tutti_tests::Response {
    let mut request = client.post(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("POST")
}

both! {
    async fn a_refresh_without_the_client_header_or_the_portals_origin_is_refused(app) {
        let session = app.login_family(&app.client).await;

        let bare = post_with_headers(&app, &app.client, "/api/v1/auth/refresh", &[]).await;
        let error = expect_error(bare, StatusCode::FORBIDDEN, "refresh without header").await;
        assert_eq!(error.code, tutti_tests::ErrorCode::Forbidden);

        let sibling = post_with_headers(&app, &app.client, "/api/v1/auth/refresh", &[("origin", "http://blog.tutti.test")]).await;
        expect_error(sibling, StatusCode::FORBIDDEN, "refresh from a sibling subdomain").await;

        // The refused attempts rotated nothing: the cookie still works, with the header...
        let with_header = post_with_headers(&app, &app.client, "/api/v1/auth/refresh", &[("x-tutti-client", "web")]).await;
        let _: SessionResponse = expect_json(with_header, StatusCode::OK, "refresh with the header").await;
        // ... or from the portal's own origin.
        let same_origin = post_with_headers(&app, &app.client, "/api/v1/auth/refresh", &[("origin", TEST_PUBLIC_URL)]).await;
        let _: SessionResponse = expect_json(same_origin, StatusCode::OK, "refresh from the portal's origin").await;
        assert_eq!(app.account(&session.access_token).await.status(), StatusCode::OK);
    }
}

both! {
    async fn a_logout_from_another_origin_does_not_end_the_session(app) {
        let session = app.login_family(&app.client).await;

        // What a form on a sibling subdomain would send: the cookie, its own origin.
        for headers in [vec![], vec![("origin", "http://evil.tutti.test")], vec![("x-tutti-client", "")]] {
            let forged = post_with_headers(&app, &app.client, "/api/v1/auth/logout", &headers).await;
            expect_error(forged, StatusCode::FORBIDDEN, &format!("logout with {headers:?}")).await;
        }
        assert_eq!(app.account(&session.access_token).await.status(), StatusCode::OK, "still logged in");
        let _: SessionResponse = expect_json(app.refresh(&app.client).await, StatusCode::OK, "the cookie still works").await;

        assert_eq!(app.logout(&app.client, &session.access_token).await.status(), StatusCode::NO_CONTENT, "the SPA's logout");
    }
}

both! {
    async fn every_response_carries_hsts_when_the_public_address_is_https(backend: Backend) {
        let app = TestApp::spawn_with(backend, vec![("TUTTI_PUBLIC_URL", "https://portail.tutti.test".to_owned())]).await;
        for path in ["/api/v1/sites", "/api/v1/account", "/api/v1/nowhere", "/", "/api/docs/"] {
            let response = app.bare_client().get(app.url(path)).send().await.expect("GET");
            assert_eq!(
                header(&response, "strict-transport-security"),
                "max-age=63072000; includeSubDomains",
                "GET {path} ({})", response.status()
            );
        }
    }
}

both! {
    async fn no_hsts_is_sent_when_the_public_address_is_http(app) {
        for path in ["/api/v1/sites", "/"] {
            let response = app.bare_client().get(app.url(path)).send().await.expect("GET");
            assert_eq!(header(&response, "strict-transport-security"), "", "GET {path}");
        }
    }
}
