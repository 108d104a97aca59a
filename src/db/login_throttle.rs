//! Wrong-password counts by key, shared by every instance on the database. Each change is
//! one conditional statement, so concurrent attempts cannot both take the last try.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::login_throttle as t;
use crate::on_backend;

/// Counts one more attempt under `key` unless `limit` attempts are already counted in the
/// window that started after `window_after`; answers the count including this one, or
/// `None` when the limit is reached. A stale window starts again at this attempt.
pub fn take(
    conn: &mut DbConn,
    key: &str,
    limit: i32,
    now: NaiveDateTime,
    window_after: NaiveDateTime,
) -> QueryResult<Option<i32>> {
    let restarted = diesel::update(t::table.find(key).filter(t::window_start.le(window_after)))
        .set((t::failures.eq(1), t::window_start.eq(now)))
        .execute(conn)?;
    if restarted == 1 {
        return Ok(Some(1));
    }
    if let Some(n) = add_one(conn, key, limit)? {
        return Ok(Some(n));
    }
    let inserted = on_backend!(conn, |c| diesel::insert_into(t::table)
        .values((
            t::throttle_key.eq(key),
            t::failures.eq(1),
            t::window_start.eq(now)
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    if inserted == 1 {
        return Ok(Some(1));
    }
    // Another attempt created the row between our update and insert: count against it.
    add_one(conn, key, limit)
}

fn add_one(conn: &mut DbConn, key: &str, limit: i32) -> QueryResult<Option<i32>> {
    let added = diesel::update(t::table.find(key).filter(t::failures.lt(limit)))
        .set(t::failures.eq(t::failures + 1))
        .execute(conn)?;
    if added == 0 {
        return Ok(None);
    }
    t::table.find(key).select(t::failures).first(conn).map(Some)
}

/// Failures counted under `key` in the current window.
pub fn count(conn: &mut DbConn, key: &str, window_after: NaiveDateTime) -> QueryResult<i32> {
    Ok(t::table
        .find(key)
        .filter(t::window_start.gt(window_after))
        .select(t::failures)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

pub fn clear(conn: &mut DbConn, key: &str) -> QueryResult<()> {
    diesel::delete(t::table.find(key)).execute(conn).map(|_| ())
}

/// Removes counts whose window has passed; answers how many.
pub fn purge_stale(conn: &mut DbConn, window_after: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(t::table.filter(t::window_start.le(window_after))).execute(conn)
}
