//! The editable sheet of a guardian ("Responsable") or a child ("Identité"), written once
//! and driven by the field lists declared once in `tutti_shared` (`EditableRecord::SPECS`
//! of `GuardianFields` and `StudentFields`: names, labels, kinds of input, required
//! fields, autofill tokens) and checked by the same trait's rules.
//!
//! A family's edit never changes the record: the server files each changed field as a
//! change request that staff approve or reject. So the form shows, for every field, the
//! value the family last asked for (pending) or else the value in force, marks the pending
//! ones, and sends only what differs from what it shows, with the version it read.

use std::collections::BTreeMap;

use futures::FutureExt;
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use tutti_shared::{
    CIVILITIES, EditableRecord, FieldInput, FieldSpec, GuardianChanges, GuardianFields,
    GuardianPatch, PendingChange, StudentChanges, StudentFields, StudentPatch,
};
use wasm_bindgen::JsCast;

use crate::api::{Answer, ApiError, family as api};
use crate::components::{FormAlert, StatusMessage};
use crate::forms::{FieldErrors, alert_summary};
use crate::i18n;
use crate::session::Session;

/// Beside "Enregistrer" whenever some field of the sheet awaits staff (legacy wording).
const PENDING_NOTE: &str = "Fiche en attente de validation par l'administration";

/// Once the server filed the changes; it emails an acknowledgment for every real change.
const SAVED: &str = "Vos modifications sont enregistrées et transmises à l'administration. \
                     Un accusé de réception vous a été envoyé par e-mail.";

/// "Enregistrer" with nothing changed: no request, so no needless acknowledgment email.
const NOTHING_TO_SAVE: &str = "Aucune modification à enregistrer.";

/// A 409: the sheet moved on (another tab, another guardian, staff) since it was read.
const CONFLICT: &str = "Ces informations ont été modifiées entre-temps, dans un autre onglet ou \
                        par l'administration : cette fois, rien n'a été enregistré. La fiche à jour \
                        est affichée et vos saisies sont conservées ; vérifiez-les puis enregistrez \
                        à nouveau.";

/// Marker of a field whose value awaits staff.
const PENDING_MARK: &str = "Modifié — en attente de validation";

/// Marker of a field typed into but not saved yet.
const UNSAVED_MARK: &str = "Modifié — pas encore enregistré";

/// The record a form edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A guardian of the household, by id.
    Guardian(i64),
    /// A child of the household, by id.
    Student(i64),
}

/// A record as the form shows it; field vectors follow the order of the kind's `FIELDS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// The version read, sent back with an edit so that a stale edit gets 409.
    pub version: i32,
    /// The value asked for when a change is pending, else the value in force.
    pub values: Vec<String>,
    /// Whether the value shown awaits validation.
    pub pending: Vec<bool>,
}

impl Sheet {
    /// The sheet of a record read from the server: pending values take the place of the
    /// values in force, since they are what the family last asked for.
    fn new<R: EditableRecord>(
        version: i32,
        fields: &R,
        pending: &BTreeMap<String, PendingChange>,
    ) -> Self {
        let (values, pending) = R::SPECS
            .iter()
            .map(|spec| match pending.get(spec.name) {
                Some(change) => (change.new_value.clone(), true),
                None => (
                    fields.field(spec.name).unwrap_or_default().to_owned(),
                    false,
                ),
            })
            .unzip();
        Self {
            version,
            values,
            pending,
        }
    }

    /// Whether any field awaits validation.
    fn has_pending(&self) -> bool {
        self.pending.contains(&true)
    }
}

/// Checks values (in `SPECS` order) with the very rules the server applies.
fn check<R: EditableRecord + Default>(values: &[String]) -> FieldErrors {
    let mut record = R::default();
    for (spec, value) in R::SPECS.iter().zip(values) {
        record.set_field(spec.name, value.clone());
    }
    record.check()
}

/// The fields whose typed value (trimmed, as the server compares) differs from the one
/// shown: exactly what the server would file, so nothing else is sent.
pub fn changed_fields(
    fields: &[FieldSpec],
    shown: &[String],
    typed: &[String],
) -> Vec<(&'static str, String)> {
    fields
        .iter()
        .zip(shown.iter().zip(typed))
        .filter(|(_, (shown, typed))| typed.trim() != shown.as_str())
        .map(|(spec, (_, typed))| (spec.name, typed.trim().to_owned()))
        .collect()
}

