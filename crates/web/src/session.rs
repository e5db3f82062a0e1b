//! Who is logged in, and where each kind of account may go.
//!
//! The access token lives only in this in-memory state: never in `localStorage` or
//! `sessionStorage`, where any script of the page could read it across reloads. After a
//! reload the app asks the server for a fresh one with the HttpOnly refresh cookie.
//!
//! Only a non-secret hint is stored ([`session_may_exist`]): "this browser logged in and
//! did not log out since". Without it the start-up refresh is not even tried, so opening
//! the portal signed out costs no request and logs no 401 in the console.

use leptos::prelude::*;
use tutti_shared::{AccountInfo, Role, SessionResponse};

/// Where the app stands with the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthState {
    /// The start-up refresh is under way: we do not know yet.
    Restoring,
    /// Nobody is logged in.
    SignedOut,
    /// Somebody is logged in.
    SignedIn(AccountInfo),
}

/// The parts of the portal, by who may enter them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// The family portal (Accueil, Famille, Élèves, Facturation).
    Family,
    /// The administration (staff and teachers).
    Administration,
    /// Pages every logged-in account has (Mot de passe).
    AnyAccount,
}

/// Whether the state lets one into an area: `None` while still restoring, which the
/// router shows as "loading" rather than bouncing the visitor to the login page.
pub fn may_enter(state: &AuthState, area: Area) -> Option<bool> {
    match state {
        AuthState::Restoring => None,
        AuthState::SignedOut => Some(false),
        AuthState::SignedIn(account) => Some(match area {
            Area::Family => account.role == Role::Family,
            Area::Administration => matches!(account.role, Role::Staff | Role::Teacher),
            Area::AnyAccount => true,
        }),
    }
}

/// Where an account lands after logging in, or where a refused visitor is sent.
pub fn landing_path(state: &AuthState) -> &'static str {
    match state {
        AuthState::SignedIn(account) => home_path(account.role),
        AuthState::Restoring | AuthState::SignedOut => LOGIN_PATH,
    }
}

/// The home page of each role.
pub fn home_path(role: Role) -> &'static str {
    match role {
        Role::Family => "/",
        Role::Staff | Role::Teacher => "/admin",
    }
}

/// The login page.
pub const LOGIN_PATH: &str = "/connexion";

/// The `localStorage` key of the hint that a refresh cookie may exist. Its value is
/// meaningless ("1"): it grants nothing, the cookie it hints at is HttpOnly.
const SESSION_HINT_KEY: &str = "tutti.session-possible";

/// The browser's `localStorage`, when the page may use it (not in native tests, nor
/// where privacy settings refuse it).
fn local_storage() -> Option<web_sys::Storage> {
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    web_sys::window()?.local_storage().ok().flatten()
}

/// Whether this browser may hold a refresh cookie, so that trying it at start-up is
/// worth a request. True when storage is unavailable: the cookie is then the only truth.
pub fn session_may_exist() -> bool {
    local_storage().is_none_or(|storage| matches!(storage.get_item(SESSION_HINT_KEY), Ok(Some(_))))
}

/// Records or forgets the hint; failures (storage full or refused) only cost the hint.
fn remember_session_hint(signed_in: bool) {
    let Some(storage) = local_storage() else {
        return;
    };
    let _ = if signed_in {
        storage.set_item(SESSION_HINT_KEY, "1")
    } else {
        storage.remove_item(SESSION_HINT_KEY)
    };
}

/// The session, shared through a Leptos context; `Copy`, so closures take it freely.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    state: RwSignal<AuthState>,
    /// Not reactive on purpose: nothing on screen depends on the token itself.
    access_token: StoredValue<Option<String>>,
    /// Set when the server ended the session under our feet, so that the login page can
    /// say why the family is back there.
    expired: StoredValue<bool>,
}

impl Session {
    /// Creates the session (restoring) and provides it to the whole app.
    pub fn provide() -> Self {
        let session = Self {
            state: RwSignal::new(AuthState::Restoring),
            access_token: StoredValue::new(None),
            expired: StoredValue::new(false),
        };
        provide_context(session);
        session
    }

