//! Guardians and students as families edit them: values in force, pending change
//! requests, and the staff decisions that apply or drop them.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tutti_shared::{ChangeStatus, GuardianFields, PendingChange, StudentFields};

use crate::db::DbConnection;
use crate::db::schema::{change_requests, guardians, students};
use crate::domain::{HouseholdId, SiteId};

/// Which kind of record a change request targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Guardian,
    Student,
}

impl Target {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Guardian => "guardian",
            Target::Student => "student",
        }
    }
}

/// The guardian's editable text columns, once for the server: the row-to-wire mapping and
/// the writing of an approved change both expand from this list, and a test checks it
/// names exactly the fields of the shared list (`GuardianFields::SPECS`).
macro_rules! guardian_columns {
    ($callback:ident ! ( $($arguments:tt)* )) => {
        $callback!($($arguments)* [
            civility, last_name, first_name, address, postcode, city, phone_home, phone_mobile,
            phone_work, email, marital_status, socio_professional_code, profession,
            extra_phone_1, extra_phone_2, extra_phone_3
        ])
    };
}

/// The student's editable text columns (the birth date, a date column, is handled
/// apart), under the same rule as [`guardian_columns!`] with `StudentFields::SPECS`.
macro_rules! student_columns {
    ($callback:ident ! ( $($arguments:tt)* )) => {
        $callback!($($arguments)* [
            civility, last_name, first_name, birth_place, birth_department, address, postcode,
            city, phone_home, phone_mobile, email, emergency_contact_name, emergency_phone,
            school_level
        ])
    };
}

/// A wire record from a row: each listed column copied, plus the extra fields given.
macro_rules! row_fields {
    ($row:expr, $fields:ident, { $($extra:ident : $value:expr),* $(,)? } [$($column:ident),+]) => {
        $fields { $($extra: $value,)* $($column: $row.$column.clone()),+ }
    };
}

