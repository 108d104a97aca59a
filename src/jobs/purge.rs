//! The daily purge of what signing in leaves behind: expired web sessions, and sign-in
//! counts whose window has passed. A plain function of the database and a time, run after
//! each day's successful sweep.

use chrono::NaiveDateTime;

use crate::db::Db;
use crate::error::AppError;

/// How many rows of each kind went.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub sessions: usize,
    pub sign_in_counts: usize,
}

pub fn purge_sessions(db: &Db, now: NaiveDateTime) -> Result<Purged, AppError> {
    db.write(|c| {
        let sign_in_counts = crate::web::throttle::purge(c, now)?;
        let sessions = crate::db::sessions::purge_expired(c, now)?;
        Ok(Purged {
            sessions,
            sign_in_counts,
        })
    })
}
