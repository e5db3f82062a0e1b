//! The rules of households: what a family sees, how its edits become pending change
//! requests (version check, diff against what is pending, validation of the record as
//! it would be), and how staff create households, record their choices and decide
//! requests.
//!
//! Every function runs its work in one transaction on the blocking pool: a family's edit
//! is one trip (the caller's session check is the other).

use std::collections::BTreeMap;

use tutti_shared::{
    ChangeRequest, ChangeRequestQuery, ChangeStatus, Decision, EditableRecord, EmailAddress,
    ErrorCode, FamilyAccount, FamilyDetail, FamilyListItem, FamilyView, GuardianFields,
    GuardianView, HouseholdChoices, NewFamilyAccountInput, NewFamilyInput, StudentFields,
    StudentListItem, StudentSummary, StudentView,
};

use super::emails;
use super::store::{self, Guardian, NewChangeRequest, Student, Target};
use crate::audit::{AuditEntry, record, record_school_action};
use crate::caller::{FamilyCaller, SchoolCaller};
use crate::db::{DbConnection, now, write_transaction};
use crate::domain::{DomainError, FieldErrors, HouseholdId, SiteId};
use crate::mail::Delivery;
use crate::mail::store::enqueue;
use crate::state::AppState;

/// A guardian with its pending changes.
fn guardian_view(guardian: &Guardian, pending: &mut PendingByRecord) -> GuardianView {
    GuardianView {
        id: guardian.id,
        version: guardian.version,
        fields: guardian.fields(),
        pending: pending.remove(&guardian.id).unwrap_or_default(),
    }
}

/// A student with its pending changes.
fn student_view(student: &Student, pending: &mut PendingByRecord) -> StudentView {
    StudentView {
        id: student.id,
        version: student.version,
        fields: student.fields(),
        pending: pending.remove(&student.id).unwrap_or_default(),
    }
}

type PendingByRecord = BTreeMap<i64, BTreeMap<String, tutti_shared::PendingChange>>;

/// The household with its guardians and their pending changes; 404 when the household
/// is not of this site.
fn family_view(
    connection: &mut DbConnection,
    site: SiteId,
    household: HouseholdId,
) -> Result<FamilyView, DomainError> {
    let name = store::household_name(connection, site, household)?.ok_or(DomainError::NotFound)?;
    let guardians = store::family_guardians(connection, site, household)?;
    let ids: Vec<i64> = guardians.iter().map(|guardian| guardian.id).collect();
    let mut pending = store::pending_changes(connection, site, Target::Guardian, &ids)?;
    Ok(FamilyView {
        id: household.0,
        name,
        guardians: guardians
            .iter()
            .map(|guardian| guardian_view(guardian, &mut pending))
            .collect(),
    })
}

/// Every child of the household with its pending changes, in one query for all.
fn student_views(
    connection: &mut DbConnection,
    site: SiteId,
    household: HouseholdId,
) -> Result<Vec<StudentView>, DomainError> {
    let students = store::family_students(connection, site, household)?;
    let ids: Vec<i64> = students.iter().map(|student| student.id).collect();
    let mut pending = store::pending_changes(connection, site, Target::Student, &ids)?;
    Ok(students
        .iter()
        .map(|student| student_view(student, &mut pending))
        .collect())
}

fn one_student_view(
    connection: &mut DbConnection,
    student: &Student,
) -> Result<StudentView, DomainError> {
    let mut pending = store::pending_changes(
        connection,
        SiteId(student.site_id),
        Target::Student,
        &[student.id],
    )?;
    Ok(student_view(student, &mut pending))
}

/// The family's household.
pub async fn find_family(
    state: &AppState,
    family: FamilyCaller,
) -> Result<FamilyView, DomainError> {
    state
        .db
        .run(move |connection| family_view(connection, family.site, family.household))
        .await
}

/// The family's children, eldest first.
pub async fn list_students(
    state: &AppState,
    family: FamilyCaller,
) -> Result<Vec<StudentSummary>, DomainError> {
    let students = state
        .db
        .run(move |connection| {
            store::family_students(connection, family.site, family.household)
                .map_err(DomainError::from)
        })
        .await?;
    Ok(students
        .into_iter()
        .map(|student| StudentSummary {
            id: student.id,
            first_name: student.first_name,
            last_name: student.last_name,
        })
        .collect())
}

