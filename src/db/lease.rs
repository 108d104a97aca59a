//! A lease that lets one instance at a time run a job. On PostgreSQL it is a session
//! advisory lock on a connection held for the job's length, so a crashed holder frees it
//! at once; on SQLite there is one process per file in practice, and the job's own
//! de-duplication keys cover the rest.

use diesel::RunQueryDsl;
use diesel::sql_types::Bool;

use super::{Db, DbConn, PooledConn};
use crate::error::AppError;

#[derive(diesel::QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

pub struct Lease {
    held: Option<(PooledConn, i64)>,
}

impl Lease {
    /// The lease for `key`, or `None` while another instance holds it.
    pub fn try_take(db: &Db, key: i64) -> Result<Option<Lease>, AppError> {
        let mut conn = db.get()?;
        match &mut *conn {
            DbConn::Sqlite(_) => Ok(Some(Lease { held: None })),
            DbConn::Postgres(c) => {
                let row: Locked = diesel::sql_query(format!("SELECT pg_try_advisory_lock({key}) AS locked"))
                    .get_result(c)?;
                Ok(row.locked.then_some(Lease {
                    held: Some((conn, key)),
                }))
            }
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some((conn, key)) = self.held.as_mut() {
            // The connection goes back to the pool: the lock must not go with it.
            if let DbConn::Postgres(c) = &mut **conn {
                if let Err(e) = diesel::sql_query(format!("SELECT pg_advisory_unlock({key})")).execute(c) {
                    tracing::warn!("cannot release lease {key}: {e}");
                }
            }
        }
    }
}
