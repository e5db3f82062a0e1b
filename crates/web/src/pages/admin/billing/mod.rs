//! « Facturation », staff side: the site's invoices with their filters and CSV exports
//! ([`invoices`]), the year's fee invoices issued from validated re-enrolment files
//! ([`issue`]), one invoice with its payments and credit notes ([`invoice`]), a manual
//! invoice ([`new_invoice`]) and the payments, recorded and listed ([`payments`]).
//!
//! Amounts are integer cents on the wire; shown as `1 234,56 €` (`format_euros`, as the
//! families see them) and typed the French way (`12,50`), as on the tariff grid. The
//! server's rules (what remains to pay, the totals) stay the server's: its refusals land
//! on the fields they name, which carry the server's names (`lines[0].amount_cents`).

mod invoice;
mod invoices;
mod issue;
mod new_invoice;
mod payments;

pub use invoice::invoice_page;
pub use invoices::invoices_page;
pub use issue::issue_page;
pub use new_invoice::new_invoice_page;
pub use payments::{new_payment_page, payments_page};

use leptos::prelude::*;
use leptos::task::spawn_local;
use tutti_shared::{InvoiceKind, InvoiceLineInput, ListQuery, MAX_PER_PAGE};

use super::widgets::{
    Field, List, Loader, boxes, field_control, list_editor, parse_euros, search_box, typed,
};
use crate::api::{self, Answer, ApiError};
use crate::files;
use crate::forms::{FieldErrors, FormState};
use crate::i18n;
use crate::session::Session;

/// Where the section starts.
const HOME: &str = "/admin/facturation";

const EUROS_EXPECTED: &str = "Montant en euros attendu, par exemple 1 234,56 ou 30.";

/// The kinds staff bill by hand (a credit note has its own form, on its invoice).
fn kind_choices() -> Vec<(String, String)> {
    [InvoiceKind::Cotisation, InvoiceKind::Location]
        .map(|kind| (kind.as_str().to_owned(), kind.label().to_owned()))
        .to_vec()
}

/// The site's households as choices (id, name), the first hundred by name, or those a
/// search found; `q` is the search text.
fn load_households(session: Session, q: Option<String>, into: RwSignal<Vec<(String, String)>>) {
    let query = ListQuery {
        page: Some(1),
        per_page: Some(MAX_PER_PAGE),
        q,
    };
    spawn_local(async move {
        // Without the list, the household box stays empty and the form says so on send.
        if let Ok(page) = api::admin::list_families(session, &query).await {
            let found = page
                .items
                .into_iter()
                .map(|family| (family.id.to_string(), family.name))
                .collect();
            let _ = into.try_set(found);
        }
    });
}

/// The site's households as choices, loaded once.
fn households(session: Session) -> RwSignal<Vec<(String, String)>> {
    let choices = RwSignal::new(Vec::new());
    load_households(session, None, choices);
    choices
}

/// A search among the households (as on « Familles ») that fills the household box of a
/// form below it, and says how many it found; a single one is chosen at once.
fn household_search(
    session: Session,
    choices: RwSignal<Vec<(String, String)>>,
    chosen: RwSignal<String>,
    id: &'static str,
) -> AnyView {
    let found = RwSignal::new(None::<String>);
    let search = Callback::new(move |text: String| {
        let query = ListQuery {
            page: Some(1),
            per_page: Some(MAX_PER_PAGE),
            q: Some(text),
        };
        spawn_local(async move {
            let message = match api::admin::list_families(session, &query).await {
                Ok(page) => {
                    let list: Vec<(String, String)> = page
                        .items
                        .into_iter()
                        .map(|family| (family.id.to_string(), family.name))
                        .collect();
                    let message = match list.len() {
                        0 => "Aucune famille ne correspond.".to_owned(),
                        1 => format!("1 famille trouvée, choisie : {}.", list[0].1),
                        count => format!(
                            "{count} familles trouvées : choisissez dans la liste « Famille »."
                        ),
                    };
                    if let [(only, _)] = list.as_slice() {
                        chosen.set(only.clone());
                    }
                    choices.set(list);
                    message
                }
                Err(error) => error.to_string(),
            };
            found.set(Some(message));
        });
    });
    view! {
        {search_box(id, "Rechercher une famille", search)}
        <p class="field-hint" role="status">{move || found.get()}</p>
    }
    .into_any()
}

/// A labelled control of the caller's own signal, with its message from `form`.
fn control(
    prefix: &'static str,
    field: Field,
    first: String,
    form: FormState,
) -> (RwSignal<String>, AnyView) {
    let value = RwSignal::new(first);
    (value, field_control(prefix, field, value, form))
}

/// Opens a PDF in a tab opened at once, in the click (a tab opened after the download
/// would be blocked as a pop-up); where none opens, the file is saved.
fn open_pdf(file: Answer<web_sys::Blob>, name: String, problem: RwSignal<Option<String>>) {
    problem.set(None);
    let tab = files::open_tab();
    spawn_local(async move {
        match file.await {
            Ok(blob) => files::show_in(tab, &blob, &name),
            Err(error) => {
                if let Some(tab) = tab {
                    let _ = tab.close();
                }
                let _ = problem.try_set(Some(error.to_string()));
            }
        }
    });
}

/// A plain paragraph.
fn paragraph(text: String) -> AnyView {
    view! { <p>{text}</p> }.into_any()
}

