//! Lists of records: a data table that stacks into cards on phones, a pager, a search box.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

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
