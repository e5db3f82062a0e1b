//! "Mot de passe": the logged-in account changes its password.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use tutti_shared::ChangePasswordRequest;

use crate::api;
use crate::components::{FormAlert, Page, StatusMessage, TextField};
use crate::forms::{CONFIRMATION_FIELD, FormState, check_new_password, missing_fields};
use crate::i18n;
use crate::session::Session;

/// Current password, new one twice; the new one is checked with `tutti_shared::Password`
/// before sending. The server ends the account's other sessions; this one stays open.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let session = Session::expect();
    let current_password = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let form = FormState::new();
    let done = RwSignal::new(None::<String>);

    let submit = crate::components::Busy::new();
    let send = move |request: ChangePasswordRequest| {
        submit.run(async move {
            match api::change_password(session, &request).await {
                Ok(answer) => {
                    // Passwords should not linger in the page once they served.
                    for field in [current_password, new_password, confirmation] {
                        field.set(String::new());
                    }
                    done.set(Some(answer.message));
                }
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
        done.set(None);
        let current = current_password.get_untracked();
        let (new_value, confirmation_value) =
            (new_password.get_untracked(), confirmation.get_untracked());
        let missing = missing_fields(&[
            ("current_password", &current),
            ("new_password", &new_value),
            (CONFIRMATION_FIELD, &confirmation_value),
        ]);
        if !missing.is_empty() {
            form.refuse(i18n::CHECK_THE_FORM, missing);
            return;
        }
        match check_new_password(&new_value, &confirmation_value) {
            Ok(password) => {
                send(ChangePasswordRequest {
                    current_password: current,
                    new_password: password.expose().to_owned(),
                });
            }
            Err(errors) => form.refuse(i18n::FIX_THE_FIELDS, errors),
        }
    };
    // Lets password managers file the new password under the right identifiant.
    let login = move || {
        session
            .account()
            .map(|account| account.login)
            .unwrap_or_default()
    };

    view! {
        <Page title="Mot de passe" heading="Changer de mot de passe">
            <StatusMessage message=done />
            <form class="panel form" novalidate on:submit=on_submit>
                <FormAlert message=form.alert() />
                <input type="text" name="username" autocomplete="username" value=login readonly hidden />
                <TextField
                    id="current_password"
                    label="Mot de passe actuel"
                    kind="password"
                    value=current_password
                    error=form.field("current_password")
                    autocomplete="current-password"
                />
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
                    {move || if submit.get() { "Enregistrement…" } else { "Changer le mot de passe" }}
                </button>
            </form>
        </Page>
    }
}
