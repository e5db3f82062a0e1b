//! Roles and sites: staff lists families, families cannot, and staff see only their site.

use tutti_tests::{
    ErrorCode, FamilyListItem, Page, StatusCode, TestApp, both, demo, expect_error, expect_json,
};

const ANNEXE: &str = "annexe";
const ANNEXE_STAFF: &str = "admin.annexe";
const ANNEXE_STAFF_EMAIL: &str = "secretariat@annexe.example.fr";
const ANNEXE_PASSWORD: &str = "Harpe-Verte-Aurore-2026";

async fn families(app: &TestApp, token: &str, query: &str) -> Page<FamilyListItem> {
    expect_json(
        app.admin_families(token, query).await,
        StatusCode::OK,
        &format!("GET /admin/families{query}"),
    )
    .await
}

both! {
    async fn a_family_token_cannot_list_families(app) {
        let session = app.login_family(&app.client).await;
        let error = expect_error(app.admin_families(&session.access_token, "").await, StatusCode::FORBIDDEN, "family on /admin").await;
        assert_eq!(error.code, ErrorCode::Forbidden);
    }
}

both! {
    async fn listing_families_without_a_token_is_unauthorized(app) {
        let response = app.bare_client().get(app.url("/api/v1/admin/families")).send().await.expect("GET /admin/families");
        expect_error(response, StatusCode::UNAUTHORIZED, "no token on /admin").await;
    }
}

both! {
    async fn staff_list_the_demo_families_one_page_at_a_time(app) {
        let staff = app.login_staff().await;
        assert_eq!(staff.account.role, tutti_shared::Role::Staff);
        let page = families(&app, &staff.access_token, "").await;
        assert_eq!(page.page, 1);
        assert!(page.per_page > 0);
        assert_eq!(usize::try_from(page.total).ok(), Some(page.items.len()), "one page holds them all: {page:?}");
        let martin = page.items.iter().find(|family| family.name.contains("Martin")).expect("Famille Martin");
        assert!(page.items.iter().any(|family| family.name.contains("Durand")), "Famille Durand: {page:?}");
        assert_eq!(martin.guardian_count, 2, "Famille Martin has two guardians");
        assert_eq!(martin.student_count, 3, "Famille Martin has three children");

        let first = families(&app, &staff.access_token, "?page=1&per_page=1").await;
        let second = families(&app, &staff.access_token, "?page=2&per_page=1").await;
        assert_eq!((first.items.len(), second.items.len()), (1, 1));
        assert_eq!((first.total, second.per_page, second.page), (2, 1, 2));
        assert_ne!(first.items[0].id, second.items[0].id, "two pages, two families");
    }
}

both! {
    async fn a_search_filters_the_families_by_name(app) {
        let staff = app.login_staff().await;
        let page = families(&app, &staff.access_token, "?q=Mart").await;
        assert_eq!(page.total, 1, "{page:?}");
        assert!(page.items.iter().all(|family| family.name.contains("Martin")), "{page:?}");
        let none = families(&app, &staff.access_token, "?q=Zzyzx").await;
        assert_eq!((none.total, none.items.len()), (0, 0));
    }
}

both! {
    async fn bad_pagination_is_bad_input_not_a_server_error(app) {
        let staff = app.login_staff().await;
        for query in ["?page=0", "?per_page=0", "?per_page=100000", "?page=abc"] {
            let status = app.admin_families(&staff.access_token, query).await.status();
            assert!(status == StatusCode::OK || status.is_client_error(), "{query}: {status}");
        }
    }
}

both! {
    async fn staff_of_another_site_see_none_of_the_first_sites_families(app) {
        let config = app.config();
        tokio::task::spawn_blocking(move || {
            tutti_api::tasks::create_site(&config, ANNEXE, "Annexe")?;
            tutti_api::tasks::create_staff(&config, ANNEXE, ANNEXE_STAFF, ANNEXE_STAFF_EMAIL)
        })
        .await
        .expect("the CLI tasks panicked")
        .unwrap_or_else(|error| panic!("creating the site and its staff: {error:?}"));
        assert!(app.sites().await.iter().any(|site| site.slug == ANNEXE), "the new site is listed");

        // A new staff account has no password until it follows a reset link.
        expect_error(app.login(ANNEXE, ANNEXE_STAFF, "N-importe-quoi-2026").await, StatusCode::UNAUTHORIZED, "a guess").await;
        app.set_password_through_reset(ANNEXE, ANNEXE_STAFF, ANNEXE_STAFF_EMAIL, ANNEXE_PASSWORD).await;
        let staff = app.login_ok(ANNEXE, ANNEXE_STAFF, ANNEXE_PASSWORD).await;
        assert_eq!(staff.account.site.slug, ANNEXE);

        let page = families(&app, &staff.access_token, "").await;
        assert_eq!((page.total, page.items.len()), (0, 0), "the annexe sees no family of the conservatoire: {page:?}");
        let search = families(&app, &staff.access_token, "?q=Mart").await;
        assert_eq!(search.total, 0, "{search:?}");

        // And the demo staff cannot log in on the annexe.
        expect_error(app.login(ANNEXE, demo::STAFF_LOGIN, demo::STAFF_PASSWORD).await, StatusCode::UNAUTHORIZED, "staff on another site").await;
    }
}
