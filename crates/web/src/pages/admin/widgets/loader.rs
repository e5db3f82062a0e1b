//! A section loaded from the API, and what it shows once loaded.
//!
//! One loader type for every list of the administration: the data is captured in the
//! rendering function, so Leptos builds the loading machinery once rather than per data
//! type (the SPA has a compressed size budget).

use std::rc::Rc;

use futures::future::LocalBoxFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::components::Loading;

/// What a loaded section shows: its data is captured in the function, so one signal type
/// serves every list whatever its data.
pub type Render = Rc<dyn Fn() -> AnyView>;

/// A request that ends in something to show.
pub type Fetch = LocalBoxFuture<'static, Result<Render, ApiError>>;

/// Wraps a rendering function.
pub fn render(view: impl Fn() -> AnyView + 'static) -> Render {
    Rc::new(view)
}

/// A section loaded from the API: "Chargement…", then its view, or its error with
/// "Réessayer". Reloads
/// when a signal read by `fetch` (before its first `.await`) changes, or on
/// [`Loader::reload`]; the previous view stays until the new one arrives, and an answer
/// overtaken by a later request is dropped.
///
/// Stands in for `LocalResource`, which builds its machinery once per data type: with a
/// dozen lists, that alone weighed tens of kilobytes.
#[derive(Clone, Copy)]
pub struct Loader {
    state: RwSignal<Option<Result<Render, ApiError>>, LocalStorage>,
    reloads: RwSignal<u32>,
}

impl Loader {
    /// Starts loading (on the next tick) and reloads as described above.
    pub fn new(fetch: impl Fn() -> Fetch + 'static) -> Self {
        Self::start(Rc::new(fetch))
    }

    /// A section drawn from the page's own state rather than loaded: at once, and again
    /// whenever a signal that `draw` reads changes (the view tracks what it reads). It
    /// shares the loaders' drawing code instead of building its own.
    pub fn drawn(draw: impl Fn() -> AnyView + 'static) -> Self {
        Self {
            state: RwSignal::new_local(Some(Ok(render(draw)))),
            reloads: RwSignal::new(0),
        }
    }

    fn start(fetch: Rc<dyn Fn() -> Fetch>) -> Self {
        let loader = Self {
            state: RwSignal::new_local(None),
            reloads: RwSignal::new(0),
        };
        let generation = StoredValue::new(0_u32);
        Effect::new(move || {
            loader.reloads.track();
            let request = fetch();
            let this_request = generation.get_value().wrapping_add(1);
            generation.set_value(this_request);
            spawn_local(async move {
                let result = request.await;
                // The page may be gone, or a newer request under way: then drop this one.
                if generation.try_get_value() == Some(this_request) {
                    loader.state.set(Some(result));
                }
            });
        });
        loader
    }

    /// Loads again (after a change made on the page).
    pub fn reload(self) {
        self.reloads.update(|count| *count = count.wrapping_add(1));
    }

    /// The section's view: "Chargement…", its error, or its content.
    pub fn view(self) -> impl Fn() -> AnyView + Send + Sync + Copy + 'static {
        self.view_with(true)
    }

    /// The content only: nothing while loading or after a failure (for extras such as
    /// the menu's counter, which must never say "Chargement…").
    pub fn quiet(self) -> impl Fn() -> AnyView + Send + Sync + Copy + 'static {
        self.view_with(false)
    }

    fn view_with(
        self,
        say_what_happens: bool,
    ) -> impl Fn() -> AnyView + Send + Sync + Copy + 'static {
        move || match self.state.get() {
            Some(Ok(render)) => render(),
            _ if !say_what_happens => ().into_any(),
            None => view! { <Loading /> }.into_any(),
            Some(Err(error)) => self.failure(&error),
        }
    }

    /// A failed load, announced, with "Réessayer".
    fn failure(self, error: &ApiError) -> AnyView {
        view! {
            <div class="load-error" role="alert">
                <p>{error.to_string()}</p>
                <button type="button" class="button-secondary" on:click=move |_| self.reload()>"Réessayer"</button>
            </div>
        }
        .into_any()
    }
}
