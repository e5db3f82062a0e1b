//! Forms built from a list of field descriptors: labels, "facultatif" marks, messages
//! bound to their fields, an alert summary, a live confirmation, a busy submit button.

use std::sync::Arc;

use chrono::NaiveDate;
use futures::future::LocalBoxFuture;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::components::{FormAlert, StatusMessage};
use crate::forms::{FieldErrors, FormState, field_errors};
use crate::i18n;

/// What kind of control a field is.
#[derive(Clone)]
pub enum Kind {
    /// One line of text.
    Text,
    /// A day (`<input type="date">`, `YYYY-MM-DD`).
    Date,
    /// A time of day (`HH:MM`).
    Time,
    /// A Paris wall-clock day and time (`<input type="datetime-local">`, `YYYY-MM-DDTHH:MM`).
    DateTime,
    /// A whole number (`<input type="number">`).
    Number,
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

    /// A whole number typed in an optional field: `None` when blank, a message for the
    /// field when it is not a whole number.
    pub fn optional_number(&self, name: &'static str) -> Result<Option<i64>, FieldErrors> {
        self.optional_text(name)
            .map(|text| {
                text.parse()
                    .map_err(|_| field_error(name, "Nombre entier attendu."))
            })
            .transpose()
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
pub use crate::forms::field_error;

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
    content: Option<(AnyView, FormState)>,
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
            content: None,
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

    /// Controls of the caller's own before the fields (lists whose lines come and go),
    /// whose messages `state` carries: the form shows its refusals on them too.
    pub fn content(mut self, content: AnyView, state: FormState) -> Self {
        self.content = Some((content, state));
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
            content,
        } = self;
        let (content, form) = content.unzip();
        let form = form.unwrap_or_default();
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
            let missing = field_errors(
                names
                    .iter()
                    .filter(|(name, required)| *required && typed.text(name).is_empty())
                    .map(|(name, _)| ((*name).to_owned(), i18n::REQUIRED_FIELD.to_owned())),
            );
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
                {content}
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
    let label = if field.required || matches!(field.kind, Kind::Check) {
        field.label.to_owned()
    } else {
        format!("{} (facultatif)", field.label)
    };
    let error = form.field(field.name);
    labelled_control(id, label, error, field, value)
}

/// A control as [`field_control`] draws it, for controls named while drawn (the lines
/// of a list): the caller gives its id, its label and its message.
pub fn labelled_control(
    id: String,
    label: String,
    error: Signal<Option<String>>,
    field: Field,
    value: RwSignal<String>,
) -> AnyView {
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
                <label for=id>{label}</label>
            </div>
        }
        .into_any();
    }
    let error_id = format!("{id}-erreur");
    // Text-like inputs share one element; only their type differs.
    let input_type = match field.kind {
        Kind::Date => "date",
        Kind::Time => "time",
        Kind::DateTime => "datetime-local",
        Kind::Number => "number",
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

#[cfg(test)]
mod tests {
    use chrono::Datelike;

    use super::*;

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
        assert_eq!(values.optional_number("weekday"), Ok(Some(3)));
        assert_eq!(values.optional_number("blank"), Ok(None));
        assert!(values.optional_number("name").is_err());
        assert!(values.checked("is_dance"));
        assert_eq!(values.number("weekday"), Ok(3));
        assert_eq!(values.date("day").map(|day| day.month()), Ok(9));
        assert_eq!(values.optional_text("blank"), None);
        assert_eq!(values.optional_date("blank"), Ok(None));
        assert!(values.number("name").is_err());
        assert!(values.date("name").is_err());
    }
}
