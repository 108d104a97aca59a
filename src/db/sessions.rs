//! Web sessions: a cookie's hash, its staff member, its CSRF token, its expiry.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{sessions, staff};
use super::staff::Staff;
use crate::domain::secret::hash_token;

pub fn create(
    conn: &mut DbConn,
    token: &str,
    staff_id: i64,
    csrf: &str,
    now: NaiveDateTime,
    expires: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(hash_token(token)),
            sessions::staff_id.eq(staff_id),
            sessions::csrf_token.eq(csrf),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(expires),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The active staff member and CSRF token behind a cookie, if the session is live.
pub fn find(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> QueryResult<Option<(Staff, String)>> {
    sessions::table
        .inner_join(staff::table)
        .filter(sessions::token_hash.eq(hash_token(token)))
        .filter(sessions::expires_at.gt(now))
        .filter(staff::active.eq(true))
        .select((Staff::as_select(), sessions::csrf_token))
        .first(conn)
        .optional()
}

pub fn delete(conn: &mut DbConn, token: &str) -> QueryResult<()> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(hash_token(token))))
        .execute(conn)
        .map(|_| ())
}

/// Ends every session of a staff member.
pub fn end_for_staff(conn: &mut DbConn, staff_id: i64) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::staff_id.eq(staff_id))).execute(conn)
}

/// Removes sessions that have expired; answers how many.
pub fn purge_expired(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)
}
