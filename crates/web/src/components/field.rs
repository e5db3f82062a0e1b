//! Labelled form fields that carry their own error message.
//!
//! Every field has a `<label for>` bound to its id, and when it is in error it says so
//! twice for assistive technologies: `aria-invalid="true"` and `aria-describedby` pointing
//! at the message (and at the hint, when there is one).

use leptos::prelude::*;
use tutti_shared::SiteSummary;

use crate::api;
use crate::components::Loader;
use crate::i18n;

/// The ids `aria-describedby` should list: the hint's, then the error's when shown.
fn described_by(hint_id: Option<&str>, error_id: Option<&str>) -> Option<String> {
    let ids: Vec<&str> = hint_id.into_iter().chain(error_id).collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A text, email or password input with its label, optional hint and error message.
#[component]
pub fn TextField(
    /// The input's id and name; by convention the API's field name, so that server
    /// messages land on the right field.
    id: &'static str,
    /// The visible label.
    label: &'static str,
    /// The value, bound both ways.
    value: RwSignal<String>,
    /// The message beside the field, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// The `autocomplete` token, so password managers and phones fill the right thing.
    autocomplete: &'static str,
    /// The input type.
    #[prop(default = "text")]
    kind: &'static str,
    /// Guidance shown under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
) -> impl IntoView {
    let hint_id = hint.map(|_| format!("{id}-aide"));
    let error_id = format!("{id}-erreur");
    let describedby = {
        let hint_id = hint_id.clone();
        let error_id = error_id.clone();
        move || {
            let shown_error = error.with(Option::is_some).then_some(error_id.as_str());
            described_by(hint_id.as_deref(), shown_error)
        }
    };
    // Email addresses and identifiants are case- and spelling-sensitive: phones must not
    // "correct" them.
    let verbatim = kind != "password";
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint_id.map(|hint_id| view! { <p class="field-hint" id=hint_id>{hint}</p> })}
            <input
                id=id
                name=id
                type=kind
                autocomplete=autocomplete
                autocapitalize=verbatim.then_some("none")
                spellcheck=verbatim.then_some("false")
                required
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=describedby
                bind:value=value
            />
            {move || {
                let error_id = error_id.clone();
                error.get().map(|message| view! { <p class="field-error" id=error_id>{message}</p> })
            }}
        </div>
    }
}

/// The "Site" choice of the login and reset forms, loaded from `GET /api/v1/sites`.
///
/// With a single site it is chosen already (most schools have one); with several, the
/// family picks theirs. A failed load explains itself in French and offers a retry.
#[component]
pub fn SiteField(
    /// The chosen site's slug.
    selected: RwSignal<String>,
    /// The message beside the field, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    // The app's light `Loader` rather than `LocalResource`, whose machinery would be in
    // the wasm for this one list (the login page is what every phone loads first).
    let sites = Loader::new(api::list_sites);
    Effect::new(move || {
        let only_site = sites.with(|sites| match sites {
            Some(Ok(sites)) if sites.len() == 1 => sites.first().map(|site| site.slug.clone()),
            _ => None,
        });
        if let Some(slug) = only_site
            && selected.with_untracked(String::is_empty)
        {
            selected.set(slug);
        }
    });
    let describedby = move || error.with(Option::is_some).then_some("site-erreur");
    let options = move |sites: Vec<SiteSummary>| {
        let placeholder = (sites.len() != 1).then(|| {
            view! { <option value="" selected=move || selected.with(String::is_empty)>"Choisissez un site"</option> }
        });
        let choices = sites
            .into_iter()
            .map(|site| {
                let slug = site.slug.clone();
                view! {
                    <option value=site.slug selected=move || selected.with(|chosen| *chosen == slug)>
                        {site.name}
                    </option>
                }
            })
            .collect_view();
        view! { {placeholder} {choices} }
    };
    let loaded = move || sites.with(|sites| matches!(sites, Some(Ok(_))));
    let listed = move || sites.with(|sites| sites.cloned());
    view! {
        <div class="field">
            <label for="site">"Site"</label>
            // The select is always there, disabled until the list arrives, so that the
            // label keeps its control whatever happens to the request.
            <select
                id="site"
                name="site"
                required
                disabled=move || !loaded()
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=describedby
                on:change=move |event| selected.set(event_target_value(&event))
            >
                {move || match listed() {
                    None => view! { <option value="">{i18n::LOADING}</option> }.into_any(),
                    Some(Ok(list)) => options(list).into_any(),
                    Some(Err(_)) => view! { <option value="">"Liste indisponible"</option> }.into_any(),
                }}
            </select>
            {move || {
                listed()
                    .and_then(Result::err)
                    .map(|load_error| {
                        view! {
                            <div class="load-error" role="alert">
                                <p>"Impossible de charger la liste des sites. " {load_error.to_string()}</p>
                                <button type="button" class="button-secondary" on:click=move |_| sites.retry()>
                                    "Réessayer"
                                </button>
                            </div>
                        }
                    })
            }}
            {move || error.get().map(|message| view! { <p class="field-error" id="site-erreur">{message}</p> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::described_by;

    #[test]
    fn aria_describedby_lists_hint_then_error() {
        assert_eq!(described_by(None, None), None);
        assert_eq!(
            described_by(Some("a-aide"), None).as_deref(),
            Some("a-aide")
        );
        assert_eq!(
            described_by(Some("a-aide"), Some("a-erreur")).as_deref(),
            Some("a-aide a-erreur")
        );
    }
}
