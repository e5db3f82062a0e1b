//! The page the reset email links to: `/mot-de-passe/nouveau#token=...`.

use crate::router::A;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use tutti_shared::PasswordResetConfirm;

use crate::api;
use crate::components::{FormAlert, Page, StatusMessage, TextField};
use crate::forms::{CONFIRMATION_FIELD, FormState, check_new_password, missing_fields};
use crate::fragment::take_reset_token_from_address_bar;
use crate::i18n;

/// Reads the token once (and wipes it from the address bar), then asks for the new
/// password twice; the policy is checked here with `tutti_shared::Password` first.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = StoredValue::new(take_reset_token_from_address_bar());
    let new_password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let form = FormState::new();
    let done = RwSignal::new(None::<String>);

    let submit = crate::components::Busy::new();
    let send = move |request: PasswordResetConfirm| {
        submit.run(async move {
            match api::confirm_password_reset(&request).await {
                Ok(answer) => done.set(Some(answer.message)),
                Err(error) => form.show_api_error(&error),
            }
        });
    };
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let Some(token) = token.get_value() else {
            return;
        };
        if submit.running() {
            return;
        }
        form.clear();
        let (new_value, confirmation_value) =
            (new_password.get_untracked(), confirmation.get_untracked());
        let missing = missing_fields(&[
            ("new_password", &new_value),
            (CONFIRMATION_FIELD, &confirmation_value),
        ]);
        if !missing.is_empty() {
            form.refuse(i18n::CHECK_THE_FORM, missing);
            return;
        }
        match check_new_password(&new_value, &confirmation_value) {
            Ok(password) => {
                send(PasswordResetConfirm {
                    token,
                    new_password: password.expose().to_owned(),
                });
            }
            Err(errors) => form.refuse(i18n::FIX_THE_FIELDS, errors),
        }
    };

    let form_view = move || {
        view! {
            <form class="panel form" novalidate on:submit=on_submit>
                <FormAlert message=form.alert() />
                <TextField
                    id="new_password"
                    label="Nouveau mot de passe"
                    kind="password"
                    value=new_password
                    error=form.field("new_password")
                    autocomplete="new-password"
                    hint=i18n::PASSWORD_HINT
                />
                <TextField
                    id=CONFIRMATION_FIELD
                    label="Confirmation du nouveau mot de passe"
                    kind="password"
                    value=confirmation
                    error=form.field(CONFIRMATION_FIELD)
                    autocomplete="new-password"
                />
                <button type="submit" class="button-primary">
                    {move || if submit.get() { "Enregistrement…" } else { "Enregistrer le mot de passe" }}
                </button>
            </form>
            <ul class="form-links">
                <li><A href="/mot-de-passe/oubli">"Lien expiré ? Demander un nouveau lien"</A></li>
            </ul>
        }
    };

    view! {
        <Page title="Nouveau mot de passe" heading="Choisir un nouveau mot de passe">
            <StatusMessage message=done>
                <p><A href="/connexion">"Se connecter avec le nouveau mot de passe"</A></p>
            </StatusMessage>
            {move || {
                if done.with(Option::is_some) {
                    return None;
                }
                Some(match token.with_value(Option::is_some) {
                    true => form_view().into_any(),
                    false => view! {
                        <p>"Ce lien n'est pas complet : il manque le code qui vous identifie."</p>
                        <p>
                            "Ouvrez le lien exactement tel qu'il figure dans l'e-mail, ou "
                            <A href="/mot-de-passe/oubli">"demandez un nouveau lien"</A> "."
                        </p>
                    }
                    .into_any(),
                })
            }}
        </Page>
    }
}