/// A child of the household; 404 for anyone else's.
pub fn own_student(
    connection: &mut DbConnection,
    family: &FamilyCaller,
    student_id: i64,
) -> Result<Student, DomainError> {
    store::find_family_student(connection, family.site, family.household, student_id)?
        .ok_or(DomainError::NotFound)
}

/// A child's identity with its pending changes.
pub async fn find_student(
    state: &AppState,
    family: FamilyCaller,
    student_id: i64,
) -> Result<StudentView, DomainError> {
    state
        .db
        .run(move |connection| {
            let student = own_student(connection, &family, student_id)?;
            one_student_view(connection, &student)
        })
        .await
}

/// Turns a family's edit of one record into pending change requests. The version must be
/// the current one; the record is validated as it would be once every pending and new
/// change applied. Returns the changed fields as (French label, value).
fn request_changes<R: EditableRecord>(
    connection: &mut DbConnection,
    family: &FamilyCaller,
    target: Target,
    (target_id, current_version): (i64, i32),
    current: &R,
    (expected_version, changes): (i32, &R::Changes),
) -> Result<Vec<(String, String)>, DomainError> {
    if expected_version != current_version {
        return Err(DomainError::Stale);
    }
    let pending = store::pending_changes(connection, family.site, target, &[target_id])?
        .remove(&target_id)
        .unwrap_or_default();
    let changed = current.changes_against(changes, &pending);
    let mut wished = current.clone();
    for (field, change) in &pending {
        wished.set_field(field, change.new_value.clone());
    }
    for (field, value) in &changed {
        wished.set_field(field, value.clone());
    }
    let mut errors = wished.check();
    // A value off a fixed list that is already in force (entered before the list, by the
    // legacy import or by staff) stays accepted until someone changes it: it must not
    // block the family's edit of another field.
    errors.retain(|field, _| {
        let listed = R::SPECS
            .iter()
            .any(|spec| spec.name == field.as_str() && spec.input.choices().is_some());
        !listed || wished.field(field) != current.field(field)
    });
    DomainError::check(errors)?;
    if changed.is_empty() {
        return Ok(Vec::new());
    }
    let time = now();
    // The version moves, so that a concurrent edit made against the same version loses.
    if !store::bump_version(connection, target, target_id, expected_version, time)? {
        return Err(DomainError::Stale);
    }
    for (field, new_value) in &changed {
        store::supersede_pending(connection, target, target_id, field, time)?;
        let old_value = current.field(field).unwrap_or_default();
        // Asking for the value in force just withdraws the pending request.
        if old_value == new_value {
            continue;
        }
        store::insert_change_request(
            connection,
            &NewChangeRequest {
                site_id: family.site.0,
                family_id: family.household.0,
                target,
                target_id,
                field,
                old_value,
                new_value,
                account_id: family.account.0,
                requested_at: time,
            },
        )?;
    }
    Ok(changed
        .into_iter()
        .map(|(field, value)| (R::field_label(field).to_owned(), value))
        .collect())
}

/// Writes the acknowledgment of a family's changes into the outbox, in the edit's
/// transaction: the email exists if and only if the change committed.
fn acknowledge(
    connection: &mut DbConnection,
    family: &FamilyCaller,
    delivery: Delivery,
    whose: &str,
    changed: &[(String, String)],
) -> Result<(), DomainError> {
    if changed.is_empty() {
        return Ok(());
    }
    let account = crate::auth::store::find_account(connection, family.account.0)?;
    enqueue(
        connection,
        &emails::acknowledgment(&account, whose, changed)?,
        delivery,
    )?;
    Ok(())
}

