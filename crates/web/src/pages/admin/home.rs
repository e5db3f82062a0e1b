//! The administration's landing pages: staff get a card per section, teachers their
//! courses ("Mes cours").

use futures::FutureExt;
use leptos::prelude::*;
use tutti_shared::Course;

use super::school::{course_slot, course_title};
use super::widgets::{Loader, data_table, lead, link, render};
use crate::api;
use crate::components::{NavCard, Page};
use crate::session::Session;

/// Staff's home: the site, and a card per section of the back office.
pub fn staff_home() -> AnyView {
    let session = Session::expect();
    let site_name = session
        .account()
        .map(|account| account.site.name)
        .unwrap_or_default();
    view! {
        <Page title="Administration" heading="Espace administration">
            <p class="lead">"Site : " <strong>{site_name}</strong></p>
            <h2 class="visually-hidden">"Rubriques"</h2>
            <ul class="cards">
                <NavCard
                    href="/admin/demandes"
                    title="Demandes de modification"
                    description="Valider ou refuser ce que les familles ont modifié."
                />
                <NavCard href="/admin/documents" title="Documents" description="Vérifier les pièces envoyées par les familles ; gérer les types demandés." />
                <NavCard href="/admin/facturation" title="Facturation" description="Émettre les cotisations, établir factures et avoirs, enregistrer les règlements." />
                <NavCard href="/admin/familles" title="Familles" description="Rechercher un foyer, créer une famille et son identifiant." />
                <NavCard href="/admin/eleves" title="Élèves" description="Rechercher un élève et consulter sa fiche." />
                <NavCard href="/admin/annee" title="Année scolaire" description="Années, disciplines, cours et listes de classe." />
                <NavCard href="/admin/evenements" title="Événements" description="Concerts, auditions, spectacles et leurs participants." />
            </ul>
        </Page>
    }
    .into_any()
}

/// A teacher's courses (the API returns only theirs), each leading to its class list.
pub fn teacher_home() -> AnyView {
    let session = Session::expect();
    let courses = Loader::new(move || {
        async move {
            let years = api::admin::list_school_years(session).await?;
            let mut courses = api::admin::list_courses(session, None).await?;
            // This year's courses first, then the others latest first (next year's
            // catalogue, last year's).
            let current = tutti_shared::SchoolYear::current(&years, crate::dates::today())
                .map(|year| year.id);
            let rank = |course: &Course| {
                (
                    Some(course.school_year_id) != current,
                    years
                        .iter()
                        .position(|year| year.id == course.school_year_id),
                )
            };
            courses.sort_by_key(|course| (rank(course), course.weekday, course.start_time.clone()));
            Ok(render(move || {
                let rows = courses
                    .iter()
                    .map(|course| {
                        let year = years
                            .iter()
                            .find(|year| year.id == course.school_year_id)
                            .map(|year| year.label.clone())
                            .unwrap_or_default();
                        vec![
                            link(format!("/admin/cours/{}", course.id), course_title(course)),
                            year.into_any(),
                            course_slot(course).into_any(),
                            course.room.clone().into_any(),
                        ]
                    })
                    .collect();
                data_table(
                    format!("{} cours", courses.len()),
                    "Aucun cours ne vous est attribué.",
                    &["Cours", "Année", "Créneau", "Salle"],
                    0,
                    rows,
                )
            }))
        }
        .boxed_local()
    });
    let parts = vec![
        lead(
            "Ouvrez un cours pour saisir les évaluations et les absences de vos élèves.".to_owned(),
        ),
        courses.view().into_any(),
    ];
    view! { <Page title="Mes cours">{parts}</Page> }.into_any()
}
