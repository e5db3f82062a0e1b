//! "Accueil": the family's home page, with a card per section.

use leptos::prelude::*;

use crate::api::reenrolment as reenrolment_api;
use crate::components::{Loader, Loading, NavCard, Page};
use crate::pages::reenrolment::home_cards;
use crate::session::Session;

/// Greets the guardian and leads to each section, like the legacy portal's home; while a
/// re-enrolment campaign is open, a card per child still to answer comes first.
///
/// The sections wait for the children's answers (one short read), so that nothing moves
/// under the reader's eyes when the re-enrolment cards arrive; a failed read (no campaign
/// open answers 404) shows the sections alone.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = Session::expect();
    let greeting = Signal::derive(move || {
        session
            .account()
            .map(|account| format!("Bonjour {}", account.display_name))
            .unwrap_or_default()
    });
    let children = Loader::new(move || reenrolment_api::list_children(session));
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
            {move || match children.with(|children| children.map(|children| match children {
                Ok(children) => home_cards(children),
                Err(_) => String::new(),
            })) {
                None => view! { <Loading /> }.into_any(),
                Some(cards) => view! { <div inner_html=cards></div> <Sections /> }.into_any(),
            }}
        </Page>
    }
}

/// The sections of the portal, as cards.
#[component]
fn Sections() -> impl IntoView {
    view! {
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
    }
}
