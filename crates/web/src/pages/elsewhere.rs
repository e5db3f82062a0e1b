//! A screen of the other build: the page is loaded again from the server, which answers
//! `/admin` and below with the administration's build and every other address with the
//! families' one. Each build carries only its own screens (the families' bundle has a
//! 300 kB budget, the administration's 450 kB).

use leptos::prelude::*;

use crate::components::Loading;

/// Reloads the current address from the server.
#[component]
pub fn Elsewhere() -> impl IntoView {
    // The browser's own address: the router has already written it there.
    let here = window().location();
    let address = format!(
        "{}{}{}",
        here.pathname().unwrap_or_default(),
        here.search().unwrap_or_default(),
        here.hash().unwrap_or_default()
    );
    // `replace`, not `assign`: the router has already put this address in the history,
    // so Back must not come through it again.
    let _ = window().location().replace(&address);
    view! { <Loading /> }
}
