//! The staff's back office: households, students and the change-request queue. Every
//! query is limited to the staff member's site; reads of personal data are audited.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use tutti_shared::{
    ChangeRequest, ChangeRequestQuery, Decision, DecisionInput, DecisionOutcome, FamilyDetail,
    FamilyListItem, ListQuery, NewFamilyInput, Page, StudentListItem, StudentView,
};

use crate::auth::extractors::{StaffAccount, client_ip};
use crate::db::accounts::{NewAccount, insert_account};
use crate::db::audit::{AuditEntry, record};
use crate::db::families::{NewGuardian, insert_family, insert_guardian, list_site_families};
use crate::db::household;
use crate::db::{DbConnection, now, review};
use crate::email::{OutgoingEmail, html_escape};
use crate::error::AppError;
use crate::routes::family::{load_family_view, student_view};
use crate::routes::json::ApiJson;
use crate::state::AppState;

fn audit_read(
    connection: &mut DbConnection,
    staff: &StaffAccount,
    target_type: &'static str,
    target_id: i64,
    ip: String,
) -> Result<(), AppError> {
    record(
        connection,
        &AuditEntry {
            site_id: Some(staff.0.site_id),
            account_id: Some(staff.0.account_id),
            action: "staff_read",
            target_type: Some(target_type),
            target_id: Some(target_id),
            ip: Some(ip),
            ..AuditEntry::default()
        },
    )?;
    Ok(())
}

