//! What `GET /metrics` reads from the database when it is scraped (never per request): items
//! by status, the outbox by status, and the oldest pending email.

use chrono::NaiveDateTime;
use diesel::dsl::{count_star, min};
use diesel::prelude::*;

use super::DbConn;
use super::schema::{items, notifications};
use crate::domain::lifecycle::Status;
use crate::domain::states::OutboxStatus;

/// How many items stand in each status; a status no item has is left out.
pub fn items_by_status(conn: &mut DbConn) -> QueryResult<Vec<(Status, i64)>> {
    items::table
        .group_by(items::status)
        .select((items::status, count_star()))
        .load(conn)
}

/// How many outbox rows stand in each status; a status no row has is left out.
pub fn outbox_by_status(conn: &mut DbConn) -> QueryResult<Vec<(OutboxStatus, i64)>> {
    notifications::table
        .group_by(notifications::status)
        .select((notifications::status, count_star()))
        .load(conn)
}

/// When the oldest email still waiting to be sent was queued.
pub fn oldest_pending(conn: &mut DbConn) -> QueryResult<Option<NaiveDateTime>> {
    notifications::table
        .filter(notifications::status.eq(OutboxStatus::Pending))
        .select(min(notifications::created_at))
        .first(conn)
}
