//! "Documents": the pieces the school asks of the household and of each child (the legacy
//! guide's "Pièces à fournir"), with their state, and sending them from a phone.

use leptos::prelude::*;
use tutti_shared::{DocumentState, HouseholdDocuments, RequiredDocument};

use crate::api::documents as api;
use crate::components::{Loader, Page, PieceList};
use crate::session::Session;

/// How many required pieces are still to provide or to send again.
fn missing(pieces: &[RequiredDocument]) -> usize {
    pieces
        .iter()
        .filter(|piece| {
            piece.required && matches!(piece.state, DocumentState::AFournir | DocumentState::Refuse)
        })
        .count()
}

/// The household's pieces, then each child's (only `only`'s, in the re-enrolment
/// wizard), with how many remain to provide.
pub(crate) fn pieces(documents: HouseholdDocuments, only: Option<i64>) -> AnyView {
    let HouseholdDocuments {
        household,
        students,
    } = documents;
    let students: Vec<_> = students
        .into_iter()
        .filter(|student| only.is_none_or(|id| id == student.student_id))
        .collect();
    let to_do = missing(&household)
        + students
            .iter()
            .map(|student| missing(&student.documents))
            .sum::<usize>();
    let summary = match to_do {
        0 => "Toutes les pièces demandées ont été transmises.".to_owned(),
        1 => "1 pièce demandée reste à fournir.".to_owned(),
        count => format!("{count} pièces demandées restent à fournir."),
    };
    let children = students
        .into_iter()
        .map(|student| {
            view! {
                <section class="pieces-section" aria-label=student.student_name.clone()>
                    <h2>{student.student_name.clone()}</h2>
                    <PieceList pieces=student.documents student_id=Some(student.student_id) />
                </section>
            }
        })
        .collect_view();
    view! {
        <p class="lead">{summary}</p>
        <section class="pieces-section" aria-label="Foyer">
            <h2>"Foyer"</h2>
            <PieceList pieces=household student_id=None />
        </section>
        {children}
    }
    .into_any()
}

/// The household's pieces, then each child's.
#[component]
pub fn DocumentsPage() -> impl IntoView {
    let session = Session::expect();
    let documents = Loader::new(move || api::list_documents(session));
    view! {
        <Page title="Documents">
            <p>
                "Chaque fichier fait au plus 2 Mo. Formats acceptés : PDF, JPEG ou PNG ; "
                "sur un téléphone, vous pouvez photographier la pièce."
            </p>
            {documents.view("vos documents", |documents| pieces(documents, None))}
        </Page>
    }
}
