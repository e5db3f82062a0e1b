//! Each guardian of a household may have a family account of their own: staff create
//! the further ones from the household's page, through the first account's path
//! (identifiant rules, 409 when taken, welcome email, audit), and every account of a
//! household sees and edits the same household.

use serde_json::{Value, json};
use tutti_shared::{AccountInfo, ErrorCode, FamilyAccount, HouseholdDocuments, Role};
use tutti_tests::{StatusCode, TestApp, both, demo, expect_error, expect_json};

use crate::household_helpers::{ACKNOWLEDGMENT_SUBJECT, DemoIds, HouseholdApi as _};

/// The email of Famille Martin's first account, Claire's.
const CLAIRE_EMAIL: &str = "claire.martin@example.fr";
const JULIEN_LOGIN: &str = "julien.martin";
const JULIEN_EMAIL: &str = "julien.martin@example.fr";
const JULIEN_PASSWORD: &str = "Contrebasse-Verte-2026";

fn accounts_path(household: i64) -> String {
    format!("/api/v1/admin/families/{household}/accounts")
}

fn julien_body(ids: &DemoIds) -> Value {
    json!({"login": JULIEN_LOGIN, "email": JULIEN_EMAIL, "guardian_id": ids.julien})
}

/// The household's accounts as staff list them, insisting on 200.
async fn accounts_of(app: &TestApp, staff: &str, household: i64) -> Vec<FamilyAccount> {
    app.get_ok(&accounts_path(household), staff).await
}

/// Gives Julien Martin his own account, insisting on 201.
async fn create_julien(app: &TestApp, staff: &str, ids: &DemoIds) -> FamilyAccount {
    let response = app
        .post_as(&accounts_path(ids.martin_family), staff, &julien_body(ids))
        .await;
    expect_json(response, StatusCode::CREATED, "POST accounts for Julien").await
}

