//! Idempotency keys by account: the claim a write takes before it runs (one statement that
//! relies on the primary key, so of two requests at once, on any instance, one claims), the
//! answer kept once it is known, and the purge.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::idempotency_keys as k;
use crate::on_backend;

/// A key's row as a request sent again finds it.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = super::schema::idempotency_keys)]
pub struct Stored {
    pub request_hash: String,
    pub claimed_at: NaiveDateTime,
    /// None while the first request has no answer.
    pub status: Option<i32>,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: Option<String>,
}

/// The answer kept for a key.
pub struct Answer<'a> {
    pub status: i32,
    pub content_type: Option<&'a str>,
    pub location: Option<&'a str>,
    pub body: &'a str,
}

/// Claims `key` for `staff_id`; answers false when the account already holds it.
pub fn claim(
    conn: &mut DbConn,
    staff_id: i64,
    key: &str,
    request_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let inserted = on_backend!(conn, |c| diesel::insert_into(k::table)
        .values((
            k::staff_id.eq(staff_id),
            k::idempotency_key.eq(key),
            k::request_hash.eq(request_hash),
            k::claimed_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

pub fn find(conn: &mut DbConn, staff_id: i64, key: &str) -> QueryResult<Option<Stored>> {
    k::table
        .find((staff_id, key))
        .select(Stored::as_select())
        .first(conn)
        .optional()
}

/// Keeps the answer of a claimed key; answers whether the claim was still there unanswered.
pub fn answer(
    conn: &mut DbConn,
    staff_id: i64,
    key: &str,
    answer: &Answer<'_>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(k::table.find((staff_id, key)).filter(k::status.is_null()))
        .set((
            k::status.eq(answer.status),
            k::content_type.eq(answer.content_type),
            k::location.eq(answer.location),
            k::body.eq(answer.body),
            k::answered_at.eq(now),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Gives up a claim that has no answer, so the request may be sent again.
pub fn release(conn: &mut DbConn, staff_id: i64, key: &str) -> QueryResult<usize> {
    diesel::delete(k::table.find((staff_id, key)).filter(k::status.is_null())).execute(conn)
}

/// Kept answers whose body holds any of `fragments` (a superset on SQLite, whose LIKE
/// ignores ASCII case), in one pass over the table: (account, key, body).
pub fn answers_containing(
    conn: &mut DbConn,
    fragments: &[String],
) -> QueryResult<Vec<(i64, String, String)>> {
    if fragments.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = k::table
        .select((k::staff_id, k::idempotency_key, k::body.assume_not_null()))
        .into_boxed();
    for fragment in fragments {
        let escaped: String = fragment
            .chars()
            .flat_map(|c| match c {
                '\\' | '%' | '_' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        query = query.or_filter(k::body.like(format!("%{escaped}%")).escape('\\'));
    }
    query.load(conn)
}

/// Replaces a kept answer's body (an erased client's words taken out).
pub fn replace_body(conn: &mut DbConn, staff_id: i64, key: &str, body: &str) -> QueryResult<usize> {
    diesel::update(k::table.find((staff_id, key)))
        .set(k::body.eq(body))
        .execute(conn)
}

/// Removes keys claimed before `before`; answers how many.
pub fn purge(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(k::table.filter(k::claimed_at.lt(before))).execute(conn)
}
