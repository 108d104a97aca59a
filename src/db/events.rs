//! The append-only history of each item.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{events, staff};
use crate::on_backend;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = events)]
pub struct NewEvent {
    pub item_id: i64,
    pub occurred_at: NaiveDateTime,
    pub staff_id: Option<i64>,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub client_id: Option<i64>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct Event {
    pub id: i64,
    pub item_id: i64,
    pub occurred_at: NaiveDateTime,
    pub staff_id: Option<i64>,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub client_id: Option<i64>,
    pub notes: Option<String>,
}

pub fn insert(conn: &mut DbConn, event: &NewEvent) -> QueryResult<()> {
    diesel::insert_into(events::table)
        .values(event)
        .execute(conn)
        .map(|_| ())
}

pub fn insert_many(conn: &mut DbConn, batch: &[NewEvent]) -> QueryResult<()> {
    // SQLite caps the number of bound values in one statement.
    for chunk in batch.chunks(2000) {
        on_backend!(&mut *conn, |c| diesel::insert_into(events::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// An event and the name of the staff member who acted, if any.
pub type EventWithActor = (Event, Option<String>);

/// An item's history, oldest first, with the name of whoever acted.
pub fn for_item(
    conn: &mut DbConn,
    item_id: i64,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<EventWithActor>, i64)> {
    let total = events::table
        .filter(events::item_id.eq(item_id))
        .count()
        .get_result(conn)?;
    let rows = events::table
        .left_join(staff::table.on(events::staff_id.eq(staff::id.nullable())))
        .filter(events::item_id.eq(item_id))
        .order(events::id)
        .offset(offset)
        .limit(limit)
        .select((Event::as_select(), staff::name.nullable()))
        .load(conn)?;
    Ok((rows, total))
}
