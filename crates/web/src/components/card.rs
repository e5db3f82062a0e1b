//! A card that leads to a section of the portal (home page).

use crate::router::A;
use leptos::prelude::*;

/// A whole-card link: one tab stop, one accessible name (the title), then the description.
#[component]
pub fn NavCard(
    href: &'static str,
    title: &'static str,
    description: &'static str,
) -> impl IntoView {
    view! {
        <li class="card">
            <A href=href>
                <span class="card-title">{title}</span>
                <span class="card-text">{description}</span>
            </A>
        </li>
    }
}
