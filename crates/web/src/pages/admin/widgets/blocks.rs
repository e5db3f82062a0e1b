//! Small pieces of content the screens assemble: panels, links, messages, headings.

use leptos::prelude::*;

use crate::components::{FormAlert, StatusMessage};

/// A panel with its `<h2>` (named by it for assistive technologies), then `content`. The
/// heading can take the focus, for when an action removes the control that had it.
pub fn section(id: &'static str, title: &'static str, content: Vec<AnyView>) -> AnyView {
    view! {
        <section class="panel" aria-labelledby=id>
            <h2 id=id tabindex="-1">{title}</h2>
            {content}
        </section>
    }
    .into_any()
}

/// Moves the focus to the element with this id once the screen has been updated: where
/// the work continues after a control appears or disappears.
pub fn focus_later(id: impl Into<String>) {
    focus_by_id(id.into());
}

fn focus_by_id(id: String) {
    request_animation_frame(move || {
        let element = document().get_element_by_id(&id).and_then(|element| {
            wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element).ok()
        });
        if let Some(element) = element {
            // Focus only fails on a detached element; nothing to do then.
            let _ = element.focus();
        }
    });
}

/// A link inside the SPA; the router catches clicks on plain anchors.
pub fn link(href: String, text: String) -> AnyView {
    view! { <a href=href>{text}</a> }.into_any()
}

/// A confirmation region (`role="status"`), present even while empty so that screen
/// readers announce what later appears in it.
pub fn status(message: RwSignal<Option<String>>) -> AnyView {
    view! { <StatusMessage message=message /> }.into_any()
}

/// An error region (`role="alert"`), likewise always present.
pub fn alert(message: RwSignal<Option<String>>) -> AnyView {
    view! { <FormAlert message=message /> }.into_any()
}

/// The introduction under a page's title.
pub fn lead(text: String) -> AnyView {
    view! { <p class="lead">{text}</p> }.into_any()
}

/// A paragraph holding one link ("Retour à la liste des familles").
pub fn link_line(href: &str, text: &str) -> AnyView {
    view! { <p>{link(href.to_owned(), text.to_owned())}</p> }.into_any()
}

/// A small `<h3>` inside a section.
pub fn subheading(text: &'static str) -> AnyView {
    view! { <h3>{text}</h3> }.into_any()
}

/// A paragraph of help under a heading.
pub fn hint(text: &'static str) -> AnyView {
    view! { <p class="field-hint">{text}</p> }.into_any()
}