    /// The session provided by the app root.
    pub fn expect() -> Self {
        expect_context::<Self>()
    }

    /// Reactive read of the logged-in account, if any.
    pub fn account(&self) -> Option<AccountInfo> {
        self.state.with(|state| match state {
            AuthState::SignedIn(account) => Some(account.clone()),
            _ => None,
        })
    }

    /// Reactive: whether the state lets one into `area` (see [`may_enter`]).
    pub fn may_enter(&self, area: Area) -> Option<bool> {
        self.state.with(|state| may_enter(state, area))
    }

    /// Reactive: where this visitor belongs (see [`landing_path`]).
    pub fn landing_path(&self) -> &'static str {
        self.state.with(landing_path)
    }

    /// The current access token, for the `api` module only.
    pub fn access_token(&self) -> Option<String> {
        self.access_token.get_value()
    }

    /// Records a fresh session from login or refresh.
    pub fn sign_in(&self, response: SessionResponse) {
        self.access_token.set_value(Some(response.access_token));
        remember_session_hint(true);
        // Only notify when the account really changed, so that a silent token renewal does
        // not re-render every page.
        let account = response.account;
        if self.state.with_untracked(
            |state| !matches!(state, AuthState::SignedIn(current) if *current == account),
        ) {
            self.state.set(AuthState::SignedIn(account));
        }
    }

    /// Forgets the token and the account (the server side is `api::logout`'s business).
    pub fn sign_out_locally(&self) {
        self.access_token.set_value(None);
        remember_session_hint(false);
        self.state.set(AuthState::SignedOut);
    }

    /// Ends a session the server no longer accepts (expired, revoked elsewhere).
    pub fn expire(&self) {
        self.expired.set_value(true);
        self.sign_out_locally();
    }

    /// Whether the last session expired, once: the login page reads and clears it.
    pub fn take_expired(&self) -> bool {
        let expired = self.expired.get_value();
        self.expired.set_value(false);
        expired
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tutti_shared::SiteSummary;

    fn signed_in(role: Role) -> AuthState {
        AuthState::SignedIn(AccountInfo {
            id: 1,
            login: "famille.demo".to_owned(),
            email: "famille@example.fr".to_owned(),
            display_name: "Claire Martin".to_owned(),
            role,
            site: SiteSummary {
                id: 1,
                slug: "conservatoire".to_owned(),
                name: "Conservatoire 1".to_owned(),
            },
            family: None,
        })
    }

    #[test]
    fn families_land_on_the_home_page_and_staff_and_teachers_on_the_administration() {
        assert_eq!(landing_path(&signed_in(Role::Family)), "/");
        assert_eq!(landing_path(&signed_in(Role::Staff)), "/admin");
        assert_eq!(landing_path(&signed_in(Role::Teacher)), "/admin");
        assert_eq!(landing_path(&AuthState::SignedOut), LOGIN_PATH);
    }

    #[test]
    fn each_role_enters_only_its_own_area() {
        assert_eq!(
            may_enter(&signed_in(Role::Family), Area::Family),
            Some(true)
        );
        assert_eq!(
            may_enter(&signed_in(Role::Family), Area::Administration),
            Some(false)
        );
        assert_eq!(
            may_enter(&signed_in(Role::Staff), Area::Family),
            Some(false)
        );
        assert_eq!(
            may_enter(&signed_in(Role::Teacher), Area::Administration),
            Some(true)
        );
        for role in [Role::Family, Role::Staff, Role::Teacher] {
            assert_eq!(may_enter(&signed_in(role), Area::AnyAccount), Some(true));
        }
    }

    #[test]
    fn nobody_enters_when_signed_out_and_nothing_is_decided_while_restoring() {
        assert_eq!(
            may_enter(&AuthState::SignedOut, Area::AnyAccount),
            Some(false)
        );
        assert_eq!(may_enter(&AuthState::Restoring, Area::Family), None);
    }
}