/// A family asks to change fields of a guardian.
pub async fn update_guardian(
    state: &AppState,
    family: FamilyCaller,
    guardian_id: i64,
    expected_version: i32,
    changes: <GuardianFields as EditableRecord>::Changes,
) -> Result<GuardianView, DomainError> {
    let delivery = state.mailer.delivery();
    let view = state
        .db
        .run(move |connection| {
            write_transaction(connection, |connection| {
                let guardian = store::find_family_guardian(
                    connection,
                    family.site,
                    family.household,
                    guardian_id,
                )?
                .ok_or(DomainError::NotFound)?;
                let changed = request_changes(
                    connection,
                    &family,
                    Target::Guardian,
                    (guardian.id, guardian.version),
                    &guardian.fields(),
                    (expected_version, &changes),
                )?;
                let guardian = store::find_family_guardian(
                    connection,
                    family.site,
                    family.household,
                    guardian_id,
                )?
                .ok_or(DomainError::NotFound)?;
                let mut pending = store::pending_changes(
                    connection,
                    family.site,
                    Target::Guardian,
                    &[guardian.id],
                )?;
                acknowledge(
                    connection,
                    &family,
                    delivery,
                    &guardian.full_name(),
                    &changed,
                )?;
                Ok::<_, DomainError>(guardian_view(&guardian, &mut pending))
            })
        })
        .await?;
    state.mailer.wake();
    Ok(view)
}

/// A family asks to change fields of a child's identity.
pub async fn update_student(
    state: &AppState,
    family: FamilyCaller,
    student_id: i64,
    expected_version: i32,
    changes: <StudentFields as EditableRecord>::Changes,
) -> Result<StudentView, DomainError> {
    let delivery = state.mailer.delivery();
    let view = state
        .db
        .run(move |connection| {
            write_transaction(connection, |connection| {
                let student = own_student(connection, &family, student_id)?;
                let changed = request_changes(
                    connection,
                    &family,
                    Target::Student,
                    (student.id, student.version),
                    &student.fields(),
                    (expected_version, &changes),
                )?;
                let student = own_student(connection, &family, student_id)?;
                acknowledge(
                    connection,
                    &family,
                    delivery,
                    &student.full_name(),
                    &changed,
                )?;
                one_student_view(connection, &student)
            })
        })
        .await?;
    state.mailer.wake();
    Ok(view)
}

/// One page of the site's households, by name; `search` matches the name.
pub async fn list_families(
    state: &AppState,
    site: SiteId,
    search: Option<String>,
    page: i64,
    per_page: i64,
) -> Result<(Vec<FamilyListItem>, i64), DomainError> {
    let (rows, total) = state
        .db
        .run(move |connection| {
            store::list_site_families(connection, site, search.as_deref(), page, per_page)
                .map_err(DomainError::from)
        })
        .await?;
    let items = rows
        .into_iter()
        .map(|(family, guardian_count, student_count)| FamilyListItem {
            id: family.id,
            name: family.name,
            guardian_count,
            student_count,
        })
        .collect();
    Ok((items, total))
}

fn family_detail(
    connection: &mut DbConnection,
    site: SiteId,
    household: HouseholdId,
) -> Result<FamilyDetail, DomainError> {
    let view = family_view(connection, site, household)?;
    Ok(FamilyDetail {
        id: view.id,
        name: view.name,
        guardians: view.guardians,
        students: student_views(connection, site, household)?,
        logins: store::household_accounts(connection, site, household)?
            .into_iter()
            .map(|account| account.login)
            .collect(),
        choices: store::household_choices(connection, site, household)?
            .ok_or(DomainError::NotFound)?
            .to_wire(),
    })
}

/// A household of the site with guardians, children, pending changes and logins; the
/// read is audited.
pub async fn find_family_detail(
    state: &AppState,
    staff: SchoolCaller,
    household: HouseholdId,
) -> Result<FamilyDetail, DomainError> {
    state
        .db
        .run(move |connection| {
            let detail = family_detail(connection, staff.site, household)?;
            record_school_action(connection, &staff, "staff_read", "family", household.0)?;
            Ok(detail)
        })
        .await
}

/// What changed between two sets of choices, for the audit log: `field: old -> new`.
fn choices_diff(before: &HouseholdChoices, after: &HouseholdChoices) -> Vec<String> {
    [
        (
            "pays_by_direct_debit",
            before.pays_by_direct_debit,
            after.pays_by_direct_debit,
        ),
        ("resident", before.resident, after.resident),
        (
            "pedibus_requested",
            before.pedibus_requested,
            after.pedibus_requested,
        ),
    ]
    .into_iter()
    .filter(|(_, old, new)| old != new)
    .map(|(field, old, new)| format!("{field}: {old} -> {new}"))
    .chain(
        (before.quotient_familial_euros != after.quotient_familial_euros).then(|| {
            let shown = |quotient: Option<i64>| {
                quotient.map_or_else(|| "none".to_owned(), |euros| euros.to_string())
            };
            format!(
                "quotient_familial_euros: {} -> {}",
                shown(before.quotient_familial_euros),
                shown(after.quotient_familial_euros)
            )
        }),
    )
    .collect()
}

