//! Staff accounts and their API tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::clients::lower;
use super::schema::{api_tokens, staff};
use crate::domain::roles::Role;
use crate::domain::secret::hash_token;
use crate::on_backend;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = staff)]
pub struct Staff {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub password_hash: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = staff)]
pub struct NewStaff<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub active: bool,
    pub password_hash: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = staff)]
pub struct StaffChanges {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub password_hash: Option<Option<String>>,
}

pub fn insert(conn: &mut DbConn, new: &NewStaff) -> QueryResult<Staff> {
    on_backend!(conn, |c| diesel::insert_into(staff::table)
        .values(new)
        .returning(Staff::as_returning())
        .get_result(c))
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    staff::table.count().get_result(conn)
}

pub fn get(conn: &mut DbConn, id: i64) -> QueryResult<Option<Staff>> {
    staff::table
        .find(id)
        .select(Staff::as_select())
        .first(conn)
        .optional()
}

pub fn by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<Staff>> {
    staff::table
        .filter(staff::email.eq(email))
        .select(Staff::as_select())
        .first(conn)
        .optional()
}

/// Every account: an import names workers by address.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Staff>> {
    staff::table
        .order(staff::id)
        .select(Staff::as_select())
        .load(conn)
}

/// Active staff in `roles` whose name or address contains `q` (any case), by name, at most
/// `limit`: what a search box offers.
pub fn active_matching(conn: &mut DbConn, q: &str, roles: &[Role], limit: i64) -> QueryResult<Vec<Staff>> {
    let pattern = format!("%{}%", super::items::escape_like(&q.to_lowercase()));
    staff::table
        .filter(staff::active.eq(true))
        .filter(staff::role.eq_any(roles.to_vec()))
        .filter(
            lower(staff::name)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(staff::email).like(pattern).escape('\\')),
        )
        .order((staff::name, staff::id))
        .limit(limit)
        .select(Staff::as_select())
        .load(conn)
}

pub fn list(conn: &mut DbConn, offset: i64, limit: i64) -> QueryResult<(Vec<Staff>, i64)> {
    let total = staff::table.count().get_result(conn)?;
    let rows = staff::table
        .order(staff::id)
        .offset(offset)
        .limit(limit)
        .select(Staff::as_select())
        .load(conn)?;
    Ok((rows, total))
}

pub fn update(conn: &mut DbConn, id: i64, changes: &StaffChanges) -> QueryResult<usize> {
    diesel::update(staff::table.find(id)).set(changes).execute(conn)
}

pub fn count_active_admins(conn: &mut DbConn) -> QueryResult<i64> {
    staff::table
        .filter(staff::role.eq(Role::Admin))
        .filter(staff::active.eq(true))
        .count()
        .get_result(conn)
}

/// Keeps a new API token, as its hash only.
pub fn insert_token(
    conn: &mut DbConn,
    staff_id: i64,
    token: &str,
    now: NaiveDateTime,
    expires: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::staff_id.eq(staff_id),
            api_tokens::token_hash.eq(hash_token(token)),
            api_tokens::created_at.eq(now),
            api_tokens::expires_at.eq(expires),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The active staff member behind a token that has not ended, and when it ends.
pub fn by_token(
    conn: &mut DbConn,
    token: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(Staff, Option<NaiveDateTime>)>> {
    api_tokens::table
        .inner_join(staff::table)
        .filter(api_tokens::token_hash.eq(hash_token(token)))
        .filter(
            api_tokens::expires_at
                .is_null()
                .or(api_tokens::expires_at.gt(now)),
        )
        .filter(staff::active.eq(true))
        .select((Staff::as_select(), api_tokens::expires_at))
        .first(conn)
        .optional()
}

/// Ends every API token of a staff member.
pub fn end_tokens(conn: &mut DbConn, staff_id: i64) -> QueryResult<usize> {
    diesel::delete(api_tokens::table.filter(api_tokens::staff_id.eq(staff_id))).execute(conn)
}
