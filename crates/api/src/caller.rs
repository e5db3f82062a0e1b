//! Who is calling: one extractor for every handler that needs a logged-in caller.
//!
//! Each operation declares once, in its `#[utoipa::path]`, which callers it admits:
//! `security(("bearer" = []))` for any logged-in account, `security(("bearer" =
//! ["family"]))` for families only, `["staff", "teacher"]` for the school side. The
//! OpenAPI document carries that declaration to integrators; at start-up the same
//! document becomes the [`AccessMap`] that [`Caller`]'s extractor enforces (403 for a
//! caller of the wrong kind), so the document and the behaviour cannot disagree.
//! Ownership (this household's student, this teacher's course, this site's record) is
//! decided further in, by the store queries that take the caller's typed site and
//! household, and answers 404.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, web};
use tutti_shared::Role;

use crate::domain::{AccountId, DomainError, HouseholdId, SiteId};
use crate::error::AppError;
use crate::state::AppState;

/// The name of the security scheme whose scopes list the admitted roles.
pub const SECURITY_SCHEME: &str = "bearer";

/// What kind of caller this is, with what only that kind has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// A guardian's account, with its household.
    Family { household: HouseholdId },
    /// School administration: the whole site.
    Staff,
    /// A teacher: their own courses.
    Teacher,
}

/// The caller of a request: an authenticated account of a live session.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: AccountId,
    pub session_id: i64,
    pub site: SiteId,
    pub who: Who,
    /// The client address (see [`client_ip`]), for the audit log.
    pub ip: String,
}

/// A family caller: the household is known, not optional.
#[derive(Debug, Clone)]
pub struct FamilyCaller {
    pub account: AccountId,
    pub site: SiteId,
    pub household: HouseholdId,
}

/// A school-side caller: staff (the whole site) or a teacher (their own courses).
#[derive(Debug, Clone)]
pub struct SchoolCaller {
    pub account: AccountId,
    pub site: SiteId,
    /// `Some` for a teacher: what they reach is limited to their own courses.
    pub teacher: Option<AccountId>,
    pub ip: String,
}

impl Caller {
    /// The caller's role.
    pub fn role(&self) -> Role {
        match self.who {
            Who::Family { .. } => Role::Family,
            Who::Staff => Role::Staff,
            Who::Teacher => Role::Teacher,
        }
    }

    /// The caller as a family; 403 for any other kind.
    pub fn family(&self) -> Result<FamilyCaller, AppError> {
        match self.who {
            Who::Family { household } => Ok(FamilyCaller {
                account: self.account,
                site: self.site,
                household,
            }),
            _ => Err(DomainError::Forbidden.into()),
        }
    }

    /// The caller as staff or teacher; 403 for a family.
    pub fn school(&self) -> Result<SchoolCaller, AppError> {
        let teacher = match self.who {
            Who::Staff => None,
            Who::Teacher => Some(self.account),
            Who::Family { .. } => return Err(DomainError::Forbidden.into()),
        };
        Ok(SchoolCaller {
            account: self.account,
            site: self.site,
            teacher,
            ip: self.ip.clone(),
        })
    }

    /// The caller as staff only; 403 otherwise.
    pub fn staff(&self) -> Result<SchoolCaller, AppError> {
        match self.who {
            Who::Staff => self.school(),
            _ => Err(DomainError::Forbidden.into()),
        }
    }
}

/// Which callers an operation admits, as its OpenAPI security requirement declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Any logged-in account (`"bearer" = []`).
    AnyAccount,
    /// Only these roles.
    Roles(Vec<Role>),
}

impl Access {
    fn admits(&self, role: Role) -> bool {
        match self {
            Access::AnyAccount => true,
            Access::Roles(roles) => roles.contains(&role),
        }
    }
}

/// Operation (method and path pattern, as actix matched it) to its admitted callers.
#[derive(Debug, Clone, Default)]
pub struct AccessMap(HashMap<(Method, String), Access>);

