//! The family build's stand-in for the administration, which lives in the second build
//! (`--features admin`, served by the server under `/admin/`).
//!
//! Whatever brings this build to an `/admin` address (a menu link, the landing after a
//! staff or teacher login, a redirect) turns into a full page load, which the server
//! answers with the administration's build.

use leptos::prelude::*;
use tutti_shared::Role;

/// Every `/admin` address: reloads it from the server, which serves the admin build.
pub use super::elsewhere::Elsewhere as AdminPage;

/// The administration's menu entries, as plain links (`rel="external"`: the router
/// leaves them to the browser, which loads the admin build). The admin build's own menu
/// adds the count of pending change requests.
#[component]
pub fn AdminMenuLinks(role: Role) -> impl IntoView {
    let links: &[(&str, &str)] = if role == Role::Staff {
        &[
            ("/admin", "Accueil admin"),
            ("/admin/demandes", "Demandes de modification"),
            ("/admin/familles", "Familles"),
            ("/admin/eleves", "Élèves"),
            ("/admin/annee", "Année scolaire"),
            ("/admin/evenements", "Événements"),
        ]
    } else {
        &[("/admin", "Mes cours")]
    };
    links
        .iter()
        .map(|(href, label)| view! { <li><a href=*href rel="external">{*label}</a></li> })
        .collect_view()
}
