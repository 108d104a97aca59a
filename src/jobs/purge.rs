//! The daily purge: expired web sessions, sign-in counts whose window has passed, and
//! idempotency keys older than 30 days. A plain function of the database and a time, run
//! after each day's successful sweep.

use chrono::NaiveDateTime;

use crate::db::Db;
use crate::error::AppError;

/// How many rows of each kind the daily purge removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub sessions: usize,
    pub sign_in_counts: usize,
    pub idempotency_keys: usize,
}

pub fn purge_sessions(db: &Db, now: NaiveDateTime) -> Result<Purged, AppError> {
    db.write(|c| {
        let signed_in = crate::service::sign_in::purge(c, now)?;
        Ok(Purged {
            sessions: signed_in.sessions,
            sign_in_counts: signed_in.sign_in_counts,
            idempotency_keys: crate::service::idempotency::purge(c, now)?,
        })
    })
}
