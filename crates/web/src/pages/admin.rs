//! "Espace administration": the landing page of staff and teachers.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use tutti_shared::{DEFAULT_PER_PAGE, ListQuery, Role};

use crate::api;
use crate::components::{Loading, Page};
use crate::session::Session;

/// The site's name and, for staff, the searchable list of families.
#[component]
pub fn AdminPage() -> impl IntoView {
    let session = Session::expect();
    let site_name = move || {
        session
            .account()
            .map(|account| account.site.name)
            .unwrap_or_default()
    };
    let is_staff = move || {
        session
            .account()
            .is_some_and(|account| account.role == Role::Staff)
    };
    view! {
        <Page title="Administration" heading="Espace administration">
            <p class="lead">"Site : " <strong>{site_name}</strong></p>
            <Show
                when=is_staff
                fallback=|| view! { <p>"Le suivi de vos classes sera bientôt disponible ici."</p> }
            >
                <FamilyList />
            </Show>
        </Page>
    }
}

/// "1 famille", "3 familles": French plural of the result count.
pub fn family_count_label(total: i64) -> String {
    match total {
        0 => "Aucune famille".to_owned(),
        1 => "1 famille".to_owned(),
        _ => format!("{total} familles"),
    }
}

/// Search box, table and pagination over `GET /api/v1/admin/families`.
#[component]
fn FamilyList() -> impl IntoView {
    let session = Session::expect();
    let search = RwSignal::new(String::new());
    let query = RwSignal::new(ListQuery {
        page: Some(1),
        per_page: Some(DEFAULT_PER_PAGE),
        q: None,
    });
    let families = LocalResource::new(move || {
        let query = query.get();
        async move { api::list_families(session, &query).await }
    });
    let on_search = move |event: SubmitEvent| {
        event.prevent_default();
        query.update(|query| {
            query.q = Some(search.get_untracked());
            query.page = Some(1);
        });
    };
    let go_to_page = move |page: i64| query.update(|query| query.page = Some(page));

    let results = move || {
        Suspend::new(async move {
            let page = match families.await {
                Ok(page) => page,
                Err(error) => {
                    return view! { <p class="load-error" role="alert">{error.to_string()}</p> }
                        .into_any();
                }
            };
            let page_count = api::page_count(&page);
            let current = page.page;
            let rows = page
                .items
                .into_iter()
                .map(|family| {
                    view! {
                        <tr>
                            <th scope="row">{family.name}</th>
                            <td class="number">{family.guardian_count}</td>
                            <td class="number">{family.student_count}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="table-wrap">
                    <table>
                        <caption>{family_count_label(page.total)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Famille"</th>
                                <th scope="col" class="number">"Responsables"</th>
                                <th scope="col" class="number">"Élèves"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                // A single page needs no page buttons.
                {(page_count > 1)
                    .then(|| {
                        view! {
                            <nav class="pagination" aria-label="Pages de la liste des familles">
                                <button
                                    type="button"
                                    class="button-secondary"
                                    disabled={current <= 1}
                                    on:click=move |_| go_to_page(current - 1)
                                >
                                    "Page précédente"
                                </button>
                                <span>{format!("Page {current} sur {page_count}")}</span>
                                <button
                                    type="button"
                                    class="button-secondary"
                                    disabled={current >= page_count}
                                    on:click=move |_| go_to_page(current + 1)
                                >
                                    "Page suivante"
                                </button>
                            </nav>
                        }
                    })}
            }
            .into_any()
        })
    };

    view! {
        <section class="panel" aria-labelledby="familles-titre">
            <h2 id="familles-titre">"Familles"</h2>
            <form class="search" role="search" on:submit=on_search>
                <label for="recherche-famille">"Rechercher une famille"</label>
                <div class="search-row">
                    <input id="recherche-famille" name="q" type="search" autocomplete="off" bind:value=search />
                    <button type="submit" class="button-primary">"Rechercher"</button>
                </div>
            </form>
            <Transition fallback=|| view! { <Loading /> }>{results}</Transition>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::family_count_label;

    #[test]
    fn the_family_count_speaks_french() {
        assert_eq!(family_count_label(0), "Aucune famille");
        assert_eq!(family_count_label(1), "1 famille");
        assert_eq!(family_count_label(12), "12 familles");
    }
}