/// « Reçu (PDF) » of a payment of `day`: its receipt in a new tab.
fn receipt_button(
    session: Session,
    id: i64,
    day: String,
    problem: RwSignal<Option<String>>,
) -> AnyView {
    let open = move |_| {
        open_pdf(
            api::billing_admin::find_receipt(session, id),
            format!("recu-{id}.pdf"),
            problem,
        );
    };
    view! {
        <button type="button" class="link-button" on:click=open>
            "Reçu (PDF)"<span class="visually-hidden">{format!(" du règlement du {day}")}</span>
        </button>
    }
    .into_any()
}

/// A fresh key for one payment form: the same payment sent twice (a double click, a
/// retry after a lost answer) is recorded once. The time and 104 random bits: unique
/// enough among a site's payments, and no `crypto` binding in the wasm for it.
fn idempotency_key() -> String {
    let random = || (web_sys::js_sys::Math::random() * 4_503_599_627_370_496.0) as u64;
    format!(
        "{:x}-{:013x}-{:013x}",
        web_sys::js_sys::Date::now() as u64,
        random(),
        random()
    )
}

/// Euros typed the French way, a minus sign allowed (a reduction on an invoice).
fn parse_signed_euros(text: &str) -> Option<i64> {
    let text = text.trim();
    match text.strip_prefix(['-', '\u{2212}']) {
        Some(rest) => parse_euros(rest).map(|cents| -cents),
        None => parse_euros(text),
    }
}

/// The lines of an invoice or credit note being typed: label and amount, one line to
/// start with, which the form always keeps.
fn line_list(prefix: &'static str, caption: &'static str) -> List {
    List {
        prefix,
        key: "lines",
        caption,
        add_label: "Ajouter une ligne",
        fields: &["label", "amount_cents"],
        headers: &["Libellé", "Montant (€)", "Action"],
        min_lines: 1,
        boxes: boxes(vec![String::new(), String::new()]),
        drawn: RwSignal::new(0),
    }
}

/// The lines typed, or the messages of the boxes to correct.
fn read_lines(list: List) -> Result<Vec<InvoiceLineInput>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let texts = typed(list.boxes);
    let lines = texts
        .chunks(2)
        .enumerate()
        .map(|(index, line)| {
            let label = line[0].trim().to_owned();
            if label.is_empty() {
                errors.insert(
                    format!("lines[{index}].label"),
                    i18n::REQUIRED_FIELD.to_owned(),
                );
            }
            let amount = line.get(1).map_or("", |text| text.trim());
            let amount_cents = parse_signed_euros(amount).unwrap_or_else(|| {
                let message = if amount.is_empty() {
                    i18n::REQUIRED_FIELD
                } else {
                    EUROS_EXPECTED
                };
                errors.insert(format!("lines[{index}].amount_cents"), message.to_owned());
                0
            });
            InvoiceLineInput {
                label,
                amount_cents,
            }
        })
        .collect();
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

/// Back to one empty line, after a success.
fn clear_lines(list: List) {
    list.boxes.set_value(vec![
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    ]);
    list.drawn.update(|count| *count = count.wrapping_add(1));
}

/// Controls side by side (one per line on phones), as a form lays out its own.
fn fields_group(controls: Vec<AnyView>) -> AnyView {
    view! { <div class="form-fields">{controls}</div> }.into_any()
}

/// Controls grouped under a legend.
fn fieldset(legend: &'static str, content: Vec<AnyView>) -> AnyView {
    view! {
        <fieldset class="choice-group">
            <legend>{legend}</legend>
            {content}
        </fieldset>
    }
    .into_any()
}

/// The lines' table under its legend, with the message about the lines as a whole (too
/// many, a total that is not positive, more than what remains to pay).
fn lines_fieldset(legend: &'static str, list: List, form: FormState) -> AnyView {
    let error_id = format!("{}-lines-erreur", list.prefix);
    let message = Loader::drawn(move || {
        form.message("lines")
            .map(|text| view! { <p class="field-error" id=error_id.clone()>{text}</p> }.into_any())
            .unwrap_or_else(|| ().into_any())
    });
    fieldset(
        legend,
        vec![message.view().into_any(), list_editor(list, form)],
    )
}

/// Shows a refusal of the server on the form. A message about the lines as a whole (more
/// than what remains to pay, a total that is not positive) becomes the alert's text too:
/// no box carries it, so it would otherwise go unheard.
fn refuse(form: FormState, error: &ApiError) {
    let fields = error.fields();
    match fields.get("lines").cloned() {
        Some(message) => form.refuse(&message, fields),
        None => form.show_api_error(error),
    }
}

/// A line of links between the section's screens.
fn section_links(links: &[(&'static str, &'static str)]) -> AnyView {
    let items = links
        .iter()
        .map(|(href, text)| view! { <li><a href=*href>{*text}</a></li> })
        .collect_view();
    view! {
        <nav aria-label="Facturation">
            <ul class="section-links">{items}</ul>
        </nav>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::parse_signed_euros;

    #[test]
    fn a_reduction_is_typed_with_a_minus_sign() {
        assert_eq!(parse_signed_euros("-12,50"), Some(-1_250));
        assert_eq!(parse_signed_euros("\u{2212}3"), Some(-300));
        assert_eq!(parse_signed_euros(" 1 234,56 "), Some(123_456));
        assert_eq!(parse_signed_euros("--1"), None);
        assert_eq!(parse_signed_euros("-"), None);
    }
}
