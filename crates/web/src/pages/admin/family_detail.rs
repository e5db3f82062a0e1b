//! One household (guardians, children, accounts) and one student, read-only, with the
//! values awaiting validation shown beside the ones in force; and the household's
//! choices that decide some of its documents, which staff record.

use std::collections::BTreeMap;

use futures::FutureExt;
use leptos::prelude::*;
use tutti_shared::{
    GuardianFields, HouseholdChoices, NewFamilyAccountInput, PendingChange, StudentFields,
};

use super::widgets::{
    Field, Form, Kind, Loader, alert, choices, data_table, focus_later, hint, link, link_line,
    render, section, status,
};
use crate::api::{self, ApiError};
use crate::components::Page;
use crate::dates::{DateStyle, french_date, paris_date_time};
use crate::session::Session;

/// A record's fields as a definition list: label, value in force ("—" when empty), and
/// the value awaiting validation, with the day it was asked, when there is one.
fn record(
    labels: &'static [(&'static str, &'static str)],
    value: &dyn Fn(&str) -> String,
    pending: &BTreeMap<String, PendingChange>,
) -> AnyView {
    let rows = labels
        .iter()
        .map(|(name, label)| {
            let current = Some(value(name)).filter(|text| !text.is_empty());
            let change = pending.get(*name).map(|change| {
                let asked = Some(change.new_value.clone()).filter(|text| !text.is_empty());
                view! {
                    <span class="pending-value">
                        "En attente de validation : "
                        <strong>{asked.unwrap_or_else(|| "(vide)".to_owned())}</strong>
                        {format!(" (demandé le {})", paris_date_time(change.requested_at))}
                    </span>
                }
            });
            view! {
                <div class="record-row">
                    <dt>{*label}</dt>
                    <dd>{current.unwrap_or_else(|| "—".to_owned())} {change}</dd>
                </div>
            }
        })
        .collect_view();
    view! { <dl class="record-list">{rows}</dl> }.into_any()
}

/// A student's field as shown: the birth date the French way, the rest as stored.
fn student_value(fields: &StudentFields, field: &str) -> String {
    let value = fields.get(field).unwrap_or_default();
    match (field, value.parse()) {
        ("birth_date", Ok(day)) => french_date(day, DateStyle::Numeric),
        _ => value.to_owned(),
    }
}

/// A titled card holding a record.
fn record_card(title: AnyView, content: AnyView) -> AnyView {
    view! {
        <article class="panel admin-record">
            <h3>{title}</h3>
            {content}
        </article>
    }
    .into_any()
}

/// "Choix du foyer": the household's choices as three checkboxes, its quotient familial
/// (empty = not provided) and a save button.
/// Until the re-enrolment wizard lets families choose, staff record them here. After a
/// save, or a 409 (someone saved first), the form shows the choices now in force.
fn choices_section(session: Session, id: i64, first: HouseholdChoices) -> AnyView {
    let choices = RwSignal::new(first);
    let notice = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let form = move || {
        let current = choices.get();
        let checked = |on: bool| if on { "true" } else { "" }.to_owned();
        let fields = vec![
            Field::new("pays_by_direct_debit", "Paie par prélèvement", Kind::Check),
            Field::new("resident", "Réside dans la commune", Kind::Check),
            Field::new("pedibus_requested", "Demande le pédibus", Kind::Check),
            Field::new(
                "quotient_familial_euros",
                "Quotient familial (€)",
                Kind::Number,
            )
            .optional(),
        ];
        Form::new("choix", "Enregistrer les choix", fields, move |values| {
            let input = HouseholdChoices {
                pays_by_direct_debit: values.checked("pays_by_direct_debit"),
                resident: values.checked("resident"),
                pedibus_requested: values.checked("pedibus_requested"),
                // Empty: not provided (the estimate applies the highest bracket).
                quotient_familial_euros: values.optional_number("quotient_familial_euros")?,
                version: current.version,
            };
            Ok(async move {
                notice.set(None);
                problem.set(None);
                let in_force = match api::admin::update_household_choices(session, id, &input).await
                {
                    Ok(saved) => {
                        notice.set(Some("Choix du foyer enregistrés.".to_owned()));
                        saved
                    }
                    Err(stale @ ApiError::Api { status: 409, .. }) => {
                        // The message says the choices in force are shown: read them first.
                        let detail = api::admin::find_family_detail(session, id).await;
                        problem.set(Some(stale.to_string()));
                        detail?.choices
                    }
                    Err(error) => return Err(error),
                };
                // The form is built anew from these; its button, which had the focus, goes.
                choices.set(in_force);
                focus_later("choix-titre");
                Ok(String::new())
            }
            .boxed_local())
        })
        .initial(vec![
            checked(current.pays_by_direct_debit),
            checked(current.resident),
            checked(current.pedibus_requested),
            current
                .quotient_familial_euros
                .map(|euros| euros.to_string())
                .unwrap_or_default(),
        ])
        .view()
    };
    section(
        "choix-titre",
        "Choix du foyer",
        vec![
            hint(
                "Ces choix décident des pièces demandées à la famille : mandat SEPA et RIB, quotient familial, pédibus.",
            ),
            alert(problem),
            status(notice),
            form.into_any(),
        ],
    )
}

