//! "Mes connexions" and the life of a session: each account sees its live sessions
//! (device, network, last use, which one is this one) and ends any of them or all the
//! others; a session ends after an idle time and an absolute lifetime that depend on the
//! role (staff and teachers 8 h idle, families 7 days idle, 30 days in all by default).

use serde_json::Value;
use tutti_tests::{
    Client, SessionResponse, StatusCode, TestApp, both, claims_of, demo, expect_error, expect_json,
};

const ANDROID_CHROME: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
const WINDOWS_FIREFOX: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const IPHONE_SAFARI: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

/// A "device": a client with a cookie store and a User-Agent.
fn device(user_agent: &str) -> Client {
    Client::builder()
        .cookie_store(true)
        .user_agent(user_agent)
        .build()
        .expect("a client")
}

/// Logs in as `login` from a device with `user_agent` and extra headers.
async fn log_in_from(
    app: &TestApp,
    client: &Client,
    login: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> SessionResponse {
    let mut request = client
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"site": demo::SITE, "login": login, "password": password}));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    expect_json(
        request.send().await.expect("login"),
        StatusCode::OK,
        "login",
    )
    .await
}

async fn family_on(app: &TestApp, user_agent: &str) -> (Client, SessionResponse) {
    let client = device(user_agent);
    let session = log_in_from(app, &client, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD, &[]).await;
    (client, session)
}

async fn list(app: &TestApp, token: &str) -> Vec<Value> {
    expect_json(
        app.get_authorized("/api/v1/account/sessions", token).await,
        StatusCode::OK,
        "GET /account/sessions",
    )
    .await
}

fn session_id(session: &SessionResponse) -> i64 {
    claims_of(&session.access_token)["sid"]
        .as_i64()
        .expect("sid")
}

async fn end_session(app: &TestApp, token: &str, id: i64) -> tutti_tests::Response {
    app.bare_client()
        .delete(app.url(&format!("/api/v1/account/sessions/{id}")))
        .bearer_auth(token)
        .send()
        .await
        .expect("DELETE /account/sessions/{id}")
}

async fn end_others(app: &TestApp, token: &str) -> tutti_tests::Response {
    app.bare_client()
        .post(app.url("/api/v1/account/sessions/end-others"))
        .bearer_auth(token)
        .send()
        .await
        .expect("POST /account/sessions/end-others")
}

/// Sets a session column to `ago` before now.
fn set_ago(app: &TestApp, session: &SessionResponse, column: &str, ago: chrono::TimeDelta) {
    let at = (chrono::Utc::now().naive_utc() - ago).format("%Y-%m-%d %H:%M:%S%.6f");
    app.sql(&format!(
        "UPDATE sessions SET {column} = '{at}' WHERE id = {}",
        session_id(session)
    ));
}

both! {
    async fn a_family_sees_its_sessions_with_device_network_and_this_one_marked(app) {
        let (_phone, phone) = family_on(&app, ANDROID_CHROME).await;
        let (_laptop, laptop) = family_on(&app, WINDOWS_FIREFOX).await;
        let _durand = log_in_from(&app, &device(IPHONE_SAFARI), demo::DURAND_LOGIN, demo::FAMILY_PASSWORD, &[]).await;

        let sessions = list(&app, &phone.access_token).await;
        assert_eq!(sessions.len(), 2, "only this account's sessions: {sessions:#?}");
        let this = sessions.iter().find(|row| row["current"] == true).expect("one is marked current");
        assert_eq!(this["id"], session_id(&phone));
        assert_eq!(this["device"], "Chrome sur Android");
        assert_eq!(this["place"], "réseau local");
        assert!(this["last_used_at"].is_string() && this["created_at"].is_string(), "{this}");
        let other = sessions.iter().find(|row| row["current"] == false).expect("the other one");
        assert_eq!(other["id"], session_id(&laptop));
        assert_eq!(other["device"], "Firefox sur Windows");
        assert!(!serde_json::to_string(&sessions).expect("json").contains("127.0.0.1"), "never the full address");
    }
}

