//! Lock-out by a stranger: a browser that signed in to an account before carries a
//! signed device cookie, and a stranger's wrong passwords do not lock it out (OWASP's
//! device-cookie pattern; issue 7, item 2).

use tutti_tests::{Client, Response, StatusCode, TestApp, both, demo};

const WRONG: &str = "pas-le-bon-mot-de-passe";
const DEVICE_COOKIE_PREFIX: &str = "tutti_device";

/// The `Set-Cookie` header of the device cookie a response sets, if any.
fn device_set_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.trim_start().starts_with(DEVICE_COOKIE_PREFIX))
        .map(str::to_owned)
}

/// `name=value` of a `Set-Cookie` header.
fn name_and_value(set_cookie: &str) -> (String, String) {
    let first = set_cookie.split(';').next().expect("a cookie").trim();
    let (name, value) = first.split_once('=').expect("name=value");
    (name.to_owned(), value.to_owned())
}

/// Logs in from `client` and returns the device cookie it was given (`Set-Cookie`).
async fn log_in_and_keep_the_device_cookie(app: &TestApp, client: &Client, login: &str) -> String {
    let response = app
        .login_with(client, demo::SITE, login, demo::FAMILY_PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::OK, "login of {login}");
    device_set_cookie(&response).expect("a successful login sets a device cookie")
}

/// A stranger (another client, no device cookie) sends wrong passwords until the account
/// is locked for strangers.
async fn lock_the_account_for_strangers(app: &TestApp, login: &str) {
    let attacker = app.new_client();
    let mut locked = false;
    for _ in 0..8 {
        let response = app.login_with(&attacker, demo::SITE, login, WRONG).await;
        locked = response.status() == StatusCode::TOO_MANY_REQUESTS;
        if locked {
            break;
        }
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    assert!(
        locked,
        "the stranger's burst locks the account for strangers"
    );
    let right = app
        .login_with(&attacker, demo::SITE, login, demo::FAMILY_PASSWORD)
        .await;
    assert_eq!(
        right.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "a stranger with the right password is still held back"
    );
}

/// A login sent with a hand-made `Cookie` header.
async fn login_with_cookie(app: &TestApp, cookie: &str, login: &str) -> Response {
    app.bare_client()
        .post(app.url("/api/v1/auth/login"))
        .header(reqwest::header::COOKIE, cookie)
        .json(&serde_json::json!({"site": demo::SITE, "login": login, "password": demo::FAMILY_PASSWORD}))
        .send()
        .await
        .expect("the login request")
}

both! {
    async fn a_strangers_burst_does_not_stop_the_owner_logging_in_from_a_known_device(app) {
        let owner = app.new_client();
        log_in_and_keep_the_device_cookie(&app, &owner, demo::FAMILY_LOGIN).await;

        lock_the_account_for_strangers(&app, demo::FAMILY_LOGIN).await;

        app.login_family(&owner).await;
    }
}

both! {
    async fn the_device_cookie_is_signed_http_only_strict_and_lasts_a_year(app) {
        let cookie = log_in_and_keep_the_device_cookie(&app, &app.new_client(), demo::FAMILY_LOGIN).await;
        let attributes: Vec<String> = cookie.split(';').skip(1).map(|part| part.trim().to_ascii_lowercase()).collect();
        assert!(attributes.iter().any(|attribute| attribute == "httponly"), "Set-Cookie: {cookie}");
        assert!(attributes.iter().any(|attribute| attribute == "samesite=strict"), "Set-Cookie: {cookie}");
        assert!(!attributes.iter().any(|attribute| attribute == "secure"), "plain http: {cookie}");
        let max_age: i64 = attributes
            .iter()
            .find_map(|attribute| attribute.strip_prefix("max-age="))
            .and_then(|seconds| seconds.parse().ok())
            .unwrap_or_else(|| panic!("a Max-Age: {cookie}"));
        assert!(max_age >= 300 * 24 * 3600, "about a year: {cookie}");
        let (_, value) = name_and_value(&cookie);
        assert!(!value.contains(demo::FAMILY_LOGIN), "the value does not spell the login out: {value}");
    }
}

both! {
    async fn the_device_cookie_is_secure_when_the_portal_is_served_over_https(backend: Backend) {
        let app = TestApp::spawn_with(backend, vec![("TUTTI_PUBLIC_URL", "https://portail.tutti.test".to_owned())]).await;
        let response = app.login_with(&app.bare_client(), demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;
        let cookie = device_set_cookie(&response).expect("a device cookie");
        assert!(cookie.split(';').any(|part| part.trim().eq_ignore_ascii_case("secure")), "Set-Cookie: {cookie}");
    }
}

both! {
    async fn a_forged_or_borrowed_device_cookie_gives_nothing(app) {
        let martin = log_in_and_keep_the_device_cookie(&app, &app.new_client(), demo::FAMILY_LOGIN).await;
        let durand = log_in_and_keep_the_device_cookie(&app, &app.new_client(), demo::DURAND_LOGIN).await;
        lock_the_account_for_strangers(&app, demo::FAMILY_LOGIN).await;

        let (martin_name, martin_value) = name_and_value(&martin);
        let (_, durand_value) = name_and_value(&durand);

        // Durand's genuine cookie, presented under Martin's name: it names another account.
        let borrowed = login_with_cookie(&app, &format!("{martin_name}={durand_value}"), demo::FAMILY_LOGIN).await;
        assert_eq!(borrowed.status(), StatusCode::TOO_MANY_REQUESTS, "another account's device cookie");

        // Martin's cookie with one character changed: the signature no longer holds.
        let mut forged: Vec<char> = martin_value.chars().collect();
        let index = forged.len() / 2;
        forged[index] = if forged[index] == 'A' { 'B' } else { 'A' };
        let forged: String = forged.into_iter().collect();
        let forged = login_with_cookie(&app, &format!("{martin_name}={forged}"), demo::FAMILY_LOGIN).await;
        assert_eq!(forged.status(), StatusCode::TOO_MANY_REQUESTS, "a forged device cookie");

        // Made up from nothing.
        let made_up = login_with_cookie(&app, &format!("{martin_name}=abc.def.ghi"), demo::FAMILY_LOGIN).await;
        assert_eq!(made_up.status(), StatusCode::TOO_MANY_REQUESTS, "a made-up device cookie");

        // The genuine one still works.
        let genuine = login_with_cookie(&app, &format!("{martin_name}={martin_value}"), demo::FAMILY_LOGIN).await;
        assert_eq!(genuine.status(), StatusCode::OK, "the genuine device cookie");
    }
}

both! {
    async fn wrong_passwords_from_a_known_device_spend_that_devices_own_budget(app) {
        let shared_computer = app.new_client();
        log_in_and_keep_the_device_cookie(&app, &shared_computer, demo::FAMILY_LOGIN).await;

        let mut locked = false;
        for _ in 0..8 {
            let response = app.login_with(&shared_computer, demo::SITE, demo::FAMILY_LOGIN, WRONG).await;
            locked = response.status() == StatusCode::TOO_MANY_REQUESTS;
            if locked {
                break;
            }
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        }
        assert!(locked, "a known device is throttled too");
        let right = app.login_with(&shared_computer, demo::SITE, demo::FAMILY_LOGIN, demo::FAMILY_PASSWORD).await;
        assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS, "the device waits out its delay");

        // The account's budget for other clients was not spent.
        app.login_family(&app.new_client()).await;
    }
}
