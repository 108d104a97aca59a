//! Monotonic counters, so a generated number is never handed out twice.

use diesel::prelude::*;

use super::DbConn;
use super::schema::counters;

/// Takes the next `n` values of a counter and answers the first. Runs inside the caller's
/// transaction; the row update serialises concurrent callers on both backends.
pub fn take(conn: &mut DbConn, name: &str, n: i64) -> QueryResult<i64> {
    diesel::update(counters::table.find(name))
        .set(counters::value.eq(counters::value + n))
        .execute(conn)?;
    let last: i64 = counters::table.find(name).select(counters::value).first(conn)?;
    Ok(last - n + 1)
}
