//! The audit log: who changed accounts, items or personal data, appended and never rewritten.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{audit_log, staff};

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewEntry<'a> {
    pub occurred_at: NaiveDateTime,
    pub staff_id: Option<i64>,
    pub action: &'a str,
    pub subject_kind: &'a str,
    pub subject_id: i64,
    pub details: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct Entry {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub staff_id: Option<i64>,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: i64,
    pub details: String,
}

pub fn insert(conn: &mut DbConn, entry: &NewEntry) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values(entry)
        .execute(conn)
        .map(|_| ())
}

/// An entry and the name of the staff member who acted, if any.
pub type EntryWithActor = (Entry, Option<String>);

/// A page of entries, newest first, each with the name of who acted.
pub fn list(conn: &mut DbConn, offset: i64, limit: i64) -> QueryResult<(Vec<EntryWithActor>, i64)> {
    let total = audit_log::table.count().get_result(conn)?;
    let rows = audit_log::table
        .left_join(staff::table)
        .order(audit_log::id.desc())
        .offset(offset)
        .limit(limit)
        .select((Entry::as_select(), staff::name.nullable()))
        .load(conn)?;
    Ok((rows, total))
}