/// The largest quotient familial staff may record, in euros.
pub const MAX_HOUSEHOLD_QUOTIENT_EUROS: i64 = 100_000;

/// Staff record a household's choices (direct debit, residency, pédibus) and its
/// quotient familial (422 when negative or above 100 000 €), which decide
/// some of the documents it owes, until families make them in the re-enrolment wizard.
/// 404 when the household is not of this site, 409 when its version moved on since it
/// was read; the change is audited in its transaction. Sending the choices in force
/// writes nothing.
pub async fn update_household_choices(
    state: &AppState,
    staff: SchoolCaller,
    household: HouseholdId,
    choices: HouseholdChoices,
) -> Result<HouseholdChoices, DomainError> {
    if choices
        .quotient_familial_euros
        .is_some_and(|euros| !(0..=MAX_HOUSEHOLD_QUOTIENT_EUROS).contains(&euros))
    {
        return Err(DomainError::field(
            "quotient_familial_euros",
            "Le quotient familial doit être compris entre 0 et 100 000 €.",
        ));
    }
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                let current = store::household_choices(connection, staff.site, household)?
                    .ok_or(DomainError::NotFound)?
                    .to_wire();
                if current.version != choices.version {
                    return Err(DomainError::Stale);
                }
                let changed = choices_diff(&current, &choices);
                if changed.is_empty() {
                    return Ok(current);
                }
                // Guarded on the version read: of two staff saving at once, one loses.
                if !store::update_household_choices(
                    connection,
                    staff.site,
                    household,
                    &choices,
                    now(),
                )? {
                    return Err(DomainError::Stale);
                }
                record(
                    connection,
                    &AuditEntry {
                        site_id: Some(staff.site.0),
                        account_id: Some(staff.account.0),
                        action: "household_choices_updated",
                        target_type: Some("family"),
                        target_id: Some(household.0),
                        ip: Some(staff.ip.clone()),
                        details: Some(changed.join(", ")),
                    },
                )?;
                Ok(store::household_choices(connection, staff.site, household)?
                    .ok_or(DomainError::NotFound)?
                    .to_wire())
            })
        })
        .await
}

fn login_is_valid(login: &str) -> bool {
    !login.is_empty()
        && login.len() <= 100
        && login
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || ".-_@".contains(character))
}

/// The identifiant staff typed, trimmed; an invalid one is reported on `login`.
fn checked_login(login: &str, errors: &mut FieldErrors) -> String {
    let login = login.trim().to_owned();
    if !login_is_valid(&login) {
        errors.insert(
            "login".to_owned(),
            "Identifiant invalide (lettres, chiffres, . - _ @).".to_owned(),
        );
    }
    login
}

/// A family account to create, for one guardian of a household.
struct NewHouseholdAccount<'a> {
    household: HouseholdId,
    guardian_id: i64,
    login: &'a str,
    email: &'a str,
    display_name: &'a str,
}

/// The one way a family account comes to exist, for a new household or a further
/// guardian of one: the identifiant must be free on the site (409 otherwise), the account
/// has no password until its owner chooses one through the reset form, the creation is
/// audited and the welcome email (identifiant, how to choose a password) queued, all in
/// the caller's transaction.
fn insert_household_account(
    connection: &mut DbConnection,
    staff: &SchoolCaller,
    account: &NewHouseholdAccount<'_>,
    forgot_password_url: &str,
    delivery: Delivery,
) -> Result<i64, DomainError> {
    let site = crate::sites::store::find_site(connection, staff.site.0)?;
    if crate::auth::store::find_account_by_login(connection, &site.slug, account.login)?.is_some() {
        return Err(DomainError::already_exists(
            "Cet identifiant est déjà utilisé.",
        ));
    }
    let account_id = crate::auth::store::insert_account(
        connection,
        &crate::auth::store::NewAccount {
            site_id: staff.site.0,
            login: account.login,
            email: account.email,
            password_hash: None,
            role: tutti_shared::Role::Family.as_str(),
            family_id: Some(account.household.0),
            display_name: account.display_name,
            password_changed_at: None,
            created_at: now(),
            guardian_id: Some(account.guardian_id),
        },
    )?;
    record(
        connection,
        &AuditEntry {
            site_id: Some(staff.site.0),
            account_id: Some(staff.account.0),
            action: "account_created",
            target_type: Some("account"),
            target_id: Some(account_id),
            ip: Some(staff.ip.clone()),
            details: Some(format!(
                "role: family, household: {}, guardian: {}",
                account.household.0, account.guardian_id
            )),
        },
    )?;
    let email = emails::welcome(
        staff.site,
        account.email,
        account.display_name,
        &site.name,
        account.login,
        forgot_password_url,
    )?;
    enqueue(connection, &email, delivery)?;
    Ok(account_id)
}