/// The values to show after a conflict: what the family typed stays, every field they
/// left alone takes its current value.
pub fn merge_after_conflict(
    before: &[String],
    typed: &[String],
    current: &[String],
) -> Vec<String> {
    current
        .iter()
        .enumerate()
        .map(
            |(index, current)| match (before.get(index), typed.get(index)) {
                (Some(before), Some(typed)) if typed.trim() != before.as_str() => typed.clone(),
                _ => current.clone(),
            },
        )
        .collect()
}

fn changes_map(changes: Vec<(&'static str, String)>) -> BTreeMap<String, Option<String>> {
    // Inserted one by one: `collect()` would sort first, with a sort's code per map type.
    let mut map = BTreeMap::new();
    for (field, value) in changes {
        map.insert(field.to_owned(), Some(value));
    }
    map
}

/// A change list that the wire type refuses can only come from a bug here: say so
/// plainly rather than panic.
fn unexpected<E>(_: E) -> ApiError {
    ApiError::Unexpected { status: 0 }
}

impl Subject {
    fn fields(self) -> &'static [FieldSpec] {
        match self {
            Subject::Guardian(_) => GuardianFields::SPECS,
            Subject::Student(_) => StudentFields::SPECS,
        }
    }

    fn check(self, values: &[String]) -> FieldErrors {
        match self {
            Subject::Guardian(_) => check::<GuardianFields>(values),
            Subject::Student(_) => check::<StudentFields>(values),
        }
    }

    /// The civilities offered: the legacy guardian form knows only two.
    fn civilities(self) -> &'static [&'static str] {
        match self {
            Subject::Guardian(_) => &CIVILITIES[..2],
            Subject::Student(_) => CIVILITIES,
        }
    }

    /// The record as the server has it now (after a conflict).
    ///
    /// Plain future combinators over the boxed answers rather than `async fn`s: each
    /// `async` state machine would be inlined, both branches, into the form's save.
    fn load(self, session: Session) -> Answer<Sheet> {
        match self {
            Subject::Guardian(id) => api::find_family(session)
                .map(move |family| {
                    let guardian = family?
                        .guardians
                        .into_iter()
                        .find(|guardian| guardian.id == id)
                        .ok_or(ApiError::Unexpected { status: 404 })?;
                    Ok(guardian_sheet(&guardian))
                })
                .boxed_local(),
            Subject::Student(id) => api::find_student(session, id)
                .map(|student| Ok(student_sheet(&student?)))
                .boxed_local(),
        }
    }

    /// Sends the changed fields; answers the sheet as the server now has it.
    fn save(
        self,
        session: Session,
        version: i32,
        changes: Vec<(&'static str, String)>,
    ) -> Answer<Sheet> {
        let changes = changes_map(changes);
        match self {
            Subject::Guardian(id) => match GuardianChanges::try_from(changes) {
                Ok(changes) => {
                    api::update_guardian(session, id, &GuardianPatch { version, changes })
                        .map(|saved| Ok(guardian_sheet(&saved?)))
                        .boxed_local()
                }
                Err(error) => futures::future::ready(Err(unexpected(error))).boxed_local(),
            },
            Subject::Student(id) => match StudentChanges::try_from(changes) {
                Ok(changes) => api::update_student(session, id, &StudentPatch { version, changes })
                    .map(|saved| Ok(student_sheet(&saved?)))
                    .boxed_local(),
                Err(error) => futures::future::ready(Err(unexpected(error))).boxed_local(),
            },
        }
    }
}

/// The sheet of a guardian as read with the household.
pub fn guardian_sheet(guardian: &tutti_shared::GuardianView) -> Sheet {
    Sheet::new(guardian.version, &guardian.fields, &guardian.pending)
}

/// The sheet of a child as read from its identity.
pub fn student_sheet(student: &tutti_shared::StudentView) -> Sheet {
    Sheet::new(student.version, &student.fields, &student.pending)
}

/// The form's state; `Copy`, so every field's closures and the handlers take it freely.
#[derive(Clone, Copy)]
struct FormSignals {
    /// The record as the server last answered.
    shown: RwSignal<Sheet>,
    /// What the inputs hold, one signal per field in `SPECS` order.
    typed: StoredValue<Vec<RwSignal<String>>>,
    /// Field name to message.
    errors: RwSignal<FieldErrors>,
    /// The form's error summary (`role="alert"`).
    alert: RwSignal<Option<String>>,
    /// The confirmation beside "Enregistrer" (`role="status"`).
    status: RwSignal<Option<String>>,
    form: NodeRef<html::Form>,
}

