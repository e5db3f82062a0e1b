//! The audit of signing in: failed logins name the account when it exists, logouts name
//! the account (issue 7, item 9).

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text};
use tutti_tests::{StatusCode, TestApp, both, demo};

#[derive(Debug, QueryableByName)]
struct AuditRow {
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    site_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    account_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    details: Option<String>,
}

fn audit_rows(app: &TestApp, action: &str) -> Vec<AuditRow> {
    app.query::<AuditRow>(&format!(
        "SELECT action, site_id, account_id, details FROM audit_log WHERE action = '{action}' ORDER BY id"
    ))
}

both! {
    async fn a_failed_login_on_an_existing_account_records_its_site_and_account(app) {
        let session = app.login_family(&app.new_client()).await;
        let response = app.login_with(&app.new_client(), demo::SITE, demo::FAMILY_LOGIN, "pas-le-bon-mot-de-passe").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let unknown = app.login_with(&app.new_client(), demo::SITE, "personne.inconnue", "pas-le-bon-mot-de-passe").await;
        assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);

        let rows = audit_rows(&app, "login_failed");
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].account_id, Some(session.account.id), "{rows:?}");
        assert_eq!(rows[0].site_id, Some(session.account.site.id), "{rows:?}");
        assert_eq!(rows[1].account_id, None, "an unknown login names no account: {rows:?}");
        for row in &rows {
            let details = row.details.clone().unwrap_or_default();
            assert!(!details.contains("pas-le-bon"), "never the password: {row:?}");
            assert_eq!(row.action, "login_failed");
        }
    }
}

both! {
    async fn a_logout_records_the_account_and_its_site(app) {
        let client = app.new_client();
        let session = app.login_family(&client).await;
        let response = app.logout(&client, &session.access_token).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);

        let rows = audit_rows(&app, "logout");
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0].account_id, Some(session.account.id), "{rows:?}");
        assert_eq!(rows[0].site_id, Some(session.account.site.id), "{rows:?}");
    }
}
