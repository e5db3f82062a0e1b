//! The family's own household and children. Every query is limited to the caller's
//! household: another family's ids answer 404, exactly like ids that do not exist.

use actix_web::{HttpResponse, get, patch, web};
use tutti_shared::{
    FamilyView, GuardianPatch, GuardianView, RepertoireEntry, StudentCourse, StudentPatch,
    StudentSummary, StudentView,
};

use crate::auth::extractors::FamilyAccount;
use crate::db::household::{self, ChangeSet, Target};
use crate::db::{DbConnection, school};
use crate::email::{OutgoingEmail, html_escape};
use crate::error::AppError;
use crate::routes::json::ApiJson;
use crate::state::AppState;
use tutti_shared::EditableRecord;

fn family_of(account: &FamilyAccount) -> Result<i64, AppError> {
    account.0.family_id.ok_or(AppError::NotFound)
}

/// The household with its guardians and their pending changes.
pub fn load_family_view(
    connection: &mut DbConnection,
    family_id: i64,
) -> Result<FamilyView, AppError> {
    let name = crate::db::accounts::family_name(connection, family_id)?;
    let guardians = household::family_guardians(connection, family_id)?;
    let ids: Vec<i64> = guardians.iter().map(|guardian| guardian.id).collect();
    let mut pending = household::pending_changes(connection, Target::Guardian, &ids)?;
    let guardians = guardians
        .into_iter()
        .map(|guardian| GuardianView {
            id: guardian.id,
            version: guardian.version,
            fields: guardian.fields(),
            pending: pending.remove(&guardian.id).unwrap_or_default(),
        })
        .collect();
    Ok(FamilyView {
        id: family_id,
        name,
        guardians,
    })
}

/// A student with its pending changes.
pub fn student_view(
    connection: &mut DbConnection,
    student: &household::Student,
) -> Result<StudentView, AppError> {
    let mut pending = household::pending_changes(connection, Target::Student, &[student.id])?;
    Ok(StudentView {
        id: student.id,
        version: student.version,
        fields: student.fields(),
        pending: pending.remove(&student.id).unwrap_or_default(),
    })
}

