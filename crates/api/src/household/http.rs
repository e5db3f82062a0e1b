//! Households over HTTP: the family's own household and children, and the staff's view
//! of the site's households, students and change requests.

use actix_web::{HttpResponse, get, patch, post, put, web};
use tutti_shared::{
    ChangeRequest, ChangeRequestQuery, DecisionInput, DecisionOutcome, FamilyAccount, FamilyDetail,
    FamilyListItem, FamilyView, GuardianPatch, GuardianView, HouseholdChoices, ListQuery,
    NewFamilyAccountInput, NewFamilyInput, Page, StudentListItem, StudentPatch, StudentSummary,
    StudentView,
};

use super::service;
use crate::caller::Caller;
use crate::domain::{DomainError, HouseholdId};
use crate::error::AppError;
use crate::json::ApiJson;
use crate::state::AppState;

/// The family's household: guardians with every field of the "Responsable" form and,
/// for each field with a change awaiting staff, the value asked for.
#[utoipa::path(
    tag = "family",
    security(("bearer" = ["family"])),
    responses(
        (status = 200, description = "The household", body = FamilyView),
        (status = 401, description = "Not logged in", body = tutti_shared::ApiErrorBody),
        (status = 403, description = "Not a family account", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/family")]
pub async fn find_family(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let view: FamilyView = service::find_family(&state, caller.family()?).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Asks to change fields of a guardian. Each changed field becomes a pending change
/// request; the record changes only when staff approve. An acknowledgment email is sent.
#[utoipa::path(
    tag = "family",
    request_body = GuardianPatch,
    params(("id" = i64, Path, description = "Guardian id")),
    security(("bearer" = ["family"])),
    responses(
        (status = 200, description = "The guardian with its pending changes", body = GuardianView),
        (status = 404, description = "No such guardian in this household", body = tutti_shared::ApiErrorBody),
        (status = 409, description = "The guardian changed since it was read (`stale_version`)", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Invalid fields", body = tutti_shared::ApiErrorBody)
    )
)]
#[patch("/family/guardians/{id}")]
pub async fn update_guardian(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<GuardianPatch>,
) -> Result<HttpResponse, AppError> {
    let GuardianPatch { version, changes } = body.into_inner()?;
    let view: GuardianView = service::update_guardian(
        &state,
        caller.family()?,
        path.into_inner(),
        version,
        changes,
    )
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The family's children.
#[utoipa::path(
    tag = "students",
    security(("bearer" = ["family"])),
    responses((status = 200, description = "The children, eldest first", body = Vec<StudentSummary>))
)]
#[get("/students")]
pub async fn list_students(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let students: Vec<StudentSummary> = service::list_students(&state, caller.family()?).await?;
    Ok(HttpResponse::Ok().json(students))
}

/// A child's identity (the "Identité" tab) with pending changes.
#[utoipa::path(
    tag = "students",
    params(("id" = i64, Path, description = "Student id")),
    security(("bearer" = ["family"])),
    responses(
        (status = 200, description = "The student", body = StudentView),
        (status = 404, description = "No such child in this household", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/students/{id}")]
pub async fn find_student(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let view: StudentView =
        service::find_student(&state, caller.family()?, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Asks to change fields of a child's identity; same pending mechanism as guardians.
#[utoipa::path(
    tag = "students",
    request_body = StudentPatch,
    params(("id" = i64, Path, description = "Student id")),
    security(("bearer" = ["family"])),
    responses(
        (status = 200, description = "The student with its pending changes", body = StudentView),
        (status = 404, description = "No such child in this household", body = tutti_shared::ApiErrorBody),
        (status = 409, description = "The student changed since it was read (`stale_version`)", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Invalid fields", body = tutti_shared::ApiErrorBody)
    )
)]
#[patch("/students/{id}")]
pub async fn update_student(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<StudentPatch>,
) -> Result<HttpResponse, AppError> {
    let StudentPatch { version, changes } = body.into_inner()?;
    let view: StudentView = service::update_student(
        &state,
        caller.family()?,
        path.into_inner(),
        version,
        changes,
    )
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Lists the households of the staff member's site, by name; `q` searches the name.
#[utoipa::path(
    tag = "admin",
    params(ListQuery),
    security(("bearer" = ["staff"])),
    responses(
        (status = 200, description = "One page of households", body = Page<FamilyListItem>),
        (status = 401, description = "Not logged in", body = tutti_shared::ApiErrorBody),
        (status = 403, description = "Not a staff account", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/admin/families")]
pub async fn list_families(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let (page, per_page) = query
        .bounds()
        .map_err(|message| DomainError::field("page", message))?;
    let search = query.search().map(str::to_owned);
    let (items, total): (Vec<FamilyListItem>, i64) =
        service::list_families(&state, staff.site, search, page, per_page).await?;
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
    security(("bearer" = ["staff"])),
    responses(
        (status = 200, description = "The household", body = FamilyDetail),
        (status = 404, description = "No such household on this site", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/admin/families/{id}")]
pub async fn find_family_detail(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let detail: FamilyDetail =
        service::find_family_detail(&state, caller.staff()?, HouseholdId(path.into_inner()))
            .await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Records the household's choices that decide some of its documents (direct debit,
/// residency, pédibus), made against the version read; audited. Sending the choices in
/// force changes nothing.
#[utoipa::path(
    tag = "admin",
    request_body = HouseholdChoices,
    params(("id" = i64, Path, description = "Household id")),
    security(("bearer" = ["staff"])),
    responses(
        (status = 200, description = "The choices as recorded, with the household's version", body = HouseholdChoices),
        (status = 404, description = "No such household on this site", body = tutti_shared::ApiErrorBody),
        (status = 409, description = "The household changed since it was read (`stale_version`)", body = tutti_shared::ApiErrorBody)
    )
)]
#[put("/admin/families/{id}/choices")]
pub async fn update_household_choices(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<HouseholdChoices>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let choices: HouseholdChoices = service::update_household_choices(
        &state,
        staff,
        HouseholdId(path.into_inner()),
        body.into_inner()?,
    )
    .await?;
    Ok(HttpResponse::Ok().json(choices))
}

/// Creates a household with its first guardian and a family account, and emails the
/// family its identifiant and how to set a first password.
#[utoipa::path(
    tag = "admin",
    request_body = NewFamilyInput,
    security(("bearer" = ["staff"])),
    responses(
        (status = 201, description = "Created", body = FamilyDetail),
        (status = 409, description = "The identifiant is taken (`already_exists`)", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Invalid fields", body = tutti_shared::ApiErrorBody)
    )
)]
#[post("/admin/families")]
pub async fn create_family(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<NewFamilyInput>,
) -> Result<HttpResponse, AppError> {
    let detail: FamilyDetail =
        service::create_family(&state, caller.staff()?, body.into_inner()?).await?;
    Ok(HttpResponse::Created().json(detail))
}

/// The household's family accounts, oldest first: identifiant, email, whose guardian,
/// when created, whether a password was chosen.
#[utoipa::path(
    tag = "admin",
    params(("id" = i64, Path, description = "Household id")),
    security(("bearer" = ["staff"])),
    responses(
        (status = 200, description = "The household's accounts", body = Vec<FamilyAccount>),
        (status = 404, description = "No such household on this site", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/admin/families/{id}/accounts")]
pub async fn list_family_accounts(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let accounts: Vec<FamilyAccount> =
        service::list_family_accounts(&state, caller.staff()?, HouseholdId(path.into_inner()))
            .await?;
    Ok(HttpResponse::Ok().json(accounts))
}

/// Gives a guardian of the household a family account of their own (one per guardian),
/// and emails them its identifiant and how to set a first password, like the household's
/// first account.
#[utoipa::path(
    tag = "admin",
    request_body = NewFamilyAccountInput,
    params(("id" = i64, Path, description = "Household id")),
    security(("bearer" = ["staff"])),
    responses(
        (status = 201, description = "Created", body = FamilyAccount),
        (status = 404, description = "No such household on this site", body = tutti_shared::ApiErrorBody),
        (status = 409, description = "The identifiant is taken, or the guardian (or every guardian) has an account (`already_exists`)", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "Invalid fields, or a guardian of another household", body = tutti_shared::ApiErrorBody)
    )
)]
#[post("/admin/families/{id}/accounts")]
pub async fn create_family_account(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: ApiJson<NewFamilyAccountInput>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let account: FamilyAccount = service::create_family_account(
        &state,
        staff,
        HouseholdId(path.into_inner()),
        body.into_inner()?,
    )
    .await?;
    Ok(HttpResponse::Created().json(account))
}

/// Lists the students of the site, by name; `q` searches first and last names.
#[utoipa::path(
    tag = "admin",
    params(ListQuery),
    security(("bearer" = ["staff"])),
    responses((status = 200, description = "One page of students", body = Page<StudentListItem>))
)]
#[get("/admin/students")]
pub async fn list_site_students(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let (page, per_page) = query
        .bounds()
        .map_err(|message| DomainError::field("page", message))?;
    let search = query.search().map(str::to_owned);
    let (items, total): (Vec<StudentListItem>, i64) =
        service::list_site_students(&state, staff.site, search, page, per_page).await?;
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
    security(("bearer" = ["staff"])),
    responses(
        (status = 200, description = "The student", body = StudentView),
        (status = 404, description = "No such student on this site", body = tutti_shared::ApiErrorBody)
    )
)]
#[get("/admin/students/{id}")]
pub async fn find_site_student(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let view: StudentView =
        service::find_site_student(&state, caller.staff()?, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The queue of changes asked by families, old versus new, oldest first.
#[utoipa::path(
    tag = "admin",
    params(ChangeRequestQuery),
    security(("bearer" = ["staff"])),
    responses((status = 200, description = "One page of change requests", body = Page<ChangeRequest>))
)]
#[get("/admin/change-requests")]
pub async fn list_change_requests(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ChangeRequestQuery>,
) -> Result<HttpResponse, AppError> {
    let staff = caller.staff()?;
    let filters = query.into_inner();
    if let Some(status) = &filters.status
        && !matches!(
            status.as_str(),
            "pending" | "approved" | "rejected" | "superseded" | "all"
        )
    {
        return Err(DomainError::field("status", "Statut inconnu.").into());
    }
    let (page, per_page) = ListQuery {
        page: filters.page,
        per_page: filters.per_page,
        q: None,
    }
    .bounds()
    .map_err(|message| DomainError::field("page", message))?;
    let (items, total): (Vec<ChangeRequest>, i64) =
        service::list_change_requests(&state, staff.site, filters, page, per_page).await?;
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
    security(("bearer" = ["staff"])),
    responses(
        (status = 200, description = "Decided", body = DecisionOutcome),
        (status = 409, description = "Some requests are no longer pending or not of this site (`invalid_transition`)", body = tutti_shared::ApiErrorBody),
        (status = 422, description = "No ids", body = tutti_shared::ApiErrorBody)
    )
)]
#[post("/admin/change-requests/decisions")]
pub async fn decide_change_requests(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<DecisionInput>,
) -> Result<HttpResponse, AppError> {
    let DecisionInput { ids, decision } = body.into_inner()?;
    let decided = service::decide_change_requests(&state, caller.staff()?, ids, decision).await?;
    Ok(HttpResponse::Ok().json(DecisionOutcome { decided }))
}
