//! What the forms need of Leptos' `Action`: a flag while a request runs, and a way to
//! start it. `Action` keeps its input and output in signals of their own, machinery
//! compiled per use (some 4 kB of the families' 300 kB bundle for four forms).

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

/// Whether a request is under way; `Copy`, for event handlers.
#[derive(Clone, Copy)]
pub struct Busy(RwSignal<bool>);

impl Busy {
    /// Not running.
    pub fn new() -> Self {
        Busy(RwSignal::new(false))
    }

    /// Reactive: whether a request is under way.
    pub fn get(self) -> bool {
        self.0.get()
    }

    /// Not reactive: whether a request is under way (to ignore a second submit).
    pub fn running(self) -> bool {
        self.0.get_untracked()
    }

    /// Runs `work`, flagged until it ends (also when the page is gone by then).
    pub fn run(self, work: impl Future<Output = ()> + 'static) {
        self.0.set(true);
        spawn_local(async move {
            work.await;
            let _ = self.0.try_set(false);
        });
    }
}