/// A guardian row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = guardians)]
pub struct Guardian {
    pub id: i64,
    pub site_id: i64,
    pub family_id: i64,
    pub position: i32,
    pub civility: String,
    pub last_name: String,
    pub first_name: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub phone_home: String,
    pub phone_mobile: String,
    pub phone_work: String,
    pub email: String,
    pub marital_status: String,
    pub socio_professional_code: String,
    pub profession: String,
    pub extra_phone_1: String,
    pub extra_phone_2: String,
    pub extra_phone_3: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Guardian {
    /// "Prénom Nom".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// The editable fields, column by column (the list in `guardian_columns!`).
    pub fn fields(&self) -> GuardianFields {
        guardian_columns!(row_fields!(self, GuardianFields, {}))
    }
}

/// A student row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = students)]
pub struct Student {
    pub id: i64,
    pub site_id: i64,
    pub family_id: i64,
    pub civility: String,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Option<chrono::NaiveDate>,
    pub birth_place: String,
    pub birth_department: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub phone_home: String,
    pub phone_mobile: String,
    pub email: String,
    pub emergency_contact_name: String,
    pub emergency_phone: String,
    pub school_level: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Student {
    /// The editable fields, column by column (the list in `student_columns!`); the birth
    /// date is the one column that is not text.
    pub fn fields(&self) -> StudentFields {
        student_columns!(row_fields!(self, StudentFields, {
            birth_date: self
                .birth_date
                .map(|date| date.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        }))
    }

    /// "Prénom Nom".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// The guardians of a household, first one first.
pub fn family_guardians(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    HouseholdId(family_id): HouseholdId,
) -> QueryResult<Vec<Guardian>> {
    guardians::table
        .filter(guardians::site_id.eq(site_id))
        .filter(guardians::family_id.eq(family_id))
        .order((guardians::position.asc(), guardians::id.asc()))
        .select(Guardian::as_select())
        .load(connection)
}

/// The children of a household, eldest first.
pub fn family_students(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    HouseholdId(family_id): HouseholdId,
) -> QueryResult<Vec<Student>> {
    students::table
        .filter(students::site_id.eq(site_id))
        .filter(students::family_id.eq(family_id))
        .order((students::birth_date.asc(), students::id.asc()))
        .select(Student::as_select())
        .load(connection)
}

/// A guardian, if it belongs to this household.
pub fn find_family_guardian(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    HouseholdId(family_id): HouseholdId,
    id: i64,
) -> QueryResult<Option<Guardian>> {
    guardians::table
        .filter(guardians::id.eq(id))
        .filter(guardians::site_id.eq(site_id))
        .filter(guardians::family_id.eq(family_id))
        .select(Guardian::as_select())
        .first(connection)
        .optional()
}

/// A student, if it belongs to this household.
pub fn find_family_student(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    HouseholdId(family_id): HouseholdId,
    id: i64,
) -> QueryResult<Option<Student>> {
    students::table
        .filter(students::id.eq(id))
        .filter(students::site_id.eq(site_id))
        .filter(students::family_id.eq(family_id))
        .select(Student::as_select())
        .first(connection)
        .optional()
}

/// A student, if it belongs to this site.
pub fn find_site_student(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
) -> QueryResult<Option<Student>> {
    students::table
        .filter(students::id.eq(id))
        .filter(students::site_id.eq(site_id))
        .select(Student::as_select())
        .first(connection)
        .optional()
}

/// Pending changes of the given records, by record id then field.
pub fn pending_changes(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    target: Target,
    ids: &[i64],
) -> QueryResult<BTreeMap<i64, BTreeMap<String, PendingChange>>> {
    let rows: Vec<(i64, String, String, NaiveDateTime)> = change_requests::table
        .filter(change_requests::site_id.eq(site_id))
        .filter(change_requests::target_type.eq(target.as_str()))
        .filter(change_requests::target_id.eq_any(ids))
        .filter(change_requests::status.eq(ChangeStatus::Pending.as_str()))
        .select((
            change_requests::target_id,
            change_requests::field,
            change_requests::new_value,
            change_requests::requested_at,
        ))
        .load(connection)?;
    let mut pending: BTreeMap<i64, BTreeMap<String, PendingChange>> = BTreeMap::new();
    for (target_id, field, new_value, requested_at) in rows {
        pending.entry(target_id).or_default().insert(
            field,
            PendingChange {
                new_value,
                requested_at,
            },
        );
    }
    Ok(pending)
}

/// A new pending change request.
pub struct NewChangeRequest<'a> {
    pub site_id: i64,
    pub family_id: i64,
    pub target: Target,
    pub target_id: i64,
    pub field: &'a str,
    pub old_value: &'a str,
    pub new_value: &'a str,
    pub account_id: i64,
    pub requested_at: NaiveDateTime,
}

/// Marks the pending request on one field of a record, if any, as superseded.
pub fn supersede_pending(
    connection: &mut DbConnection,
    target: Target,
    target_id: i64,
    field: &str,
    time: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        change_requests::table
            .filter(change_requests::target_type.eq(target.as_str()))
            .filter(change_requests::target_id.eq(target_id))
            .filter(change_requests::field.eq(field))
            .filter(change_requests::status.eq(ChangeStatus::Pending.as_str())),
    )
    .set((
        change_requests::status.eq(ChangeStatus::Superseded.as_str()),
        change_requests::decided_at.eq(time),
    ))
    .execute(connection)
}

/// Stores one pending change request.
pub fn insert_change_request(
    connection: &mut DbConnection,
    request: &NewChangeRequest<'_>,
) -> QueryResult<usize> {
    diesel::insert_into(change_requests::table)
        .values((
            change_requests::site_id.eq(request.site_id),
            change_requests::family_id.eq(request.family_id),
            change_requests::target_type.eq(request.target.as_str()),
            change_requests::target_id.eq(request.target_id),
            change_requests::field.eq(request.field),
            change_requests::old_value.eq(request.old_value),
            change_requests::new_value.eq(request.new_value),
            change_requests::status.eq(ChangeStatus::Pending.as_str()),
            change_requests::requested_by.eq(request.account_id),
            change_requests::requested_at.eq(request.requested_at),
        ))
        .execute(connection)
}

/// Moves the record's version on, only if it is still `expected`.
pub fn bump_version(
    connection: &mut DbConnection,
    target: Target,
    id: i64,
    expected: i32,
    time: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = match target {
        Target::Guardian => diesel::update(
            guardians::table
                .filter(guardians::id.eq(id))
                .filter(guardians::version.eq(expected)),
        )
        .set((
            guardians::version.eq(expected + 1),
            guardians::updated_at.eq(time),
        ))
        .execute(connection)?,
        Target::Student => diesel::update(
            students::table
                .filter(students::id.eq(id))
                .filter(students::version.eq(expected)),
        )
        .set((
            students::version.eq(expected + 1),
            students::updated_at.eq(time),
        ))
        .execute(connection)?,
    };
    Ok(updated == 1)
}

/// Writes one text field of a record by its wire name.
macro_rules! set_text_field {
    ($connection:expr, $table:ident, $id:expr, $field:expr, $value:expr, [$($column:ident),+]) => {
        match $field {
            $( stringify!($column) => diesel::update($table::table.find($id))
                .set(($table::$column.eq($value), $table::version.eq($table::version + 1)))
                .execute($connection), )+
            _ => Ok(0),
        }
    };
}

/// Writes an approved value into the record (and moves its version on).
pub fn apply_change(
    connection: &mut DbConnection,
    target: Target,
    id: i64,
    field: &str,
    value: &str,
) -> QueryResult<usize> {
    match target {
        Target::Guardian => {
            guardian_columns!(set_text_field!(connection, guardians, id, field, value,))
        }
        Target::Student if field == "birth_date" => {
            let date = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").ok();
            diesel::update(students::table.find(id))
                .set((
                    students::birth_date.eq(date),
                    students::version.eq(students::version + 1),
                ))
                .execute(connection)
        }
        Target::Student => {
            student_columns!(set_text_field!(connection, students, id, field, value,))
        }
    }
}

/// A pending change request, as staff decide it.
#[derive(Debug, Clone, Queryable)]
pub struct PendingRequestRow {
    pub id: i64,
    pub family_id: i64,
    pub target_type: String,
    pub target_id: i64,
    pub field: String,
    pub new_value: String,
}

impl PendingRequestRow {
    /// The kind of record the request targets.
    pub fn target(&self) -> Target {
        if self.target_type == "student" {
            Target::Student
        } else {
            Target::Guardian
        }
    }
}

/// The given ids that are pending requests of this site.
pub fn pending_requests(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    ids: &[i64],
) -> QueryResult<Vec<PendingRequestRow>> {
    change_requests::table
        .filter(change_requests::id.eq_any(ids))
        .filter(change_requests::site_id.eq(site_id))
        .filter(change_requests::status.eq(ChangeStatus::Pending.as_str()))
        .select((
            change_requests::id,
            change_requests::family_id,
            change_requests::target_type,
            change_requests::target_id,
            change_requests::field,
            change_requests::new_value,
        ))
        .load(connection)
}

/// Moves a pending request to its decided status, guarded on its still being pending:
/// of two staff deciding the same request at once, the second updates nothing.
pub fn claim_request(
    connection: &mut DbConnection,
    id: i64,
    status: ChangeStatus,
    staff_id: i64,
    time: NaiveDateTime,
) -> QueryResult<bool> {
    let claimed = diesel::update(
        change_requests::table
            .filter(change_requests::id.eq(id))
            .filter(change_requests::status.eq(ChangeStatus::Pending.as_str())),
    )
    .set((
        change_requests::status.eq(status.as_str()),
        change_requests::decided_by.eq(staff_id),
        change_requests::decided_at.eq(time),
    ))
    .execute(connection)?;
    Ok(claimed == 1)
}

/// Moves a record's version on whatever it is (its family's view changed).
pub fn touch_version(connection: &mut DbConnection, target: Target, id: i64) -> QueryResult<usize> {
    match target {
        Target::Guardian => diesel::update(guardians::table.find(id))
            .set(guardians::version.eq(guardians::version + 1))
            .execute(connection),
        Target::Student => diesel::update(students::table.find(id))
            .set(students::version.eq(students::version + 1))
            .execute(connection),
    }
}

use super::families::lower;

/// One page of a site's students, by name; `search` matches first or last name.
pub fn list_site_students(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    search: Option<&str>,
    page: i64,
    per_page: i64,
) -> QueryResult<(Vec<Student>, i64)> {
    let pattern = search.map(|text| {
        format!(
            "%{}%",
            text.to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    });
    let build = || {
        let mut query = students::table
            .filter(students::site_id.eq(site_id))
            .into_boxed();
        if let Some(pattern) = &pattern {
            query = query.filter(
                lower(students::last_name)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(students::first_name)
                        .like(pattern.clone())
                        .escape('\\')),
            );
        }
        query
    };
    let total: i64 = build().count().get_result(connection)?;
    let rows = build()
        .order((
            students::last_name.asc(),
            students::first_name.asc(),
            students::id.asc(),
        ))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(Student::as_select())
        .load(connection)?;
    Ok((rows, total))
}

/// The column names of a list, for the test below.
#[cfg(test)]
macro_rules! column_names {
    ([$($column:ident),+]) => {
        [$(stringify!($column)),+]
    };
}

#[cfg(test)]
mod tests {
    use tutti_shared::{EditableRecord, GuardianFields, StudentFields};

    fn spec_names<R: EditableRecord>() -> Vec<&'static str> {
        R::SPECS.iter().map(|spec| spec.name).collect()
    }

    #[test]
    fn the_server_maps_exactly_the_guardian_fields_of_the_shared_list() {
        let columns: Vec<&str> = guardian_columns!(column_names!()).to_vec();
        assert_eq!(columns, spec_names::<GuardianFields>());
    }

    #[test]
    fn the_server_maps_exactly_the_student_fields_of_the_shared_list() {
        let mut columns: Vec<&str> = student_columns!(column_names!()).to_vec();
        columns.push("birth_date");
        let mut specs = spec_names::<StudentFields>();
        columns.sort_unstable();
        specs.sort_unstable();
        assert_eq!(columns, specs);
    }
}
