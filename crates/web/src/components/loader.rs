//! Reads that a page shows: "Chargement…", then the data, or the failure with a retry.
//!
//! Deliberately lighter than `LocalResource` + `<Transition>`: those are instantiated per
//! data type, and the family pages read five kinds of data. A signal filled by a spawned
//! future does the same job here for a fraction of the wasm (the app has a 300 kB
//! compressed budget).

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::components::Loading;

/// A read in progress (`None`), failed or done, and how to run it again.
pub struct Loader<T: Send + Sync + 'static> {
    state: RwSignal<Option<Result<T, ApiError>>>,
    retry: Callback<()>,
}

impl<T: Send + Sync + 'static> Clone for Loader<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Loader<T> {}

impl<T: Clone + Send + Sync + 'static> Loader<T> {
    /// Starts the read at once.
    pub fn new<Fut>(fetch: impl Fn() -> Fut + Send + Sync + 'static) -> Self
    where
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        let state = RwSignal::new(None);
        let retry = Callback::new(move |()| {
            state.set(None);
            let read = fetch();
            // The page may be gone when the answer comes: then there is nobody to tell.
            spawn_local(async move {
                let _ = state.try_set(Some(read.await));
            });
        });
        retry.run(());
        Self { state, retry }
    }

    /// Reactive: the state of the read, `None` while it runs.
    pub fn with<R>(&self, read: impl FnOnce(Option<&Result<T, ApiError>>) -> R) -> R {
        self.state.with(|state| read(state.as_ref()))
    }

    /// Runs the read again.
    pub fn retry(&self) {
        self.retry.run(());
    }

    /// "Chargement…" while the read runs, then `render(data)`, or on failure the error
    /// with "Réessayer". `what` completes "Impossible de charger …".
    pub fn view(
        self,
        what: &'static str,
        render: impl Fn(T) -> AnyView + Send + 'static,
    ) -> impl IntoView {
        move || match self.state.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Ok(data)) => render(data),
            Some(Err(error)) => failure(what, &error, self.retry),
        }
    }
}

/// The failure and its "Réessayer" button, announced as an alert; kept out of the generic
/// code so that it exists once in the wasm.
fn failure(what: &'static str, error: &ApiError, retry: Callback<()>) -> AnyView {
    view! {
        <div class="load-error" role="alert">
            <p>"Impossible de charger " {what} ". " {error.to_string()}</p>
            <button type="button" class="button-secondary" on:click=move |_| retry.run(())>
                "Réessayer"
            </button>
        </div>
    }
    .into_any()
}
