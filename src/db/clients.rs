//! Clients: the people at home. Personal data, so nothing here is ever logged.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{clients, items};
use super::{DbConn, in_chunks};
use crate::domain::lifecycle::Status;
use crate::on_backend;

diesel::define_sql_function! {
    /// Lower case on both backends, for case-blind search.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

#[derive(Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = clients)]
pub struct Client {
    pub id: i64,
    pub reference: String,
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub phone: Option<String>,
    pub erased_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Personal data stays out of logs even when a client is printed by mistake.
impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Client#{}", self.id)
    }
}

#[derive(Insertable)]
#[diesel(table_name = clients)]
pub struct NewClient<'a> {
    pub reference: &'a str,
    pub name: &'a str,
    pub address: &'a str,
    pub postcode: &'a str,
    pub phone: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Default, AsChangeset)]
#[diesel(table_name = clients)]
pub struct ClientChanges {
    pub reference: Option<String>,
    pub name: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub phone: Option<Option<String>>,
    pub erased_at: Option<Option<NaiveDateTime>>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, new: &NewClient) -> QueryResult<Client> {
    on_backend!(conn, |c| diesel::insert_into(clients::table)
        .values(new)
        .returning(Client::as_returning())
        .get_result(c))
}

pub fn get(conn: &mut DbConn, id: i64) -> QueryResult<Option<Client>> {
    clients::table
        .find(id)
        .select(Client::as_select())
        .first(conn)
        .optional()
}

pub fn get_many(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Client>> {
    in_chunks(ids, |chunk| {
        clients::table
            .filter(clients::id.eq_any(chunk))
            .select(Client::as_select())
            .load(conn)
    })
}

/// The clients with these references (exactly as stored), however many.
pub fn by_references(conn: &mut DbConn, references: &[String]) -> QueryResult<Vec<Client>> {
    in_chunks(references, |chunk| {
        clients::table
            .filter(clients::reference.eq_any(chunk))
            .select(Client::as_select())
            .load(conn)
    })
}

/// Many new clients at once (an import).
pub fn insert_many(conn: &mut DbConn, batch: &[NewClient]) -> QueryResult<()> {
    // Seven values a row, well under SQLite's cap on bound values a statement.
    for chunk in batch.chunks(2000) {
        on_backend!(&mut *conn, |c| diesel::insert_into(clients::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Lists clients, optionally matching `q` against reference, name and postcode.
pub fn list(conn: &mut DbConn, q: Option<&str>, offset: i64, limit: i64) -> QueryResult<(Vec<Client>, i64)> {
    let filtered = || {
        let mut query = clients::table.into_boxed();
        if let Some(q) = q {
            let pattern = format!("%{}%", super::items::escape_like(&q.to_lowercase()));
            query = query.filter(
                lower(clients::name)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(clients::reference).like(pattern.clone()).escape('\\'))
                    .or(lower(clients::postcode).like(pattern).escape('\\')),
            );
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order(clients::id)
        .offset(offset)
        .limit(limit)
        .select(Client::as_select())
        .load(conn)?;
    Ok((rows, total))
}

pub fn update(conn: &mut DbConn, id: i64, changes: &ClientChanges) -> QueryResult<usize> {
    diesel::update(clients::table.find(id)).set(changes).execute(conn)
}

/// Whether the client holds equipment still in use; what was condemned in their home
/// (lost, left in place) stays on their record but holds nothing back.
pub fn holds_items(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        items::table
            .filter(items::client_id.eq(id))
            .filter(items::status.ne(Status::Condemned)),
    ))
    .get_result(conn)
}
