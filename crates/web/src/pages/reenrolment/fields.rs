//! The wizard's form fields as HTML text, and the form's values read back with
//! `FormData` when the family sends the step.
//!
//! Why text and not views: each `view!` tree is a type of its own with build and update
//! code in the wasm, and the wizard's steps hold some thirty controls; written as text
//! (every value escaped), they cost a few string functions, which keeps the families'
//! bundle under its 300 kB budget. The markup is the same as `TextField`'s and the
//! record forms': a `<label>` per control, `aria-invalid` and `aria-describedby` naming
//! the message when there is one. A step's fields are drawn again from the values read
//! (with the messages) when a save is refused, so nothing typed is lost.

use std::fmt::Write as _;

use super::summary::escape;
use crate::forms::FieldErrors;

/// Writes a step's fields, with the messages of `errors`.
pub struct Fields<'a> {
    html: String,
    errors: &'a FieldErrors,
}

impl<'a> Fields<'a> {
    /// An empty form with these messages.
    pub fn new(errors: &'a FieldErrors) -> Self {
        Self {
            html: String::new(),
            errors,
        }
    }

    /// The markup written.
    pub fn finish(self) -> String {
        self.html
    }

    /// Raw markup (already escaped by the caller).
    pub fn raw(&mut self, html: &str) {
        self.html.push_str(html);
    }

    /// ` aria-invalid="true" aria-describedby="…"` for a control, naming its hint and
    /// its message when shown.
    fn described(&mut self, name: &str, hint: bool) {
        let error = self.errors.contains_key(name);
        if error {
            self.html.push_str(" aria-invalid=\"true\"");
        }
        match (hint, error) {
            (true, true) => {
                let _ = write!(self.html, " aria-describedby=\"{name}-aide {name}-erreur\"");
            }
            (true, false) => {
                let _ = write!(self.html, " aria-describedby=\"{name}-aide\"");
            }
            (false, true) => {
                let _ = write!(self.html, " aria-describedby=\"{name}-erreur\"");
            }
            (false, false) => {}
        }
    }

    fn hint(&mut self, name: &str, hint: Option<&str>) {
        if let Some(hint) = hint {
            let _ = write!(
                self.html,
                "<p class=\"field-hint\" id=\"{name}-aide\">{}</p>",
                escape(hint)
            );
        }
    }

    fn message(&mut self, name: &str) {
        if let Some(message) = self.errors.get(name) {
            let _ = write!(
                self.html,
                "<p class=\"field-error\" id=\"{name}-erreur\">{}</p>",
                escape(message)
            );
        }
    }

    /// A group of radio buttons: `options` are `(value, label)`; `value` is checked.
    pub fn radios(&mut self, name: &str, legend: &str, options: &[(&str, &str)], value: &str) {
        self.html
            .push_str("<fieldset class=\"field choices\" role=\"radiogroup\"");
        self.described(name, false);
        let _ = write!(self.html, "><legend>{}</legend>", escape(legend));
        for (key, label) in options {
            let checked = if *key == value { " checked" } else { "" };
            let _ = write!(
                self.html,
                "<label class=\"choice\"><input type=\"radio\" name=\"{name}\" value=\"{key}\"{checked}> {}</label>",
                escape(label)
            );
        }
        self.message(name);
        self.html.push_str("</fieldset>");
    }

    /// A one-line input (`kind`: text, tel…) with its label, hint and message.
    pub fn input(
        &mut self,
        name: &str,
        label: &str,
        kind: &str,
        autocomplete: &str,
        value: &str,
        hint: Option<&str>,
    ) {
        let _ = write!(
            self.html,
            "<div class=\"field\"><label for=\"{name}\">{}</label>",
            escape(label)
        );
        self.hint(name, hint);
        let _ = write!(
            self.html,
            "<input id=\"{name}\" name=\"{name}\" type=\"{kind}\" autocomplete=\"{autocomplete}\" maxlength=\"500\" value=\"{}\"",
            escape(value)
        );
        self.described(name, hint.is_some());
        self.html.push('>');
        self.message(name);
        self.html.push_str("</div>");
    }

    /// A multi-line text with its label and hint.
    pub fn textarea(&mut self, name: &str, label: &str, value: &str, hint: &str) {
        let _ = write!(
            self.html,
            "<div class=\"field\"><label for=\"{name}\">{}</label>",
            escape(label)
        );
        self.hint(name, Some(hint));
        let _ = write!(
            self.html,
            "<textarea id=\"{name}\" name=\"{name}\" rows=\"3\" maxlength=\"500\""
        );
        self.described(name, true);
        let _ = write!(self.html, ">{}</textarea>", escape(value));
        self.message(name);
        self.html.push_str("</div>");
    }

    /// A checkbox among several of the same `name` (each its own `value`).
    pub fn checkbox(&mut self, name: &str, value: &str, label: &str, checked: bool) {
        let checked = if checked { " checked" } else { "" };
        let _ = write!(
            self.html,
            "<label class=\"choice\"><input type=\"checkbox\" name=\"{name}\" value=\"{}\"{checked}> {}</label>",
            escape(value),
            escape(label)
        );
    }

    /// Opens a group of controls with its legend (and the message of `name`, at the end).
    pub fn open_group(&mut self, class: &str, name: &str, legend: &str) {
        let _ = write!(self.html, "<fieldset class=\"{class}\"");
        self.described(name, false);
        let _ = write!(self.html, "><legend>{}</legend>", escape(legend));
    }

    /// Closes the group opened with `name`, after its message.
    pub fn close_group(&mut self, name: &str) {
        self.message(name);
        self.html.push_str("</fieldset>");
    }
}

/// The values of a form element, by control name, as the browser would send them.
pub struct FormValues(web_sys::FormData);

impl FormValues {
    /// Reads the form now.
    pub fn read(form: &web_sys::HtmlFormElement) -> Option<Self> {
        web_sys::FormData::new_with_form(form).ok().map(FormValues)
    }

    /// The value of `name` (empty when absent, e.g. a radio group left unanswered).
    pub fn text(&self, name: &str) -> String {
        self.0.get(name).as_string().unwrap_or_default()
    }

    /// Every value of `name` (checkboxes), as numbers.
    pub fn ids(&self, name: &str) -> Vec<i64> {
        self.0
            .get_all(name)
            .iter()
            .filter_map(|value| value.as_string()?.parse().ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_errors_described() {
        let mut errors = FieldErrors::new();
        errors.insert("phone".to_owned(), "Numéro <invalide>".to_owned());
        let mut fields = Fields::new(&errors);
        fields.input(
            "phone",
            "Téléphone",
            "tel",
            "tel",
            "\"><script>",
            Some("10 chiffres"),
        );
        fields.radios(
            "pedibus",
            "Pédibus ?",
            &[("oui", "Oui"), ("non", "Non")],
            "non",
        );
        let html = fields.finish();
        assert!(html.contains("value=\"&quot;&gt;&lt;script&gt;\""));
        assert!(
            html.contains("aria-invalid=\"true\" aria-describedby=\"phone-aide phone-erreur\"")
        );
        assert!(html.contains("id=\"phone-erreur\">Numéro &lt;invalide&gt;</p>"));
        assert!(html.contains("value=\"non\" checked"));
        assert!(!html.contains("value=\"oui\" checked"));
    }
}