/// Lists the households of the staff member's site, by name; `q` searches the name.
#[utoipa::path(
    tag = "admin",
    params(ListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of households", body = Page<FamilyListItem>),
        (status = 401, description = "Not logged in", body = tutti_shared::ApiErrorBody),
        (status = 403, description = "Not a staff account", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/admin/families")]
pub async fn list_families(
    state: web::Data<AppState>,
    StaffAccount(staff): StaffAccount,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let (page, per_page) = query.bounds();
    let search = query.search().map(str::to_owned);
    let site_id = staff.site_id;
    let (rows, total) = state
        .db
        .run(move |connection| {
            list_site_families(connection, site_id, search.as_deref(), page, per_page)
                .map_err(AppError::from)
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
    Ok(HttpResponse::Ok().json(Page {
        items,
        total,
        page,
        per_page,
    }))
}

/// A household of the site: guardians and children with pending changes, and logins.
#[utoipa::path(
    tag = "admin",
    params(("id" = i64, Path, description = "Household id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The household", body = FamilyDetail),
        (status = 404, description = "No such household on this site", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/admin/families/{id}")]
pub async fn find_family_detail(
    state: web::Data<AppState>,
    request: HttpRequest,
    staff: StaffAccount,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let family_id = path.into_inner();
    let ip = client_ip(&request);
    let detail = state
        .db
        .run(move |connection| {
            use crate::db::schema::{accounts, families};
            use diesel::prelude::*;
            let site: Option<i64> = families::table
                .find(family_id)
                .select(families::site_id)
                .first(connection)
                .optional()?;
            if site != Some(staff.0.site_id) {
                return Err(AppError::NotFound);
            }
            let view = load_family_view(connection, family_id)?;
            // One query for every child's pending changes, not one per child.
            let students = household::family_students(connection, family_id)?;
            let ids: Vec<i64> = students.iter().map(|student| student.id).collect();
            let mut pending =
                household::pending_changes(connection, household::Target::Student, &ids)?;
            let students = students
                .into_iter()
                .map(|student| StudentView {
                    id: student.id,
                    version: student.version,
                    fields: student.fields(),
                    pending: pending.remove(&student.id).unwrap_or_default(),
                })
                .collect();
            let logins: Vec<String> = accounts::table
                .filter(accounts::family_id.eq(family_id))
                .order(accounts::login.asc())
                .select(accounts::login)
                .load(connection)?;
            audit_read(connection, &staff, "family", family_id, ip)?;
            Ok(FamilyDetail {
                id: view.id,
                name: view.name,
                guardians: view.guardians,
                students,
                logins,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Creates a household with its first guardian and a family account, and emails the
/// family its identifiant and how to set a first password.
#[utoipa::path(
    tag = "admin",
    request_body = NewFamilyInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = FamilyDetail),
        (status = 409, description = "The identifiant is taken", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Invalid fields", body = tutti_shared::ApiErrorBody)
    )
)]
#[post("/admin/families")]
pub async fn create_family(
    state: web::Data<AppState>,
    request: HttpRequest,
    staff: StaffAccount,
    body: ApiJson<NewFamilyInput>,
) -> Result<HttpResponse, AppError> {
    let NewFamilyInput { login, guardian } = body.into_inner();
    let login = login.trim().to_owned();
    let mut errors = guardian.validate();
    let login_ok = !login.is_empty()
        && login.len() <= 100
        && login
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || ".-_@".contains(character));
    if !login_ok {
        errors.insert(
            "login".to_owned(),
            "Identifiant invalide (lettres, chiffres, . - _ @).".to_owned(),
        );
    }
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    let (site_id, staff_id, ip) = (staff.0.site_id, staff.0.account_id, client_ip(&request));
    let account_login = login.clone();
    let guardian_email = guardian.email.clone();
    let display_name = format!("{} {}", guardian.first_name, guardian.last_name);
    let (family_id, site_name) = state
        .db
        .run(move |connection| {
            crate::db::write_transaction(connection, |connection| {
                let site = crate::db::sites::find_site(connection, site_id)?;
                if crate::db::accounts::find_account_by_login(
                    connection,
                    &site.slug,
                    &account_login,
                )?
                .is_some()
                {
                    return Err(AppError::Conflict(
                        "Cet identifiant est déjà utilisé.".to_owned(),
                    ));
                }
                let time = now();
                let family_id = insert_family(
                    connection,
                    site_id,
                    &format!("Famille {}", guardian.last_name.trim()),
                    time,
                )?;
                let g = &guardian;
                insert_guardian(
                    connection,
                    &NewGuardian {
                        site_id,
                        family_id,
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
                let account_id = insert_account(
                    connection,
                    &NewAccount {
                        site_id,
                        login: &account_login,
                        email: g.email.trim(),
                        password_hash: None,
                        role: "family",
                        family_id: Some(family_id),
                        display_name: &format!("{} {}", g.first_name.trim(), g.last_name.trim()),
                        password_changed_at: None,
                        created_at: time,
                    },
                )?;
                record(
                    connection,
                    &AuditEntry {
                        site_id: Some(site_id),
                        account_id: Some(staff_id),
                        action: "account_created",
                        target_type: Some("account"),
                        target_id: Some(account_id),
                        ip: Some(ip),
                        details: Some("role: family".to_owned()),
                    },
                )?;
                Ok::<_, AppError>((family_id, site.name))
            })
        })
        .await?;
    let link = format!("{}/mot-de-passe/oubli", state.config.public_url);
    let welcome = OutgoingEmail {
        site_id: Some(site_id),
        to: guardian_email.trim().to_owned(),
        subject: format!("Votre accès au portail des familles - {site_name}"),
        body_text: format!(
            "Bonjour {display_name},\n\nVotre compte sur le portail des familles ({site_name}) est créé.\n\
             Votre identifiant : {login}\n\n\
             Pour choisir votre mot de passe, ouvrez {link}, saisissez votre identifiant et cette adresse e-mail, \
             puis cliquez sur « Générer un nouveau mot de passe ». Vous recevrez un lien valable 30 minutes.\n\n\
             L'équipe administrative"
        ),
        body_html: format!(
            "<p>Bonjour {name},</p><p>Votre compte sur le portail des familles ({site}) est créé.</p>\
             <p>Votre identifiant : <strong>{login_html}</strong></p>\
             <p>Pour choisir votre mot de passe, ouvrez <a href=\"{link_html}\">{link_html}</a>, saisissez votre identifiant et cette adresse e-mail, \
             puis cliquez sur « Générer un nouveau mot de passe ». Vous recevrez un lien valable 30 minutes.</p><p>L'équipe administrative</p>",
            name = html_escape(&display_name),
            site = html_escape(&site_name),
            login_html = html_escape(&login),
            link_html = html_escape(&link),
        ),
        secret: None,
    };
    if let Err(error) = state.mailer.send(&state.db, welcome).await {
        tracing::error!(%error, "could not record the welcome email");
    }
    let detail = state
        .db
        .run(move |connection| {
            let view = load_family_view(connection, family_id)?;
            Ok::<_, AppError>(FamilyDetail {
                id: view.id,
                name: view.name,
                guardians: view.guardians,
                students: Vec::new(),
                logins: vec![login],
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(detail))
}

/// Lists the students of the site, by name; `q` searches first and last names.
#[utoipa::path(
    tag = "admin",
    params(ListQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "One page of students", body = Page<StudentListItem>))
)]
#[get("/admin/students")]
pub async fn list_site_students(
    state: web::Data<AppState>,
    staff: StaffAccount,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let (page, per_page) = query.bounds();
    let search = query.search().map(str::to_owned);
    let site_id = staff.0.site_id;
    let (rows, total) = state
        .db
        .run(move |connection| {
            household::list_site_students(connection, site_id, search.as_deref(), page, per_page)
                .map_err(AppError::from)
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
    Ok(HttpResponse::Ok().json(Page {
        items,
        total,
        page,
        per_page,
    }))
}

/// A student of the site with pending changes (the read is audited).
#[utoipa::path(
    tag = "admin",
    params(("id" = i64, Path, description = "Student id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The student", body = StudentView),
        (status = 404, description = "No such student on this site", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/admin/students/{id}")]
pub async fn find_site_student(
    state: web::Data<AppState>,
    request: HttpRequest,
    staff: StaffAccount,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let student_id = path.into_inner();
    let ip = client_ip(&request);
    let view = state
        .db
        .run(move |connection| {
            let student = household::find_site_student(connection, staff.0.site_id, student_id)?
                .ok_or(AppError::NotFound)?;
            audit_read(connection, &staff, "student", student_id, ip)?;
            student_view(connection, &student)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The queue of changes asked by families, old versus new, oldest first.
#[utoipa::path(
    tag = "admin",
    params(ChangeRequestQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "One page of change requests", body = Page<ChangeRequest>))
)]
#[get("/admin/change-requests")]
pub async fn list_change_requests(
    state: web::Data<AppState>,
    staff: StaffAccount,
    query: web::Query<ChangeRequestQuery>,
) -> Result<HttpResponse, AppError> {
    let filters = query.into_inner();
    if let Some(status) = &filters.status
        && !matches!(
            status.as_str(),
            "pending" | "approved" | "rejected" | "superseded" | "all"
        )
    {
        return Err(AppError::field("status", "Statut inconnu."));
    }
    let (page, per_page) = ListQuery {
        page: filters.page,
        per_page: filters.per_page,
        q: None,
    }
    .bounds();
    let site_id = staff.0.site_id;
    let (items, total) = state
        .db
        .run(move |connection| {
            review::list_change_requests(connection, site_id, &filters, page, per_page)
                .map_err(AppError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        total,
        page,
        per_page,
    }))
}

/// Approves or rejects one or several pending requests at once. Approved values replace
/// the record's; rejected ones disappear from the family's view. All or nothing.
#[utoipa::path(
    tag = "admin",
    request_body = DecisionInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Decided", body = DecisionOutcome),
        (status = 409, description = "Some requests are no longer pending or not of this site", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "No ids", body = tutti_shared::ApiErrorBody)
    )
)]
#[post("/admin/change-requests/decisions")]
pub async fn decide_change_requests(
    state: web::Data<AppState>,
    request: HttpRequest,
    staff: StaffAccount,
    body: ApiJson<DecisionInput>,
) -> Result<HttpResponse, AppError> {
    let DecisionInput { ids, decision } = body.into_inner();
    if ids.is_empty() || ids.len() > 500 {
        return Err(AppError::field("ids", "Choisissez de 1 à 500 demandes."));
    }
    let ip = client_ip(&request);
    let (site_id, staff_id) = (staff.0.site_id, staff.0.account_id);
    let decided = state
        .db
        .run(move |connection| {
            crate::db::write_transaction(connection, |connection| {
                let decided = household::decide(connection, site_id, &ids, decision, staff_id)?;
                for (id, _) in &decided {
                    record(
                        connection,
                        &AuditEntry {
                            site_id: Some(site_id),
                            account_id: Some(staff_id),
                            action: match decision {
                                Decision::Approve => "change_approved",
                                Decision::Reject => "change_rejected",
                            },
                            target_type: Some("change_request"),
                            target_id: Some(*id),
                            ip: Some(ip.clone()),
                            details: None,
                        },
                    )?;
                }
                Ok::<_, AppError>(decided.len())
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(DecisionOutcome { decided }))
}
