//! Stores and depots.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::locations;
use crate::on_backend;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = locations)]
pub struct Location {
    pub id: i64,
    pub name: String,
    /// What sort of location: one of `service::catalogue::LOCATION_KINDS` (`store`, `depot`).
    pub kind: String,
    pub address: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = locations)]
pub struct NewLocation<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub address: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewLocation) -> QueryResult<Location> {
    on_backend!(conn, |c| diesel::insert_into(locations::table)
        .values(new)
        .returning(Location::as_returning())
        .get_result(c))
}

pub fn list(conn: &mut DbConn, offset: i64, limit: i64) -> QueryResult<(Vec<Location>, i64)> {
    let total = locations::table.count().get_result(conn)?;
    let rows = locations::table
        .order(locations::name)
        .offset(offset)
        .limit(limit)
        .select(Location::as_select())
        .load(conn)?;
    Ok((rows, total))
}

pub fn get(conn: &mut DbConn, id: i64) -> QueryResult<Option<Location>> {
    locations::table
        .find(id)
        .select(Location::as_select())
        .first(conn)
        .optional()
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Location>> {
    locations::table.select(Location::as_select()).load(conn)
}
