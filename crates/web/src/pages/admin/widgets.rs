//! The administration's few building blocks, shared by all its screens: a loader, a
//! data table, a pager, a form built from field descriptors, a two-step confirm button,
//! and French dates in Europe/Paris time.
//!
//! Written for size: the SPA must stay under 300 kB compressed, and in Leptos every
//! distinct view type, resource type and component builds its own code. So the back
//! office's plain CRUD screens share these pieces, which are plain functions over erased
//! types (`AnyView`, boxed futures, one loader type for every list) rather than generic
//! components.

use std::rc::Rc;
use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};
use futures::future::LocalBoxFuture;
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::components::{FormAlert, Loading, StatusMessage};
use crate::forms::{FieldErrors, FormState};
use crate::i18n;

// ---------------------------------------------------------------------------------------
// Dates.
// ---------------------------------------------------------------------------------------

/// The last Sunday of a month of 31 days (March and October, where Europe changes clocks).
fn last_sunday_of(year: i32, month: u32) -> Option<NaiveDate> {
    let last_day = NaiveDate::from_ymd_opt(year, month, 31)?;
    Some(last_day - Duration::days(i64::from(last_day.weekday().num_days_from_sunday())))
}

/// Europe/Paris's offset from UTC at a UTC instant: +2 h from the last Sunday of March to
/// the last Sunday of October (both at 01:00 UTC), +1 h otherwise.
///
/// The EU rule written out, rather than a time-zone database in the wasm or a call into
/// the browser's `Intl`: a few lines, testable natively, and right for the years that
/// matter here.
pub fn paris_offset_hours(utc: NaiveDateTime) -> i64 {
    let change = |month| last_sunday_of(utc.year(), month).and_then(|day| day.and_hms_opt(1, 0, 0));
    match (change(3), change(10)) {
        (Some(summer), Some(winter)) if utc >= summer && utc < winter => 2,
        _ => 1,
    }
}

/// A UTC instant as Paris shows it: "29/11/2026 09:14".
pub fn paris_date_time(utc: NaiveDateTime) -> String {
    let local = utc + Duration::hours(paris_offset_hours(utc));
    format!(
        "{} {:02}:{:02}",
        french_date(local.date()),
        local.hour(),
        local.minute()
    )
}

/// A day the French way: "29/11/2026".
pub fn french_date(day: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", day.day(), day.month(), day.year())
}

