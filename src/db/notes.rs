//! Free text about a visit, kept apart from the rows that point at it so that erasing a
//! client can blank it (the database refuses every other change).

use std::collections::HashMap;

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

/// Stores many notes, each `(client_id, body)` pair at most once; answers each pair's id.
pub fn insert_many<'a>(
    conn: &mut DbConn,
    wanted: &[(Option<i64>, &'a str)],
) -> QueryResult<HashMap<(Option<i64>, &'a str), i64>> {
    let mut ids: HashMap<(Option<i64>, &'a str), i64> = HashMap::with_capacity(wanted.len());
    let mut fresh: Vec<(Option<i64>, &'a str)> = Vec::new();
    for pair in wanted {
        if ids.insert(*pair, 0).is_none() {
            fresh.push(*pair);
        }
    }
    // Two values a row, well under SQLite's cap on bound values a statement.
    for chunk in fresh.chunks(5000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(client, body)| (notes::client_id.eq(*client), notes::body.eq(*body)))
            .collect();
        let made: Vec<(i64, Option<i64>, String)> =
            on_backend!(&mut *conn, |c| diesel::insert_into(notes::table)
                .values(&rows)
                .returning((notes::id, notes::client_id, notes::body))
                .get_results(c))?;
        // Matched by content, since neither backend promises the order RETURNING answers in.
        let index: HashMap<(Option<i64>, &str), usize> =
            chunk.iter().enumerate().map(|(i, p)| (*p, i)).collect();
        for (id, client, body) in made {
            if let Some(i) = index.get(&(client, body.as_str())) {
                ids.insert(chunk[*i], id);
            }
        }
    }
    Ok(ids)
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
