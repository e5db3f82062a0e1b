//! The root component: session restore, the shell and the routes with their guards.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::{Loading, Shell};
#[cfg(feature = "admin")]
use crate::pages::Elsewhere;
use crate::pages::{
    AccessibilityPage, AdminPage, ChangePasswordPage, ForgotPasswordPage, LoginPage, NotFoundPage,
    ResetPasswordPage, SessionsPage,
};
#[cfg(not(feature = "admin"))]
use crate::pages::{BillingPage, DocumentsPage, FamilyPage, HomePage, StudentsPage};
use crate::router::{self, Location};
use crate::session::{Area, Session, session_may_exist};

/// A screen of the app, read from the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// `/connexion`.
    Login,
    /// `/mot-de-passe/oubli`.
    ForgotPassword,
    /// `/mot-de-passe/nouveau` (the emailed link).
    ResetPassword,
    /// `/accessibilite`.
    Accessibility,
    /// `/`: the family's home.
    Home,
    /// `/famille`.
    Family,
    /// `/eleves`, `/eleves/12`, `/eleves/12/cours`, `/eleves/12/reinscription/cours`: the
    /// page reads the child, the tab and the wizard's step.
    Students,
    /// `/documents`.
    Documents,
    /// `/facturation` (Cotisations) and `/facturation/locations`.
    Billing,
    /// `/mot-de-passe`.
    ChangePassword,
    /// `/connexions`.
    Sessions,
    /// `/admin` and below: the admin module picks the screen.
    Admin,
    /// Anything else.
    NotFound,
}

impl Screen {
    /// The screen of a path (a trailing slash is allowed).
    pub fn of(path: &str) -> Self {
        let segments: Vec<&str> = path.split('/').filter(|part| !part.is_empty()).collect();
        match segments.as_slice() {
            [] => Screen::Home,
            ["connexion"] => Screen::Login,
            ["mot-de-passe"] => Screen::ChangePassword,
            ["mot-de-passe", "oubli"] => Screen::ForgotPassword,
            ["mot-de-passe", "nouveau"] => Screen::ResetPassword,
            ["accessibilite"] => Screen::Accessibility,
            ["famille"] => Screen::Family,
            ["eleves"] | ["eleves", _] | ["eleves", _, _] | ["eleves", _, "reinscription", _] => {
                Screen::Students
            }
            ["documents"] => Screen::Documents,
            ["facturation"] | ["facturation", "locations"] => Screen::Billing,
            ["connexions"] => Screen::Sessions,
            ["admin", ..] => Screen::Admin,
            _ => Screen::NotFound,
        }
    }

    /// Who may see it: `None` for everybody.
    fn area(self) -> Option<Area> {
        match self {
            Screen::Login
            | Screen::ForgotPassword
            | Screen::ResetPassword
            | Screen::Accessibility
            | Screen::NotFound => None,
            Screen::Home
            | Screen::Family
            | Screen::Students
            | Screen::Documents
            | Screen::Billing => Some(Area::Family),
            Screen::ChangePassword | Screen::Sessions => Some(Area::AnyAccount),
            Screen::Admin => Some(Area::Administration),
        }
    }

    fn view(self) -> AnyView {
        match self {
            Screen::Login => view! { <LoginPage /> }.into_any(),
            Screen::ForgotPassword => view! { <ForgotPasswordPage /> }.into_any(),
            Screen::ResetPassword => view! { <ResetPasswordPage /> }.into_any(),
            Screen::Accessibility => view! { <AccessibilityPage /> }.into_any(),
            #[cfg(not(feature = "admin"))]
            Screen::Home => view! { <HomePage /> }.into_any(),
            #[cfg(not(feature = "admin"))]
            Screen::Family => view! { <FamilyPage /> }.into_any(),
            #[cfg(not(feature = "admin"))]
            Screen::Students => view! { <StudentsPage /> }.into_any(),
            #[cfg(not(feature = "admin"))]
            Screen::Documents => view! { <DocumentsPage /> }.into_any(),
            #[cfg(not(feature = "admin"))]
            Screen::Billing => view! { <BillingPage /> }.into_any(),
            // The families' screens live in the family build.
            #[cfg(feature = "admin")]
            Screen::Home
            | Screen::Family
            | Screen::Students
            | Screen::Documents
            | Screen::Billing => view! { <Elsewhere /> }.into_any(),
            Screen::ChangePassword => view! { <ChangePasswordPage /> }.into_any(),
            Screen::Sessions => view! { <SessionsPage /> }.into_any(),
            Screen::Admin => view! { <AdminPage /> }.into_any(),
            Screen::NotFound => view! { <NotFoundPage /> }.into_any(),
        }
    }
}

/// The app: restores the session, then shows the screen of the address.
///
/// Public pages: login, both password-recovery pages, accessibility (linked from the login
/// page). Everything else is guarded by role; a refused visitor is sent where they belong
/// (login page, or their own home), and nothing is decided while the session is restoring.
#[component]
pub fn App() -> impl IntoView {
    let session = Session::provide();
    let location = Location::provide();
    // A reload wipes the in-memory token; the HttpOnly cookie can bring it back, when this
    // browser logged in and did not log out since (otherwise the refresh could only fail,
    // and would log a 401 in the console of every signed-out visit).
    if session_may_exist() {
        spawn_local(async move {
            match api::refresh().await {
                Ok(response) => session.sign_in(response),
                Err(_) => session.sign_out_locally(),
            }
        });
    } else {
        session.sign_out_locally();
    }
    // Memos: a new address within the same screen (another child, another tab) or a
    // renewed token does not draw the screen anew.
    let screen = Memo::new(move |_| Screen::of(&location.path.read()));
    let allowed = Memo::new(move |_| match screen.get() {
        // Signed in (now, or already when arriving): the login page gives way to home.
        Screen::Login => Some(session.account().is_none()),
        current => current
            .area()
            .map_or(Some(true), |area| session.may_enter(area)),
    });
    let page = move || match (screen.get(), allowed.get()) {
        (_, None) => view! { <Loading /> }.into_any(),
        // Built untracked, as a component body: what a screen reads while being built
        // must not draw it anew.
        (current, Some(true)) => untrack(move || current.view()),
        (_, Some(false)) => {
            let to = session.landing_path();
            // After this render: a redirect while rendering would re-enter it.
            request_animation_frame(move || router::redirect(to));
            view! { <Loading /> }.into_any()
        }
    };
    view! { <Shell>{page}</Shell> }
}

#[cfg(test)]
mod tests {
    use super::Screen;

    #[test]
    fn every_address_has_its_screen() {
        assert_eq!(Screen::of("/"), Screen::Home);
        assert_eq!(Screen::of("/eleves/12/cours"), Screen::Students);
        assert_eq!(Screen::of("/eleves/"), Screen::Students);
        assert_eq!(Screen::of("/mot-de-passe/oubli"), Screen::ForgotPassword);
        assert_eq!(Screen::of("/admin/familles/3"), Screen::Admin);
        assert_eq!(Screen::of("/documents"), Screen::Documents);
        assert_eq!(Screen::of("/eleves/1/cours/x"), Screen::NotFound);
        assert_eq!(
            Screen::of("/eleves/1/reinscription/cours"),
            Screen::Students
        );
        assert_eq!(Screen::of("/inconnu"), Screen::NotFound);
    }
}