// ---------------------------------------------------------------------------------------
// Loading.
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// Sections, tables, pages of results.
// ---------------------------------------------------------------------------------------

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
pub fn focus_later(id: &'static str) {
    request_animation_frame(move || {
        let element = document().get_element_by_id(id).and_then(|element| {
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

/// A table with its caption, column headers, and the cell of column `header_column` of
/// each row as the row's header (`<th scope="row">`); `empty` replaces it when no row.
///
/// On phones the CSS turns each row into a card whose cells carry their column's name
/// (`data-label`); the explicit roles keep the table's semantics for browsers that drop
/// them when a table's display changes.
pub fn data_table(
    caption: String,
    empty: &'static str,
    headers: &[&'static str],
    header_column: usize,
    rows: Vec<Vec<AnyView>>,
) -> AnyView {
    if rows.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    let head = headers
        .iter()
        .map(|header| view! { <th scope="col" role="columnheader">{*header}</th> })
        .collect_view();
    let body = rows
        .into_iter()
        .map(|cells| {
            let cells = cells
                .into_iter()
                .enumerate()
                .map(|(index, cell)| {
                    if index == header_column {
                        view! { <th scope="row" role="rowheader">{cell}</th> }.into_any()
                    } else {
                        let label = headers.get(index).copied().unwrap_or_default();
                        view! { <td role="cell" data-label=label>{cell}</td> }.into_any()
                    }
                })
                .collect_view();
            view! { <tr role="row">{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="table-wrap stacked-table">
            <table role="table">
                <caption>{caption}</caption>
                <thead><tr role="row">{head}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// "Page précédente / Page 2 sur 5 / Page suivante", only when there is more than one.
pub fn pager(label: &'static str, current: i64, count: i64, go_to: Callback<i64>) -> AnyView {
    if count <= 1 {
        return ().into_any();
    }
    let button = |text: &'static str, target: i64, disabled: bool| {
        view! {
            <button type="button" class="button-secondary" disabled=disabled on:click=move |_| go_to.run(target)>
                {text}
            </button>
        }
    };
    view! {
        <nav class="pagination" aria-label=label>
            {button("Page précédente", current - 1, current <= 1)}
            <span>{format!("Page {current} sur {count}")}</span>
            {button("Page suivante", current + 1, current >= count)}
        </nav>
    }
    .into_any()
}

/// A search form (`role="search"`): a labelled box and its button; `search` receives the
/// text typed when the form is sent.
pub fn search_box(id: &'static str, label: &'static str, search: Callback<String>) -> AnyView {
    let text = RwSignal::new(String::new());
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        search.run(text.get_untracked());
    };
    view! {
        <form class="search" role="search" on:submit=on_submit>
            <label for=id>{label}</label>
            <div class="search-row">
                <input id=id name="q" type="search" autocomplete="off" bind:value=text />
                <button type="submit" class="button-primary">"Rechercher"</button>
            </div>
        </form>
    }
    .into_any()
}

// ---------------------------------------------------------------------------------------
// Forms built from descriptors.
// ---------------------------------------------------------------------------------------

/// What kind of control a field is.
#[derive(Clone)]
pub enum Kind {
    /// One line of text.
    Text,
    /// A day (`<input type="date">`, `YYYY-MM-DD`).
    Date,
    /// A time of day (`HH:MM`).
    Time,
    /// Several lines of text.
    Area,
    /// A checkbox; its value is "true" or "".
    Check,
    /// A choice among (value, label) pairs; the list may change (e.g. search results).
    Choice(Signal<Vec<(String, String)>>),
}

/// One field of a [`Form`]: its API name (which also names its errors), its label.
#[derive(Clone)]
pub struct Field {
    /// The API's field name.
    pub name: &'static str,
    /// The visible label.
    pub label: &'static str,
    /// The control.
    pub kind: Kind,
    /// Whether it must be filled (the others are labelled "facultatif").
    pub required: bool,
    /// For a choice: the first, empty option's text, or none for a choice always made.
    pub placeholder: Option<&'static str>,
}

impl Field {
    /// A mandatory field (a checkbox is never mandatory).
    pub fn new(name: &'static str, label: &'static str, kind: Kind) -> Self {
        let required = !matches!(kind, Kind::Check);
        Self {
            name,
            label,
            kind,
            required,
            placeholder: Some("Choisir…"),
        }
    }

    /// The same field, optional.
    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    /// The same choice with another empty option ("Toutes les familles"), or none.
    pub fn placeholder(mut self, placeholder: Option<&'static str>) -> Self {
        self.placeholder = placeholder;
        self
    }
}

/// A fixed list of choices, for [`Kind::Choice`].
pub fn choices(pairs: Vec<(String, String)>) -> Kind {
    Kind::Choice(Signal::stored(pairs))
}

/// The values of a form when it is sent, by field name.
#[derive(Debug, Clone, Default)]
pub struct Values(Vec<(&'static str, String)>);

impl Values {
    /// A field's text, trimmed ("" when absent).
    pub fn text(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, value)| value.trim().to_owned())
            .unwrap_or_default()
    }

    /// A field's text, `None` when blank.
    pub fn optional_text(&self, name: &str) -> Option<String> {
        Some(self.text(name)).filter(|text| !text.is_empty())
    }

    /// Whether a checkbox is ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.text(name) == "true"
    }

    /// A number (an id chosen in a list, a weekday), or a message for the field.
    pub fn number(&self, name: &'static str) -> Result<i64, FieldErrors> {
        self.text(name)
            .parse()
            .map_err(|_| field_error(name, i18n::REQUIRED_FIELD))
    }

    /// A day typed in a date field, or a message for the field.
    pub fn date(&self, name: &'static str) -> Result<NaiveDate, FieldErrors> {
        self.text(name)
            .parse()
            .map_err(|_| field_error(name, "Date invalide."))
    }

    /// A day typed in an optional date field: `None` when blank.
    pub fn optional_date(&self, name: &'static str) -> Result<Option<NaiveDate>, FieldErrors> {
        self.optional_text(name)
            .map(|_| self.date(name))
            .transpose()
    }
}

/// One field's message, as the checks of a form return it.
pub fn field_error(name: &str, message: &str) -> FieldErrors {
    FieldErrors::from([(name.to_owned(), message.to_owned())])
}

/// What a form does with its values once the required fields are filled: either refuses
/// some fields at once, or returns the request to send, whose success message is then
/// announced (an empty message announces nothing).
///
/// `Send + Sync` because Leptos views must be; the request itself stays on the browser's
/// one thread.
pub type Submit = Arc<
    dyn Fn(Values) -> Result<LocalBoxFuture<'static, Result<String, ApiError>>, FieldErrors>
        + Send
        + Sync,
>;

/// A form built from a list of fields: labels, "facultatif" marks, error messages bound
/// to their fields (`aria-invalid`, `aria-describedby`), an alert summary, a live
/// confirmation, and a submit button that says when it is busy.
pub struct Form {
    prefix: &'static str,
    fields: Vec<Field>,
    initial: Vec<String>,
    submit_label: &'static str,
    submit: Submit,
    class: &'static str,
    keep: bool,
    extra: Option<AnyView>,
}

impl Form {
    /// A form whose inputs' ids start with `prefix` (unique in the page).
    pub fn new(
        prefix: &'static str,
        submit_label: &'static str,
        fields: Vec<Field>,
        submit: impl Fn(
            Values,
        )
            -> Result<LocalBoxFuture<'static, Result<String, ApiError>>, FieldErrors>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        Self {
            prefix,
            fields,
            initial: Vec::new(),
            submit_label,
            submit: Arc::new(submit),
            class: "",
            keep: false,
            extra: None,
        }
    }

    /// First values (an edit), in field order.
    pub fn initial(mut self, initial: Vec<String>) -> Self {
        self.initial = initial;
        self
    }

    /// A filter bar: laid out in a row, and its values stay after it is applied (other
    /// forms go back to their first values after a success, ready for the next entry).
    pub fn filters(mut self) -> Self {
        self.class = "filters";
        self.keep = true;
        self
    }

    /// A control after the submit button (e.g. "Annuler").
    pub fn extra(mut self, extra: AnyView) -> Self {
        self.extra = Some(extra);
        self
    }

    /// The form.
    pub fn view(self) -> AnyView {
        let Form {
            prefix,
            fields,
            initial,
            submit_label,
            submit,
            class,
            keep,
            extra,
        } = self;
        let form = FormState::new();
        let done = RwSignal::new(None::<String>);
        let busy = RwSignal::new(false);
        let initial: Vec<String> = (0..fields.len())
            .map(|index| initial.get(index).cloned().unwrap_or_default())
            .collect();
        let values: Vec<RwSignal<String>> = initial.iter().cloned().map(RwSignal::new).collect();
        let names: Vec<(&'static str, bool)> = fields
            .iter()
            .map(|field| (field.name, field.required))
            .collect();
        let controls = fields
            .into_iter()
            .zip(values.iter().copied())
            .map(|(field, value)| field_control(prefix, field, value, form))
            .collect_view();

        let on_submit = move |event: SubmitEvent| {
            event.prevent_default();
            if busy.get_untracked() {
                return;
            }
            form.clear();
            done.set(None);
            let typed = Values(
                names
                    .iter()
                    .zip(&values)
                    .map(|((name, _), value)| (*name, value.get_untracked()))
                    .collect(),
            );
            let missing: FieldErrors = names
                .iter()
                .filter(|(name, required)| *required && typed.text(name).is_empty())
                .map(|(name, _)| ((*name).to_owned(), i18n::REQUIRED_FIELD.to_owned()))
                .collect();
            if !missing.is_empty() {
                form.refuse(i18n::FIX_THE_FIELDS, missing);
                return;
            }
            let request = match submit(typed) {
                Ok(request) => request,
                Err(fields) => {
                    form.refuse(i18n::FIX_THE_FIELDS, fields);
                    return;
                }
            };
            busy.set(true);
            let (values, initial) = (values.clone(), initial.clone());
            spawn_local(async move {
                match request.await {
                    Ok(message) => {
                        if !keep {
                            for (value, first) in values.iter().zip(initial) {
                                value.set(first);
                            }
                        }
                        done.set(Some(message).filter(|message| !message.is_empty()));
                    }
                    Err(error) => form.show_api_error(&error),
                }
                busy.set(false);
            });
        };

        view! {
            <form class=format!("admin-form {class}") novalidate on:submit=on_submit>
                <FormAlert message=form.alert() />
                <div class="form-fields">{controls}</div>
                <div class="form-actions">
                    <button type="submit" class="button-primary" aria-disabled=move || busy.get().then_some("true")>
                        {move || if busy.get() { "Envoi…" } else { submit_label }}
                    </button>
                    {extra}
                </div>
                <StatusMessage message=done />
            </form>
        }
        .into_any()
    }
}

/// One labelled control of a [`Form`], with its error message.
pub fn field_control(
    prefix: &'static str,
    field: Field,
    value: RwSignal<String>,
    form: FormState,
) -> AnyView {
    let id = format!("{prefix}-{}", field.name);
    if matches!(field.kind, Kind::Check) {
        let on_change = move |event| {
            value.set(if event_target_checked(&event) {
                "true".to_owned()
            } else {
                String::new()
            });
        };
        return view! {
            <div class="field field-check">
                <input
                    id=id.clone()
                    type="checkbox"
                    prop:checked=move || value.with(|value| value == "true")
                    on:change=on_change
                />
                <label for=id>{field.label}</label>
            </div>
        }
        .into_any();
    }
    let error_id = format!("{id}-erreur");
    let error = form.field(field.name);
    let label = if field.required {
        field.label.to_owned()
    } else {
        format!("{} (facultatif)", field.label)
    };
    // Text-like inputs share one element; only their type differs.
    let input_type = match field.kind {
        Kind::Date => "date",
        Kind::Time => "time",
        _ => "text",
    };
    let control = match field.kind {
        Kind::Area => view! { <textarea id=id.clone() name=field.name rows="3" required=field.required bind:value=value></textarea> }
            .into_any(),
        Kind::Choice(options) => {
            let placeholder = field.placeholder;
            let options = move || {
                let current = value.get();
                placeholder
                    .map(|text| (String::new(), text.to_owned()))
                    .into_iter()
                    .chain(options.get())
                    .map(|(choice, text)| {
                        let selected = choice == current;
                        view! { <option value=choice selected=selected>{text}</option> }
                    })
                    .collect_view()
            };
            view! {
                <select id=id.clone() name=field.name required=field.required on:change=move |event| value.set(event_target_value(&event))>
                    {options}
                </select>
            }
            .into_any()
        }
        _ => view! { <input id=id.clone() name=field.name type=input_type autocomplete="off" required=field.required bind:value=value /> }
            .into_any(),
    };
    let message = {
        let error_id = error_id.clone();
        move || {
            error
                .get()
                .map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })
        }
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {control}
            {message}
            {mark_invalid(id, error_id, error)}
        </div>
    }
    .into_any()
}

/// Keeps a control's `aria-invalid` and `aria-describedby` in step with its error, from
/// one place for the three kinds of control (each would otherwise carry its own reactive
/// attributes, and every such attribute costs code per element type).
fn mark_invalid(id: String, error_id: String, error: Signal<Option<String>>) -> impl IntoView {
    Effect::new(move || {
        let invalid = error.with(Option::is_some);
        let Some(element) = document().get_element_by_id(&id) else {
            return;
        };
        // Attribute writes fail only on a detached element; nothing to do then.
        if invalid {
            let _ = element.set_attribute("aria-invalid", "true");
            let _ = element.set_attribute("aria-describedby", &error_id);
        } else {
            let _ = element.remove_attribute("aria-invalid");
            let _ = element.remove_attribute("aria-describedby");
        }
    });
}

// ---------------------------------------------------------------------------------------
// Confirmation.
// ---------------------------------------------------------------------------------------

/// A button for an action that cannot be undone (remove a student from a class): the
/// first press asks "Confirmer" beside "Annuler", the second acts. Focus moves to the
/// confirmation and back, so keyboard users never lose their place.
pub fn confirm_button(label: &'static str, target: String, on_confirm: Callback<()>) -> AnyView {
    let asking = RwSignal::new(false);
    let first_ref = NodeRef::<html::Button>::new();
    let confirm_ref = NodeRef::<html::Button>::new();
    let switch = move |ask: bool| {
        asking.set(ask);
        let node = if ask { confirm_ref } else { first_ref };
        request_animation_frame(move || {
            if let Some(button) = node.get_untracked() {
                // Focus only fails on a detached element; nothing to do then.
                let _ = button.focus();
            }
        });
    };
    view! {
        <span class="confirm">
            <button type="button" class="button-secondary" node_ref=first_ref hidden=move || asking.get() on:click=move |_| switch(true)>
                {label}
                <span class="visually-hidden">" : " {target.clone()}</span>
            </button>
            <span class="confirm-ask" hidden=move || !asking.get()>
                <button
                    type="button"
                    class="button-danger"
                    node_ref=confirm_ref
                    on:click=move |_| {
                        asking.set(false);
                        on_confirm.run(());
                    }
                >
                    "Confirmer"
                    <span class="visually-hidden">" : " {label} " " {target}</span>
                </button>
                <button type="button" class="button-secondary" on:click=move |_| switch(false)>"Annuler"</button>
            </span>
        </span>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap_or_default()
    }

    #[test]
    fn paris_is_one_hour_ahead_in_winter_and_two_in_summer() {
        assert_eq!(paris_date_time(utc("2026-11-29 08:14")), "29/11/2026 09:14");
        assert_eq!(paris_date_time(utc("2026-07-14 20:00")), "14/07/2026 22:00");
        assert_eq!(paris_date_time(utc("2026-12-31 23:30")), "01/01/2027 00:30");
    }

    #[test]
    fn clocks_change_on_the_last_sundays_of_march_and_october_at_one_utc() {
        // 2026: 29 March and 25 October.
        assert_eq!(paris_offset_hours(utc("2026-03-29 00:59")), 1);
        assert_eq!(paris_offset_hours(utc("2026-03-29 01:00")), 2);
        assert_eq!(paris_offset_hours(utc("2026-10-25 00:59")), 2);
        assert_eq!(paris_offset_hours(utc("2026-10-25 01:00")), 1);
    }

    #[test]
    fn days_read_the_french_way() {
        let day = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or_default();
        assert_eq!(french_date(day), "01/09/2026");
    }

    #[test]
    fn values_are_trimmed_and_typed() {
        let values = Values(vec![
            ("name", "  Piano ".to_owned()),
            ("is_dance", "true".to_owned()),
            ("weekday", "3".to_owned()),
            ("day", "2026-09-01".to_owned()),
            ("blank", "  ".to_owned()),
        ]);
        assert_eq!(values.text("name"), "Piano");
        assert!(values.checked("is_dance"));
        assert_eq!(values.number("weekday"), Ok(3));
        assert_eq!(values.date("day").map(|day| day.month()), Ok(9));
        assert_eq!(values.optional_text("blank"), None);
        assert_eq!(values.optional_date("blank"), Ok(None));
        assert!(values.number("name").is_err());
        assert!(values.date("name").is_err());
    }
}
