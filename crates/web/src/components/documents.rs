//! A list of pieces to provide ("Pièces à fournir"), each with its state, its file and
//! what the family may do with it: send, replace, delete, download. Used by the Documents
//! page, and meant for the re-enrolment wizard's third step.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tutti_shared::{
    ACCEPTED_EXTENSIONS, DocumentState, FILE_TOO_LARGE_MESSAGE, MAX_DOCUMENT_BYTES,
    RequiredDocument, UNSUPPORTED_FILE_MESSAGE, file_extension,
};

use crate::api::documents::{self as api, Piece};
use crate::components::{FormAlert, StatusMessage};
use crate::dates::paris_date_time;
use crate::files;
use crate::session::Session;

/// What the file input offers: the accepted extensions and their types, which on a phone
/// also offers the camera (`image/jpeg`).
const ACCEPT: &str = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png";

/// The pieces of the household (`student_id` absent) or of one child.
#[component]
pub fn PieceList(pieces: Vec<RequiredDocument>, student_id: Option<i64>) -> impl IntoView {
    if pieces.is_empty() {
        return view! { <p class="empty">"Aucune pièce n'est demandée."</p> }.into_any();
    }
    let items = pieces
        .into_iter()
        .map(|piece| view! { <PieceItem piece=piece student_id=student_id /> })
        .collect_view();
    view! { <ul class="pieces">{items}</ul> }.into_any()
}

/// "1,4 Mo" or "320 Ko": the legacy table gave sizes in Mo.
fn file_size(bytes: i64) -> String {
    const KIB: i64 = 1024;
    if bytes < KIB * KIB {
        format!("{} Ko", (bytes + KIB - 1) / KIB)
    } else {
        let tenths = (bytes * 10 + KIB * KIB / 2) / (KIB * KIB);
        format!("{},{} Mo", tenths / 10, tenths % 10)
    }
}

/// Why a chosen file cannot be sent, checked before sending (the server checks again).
fn refusal(name: &str, size: f64) -> Option<&'static str> {
    let accepted = file_extension(name)
        .is_some_and(|extension| ACCEPTED_EXTENSIONS.contains(&extension.as_str()));
    if !accepted {
        Some(UNSUPPORTED_FILE_MESSAGE)
    } else if size > MAX_DOCUMENT_BYTES as f64 {
        Some(FILE_TOO_LARGE_MESSAGE)
    } else {
        None
    }
}

/// What a piece's buttons do; `Callback`s, so that one body function serves every piece.
#[derive(Clone, Copy)]
struct Actions {
    /// The file input changed: read it and send the file.
    choose: Callback<()>,
    /// Download the file of this document id.
    download: Callback<i64>,
    /// Ask to delete (`true`), or cancel the question (`false`).
    confirm: Callback<bool>,
    /// Delete the file of this document id.
    delete: Callback<i64>,
}

/// One piece: name, help, form link, state, file, and the actions its state allows.
#[component]
fn PieceItem(piece: RequiredDocument, student_id: Option<i64>) -> impl IntoView {
    let session = Session::expect();
    let target = Piece {
        document_type_id: piece.document_type_id,
        student_id,
    };
    let current = RwSignal::new(piece);
    // Percentage sent while an upload runs.
    let sending = RwSignal::new(None::<u32>);
    let confirming = RwSignal::new(false);
    let done = RwSignal::new(None::<String>);
    let failed = RwSignal::new(None::<String>);
    let input_ref = NodeRef::<html::Input>::new();
    let tell = move |outcome: Result<String, String>| {
        let (shown, cleared) = match outcome {
            Ok(_) => (done, failed),
            Err(_) => (failed, done),
        };
        let _ = cleared.try_set(None);
        let _ = shown.try_set(Some(outcome.unwrap_or_else(|message| message)));
    };
    // After a change of state the body is drawn anew: keep the keyboard where it was.
    let refocus = move || {
        request_animation_frame(move || {
            if let Some(input) = input_ref.get_untracked() {
                let _ = input.focus();
            }
        });
    };

    let choose = Callback::new(move |()| {
        let Some(input) = input_ref.get_untracked() else {
            return;
        };
        let Some(chosen) = input.files().and_then(|list| list.get(0)) else {
            return;
        };
        // The same file chosen again must fire `change` again.
        input.set_value("");
        confirming.set(false);
        if let Some(message) = refusal(&chosen.name(), chosen.size()) {
            tell(Err(message.to_owned()));
            return;
        }
        done.set(None);
        failed.set(None);
        sending.set(Some(0));
        let sent = api::upload_document(session, target, &chosen, move |percent| {
            let _ = sending.try_set(Some(percent));
        });
        spawn_local(async move {
            let answer = sent.await;
            let _ = sending.try_set(None);
            tell(
                answer
                    .map(|stored| {
                        let message = format!(
                            "« {} » est transmis : l'école va le vérifier.",
                            stored.file_name
                        );
                        let _ = current.try_update(|piece| {
                            piece.state = DocumentState::Transmis;
                            piece.refusal_reason = None;
                            piece.file = Some(stored);
                        });
                        message
                    })
                    .map_err(|error| error.to_string()),
            );
            refocus();
        });
    });
    let delete = Callback::new(move |document_id: i64| {
        spawn_local(async move {
            let answer = api::delete_document(session, document_id).await;
            let _ = confirming.try_set(false);
            tell(
                answer
                    .map(|()| {
                        let _ = current.try_update(|piece| {
                            piece.state = DocumentState::AFournir;
                            piece.refusal_reason = None;
                            piece.file = None;
                        });
                        "Le fichier a été supprimé.".to_owned()
                    })
                    .map_err(|error| error.to_string()),
            );
            refocus();
        });
    });
    let download = Callback::new(move |document_id: i64| {
        let name =
            current.with_untracked(|piece| piece.file.as_ref().map(|file| file.file_name.clone()));
        spawn_local(async move {
            match api::document_file(session, document_id).await {
                Ok(blob) => files::save(&blob, name.as_deref().unwrap_or("document")),
                Err(error) => tell(Err(error.to_string())),
            }
        });
    });
    let actions = Actions {
        choose,
        download,
        confirm: Callback::new(move |asked| confirming.set(asked)),
        delete,
    };

    view! {
        <li class="piece panel">
            {move || piece_body(&current.read(), student_id, confirming.get(), sending.get().is_some(), actions, input_ref)}
            {move || sending.get().map(|percent| view! {
                <p class="piece-progress">
                    <progress max="100" value=percent aria-label="Envoi du fichier"></progress>
                    " Envoi… " {percent} " %"
                </p>
            })}
            <StatusMessage message=done />
            <FormAlert message=failed />
        </li>
    }
}

