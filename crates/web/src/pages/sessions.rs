//! "Mes connexions": the account's live sessions, and ending them.

use leptos::prelude::*;
use tutti_shared::SessionView;

use crate::api;
use crate::components::{FormAlert, Loader, Page, StatusMessage};
use crate::dates::paris_date_time;
use crate::html::escape;
use crate::session::Session;

/// Lists where the account is signed in (device, network, last use; this device first
/// marked), with "Se déconnecter de cet appareil" on each and "Déconnecter toutes les
/// autres connexions". Ending this device's own session signs out here too.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let session = Session::expect();
    let sessions = Loader::new(move || api::list_sessions(session));
    let done = RwSignal::new(None::<String>);
    let failed = RwSignal::new(None::<String>);

    let busy = StoredValue::new(false);
    // `Some(id)`: that session; `None`: all the others.
    let end = move |target: Option<i64>| {
        if busy.get_value() {
            return;
        }
        busy.set_value(true);
        failed.set(None);
        done.set(None);
        leptos::task::spawn_local(async move {
            let answer = match target {
                Some(id) => api::end_session(session, id).await,
                None => api::end_other_sessions(session).await,
            };
            match answer {
                Ok(()) => {
                    let _ = done.try_set(Some(
                        match target {
                            Some(_) => "L'appareil a été déconnecté.",
                            None => "Toutes les autres connexions ont été fermées.",
                        }
                        .to_owned(),
                    ));
                    sessions.retry();
                }
                Err(error) => {
                    let _ = failed.try_set(Some(error.to_string()));
                }
            }
            busy.set_value(false);
        });
    };
    // One handler for every button of the list, by its `data-end`.
    let on_click = move |event: web_sys::MouseEvent| {
        use wasm_bindgen::JsCast as _;
        let target = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("[data-end]").ok().flatten())
            .and_then(|button| button.get_attribute("data-end"));
        match target.as_deref() {
            // This device: a plain logout, which also forgets the token here.
            Some("current") => leptos::task::spawn_local(async move {
                let _ = api::logout(session).await;
                session.sign_out_locally();
            }),
            Some("others") => end(None),
            Some(id) => {
                if let Ok(id) = id.parse() {
                    end(Some(id));
                }
            }
            None => {}
        }
    };
    let render = move |list: Vec<SessionView>| {
        view! { <div on:click=on_click inner_html=sessions_html(list)></div> }.into_any()
    };

    view! {
        <Page title="Mes connexions" heading="Mes connexions">
            <p class="lead">
                "Les appareils sur lesquels votre compte est connecté. Si vous n'en reconnaissez pas un, "
                "déconnectez-le puis changez votre mot de passe."
            </p>
            <StatusMessage message=done />
            <FormAlert message=failed />
            {sessions.view("vos connexions", render)}
        </Page>
    }
}

/// The sessions as text (this device first, then the others as the server orders them,
/// latest use first), each with its button, and the button ending all the others.
fn sessions_html(mut list: Vec<SessionView>) -> String {
    list.sort_by_key(|row| !row.current);
    let others = list.iter().filter(|row| !row.current).count();
    let mut html = String::from("<ul class=\"sessions\" aria-label=\"Connexions ouvertes\">");
    for row in list {
        let badge = if row.current {
            " <span class=\"badge\">Cet appareil</span>"
        } else {
            ""
        };
        let target = if row.current {
            "current".to_owned()
        } else {
            row.id.to_string()
        };
        html.push_str(&format!(
            "<li class=\"panel session\"><p class=\"session-device\"><strong>{}</strong>{badge}</p>\
             <p>{}</p><p>Dernière utilisation : {}</p>\
             <button type=\"button\" class=\"button-secondary\" data-end=\"{target}\">Se déconnecter de \
             cet appareil</button></li>",
            escape(&row.device),
            escape(&row.place),
            paris_date_time(row.last_used_at)
        ));
    }
    html.push_str("</ul>");
    if others > 0 {
        html.push_str(
            "<button type=\"button\" class=\"button-primary\" data-end=\"others\">Déconnecter toutes \
             les autres connexions</button>",
        );
    }
    html
}
