//! Guardians and students as families edit them: values in force, pending change
//! requests, and the staff decisions that apply or drop them.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tutti_shared::{ChangeStatus, Decision, GuardianFields, PendingChange, StudentFields};

use super::DbConnection;
use super::schema::{change_requests, guardians, students};
use crate::error::AppError;

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
    /// The editable fields.
    pub fn fields(&self) -> GuardianFields {
        GuardianFields {
            civility: self.civility.clone(),
            last_name: self.last_name.clone(),
            first_name: self.first_name.clone(),
            address: self.address.clone(),
            postcode: self.postcode.clone(),
            city: self.city.clone(),
            phone_home: self.phone_home.clone(),
            phone_mobile: self.phone_mobile.clone(),
            phone_work: self.phone_work.clone(),
            email: self.email.clone(),
            marital_status: self.marital_status.clone(),
            socio_professional_code: self.socio_professional_code.clone(),
            profession: self.profession.clone(),
            extra_phone_1: self.extra_phone_1.clone(),
            extra_phone_2: self.extra_phone_2.clone(),
            extra_phone_3: self.extra_phone_3.clone(),
        }
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
    /// The editable fields.
    pub fn fields(&self) -> StudentFields {
        StudentFields {
            civility: self.civility.clone(),
            last_name: self.last_name.clone(),
            first_name: self.first_name.clone(),
            birth_date: self
                .birth_date
                .map(|date| date.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            birth_place: self.birth_place.clone(),
            birth_department: self.birth_department.clone(),
            address: self.address.clone(),
            postcode: self.postcode.clone(),
            city: self.city.clone(),
            phone_home: self.phone_home.clone(),
            phone_mobile: self.phone_mobile.clone(),
            email: self.email.clone(),
            emergency_contact_name: self.emergency_contact_name.clone(),
            emergency_phone: self.emergency_phone.clone(),
            school_level: self.school_level.clone(),
        }
    }

    /// "Prénom Nom".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// The guardians of a household, first one first.
pub fn family_guardians(
    connection: &mut DbConnection,
    family_id: i64,
) -> QueryResult<Vec<Guardian>> {
    guardians::table
        .filter(guardians::family_id.eq(family_id))
        .order((guardians::position.asc(), guardians::id.asc()))
        .select(Guardian::as_select())
        .load(connection)
}

/// The children of a household, eldest first.
pub fn family_students(connection: &mut DbConnection, family_id: i64) -> QueryResult<Vec<Student>> {
    students::table
        .filter(students::family_id.eq(family_id))
        .order((students::birth_date.asc(), students::id.asc()))
        .select(Student::as_select())
        .load(connection)
}

/// A guardian, if it belongs to this household.
pub fn find_family_guardian(
    connection: &mut DbConnection,
    family_id: i64,
    id: i64,
) -> QueryResult<Option<Guardian>> {
    guardians::table
        .filter(guardians::id.eq(id))
        .filter(guardians::family_id.eq(family_id))
        .select(Guardian::as_select())
        .first(connection)
        .optional()
}

/// A student, if it belongs to this household.
pub fn find_family_student(
    connection: &mut DbConnection,
    family_id: i64,
    id: i64,
) -> QueryResult<Option<Student>> {
    students::table
        .filter(students::id.eq(id))
        .filter(students::family_id.eq(family_id))
        .select(Student::as_select())
        .first(connection)
        .optional()
}

/// A student, if it belongs to this site.
pub fn find_site_student(
    connection: &mut DbConnection,
    site_id: i64,
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
    target: Target,
    ids: &[i64],
) -> QueryResult<BTreeMap<i64, BTreeMap<String, PendingChange>>> {
    let rows: Vec<(i64, String, String, NaiveDateTime)> = change_requests::table
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

/// What a family asked to change on one record.
pub struct ChangeSet {
    pub site_id: i64,
    pub family_id: i64,
    pub target: Target,
    pub target_id: i64,
    pub expected_version: i32,
    pub current_version: i32,
    /// (field, value in force, value asked for).
    pub changes: Vec<(&'static str, String, String)>,
    pub account_id: i64,
}

/// Stores a family's edit as pending change requests, one per field. A newer request on
/// the same field supersedes the older one; asking for the value in force just withdraws
/// the pending one. The record's version moves, so a concurrent edit gets 409.
pub fn request_changes(
    connection: &mut DbConnection,
    change_set: &ChangeSet,
) -> Result<usize, AppError> {
    if change_set.expected_version != change_set.current_version {
        return Err(stale());
    }
    let time = super::now();
    let bumped = bump_version(
        connection,
        change_set.target,
        change_set.target_id,
        change_set.expected_version,
        time,
    )?;
    if !bumped {
        return Err(stale());
    }
    let mut created = 0;
    for (field, old_value, new_value) in &change_set.changes {
        diesel::update(
            change_requests::table
                .filter(change_requests::target_type.eq(change_set.target.as_str()))
                .filter(change_requests::target_id.eq(change_set.target_id))
                .filter(change_requests::field.eq(*field))
                .filter(change_requests::status.eq(ChangeStatus::Pending.as_str())),
        )
        .set((
            change_requests::status.eq(ChangeStatus::Superseded.as_str()),
            change_requests::decided_at.eq(time),
        ))
        .execute(connection)?;
        if old_value == new_value {
            continue;
        }
        diesel::insert_into(change_requests::table)
            .values((
                change_requests::site_id.eq(change_set.site_id),
                change_requests::family_id.eq(change_set.family_id),
                change_requests::target_type.eq(change_set.target.as_str()),
                change_requests::target_id.eq(change_set.target_id),
                change_requests::field.eq(*field),
                change_requests::old_value.eq(old_value),
                change_requests::new_value.eq(new_value),
                change_requests::status.eq(ChangeStatus::Pending.as_str()),
                change_requests::requested_by.eq(change_set.account_id),
                change_requests::requested_at.eq(time),
            ))
            .execute(connection)?;
        created += 1;
    }
    Ok(created)
}

/// The 409 of an edit made against an old version.
pub fn stale() -> AppError {
    AppError::Conflict(
        "Ces informations ont été modifiées entre-temps. Les données à jour sont affichées ; vos saisies n'ont pas été enregistrées, vérifiez-les puis enregistrez à nouveau.".to_owned(),
    )
}

/// Moves the record's version on, only if it is still `expected`.
fn bump_version(
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

fn apply_change(
    connection: &mut DbConnection,
    target: Target,
    id: i64,
    field: &str,
    value: &str,
) -> QueryResult<usize> {
    match target {
        Target::Guardian => set_text_field!(
            connection,
            guardians,
            id,
            field,
            value,
            [
                civility,
                last_name,
                first_name,
                address,
                postcode,
                city,
                phone_home,
                phone_mobile,
                phone_work,
                email,
                marital_status,
                socio_professional_code,
                profession,
                extra_phone_1,
                extra_phone_2,
                extra_phone_3
            ]
        ),
        Target::Student if field == "birth_date" => {
            let date = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").ok();
            diesel::update(students::table.find(id))
                .set((
                    students::birth_date.eq(date),
                    students::version.eq(students::version + 1),
                ))
                .execute(connection)
        }
        Target::Student => set_text_field!(
            connection,
            students,
            id,
            field,
            value,
            [
                civility,
                last_name,
                first_name,
                birth_place,
                birth_department,
                address,
                postcode,
                city,
                phone_home,
                phone_mobile,
                email,
                emergency_contact_name,
                emergency_phone,
                school_level
            ]
        ),
    }
}

/// Approves or rejects pending requests of a site. Ids that are not pending requests of
/// this site are refused as a whole (404), so a batch never half-applies.
pub fn decide(
    connection: &mut DbConnection,
    site_id: i64,
    ids: &[i64],
    decision: Decision,
    staff_id: i64,
) -> Result<Vec<(i64, i64)>, AppError> {
    let rows: Vec<(i64, i64, String, i64, String, String)> = change_requests::table
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
        .load(connection)?;
    let mut unique_ids = ids.to_vec();
    unique_ids.sort_unstable();
    unique_ids.dedup();
    if rows.len() != unique_ids.len() {
        return Err(AppError::Conflict(
            "Certaines demandes ont déjà été traitées ou n'existent pas. Rechargez la liste."
                .to_owned(),
        ));
    }
    let time = super::now();
    let status = match decision {
        Decision::Approve => ChangeStatus::Approved,
        Decision::Reject => ChangeStatus::Rejected,
    };
    let mut decided = Vec::with_capacity(rows.len());
    for (id, family_id, target_type, target_id, field, new_value) in rows {
        // Claim the request first, guarded on its status: of two staff deciding the same
        // request at once, the second updates nothing and the whole batch is refused.
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
        if claimed != 1 {
            return Err(AppError::Conflict(
                "Certaines demandes ont déjà été traitées entre-temps. Rechargez la liste."
                    .to_owned(),
            ));
        }
        let target = if target_type == "student" {
            Target::Student
        } else {
            Target::Guardian
        };
        match decision {
            Decision::Approve => {
                apply_change(connection, target, target_id, &field, &new_value)?;
            }
            Decision::Reject => match target {
                // The family's view changes either way: move the version on.
                Target::Guardian => {
                    diesel::update(guardians::table.find(target_id))
                        .set(guardians::version.eq(guardians::version + 1))
                        .execute(connection)?;
                }
                Target::Student => {
                    diesel::update(students::table.find(target_id))
                        .set(students::version.eq(students::version + 1))
                        .execute(connection)?;
                }
            },
        }
        decided.push((id, family_id));
    }
    Ok(decided)
}

#[diesel::declare_sql_function]
extern "SQL" {
    /// SQL `lower()`, for case-insensitive search on both backends.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// One page of a site's students, by name; `search` matches first or last name.
pub fn list_site_students(
    connection: &mut DbConnection,
    site_id: i64,
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
