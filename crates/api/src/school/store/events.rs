//! Events (concerts, auditions, spectacles), participations and a student's repertoire.

use chrono::NaiveDate;
use diesel::prelude::*;
use tutti_shared as wire;

use crate::db::DbConnection;
use crate::db::schema::{events, participations, students};
use crate::domain::SiteId;

type EventRow = (i64, String, String, NaiveDate, String, String);

fn to_event((id, name, kind, date, place, programme): EventRow) -> wire::Event {
    wire::Event {
        id,
        name,
        kind,
        date,
        place,
        programme,
    }
}

/// The site's events, latest first.
pub fn list_events(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
) -> QueryResult<Vec<wire::Event>> {
    let rows: Vec<EventRow> = events::table
        .filter(events::site_id.eq(site_id))
        .order(events::date.desc())
        .select((
            events::id,
            events::name,
            events::kind,
            events::date,
            events::place,
            events::programme,
        ))
        .load(connection)?;
    Ok(rows.into_iter().map(to_event).collect())
}

/// Creates an event.
pub fn insert_event(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    input: &wire::EventInput,
) -> QueryResult<i64> {
    diesel::insert_into(events::table)
        .values((
            events::site_id.eq(site_id),
            events::name.eq(input.name.trim()),
            events::kind.eq(&input.kind),
            events::date.eq(input.date),
            events::place.eq(input.place.trim()),
            events::programme.eq(input.programme.trim()),
        ))
        .returning(events::id)
        .get_result(connection)
}

/// Edits an event of the site.
pub fn update_event(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
    input: &wire::EventInput,
) -> QueryResult<bool> {
    let updated = diesel::update(
        events::table
            .filter(events::id.eq(id))
            .filter(events::site_id.eq(site_id)),
    )
    .set((
        events::name.eq(input.name.trim()),
        events::kind.eq(&input.kind),
        events::date.eq(input.date),
        events::place.eq(input.place.trim()),
        events::programme.eq(input.programme.trim()),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// Whether the event belongs to the site.
pub fn event_in_site(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        events::table
            .filter(events::id.eq(id))
            .filter(events::site_id.eq(site_id)),
    ))
    .get_result(connection)
}

/// Adds a student to an event.
pub fn insert_participation(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    event_id: i64,
    input: &wire::ParticipationInput,
) -> QueryResult<i64> {
    diesel::insert_into(participations::table)
        .values((
            participations::site_id.eq(site_id),
            participations::event_id.eq(event_id),
            participations::student_id.eq(input.student_id),
            participations::piece.eq(input.piece.trim()),
        ))
        .returning(participations::id)
        .get_result(connection)
}

/// Removes a participation of the site.
pub fn delete_participation(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    id: i64,
) -> QueryResult<bool> {
    let deleted = diesel::delete(
        participations::table
            .filter(participations::id.eq(id))
            .filter(participations::site_id.eq(site_id)),
    )
    .execute(connection)?;
    Ok(deleted == 1)
}

/// A student's events, latest first.
pub fn student_repertoire(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    student_id: i64,
) -> QueryResult<Vec<wire::RepertoireEntry>> {
    let rows: Vec<(i64, String, EventRow)> = participations::table
        .inner_join(events::table)
        .filter(participations::site_id.eq(site_id))
        .filter(participations::student_id.eq(student_id))
        .order(events::date.desc())
        .select((
            participations::id,
            participations::piece,
            (
                events::id,
                events::name,
                events::kind,
                events::date,
                events::place,
                events::programme,
            ),
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(participation_id, piece, event)| wire::RepertoireEntry {
            participation_id,
            piece,
            event: to_event(event),
        })
        .collect())
}

/// The students taking part in an event of the site.
pub fn event_participants(
    connection: &mut DbConnection,
    SiteId(site_id): SiteId,
    event_id: i64,
) -> QueryResult<Vec<wire::Participant>> {
    let rows: Vec<(i64, i64, String, String, String)> = participations::table
        .inner_join(students::table)
        .filter(participations::site_id.eq(site_id))
        .filter(participations::event_id.eq(event_id))
        .order((students::last_name.asc(), students::first_name.asc()))
        .select((
            participations::id,
            students::id,
            students::first_name,
            students::last_name,
            participations::piece,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(id, student_id, first, last, piece)| wire::Participant {
            id,
            student_id,
            student_name: format!("{first} {last}"),
            piece,
        })
        .collect())
}
