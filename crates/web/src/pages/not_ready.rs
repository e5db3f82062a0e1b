//! Sections announced in the menu whose screens come in later issues.

use crate::router::A;
use leptos::prelude::*;

use crate::components::Page;

/// Says plainly that the section is not built yet, rather than showing an empty screen.
#[component]
pub fn NotReadyPage(title: &'static str) -> impl IntoView {
    view! {
        <Page title=title>
            <p>"Cette page n'est pas encore disponible."</p>
            <p><A href="/">"Retour à l'accueil"</A></p>
        </Page>
    }
}
