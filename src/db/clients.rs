//! Clients: the people at home. Personal data, so nothing here is ever logged.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

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

/// The office's search: clients whose reference or postcode begins with `q` (an index
/// range each) or whose name contains it (a scan in id order that stops once it has found
/// `window` rows), `limit` of them from `offset`, in id order. No count: a page asks for one
/// row more than it shows to know whether another page follows.
pub fn search(conn: &mut DbConn, q: &str, offset: i64, limit: i64) -> QueryResult<Vec<Client>> {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let lower = q.to_lowercase();
    let upper = q.to_uppercase();
    // In byte order every text that begins with `p` lies in [p, p + U+10FFFF).
    let end = |p: &str| format!("{p}{}", char::MAX);
    let name = format!("%{}%", super::items::escape_like(&lower));
    let window = offset + limit;
    let sql = |collate: &str, n: &dyn Fn(usize) -> String| {
        format!(
            "SELECT id FROM ( \
               SELECT id FROM (SELECT id FROM clients WHERE lower(reference){collate} >= {} \
                 AND lower(reference){collate} < {} ORDER BY id LIMIT {}) r \
               UNION SELECT id FROM (SELECT id FROM clients WHERE postcode{collate} >= {} \
                 AND postcode{collate} < {} ORDER BY id LIMIT {}) p \
               UNION SELECT id FROM (SELECT id FROM clients WHERE lower(name) LIKE {} ESCAPE '\\' \
                 ORDER BY id LIMIT {}) n \
             ) m ORDER BY id LIMIT {} OFFSET {}",
            n(1),
            n(2),
            n(3),
            n(4),
            n(5),
            n(6),
            n(7),
            n(8),
            n(9),
            n(10)
        )
    };
    macro_rules! run {
        ($c:expr, $sql:expr) => {
            diesel::sql_query($sql)
                .bind::<Text, _>(&lower)
                .bind::<Text, _>(end(&lower))
                .bind::<BigInt, _>(window)
                .bind::<Text, _>(&upper)
                .bind::<Text, _>(end(&upper))
                .bind::<BigInt, _>(window)
                .bind::<Text, _>(&name)
                .bind::<BigInt, _>(window)
                .bind::<BigInt, _>(limit)
                .bind::<BigInt, _>(offset)
                .load::<Found>($c)?
        };
    }
    let found = match conn {
        DbConn::Sqlite(c) => run!(c, sql("", &|_| "?".to_string())),
        DbConn::Postgres(c) => run!(c, sql(" COLLATE \"C\"", &|i| format!("${i}"))),
    };
    let ids: Vec<i64> = found.into_iter().map(|f| f.id).collect();
    let mut rows = get_many(conn, &ids)?;
    rows.sort_by_key(|c| c.id);
    Ok(rows)
}

/// The client with this reference, any case: how the desk's search box names one.
pub fn by_reference(conn: &mut DbConn, reference: &str) -> QueryResult<Option<Client>> {
    clients::table
        .filter(lower(clients::reference).eq(reference.trim().to_lowercase()))
        .select(Client::as_select())
        .first(conn)
        .optional()
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
