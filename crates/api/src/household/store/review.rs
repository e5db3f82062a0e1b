//! The staff's queue of change requests.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tutti_shared::{
    ChangeRequest, ChangeRequestQuery, ChangeStatus, GuardianFields, StudentFields,
};

use crate::db::DbConnection;
use crate::db::schema::{accounts, change_requests, families, guardians, students};
use crate::domain::SiteId;

type Row = (
    i64,
    i64,
    String,
    String,
    i64,
    String,
    String,
    String,
    String,
    NaiveDateTime,
    i64,
    Option<NaiveDateTime>,
);

/// One page of the site's change requests, oldest first, and the total.
pub fn list_change_requests(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    filters: &ChangeRequestQuery,
    page: i64,
    per_page: i64,
) -> QueryResult<(Vec<ChangeRequest>, i64)> {
    let status = filters
        .status
        .clone()
        .unwrap_or_else(|| "pending".to_owned());
    let build = || {
        let mut query = change_requests::table
            .inner_join(families::table)
            .filter(change_requests::site_id.eq(site_id))
            .into_boxed();
        if status != "all" {
            query = query.filter(change_requests::status.eq(status.clone()));
        }
        if let Some(family_id) = filters.family_id {
            query = query.filter(change_requests::family_id.eq(family_id));
        }
        if let Some(student_id) = filters.student_id {
            query = query
                .filter(change_requests::target_type.eq("student"))
                .filter(change_requests::target_id.eq(student_id));
        }
        if let Some(from) = filters.from {
            query = query.filter(change_requests::requested_at.ge(day_start(from)));
        }
        if let Some(to) = filters.to {
            query = query
                .filter(change_requests::requested_at.lt(day_start(to + chrono::Days::new(1))));
        }
        query
    };
    let total: i64 = build().count().get_result(connection)?;
    let rows: Vec<Row> = build()
        .order((
            change_requests::requested_at.asc(),
            change_requests::id.asc(),
        ))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select((
            change_requests::id,
            change_requests::family_id,
            families::name,
            change_requests::target_type,
            change_requests::target_id,
            change_requests::field,
            change_requests::old_value,
            change_requests::new_value,
            change_requests::status,
            change_requests::requested_at,
            change_requests::requested_by,
            change_requests::decided_at,
        ))
        .load(connection)?;
    let guardian_ids: Vec<i64> = rows
        .iter()
        .filter(|row| row.3 == "guardian")
        .map(|row| row.4)
        .collect();
    let student_ids: Vec<i64> = rows
        .iter()
        .filter(|row| row.3 == "student")
        .map(|row| row.4)
        .collect();
    let account_ids: Vec<i64> = rows.iter().map(|row| row.10).collect();
    let guardian_names: Vec<(i64, String, String)> = guardians::table
        .filter(guardians::id.eq_any(&guardian_ids))
        .select((guardians::id, guardians::first_name, guardians::last_name))
        .load(connection)?;
    let student_names: Vec<(i64, String, String)> = students::table
        .filter(students::id.eq_any(&student_ids))
        .select((students::id, students::first_name, students::last_name))
        .load(connection)?;
    let account_names: Vec<(i64, String)> = accounts::table
        .filter(accounts::id.eq_any(&account_ids))
        .select((accounts::id, accounts::display_name))
        .load(connection)?;
    let name_in = |names: &[(i64, String, String)], id: i64| {
        names
            .iter()
            .find(|(candidate, _, _)| *candidate == id)
            .map(|(_, first, last)| format!("{first} {last}"))
            .unwrap_or_default()
    };
    let items = rows
        .into_iter()
        .map(
            |(
                id,
                family_id,
                family_name,
                target_type,
                target_id,
                field,
                old_value,
                new_value,
                status,
                requested_at,
                requested_by,
                decided_at,
            )| {
                let is_student = target_type == "student";
                ChangeRequest {
                    id,
                    family_id,
                    family_name,
                    target_name: if is_student {
                        name_in(&student_names, target_id)
                    } else {
                        name_in(&guardian_names, target_id)
                    },
                    field_label: if is_student {
                        StudentFields::label(&field)
                    } else {
                        GuardianFields::label(&field)
                    }
                    .to_owned(),
                    target_type,
                    target_id,
                    field,
                    old_value,
                    new_value,
                    status: ChangeStatus::from_db(&status).unwrap_or(ChangeStatus::Pending),
                    requested_at,
                    requested_by: account_names
                        .iter()
                        .find(|(candidate, _)| *candidate == requested_by)
                        .map(|(_, name)| name.clone())
                        .unwrap_or_default(),
                    decided_at,
                }
            },
        )
        .collect();
    Ok((items, total))
}

fn day_start(day: NaiveDate) -> NaiveDateTime {
    day.and_time(chrono::NaiveTime::MIN)
}
