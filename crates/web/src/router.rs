//! The app's router: the address as signals, in-app links followed without a reload,
//! Back and Forward.
//!
//! Hand-written rather than leptos_router: the app needs a dozen fixed addresses, one
//! match on the path (app.rs) and plain links, and leptos_router's generic route
//! machinery cost about 20 kB of the families' 300 kB compressed budget.
//!
//! One click listener on the document follows same-origin `<a href>` clicks through the
//! History API; the browser keeps every other click (new tab, modifier keys, `download`,
//! `target`, `rel="external"`, another origin).

use leptos::prelude::*;
use wasm_bindgen::JsCast as _;
use wasm_bindgen::closure::Closure;

thread_local! {
    /// The one router of the page (the browser runs us on one thread).
    static ROUTER: std::cell::Cell<Option<Location>> = const { std::cell::Cell::new(None) };
}

/// The address the app shows: path and query string (with its `?`, or empty).
#[derive(Clone, Copy)]
pub struct Location {
    /// `/eleves/12/cours`.
    pub path: RwSignal<String>,
    /// `?famille=12`, or empty.
    pub query: RwSignal<String>,
}

impl Location {
    /// Starts the router: reads the address, follows Back and Forward and in-app links.
    pub fn provide() -> Self {
        let location = Location {
            path: RwSignal::new(String::new()),
            query: RwSignal::new(String::new()),
        };
        location.sync();
        ROUTER.with(|router| router.set(Some(location)));
        let on_pop = Closure::<dyn Fn()>::new(move || location.sync());
        let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |event| follow(&event));
        let _ =
            window().add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
        let _ =
            document().add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
        // Both live as long as the page.
        on_pop.forget();
        on_click.forget();
        location
    }

    /// The router of the app (started by [`Location::provide`] in `App`, or here).
    pub fn expect() -> Self {
        ROUTER
            .with(std::cell::Cell::get)
            .unwrap_or_else(Location::provide)
    }

    /// Copies the browser's address into the signals (each only when it changed).
    fn sync(self) {
        let address = window().location();
        let path = address.pathname().unwrap_or_default();
        let query = address.search().unwrap_or_default();
        if self.path.with_untracked(|current| *current != path) {
            self.path.set(path);
        }
        if self.query.with_untracked(|current| *current != query) {
            self.query.set(query);
        }
    }

    /// Reactive: the value of a query parameter, e.g. `famille` in `?famille=12`.
    #[cfg_attr(
        not(feature = "admin"),
        expect(dead_code, reason = "only the administration reads query parameters")
    )]
    pub fn query_value(self, name: &str) -> Option<String> {
        let query = self.query.get();
        web_sys::UrlSearchParams::new_with_str(&query)
            .ok()
            .and_then(|params| params.get(name))
    }
}

/// Goes to `address` (`/path?query#hash`) as a new history entry, at the top of the page.
pub fn navigate(address: &str) {
    go(address, false, true);
}

/// Goes to `address` as a new history entry without scrolling: a list's filters, kept in
/// the address so that a reload or Back shows the same list.
#[cfg(feature = "admin")]
pub fn navigate_here(address: &str) {
    go(address, false, false);
}

/// Goes to `address` in place of the current history entry (a redirect).
pub fn redirect(address: &str) {
    go(address, true, true);
}

fn go(address: &str, replace: bool, to_top: bool) {
    let Ok(history) = window().history() else {
        return;
    };
    let pushed = if replace {
        history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(address))
    } else {
        history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(address))
    };
    if pushed.is_err() {
        // Not ours to show (another origin, a malformed address): let the browser load it.
        let _ = window().location().set_href(address);
        return;
    }
    // Not a context lookup: redirects also run from callbacks outside any reactive owner.
    if let Some(location) = ROUTER.with(std::cell::Cell::get) {
        location.sync();
    }
    if to_top {
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Follows an in-app link's click without reloading the page, when the browser would
/// otherwise load one of our own addresses in this tab.
fn follow(event: &web_sys::MouseEvent) {
    if event.default_prevented()
        || event.button() != 0
        || event.meta_key()
        || event.ctrl_key()
        || event.shift_key()
        || event.alt_key()
    {
        return;
    }
    let Some(anchor) = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .and_then(|element| element.closest("a[href]").ok().flatten())
    else {
        return;
    };
    let leaves_the_app = anchor.has_attribute("download")
        || anchor
            .get_attribute("rel")
            .is_some_and(|rel| rel.split_whitespace().any(|word| word == "external"))
        || anchor
            .get_attribute("target")
            .is_some_and(|target| !target.is_empty() && target != "_self");
    let Ok(anchor) = anchor.dyn_into::<web_sys::HtmlAnchorElement>() else {
        return;
    };
    let here = window().location();
    if leaves_the_app || anchor.origin() != here.origin().unwrap_or_default() {
        return;
    }
    let (path, query, hash) = (anchor.pathname(), anchor.search(), anchor.hash());
    // A link to a place in this very page: the browser scrolls there by itself.
    if !hash.is_empty()
        && here.pathname().is_ok_and(|current| current == path)
        && here.search().is_ok_and(|current| current == query)
    {
        return;
    }
    event.prevent_default();
    go(
        &format!("{path}{query}{hash}"),
        false,
        !anchor.has_attribute("data-noscroll"),
    );
}

/// Whether a link to `href` is the current page: the same path when `exact`, else the
/// path or any address below it (`/eleves` for `/eleves/12/cours`).
pub fn is_current(path: &str, href: &str, exact: bool) -> bool {
    let href = href.split(['?', '#']).next().unwrap_or(href);
    let href = if href.len() > 1 {
        href.trim_end_matches('/')
    } else {
        href
    };
    let path = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    if exact || href == "/" {
        return path == href;
    }
    path.strip_prefix(href)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// An in-app link; `aria-current="page"` when it leads to the current page.
#[component]
pub fn A(
    /// The address: `/eleves`, or a signal of one.
    #[prop(into)]
    href: Signal<String>,
    /// Current only on this very path (`/`), not below it.
    #[prop(optional)]
    exact: bool,
    children: Children,
) -> impl IntoView {
    let location = Location::expect();
    let current = move || {
        let path = location.path.read();
        href.with(|href| is_current(&path, href, exact))
            .then_some("page")
    };
    view! { <a href=href aria-current=current>{children()}</a> }
}

#[cfg(test)]
mod tests {
    use super::is_current;

    #[test]
    fn a_link_is_current_on_its_path_and_below_it_unless_exact() {
        assert!(is_current("/eleves/12/cours", "/eleves", false));
        assert!(is_current("/eleves", "/eleves", false));
        assert!(!is_current("/elevesx", "/eleves", false));
        assert!(!is_current("/eleves/12", "/eleves", true));
        assert!(is_current("/", "/", false));
        assert!(!is_current("/famille", "/", false));
        assert!(is_current("/admin/", "/admin", true));
        assert!(is_current(
            "/admin/familles",
            "/admin/familles?page=2",
            false
        ));
    }
}
