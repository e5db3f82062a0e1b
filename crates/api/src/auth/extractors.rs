//! Role extractors: a handler states who may call it by the type of one argument.
//!
//! `CurrentAccount` accepts any valid session; `FamilyAccount`, `StaffAccount` and
//! `TeacherAccount` add the role check. No handler checks roles by hand.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use diesel::prelude::*;
use tutti_shared::Role;

use crate::db::schema::{accounts, sessions};
use crate::error::AppError;
use crate::state::AppState;

/// The caller, authenticated by a valid access token of a live session.
#[derive(Debug, Clone)]
pub struct CurrentAccount {
    pub account_id: i64,
    pub session_id: i64,
    pub site_id: i64,
    pub role: Role,
    pub family_id: Option<i64>,
}

fn unauthorized() -> AppError {
    AppError::Unauthorized("Votre session a expiré. Veuillez vous reconnecter.".to_owned())
}

/// The bearer token of the request, if any.
pub fn bearer_token(request: &HttpRequest) -> Option<&str> {
    request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

impl FromRequest for CurrentAccount {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(request).map(str::to_owned);
        Box::pin(async move {
            let state =
                state.ok_or_else(|| AppError::Internal("application state missing".to_owned()))?;
            let claims = token
                .and_then(|token| state.jwt.verify(&token))
                .ok_or_else(unauthorized)?;
            let account_id: i64 = claims.sub.parse().map_err(|_| unauthorized())?;
            let session_id = claims.sid;
            // The session must still be live: logout, password change and reset revoke it.
            // Role, site and household are read from the account, not trusted from the token.
            let row: Option<(i64, String, Option<i64>)> = state
                .db
                .run(move |connection| {
                    sessions::table
                        .inner_join(accounts::table)
                        .filter(sessions::id.eq(session_id))
                        .filter(sessions::account_id.eq(account_id))
                        .filter(sessions::revoked_at.is_null())
                        .filter(sessions::expires_at.gt(crate::db::now()))
                        .select((accounts::site_id, accounts::role, accounts::family_id))
                        .first(connection)
                        .optional()
                        .map_err(AppError::from)
                })
                .await?;
            let (site_id, role, family_id) = row.ok_or_else(unauthorized)?;
            let role = Role::from_db(&role).ok_or_else(unauthorized)?;
            Ok(CurrentAccount {
                account_id,
                session_id,
                site_id,
                role,
                family_id,
            })
        })
    }
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $role:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub CurrentAccount);

        impl FromRequest for $name {
            type Error = AppError;
            type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

            fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let account = CurrentAccount::from_request(request, payload);
                Box::pin(async move {
                    let account = account.await?;
                    if account.role != $role {
                        return Err(AppError::Forbidden);
                    }
                    Ok($name(account))
                })
            }
        }
    };
}

role_extractor!(
    /// A family account (a guardian of a household).
    FamilyAccount,
    Role::Family
);
role_extractor!(
    /// A staff account; every query it makes is limited to its site.
    StaffAccount,
    Role::Staff
);
role_extractor!(
    /// A teacher account, limited to its own classes.
    TeacherAccount,
    Role::Teacher
);

/// The client address used for throttling and the audit log: the TCP peer, unless the
/// peer is one of our own reverse proxies (`TUTTI_TRUSTED_PROXIES`). Then the address is
/// read from `X-Forwarded-For`, right to left, skipping our proxies: entries further left
/// were written by the client and can say anything.
pub fn client_ip(request: &HttpRequest) -> String {
    let Some(peer) = request.peer_addr().map(|address| address.ip()) else {
        return "unknown".to_owned();
    };
    let trusted: &[std::net::IpAddr] = match request.app_data::<web::Data<AppState>>() {
        Some(state) if state.config.trusted_proxies.contains(&peer) => {
            &state.config.trusted_proxies
        }
        _ => return peer.to_string(),
    };
    let forwarded: Vec<std::net::IpAddr> = request
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|part| part.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|address| !trusted.contains(address))
        .copied()
        .unwrap_or(peer)
        .to_string()
}

/// Staff or a teacher: the school side. Handlers further restrict teachers to their own
/// courses.
#[derive(Debug, Clone)]
pub struct SchoolAccount(pub CurrentAccount);

impl FromRequest for SchoolAccount {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let account = CurrentAccount::from_request(request, payload);
        Box::pin(async move {
            let account = account.await?;
            if !matches!(account.role, Role::Staff | Role::Teacher) {
                return Err(AppError::Forbidden);
            }
            Ok(SchoolAccount(account))
        })
    }
}

impl SchoolAccount {
    /// The teacher's account id when the caller is a teacher; `None` for staff.
    pub fn teacher_id(&self) -> Option<i64> {
        (self.0.role == Role::Teacher).then_some(self.0.account_id)
    }
}
