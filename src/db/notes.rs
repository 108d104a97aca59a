//! Free text about a visit, kept apart from the rows that point at it so that erasing a
//! client can blank it (the database refuses every other change).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::notes;
use crate::on_backend;

/// What an erased note reads.
pub const ERASED: &str = "[erased]";

/// Stores a note belonging to `client_id`'s visit (none for the store's own notes).
pub fn insert(conn: &mut DbConn, client_id: Option<i64>, body: &str) -> QueryResult<i64> {
    on_backend!(conn, |c| diesel::insert_into(notes::table)
        .values((notes::client_id.eq(client_id), notes::body.eq(body)))
        .returning(notes::id)
        .get_result(c))
}

/// The bodies of every note about one client, before they are blanked.
pub fn bodies_of_client(conn: &mut DbConn, client_id: i64) -> QueryResult<Vec<String>> {
    notes::table
        .filter(notes::client_id.eq(client_id))
        .filter(notes::erased_at.is_null())
        .select(notes::body)
        .load(conn)
}

/// Blanks every note about one client's visits; answers how many.
pub fn erase_client(conn: &mut DbConn, client_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        notes::table
            .filter(notes::client_id.eq(client_id))
            .filter(notes::erased_at.is_null()),
    )
    .set((notes::body.eq(ERASED), notes::erased_at.eq(now)))
    .execute(conn)
}
