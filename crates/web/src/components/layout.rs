//! The shell around every page: skip link, header with the main menu, `<main>`, footer.

use crate::router::A;
use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use tutti_shared::Role;

use crate::api;
use crate::pages::AdminMenuLinks;
use crate::session::{LOGIN_PATH, Session};

/// Skip link, header, `<main id="contenu">` holding the routed page, footer.
#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let session = Session::expect();
    let site_name = move || session.account().map(|account| account.site.name);
    view! {
        // rel="external" keeps the router's hands off this in-page link: the browser then
        // moves focus into <main> itself, which is the whole point of a skip link.
        <a class="skip-link" href="#contenu" rel="external">"Aller au contenu"</a>
        <header class="site-header">
            <div class="site-header-inner">
                <p class="brand">
                    <span class="brand-name">"Tutti"</span>
                    {move || site_name().map(|name| view! { <span class="brand-site">{name}</span> })}
                </p>
                <MainMenu />
            </div>
        </header>
        <main id="contenu" tabindex="-1">
            {children()}
        </main>
        // The accessibility statement, linked from every page as is customary, out of
        // the menu so that the menu keeps to one line on a desktop screen.
        <footer class="site-footer">
            <p>"Tutti · portail des familles · " <A href="/accessibilite">"Accessibilité"</A></p>
        </footer>
    }
}

/// The legacy portal's menu, by role; nothing before login.
///
/// On narrow screens it folds behind a "Menu" disclosure button (`aria-expanded`); from
/// tablet width up the CSS shows it inline and hides the button.
#[component]
fn MainMenu() -> impl IntoView {
    let session = Session::expect();
    let open = RwSignal::new(false);
    let toggle_ref = NodeRef::<html::Button>::new();
    // Escape folds an open menu and gives the focus back to its button, as disclosure
    // menus are expected to do.
    let close_on_escape = move |event: KeyboardEvent| {
        if event.key() == "Escape" && open.get_untracked() {
            open.set(false);
            if let Some(toggle) = toggle_ref.get_untracked() {
                let _ = toggle.focus();
            }
        }
    };
    let role = move || session.account().map(|account| account.role);
    move || {
        role().map(|role| {
            let links = match role {
                Role::Family => view! {
                    <li><A href="/" exact=true>"Accueil"</A></li>
                    <li><A href="/famille">"Famille"</A></li>
                    <li><A href="/eleves">"Élèves"</A></li>
                    <li><A href="/documents">"Documents"</A></li>
                    <li><A href="/facturation">"Facturation"</A></li>
                }
                .into_any(),
                // Staff and teachers get different entries; the admin module knows which.
                Role::Staff | Role::Teacher => view! { <AdminMenuLinks role=role /> }.into_any(),
            };
            view! {
                <nav class="main-menu" aria-label="Menu principal" on:keydown=close_on_escape>
                    <button
                        type="button"
                        class="menu-toggle"
                        node_ref=toggle_ref
                        aria-expanded=move || if open.get() { "true" } else { "false" }
                        aria-controls="menu-principal"
                        on:click=move |_| open.update(|open| *open = !*open)
                    >
                        "Menu"
                    </button>
                    // Any click inside (a followed link, Déconnexion) has done its job: fold.
                    <ul id="menu-principal" class:is-open=move || open.get() on:click=move |_| open.set(false)>
                        {links}
                        <li><A href="/mot-de-passe" exact=true>"Mot de passe"</A></li>
                        <li><A href="/connexions">"Connexions"</A></li>
                        <li><LogoutButton /></li>
                    </ul>
                </nav>
            }
        })
    }
}

/// "Déconnexion": ends the session on the server, forgets the token, back to login.
#[component]
fn LogoutButton() -> impl IntoView {
    let session = Session::expect();
    let logout = move |_| {
        leptos::task::spawn_local(async move {
            // Whatever the server says (already expired, offline), this browser forgets the
            // session: leaving must always work.
            let _ = api::logout(session).await;
            session.sign_out_locally();
            crate::router::navigate(LOGIN_PATH);
        });
    };
    view! {
        <button type="button" class="menu-button" on:click=logout>
            "Déconnexion"
        </button>
    }
}