/// An edit ready to send: the version read and the changed fields.
type Edit = (i32, Vec<(&'static str, String)>);

impl FormSignals {
    fn typed_values(&self) -> Vec<String> {
        self.typed
            .with_value(|typed| typed.iter().map(|value| value.get_untracked()).collect())
    }

    fn show_values(&self, values: &[String]) {
        self.typed.with_value(|typed| {
            for (signal, value) in typed.iter().zip(values) {
                signal.set(value.clone());
            }
        });
    }

    /// Shows field messages under a summary and takes the focus to the first bad field.
    fn refuse(&self, summary: String, fields: FieldErrors) {
        self.errors.set(fields);
        self.alert.set(Some(summary));
        focus_first_invalid(self.form);
    }

    /// Checks what was typed with the shared rules; the edit to send when it passes and
    /// something changed.
    fn edit(&self, subject: Subject) -> Option<Edit> {
        self.errors.set(FieldErrors::new());
        self.alert.set(None);
        self.status.set(None);
        let typed: Vec<String> = self
            .typed_values()
            .iter()
            .map(|value| value.trim().to_owned())
            .collect();
        let errors = subject.check(&typed);
        if !errors.is_empty() {
            self.refuse(i18n::FIX_THE_FIELDS.to_owned(), errors);
            return None;
        }
        let (version, changes) = self.shown.with_untracked(|sheet| {
            let changes = changed_fields(subject.fields(), &sheet.values, &typed);
            (sheet.version, changes)
        });
        if changes.is_empty() {
            self.status.set(Some(NOTHING_TO_SAVE.to_owned()));
            return None;
        }
        Some((version, changes))
    }

    /// Sends the edit and shows the outcome: the saved sheet, the refused fields, or after
    /// a conflict the current sheet with what the family typed.
    async fn save(self, subject: Subject, session: Session, (version, changes): Edit) {
        let error = match subject.save(session, version, changes).await {
            Ok(saved) => {
                self.show_values(&saved.values);
                self.shown.set(saved);
                self.status.set(Some(SAVED.to_owned()));
                return;
            }
            Err(error) => error,
        };
        if !matches!(&error, ApiError::Api { body, .. } if body.code.is_conflict()) {
            let fields = error.fields();
            self.refuse(alert_summary(&error.to_string(), &fields), fields);
            return;
        }
        match subject.load(session).await {
            Ok(current) => {
                let before = self.shown.with_untracked(|sheet| sheet.values.clone());
                let kept = merge_after_conflict(&before, &self.typed_values(), &current.values);
                self.show_values(&kept);
                self.shown.set(current);
                self.alert.set(Some(CONFLICT.to_owned()));
            }
            Err(load_error) => self.alert.set(Some(format!("{CONFLICT} {load_error}"))),
        }
    }
}

/// Every field of a guardian or a child, with its markers and messages, and "Enregistrer".
///
/// Checks with the shared rules before sending; on 422 shows each field's message; on 409
/// says so, reloads the record and keeps what the family typed.
#[component]
pub fn RecordForm(
    /// Which record, hence which fields, rules and endpoint.
    subject: Subject,
    /// Prefix of the inputs' ids, unique in the page (two guardians share one page).
    id_prefix: String,
    /// The record as read from the server.
    sheet: Sheet,
) -> impl IntoView {
    let session = Session::expect();
    let state = FormSignals {
        typed: StoredValue::new(sheet.values.iter().cloned().map(RwSignal::new).collect()),
        shown: RwSignal::new(sheet),
        errors: RwSignal::new(FieldErrors::new()),
        alert: RwSignal::new(None),
        status: RwSignal::new(None),
        form: NodeRef::new(),
    };
    let save = crate::components::Busy::new();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if save.running() {
            return;
        }
        if let Some(edit) = state.edit(subject) {
            save.run(state.save(subject, session, edit));
        }
    };

    let field_views = subject
        .fields()
        .iter()
        .enumerate()
        .map(|(index, spec)| {
            let id = format!("{id_prefix}-{}", spec.name);
            view! { <RecordField subject=subject state=state index=index spec=*spec id=id /> }
        })
        .collect_view();

    view! {
        <form class="record-form" novalidate node_ref=state.form on:submit=on_submit>
            <FormAlert message=state.alert />
            <div class="record-fields">{field_views}</div>
            <div class="record-actions">
                <button type="submit" class="button-primary">
                    {move || if save.get() { "Enregistrement…" } else { "Enregistrer" }}
                </button>
                <div class="record-notes">
                    {move || {
                        state
                            .shown
                            .with(Sheet::has_pending)
                            .then_some(view! {
                                <p class="pending-note">
                                    <span class="change-mark" aria-hidden="true">"✓ "</span>
                                    {PENDING_NOTE}
                                </p>
                            })
                    }}
                    <StatusMessage message=state.status />
                </div>
            </div>
        </form>
    }
}

/// Which marker a field shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    Pending,
    Unsaved,
}

