//! The logged-in account: who am I, change my password.

use actix_web::{HttpRequest, HttpResponse, get, put, web};
use tutti_shared::{
    AccountInfo, ChangePasswordRequest, FamilySummary, MessageResponse, Password, Role, SiteSummary,
};

use crate::auth::extractors::{CurrentAccount, client_ip};
use crate::db::accounts::{find_account as load_account, set_password_hash};
use crate::db::audit::{AuditEntry, record};
use crate::db::sites::find_site;
use crate::db::{now, sessions, throttle};
use crate::email::{OutgoingEmail, html_escape};
use crate::error::AppError;
use crate::routes::auth::{ACCOUNT_POLICY, account_throttle_key, prehash_for_login};
use crate::routes::json::ApiJson;
use crate::state::AppState;

/// Loads what the SPA needs to know about an account.
pub async fn load_account_info(state: &AppState, account_id: i64) -> Result<AccountInfo, AppError> {
    state
        .db
        .run(move |connection| {
            let (account, (site_id, site_slug, site_name), family_name) =
                crate::db::accounts::account_with_site(connection, account_id)?;
            let family = account
                .family_id
                .zip(family_name)
                .map(|(id, name)| FamilySummary { id, name });
            let role = Role::from_db(&account.role)
                .ok_or_else(|| AppError::Internal(format!("unknown role {:?}", account.role)))?;
            Ok(AccountInfo {
                id: account.id,
                login: account.login,
                email: account.email,
                display_name: account.display_name,
                role,
                site: SiteSummary {
                    id: site_id,
                    slug: site_slug,
                    name: site_name,
                },
                family,
            })
        })
        .await
}

/// Who is logged in: role, site and (for families) the household.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The logged-in account", body = AccountInfo),
        (status = 401, description = "Not logged in", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/account")]
pub async fn find_account(
    state: web::Data<AppState>,
    account: CurrentAccount,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(load_account_info(&state, account.account_id).await?))
}

/// Changes the password of the logged-in account.
///
/// Every other session of the account ends; this one stays open. Wrong current
/// passwords count as failed logins for throttling.
#[utoipa::path(
    tag = "account",
    request_body = ChangePasswordRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Password changed", body = MessageResponse),
        (status = 401, description = "Not logged in", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Wrong current password or invalid new one", body = tutti_shared::ApiErrorBody),
        (status = 429, description = "Too many wrong attempts", body = tutti_shared::ApiErrorBody)
    )
)]
#[put("/account/password")]
pub async fn update_password(
    state: web::Data<AppState>,
    request: HttpRequest,
    current: CurrentAccount,
    body: ApiJson<ChangePasswordRequest>,
) -> Result<HttpResponse, AppError> {
    let ChangePasswordRequest {
        current_password,
        new_password,
    } = body.into_inner();
    let password =
        Password::parse(&new_password).map_err(|error| AppError::field("new_password", error.0))?;
    let account_id = current.account_id;
    let (account, site) = state
        .db
        .run(move |connection| {
            let account = load_account(connection, account_id)?;
            let site = find_site(connection, account.site_id)?;
            Ok::<_, AppError>((account, site))
        })
        .await?;
    let throttle_key = account_throttle_key(&site.slug, &account.login);
    let key = throttle_key.clone();
    let locked = state
        .db
        .run(move |connection| {
            throttle::locked_for(connection, &key, now()).map_err(AppError::from)
        })
        .await?;
    if let Some(wait) = locked {
        return Err(AppError::TooManyRequests {
            retry_after_seconds: wait.num_seconds().max(1),
        });
    }
    let valid = state
        .hasher
        .verify(
            prehash_for_login(&current_password),
            account.password_hash.clone(),
        )
        .await?;
    if !valid {
        let key = throttle_key.clone();
        state
            .db
            .run(move |connection| {
                throttle::record_failure(connection, &key, &ACCOUNT_POLICY, now())
                    .map_err(AppError::from)
            })
            .await?;
        return Err(AppError::field(
            "current_password",
            "Le mot de passe actuel est incorrect.",
        ));
    }
    let new_hash = state
        .hasher
        .hash(prehash_for_login(password.expose()))
        .await?;
    let (session_id, ip) = (current.session_id, client_ip(&request));
    let site_id = account.site_id;
    state
        .db
        .run(move |connection| {
            crate::db::write_transaction(connection, |connection| {
                let time = now();
                set_password_hash(connection, account_id, &new_hash, time)?;
                sessions::burn_reset_tokens(connection, account_id, time)?;
                sessions::revoke_account_sessions(connection, account_id, Some(session_id), time)?;
                throttle::clear(connection, &throttle_key)?;
                record(
                    connection,
                    &AuditEntry {
                        site_id: Some(site_id),
                        account_id: Some(account_id),
                        action: "password_changed",
                        target_type: Some("account"),
                        target_id: Some(account_id),
                        ip: Some(ip),
                        ..AuditEntry::default()
                    },
                )?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    // Tell the account holder, so that a change they did not make does not go unnoticed.
    let notice = OutgoingEmail {
        site_id: Some(account.site_id),
        to: account.email.clone(),
        subject: "Votre mot de passe a été modifié".to_owned(),
        body_text: format!(
            "Bonjour {},\n\nLe mot de passe de l'identifiant « {} » vient d'être modifié.\n\
             Si vous n'êtes pas à l'origine de ce changement, utilisez « Générer un nouveau mot de passe » sur la page de connexion et prévenez l'école.\n\n\
             L'équipe administrative",
            account.display_name, account.login
        ),
        body_html: format!(
            "<p>Bonjour {},</p><p>Le mot de passe de l'identifiant « {} » vient d'être modifié.</p>\
             <p>Si vous n'êtes pas à l'origine de ce changement, utilisez « Générer un nouveau mot de passe » sur la page de connexion et prévenez l'école.</p>\
             <p>L'équipe administrative</p>",
            html_escape(&account.display_name),
            html_escape(&account.login)
        ),
        secret: None,
    };
    if let Err(error) = state.mailer.send(&state.db, notice).await {
        tracing::error!(%error, "could not record the password change notice");
    }
    Ok(HttpResponse::Ok().json(MessageResponse {
        message: "Votre mot de passe a été modifié.".to_owned(),
    }))
}
