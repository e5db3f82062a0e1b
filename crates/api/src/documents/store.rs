//! Document types and documents: rows in, rows out, scoped by site and household.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tutti_shared as wire;

use crate::db::DbConnection;
use crate::db::schema::{
    accounts, courses, disciplines, document_types, documents, enrolments, families, students,
};
use crate::domain::{HouseholdId, SiteId};

/// A document type row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = document_types)]
pub struct TypeRow {
    pub id: i64,
    pub name: String,
    pub help_text: String,
    pub form_url: String,
    pub scope: String,
    pub requirement: String,
    pub position: i32,
    pub retired_at: Option<NaiveDateTime>,
    pub delete_file_when_validated: bool,
    pub version: i32,
}

impl TypeRow {
    /// The wire form; unknown scope or rule names (impossible under the CHECKs) fall back
    /// to the safest reading.
    pub fn to_wire(&self) -> wire::DocumentType {
        wire::DocumentType {
            id: self.id,
            name: self.name.clone(),
            help_text: self.help_text.clone(),
            form_url: self.form_url.clone(),
            scope: self.scope(),
            requirement: self.rule(),
            position: self.position,
            delete_file_when_validated: self.delete_file_when_validated,
            retired_at: self.retired_at,
            version: self.version,
        }
    }

    /// Per household or per student.
    pub fn scope(&self) -> wire::DocumentScope {
        wire::DocumentScope::parse(&self.scope).unwrap_or(wire::DocumentScope::Household)
    }

    /// The requirement rule.
    pub fn rule(&self) -> wire::RequirementRule {
        wire::RequirementRule::parse(&self.requirement).unwrap_or(wire::RequirementRule::Always)
    }
}

/// A document row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = documents)]
pub struct DocumentRow {
    pub id: i64,
    pub site_id: i64,
    pub document_type_id: i64,
    pub family_id: i64,
    pub student_id: Option<i64>,
    pub state: String,
    pub refusal_reason: Option<String>,
    pub display_name: String,
    pub storage_key: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub file_deleted_at: Option<NaiveDateTime>,
    pub version: i32,
}

impl DocumentRow {
    /// The stored state.
    pub fn state(&self) -> wire::DocumentState {
        wire::DocumentState::parse(&self.state).unwrap_or(wire::DocumentState::Transmis)
    }

    /// The file as listed.
    pub fn file(&self) -> wire::DocumentFile {
        wire::DocumentFile {
            id: self.id,
            file_name: self.display_name.clone(),
            content_type: self.content_type.clone(),
            size_bytes: self.size_bytes,
            uploaded_at: self.uploaded_at,
            decided_at: self.decided_at,
            file_available: self.file_deleted_at.is_none(),
        }
    }
}

/// A new document's row.
#[derive(Debug, Insertable)]
#[diesel(table_name = documents)]
pub struct NewDocument<'a> {
    pub site_id: i64,
    pub document_type_id: i64,
    pub family_id: i64,
    pub student_id: Option<i64>,
    pub student_key: i64,
    pub state: &'a str,
    pub display_name: &'a str,
    pub storage_key: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub uploaded_at: NaiveDateTime,
    pub uploaded_by: i64,
}

// ---------------------------------------------------------------- types

/// The site's document types in order, retired ones included.
pub fn list_types(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
) -> QueryResult<Vec<TypeRow>> {
    document_types::table
        .filter(document_types::site_id.eq(site))
        .order((document_types::position, document_types::id))
        .select(TypeRow::as_select())
        .load(connection)
}

/// One document type of the site.
pub fn find_type(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    id: i64,
) -> QueryResult<Option<TypeRow>> {
    document_types::table
        .filter(document_types::site_id.eq(site))
        .filter(document_types::id.eq(id))
        .select(TypeRow::as_select())
        .first(connection)
        .optional()
}

