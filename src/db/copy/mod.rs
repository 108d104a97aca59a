//! `equiptrack copy --to URL`: everything in this database (every table `tables::TABLES`
//! copies, ids and history included) into an empty database of the other backend, read a
//! chunk at a time inside one read transaction and written inside one transaction on the
//! target, then counted table by table before that transaction commits.

mod side;
pub mod tables;

use super::{DatabaseTarget, Db, DbConn};
use side::{Column, Side};
use tables::Treatment;

/// How many rows each table had, as copied and counted.
#[derive(Debug, Default)]
pub struct Copied {
    pub tables: Vec<(String, i64)>,
    pub skipped: Vec<(&'static str, &'static str)>,
}

/// Copies `source` into the database at `to`, which the migrations bring up to date first.
/// Refused, before any row is written, when `to` is the same backend, not empty, or either
/// schema holds a table the list does not name.
pub fn copy(source: &Db, to: &DatabaseTarget) -> Result<Copied, String> {
    if source.target().is_sqlite() == to.is_sqlite() {
        let backend = if to.is_sqlite() { "SQLite" } else { "PostgreSQL" };
        return Err(format!(
            "both databases are {backend}: copy moves a database from SQLite to PostgreSQL or back"
        ));
    }
    let target = Db::open(to, 1, super::DEFAULT_BUSY_TIMEOUT)?;
    target.migrate()?;
    let mut from = source.get().map_err(|e| e.to_string())?;
    let mut into = target.get().map_err(|e| e.to_string())?;
    let (mut from, mut into) = (side_of(&mut from), side_of(&mut into));

    from.execute(match from {
        Side::Postgres(_) => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        Side::Sqlite(_) => "BEGIN",
    })?;
    into.execute(match into {
        Side::Postgres(_) => "BEGIN",
        Side::Sqlite(_) => "BEGIN IMMEDIATE",
    })?;
    let copied = copy_tables(&mut from, &mut into);
    let ended = match &copied {
        Ok(_) => into.execute("COMMIT"),
        Err(_) => into.execute("ROLLBACK"),
    };
    let _ = from.execute("ROLLBACK");
    let copied = copied?;
    ended?;
    Ok(copied)
}

/// Whether the table list fits `db`'s schema: every table named, and no name without a table
/// (otherwise a copy is refused, saying which).
pub fn check_table_list(db: &Db) -> Result<(), String> {
    let mut conn = db.get().map_err(|e| e.to_string())?;
    match tables::mismatch(&side_of(&mut conn).tables()?) {
        None => Ok(()),
        Some(wrong) => Err(wrong),
    }
}

fn side_of(conn: &mut DbConn) -> Side<'_> {
    match conn {
        DbConn::Sqlite(c) => Side::Sqlite(c),
        DbConn::Postgres(c) => Side::Postgres(c),
    }
}

fn copy_tables<'c>(from: &mut Side<'c>, into: &mut Side<'c>) -> Result<Copied, String> {
    for side in [&mut *from, &mut *into] {
        if let Some(wrong) = tables::mismatch(&side.tables()?) {
            return Err(format!("the {} database: {wrong}", side.backend()));
        }
    }
    let mut in_use = Vec::new();
    for (table, treatment) in tables::TABLES {
        if *treatment == Treatment::Copy {
            let n = into.count(table)?;
            if n > 0 {
                in_use.push(format!("{table} ({n} rows)"));
            }
        }
    }
    if !in_use.is_empty() {
        return Err(format!(
            "the target database is not empty: {}. Copy only into a new, empty database \
             (one the service has never started on)",
            in_use.join(", ")
        ));
    }
    let mut copied = Copied::default();
    for (table, treatment) in tables::TABLES {
        match treatment {
            Treatment::Skip(why) => {
                copied.skipped.push((table, why));
                continue;
            }
            Treatment::Replace => into.execute(&format!("DELETE FROM \"{table}\""))?,
            Treatment::Copy => {}
        }
        let columns = columns_of(from, into, table)?;
        let expected = from.count(table)?;
        let mut written = 0i64;
        from.read_chunks(table, &columns, |rows| {
            written += rows.len() as i64;
            into.insert(table, &columns, &rows)
        })?;
        let counted = into.count(table)?;
        if written != expected || counted != expected {
            return Err(format!(
                "{table}: {expected} rows in the source, {written} read, {counted} in the target; nothing was copied"
            ));
        }
        into.reset_sequence(table, &columns)?;
        copied.tables.push((table.to_string(), counted));
    }
    Ok(copied)
}

/// A table's columns, which must be the same at both ends (both schemas come from the same
/// migrations), with their types as PostgreSQL names them.
fn columns_of<'c>(from: &mut Side<'c>, into: &mut Side<'c>, table: &str) -> Result<Vec<Column>, String> {
    let (pg, other) = match from {
        Side::Postgres(_) => (from, into),
        Side::Sqlite(_) => (into, from),
    };
    let columns = pg.typed_columns(table)?;
    let mut theirs = other.column_names(table)?;
    let mut ours: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    theirs.sort();
    ours.sort();
    if ours != theirs {
        return Err(format!(
            "{table} has different columns in the two databases ({} and {}): are both migrated by this version?",
            ours.join(", "),
            theirs.join(", ")
        ));
    }
    Ok(columns)
}