both! {
    async fn a_second_guardian_gets_an_account_of_their_own_on_the_same_household(app) {
        let ids = app.demo_ids().await;
        let session = app.login_staff().await;
        let (staff, staff_id) = (session.access_token, session.account.id);

        let before = accounts_of(&app, &staff, ids.martin_family).await;
        assert_eq!(before.len(), 1, "{before:#?}");
        assert_eq!(
            (before[0].login.as_str(), before[0].guardian_id, before[0].guardian_name.as_deref(), before[0].password_set),
            (demo::FAMILY_LOGIN, Some(ids.claire), Some("Claire Martin"), true)
        );

        let created = create_julien(&app, &staff, &ids).await;
        assert_eq!(
            (created.login.as_str(), created.email.as_str(), created.guardian_id, created.guardian_name.as_deref(), created.password_set),
            (JULIEN_LOGIN, JULIEN_EMAIL, Some(ids.julien), Some("Julien Martin"), false)
        );
        let listed = accounts_of(&app, &staff, ids.martin_family).await;
        assert_eq!(listed.iter().map(|account| account.login.as_str()).collect::<Vec<_>>(), [demo::FAMILY_LOGIN, JULIEN_LOGIN]);
        let detail: tutti_shared::FamilyDetail = app.get_ok(&format!("/api/v1/admin/families/{}", ids.martin_family), &staff).await;
        assert_eq!(detail.logins, [demo::FAMILY_LOGIN, JULIEN_LOGIN]);

        // The same welcome as the household's first account, audited like it.
        let welcome = app.wait_for_email(JULIEN_EMAIL, "portail").await;
        assert!(welcome.body_text.contains(JULIEN_LOGIN), "the welcome email gives the identifiant:\n{}", welcome.body_text);
        assert!(welcome.body_text.contains("/mot-de-passe"), "and where to choose a password:\n{}", welcome.body_text);
        assert!(welcome.body_text.contains("Julien Martin"), "{}", welcome.body_text);
        let audit = app.audit_lines();
        assert!(
            audit.iter().any(|line| *line == format!("account_created account {} {staff_id}", created.id)),
            "{audit:#?}"
        );

        // No password until Julien follows a reset link; then he logs in.
        expect_error(app.login(demo::SITE, JULIEN_LOGIN, JULIEN_PASSWORD).await, StatusCode::UNAUTHORIZED, "before the first password").await;
        app.set_password_by_link(demo::SITE, JULIEN_LOGIN, JULIEN_EMAIL, JULIEN_PASSWORD).await;
        let julien_session = app.login_ok_with(&app.new_client(), demo::SITE, JULIEN_LOGIN, JULIEN_PASSWORD).await;
        assert_eq!(julien_session.account.role, Role::Family);
        let julien = julien_session.access_token;
        let claire = app.martin_token().await;
        assert!(accounts_of(&app, &staff, ids.martin_family).await.iter().all(|account| account.password_set));

        // "Who am I" names each their own account, and the same household.
        let julien_me: AccountInfo = app.get_ok("/api/v1/account", &julien).await;
        let claire_me: AccountInfo = app.get_ok("/api/v1/account", &claire).await;
        assert_eq!((julien_me.login.as_str(), julien_me.display_name.as_str()), (JULIEN_LOGIN, "Julien Martin"));
        assert_eq!(claire_me.login, demo::FAMILY_LOGIN);
        assert_eq!(julien_me.family, claire_me.family);
        assert_eq!(julien_me.family.as_ref().map(|family| family.id), Some(ids.martin_family));

        // Both see the same household, children and documents.
        assert_eq!(app.family(&julien).await, app.family(&claire).await);
        assert_eq!(app.students(&julien).await, app.students(&claire).await);
        let julien_documents: HouseholdDocuments = app.get_ok("/api/v1/documents", &julien).await;
        let claire_documents: HouseholdDocuments = app.get_ok("/api/v1/documents", &claire).await;
        assert_eq!(julien_documents, claire_documents);

        // A change Julien asks for is pending in Claire's view, and acknowledged to him.
        let julien_guardian = app.family(&julien).await.guardians.into_iter().find(|guardian| guardian.id == ids.julien).expect("Julien");
        let response = app.update_guardian(&julien, ids.julien, &json!({"version": julien_guardian.version, "changes": {"profession": "Ingénieur du son"}})).await;
        let _: tutti_shared::GuardianView = expect_json(response, StatusCode::OK, "Julien's edit").await;
        let seen_by_claire = app.family(&claire).await.guardians.into_iter().find(|guardian| guardian.id == ids.julien).expect("Julien");
        assert_eq!(seen_by_claire.pending.get("profession").map(|pending| pending.new_value.as_str()), Some("Ingénieur du son"), "{seen_by_claire:#?}");
        let queue = app.change_requests(&staff, "").await;
        assert!(queue.items.iter().any(|request| request.target_id == ids.julien && request.field == "profession"), "{queue:#?}");
        assert_eq!(app.emails_with(JULIEN_EMAIL, ACKNOWLEDGMENT_SUBJECT), 1, "the acknowledgment goes to the account that asked");
        assert_eq!(app.emails_with(CLAIRE_EMAIL, ACKNOWLEDGMENT_SUBJECT), 0);
    }
}

