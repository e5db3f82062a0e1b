//! Form state and the checks the browser makes before bothering the server.
//!
//! The checks are plain functions (unit-tested natively); [`FormState`] carries their
//! result to the screen: one message per field, one summary in the alert region.

use std::collections::BTreeMap;

use leptos::prelude::*;
use tutti_shared::{EmailAddress, Password};

use crate::api::ApiError;
use crate::i18n;

/// Field name (the API's, which is also the input's id) to French message.
pub type FieldErrors = BTreeMap<String, String>;

/// Field errors from `(name, message)` pairs.
///
/// Inserted one by one on purpose: `collect()` and `From<[_; N]>` sort their input first,
/// which puts a stable sort's code in the wasm for each map type (the SPA has a size
/// budget), for maps of a handful of entries.
pub fn field_errors(pairs: impl IntoIterator<Item = (String, String)>) -> FieldErrors {
    let mut errors = FieldErrors::new();
    for (name, message) in pairs {
        errors.insert(name, message);
    }
    errors
}

/// One field's message.
pub fn field_error(name: &str, message: impl Into<String>) -> FieldErrors {
    field_errors([(name.to_owned(), message.into())])
}

/// Flags every empty field among `(name, value)` pairs as required.
pub fn missing_fields(values: &[(&str, &str)]) -> FieldErrors {
    field_errors(
        values
            .iter()
            .filter(|(_, value)| value.trim().is_empty())
            .map(|(name, _)| ((*name).to_owned(), i18n::REQUIRED_FIELD.to_owned())),
    )
}

/// Checks an email's shape with the very rule the server applies.
pub fn email_error(name: &str, value: &str) -> FieldErrors {
    match EmailAddress::parse(value) {
        Ok(_) => FieldErrors::new(),
        Err(error) => field_error(name, error.0),
    }
}

/// Name of the confirmation field of every new-password form; the API has no such field.
pub const CONFIRMATION_FIELD: &str = "new_password_confirmation";

/// Checks a new password and its confirmation: the policy first (shared with the server
/// through `tutti_shared::Password`), then that both typings agree.
pub fn check_new_password(new_password: &str, confirmation: &str) -> Result<Password, FieldErrors> {
    let password =
        Password::parse(new_password).map_err(|error| field_error("new_password", error.0))?;
    if new_password != confirmation {
        return Err(field_error(CONFIRMATION_FIELD, i18n::PASSWORDS_DIFFER));
    }
    Ok(password)
}

/// The alert's text for a server refusal: the server's message, unless it merely repeats
/// one of the field messages (then a screen reader would hear it twice), in which case a
/// summary that points at the fields.
pub fn alert_summary(message: &str, fields: &FieldErrors) -> String {
    if fields
        .values()
        .any(|field_message| field_message == message)
    {
        i18n::FIX_THE_FIELDS.to_owned()
    } else {
        message.to_owned()
    }
}

/// What a form shows of its errors; `Copy`, so event handlers take it freely.
#[derive(Debug, Clone, Copy)]
pub struct FormState {
    fields: RwSignal<FieldErrors>,
    alert: RwSignal<Option<String>>,
}

impl FormState {
    /// A form without errors.
    pub fn new() -> Self {
        Self {
            fields: RwSignal::new(FieldErrors::new()),
            alert: RwSignal::new(None),
        }
    }

    /// The message beside one field, if any.
    pub fn field(&self, name: &'static str) -> Signal<Option<String>> {
        let fields = self.fields;
        Signal::derive(move || fields.with(|fields| fields.get(name).cloned()))
    }

    /// The message of a field named while drawn (a list's line), read where it is
    /// tracked: what draws the field is drawn again when the messages change.
    #[cfg_attr(
        not(feature = "admin"),
        expect(dead_code, reason = "only the administration draws lists of fields")
    )]
    pub fn message(&self, name: &str) -> Option<String> {
        self.fields.with(|fields| fields.get(name).cloned())
    }

    /// The summary shown in the form's alert region.
    pub fn alert(&self) -> Signal<Option<String>> {
        self.alert.into()
    }

    /// Clears everything, at each new submission.
    pub fn clear(&self) {
        self.fields.set(FieldErrors::new());
        self.alert.set(None);
    }

    /// Shows field errors under a summary, then moves the focus to the first bad field so
    /// that keyboard and screen-reader users land where the work is.
    pub fn refuse(&self, summary: &str, fields: FieldErrors) {
        let has_fields = !fields.is_empty();
        self.fields.set(fields);
        self.alert.set(Some(summary.to_owned()));
        if has_fields {
            focus_first_invalid_field();
        }
    }

    /// Shows what the server refused: its message and its per-field messages.
    pub fn show_api_error(&self, error: &ApiError) {
        let fields = error.fields();
        self.refuse(&alert_summary(&error.to_string(), &fields), fields);
    }
}

impl Default for FormState {
    fn default() -> Self {
        Self::new()
    }
}

/// Focuses the first field marked invalid, once the marks are on screen.
fn focus_first_invalid_field() {
    request_animation_frame(|| {
        let field = document()
            .query_selector("main [aria-invalid='true']")
            .ok()
            .flatten()
            .and_then(|element| {
                wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element).ok()
            });
        if let Some(field) = field {
            // Focus can only fail on a detached element; nothing useful to do then.
            let _ = field.focus();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_fields_are_reported_as_required() {
        let errors = missing_fields(&[("login", "  "), ("email", "a@b.fr"), ("site", "")]);
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["login", "site"]);
        assert_eq!(errors["login"], i18n::REQUIRED_FIELD);
    }

    #[test]
    fn a_short_new_password_is_refused_with_the_shared_policy_message() {
        let errors = check_new_password("court", "court")
            .err()
            .unwrap_or_default();
        assert!(errors["new_password"].contains("12"));
    }

    #[test]
    fn a_confirmation_that_differs_is_refused() {
        let errors = check_new_password("une phrase assez longue", "une phrase assez longu")
            .err()
            .unwrap_or_default();
        assert_eq!(errors[CONFIRMATION_FIELD], i18n::PASSWORDS_DIFFER);
    }

    #[test]
    fn a_valid_new_password_passes() {
        assert!(check_new_password("une phrase assez longue", "une phrase assez longue").is_ok());
    }

    #[test]
    fn the_alert_does_not_repeat_a_field_message() {
        let fields = FieldErrors::from([("current_password".to_owned(), "Incorrect.".to_owned())]);
        assert_eq!(alert_summary("Incorrect.", &fields), i18n::FIX_THE_FIELDS);
        assert_eq!(
            alert_summary("Vérifiez le formulaire.", &fields),
            "Vérifiez le formulaire."
        );
        assert_eq!(
            alert_summary("Trop de tentatives.", &FieldErrors::new()),
            "Trop de tentatives."
        );
    }

    #[test]
    fn email_shapes_are_checked_like_on_the_server() {
        assert!(email_error("email", "parent@example.fr").is_empty());
        assert_eq!(
            email_error("email", "parent@").keys().collect::<Vec<_>>(),
            ["email"]
        );
    }
}