both! {
    async fn the_place_is_the_clients_network_never_its_address(backend: Backend) {
        let app = TestApp::spawn_with(backend, vec![("TUTTI_TRUSTED_PROXIES", "127.0.0.1".to_owned())]).await;
        let v4 = log_in_from(&app, &device(IPHONE_SAFARI), demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD, &[("x-forwarded-for", "203.0.113.57")]).await;
        let _v6 = log_in_from(&app, &device(WINDOWS_FIREFOX), demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD, &[("x-forwarded-for", "2001:db8:1:2:3:4:5:6")]).await;
        let sessions = list(&app, &v4.access_token).await;
        let places: Vec<&str> = sessions.iter().filter_map(|row| row["place"].as_str()).collect();
        assert!(places.contains(&"203.0.113.0/24"), "{places:?}");
        assert!(places.contains(&"2001:db8:1:2::/64"), "{places:?}");
        let devices: Vec<&str> = sessions.iter().filter_map(|row| row["device"].as_str()).collect();
        assert!(devices.contains(&"Safari sur iPhone"), "{devices:?}");
    }
}

both! {
    async fn ending_another_session_logs_that_device_out_and_only_that_one(app) {
        let (_phone, phone) = family_on(&app, ANDROID_CHROME).await;
        let (laptop_client, laptop) = family_on(&app, WINDOWS_FIREFOX).await;
        let durand = log_in_from(&app, &device(IPHONE_SAFARI), demo::DURAND_LOGIN, demo::FAMILY_PASSWORD, &[]).await;

        // Another family's session, or one that does not exist, is not found.
        expect_error(end_session(&app, &durand.access_token, session_id(&laptop)).await, StatusCode::NOT_FOUND, "Durand ends Martin's").await;
        expect_error(end_session(&app, &phone.access_token, 999_999).await, StatusCode::NOT_FOUND, "no such session").await;
        assert_eq!(app.account(&laptop.access_token).await.status(), StatusCode::OK, "untouched so far");

        assert_eq!(end_session(&app, &phone.access_token, session_id(&laptop)).await.status(), StatusCode::NO_CONTENT);
        expect_error(app.account(&laptop.access_token).await, StatusCode::UNAUTHORIZED, "the laptop's token").await;
        expect_error(app.refresh(&laptop_client).await, StatusCode::UNAUTHORIZED, "the laptop's cookie").await;
        assert_eq!(app.account(&phone.access_token).await.status(), StatusCode::OK, "the phone stays");
        assert_eq!(list(&app, &phone.access_token).await.len(), 1);
        assert!(app.audit_actions().iter().any(|action| action == "session_ended"), "audited");
    }
}

both! {
    async fn ending_all_other_sessions_keeps_this_one(app) {
        let (_phone, phone) = family_on(&app, ANDROID_CHROME).await;
        let (_laptop, laptop) = family_on(&app, WINDOWS_FIREFOX).await;
        let (_tablet, tablet) = family_on(&app, IPHONE_SAFARI).await;
        let staff = app.login_staff().await;

        assert_eq!(end_others(&app, &phone.access_token).await.status(), StatusCode::NO_CONTENT);
        for other in [&laptop, &tablet] {
            expect_error(app.account(&other.access_token).await, StatusCode::UNAUTHORIZED, "another device").await;
        }
        assert_eq!(app.account(&phone.access_token).await.status(), StatusCode::OK, "this one stays");
        assert_eq!(app.account(&staff.access_token).await.status(), StatusCode::OK, "other accounts are untouched");
        let sessions = list(&app, &phone.access_token).await;
        assert_eq!(sessions.len(), 1);
        assert_eq!(sessions[0]["current"], true);
    }
}

both! {
    async fn staff_see_and_end_their_own_sessions_too(app) {
        let first = log_in_from(&app, &device(WINDOWS_FIREFOX), demo::STAFF_LOGIN, demo::STAFF_PASSWORD, &[]).await;
        let second = log_in_from(&app, &device(ANDROID_CHROME), demo::STAFF_LOGIN, demo::STAFF_PASSWORD, &[]).await;
        assert_eq!(list(&app, &first.access_token).await.len(), 2);
        assert_eq!(end_session(&app, &first.access_token, session_id(&second)).await.status(), StatusCode::NO_CONTENT);
        expect_error(app.account(&second.access_token).await, StatusCode::UNAUTHORIZED, "ended").await;
    }
}