/// A piece as its state shows it; drawn anew when the state changes.
fn piece_body(
    piece: &RequiredDocument,
    student_id: Option<i64>,
    confirming: bool,
    sending: bool,
    actions: Actions,
    input_ref: NodeRef<html::Input>,
) -> AnyView {
    let input_id = format!(
        "piece-{}-{}",
        piece.document_type_id,
        student_id.unwrap_or(0)
    );
    let locked = piece.state == DocumentState::Valide;
    let file = piece.file.as_ref().map(|file| {
        let id = file.id;
        let name = if file.file_available {
            view! {
                <button type="button" class="link-button" on:click=move |_| actions.download.run(id)>
                    <span class="visually-hidden">"Télécharger "</span>
                    {file.file_name.clone()}
                </button>
            }
            .into_any()
        } else {
            file.file_name.clone().into_any()
        };
        let removed = (!file.file_available).then(|| {
            format!(
                "Validé le {} ; le fichier a été supprimé après vérification.",
                file.decided_at.map(paris_date_time).unwrap_or_default()
            )
        });
        let delete = (!locked).then(|| {
            if confirming {
                view! {
                    <p class="piece-confirm">
                        "Supprimer ce fichier ? "
                        <button type="button" class="button-secondary" on:click=move |_| actions.delete.run(id)>
                            "Oui, supprimer"
                        </button>
                        " "
                        <button type="button" class="button-secondary" on:click=move |_| actions.confirm.run(false)>
                            "Annuler"
                        </button>
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <button type="button" class="button-secondary" on:click=move |_| actions.confirm.run(true)>
                        "Supprimer le fichier"
                    </button>
                }
                .into_any()
            }
        });
        view! {
            <p class="piece-file">
                {name}
                <span class="piece-meta">
                    " · " {paris_date_time(file.uploaded_at)} " · " {file_size(file.size_bytes)}
                </span>
            </p>
            {removed.map(|text| view! { <p class="piece-meta">{text}</p> })}
            {delete}
        }
    });
    let chooser = (!locked).then(|| {
        let label = if piece.file.is_some() {
            "Remplacer le fichier"
        } else {
            "Envoyer un fichier"
        };
        view! {
            <div class="piece-upload">
                <label class="button-secondary" for=input_id.clone()>
                    {label}
                    <span class="visually-hidden">" : " {piece.name.clone()}</span>
                </label>
                <input
                    id=input_id
                    type="file"
                    accept=ACCEPT
                    node_ref=input_ref
                    disabled=sending
                    on:change=move |_| actions.choose.run(())
                />
            </div>
        }
    });
    let refusal_reason = piece
        .refusal_reason
        .clone()
        .filter(|_| piece.state == DocumentState::Refuse);
    view! {
        <div class="piece-head">
            <h3>{piece.name.clone()}</h3>
            <span class=format!("badge piece-state piece-{}", piece.state.as_str())>{piece.state.label()}</span>
        </div>
        {(!piece.required).then(|| view! { <p class="piece-meta">"Facultatif"</p> })}
        {(!piece.help_text.is_empty()).then(|| view! { <p class="piece-help">{piece.help_text.clone()}</p> })}
        {(!piece.form_url.is_empty()).then(|| view! {
            <p><a href=piece.form_url.clone() target="_blank" rel="noopener">"Formulaire à compléter"</a></p>
        })}
        {refusal_reason.map(|reason| view! {
            <p class="piece-refusal"><strong>"Motif du refus : "</strong>{reason}</p>
        })}
        {file}
        {chooser}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_ko_below_one_mo_and_in_mo_with_a_comma_above() {
        assert_eq!(file_size(1), "1 Ko");
        assert_eq!(file_size(320 * 1024), "320 Ko");
        assert_eq!(file_size(1024 * 1024), "1,0 Mo");
        assert_eq!(file_size(2 * 1024 * 1024 - 1), "2,0 Mo");
        assert_eq!(file_size(1_468_006), "1,4 Mo");
    }

    #[test]
    fn a_file_is_refused_before_sending_for_its_extension_or_its_size() {
        assert_eq!(refusal("rib.png", 1000.0), None);
        assert_eq!(refusal("RIB.PDF", 1000.0), None);
        assert_eq!(refusal("virus.exe", 1000.0), Some(UNSUPPORTED_FILE_MESSAGE));
        assert_eq!(refusal("scan", 1000.0), Some(UNSUPPORTED_FILE_MESSAGE));
        assert_eq!(
            refusal("scan.jpg", (MAX_DOCUMENT_BYTES + 1) as f64),
            Some(FILE_TOO_LARGE_MESSAGE)
        );
    }
}
