//! Amounts typed the French way, and editable lists of lines: a table of labelled text
//! boxes, one signal per box, drawn again when a line comes or goes or the messages
//! change (typing never redraws it). The tariff grid and the invoices share them.
//!
//! Amounts are integer cents on the wire and euros on screen, typed the French way
//! ("1 234,56" or "30").

use leptos::prelude::*;

use super::{Field, Kind, Loader, confirm_button, data_table, focus_later, labelled_control};
use crate::forms::FormState;

/// What a list without lines says.
const EMPTY: &str = "Aucune ligne : ajoutez-en une.";

/// Cents as staff read and type them: "1 234,56", or "30" for whole euros.
pub fn euros_text(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let euros = (cents / 100).to_string();
    let mut grouped = String::new();
    for (index, digit) in euros.chars().enumerate() {
        if index > 0 && (euros.len() - index).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(digit);
    }
    match cents % 100 {
        0 => format!("{sign}{grouped}"),
        rest => format!("{sign}{grouped},{rest:02}"),
    }
}

/// Euros typed the French way as cents: "1 234,56", "30", "12,5", "30 €" (spaces may be
/// plain, no-break or narrow no-break). `None` for anything else: a sign, a point, more
/// than two decimals, letters, an empty box.
pub fn parse_euros(text: &str) -> Option<i64> {
    let compact: String = text
        .chars()
        .filter(|character| !matches!(character, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let compact = compact.strip_suffix('€').unwrap_or(&compact);
    let (euros, decimals) = compact.split_once(',').unwrap_or((compact, "00"));
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    if !digits(euros) || !digits(decimals) || decimals.len() > 2 {
        return None;
    }
    let cents: i64 = format!("{decimals:0<2}").parse().ok()?;
    euros
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents)
}

/// A whole number typed ("1 200", "70"), read by the same rule as amounts.
pub fn parse_whole(text: &str) -> Option<i64> {
    parse_euros(text)
        .filter(|hundredths| hundredths % 100 == 0)
        .map(|hundredths| hundredths / 100)
}

/// An editable list of lines (a tariff grid's course kinds, an invoice's lines): its wire
/// name, which prefixes its fields' names as the server's errors give them
/// (`course_kinds[0].label`, `lines[2].amount_cents`), and how it is shown.
#[derive(Clone, Copy)]
pub struct List {
    /// Starts the boxes' ids (`tarif` gives `tarif-rentals-0-code`), unique in the page.
    pub prefix: &'static str,
    pub key: &'static str,
    pub caption: &'static str,
    pub add_label: &'static str,
    /// The fields of a line, in column order.
    pub fields: &'static [&'static str],
    /// Their column headers, then the action column's.
    pub headers: &'static [&'static str],
    /// Lines that cannot be removed (a grid has at least one bracket).
    pub min_lines: usize,
    /// Every line's boxes, one line after the other.
    pub boxes: StoredValue<Vec<RwSignal<String>>>,
    /// Moved on when a line comes or goes: the table is drawn again (as it is when the
    /// messages it reads change; typing changes only the boxes' own signals).
    pub drawn: RwSignal<u32>,
}

/// Texts as boxes to type in.
pub fn boxes(texts: Vec<String>) -> StoredValue<Vec<RwSignal<String>>> {
    StoredValue::new(texts.into_iter().map(RwSignal::new).collect())
}

/// What is typed in the boxes.
pub fn typed(boxes: StoredValue<Vec<RwSignal<String>>>) -> Vec<String> {
    boxes.with_value(|boxes| boxes.iter().map(|value| value.get_untracked()).collect())
}

/// A list as a table of labelled text boxes, each with its message, a
/// "Retirer" button per line (none at the list's minimum), and an "Ajouter" button
/// under the table.
pub fn list_editor(list: List, form: FormState) -> AnyView {
    let List {
        prefix,
        key,
        caption,
        add_label,
        fields,
        headers,
        min_lines,
        boxes,
        drawn,
    } = list;
    let width = fields.len();
    // The boxes of a line added later belong to the editor, like the first ones.
    let owner = Owner::current();
    let table = Loader::drawn(move || {
        drawn.track();
        let lines = boxes.with_value(|all| {
            let removable = all.len() > min_lines * width;
            all.chunks(width)
                .enumerate()
                .map(|(index, line)| {
                    let mut cells: Vec<AnyView> = fields
                        .iter()
                        .zip(headers)
                        .zip(line)
                        .map(|((field, header), value)| {
                            // Hidden by the style sheet: the column header says it on
                            // screen, the cell's `data-label` on phones.
                            let label = format!("{header}, ligne {}", index + 1);
                            // Read here, so the table is drawn again when messages change.
                            let error = form.message(&format!("{key}[{index}].{field}"));
                            let control = Field::new(field, header, Kind::Text);
                            let id = format!("{prefix}-{key}-{index}-{field}");
                            labelled_control(
                                id,
                                label,
                                RwSignal::new(error).into(),
                                control,
                                *value,
                            )
                        })
                        .collect();
                    let remove = Callback::new(move |()| {
                        boxes.update_value(|all| {
                            let start = index * width;
                            if start + width <= all.len() {
                                all.drain(start..start + width);
                            }
                        });
                        // The lines below moved up: their messages no longer match.
                        form.clear();
                        drawn.update(|count| *count = count.wrapping_add(1));
                        focus_later(format!("{prefix}-{key}-ajouter"));
                    });
                    let target = format!("ligne {} ({caption})", index + 1);
                    cells.push(if removable {
                        confirm_button("Retirer", target, remove)
                    } else {
                        ().into_any()
                    });
                    cells
                })
                .collect()
        });
        data_table(caption.to_owned(), EMPTY, headers, usize::MAX, lines)
    });
    let add = move |_| {
        let index = boxes.with_value(Vec::len) / width;
        let line = || {
            (0..width)
                .map(|_| RwSignal::new(String::new()))
                .collect::<Vec<_>>()
        };
        let line = owner.as_ref().map_or_else(line, |owner| owner.with(line));
        boxes.update_value(|all| all.extend(line));
        form.clear();
        drawn.update(|count| *count = count.wrapping_add(1));
        focus_later(format!("{prefix}-{key}-{index}-{}", fields[0]));
    };
    view! {
        {table.view()}
        <p><button id=format!("{prefix}-{key}-ajouter") type="button" class="button-secondary" on:click=add>{add_label}</button></p>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_are_typed_the_french_way() {
        assert_eq!(parse_euros("1 234,56"), Some(123_456));
        assert_eq!(parse_euros("1\u{202f}234,56"), Some(123_456));
        assert_eq!(parse_euros(" 30 "), Some(3_000));
        assert_eq!(parse_euros("30 €"), Some(3_000));
        assert_eq!(parse_euros("12,5"), Some(1_250));
        assert_eq!(parse_euros("0,05"), Some(5));
        for refused in ["", "12.50", "-5", "12,345", "douze", "12,", ",5", "1 2a"] {
            assert_eq!(parse_euros(refused), None, "{refused:?}");
        }
        assert_eq!(parse_euros("99999999999999999999"), None);
    }

    #[test]
    fn cents_show_as_euros_and_read_back() {
        assert_eq!(euros_text(123_456), "1 234,56");
        assert_eq!(euros_text(3_000), "30");
        assert_eq!(euros_text(1_250), "12,50");
        assert_eq!(euros_text(5), "0,05");
        assert_eq!(euros_text(10_000_000), "100 000");
        for cents in [0, 5, 99, 100, 123_456, 10_000_000] {
            assert_eq!(parse_euros(&euros_text(cents)), Some(cents));
        }
    }
}