impl AccessMap {
    /// Reads every operation's declaration from the OpenAPI document. An unknown role
    /// name in a declaration is a programming error caught at start-up (and by tests).
    pub fn from_openapi(document: &utoipa::openapi::OpenApi) -> Result<Self, String> {
        let mut map = HashMap::new();
        for (path, item) in &document.paths.paths {
            for (method, operation) in operations(item) {
                let Some(access) = operation_access(operation)? else {
                    continue;
                };
                map.insert((method, path.clone()), access);
            }
        }
        Ok(Self(map))
    }

    /// The declaration of an operation, if it requires a caller.
    pub fn access(&self, method: &Method, pattern: &str) -> Option<&Access> {
        self.0.get(&(method.clone(), pattern.to_owned()))
    }
}

/// The operations of a path item, with their HTTP methods.
pub fn operations(
    item: &utoipa::openapi::path::PathItem,
) -> Vec<(Method, &utoipa::openapi::path::Operation)> {
    [
        (Method::GET, &item.get),
        (Method::POST, &item.post),
        (Method::PUT, &item.put),
        (Method::PATCH, &item.patch),
        (Method::DELETE, &item.delete),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.as_ref().map(|operation| (method, operation)))
    .collect()
}

/// Whom an operation admits: `None` when it is public (no security requirement).
pub fn operation_access(
    operation: &utoipa::openapi::path::Operation,
) -> Result<Option<Access>, String> {
    let Some(requirements) = &operation.security else {
        return Ok(None);
    };
    let value = serde_json::to_value(requirements).map_err(|error| error.to_string())?;
    let Some(scopes) = value
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|requirement| requirement.get(SECURITY_SCHEME))
        .and_then(|scopes| scopes.as_array())
    else {
        return Ok(None);
    };
    if scopes.is_empty() {
        return Ok(Some(Access::AnyAccount));
    }
    let roles = scopes
        .iter()
        .map(|scope| {
            scope
                .as_str()
                .and_then(Role::from_db)
                .ok_or_else(|| format!("unknown role {scope} in a security requirement"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Access::Roles(roles)))
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

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(request).map(str::to_owned);
        let declared = state.as_ref().and_then(|state| {
            let pattern = request.match_pattern()?;
            state.access.access(request.method(), &pattern).cloned()
        });
        let ip = client_ip(request);
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::internal("application state missing"))?;
            // An operation that takes a caller must declare whom it admits: fail closed.
            let access = declared.ok_or_else(|| {
                AppError::internal("an operation takes a Caller without declaring its callers")
            })?;
            let claims = token
                .and_then(|token| state.jwt.verify(&token))
                .ok_or_else(AppError::session_expired)?;
            let account: i64 = claims
                .sub
                .parse()
                .map_err(|_| AppError::session_expired())?;
            let session_id = claims.sid;
            // The session must still be live: logout, password change and reset revoke it.
            // Role, site and household are read from the account, not trusted from the token.
            let live = state
                .db
                .run(move |connection| {
                    crate::auth::store::live_session(connection, session_id, account)
                        .map_err(DomainError::from)
                })
                .await?
                .ok_or_else(AppError::session_expired)?;
            let role = Role::from_db(&live.role).ok_or_else(AppError::session_expired)?;
            // The role's idle time and lifetime, read from the same row: no extra trip.
            // Only refreshes record a use, and an access token lives shorter than the
            // shortest idle time allowed, so an active session never fails this.
            if !state.config.sessions.for_role(role).admits(
                live.created_at,
                live.last_used_at,
                crate::db::now(),
            ) {
                return Err(AppError::session_expired());
            }
            let who = match (role, live.family_id) {
                (Role::Family, Some(household)) => Who::Family {
                    household: HouseholdId(household),
                },
                (Role::Family, None) => return Err(AppError::session_expired()),
                (Role::Staff, _) => Who::Staff,
                (Role::Teacher, _) => Who::Teacher,
            };
            let caller = Caller {
                account: AccountId(account),
                session_id,
                site: SiteId(live.site_id),
                who,
                ip,
            };
            if !access.admits(caller.role()) {
                return Err(DomainError::Forbidden.into());
            }
            Ok(caller)
        })
    }
}

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
