//! The append-only history of each item. Its notes live in `notes`, where erasure alone
//! may blank them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{events, notes as note_rows, staff};
use super::{DbConn, notes};
use crate::domain::lifecycle::Status;
use crate::on_backend;

/// An event to write; its notes, when any, belong to `client_id`'s visit.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub item_id: i64,
    pub occurred_at: NaiveDateTime,
    pub staff_id: Option<i64>,
    pub action: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub client_id: Option<i64>,
    pub notes: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = events)]
struct EventRow<'a> {
    item_id: i64,
    occurred_at: NaiveDateTime,
    staff_id: Option<i64>,
    action: &'a str,
    from_status: Option<Status>,
    to_status: Option<Status>,
    client_id: Option<i64>,
    note_id: Option<i64>,
}

impl NewEvent {
    fn row(&self, note_id: Option<i64>) -> EventRow<'_> {
        EventRow {
            item_id: self.item_id,
            occurred_at: self.occurred_at,
            staff_id: self.staff_id,
            action: &self.action,
            from_status: self.from_status,
            to_status: self.to_status,
            client_id: self.client_id,
            note_id,
        }
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct Event {
    pub id: i64,
    pub item_id: i64,
    pub occurred_at: NaiveDateTime,
    pub staff_id: Option<i64>,
    pub action: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub client_id: Option<i64>,
    pub notes: Option<String>,
}

/// The columns of `Event`, its notes read through the note it points at.
type EventColumns = (
    events::id,
    events::item_id,
    events::occurred_at,
    events::staff_id,
    events::action,
    events::from_status,
    events::to_status,
    events::client_id,
    diesel::dsl::Nullable<note_rows::body>,
);

fn event_columns() -> EventColumns {
    (
        events::id,
        events::item_id,
        events::occurred_at,
        events::staff_id,
        events::action,
        events::from_status,
        events::to_status,
        events::client_id,
        note_rows::body.nullable(),
    )
}

/// Writes an event; its notes belong to the event's client. Answers the note's id.
pub fn insert(conn: &mut DbConn, event: &NewEvent) -> QueryResult<Option<i64>> {
    insert_owned(conn, event, event.client_id)
}

/// Writes an event whose notes belong to `owner`'s visit, which may differ from the event's
/// client (a cleaning after a collection). Answers the note's id.
pub fn insert_owned(conn: &mut DbConn, event: &NewEvent, owner: Option<i64>) -> QueryResult<Option<i64>> {
    insert_with_id(conn, event, owner).map(|written| written.note_id)
}

/// The ids an event's writing made.
#[derive(Debug, Clone, Copy)]
pub struct Written {
    pub event_id: i64,
    pub note_id: Option<i64>,
}

/// Writes an event as `insert_owned` does, answering its own id too, for the records that
/// hang off it (a hand-over).
pub fn insert_with_id(conn: &mut DbConn, event: &NewEvent, owner: Option<i64>) -> QueryResult<Written> {
    let note_id = event
        .notes
        .as_deref()
        .map(|body| notes::insert(conn, owner, body))
        .transpose()?;
    let row = event.row(note_id);
    let event_id: i64 = on_backend!(conn, |c| diesel::insert_into(events::table)
        .values(&row)
        .returning(events::id)
        .get_result(c))?;
    Ok(Written { event_id, note_id })
}

pub fn insert_many(conn: &mut DbConn, batch: &[NewEvent]) -> QueryResult<()> {
    insert_many_noted(conn, batch).map(|_| ())
}

/// Writes many events as `insert_many` does; answers each event's note id, in the batch's
/// order, for the records that share it (a check).
pub fn insert_many_noted(conn: &mut DbConn, batch: &[NewEvent]) -> QueryResult<Vec<Option<i64>>> {
    // A batch's notes are written together; the same words for the same client (a recall's
    // reason) make one note.
    let wanted: Vec<(Option<i64>, &str)> = batch
        .iter()
        .filter_map(|e| e.notes.as_deref().map(|body| (e.client_id, body)))
        .collect();
    let note_ids = notes::insert_many(conn, &wanted)?;
    let rows: Vec<EventRow> = batch
        .iter()
        .map(|e| {
            let note = e
                .notes
                .as_deref()
                .and_then(|body| note_ids.get(&(e.client_id, body)).copied());
            e.row(note)
        })
        .collect();
    if let DbConn::Postgres(c) = &mut *conn {
        // Columns as arrays: a VALUES list of thousands of rows cost PostgreSQL more to
        // parse and plan than to write.
        use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamp};
        for chunk in rows.chunks(5000) {
            diesel::sql_query(
                "INSERT INTO events (item_id, occurred_at, staff_id, action, from_status, to_status, \
                 client_id, note_id) SELECT * FROM unnest($1::bigint[], $2::timestamp[], $3::bigint[], \
                 $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[])",
            )
            .bind::<Array<BigInt>, _>(chunk.iter().map(|r| r.item_id).collect::<Vec<_>>())
            .bind::<Array<Timestamp>, _>(chunk.iter().map(|r| r.occurred_at).collect::<Vec<_>>())
            .bind::<Array<Nullable<BigInt>>, _>(chunk.iter().map(|r| r.staff_id).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(chunk.iter().map(|r| r.action).collect::<Vec<_>>())
            .bind::<Array<Nullable<Text>>, _>(
                chunk
                    .iter()
                    .map(|r| r.from_status.map(|s| s.as_str()))
                    .collect::<Vec<_>>(),
            )
            .bind::<Array<Nullable<Text>>, _>(
                chunk
                    .iter()
                    .map(|r| r.to_status.map(|s| s.as_str()))
                    .collect::<Vec<_>>(),
            )
            .bind::<Array<Nullable<BigInt>>, _>(chunk.iter().map(|r| r.client_id).collect::<Vec<_>>())
            .bind::<Array<Nullable<BigInt>>, _>(chunk.iter().map(|r| r.note_id).collect::<Vec<_>>())
            .execute(c)?;
        }
    } else {
        // SQLite caps the number of bound values in one statement.
        for chunk in rows.chunks(2000) {
            on_backend!(&mut *conn, |c| diesel::insert_into(events::table)
                .values(chunk)
                .execute(c))?;
        }
    }
    Ok(rows.iter().map(|r| r.note_id).collect())
}

/// An event and the name of the staff member who acted, if any.
pub type EventWithActor = (Event, Option<String>);

/// An item's history, oldest first (the API's order) or newest first (the history page's),
/// with the name of whoever acted.
pub fn for_item(
    conn: &mut DbConn,
    item_id: i64,
    newest_first: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<EventWithActor>, i64)> {
    let total = events::table
        .filter(events::item_id.eq(item_id))
        .count()
        .get_result(conn)?;
    let query = events::table
        .left_join(note_rows::table)
        .left_join(staff::table.on(events::staff_id.eq(staff::id.nullable())))
        .filter(events::item_id.eq(item_id))
        .into_boxed::<super::MultiBackend>();
    // Ids grow with time: the event id is the order things happened in.
    let query = if newest_first {
        query.order(events::id.desc())
    } else {
        query.order(events::id.asc())
    };
    let rows = query
        .offset(offset)
        .limit(limit)
        .select((event_columns(), staff::name.nullable()))
        .load(conn)?;
    Ok((rows, total))
}

/// One event by its id, with the name of whoever acted.
pub fn by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<EventWithActor>> {
    events::table
        .left_join(note_rows::table)
        .left_join(staff::table.on(events::staff_id.eq(staff::id.nullable())))
        .filter(events::id.eq(id))
        .select((event_columns(), staff::name.nullable()))
        .first(conn)
        .optional()
}

/// Every event that names one client or whose note belongs to their visit, oldest first.
pub fn for_client(conn: &mut DbConn, client_id: i64) -> QueryResult<Vec<Event>> {
    events::table
        .left_join(note_rows::table)
        .filter(
            events::client_id
                .eq(client_id)
                .or(note_rows::client_id.eq(client_id)),
        )
        .order(events::id)
        .select(event_columns())
        .load(conn)
}

/// The client an item was last with, read from its history: whose visit a cleaning after a
/// collection belongs to.
pub fn last_client_of_item(conn: &mut DbConn, item_id: i64) -> QueryResult<Option<i64>> {
    events::table
        .filter(events::item_id.eq(item_id))
        .filter(events::client_id.is_not_null())
        .order(events::id.desc())
        .select(events::client_id)
        .first::<Option<i64>>(conn)
        .optional()
        .map(Option::flatten)
}
