//! Households, guardians and students.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tutti_shared::HouseholdChoices;

use crate::db::DbConnection;
use crate::db::schema::{accounts, families, guardians, students};
use crate::domain::{HouseholdId, SiteId};

#[diesel::declare_sql_function]
extern "SQL" {
    /// SQL `lower()`, for case-insensitive search on both backends.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A household row.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = families)]
pub struct Family {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A household's recorded choices, which decide some of its documents, and its version.
#[derive(Debug, Clone, Copy, Queryable, Selectable)]
#[diesel(table_name = families)]
pub struct ChoicesRow {
    pub pays_by_direct_debit: bool,
    pub resident: bool,
    pub pedibus_requested: bool,
    pub quotient_familial_euros: Option<i64>,
    pub version: i32,
}

impl ChoicesRow {
    /// The wire form.
    pub fn to_wire(self) -> HouseholdChoices {
        HouseholdChoices {
            pays_by_direct_debit: self.pays_by_direct_debit,
            resident: self.resident,
            pedibus_requested: self.pedibus_requested,
            quotient_familial_euros: self.quotient_familial_euros,
            version: self.version,
        }
    }
}

/// A guardian to insert (the demo and, later, staff-created households).
#[derive(Debug, Default, Insertable)]
#[diesel(table_name = guardians)]
pub struct NewGuardian<'a> {
    pub site_id: i64,
    pub family_id: i64,
    pub position: i32,
    pub civility: &'a str,
    pub last_name: &'a str,
    pub first_name: &'a str,
    pub address: &'a str,
    pub postcode: &'a str,
    pub city: &'a str,
    pub phone_home: &'a str,
    pub phone_mobile: &'a str,
    pub phone_work: &'a str,
    pub email: &'a str,
    pub marital_status: &'a str,
    pub socio_professional_code: &'a str,
    pub profession: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A student to insert.
#[derive(Debug, Default, Insertable)]
#[diesel(table_name = students)]
pub struct NewStudent<'a> {
    pub site_id: i64,
    pub family_id: i64,
    pub civility: &'a str,
    pub last_name: &'a str,
    pub first_name: &'a str,
    pub birth_date: Option<chrono::NaiveDate>,
    pub birth_place: &'a str,
    pub birth_department: &'a str,
    pub address: &'a str,
    pub postcode: &'a str,
    pub city: &'a str,
    pub phone_mobile: &'a str,
    pub email: &'a str,
    pub emergency_contact_name: &'a str,
    pub emergency_phone: &'a str,
    pub school_level: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Inserts a household and returns its id.
pub fn insert_family(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    name: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(families::table)
        .values((
            families::site_id.eq(site_id),
            families::name.eq(name),
            families::created_at.eq(now),
            families::updated_at.eq(now),
        ))
        .returning(families::id)
        .get_result(connection)
}

/// Inserts a guardian.
pub fn insert_guardian(
    connection: &mut DbConnection,
    guardian: &NewGuardian<'_>,
) -> QueryResult<i64> {
    diesel::insert_into(guardians::table)
        .values(guardian)
        .returning(guardians::id)
        .get_result(connection)
}

/// Inserts a student.
pub fn insert_student(connection: &mut DbConnection, student: &NewStudent<'_>) -> QueryResult<i64> {
    diesel::insert_into(students::table)
        .values(student)
        .returning(students::id)
        .get_result(connection)
}

/// A household with its number of guardians and of students.
pub type FamilyWithCounts = (Family, i64, i64);

/// One page of a site's households, by name, with guardian and student counts.
pub fn list_site_families(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    search: Option<&str>,
    page: i64,
    per_page: i64,
) -> QueryResult<(Vec<FamilyWithCounts>, i64)> {
    let pattern = search.map(|text| format!("%{}%", escape_like(&text.to_lowercase())));
    let filtered = || {
        let mut query = families::table
            .filter(families::site_id.eq(site_id))
            .into_boxed();
        if let Some(pattern) = &pattern {
            query = query.filter(lower(families::name).like(pattern.clone()).escape('\\'));
        }
        query
    };
    let total: i64 = filtered().count().get_result(connection)?;
    let rows: Vec<Family> = filtered()
        .order((families::name.asc(), families::id.asc()))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(Family::as_select())
        .load(connection)?;
    let ids: Vec<i64> = rows.iter().map(|family| family.id).collect();
    let guardian_counts: Vec<(i64, i64)> = guardians::table
        .filter(guardians::family_id.eq_any(&ids))
        .group_by(guardians::family_id)
        .select((guardians::family_id, diesel::dsl::count_star()))
        .load(connection)?;
    let student_counts: Vec<(i64, i64)> = students::table
        .filter(students::family_id.eq_any(&ids))
        .group_by(students::family_id)
        .select((students::family_id, diesel::dsl::count_star()))
        .load(connection)?;
    let count_of = |counts: &[(i64, i64)], id: i64| {
        counts
            .iter()
            .find(|(family, _)| *family == id)
            .map_or(0, |(_, count)| *count)
    };
    let items = rows
        .into_iter()
        .map(|family| {
            let guardians = count_of(&guardian_counts, family.id);
            let students = count_of(&student_counts, family.id);
            (family, guardians, students)
        })
        .collect();
    Ok((items, total))
}

/// Escapes `%`, `_` and `\` so user text matches literally in a LIKE pattern.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(character, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

/// The household's display name, if it belongs to this site.
pub fn household_name(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    HouseholdId(family_id): HouseholdId,
) -> QueryResult<Option<String>> {
    families::table
        .filter(families::id.eq(family_id))
        .filter(families::site_id.eq(site_id))
        .select(families::name)
        .first(connection)
        .optional()
}

/// A household's family account and the name of the guardian it belongs to.
#[derive(Debug, Clone, Queryable)]
pub struct HouseholdAccountRow {
    pub id: i64,
    pub login: String,
    pub email: String,
    pub guardian_id: Option<i64>,
    pub guardian_first_name: Option<String>,
    pub guardian_last_name: Option<String>,
    pub created_at: NaiveDateTime,
    pub password_set: bool,
}

/// A household's family accounts, oldest first.
pub fn household_accounts(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    HouseholdId(family_id): HouseholdId,
) -> QueryResult<Vec<HouseholdAccountRow>> {
    accounts::table
        .left_join(guardians::table.on(accounts::guardian_id.eq(guardians::id.nullable())))
        .filter(accounts::family_id.eq(family_id))
        .filter(accounts::site_id.eq(site_id))
        .order(accounts::id.asc())
        .select((
            accounts::id,
            accounts::login,
            accounts::email,
            accounts::guardian_id,
            guardians::first_name.nullable(),
            guardians::last_name.nullable(),
            accounts::created_at,
            accounts::password_hash.is_not_null(),
        ))
        .load(connection)
}

/// The household's recorded choices and its version, if it belongs to this site.
pub fn household_choices(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    HouseholdId(family_id): HouseholdId,
) -> QueryResult<Option<ChoicesRow>> {
    families::table
        .filter(families::id.eq(family_id))
        .filter(families::site_id.eq(site_id))
        .select(ChoicesRow::as_select())
        .first(connection)
        .optional()
}

/// Records a household's choices if its version is still `choices.version`, and moves
/// the version on; false when it had moved on already.
pub fn update_household_choices(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    HouseholdId(family_id): HouseholdId,
    choices: &HouseholdChoices,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        families::table
            .filter(families::id.eq(family_id))
            .filter(families::site_id.eq(site_id))
            .filter(families::version.eq(choices.version)),
    )
    .set((
        families::pays_by_direct_debit.eq(choices.pays_by_direct_debit),
        families::resident.eq(choices.resident),
        families::pedibus_requested.eq(choices.pedibus_requested),
        families::quotient_familial_euros.eq(choices.quotient_familial_euros),
        families::version.eq(choices.version + 1),
        families::updated_at.eq(now),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}
