//! Buttons with more to them than a click.

use leptos::html;
use leptos::prelude::*;

/// A button for an action that cannot be undone (remove a student from a class): the
/// first press asks "Confirmer" beside "Annuler", the second acts. Focus moves to the
/// confirmation and back, so keyboard users never lose their place.
pub fn confirm_button(label: &'static str, target: String, on_confirm: Callback<()>) -> AnyView {
    let asking = RwSignal::new(false);
    let first_ref = NodeRef::<html::Button>::new();
    let confirm_ref = NodeRef::<html::Button>::new();
    let switch = move |ask: bool| {
        asking.set(ask);
        let node = if ask { confirm_ref } else { first_ref };
        request_animation_frame(move || {
            if let Some(button) = node.get_untracked() {
                // Focus only fails on a detached element; nothing to do then.
                let _ = button.focus();
            }
        });
    };
    view! {
        <span class="confirm">
            <button type="button" class="button-secondary" node_ref=first_ref hidden=move || asking.get() on:click=move |_| switch(true)>
                {label}
                <span class="visually-hidden">" : " {target.clone()}</span>
            </button>
            <span class="confirm-ask" hidden=move || !asking.get()>
                <button
                    type="button"
                    class="button-danger"
                    node_ref=confirm_ref
                    on:click=move |_| {
                        asking.set(false);
                        on_confirm.run(());
                    }
                >
                    "Confirmer"
                    <span class="visually-hidden">" : " {label} " " {target}</span>
                </button>
                <button type="button" class="button-secondary" on:click=move |_| switch(false)>"Annuler"</button>
            </span>
        </span>
    }
    .into_any()
}