/// "Comptes de la famille": the household's accounts (identifiant, e-mail, whose,
/// created when, password chosen or not), and a form giving a guardian without one an
/// account of their own. The list is read again after a creation, and the form goes
/// once every guardian has an account.
fn accounts_section(session: Session, id: i64, guardians: Vec<(i64, String, String)>) -> AnyView {
    let created = RwSignal::new(None::<String>);
    // Read by the loader before it asks: a creation moves it on, and the list follows.
    let creations = RwSignal::new(0_u32);
    let accounts = Loader::new(move || {
        creations.track();
        let guardians = guardians.clone();
        async move {
            let accounts = api::admin::list_family_accounts(session, id).await?;
            Ok(render(move || {
                let rows = accounts
                    .iter()
                    .map(|account| {
                        let whose = account
                            .guardian_name
                            .clone()
                            .unwrap_or_else(|| "—".to_owned());
                        let password = if account.password_set {
                            "Choisi"
                        } else {
                            "Pas encore choisi"
                        };
                        vec![
                            account.login.clone().into_any(),
                            account.email.clone().into_any(),
                            whose.into_any(),
                            paris_date_time(account.created_at).into_any(),
                            password.into_any(),
                        ]
                    })
                    .collect();
                let table = data_table(
                    "Comptes de connexion du foyer".to_owned(),
                    "Aucun compte pour ce foyer.",
                    &[
                        "Identifiant",
                        "E-mail",
                        "Responsable",
                        "Créé le",
                        "Mot de passe",
                    ],
                    0,
                    rows,
                );
                // A household has at most one account per guardian.
                let without: Vec<(i64, String, String)> = guardians
                    .iter()
                    .filter(|(guardian, _, _)| {
                        !accounts
                            .iter()
                            .any(|account| account.guardian_id == Some(*guardian))
                    })
                    .cloned()
                    .collect();
                let form = if without.is_empty() || accounts.len() >= guardians.len() {
                    hint("Chaque responsable du foyer a son compte.")
                } else {
                    account_form(session, id, without, created, creations)
                };
                view! { {table} {form} }.into_any()
            }))
        }
        .boxed_local()
    });
    section(
        "comptes-titre",
        "Comptes de la famille",
        vec![
            hint(
                "Chaque responsable peut avoir son propre compte sur ce foyer. Il reçoit son identifiant par e-mail et choisit lui-même son mot de passe.",
            ),
            status(created),
            accounts.view().into_any(),
        ],
    )
}