/// Creates a document type at the end of the list.
pub fn insert_type(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    input: &wire::DocumentTypeInput,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    let last: Option<i32> = document_types::table
        .filter(document_types::site_id.eq(site))
        .select(diesel::dsl::max(document_types::position))
        .first(connection)?;
    diesel::insert_into(document_types::table)
        .values((
            document_types::site_id.eq(site),
            document_types::name.eq(input.name.trim()),
            document_types::help_text.eq(input.help_text.trim()),
            document_types::form_url.eq(input.form_url.trim()),
            document_types::scope.eq(input.scope.as_str()),
            document_types::requirement.eq(input.requirement.as_str()),
            document_types::position.eq(last.unwrap_or(0) + 1),
            document_types::retired_at.eq(input.retired.then_some(now)),
            document_types::delete_file_when_validated.eq(input.delete_file_when_validated),
            document_types::created_at.eq(now),
        ))
        .returning(document_types::id)
        .get_result(connection)
}

/// Edits a document type if its version is still `version`; false otherwise. A retired
/// type keeps the date it was first retired.
pub fn update_type(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    row: &TypeRow,
    input: &wire::DocumentTypeInput,
    version: i32,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let retired_at = if input.retired {
        Some(row.retired_at.unwrap_or(now))
    } else {
        None
    };
    let updated = diesel::update(
        document_types::table
            .filter(document_types::site_id.eq(site))
            .filter(document_types::id.eq(row.id))
            .filter(document_types::version.eq(version)),
    )
    .set((
        document_types::name.eq(input.name.trim()),
        document_types::help_text.eq(input.help_text.trim()),
        document_types::form_url.eq(input.form_url.trim()),
        document_types::scope.eq(input.scope.as_str()),
        document_types::requirement.eq(input.requirement.as_str()),
        document_types::retired_at.eq(retired_at),
        document_types::delete_file_when_validated.eq(input.delete_file_when_validated),
        document_types::version.eq(version + 1),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// Sets one type's position (the service checks that the ids are the site's).
pub fn set_type_position(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    id: i64,
    position: i32,
) -> QueryResult<()> {
    diesel::update(
        document_types::table
            .filter(document_types::site_id.eq(site))
            .filter(document_types::id.eq(id)),
    )
    .set((
        document_types::position.eq(position),
        document_types::version.eq(document_types::version + 1),
    ))
    .execute(connection)?;
    Ok(())
}

// ---------------------------------------------------------------- what a household owes

/// The household's children: (id, first name, last name).
pub fn household_students(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    HouseholdId(household): HouseholdId,
) -> QueryResult<Vec<(i64, String, String)>> {
    students::table
        .filter(students::site_id.eq(site))
        .filter(students::family_id.eq(household))
        .order(students::id)
        .select((students::id, students::first_name, students::last_name))
        .load(connection)
}

/// Each (student, course level) of the household's enrolments in a dance discipline in
/// the school year `year_id`.
pub fn dance_enrolments(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    HouseholdId(household): HouseholdId,
    year_id: i64,
) -> QueryResult<Vec<(i64, String)>> {
    enrolments::table
        .inner_join(courses::table.inner_join(disciplines::table))
        .inner_join(students::table)
        .filter(enrolments::site_id.eq(site))
        .filter(students::family_id.eq(household))
        .filter(courses::school_year_id.eq(year_id))
        .filter(disciplines::is_dance.eq(true))
        .select((enrolments::student_id, courses::level))
        .load(connection)
}

/// Whether `student` is a child of the household.
pub fn student_in_household(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    HouseholdId(household): HouseholdId,
    student: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        students::table
            .filter(students::site_id.eq(site))
            .filter(students::family_id.eq(household))
            .filter(students::id.eq(student)),
    ))
    .get_result(connection)
}

/// The household's documents.
pub fn household_documents(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    HouseholdId(household): HouseholdId,
) -> QueryResult<Vec<DocumentRow>> {
    documents::table
        .filter(documents::site_id.eq(site))
        .filter(documents::family_id.eq(household))
        .select(DocumentRow::as_select())
        .load(connection)
}

/// The emails and names of the household's family accounts.
pub fn household_accounts(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    household: i64,
) -> QueryResult<Vec<(String, String)>> {
    accounts::table
        .filter(accounts::site_id.eq(site))
        .filter(accounts::family_id.eq(household))
        .filter(accounts::role.eq("family"))
        .order(accounts::id)
        .select((accounts::email, accounts::display_name))
        .load(connection)
}

// ---------------------------------------------------------------- documents

/// A household's document by id (404 for anyone else's).
pub fn find_family_document(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    HouseholdId(household): HouseholdId,
    id: i64,
) -> QueryResult<Option<DocumentRow>> {
    documents::table
        .filter(documents::site_id.eq(site))
        .filter(documents::family_id.eq(household))
        .filter(documents::id.eq(id))
        .select(DocumentRow::as_select())
        .first(connection)
        .optional()
}

/// A site's document by id.
pub fn find_site_document(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    id: i64,
) -> QueryResult<Option<DocumentRow>> {
    documents::table
        .filter(documents::site_id.eq(site))
        .filter(documents::id.eq(id))
        .select(DocumentRow::as_select())
        .first(connection)
        .optional()
}

/// The current document of a type for a household (`student_key` 0) or child.
pub fn find_current(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    HouseholdId(household): HouseholdId,
    type_id: i64,
    student_key: i64,
) -> QueryResult<Option<DocumentRow>> {
    documents::table
        .filter(documents::site_id.eq(site))
        .filter(documents::family_id.eq(household))
        .filter(documents::document_type_id.eq(type_id))
        .filter(documents::student_key.eq(student_key))
        .select(DocumentRow::as_select())
        .first(connection)
        .optional()
}

/// Which of `keys` a document row of the site names.
pub fn referenced_keys(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    keys: &[String],
) -> QueryResult<Vec<String>> {
    documents::table
        .filter(documents::site_id.eq(site))
        .filter(documents::storage_key.eq_any(keys))
        .select(documents::storage_key)
        .load(connection)
}

/// Inserts a document; returns its id.
pub fn insert_document(connection: &mut DbConnection, new: &NewDocument<'_>) -> QueryResult<i64> {
    diesel::insert_into(documents::table)
        .values(new)
        .returning(documents::id)
        .get_result(connection)
}

/// Puts a new file in place of a non-validated document's, if its version is still
/// `version`: the state goes back to `transmis`.
pub fn replace_file(
    connection: &mut DbConnection,
    id: i64,
    version: i32,
    new: &NewDocument<'_>,
) -> QueryResult<bool> {
    let updated = diesel::update(
        documents::table
            .filter(documents::id.eq(id))
            .filter(documents::version.eq(version))
            .filter(documents::state.ne(wire::DocumentState::Valide.as_str())),
    )
    .set((
        documents::state.eq(wire::DocumentState::Transmis.as_str()),
        documents::refusal_reason.eq(None::<String>),
        documents::display_name.eq(new.display_name),
        documents::storage_key.eq(new.storage_key),
        documents::content_type.eq(new.content_type),
        documents::size_bytes.eq(new.size_bytes),
        documents::uploaded_at.eq(new.uploaded_at),
        documents::uploaded_by.eq(new.uploaded_by),
        documents::decided_at.eq(None::<NaiveDateTime>),
        documents::decided_by.eq(None::<i64>),
        documents::version.eq(version + 1),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// Deletes a non-validated document if its version is still `version`.
pub fn delete_document(connection: &mut DbConnection, id: i64, version: i32) -> QueryResult<bool> {
    let deleted = diesel::delete(
        documents::table
            .filter(documents::id.eq(id))
            .filter(documents::version.eq(version))
            .filter(documents::state.ne(wire::DocumentState::Valide.as_str())),
    )
    .execute(connection)?;
    Ok(deleted == 1)
}

/// Records a decision on a `transmis` document if its version is still `version`.
#[expect(clippy::too_many_arguments, reason = "one column each")]
pub fn decide(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    id: i64,
    version: i32,
    state: wire::DocumentState,
    reason: Option<&str>,
    decided_by: i64,
    now: NaiveDateTime,
    file_deleted: bool,
) -> QueryResult<bool> {
    let updated = diesel::update(
        documents::table
            .filter(documents::site_id.eq(site))
            .filter(documents::id.eq(id))
            .filter(documents::version.eq(version))
            .filter(documents::state.eq(wire::DocumentState::Transmis.as_str())),
    )
    .set((
        documents::state.eq(state.as_str()),
        documents::refusal_reason.eq(reason),
        documents::decided_at.eq(Some(now)),
        documents::decided_by.eq(Some(decided_by)),
        documents::file_deleted_at.eq(file_deleted.then_some(now)),
        documents::version.eq(version + 1),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// The staff queue's filters, parsed.
#[derive(Debug, Clone, Default)]
pub struct QueueFilters {
    pub document_type_id: Option<i64>,
    pub state: Option<wire::DocumentState>,
    pub student_id: Option<i64>,
    pub household_id: Option<i64>,
    pub from: Option<NaiveDateTime>,
    /// Exclusive upper bound.
    pub before: Option<NaiveDateTime>,
}

type QueueRow = (DocumentRow, String, String, Option<String>, Option<String>);

/// One page of the site's documents, oldest upload first, and the total.
pub fn queue(
    connection: &mut DbConnection,
    SiteId(site): SiteId,
    filters: &QueueFilters,
    page: i64,
    per_page: i64,
) -> QueryResult<(Vec<wire::QueuedDocument>, i64)> {
    let filtered = || {
        let mut query = documents::table
            .inner_join(document_types::table)
            .inner_join(families::table)
            .left_join(students::table)
            .filter(documents::site_id.eq(site))
            .into_boxed();
        if let Some(type_id) = filters.document_type_id {
            query = query.filter(documents::document_type_id.eq(type_id));
        }
        if let Some(state) = filters.state {
            query = query.filter(documents::state.eq(state.as_str()));
        }
        if let Some(student) = filters.student_id {
            query = query.filter(documents::student_id.eq(student));
        }
        if let Some(household) = filters.household_id {
            query = query.filter(documents::family_id.eq(household));
        }
        if let Some(from) = filters.from {
            query = query.filter(documents::uploaded_at.ge(from));
        }
        if let Some(before) = filters.before {
            query = query.filter(documents::uploaded_at.lt(before));
        }
        query
    };
    let total: i64 = filtered().count().get_result(connection)?;
    let rows: Vec<QueueRow> = filtered()
        .order((documents::uploaded_at, documents::id))
        .offset((page - 1) * per_page)
        .limit(per_page)
        .select((
            DocumentRow::as_select(),
            document_types::name,
            families::name,
            students::first_name.nullable(),
            students::last_name.nullable(),
        ))
        .load(connection)?;
    let items = rows
        .into_iter()
        .map(
            |(row, type_name, family_name, first, last)| wire::QueuedDocument {
                id: row.id,
                document_type_id: row.document_type_id,
                document_type: type_name,
                household_id: row.family_id,
                household_name: family_name,
                student_id: row.student_id,
                student_name: first
                    .zip(last)
                    .map(|(first, last)| format!("{first} {last}")),
                state: row.state(),
                refusal_reason: row.refusal_reason.clone(),
                file: row.file(),
                version: row.version,
            },
        )
        .collect();
    Ok((items, total))
}

/// The first day after `day`, at midnight: the exclusive bound of a "to" date.
pub fn day_after(day: NaiveDate) -> Option<NaiveDateTime> {
    day.succ_opt().and_then(|next| next.and_hms_opt(0, 0, 0))
}
