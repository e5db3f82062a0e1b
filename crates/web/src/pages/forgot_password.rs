//! "Générer un nouveau mot de passe": asks for a single-use link by email.
//!
//! The legacy portal emailed a new password; Tutti keeps the screen but sends a link. The
//! answer is the same whether or not the identifiant and email matched, so this page shows
//! whatever neutral message the server returns and never hints at which case it was.

use crate::router::A;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use tutti_shared::PasswordResetRequest;

use crate::api;
use crate::components::{FormAlert, Page, SiteField, StatusMessage, TextField};
use crate::forms::{FormState, email_error, missing_fields};
use crate::i18n;

/// The request form, replaced by the server's neutral message once sent.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let site = RwSignal::new(String::new());
    let login = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let form = FormState::new();
    let sent = RwSignal::new(None::<String>);

    let submit = crate::components::Busy::new();
    let send = move |request: PasswordResetRequest| {
        submit.run(async move {
            match api::request_password_reset(&request).await {
                Ok(answer) => sent.set(Some(answer.message)),
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
        let request = PasswordResetRequest {
            site: site.get_untracked(),
            login: login.get_untracked().trim().to_owned(),
            email: email.get_untracked().trim().to_owned(),
        };
        let missing = missing_fields(&[
            ("site", &request.site),
            ("login", &request.login),
            ("email", &request.email),
        ]);
        if !missing.is_empty() {
            form.refuse(i18n::CHECK_THE_FORM, missing);
            return;
        }
        let bad_email = email_error("email", &request.email);
        if !bad_email.is_empty() {
            form.refuse(i18n::FIX_THE_FIELDS, bad_email);
            return;
        }
        send(request);
    };

    view! {
        <Page title="Mot de passe oublié" heading="Générer un nouveau mot de passe">
            <StatusMessage message=sent>
                <p>"Pensez à regarder dans vos courriers indésirables si le message tarde."</p>
                <p><A href="/connexion">"Retour à la connexion"</A></p>
            </StatusMessage>
            <Show when=move || sent.with(Option::is_none)>
                <p class="lead">
                    "Pour votre première connexion ou si vous avez perdu votre mot de passe, saisissez votre "
                    "identifiant et l'adresse e-mail que vous avez transmise à l'école. Vous recevrez un lien "
                    "pour choisir un nouveau mot de passe ; il reste valable 30 minutes. Votre mot de passe "
                    "actuel reste valable tant que le lien n'est pas utilisé."
                </p>
                <form class="panel form" novalidate on:submit=on_submit>
                    <FormAlert message=form.alert() />
                    <SiteField selected=site error=form.field("site") />
                    <TextField id="login" label="Identifiant" value=login error=form.field("login") autocomplete="username" />
                    <TextField
                        id="email"
                        label="E-mail"
                        kind="email"
                        value=email
                        error=form.field("email")
                        autocomplete="email"
                    />
                    <button type="submit" class="button-primary">
                        {move || if submit.get() { "Envoi en cours…" } else { "Générer un nouveau mot de passe" }}
                    </button>
                </form>
                <ul class="form-links">
                    <li><A href="/connexion">"Retour à la connexion"</A></li>
                </ul>
            </Show>
        </Page>
    }
}
