//! Cleanings recorded when an item comes back, so a later reader can see how it was cleaned.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{decontaminations, notes, staff};

#[derive(Insertable)]
#[diesel(table_name = decontaminations)]
pub struct NewDecontamination<'a> {
    pub item_id: i64,
    pub method: &'a str,
    pub note_id: Option<i64>,
    pub performed_by: i64,
    pub performed_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, cleaning: &NewDecontamination<'_>) -> QueryResult<()> {
    diesel::insert_into(decontaminations::table)
        .values(cleaning)
        .execute(conn)?;
    Ok(())
}

/// A cleaning as the record shows it: when, by which method, by whom, with its note.
#[derive(Debug, Clone, Queryable)]
pub struct Cleaning {
    pub performed_at: NaiveDateTime,
    pub method: String,
    pub performed_by: String,
    pub notes: Option<String>,
}

/// Every cleaning of one item, oldest first.
pub fn of_item(conn: &mut DbConn, item_id: i64) -> QueryResult<Vec<Cleaning>> {
    decontaminations::table
        .inner_join(staff::table.on(staff::id.eq(decontaminations::performed_by)))
        .left_join(notes::table.on(notes::id.nullable().eq(decontaminations::note_id)))
        .filter(decontaminations::item_id.eq(item_id))
        .order(decontaminations::id)
        .select((
            decontaminations::performed_at,
            decontaminations::method,
            staff::name,
            notes::body.nullable(),
        ))
        .load(conn)
}
