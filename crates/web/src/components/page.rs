//! The frame of every page: the document title, the one `<h1>`, and focus after navigation.

use std::cell::Cell;

use leptos::html;
use leptos::prelude::*;

use crate::i18n;

thread_local! {
    /// Whether a page was shown already: the first one keeps the browser's natural focus,
    /// later ones (client-side navigations) take it to their heading.
    static A_PAGE_WAS_SHOWN: Cell<bool> = const { Cell::new(false) };
}

/// A page: sets `<title>`, renders the single `<h1>`, then the content.
///
/// A single-page app does not reload on navigation, so screen readers would not notice the
/// change: after a client-side navigation the heading takes the focus, which announces the
/// new page and puts keyboard users at its top.
#[component]
pub fn Page(
    /// The document title, before " · Tutti".
    title: &'static str,
    /// The `<h1>`, when it differs from the title (e.g. "Bonjour Claire Martin").
    #[prop(optional, into)]
    heading: Option<Signal<String>>,
    children: Children,
) -> impl IntoView {
    document().set_title(&format!("{title} · {}", i18n::APP_NAME));
    let heading_ref = NodeRef::<html::H1>::new();
    if A_PAGE_WAS_SHOWN.with(|shown| shown.replace(true)) {
        request_animation_frame(move || {
            if let Some(heading) = heading_ref.get_untracked() {
                // Focus can only fail on a detached element; nothing to do then.
                let _ = heading.focus();
            }
        });
    }
    let heading_text = move || match heading {
        Some(heading) => heading.get(),
        None => title.to_owned(),
    };
    view! {
        <div class="page">
            <h1 tabindex="-1" node_ref=heading_ref>{heading_text}</h1>
            {children()}
        </div>
    }
}

/// What a protected page shows while the session is being restored.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">{i18n::LOADING}</p> }
}
