//! "Mes connexions": the account's live sessions, and ending them.

use leptos::prelude::*;
use tutti_shared::SessionView;

use crate::api;
use crate::components::{FormAlert, Loader, Page, StatusMessage};
use crate::dates::paris_date_time;
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

    // `Some(id)`: that session; `None`: all the others.
    let end = Action::new_local(move |target: &Option<i64>| {
        let target = *target;
        async move {
            failed.set(None);
            done.set(None);
            let answer = match target {
                Some(id) => api::end_session(session, id).await,
                None => api::end_other_sessions(session).await,
            };
            match answer {
                Ok(()) => {
                    done.set(Some(
                        match target {
                            Some(_) => "L'appareil a été déconnecté.",
                            None => "Toutes les autres connexions ont été fermées.",
                        }
                        .to_owned(),
                    ));
                    sessions.retry();
                }
                Err(error) => failed.set(Some(error.to_string())),
            }
        }
    });

    let render = move |mut list: Vec<SessionView>| {
        // This device first, then the others as the server orders them (latest use first).
        list.sort_by_key(|row| !row.current);
        let others = list.iter().filter(|row| !row.current).count();
        let rows = list
            .into_iter()
            .map(|row| {
                let SessionView { id, device, place, last_used_at, current, .. } = row;
                let on_end = move |_| {
                    if current {
                        // This device: a plain logout, which also forgets the token here.
                        leptos::task::spawn_local(async move {
                            let _ = api::logout(session).await;
                            session.sign_out_locally();
                        });
                    } else {
                        end.dispatch(Some(id));
                    }
                };
                view! {
                    <li class="panel session">
                        <p class="session-device">
                            <strong>{device}</strong>
                            {current.then(|| view! { " " <span class="badge">"Cet appareil"</span> })}
                        </p>
                        <p>{place}</p>
                        <p>"Dernière utilisation : " {paris_date_time(last_used_at)}</p>
                        <button
                            type="button"
                            class="button-secondary"
                            disabled=move || end.pending().get()
                            on:click=on_end
                        >
                            "Se déconnecter de cet appareil"
                        </button>
                    </li>
                }
            })
            .collect_view();
        view! {
            <ul class="sessions" aria-label="Connexions ouvertes">{rows}</ul>
            {(others > 0).then(|| view! {
                <button
                    type="button"
                    class="button-primary"
                    disabled=move || end.pending().get()
                    on:click=move |_| { end.dispatch(None); }
                >
                    "Déconnecter toutes les autres connexions"
                </button>
            })}
        }
        .into_any()
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
