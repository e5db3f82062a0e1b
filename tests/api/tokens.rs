//! Access tokens: only a well-formed, HS256-signed, unexpired access token of a live
//! session opens the API. The forged-but-valid case proves the forging helper is right,
//! so each refusal below is about the one thing that was spoiled.

use jsonwebtoken::Algorithm;
use serde_json::{Value, json};
use tutti_tests::{
    StatusCode, TestApp, both, claims_of, expect_error, forge_token, now, test_jwt_key,
    unsigned_token,
};

async fn real_claims(app: &TestApp) -> Value {
    claims_of(&app.login_family(&app.client).await.access_token)
}

async fn assert_refused(app: &TestApp, token: &str, what: &str) {
    let error = expect_error(app.account(token).await, StatusCode::UNAUTHORIZED, what).await;
    assert_eq!(error.code, tutti_tests::ErrorCode::Unauthorized, "{what}");
}

both! {
    async fn the_access_token_carries_the_contract_claims(app) {
        let claims = real_claims(&app).await;
        for name in ["sub", "sid", "site", "role", "typ", "iss", "aud", "iat", "exp"] {
            assert!(claims.get(name).is_some(), "claim {name} missing from {claims}");
        }
        assert_eq!(claims["typ"], "access");
        assert_eq!(claims["iss"], "tutti");
        assert_eq!(claims["aud"], "tutti-api");
        assert_eq!(claims["role"], "family");
        assert!(claims["sub"].is_string(), "sub is a string: {claims}");
        let lifetime = claims["exp"].as_i64().expect("exp") - claims["iat"].as_i64().expect("iat");
        assert!((60..=15 * 60).contains(&lifetime), "lifetime of {lifetime} s");
    }
}

both! {
    async fn a_forged_copy_of_a_real_tokens_claims_is_accepted(app) {
        let claims = real_claims(&app).await;
        let forged = forge_token(&claims, &test_jwt_key(), Algorithm::HS256);
        let response = app.account(&forged).await;
        assert_eq!(response.status(), StatusCode::OK, "the helper must forge tokens the server accepts");
    }
}

both! {
    async fn a_request_without_a_token_is_refused(app) {
        let response = app.bare_client().get(app.url("/api/v1/account")).send().await.expect("GET /account");
        let error = expect_error(response, StatusCode::UNAUTHORIZED, "no token").await;
        assert_eq!(error.code, tutti_tests::ErrorCode::Unauthorized);
    }
}

both! {
    async fn a_garbage_token_is_refused(app) {
        assert_refused(&app, "garbage", "garbage token").await;
        assert_refused(&app, "a.b.c", "three garbage parts").await;
        let basic = app
            .bare_client()
            .get(app.url("/api/v1/account"))
            .header("authorization", "Basic ZmFtaWxsZS5kZW1vOkRlbW8tRmFtaWxsZS0yMDI2")
            .send()
            .await
            .expect("GET /account");
        assert_eq!(basic.status(), StatusCode::UNAUTHORIZED, "Basic credentials are not a bearer token");
    }
}

both! {
    async fn an_unsigned_token_with_alg_none_is_refused(app) {
        let claims = real_claims(&app).await;
        assert_refused(&app, &unsigned_token(&claims), "alg none").await;
    }
}

both! {
    async fn a_token_signed_with_another_secret_is_refused(app) {
        let claims = real_claims(&app).await;
        let token = forge_token(&claims, b"not-the-server-secret-but-32-bytes-long!", Algorithm::HS256);
        assert_refused(&app, &token, "wrong signature").await;
    }
}

both! {
    async fn a_token_signed_with_another_hmac_algorithm_is_refused(app) {
        let claims = real_claims(&app).await;
        let token = forge_token(&claims, &test_jwt_key(), Algorithm::HS512);
        assert_refused(&app, &token, "HS512 instead of HS256").await;
    }
}

both! {
    async fn a_token_that_is_not_an_access_token_is_refused(app) {
        let mut claims = real_claims(&app).await;
        for typ in [json!("refresh"), json!("reset"), json!(""), Value::Null] {
            claims["typ"] = typ.clone();
            let token = forge_token(&claims, &test_jwt_key(), Algorithm::HS256);
            assert_refused(&app, &token, &format!("typ {typ}")).await;
        }
        claims.as_object_mut().expect("claims are an object").remove("typ");
        assert_refused(&app, &forge_token(&claims, &test_jwt_key(), Algorithm::HS256), "no typ").await;
    }
}

both! {
    async fn an_expired_token_is_refused(app) {
        let mut claims = real_claims(&app).await;
        claims["iat"] = json!(now() - 2 * 3600);
        claims["exp"] = json!(now() - 3600);
        assert_refused(&app, &forge_token(&claims, &test_jwt_key(), Algorithm::HS256), "expired an hour ago").await;
    }
}

both! {
    async fn a_token_without_an_expiry_is_refused(app) {
        let mut claims = real_claims(&app).await;
        claims.as_object_mut().expect("claims are an object").remove("exp");
        assert_refused(&app, &forge_token(&claims, &test_jwt_key(), Algorithm::HS256), "no exp").await;
    }
}

both! {
    async fn a_token_for_another_audience_or_issuer_is_refused(app) {
        let claims = real_claims(&app).await;

        let mut wrong_audience = claims.clone();
        wrong_audience["aud"] = json!("another-api");
        assert_refused(&app, &forge_token(&wrong_audience, &test_jwt_key(), Algorithm::HS256), "wrong aud").await;

        let mut wrong_issuer = claims.clone();
        wrong_issuer["iss"] = json!("someone-else");
        assert_refused(&app, &forge_token(&wrong_issuer, &test_jwt_key(), Algorithm::HS256), "wrong iss").await;

        let mut no_audience = claims;
        no_audience.as_object_mut().expect("claims are an object").remove("aud");
        assert_refused(&app, &forge_token(&no_audience, &test_jwt_key(), Algorithm::HS256), "no aud").await;
    }
}
