//! "Accueil": the family's home page, with a card per section.

use leptos::prelude::*;

use crate::components::{NavCard, Page};
use crate::session::Session;

/// Greets the guardian and leads to each section, like the legacy portal's home.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = Session::expect();
    let greeting = Signal::derive(move || {
        session
            .account()
            .map(|account| format!("Bonjour {}", account.display_name))
            .unwrap_or_default()
    });
    let household = move || {
        session.account().map(|account| {
            let family = account.family.map(|family| family.name);
            view! {
                <p class="lead">
                    {family.map(|name| view! { <strong>{name}</strong> " · " })}
                    {account.site.name}
                </p>
            }
        })
    };
    view! {
        <Page title="Accueil" heading=greeting>
            {household}
            <h2 class="visually-hidden">"Rubriques"</h2>
            <ul class="cards">
                <NavCard href="/famille" title="Famille" description="Vérifier et compléter les coordonnées du foyer." />
                <NavCard
                    href="/eleves"
                    title="Élèves"
                    description="Identité, cours, évaluations, absences et répertoire de chaque enfant."
                />
                <NavCard
                    href="/documents"
                    title="Documents"
                    description="Les pièces à fournir : assurance, certificat médical, RIB…"
                />
                <NavCard href="/facturation" title="Facturation" description="Factures de cotisation et de location, règlements." />
                <NavCard href="/mot-de-passe" title="Mot de passe" description="Changer votre mot de passe à tout moment." />
                <NavCard href="/accessibilite" title="Accessibilité" description="Ce que fait le portail pour être utilisable par tous." />
            </ul>
        </Page>
    }
}
