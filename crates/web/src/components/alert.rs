//! Live regions: errors and confirmations that screen readers announce by themselves.

use leptos::prelude::*;

/// The error summary of a form (`role="alert"`).
///
/// The region stays in the page even when empty, because screen readers only announce
/// changes to live regions they already know about.
#[component]
pub fn FormAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="form-alert" role="alert">
            {move || message.get().map(|message| view! { <p>{message}</p> })}
        </div>
    }
}

/// A confirmation (`role="status"`, announced politely), e.g. "mot de passe modifié".
#[component]
pub fn StatusMessage(
    #[prop(into)] message: Signal<Option<String>>,
    /// Shown after the message, e.g. a link to the next step.
    #[prop(optional)]
    children: Option<ChildrenFn>,
) -> impl IntoView {
    view! {
        <div class="status-message" role="status">
            {move || {
                message
                    .get()
                    .map(|message| {
                        view! {
                            <p>{message}</p>
                            {children.clone().map(|children| children())}
                        }
                    })
            }}
        </div>
    }
}
