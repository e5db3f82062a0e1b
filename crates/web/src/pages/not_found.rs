//! Any address that matches no route.

use crate::router::A;
use leptos::prelude::*;

use crate::components::Page;
use crate::session::Session;

/// A French 404 that leads back to where the visitor belongs.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let session = Session::expect();
    view! {
        <Page title="Page introuvable">
            <p>"Cette adresse ne correspond à aucune page du portail."</p>
            <p><A href=move || session.landing_path().to_owned()>"Retour à l'accueil"</A></p>
        </Page>
    }
}