/// Where the welcome email sends a new account to choose its first password.
fn forgot_password_url(state: &AppState) -> String {
    format!("{}/mot-de-passe/oubli", state.config.public_url)
}

/// Creates a household with its first guardian and a family account, and emails the
/// family its identifiant and how to set a first password.
pub async fn create_family(
    state: &AppState,
    staff: SchoolCaller,
    input: NewFamilyInput,
) -> Result<FamilyDetail, DomainError> {
    let NewFamilyInput { login, guardian } = input;
    let mut errors = guardian.validate();
    let login = checked_login(&login, &mut errors);
    DomainError::check(errors)?;
    let forgot_password_url = forgot_password_url(state);
    let delivery = state.mailer.delivery();
    let detail = state
        .db
        .run(move |connection| {
            write_transaction(connection, |connection| {
                let time = now();
                let household = store::insert_family(
                    connection,
                    staff.site,
                    &format!("Famille {}", guardian.last_name.trim()),
                    time,
                )?;
                let household = HouseholdId(household);
                let g = &guardian;
                let guardian_id = store::insert_guardian(
                    connection,
                    &store::NewGuardian {
                        site_id: staff.site.0,
                        family_id: household.0,
                        position: 1,
                        civility: &g.civility,
                        last_name: g.last_name.trim(),
                        first_name: g.first_name.trim(),
                        address: g.address.trim(),
                        postcode: g.postcode.trim(),
                        city: g.city.trim(),
                        phone_home: g.phone_home.trim(),
                        phone_mobile: g.phone_mobile.trim(),
                        phone_work: g.phone_work.trim(),
                        email: g.email.trim(),
                        marital_status: g.marital_status.trim(),
                        socio_professional_code: g.socio_professional_code.trim(),
                        profession: g.profession.trim(),
                        created_at: time,
                        updated_at: time,
                    },
                )?;
                let display_name = format!("{} {}", g.first_name.trim(), g.last_name.trim());
                insert_household_account(
                    connection,
                    &staff,
                    &NewHouseholdAccount {
                        household,
                        guardian_id,
                        login: &login,
                        email: g.email.trim(),
                        display_name: &display_name,
                    },
                    &forgot_password_url,
                    delivery,
                )?;
                family_detail(connection, staff.site, household)
            })
        })
        .await?;
    state.mailer.wake();
    Ok(detail)
}

/// The wire form of a household's accounts.
fn family_accounts(
    connection: &mut DbConnection,
    site: SiteId,
    household: HouseholdId,
) -> Result<Vec<FamilyAccount>, DomainError> {
    Ok(store::household_accounts(connection, site, household)?
        .into_iter()
        .map(|row| FamilyAccount {
            id: row.id,
            login: row.login,
            email: row.email,
            guardian_id: row.guardian_id,
            guardian_name: row
                .guardian_first_name
                .zip(row.guardian_last_name)
                .map(|(first, last)| format!("{first} {last}")),
            created_at: row.created_at,
            password_set: row.password_set,
        })
        .collect())
}

/// The family accounts of a household of the site, oldest first; 404 when the
/// household is not of this site. The read is audited like the household's.
pub async fn list_family_accounts(
    state: &AppState,
    staff: SchoolCaller,
    household: HouseholdId,
) -> Result<Vec<FamilyAccount>, DomainError> {
    state
        .db
        .run(move |connection| {
            store::household_name(connection, staff.site, household)?
                .ok_or(DomainError::NotFound)?;
            let accounts = family_accounts(connection, staff.site, household)?;
            record_school_action(
                connection,
                &staff,
                "staff_read",
                "family_accounts",
                household.0,
            )?;
            Ok(accounts)
        })
        .await
}

