//! The daily purge of what signing in leaves behind: expired web sessions, and sign-in
//! counts whose window has passed. A plain function of the database and a time, run after
//! each day's successful sweep.

use chrono::NaiveDateTime;

use crate::db::Db;
use crate::error::AppError;
pub use crate::service::sign_in::Purged;

pub fn purge_sessions(db: &Db, now: NaiveDateTime) -> Result<Purged, AppError> {
    db.write(|c| crate::service::sign_in::purge(c, now))
}