/// One labelled field: a text-like input (or the civility choice), its marker, its error.
#[component]
fn RecordField(
    subject: Subject,
    state: FormSignals,
    index: usize,
    spec: FieldSpec,
    id: String,
) -> impl IntoView {
    let FieldSpec {
        name,
        label,
        input,
        required,
        autofill,
    } = spec;
    let Some(value) = state.typed.with_value(|typed| typed.get(index).copied()) else {
        return ().into_any();
    };
    let error = move || state.errors.with(|errors| errors.get(name).cloned());
    let mark = move || {
        value.with(|typed| {
            state.shown.with(|sheet| {
                let shown = sheet.values.get(index).map_or("", String::as_str);
                if typed.trim() != shown {
                    Some(Mark::Unsaved)
                } else if sheet.pending.get(index).copied().unwrap_or(false) {
                    Some(Mark::Pending)
                } else {
                    None
                }
            })
        })
    };
    let (mark_id, error_id) = (format!("{id}-marque"), format!("{id}-erreur"));
    let described_by = {
        let (mark_id, error_id) = (mark_id.clone(), error_id.clone());
        move || {
            let ids: Vec<&str> = mark()
                .map(|_| mark_id.as_str())
                .into_iter()
                .chain(
                    state
                        .errors
                        .with(|errors| errors.contains_key(name))
                        .then_some(error_id.as_str()),
                )
                .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move || {
        state
            .errors
            .with(|errors| errors.contains_key(name))
            .then_some("true")
    };
    // Civilities (two for guardians, three for children) and the fixed French lists.
    let offered: Option<Vec<(&'static str, &'static str)>> = if input == FieldInput::Civility {
        Some(
            subject
                .civilities()
                .iter()
                .map(|civility| (*civility, *civility))
                .collect(),
        )
    } else {
        input.choices().map(<[_]>::to_vec)
    };
    let control = if let Some(offered) = offered {
        // A value the list does not offer (entered by staff, or before the list existed)
        // stays shown and selected.
        let current = value.get_untracked();
        let extra = (!current.is_empty() && !offered.iter().any(|(listed, _)| *listed == current))
            .then(|| (current.clone(), current));
        let options = offered
            .into_iter()
            .map(|(stored, label)| (stored.to_owned(), label.to_owned()))
            .chain(extra)
            .map(|(stored, label)| {
                view! {
                    <option value=stored.clone() selected=move || value.with(|chosen| *chosen == stored)>
                        {label}
                    </option>
                }
            })
            .collect_view();
        view! {
            <select
                id=id.clone()
                name=name
                autocomplete=autofill
                aria-invalid=invalid
                aria-describedby=described_by
                on:change=move |event| value.set(event_target_value(&event))
            >
                <option value="" selected=move || value.with(String::is_empty)>"Non renseigné"</option>
                {options}
            </select>
        }
        .into_any()
    } else {
        let kind = match input {
            FieldInput::Email => "email",
            FieldInput::Date => "date",
            FieldInput::Phone => "tel",
            _ => "text",
        };
        view! {
            <input
                id=id.clone()
                name=name
                type=kind
                autocomplete=autofill
                inputmode=(input == FieldInput::Postcode).then_some("numeric")
                spellcheck=(kind == "email").then_some("false")
                autocapitalize=(kind == "email").then_some("none")
                required=required
                aria-invalid=invalid
                aria-describedby=described_by
                bind:value=value
            />
        }
        .into_any()
    };
    view! {
        <div class="field" class:field-wide=matches!(input, FieldInput::LongText | FieldInput::Email)>
            <label for=id>
                {label}
                {required.then_some(view! { <span class="field-required">" (obligatoire)"</span> })}
            </label>
            {control}
            {move || {
                let mark_id = mark_id.clone();
                mark()
                    .map(|mark| {
                        let text = if mark == Mark::Pending { PENDING_MARK } else { UNSAVED_MARK };
                        view! {
                            <p class="change-marker" class:change-marker-unsaved=mark == Mark::Unsaved id=mark_id>
                                <span class="change-mark" aria-hidden="true">
                                    {if mark == Mark::Pending { "✓" } else { "✎" }}
                                </span>
                                {text}
                            </p>
                        }
                    })
            }}
            {move || {
                let error_id = error_id.clone();
                error().map(|message| view! { <p class="field-error" id=error_id>{message}</p> })
            }}
        </div>
    }
    .into_any()
}

/// Focuses the form's first field marked invalid, once the marks are on screen, so that
/// keyboard and screen-reader users land where the work is.
fn focus_first_invalid(form: NodeRef<html::Form>) {
    request_animation_frame(move || {
        let field = form
            .get_untracked()
            .and_then(|form| form.query_selector("[aria-invalid='true']").ok().flatten())
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(field) = field {
            // Focus can only fail on a detached element; nothing useful to do then.
            let _ = field.focus();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|value| (*value).to_owned()).collect()
    }

    #[test]
    fn a_sheet_shows_pending_values_in_place_of_the_values_in_force() {
        let fields = GuardianFields {
            last_name: "Martin".into(),
            phone_mobile: "06 12 34 56 78".into(),
            ..GuardianFields::default()
        };
        let requested_at = chrono::NaiveDate::from_ymd_opt(2026, 11, 12)
            .and_then(|day| day.and_hms_opt(9, 0, 0))
            .unwrap_or_default();
        let pending = BTreeMap::from([(
            "phone_mobile".to_owned(),
            PendingChange {
                new_value: "07 11 22 33 44".into(),
                requested_at,
            },
        )]);
        let sheet = Sheet::new(3, &fields, &pending);
        let mobile = GuardianFields::SPECS
            .iter()
            .position(|spec| spec.name == "phone_mobile")
            .unwrap_or_default();
        assert_eq!(sheet.version, 3);
        assert_eq!(sheet.values[1], "Martin");
        assert_eq!(sheet.values[mobile], "07 11 22 33 44");
        assert!(sheet.pending[mobile] && !sheet.pending[1]);
        assert!(sheet.has_pending());
    }

    #[test]
    fn only_fields_that_differ_once_trimmed_are_sent() {
        let fields: Vec<FieldSpec> = ["city", "postcode", "email"]
            .iter()
            .filter_map(|name| GuardianFields::SPECS.iter().find(|spec| spec.name == *name))
            .copied()
            .collect();
        let shown = strings(&["Créteil", "94000", "a@b.fr"]);
        let typed = strings(&[" Créteil ", "94420 ", "a@b.fr"]);
        assert_eq!(
            changed_fields(&fields, &shown, &typed),
            vec![("postcode", "94420".to_owned())]
        );
    }

    #[test]
    fn after_a_conflict_typed_values_stay_and_untouched_ones_are_refreshed() {
        let before = strings(&["Martin", "Claire", "06 12 34 56 78"]);
        let typed = strings(&["Martin", "Claire-Marie", "06 12 34 56 78"]);
        let current = strings(&["Martin-Durand", "Claire", "07 00 00 00 00"]);
        assert_eq!(
            merge_after_conflict(&before, &typed, &current),
            strings(&["Martin-Durand", "Claire-Marie", "07 00 00 00 00"])
        );
    }

    #[test]
    fn the_client_check_gives_the_server_s_messages() {
        let mut values = vec![String::new(); GuardianFields::SPECS.len()];
        let postcode = GuardianFields::SPECS
            .iter()
            .position(|spec| spec.name == "postcode")
            .unwrap_or_default();
        values[postcode] = "9442".to_owned();
        let errors = check::<GuardianFields>(&values);
        assert_eq!(errors["postcode"], "Code postal invalide (5 chiffres).");
        assert_eq!(errors["last_name"], i18n::REQUIRED_FIELD);
    }
}
