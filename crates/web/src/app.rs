//! The root component: session restore, the shell and the routes with their guards.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{ProtectedRoute, Route, Router, Routes};
use leptos_router::path;

use crate::api;
use crate::components::{Loading, Shell};
use crate::pages::{
    AccessibilityPage, AdminPage, ChangePasswordPage, FamilyPage, ForgotPasswordPage, HomePage,
    LoginPage, NotFoundPage, NotReadyPage, ResetPasswordPage, SessionsPage, StudentsPage,
};
use crate::session::{Area, Session, session_may_exist};

/// The app: restores the session, then routes.
///
/// Public pages: login, both password-recovery pages, accessibility (linked from the login
/// page). Everything else is guarded by role; a refused visitor is sent where they belong
/// (login page, or their own home), and nothing is decided while the session is restoring.
#[component]
pub fn App() -> impl IntoView {
    let session = Session::provide();
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
    let redirect = move || session.landing_path();
    let family = move || session.may_enter(Area::Family);
    let administration = move || session.may_enter(Area::Administration);
    let any_account = move || session.may_enter(Area::AnyAccount);
    let loading = || view! { <Loading /> };

    view! {
        <Router>
            <Shell>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/connexion") view=LoginPage />
                    <Route path=path!("/mot-de-passe/oubli") view=ForgotPasswordPage />
                    <Route path=path!("/mot-de-passe/nouveau") view=ResetPasswordPage />
                    <Route path=path!("/accessibilite") view=AccessibilityPage />
                    <ProtectedRoute path=path!("/") view=HomePage condition=family redirect_path=redirect fallback=loading />
                    <ProtectedRoute
                        path=path!("/famille")
                        view=FamilyPage
                        condition=family
                        redirect_path=redirect
                        fallback=loading
                    />
                    <ProtectedRoute
                        // The child and the tab are in the address: /eleves/12/cours.
                        path=path!("/eleves/:eleve?/:onglet?")
                        view=StudentsPage
                        condition=family
                        redirect_path=redirect
                        fallback=loading
                    />
                    <ProtectedRoute
                        path=path!("/facturation")
                        view=|| view! { <NotReadyPage title="Facturation" /> }
                        condition=family
                        redirect_path=redirect
                        fallback=loading
                    />
                    <ProtectedRoute
                        path=path!("/mot-de-passe")
                        view=ChangePasswordPage
                        condition=any_account
                        redirect_path=redirect
                        fallback=loading
                    />
                    <ProtectedRoute
                        path=path!("/connexions")
                        view=SessionsPage
                        condition=any_account
                        redirect_path=redirect
                        fallback=loading
                    />
                    <ProtectedRoute
                        // Every /admin address: the admin module picks the screen.
                        path=path!("/admin/*rest")
                        view=AdminPage
                        condition=administration
                        redirect_path=redirect
                        fallback=loading
                    />
                </Routes>
            </Shell>
        </Router>
    }
}