/// "Créer un compte": the guardian (among those without an account), the identifiant
/// and the e-mail the welcome goes to, first filled with the first such guardian's.
/// Server errors land on their fields (`login`, `email`, `guardian_id`).
fn account_form(
    session: Session,
    id: i64,
    without: Vec<(i64, String, String)>,
    created: RwSignal<Option<String>>,
    creations: RwSignal<u32>,
) -> AnyView {
    let first = without
        .first()
        .map(|(guardian, _, email)| (guardian.to_string(), email.clone()))
        .unwrap_or_default();
    let options = without
        .into_iter()
        .map(|(guardian, name, _)| (guardian.to_string(), name))
        .collect();
    let fields = vec![
        Field::new("guardian_id", "Responsable", choices(options)),
        Field::new("login", "Identifiant", Kind::Text),
        Field::new("email", "E-mail", Kind::Text),
    ];
    let form = Form::new("nouveau-compte", "Créer le compte", fields, move |values| {
        let input = NewFamilyAccountInput {
            guardian_id: values.number("guardian_id")?,
            login: values.text("login"),
            email: values.text("email"),
        };
        Ok(async move {
            created.set(None);
            let account = api::admin::create_family_account(session, id, &input).await?;
            created.set(Some(format!(
                "Le compte « {} » est créé. Un e-mail a été envoyé à {} avec cet identifiant et la marche à suivre pour choisir un mot de passe.",
                account.login, account.email
            )));
            creations.update(|count| *count = count.wrapping_add(1));
            focus_later("comptes-titre");
            Ok(String::new())
        }
        .boxed_local())
    })
    .initial(vec![first.0, String::new(), first.1]);
    view! { <h3>"Créer un compte pour un autre responsable"</h3> {form.view()} }.into_any()
}

/// A household as staff see it.
pub fn family_page(id: i64) -> AnyView {
    let session = Session::expect();
    let heading = RwSignal::new("Famille".to_owned());
    let detail = Loader::new(move || {
        async move {
            let family = api::admin::find_family_detail(session, id).await?;
            heading.set(family.name.clone());
            Ok(render(move || {
                let guardians = family
                    .guardians
                    .iter()
                    .map(|guardian| {
                        let fields = &guardian.fields;
                        let name = format!("{} {} {}", fields.civility, fields.first_name, fields.last_name);
                        let value = |field: &str| fields.get(field).unwrap_or_default().to_owned();
                        record_card(name.trim().to_owned().into_any(), record(GuardianFields::FIELDS, &value, &guardian.pending))
                    })
                    .collect_view();
                let students = family
                    .students
                    .iter()
                    .map(|student| {
                        let fields = &student.fields;
                        let name = format!("{} {}", fields.first_name, fields.last_name);
                        let value = |field: &str| student_value(fields, field);
                        record_card(
                            link(format!("/admin/eleves/{}", student.id), name),
                            record(StudentFields::FIELDS, &value, &student.pending),
                        )
                    })
                    .collect_view();
                let owners = family
                    .guardians
                    .iter()
                    .map(|guardian| {
                        let fields = &guardian.fields;
                        (guardian.id, format!("{} {}", fields.first_name, fields.last_name), fields.email.clone())
                    })
                    .collect();
                view! {
                    <p>{link(format!("/admin/demandes?famille={id}"), "Voir les demandes de modification de cette famille".to_owned())}</p>
                    {choices_section(session, id, family.choices)}
                    {accounts_section(session, id, owners)}
                    <h2>"Responsables"</h2>
                    <div class="admin-record-grid">{guardians}</div>
                    <h2>"Élèves"</h2>
                    {family.students.is_empty().then(|| view! { <p class="empty">"Aucun élève dans ce foyer."</p> })}
                    <div class="admin-record-grid">{students}</div>
                }
                .into_any()
            }))
        }
        .boxed_local()
    });
    let parts = vec![
        link_line("/admin/familles", "Retour à la liste des familles"),
        detail.view().into_any(),
    ];
    view! { <Page title="Famille" heading=heading>{parts}</Page> }.into_any()
}

/// A student's record, read-only.
pub fn student_page(id: i64) -> AnyView {
    let session = Session::expect();
    let heading = RwSignal::new("Élève".to_owned());
    let student = Loader::new(move || {
        async move {
            let student = api::admin::find_site_student(session, id).await?;
            heading.set(format!("{} {}", student.fields.first_name, student.fields.last_name));
            Ok(render(move || {
                let value = |field: &str| student_value(&student.fields, field);
                view! { <div class="panel admin-record">{record(StudentFields::FIELDS, &value, &student.pending)}</div> }
                    .into_any()
            }))
        }
        .boxed_local()
    });
    let parts = vec![
        link_line("/admin/eleves", "Retour à la liste des élèves"),
        student.view().into_any(),
    ];
    view! { <Page title="Élève" heading=heading>{parts}</Page> }.into_any()
}