both! {
    async fn a_staff_session_ends_after_eight_idle_hours_but_a_familys_does_not(app) {
        let staff_client = device(WINDOWS_FIREFOX);
        let staff = log_in_from(&app, &staff_client, demo::STAFF_LOGIN, demo::STAFF_PASSWORD, &[]).await;
        let (family_client, family) = family_on(&app, ANDROID_CHROME).await;
        for session in [&staff, &family] {
            set_ago(&app, session, "last_used_at", chrono::TimeDelta::hours(9));
        }
        expect_error(app.account(&staff.access_token).await, StatusCode::UNAUTHORIZED, "staff token after 9 idle hours").await;
        expect_error(app.refresh(&staff_client).await, StatusCode::UNAUTHORIZED, "staff cookie after 9 idle hours").await;
        assert_eq!(app.account(&family.access_token).await.status(), StatusCode::OK, "a family after 9 idle hours");
        let _: SessionResponse = expect_json(app.refresh(&family_client).await, StatusCode::OK, "family refresh").await;
    }
}

both! {
    async fn a_family_session_ends_after_seven_idle_days_and_a_refresh_counts_as_use(app) {
        let (active_client, active) = family_on(&app, ANDROID_CHROME).await;
        let (idle_client, idle) = family_on(&app, WINDOWS_FIREFOX).await;
        set_ago(&app, &active, "last_used_at", chrono::TimeDelta::days(6));
        set_ago(&app, &idle, "last_used_at", chrono::TimeDelta::days(8));

        expect_error(app.refresh(&idle_client).await, StatusCode::UNAUTHORIZED, "8 idle days").await;
        expect_error(app.account(&idle.access_token).await, StatusCode::UNAUTHORIZED, "8 idle days, token").await;

        // A refresh after 6 days is a use: the idle time counts again from now.
        let _: SessionResponse = expect_json(app.refresh(&active_client).await, StatusCode::OK, "after 6 days").await;
        let sessions = list(&app, &active.access_token).await;
        assert_eq!(sessions.len(), 1, "the idle one is not listed");
        let last_use = chrono::NaiveDateTime::parse_from_str(sessions[0]["last_used_at"].as_str().expect("a date"), "%Y-%m-%dT%H:%M:%S%.f")
            .expect("an ISO date");
        assert!((chrono::Utc::now().naive_utc() - last_use).num_minutes().abs() < 5, "last use is now: {last_use}");
    }
}

both! {
    async fn a_session_ends_thirty_days_after_login_however_active(app) {
        let (client, session) = family_on(&app, ANDROID_CHROME).await;
        set_ago(&app, &session, "created_at", chrono::TimeDelta::days(31));
        expect_error(app.account(&session.access_token).await, StatusCode::UNAUTHORIZED, "31 days after login").await;
        expect_error(app.refresh(&client).await, StatusCode::UNAUTHORIZED, "refresh 31 days after login").await;
    }
}

both! {
    async fn the_idle_time_and_lifetime_follow_the_configuration(backend: Backend) {
        let app = TestApp::spawn_with(backend, vec![
            ("TUTTI_SESSION_IDLE_FAMILY", "20m".to_owned()),
            ("TUTTI_SESSION_LIFETIME_STAFF", "2h".to_owned()),
        ]).await;
        let (client, family) = family_on(&app, ANDROID_CHROME).await;
        set_ago(&app, &family, "last_used_at", chrono::TimeDelta::minutes(30));
        expect_error(app.refresh(&client).await, StatusCode::UNAUTHORIZED, "30 minutes idle with a 20 minute limit").await;

        let staff = log_in_from(&app, &device(WINDOWS_FIREFOX), demo::STAFF_LOGIN, demo::STAFF_PASSWORD, &[]).await;
        set_ago(&app, &staff, "created_at", chrono::TimeDelta::hours(3));
        expect_error(app.account(&staff.access_token).await, StatusCode::UNAUTHORIZED, "3 h with a 2 h lifetime").await;
    }
}

#[test]
fn session_durations_that_do_not_parse_are_refused_naming_the_variable() {
    let data_dir = tempfile::tempdir().expect("a temp dir");
    for (variable, value) in [
        ("TUTTI_SESSION_IDLE_FAMILY", "seven days"),
        ("TUTTI_SESSION_IDLE_STAFF", "5m"),
        ("TUTTI_SESSION_IDLE_TEACHER", "0h"),
        ("TUTTI_SESSION_LIFETIME_FAMILY", "400d"),
        ("TUTTI_SESSION_LIFETIME_STAFF", "12"),
    ] {
        let vars = vec![
            (
                "TUTTI_DATA_DIR".to_owned(),
                data_dir.path().to_string_lossy().into_owned(),
            ),
            (variable.to_owned(), value.to_owned()),
        ];
        let error = tutti_api::config::Config::from_vars(vars)
            .expect_err(&format!("{variable}={value} must be refused"));
        assert_eq!(error.variable, variable, "{value}");
    }
}
