//! One-time sign-in links: a token's hash, whose it is, when it ends, when it was used.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{sign_in_links, staff};
use super::staff::Staff;
use crate::domain::secret::hash_token;

/// A link as stored, with its staff member.
pub struct Link {
    pub id: i64,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub staff: Staff,
}

/// Keeps a new link's token as its hash only; answers the row's id.
pub fn insert(
    conn: &mut DbConn,
    token: &str,
    staff_id: i64,
    now: NaiveDateTime,
    expires: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(sign_in_links::table)
        .values((
            sign_in_links::token_hash.eq(hash_token(token)),
            sign_in_links::staff_id.eq(staff_id),
            sign_in_links::created_at.eq(now),
            sign_in_links::expires_at.eq(expires),
        ))
        .execute(conn)?;
    sign_in_links::table
        .filter(sign_in_links::token_hash.eq(hash_token(token)))
        .select(sign_in_links::id)
        .first(conn)
}

/// The link behind a token, used or not, expired or not.
pub fn find(conn: &mut DbConn, token: &str) -> QueryResult<Option<Link>> {
    let found: Option<(i64, NaiveDateTime, Option<NaiveDateTime>, Staff)> = sign_in_links::table
        .inner_join(staff::table)
        .filter(sign_in_links::token_hash.eq(hash_token(token)))
        .select((
            sign_in_links::id,
            sign_in_links::expires_at,
            sign_in_links::used_at,
            Staff::as_select(),
        ))
        .first(conn)
        .optional()?;
    Ok(found.map(|(id, expires_at, used_at, staff)| Link {
        id,
        expires_at,
        used_at,
        staff,
    }))
}

/// Marks a link used, only if it still was not: answers whether this call did it, so two
/// tabs posting the same link at once cannot both use it.
pub fn mark_used(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        sign_in_links::table
            .find(id)
            .filter(sign_in_links::used_at.is_null()),
    )
    .set(sign_in_links::used_at.eq(now))
    .execute(conn)
    .map(|n| n == 1)
}

/// Ends a person's links not yet used: a new link replaces them.
pub fn end_unused(conn: &mut DbConn, staff_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        sign_in_links::table
            .filter(sign_in_links::staff_id.eq(staff_id))
            .filter(sign_in_links::used_at.is_null())
            .filter(sign_in_links::expires_at.gt(now)),
    )
    .set(sign_in_links::expires_at.eq(now))
    .execute(conn)
}
