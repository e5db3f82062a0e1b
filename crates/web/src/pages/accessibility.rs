//! "Accessibilité": what the portal does so that everyone can use it. Public, since the
//! login page links to it.

use crate::router::A;
use leptos::prelude::*;

use crate::components::Page;
use crate::session::Session;

/// A short accessibility statement, in plain French.
#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let session = Session::expect();
    let back = move || match session.account() {
        Some(_) => {
            view! { <A href=move || session.landing_path().to_owned()>"Retour à l'accueil"</A> }
                .into_any()
        }
        None => view! { <A href="/connexion">"Retour à la connexion"</A> }.into_any(),
    };
    view! {
        <Page title="Accessibilité">
            <p class="lead">
                "Le portail Tutti est conçu pour être utilisable par tous : au clavier, avec un lecteur "
                "d'écran, avec un grand zoom et sur un petit téléphone."
            </p>
            <h2>"Ce que fait le portail"</h2>
            <ul class="prose-list">
                <li>
                    <strong>"Formulaires : "</strong>
                    "chaque champ a une étiquette visible qui lui est reliée. Une erreur est écrite en toutes "
                    "lettres à côté du champ concerné, le champ est signalé comme invalide et le message est "
                    "annoncé par les lecteurs d'écran."
                </li>
                <li>
                    <strong>"Clavier : "</strong>
                    "tout se fait sans souris. La touche Tab parcourt liens, boutons et champs dans l'ordre de "
                    "lecture ; le lien « Aller au contenu », en tête de page, permet de passer le menu ; "
                    "l'élément actif est toujours entouré d'un contour bien visible."
                </li>
                <li>
                    <strong>"Contrastes : "</strong>
                    "les textes, liens et boutons ont un contraste d'au moins 4,5 pour 1 avec leur fond, et "
                    "l'information ne passe jamais par la seule couleur."
                </li>
                <li>
                    <strong>"Zoom : "</strong>
                    "vous pouvez agrandir le texte jusqu'à 200 % sans perdre de contenu ni devoir faire "
                    "défiler la page de côté."
                </li>
                <li>
                    <strong>"Lecteurs d'écran : "</strong>
                    "la langue de la page est le français ; chaque page a son propre titre, un titre principal "
                    "unique et des zones nommées (en-tête, menu principal, contenu). Après un changement de "
                    "page, le lecteur d'écran annonce le nouveau titre."
                </li>
                <li>
                    <strong>"Téléphones : "</strong>
                    "le portail s'affiche dès 360 pixels de large ; le menu se replie alors derrière un "
                    "bouton « Menu »."
                </li>
                <li>
                    <strong>"Mots de passe : "</strong>
                    "les champs permettent le collage et le remplissage par le gestionnaire de mots de passe "
                    "de votre navigateur ou de votre téléphone."
                </li>
            </ul>
            <h2>"Un problème ?"</h2>
            <p>
                "Si une partie du portail vous reste difficile d'accès, signalez-le à l'administration de "
                "votre école : elle vous aidera à faire la démarche et fera corriger le problème."
            </p>
            <p>{back}</p>
        </Page>
    }
}
