//! The write transaction. On SQLite it begins `IMMEDIATE`: a deferred transaction that has
//! read and then writes cannot wait for the lock (SQLite answers "database is locked" at once
//! rather than risk a deadlock), whereas one that asks for the lock first waits on the busy
//! timeout while another process writes.

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::result::Error as DieselError;
use diesel::{Connection, QueryResult};

use super::DbConn;
use crate::error::AppError;

type Manager = <DbConn as Connection>::TransactionManager;

/// Runs `f` in one transaction that holds the write lock from its first statement.
pub(super) fn write<T>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, AppError>,
) -> Result<T, AppError> {
    begin(conn)?;
    match f(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => match Manager::rollback_transaction(conn) {
            Ok(()) | Err(DieselError::BrokenTransactionManager) => Err(error),
            Err(rollback) => Err(rollback.into()),
        },
    }
}

fn begin(conn: &mut DbConn) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE"),
        DbConn::Postgres(c) => AnsiTransactionManager::begin_transaction(c),
    }
}
