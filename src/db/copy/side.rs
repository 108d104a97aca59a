//! One end of a copy, SQLite or PostgreSQL: what its schema holds, its rows read a chunk at a
//! time as JSON arrays, and rows written with every value bound as text and cast to its
//! column's type. The SQL that differs between the backends is all here.

use diesel::connection::SimpleConnection;
use diesel::pg::{Pg, PgConnection};
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::{Sqlite, SqliteConnection};
use diesel::{QueryableByName, RunQueryDsl};
use serde_json::Value;

/// Rows read at a time: memory stays the same whatever the table's size.
pub const CHUNK: usize = 1000;
/// Values bound in one INSERT at most (SQLite takes 32,766, PostgreSQL 65,535).
const MAX_BINDS: usize = 10_000;

/// A column's type, as far as moving its values needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Integer,
    Real,
    Bool,
    Text,
    Date,
    Timestamp,
}

impl Kind {
    /// From PostgreSQL's `information_schema` name of a type.
    pub fn from_postgres(data_type: &str) -> Option<Kind> {
        Some(match data_type {
            "bigint" | "integer" | "smallint" => Kind::Integer,
            "double precision" | "real" | "numeric" => Kind::Real,
            "boolean" => Kind::Bool,
            "text" | "character varying" => Kind::Text,
            "date" => Kind::Date,
            "timestamp without time zone" => Kind::Timestamp,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    /// PostgreSQL's name of its type (from whichever end is PostgreSQL).
    pub pg_type: String,
    pub kind: Kind,
}

pub enum Side<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct KeyedRow {
    #[diesel(sql_type = BigInt)]
    k: i64,
    #[diesel(sql_type = Text)]
    r: String,
}

#[derive(QueryableByName)]
struct JsonRow {
    #[diesel(sql_type = Text)]
    r: String,
}

fn db_err(what: &str) -> impl Fn(diesel::result::Error) -> String + '_ {
    move |e| format!("{what}: {e}")
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Side<'_> {
    pub fn backend(&self) -> &'static str {
        match self {
            Side::Sqlite(_) => "SQLite",
            Side::Postgres(_) => "PostgreSQL",
        }
    }

    pub fn execute(&mut self, sql: &str) -> Result<(), String> {
        match self {
            Side::Sqlite(c) => c.batch_execute(sql),
            Side::Postgres(c) => c.batch_execute(sql),
        }
        .map_err(db_err(sql))
    }

    /// Every table of the schema, the engine's and the migrations' own included.
    pub fn tables(&mut self) -> Result<Vec<String>, String> {
        let names: Vec<Name> = match self {
            Side::Sqlite(c) => {
                diesel::sql_query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                    .load(*c)
            }
            Side::Postgres(c) => diesel::sql_query(
                "SELECT table_name::text AS name FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
            )
            .load(*c),
        }
        .map_err(db_err("listing the tables"))?;
        Ok(names.into_iter().map(|n| n.name).collect())
    }

    /// A table's column names, in their order.
    pub fn column_names(&mut self, table: &str) -> Result<Vec<String>, String> {
        Ok(self.pg_columns(table)?.into_iter().map(|c| c.0).collect())
    }

    /// A table's columns with their type: PostgreSQL's names on PostgreSQL, the declared type
    /// on SQLite.
    fn pg_columns(&mut self, table: &str) -> Result<Vec<(String, String)>, String> {
        let columns: Vec<PgColumn> = match self {
            Side::Sqlite(c) => diesel::sql_query(format!(
                "SELECT name, type AS data_type FROM pragma_table_info('{}') ORDER BY cid",
                table.replace('\'', "''")
            ))
            .load(*c),
            Side::Postgres(c) => diesel::sql_query(
                "SELECT column_name::text AS name, data_type::text AS data_type FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            )
            .bind::<Text, _>(table)
            .load(*c),
        }
        .map_err(db_err("reading a table's columns"))?;
        Ok(columns.into_iter().map(|c| (c.name, c.data_type)).collect())
    }

    /// The columns with their kinds; only PostgreSQL's types say them reliably.
    pub fn typed_columns(&mut self, table: &str) -> Result<Vec<Column>, String> {
        assert!(
            matches!(self, Side::Postgres(_)),
            "types are read from PostgreSQL"
        );
        self.pg_columns(table)?
            .into_iter()
            .map(|(name, pg_type)| {
                let kind = Kind::from_postgres(&pg_type).ok_or_else(|| {
                    format!("{table}.{name} has the type {pg_type}, which copy does not know how to move")
                })?;
                Ok(Column { name, pg_type, kind })
            })
            .collect()
    }

    pub fn count(&mut self, table: &str) -> Result<i64, String> {
        let sql = format!("SELECT COUNT(*) AS n FROM {}", quoted(table));
        let counted: Count = match self {
            Side::Sqlite(c) => diesel::sql_query(&sql).get_result(*c),
            Side::Postgres(c) => diesel::sql_query(&sql).get_result(*c),
        }
        .map_err(db_err(&sql))?;
        Ok(counted.n)
    }

    /// Reads every row of `table`, `CHUNK` at a time, each as its values in `columns`' order.
    /// Call inside a read transaction, so that every table is read as of one moment.
    pub fn read_chunks(
        &mut self,
        table: &str,
        columns: &[Column],
        mut each: impl FnMut(Vec<Vec<Value>>) -> Result<(), String>,
    ) -> Result<(), String> {
        let list = columns
            .iter()
            .map(|c| quoted(&c.name))
            .collect::<Vec<_>>()
            .join(", ");
        match self {
            // The rowid is SQLite's own key: each chunk starts after the last one read.
            Side::Sqlite(c) => {
                let sql = format!(
                    "SELECT rowid AS k, json_array({list}) AS r FROM {} WHERE rowid > ? ORDER BY rowid LIMIT {CHUNK}",
                    quoted(table)
                );
                let mut after = i64::MIN;
                loop {
                    let rows: Vec<KeyedRow> = diesel::sql_query(&sql)
                        .bind::<BigInt, _>(after)
                        .load(*c)
                        .map_err(db_err(&sql))?;
                    let Some(last) = rows.last() else { break };
                    after = last.k;
                    let done = rows.len() < CHUNK;
                    each(rows.iter().map(|r| parse_array(&r.r)).collect::<Result<_, _>>()?)?;
                    if done {
                        break;
                    }
                }
            }
            // A cursor: the server hands out one chunk per FETCH.
            Side::Postgres(c) => {
                c.batch_execute(&format!(
                    "DECLARE equiptrack_copy NO SCROLL CURSOR FOR \
                     SELECT json_build_array({list})::text AS r FROM {}",
                    quoted(table)
                ))
                .map_err(db_err("opening a cursor"))?;
                loop {
                    let rows: Vec<JsonRow> = diesel::sql_query(format!("FETCH {CHUNK} FROM equiptrack_copy"))
                        .load(*c)
                        .map_err(db_err("reading a chunk"))?;
                    if rows.is_empty() {
                        break;
                    }
                    each(rows.iter().map(|r| parse_array(&r.r)).collect::<Result<_, _>>()?)?;
                }
                c.batch_execute("CLOSE equiptrack_copy")
                    .map_err(db_err("closing a cursor"))?;
            }
        }
        Ok(())
    }

    /// Writes rows as they were read, ids included, several to a statement.
    pub fn insert(&mut self, table: &str, columns: &[Column], rows: &[Vec<Value>]) -> Result<(), String> {
        let per_statement = (MAX_BINDS / columns.len().max(1)).max(1);
        let names = columns
            .iter()
            .map(|c| quoted(&c.name))
            .collect::<Vec<_>>()
            .join(", ");
        for batch in rows.chunks(per_statement) {
            let mut n = 0;
            let tuples = batch
                .iter()
                .map(|_| {
                    let values = columns
                        .iter()
                        .map(|c| {
                            n += 1;
                            self.placeholder(n, c)
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    format!("({values})")
                })
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!("INSERT INTO {} ({names}) VALUES {tuples}", quoted(table));
            let sqlite = matches!(self, Side::Sqlite(_));
            let values = batch.iter().flat_map(|row| {
                row.iter()
                    .zip(columns)
                    .map(move |(v, c)| as_text(v, c.kind, sqlite))
            });
            let written = match self {
                Side::Sqlite(c) => {
                    let mut q = diesel::sql_query(&sql).into_boxed::<Sqlite>();
                    for v in values {
                        q = q.bind::<Nullable<Text>, _>(v);
                    }
                    q.execute(*c)
                }
                Side::Postgres(c) => {
                    let mut q = diesel::sql_query(&sql).into_boxed::<Pg>();
                    for v in values {
                        q = q.bind::<Nullable<Text>, _>(v);
                    }
                    q.execute(*c)
                }
            };
            written.map_err(|e| format!("writing rows of {table}: {e}"))?;
        }
        Ok(())
    }

    /// The n-th bound value, cast to its column's type.
    fn placeholder(&self, n: usize, column: &Column) -> String {
        match self {
            Side::Postgres(_) => format!("CAST(${n} AS {})", column.pg_type),
            Side::Sqlite(_) => match column.kind {
                Kind::Integer | Kind::Bool => "CAST(? AS INTEGER)".into(),
                Kind::Real => "CAST(? AS REAL)".into(),
                Kind::Text | Kind::Date | Kind::Timestamp => "?".into(),
            },
        }
    }

    /// Moves each identity sequence of PostgreSQL past the highest id copied, so the next row
    /// made there gets a new id. SQLite keeps its own count as rows arrive.
    pub fn reset_sequence(&mut self, table: &str, columns: &[Column]) -> Result<(), String> {
        let Side::Postgres(c) = self else {
            return Ok(());
        };
        if !columns.iter().any(|col| col.name == "id") {
            return Ok(());
        }
        let sql = format!(
            "SELECT setval(s, COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false) \
             FROM (SELECT pg_get_serial_sequence('{t}', 'id') AS s) q WHERE s IS NOT NULL",
            t = quoted(table).replace('\'', "''")
        );
        c.batch_execute(&sql).map_err(db_err(&sql))
    }
}

fn parse_array(text: &str) -> Result<Vec<Value>, String> {
    serde_json::from_str(text).map_err(|e| format!("a row read back as {text:?} is not a JSON array: {e}"))
}

/// A value as the text its column's cast reads back, written the way the target keeps it:
/// on SQLite booleans as 1 or 0 and timestamps as diesel writes them (`2026-12-02
/// 10:00:00.123456`), so that comparisons of the stored text still order correctly.
fn as_text(value: &Value, kind: Kind, to_sqlite: bool) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Bool(b) if to_sqlite => Some(if *b { "1" } else { "0" }.into()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if to_sqlite && kind == Kind::Timestamp => Some(
            s.parse::<chrono::NaiveDateTime>()
                .map(|t| t.format("%F %T%.f").to_string())
                .unwrap_or_else(|_| s.clone()),
        ),
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_the_way_each_backend_keeps_them() {
        let ts = Value::String("2026-12-02T10:00:00.123456".into());
        assert_eq!(
            as_text(&ts, Kind::Timestamp, true).as_deref(),
            Some("2026-12-02 10:00:00.123456")
        );
        let whole = Value::String("2026-12-02T10:00:00".into());
        assert_eq!(
            as_text(&whole, Kind::Timestamp, true).as_deref(),
            Some("2026-12-02 10:00:00")
        );
        assert_eq!(
            as_text(&Value::Bool(true), Kind::Bool, true).as_deref(),
            Some("1")
        );
        assert_eq!(
            as_text(&Value::Bool(false), Kind::Bool, false).as_deref(),
            Some("false")
        );
        assert_eq!(
            as_text(&serde_json::json!(1), Kind::Bool, false).as_deref(),
            Some("1")
        );
        assert_eq!(as_text(&Value::Null, Kind::Text, true), None);
        assert_eq!(Kind::from_postgres("timestamp with time zone"), None);
    }
}
