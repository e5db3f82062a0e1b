//! "Familles" and "Élèves": the site's households and students, searchable and paged;
//! staff create a household with its first guardian and identifiant here.

use futures::FutureExt;
use leptos::prelude::*;
use tutti_shared::{
    CIVILITIES, DEFAULT_PER_PAGE, GuardianFields, ListQuery, MAX_PER_PAGE, NewFamilyInput,
    StudentListItem,
};

use super::widgets::{
    Fetch, Field, Form, Kind, Loader, choices, data_table, hint, link, pager, render, search_box,
    section,
};
use crate::api;
use crate::components::{Page, StatusMessage};
use crate::dates::{DateStyle, french_date};
use crate::session::Session;

/// "1 famille", "3 familles": French plural of the result count.
pub fn family_count_label(total: i64) -> String {
    match total {
        0 => "Aucune famille".to_owned(),
        1 => "1 famille".to_owned(),
        _ => format!("{total} familles"),
    }
}

/// "1 élève", "3 élèves".
pub fn student_count_label(total: i64) -> String {
    match total {
        0 => "Aucun élève".to_owned(),
        1 => "1 élève".to_owned(),
        _ => format!("{total} élèves"),
    }
}

/// "Martin Léa (12/02/2014)": last name first, as school lists sort them, with the birth
/// date to tell namesakes apart.
pub fn student_label(student: &StudentListItem) -> String {
    let born = student
        .birth_date
        .map(|day| format!(" ({})", french_date(day, DateStyle::Numeric)))
        .unwrap_or_default();
    format!("{} {}{born}", student.last_name, student.first_name)
}

/// Loads one page of a list and renders it (table and pager); `go_to` changes page.
type PageFetch = fn(Session, ListQuery, Callback<i64>) -> Fetch;

/// Search box, then the table and pager of `fetch`; returns the loader too, so that a
/// creation can reload the list.
fn searchable_list(
    search_id: &'static str,
    search_label: &'static str,
    fetch: PageFetch,
) -> (Loader, Vec<AnyView>) {
    let session = Session::expect();
    let query = RwSignal::new(ListQuery {
        page: Some(1),
        per_page: Some(DEFAULT_PER_PAGE),
        q: None,
    });
    let go_to = Callback::new(move |page: i64| query.update(|query| query.page = Some(page)));
    let list = Loader::new(move || fetch(session, query.get(), go_to));
    let search = Callback::new(move |text: String| {
        query.update(|query| {
            query.q = Some(text);
            query.page = Some(1);
        });
    });
    (
        list,
        vec![
            search_box(search_id, search_label, search),
            list.view().into_any(),
        ],
    )
}

/// The families, and the form that creates one.
pub fn families_page() -> AnyView {
    let session = Session::expect();
    let (families, list) = searchable_list(
        "recherche-famille",
        "Rechercher une famille",
        |session, query, go_to| {
            async move {
            let page = api::admin::list_families(session, &query).await?;
            Ok(render(move || {
                let rows = page
                    .items
                    .iter()
                    .map(|family| {
                        vec![
                            link(format!("/admin/familles/{}", family.id), family.name.clone()),
                            family.guardian_count.into_any(),
                            family.student_count.into_any(),
                        ]
                    })
                    .collect();
                view! {
                    {data_table(family_count_label(page.total), "Aucune famille ne correspond.", &["Famille", "Responsables", "Élèves"], 0, rows)}
                    {pager("Pages de la liste des familles", page.page, api::admin::page_count(&page), go_to)}
                }
                .into_any()
            }))
        }
        .boxed_local()
        },
    );

    // The confirmation carries a link to the new household, so it lives outside the form.
    let created = RwSignal::new(None::<(String, i64)>);
    let mut fields = vec![Field::new("login", "Identifiant de connexion", Kind::Text)];
    let required = [
        "last_name",
        "first_name",
        "address",
        "postcode",
        "city",
        "email",
    ];
    for (name, label) in GuardianFields::FIELDS {
        let field = if *name == "civility" {
            let civilities = CIVILITIES
                .iter()
                .map(|civility| ((*civility).to_owned(), (*civility).to_owned()))
                .collect();
            Field::new(name, label, choices(civilities))
        } else {
            Field::new(name, label, Kind::Text)
        };
        fields.push(if required.contains(name) {
            field
        } else {
            field.optional()
        });
    }
    let create = Form::new(
        "nouvelle-famille",
        "Créer la famille",
        fields,
        move |values| {
            let mut guardian = GuardianFields::default();
            for (name, _) in GuardianFields::FIELDS {
                guardian.set(name, values.text(name));
            }
            // The very rules the server applies (tutti_shared), to answer at once.
            let errors = guardian.validate();
            if !errors.is_empty() {
                return Err(errors);
            }
            let input = NewFamilyInput {
                login: values.text("login"),
                guardian,
            };
            created.set(None);
            Ok(async move {
            let family = api::admin::create_family(session, &input).await?;
            families.reload();
            let login = family.logins.first().cloned().unwrap_or(input.login);
            created.set(Some((
                format!(
                    "{} est créée avec l'identifiant « {login} ». Un e-mail a été envoyé à {} avec cet identifiant et la marche à suivre pour choisir un mot de passe.",
                    family.name, input.guardian.email
                ),
                family.id,
            )));
            Ok(String::new())
        }
        .boxed_local())
        },
    );
    let message = Signal::derive(move || created.get().map(|(message, _)| message));
    let new_family_link = move || {
        created
            .get()
            .map(|(_, id)| view! { <p>{link(format!("/admin/familles/{id}"), "Ouvrir la fiche de la famille".to_owned())}</p> })
    };
    let creation = vec![
        hint(
            "Le foyer est créé avec son premier responsable. La famille reçoit son identifiant par e-mail et choisit elle-même son mot de passe. Indiquez au moins un téléphone (domicile ou mobile).",
        ),
        create.view(),
        view! { <StatusMessage message=message>{new_family_link}</StatusMessage> }.into_any(),
    ];
    let parts = vec![
        section("familles-titre", "Familles du site", list),
        section("creation-titre", "Créer une famille", creation),
    ];
    view! { <Page title="Familles">{parts}</Page> }.into_any()
}