both! {
    async fn a_guardian_has_one_account_and_a_taken_identifiant_is_refused(app) {
        let ids = app.demo_ids().await;
        let staff = app.staff_token().await;
        let path = accounts_path(ids.martin_family);
        let emails = app.outbox().len();

        // The identifiant rules of the household's first account, 409 included.
        for login in [demo::FAMILY_LOGIN, demo::STAFF_LOGIN, " famille.durand "] {
            let response = app.post_as(&path, &staff, &json!({"login": login, "email": JULIEN_EMAIL, "guardian_id": ids.julien})).await;
            let error = expect_error(response, StatusCode::CONFLICT, &format!("login {login:?}")).await;
            assert_eq!((error.code, error.message.as_str()), (ErrorCode::AlreadyExists, "Cet identifiant est déjà utilisé."));
        }
        // Claire has an account already.
        let response = app.post_as(&path, &staff, &json!({"login": "claire.bis", "email": "claire@example.fr", "guardian_id": ids.claire})).await;
        assert_eq!(expect_error(response, StatusCode::CONFLICT, "Claire's second account").await.code, ErrorCode::AlreadyExists);
        // Field errors, in French, on the fields sent.
        let response = app.post_as(&path, &staff, &json!({"login": "julien martin", "email": "julien", "guardian_id": ids.julien})).await;
        let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid login and email").await;
        assert_eq!(error.fields.get("login").map(String::as_str), Some("Identifiant invalide (lettres, chiffres, . - _ @)."));
        assert_eq!(error.fields.get("email").map(String::as_str), Some("Adresse e-mail invalide."));
        // Sophie Durand is not of this household.
        let response = app.post_as(&path, &staff, &json!({"login": "sophie.bis", "email": "sophie@example.fr", "guardian_id": ids.sophie})).await;
        let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, "another household's guardian").await;
        assert!(error.fields.contains_key("guardian_id"), "{error:?}");
        // Bodies that are not the input: 400.
        for body in [json!({"login": JULIEN_LOGIN, "email": JULIEN_EMAIL}), json!({"login": JULIEN_LOGIN, "email": JULIEN_EMAIL, "guardian_id": ids.julien, "role": "staff"})] {
            let response = app.post_as(&path, &staff, &body).await;
            assert_eq!(expect_error(response, StatusCode::BAD_REQUEST, &format!("{body}")).await.code, ErrorCode::BadRequest);
        }
        assert_eq!(accounts_of(&app, &staff, ids.martin_family).await.len(), 1, "nothing was created");
        assert_eq!(app.outbox().len(), emails, "no welcome email");

        // Once Julien has his account, the household has one per guardian.
        create_julien(&app, &staff, &ids).await;
        let response = app.post_as(&path, &staff, &json!({"login": "julien.bis", "email": JULIEN_EMAIL, "guardian_id": ids.julien})).await;
        let error = expect_error(response, StatusCode::CONFLICT, "Julien's second account").await;
        assert_eq!((error.code, error.message.as_str()), (ErrorCode::AlreadyExists, "Ce responsable a déjà un compte."));
        // Sophie Durand, the only Durand guardian, has hers.
        let response = app.post_as(&accounts_path(ids.durand_family), &staff, &json!({"login": "sophie.bis", "email": "sophie@example.fr", "guardian_id": ids.sophie})).await;
        assert_eq!(expect_error(response, StatusCode::CONFLICT, "Sophie's second account").await.code, ErrorCode::AlreadyExists);
        assert_eq!(accounts_of(&app, &staff, ids.martin_family).await.len(), 2);
    }
}

both! {
    async fn only_staff_of_the_households_site_list_or_create_its_accounts(app) {
        let ids = app.demo_ids().await;
        let staff = app.staff_token().await;
        let path = accounts_path(ids.martin_family);
        let annexe = app.second_site_staff("annexe").await;
        let emails = app.outbox().len();

        let theirs = app.post_as(&path, &annexe, &julien_body(&ids)).await;
        expect_error(theirs, StatusCode::NOT_FOUND, "another site's household").await;
        expect_error(app.get_as(&path, &annexe).await, StatusCode::NOT_FOUND, "another site's household's accounts").await;
        let missing = app.post_as(&accounts_path(ids.martin_family + 10_000), &staff, &julien_body(&ids)).await;
        expect_error(missing, StatusCode::NOT_FOUND, "a missing household").await;

        for (who, token) in [("family", app.martin_token().await), ("teacher", app.teacher_token().await)] {
            let response = app.post_as(&path, &token, &julien_body(&ids)).await;
            assert_eq!(expect_error(response, StatusCode::FORBIDDEN, who).await.code, ErrorCode::Forbidden);
            expect_error(app.get_as(&path, &token).await, StatusCode::FORBIDDEN, who).await;
        }
        assert_eq!(accounts_of(&app, &staff, ids.martin_family).await.len(), 1, "nothing was created");
        assert_eq!(app.outbox().len(), emails, "no welcome email");
    }
}
