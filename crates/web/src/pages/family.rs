//! "Famille": the household's guardians (steps 3 and 4 of the legacy guide).

use leptos::prelude::*;
use tutti_shared::FamilyView;

use crate::api::family as api;
use crate::components::{Loader, Page, RecordForm, Subject, guardian_sheet};
use crate::session::Session;

/// One card per guardian ("Responsable 1", "Responsable 2") with every field of the legacy
/// form; each card saves on its own, since each guardian has its own version.
#[component]
pub fn FamilyPage() -> impl IntoView {
    let session = Session::expect();
    let family = Loader::new(move || api::find_family(session));
    view! {
        <Page title="Famille">
            <p class="lead">
                "Vérifiez et complétez les coordonnées du foyer : elles permettent à l'école de vous joindre. "
                "Vos modifications sont transmises à l'administration, qui les valide avant qu'elles "
                "ne remplacent les informations actuelles."
            </p>
            {family.view("la fiche de la famille", guardian_cards)}
        </Page>
    }
}

/// One card per guardian, each with its record form (also the wizard's first step).
pub(crate) fn guardian_cards(family: FamilyView) -> AnyView {
    if family.guardians.is_empty() {
        return view! {
            <p>"Aucun responsable n'est enregistré pour votre foyer : contactez l'administration de l'école."</p>
        }
        .into_any();
    }
    family
        .guardians
        .iter()
        .enumerate()
        .map(|(index, guardian)| {
            let prefix = format!("responsable-{}", index + 1);
            let heading_id = format!("{prefix}-titre");
            let labelled_by = heading_id.clone();
            let name = format!("{} {}", guardian.fields.first_name, guardian.fields.last_name);
            view! {
                <section class="panel record-card" aria-labelledby=labelled_by>
                    <h2 id=heading_id>
                        {format!("Responsable {} ", index + 1)}
                        <span class="record-name">{name}</span>
                    </h2>
                    <RecordForm subject=Subject::Guardian(guardian.id) id_prefix=prefix sheet=guardian_sheet(guardian) />
                </section>
            }
        })
        .collect_view()
        .into_any()
}
