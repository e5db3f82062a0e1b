//! "Connexion": site, identifiant, mot de passe (step 1 of the legacy guide).

use crate::router::A;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use tutti_shared::LoginRequest;

use crate::api;
use crate::components::{FormAlert, Page, SiteField, TextField};
use crate::forms::{FormState, missing_fields};
use crate::i18n;
use crate::session::Session;

/// The login page; a logged-in visitor (just now, or restored) goes to their home.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = Session::expect();
    let site = RwSignal::new(String::new());
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    if session.take_expired() {
        form.refuse(i18n::SESSION_EXPIRED, Default::default());
    }

    let submit = crate::components::Busy::new();
    let send = move |request: LoginRequest| {
        submit.run(async move {
            match api::login(&request).await {
                Ok(response) => session.sign_in(response),
                Err(error) => form.show_api_error(&error),
            }
        });
    };
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if submit.running() {
            return;
        }
        form.clear();
        let request = LoginRequest {
            site: site.get_untracked(),
            login: login.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        };
        let missing = missing_fields(&[
            ("site", &request.site),
            ("login", &request.login),
            ("password", &request.password),
        ]);
        if !missing.is_empty() {
            form.refuse(i18n::CHECK_THE_FORM, missing);
            return;
        }
        send(request);
    };

    view! {
        <Page title="Connexion">
            <p class="lead">"Portail des familles de votre école de musique et de danse."</p>
            <form class="panel form" novalidate on:submit=on_submit>
                <FormAlert message=form.alert() />
                <SiteField selected=site error=form.field("site") />
                <TextField id="login" label="Identifiant" value=login error=form.field("login") autocomplete="username" />
                <TextField
                    id="password"
                    label="Mot de passe"
                    kind="password"
                    value=password
                    error=form.field("password")
                    autocomplete="current-password"
                />
                <button type="submit" class="button-primary">
                    {move || if submit.get() { "Connexion en cours…" } else { "Se connecter" }}
                </button>
            </form>
            <ul class="form-links">
                <li><A href="/mot-de-passe/oubli">"Générer un nouveau mot de passe"</A></li>
                <li><A href="/accessibilite">"Aide - Accessibilité"</A></li>
            </ul>
        </Page>
    }
}