/// Gives a guardian of an existing household a family account of their own, through
/// the same path as the household's first account (identifiant rules, 409 when taken,
/// welcome email, audit). 404 when the household is not of this site; 422 when the
/// guardian is not of this household; 409 when that guardian, or every guardian of the
/// household, has an account already.
pub async fn create_family_account(
    state: &AppState,
    staff: SchoolCaller,
    household: HouseholdId,
    input: NewFamilyAccountInput,
) -> Result<FamilyAccount, DomainError> {
    let NewFamilyAccountInput {
        login,
        email,
        guardian_id,
    } = input;
    let mut errors = FieldErrors::new();
    let login = checked_login(&login, &mut errors);
    let email = match EmailAddress::parse(&email) {
        Ok(email) => email.as_str().to_owned(),
        Err(error) => {
            errors.insert("email".to_owned(), error.0);
            String::new()
        }
    };
    DomainError::check(errors)?;
    let forgot_password_url = forgot_password_url(state);
    let delivery = state.mailer.delivery();
    let account = state
        .db
        .run(move |connection| {
            write_transaction(connection, |connection| {
                store::household_name(connection, staff.site, household)?
                    .ok_or(DomainError::NotFound)?;
                let Some(guardian) =
                    store::find_family_guardian(connection, staff.site, household, guardian_id)?
                else {
                    return Err(DomainError::field(
                        "guardian_id",
                        "Ce responsable n'appartient pas à ce foyer.",
                    ));
                };
                let existing = store::household_accounts(connection, staff.site, household)?;
                if existing
                    .iter()
                    .any(|account| account.guardian_id == Some(guardian.id))
                {
                    return Err(DomainError::already_exists(
                        "Ce responsable a déjà un compte.",
                    ));
                }
                let guardians = store::family_guardians(connection, staff.site, household)?;
                if existing.len() >= guardians.len() {
                    return Err(DomainError::already_exists(
                        "Chaque responsable du foyer a déjà un compte.",
                    ));
                }
                let account_id = insert_household_account(
                    connection,
                    &staff,
                    &NewHouseholdAccount {
                        household,
                        guardian_id: guardian.id,
                        login: &login,
                        email: &email,
                        display_name: &guardian.full_name(),
                    },
                    &forgot_password_url,
                    delivery,
                )?;
                family_accounts(connection, staff.site, household)?
                    .into_iter()
                    .find(|account| account.id == account_id)
                    .ok_or(DomainError::NotFound)
            })
        })
        .await?;
    state.mailer.wake();
    Ok(account)
}

/// One page of the site's students, by name; `search` matches first and last names.
pub async fn list_site_students(
    state: &AppState,
    site: SiteId,
    search: Option<String>,
    page: i64,
    per_page: i64,
) -> Result<(Vec<StudentListItem>, i64), DomainError> {
    let (rows, total) = state
        .db
        .run(move |connection| {
            store::list_site_students(connection, site, search.as_deref(), page, per_page)
                .map_err(DomainError::from)
        })
        .await?;
    let items = rows
        .into_iter()
        .map(|student| StudentListItem {
            id: student.id,
            family_id: student.family_id,
            first_name: student.first_name,
            last_name: student.last_name,
            birth_date: student.birth_date,
        })
        .collect();
    Ok((items, total))
}

/// A student of the site with pending changes; the read is audited.
pub async fn find_site_student(
    state: &AppState,
    staff: SchoolCaller,
    student_id: i64,
) -> Result<StudentView, DomainError> {
    state
        .db
        .run(move |connection| {
            let student = store::find_site_student(connection, staff.site, student_id)?
                .ok_or(DomainError::NotFound)?;
            record_school_action(connection, &staff, "staff_read", "student", student_id)?;
            one_student_view(connection, &student)
        })
        .await
}