/// The family's household: guardians with every field of the "Responsable" form and,
/// for each field with a change awaiting staff, the value asked for.
#[utoipa::path(
    tag = "family",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The household", body = FamilyView),
        (status = 401, description = "Not logged in", body = tutti_shared::ApiErrorBody),
        (status = 403, description = "Not a family account", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/family")]
pub async fn find_family(
    state: web::Data<AppState>,
    account: FamilyAccount,
) -> Result<HttpResponse, AppError> {
    let family_id = family_of(&account)?;
    let view = state
        .db
        .run(move |connection| load_family_view(connection, family_id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Asks to change fields of a guardian. Each changed field becomes a pending change
/// request; the record changes only when staff approve. An acknowledgment email is sent.
#[utoipa::path(
    tag = "family",
    request_body = GuardianPatch,
    params(("id" = i64, Path, description = "Guardian id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The guardian with its pending changes", body = GuardianView),
        (status = 404, description = "No such guardian in this household", body = tutti_shared::ApiErrorBody),
        (status = 409, description = "The guardian changed since it was read", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Invalid fields", body = tutti_shared::ApiErrorBody)
    )
)]
#[patch("/family/guardians/{id}")]
pub async fn update_guardian(
    state: web::Data<AppState>,
    account: FamilyAccount,
    path: web::Path<i64>,
    body: ApiJson<GuardianPatch>,
) -> Result<HttpResponse, AppError> {
    let edit = Edit::of(&account, Target::Guardian, path.into_inner())?;
    let patch = body.into_inner();
    let (view, changed) = state
        .db
        .run(move |connection| {
            crate::db::write_transaction(connection, |connection| {
                let guardian =
                    household::find_family_guardian(connection, edit.family_id, edit.target_id)?
                        .ok_or(AppError::NotFound)?;
                let changed = edit.record(
                    connection,
                    patch.version,
                    guardian.version,
                    &guardian.fields(),
                    &patch.changes,
                )?;
                let guardian =
                    household::find_family_guardian(connection, edit.family_id, edit.target_id)?
                        .ok_or(AppError::NotFound)?;
                let mut pending =
                    household::pending_changes(connection, Target::Guardian, &[guardian.id])?;
                let view = GuardianView {
                    id: guardian.id,
                    version: guardian.version,
                    fields: guardian.fields(),
                    pending: pending.remove(&guardian.id).unwrap_or_default(),
                };
                Ok::<_, AppError>((view, changed))
            })
        })
        .await?;
    if !changed.is_empty() {
        let whose = format!("{} {}", view.fields.first_name, view.fields.last_name);
        acknowledge(&state, account.0.account_id, &whose, &changed).await;
    }
    Ok(HttpResponse::Ok().json(view))
}

/// A family's edit of one of its records.
#[derive(Clone, Copy)]
struct Edit {
    site_id: i64,
    family_id: i64,
    account_id: i64,
    target: Target,
    target_id: i64,
}

impl Edit {
    fn of(account: &FamilyAccount, target: Target, target_id: i64) -> Result<Self, AppError> {
        Ok(Self {
            site_id: account.0.site_id,
            family_id: family_of(account)?,
            account_id: account.0.account_id,
            target,
            target_id,
        })
    }

    /// Turns the edit into pending change requests. The version must be the current one;
    /// the record is validated as it would be once every pending and new change applied.
    /// Returns the changed fields as (French label, value), for the acknowledgment.
    fn record<R: EditableRecord>(
        self,
        connection: &mut DbConnection,
        expected_version: i32,
        current_version: i32,
        current: &R,
        changes: &R::Changes,
    ) -> Result<Vec<(String, String)>, AppError> {
        if expected_version != current_version {
            return Err(household::stale());
        }
        let pending = household::pending_changes(connection, self.target, &[self.target_id])?
            .remove(&self.target_id)
            .unwrap_or_default();
        let changed = current.changes_against(changes, &pending);
        let mut wished = current.clone();
        for (field, change) in &pending {
            wished.set_field(field, change.new_value.clone());
        }
        for (field, value) in &changed {
            wished.set_field(field, value.clone());
        }
        let errors = wished.check();
        if !errors.is_empty() {
            return Err(AppError::fields(errors));
        }
        if changed.is_empty() {
            return Ok(Vec::new());
        }
        household::request_changes(
            connection,
            &ChangeSet {
                site_id: self.site_id,
                family_id: self.family_id,
                target: self.target,
                target_id: self.target_id,
                expected_version,
                current_version,
                changes: changed
                    .iter()
                    .map(|(field, value)| {
                        (
                            *field,
                            current.field(field).unwrap_or_default().to_owned(),
                            value.clone(),
                        )
                    })
                    .collect(),
                account_id: self.account_id,
            },
        )?;
        Ok(changed
            .into_iter()
            .map(|(field, value)| (R::field_label(field).to_owned(), value))
            .collect())
    }
}

/// Emails the family that its changes arrived and await validation.
async fn acknowledge(state: &AppState, account_id: i64, whose: &str, changed: &[(String, String)]) {
    let account = match state
        .db
        .run(move |connection| {
            crate::db::accounts::find_account(connection, account_id).map_err(AppError::from)
        })
        .await
    {
        Ok(account) => account,
        Err(error) => {
            tracing::error!(%error, "cannot load the account for the acknowledgment");
            return;
        }
    };
    let lines_text: String = changed
        .iter()
        .map(|(label, value)| format!("  - {label} : {value}\n"))
        .collect();
    let lines_html: String = changed
        .iter()
        .map(|(label, value)| format!("<li>{} : {}</li>", html_escape(label), html_escape(value)))
        .collect();
    let email = OutgoingEmail {
        site_id: Some(account.site_id),
        to: account.email.clone(),
        subject: "Accusé de réception de vos modifications".to_owned(),
        body_text: format!(
            "Bonjour {name},\n\nNous avons bien reçu les modifications de la fiche de {whose} :\n{lines_text}\n\
             Elles sont en attente de validation par l'administration.\n\nL'équipe administrative",
            name = account.display_name
        ),
        body_html: format!(
            "<p>Bonjour {name},</p><p>Nous avons bien reçu les modifications de la fiche de {whose} :</p><ul>{lines_html}</ul>\
             <p>Elles sont en attente de validation par l'administration.</p><p>L'équipe administrative</p>",
            name = html_escape(&account.display_name),
            whose = html_escape(whose)
        ),
        secret: None,
    };
    if let Err(error) = state.mailer.send(&state.db, email).await {
        tracing::error!(%error, "could not record the acknowledgment email");
    }
}

/// The family's children.
#[utoipa::path(
    tag = "students",
    security(("bearer" = [])),
    responses((status = 200, description = "The children, eldest first", body = Vec<StudentSummary>))
)]
#[get("/students")]
pub async fn list_students(
    state: web::Data<AppState>,
    account: FamilyAccount,
) -> Result<HttpResponse, AppError> {
    let family_id = family_of(&account)?;
    let students = state
        .db
        .run(move |connection| {
            household::family_students(connection, family_id).map_err(AppError::from)
        })
        .await?;
    let body: Vec<StudentSummary> = students
        .into_iter()
        .map(|student| StudentSummary {
            id: student.id,
            first_name: student.first_name,
            last_name: student.last_name,
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

async fn own_student(
    state: &AppState,
    account: &FamilyAccount,
    student_id: i64,
) -> Result<household::Student, AppError> {
    let family_id = family_of(account)?;
    state
        .db
        .run(move |connection| {
            household::find_family_student(connection, family_id, student_id)?
                .ok_or(AppError::NotFound)
        })
        .await
}

/// A child's identity (the "Identité" tab) with pending changes.
#[utoipa::path(
    tag = "students",
    params(("id" = i64, Path, description = "Student id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The student", body = StudentView),
        (status = 404, description = "No such child in this household", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/students/{id}")]
pub async fn find_student(
    state: web::Data<AppState>,
    account: FamilyAccount,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let student = own_student(&state, &account, path.into_inner()).await?;
    let view = state
        .db
        .run(move |connection| student_view(connection, &student))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Asks to change fields of a child's identity; same pending mechanism as guardians.
#[utoipa::path(
    tag = "students",
    request_body = StudentPatch,
    params(("id" = i64, Path, description = "Student id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The student with its pending changes", body = StudentView),
        (status = 404, description = "No such child in this household", body = tutti_shared::ApiErrorBody),
        (status = 409, description = "The student changed since it was read", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Invalid fields", body = tutti_shared::ApiErrorBody)
    )
)]
#[patch("/students/{id}")]
pub async fn update_student(
    state: web::Data<AppState>,
    account: FamilyAccount,
    path: web::Path<i64>,
    body: ApiJson<StudentPatch>,
) -> Result<HttpResponse, AppError> {
    let edit = Edit::of(&account, Target::Student, path.into_inner())?;
    let patch = body.into_inner();
    let (view, changed) = state
        .db
        .run(move |connection| {
            crate::db::write_transaction(connection, |connection| {
                let student =
                    household::find_family_student(connection, edit.family_id, edit.target_id)?
                        .ok_or(AppError::NotFound)?;
                let changed = edit.record(
                    connection,
                    patch.version,
                    student.version,
                    &student.fields(),
                    &patch.changes,
                )?;
                let student =
                    household::find_family_student(connection, edit.family_id, edit.target_id)?
                        .ok_or(AppError::NotFound)?;
                Ok::<_, AppError>((student_view(connection, &student)?, changed))
            })
        })
        .await?;
    if !changed.is_empty() {
        let whose = format!("{} {}", view.fields.first_name, view.fields.last_name);
        acknowledge(&state, account.0.account_id, &whose, &changed).await;
    }
    Ok(HttpResponse::Ok().json(view))
}

/// This school year's courses of a child (the "Cours" tab) with evaluations and absences.
#[utoipa::path(
    tag = "students",
    params(("id" = i64, Path, description = "Student id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "This year's courses", body = Vec<StudentCourse>),
        (status = 404, description = "No such child in this household", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/students/{id}/courses")]
pub async fn list_student_courses(
    state: web::Data<AppState>,
    account: FamilyAccount,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let student = own_student(&state, &account, path.into_inner()).await?;
    let site_id = account.0.site_id;
    let courses = state
        .db
        .run(move |connection| {
            let today = chrono::Utc::now().date_naive();
            let Some(year) = school::current_year(connection, site_id, today)? else {
                return Ok::<_, AppError>(Vec::new());
            };
            Ok(school::student_courses(connection, student.id, &[year])?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(courses))
}

/// Courses of earlier school years (the "Historique" tab), latest year first.
#[utoipa::path(
    tag = "students",
    params(("id" = i64, Path, description = "Student id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Earlier years' courses", body = Vec<StudentCourse>),
        (status = 404, description = "No such child in this household", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/students/{id}/history")]
pub async fn list_student_history(
    state: web::Data<AppState>,
    account: FamilyAccount,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let student = own_student(&state, &account, path.into_inner()).await?;
    let site_id = account.0.site_id;
    let courses = state
        .db
        .run(move |connection| {
            let today = chrono::Utc::now().date_naive();
            let current = school::current_year(connection, site_id, today)?;
            let earlier: Vec<_> = school::list_years(connection, site_id)?
                .into_iter()
                .filter(|year| {
                    current
                        .as_ref()
                        .is_some_and(|current| year.starts_on < current.starts_on)
                })
                .collect();
            Ok::<_, AppError>(school::student_courses(connection, student.id, &earlier)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(courses))
}

/// Events the child took part in (the "Répertoire" tab), latest first.
#[utoipa::path(
    tag = "students",
    params(("id" = i64, Path, description = "Student id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The child's events", body = Vec<RepertoireEntry>),
        (status = 404, description = "No such child in this household", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/students/{id}/repertoire")]
pub async fn list_student_repertoire(
    state: web::Data<AppState>,
    account: FamilyAccount,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let student = own_student(&state, &account, path.into_inner()).await?;
    let entries = state
        .db
        .run(move |connection| {
            school::student_repertoire(connection, student.id).map_err(AppError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(entries))
}