/// The students of the site, each leading to a read-only record.
pub fn students_page() -> AnyView {
    let (_, list) = searchable_list(
        "recherche-eleve",
        "Rechercher un élève (nom ou prénom)",
        |session, query, go_to| {
            async move {
            let page = api::admin::list_site_students(session, &query).await?;
            Ok(render(move || {
                let rows = page
                    .items
                    .iter()
                    .map(|student| {
                        vec![
                            link(format!("/admin/eleves/{}", student.id), format!("{} {}", student.last_name, student.first_name)),
                            student.birth_date.map(|day| french_date(day, DateStyle::Numeric)).unwrap_or_default().into_any(),
                            link(format!("/admin/familles/{}", student.family_id), "Voir la famille".to_owned()),
                        ]
                    })
                    .collect();
                view! {
                    {data_table(student_count_label(page.total), "Aucun élève ne correspond.", &["Élève", "Date de naissance", "Famille"], 0, rows)}
                    {pager("Pages de la liste des élèves", page.page, api::admin::page_count(&page), go_to)}
                }
                .into_any()
            }))
        }
        .boxed_local()
        },
    );
    let parts = vec![section("eleves-titre", "Élèves du site", list)];
    view! { <Page title="Élèves">{parts}</Page> }.into_any()
}

/// The site's students as choices for a select (the first 100, or those matching a
/// search), with the callback that runs the search.
pub fn student_choices(session: Session) -> (Callback<String>, Signal<Vec<(String, String)>>) {
    let search = RwSignal::new(String::new());
    let list = RwSignal::new(Vec::new());
    // A loader with nothing to show: it only keeps `list` in step with the search, and
    // drops answers overtaken by a later search.
    let _ = Loader::new(move || {
        let query = ListQuery {
            page: Some(1),
            per_page: Some(MAX_PER_PAGE),
            q: Some(search.get()),
        };
        async move {
            let page = api::admin::list_site_students(session, &query).await?;
            list.set(
                page.items
                    .iter()
                    .map(|student| (student.id.to_string(), student_label(student)))
                    .collect(),
            );
            Ok(render(|| ().into_any()))
        }
        .boxed_local()
    });
    (Callback::new(move |text| search.set(text)), list.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_speak_french() {
        assert_eq!(family_count_label(0), "Aucune famille");
        assert_eq!(family_count_label(1), "1 famille");
        assert_eq!(family_count_label(12), "12 familles");
        assert_eq!(student_count_label(1), "1 élève");
        assert_eq!(student_count_label(3), "3 élèves");
    }

    #[test]
    fn students_read_last_name_first_with_their_birth_date() {
        let student = StudentListItem {
            id: 1,
            family_id: 1,
            first_name: "Léa".to_owned(),
            last_name: "Martin".to_owned(),
            birth_date: chrono::NaiveDate::from_ymd_opt(2014, 2, 12),
        };
        assert_eq!(student_label(&student), "Martin Léa (12/02/2014)");
    }
}
