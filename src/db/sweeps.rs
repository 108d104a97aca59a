//! The record of reminder sweeps: a row when one starts, completed when it ends.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::schema::sweeps;
use crate::domain::states::SweepOutcome;
use crate::on_backend;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sweeps)]
pub struct Sweep {
    pub id: i64,
    pub as_of: NaiveDate,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub outcome: SweepOutcome,
    pub due_checks: i32,
    pub digests: i32,
    pub queued: i32,
    pub error: Option<String>,
}

/// How a sweep ended.
pub struct Finished<'a> {
    pub outcome: SweepOutcome,
    pub due_checks: usize,
    pub digests: usize,
    pub queued: usize,
    pub error: Option<&'a str>,
}

/// Records a sweep as running from `now`; answers its id.
pub fn start(conn: &mut DbConn, as_of: NaiveDate, now: NaiveDateTime) -> QueryResult<i64> {
    on_backend!(conn, |c| diesel::insert_into(sweeps::table)
        .values((
            sweeps::as_of.eq(as_of),
            sweeps::started_at.eq(now),
            sweeps::outcome.eq(SweepOutcome::Running),
        ))
        .returning(sweeps::id)
        .get_result(c))
}

pub fn finish(conn: &mut DbConn, id: i64, now: NaiveDateTime, end: &Finished) -> QueryResult<()> {
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    diesel::update(sweeps::table.find(id))
        .set((
            sweeps::finished_at.eq(now),
            sweeps::outcome.eq(end.outcome),
            sweeps::due_checks.eq(count(end.due_checks)),
            sweeps::digests.eq(count(end.digests)),
            sweeps::queued.eq(count(end.queued)),
            sweeps::error.eq(end.error),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Whether a sweep for `as_of` has finished well, here or on another instance.
pub fn succeeded(conn: &mut DbConn, as_of: NaiveDate) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        sweeps::table
            .filter(sweeps::as_of.eq(as_of))
            .filter(sweeps::outcome.eq(SweepOutcome::Ok)),
    ))
    .get_result(conn)
}

/// Newest first.
pub fn list(conn: &mut DbConn, offset: i64, limit: i64) -> QueryResult<(Vec<Sweep>, i64)> {
    let total = sweeps::table.count().get_result(conn)?;
    let rows = sweeps::table
        .order(sweeps::id.desc())
        .offset(offset)
        .limit(limit)
        .select(Sweep::as_select())
        .load(conn)?;
    Ok((rows, total))
}
