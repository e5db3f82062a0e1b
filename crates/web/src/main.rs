//! Tutti's single-page app: the family portal and the staff's administration, in French.
//!
//! Client-side rendered with Leptos and built by Trunk into `dist/`, which the API server
//! serves on the same origin (so the refresh cookie and the API need no CORS).
//! Map: `app` (routes and guards), `session` (who is logged in, in memory only), `api`
//! (every HTTP call), `forms` and `fragment` (pure checks), `components/`, `pages/`.

mod api;
mod app;
mod components;
mod dates;
mod files;
mod forms;
mod fragment;
mod html;
mod i18n;
mod pages;
mod router;
mod session;

fn main() {
    // index.html shows the page's frame and "Chargement du portail…" until now; the app
    // draws the same frame in its place.
    if let Some(notice) = leptos::prelude::document().get_element_by_id("demarrage") {
        notice.remove();
    }
    leptos::mount::mount_to_body(app::App);
}