/// One page of the site's change requests, oldest first.
pub async fn list_change_requests(
    state: &AppState,
    site: SiteId,
    filters: ChangeRequestQuery,
    page: i64,
    per_page: i64,
) -> Result<(Vec<ChangeRequest>, i64), DomainError> {
    state
        .db
        .run(move |connection| {
            store::list_change_requests(connection, site, &filters, page, per_page)
                .map_err(DomainError::from)
        })
        .await
}

/// Approves or rejects pending requests of the site, all or nothing: ids that are not
/// pending requests of this site refuse the whole batch (409 `invalid_transition`).
pub async fn decide_change_requests(
    state: &AppState,
    staff: SchoolCaller,
    ids: Vec<i64>,
    decision: Decision,
) -> Result<usize, DomainError> {
    if ids.is_empty() || ids.len() > 500 {
        return Err(DomainError::field("ids", "Choisissez de 1 à 500 demandes."));
    }
    state
        .db
        .run(move |connection| {
            write_transaction(connection, |connection| {
                decide(connection, &staff, &ids, decision)
            })
        })
        .await
}

fn already_decided(message: &str) -> DomainError {
    DomainError::conflict(ErrorCode::InvalidTransition, message)
}

fn decide(
    connection: &mut DbConnection,
    staff: &SchoolCaller,
    ids: &[i64],
    decision: Decision,
) -> Result<usize, DomainError> {
    let rows = store::pending_requests(connection, staff.site, ids)?;
    let mut unique_ids = ids.to_vec();
    unique_ids.sort_unstable();
    unique_ids.dedup();
    if rows.len() != unique_ids.len() {
        return Err(already_decided(
            "Certaines demandes ont déjà été traitées ou n'existent pas. Rechargez la liste.",
        ));
    }
    let time = now();
    let (status, action) = match decision {
        Decision::Approve => (ChangeStatus::Approved, "change_approved"),
        Decision::Reject => (ChangeStatus::Rejected, "change_rejected"),
    };
    for row in &rows {
        // Of two staff deciding the same request at once, the second claims nothing and
        // its whole batch is refused.
        if !store::claim_request(connection, row.id, status, staff.account.0, time)? {
            return Err(already_decided(
                "Certaines demandes ont déjà été traitées entre-temps. Rechargez la liste.",
            ));
        }
        match decision {
            Decision::Approve => {
                store::apply_change(
                    connection,
                    row.target(),
                    row.target_id,
                    &row.field,
                    &row.new_value,
                )?;
            }
            // The family's view changes either way: move the version on.
            Decision::Reject => {
                store::touch_version(connection, row.target(), row.target_id)?;
            }
        }
        record(
            connection,
            &AuditEntry {
                site_id: Some(staff.site.0),
                account_id: Some(staff.account.0),
                action,
                target_type: Some("change_request"),
                target_id: Some(row.id),
                ip: Some(staff.ip.clone()),
                details: None,
            },
        )?;
    }
    if decision == Decision::Approve {
        check_records_after_approval(connection, staff.site, &rows)?;
    }
    Ok(rows.len())
}

/// Approving only part of a family's edit must not leave a record that fails the rules
/// (a guardian with no phone left, say): each record touched is checked as it now is,
/// and a 422 naming its fields undoes the whole decision (the transaction rolls back).
fn check_records_after_approval(
    connection: &mut DbConnection,
    site: SiteId,
    rows: &[store::PendingRequestRow],
) -> Result<(), DomainError> {
    let mut touched: Vec<(Target, i64, i64)> = rows
        .iter()
        .map(|row| (row.target(), row.target_id, row.family_id))
        .collect();
    touched.sort_by_key(|(target, id, _)| (*target == Target::Student, *id));
    touched.dedup();
    for (target, id, family) in touched {
        let household = HouseholdId(family);
        let errors = match target {
            Target::Guardian => store::find_family_guardian(connection, site, household, id)?
                .ok_or(DomainError::NotFound)?
                .fields()
                .check(),
            Target::Student => store::find_family_student(connection, site, household, id)?
                .ok_or(DomainError::NotFound)?
                .fields()
                .check(),
        };
        if !errors.is_empty() {
            return Err(DomainError::Invalid {
                message: "Valider seulement une partie de ces changements laisserait la fiche incomplète ou invalide : validez-les ensemble, ou refusez-les.".to_owned(),
                fields: errors,
            });
        }
    }
    Ok(())
}
