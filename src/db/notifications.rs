//! The outbox: one row per email, claimed before sending so that no two dispatchers send
//! the same row, and never deleted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{notification_clients, notifications};
use crate::domain::states::OutboxStatus;
use crate::on_backend;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: i64,
    pub dedup_key: String,
    /// What sort of email it is; stored in the `kind` column.
    #[diesel(column_name = kind)]
    pub category: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = notifications)]
pub struct NewNotification {
    pub dedup_key: String,
    /// What sort of email it is; stored in the `kind` column.
    #[diesel(column_name = kind)]
    pub category: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// Queues a message unless one with the same de-duplication key exists: answers whether
/// this call queued it. The unique key, not the caller, is what keeps a message single.
pub fn enqueue(conn: &mut DbConn, new: &NewNotification) -> QueryResult<bool> {
    let inserted = on_backend!(conn, |c| diesel::insert_into(notifications::table)
        .values(new)
        .on_conflict(notifications::dedup_key)
        .do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

/// Rows ready to send now: pending and due, or claimed by a dispatcher that has since gone.
pub fn ready(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<Notification>> {
    notifications::table
        .filter(
            notifications::status
                .eq(OutboxStatus::Pending)
                .and(notifications::next_attempt_at.le(now))
                .or(notifications::status
                    .eq(OutboxStatus::Sending)
                    .and(notifications::claimed_until.lt(now))),
        )
        .order(notifications::id)
        .limit(limit)
        .select(Notification::as_select())
        .load(conn)
}

/// Claims a row for one send; false when another dispatcher got there first.
pub fn claim(conn: &mut DbConn, row: &Notification, until: NaiveDateTime) -> QueryResult<bool> {
    let touched = diesel::update(
        notifications::table
            .filter(notifications::id.eq(row.id))
            .filter(notifications::status.eq(row.status))
            .filter(notifications::attempts.eq(row.attempts)),
    )
    .set((
        notifications::status.eq(OutboxStatus::Sending),
        notifications::claimed_until.eq(until),
        notifications::attempts.eq(row.attempts + 1),
    ))
    .execute(conn)?;
    Ok(touched == 1)
}

/// Gives back a claim whose message was never handed to the mail server: pending again, its
/// attempts unchanged, ready at once.
pub fn release(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    diesel::update(
        notifications::table
            .find(id)
            .filter(notifications::status.eq(OutboxStatus::Sending)),
    )
    .set((
        notifications::status.eq(OutboxStatus::Pending),
        notifications::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(())
}

pub fn mark_sent(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(notifications::table.find(id))
        .set((
            notifications::status.eq(OutboxStatus::Sent),
            notifications::sent_at.eq(now),
            notifications::claimed_until.eq(None::<NaiveDateTime>),
            notifications::last_error.eq(None::<String>),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records a failed send: pending again at `retry_at`, or failed for good when `retry_at`
/// is `None`.
pub fn mark_failed(
    conn: &mut DbConn,
    id: i64,
    error: &str,
    retry_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    let status = if retry_at.is_some() {
        OutboxStatus::Pending
    } else {
        OutboxStatus::Failed
    };
    diesel::update(notifications::table.find(id))
        .set((
            notifications::status.eq(status),
            notifications::last_error.eq(error),
            notifications::claimed_until.eq(None::<NaiveDateTime>),
            notifications::next_attempt_at.eq(retry_at.unwrap_or_else(|| chrono::Utc::now().naive_utc())),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Notification>> {
    notifications::table
        .find(id)
        .select(Notification::as_select())
        .first(conn)
        .optional()
}

/// Puts a failed row back in the queue with a fresh set of attempts; false when the row is
/// not failed (any more).
pub fn requeue(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let touched = diesel::update(
        notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::status.eq(OutboxStatus::Failed)),
    )
    .set((
        notifications::status.eq(OutboxStatus::Pending),
        notifications::attempts.eq(0),
        notifications::next_attempt_at.eq(now),
        notifications::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(touched == 1)
}

pub fn list(
    conn: &mut DbConn,
    status: Option<OutboxStatus>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Notification>, i64)> {
    let filtered = || {
        let mut q = notifications::table.into_boxed();
        if let Some(s) = status {
            q = q.filter(notifications::status.eq(s));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order(notifications::id.desc())
        .offset(offset)
        .limit(limit)
        .select(Notification::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// When the next pending row falls due, so an idle dispatcher knows how long it may sleep.
pub fn next_due(conn: &mut DbConn) -> QueryResult<Option<NaiveDateTime>> {
    notifications::table
        .filter(notifications::status.eq(OutboxStatus::Pending))
        .select(diesel::dsl::min(notifications::next_attempt_at))
        .first(conn)
}

pub fn id_of(conn: &mut DbConn, dedup_key: &str) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::dedup_key.eq(dedup_key))
        .select(notifications::id)
        .first(conn)
}

/// Records which clients a message speaks of, so erasure and the export find it.
pub fn link_clients(conn: &mut DbConn, id: i64, client_ids: &[i64]) -> QueryResult<()> {
    let mut ids = client_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for client_id in ids {
        on_backend!(&mut *conn, |c| diesel::insert_into(notification_clients::table)
            .values((
                notification_clients::notification_id.eq(id),
                notification_clients::client_id.eq(client_id),
            ))
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(())
}

/// The messages linked to one client when they were queued.
pub fn linked_to_client(conn: &mut DbConn, client_id: i64) -> QueryResult<Vec<i64>> {
    notification_clients::table
        .filter(notification_clients::client_id.eq(client_id))
        .select(notification_clients::notification_id)
        .load(conn)
}

/// `%text%` for LIKE, the pattern characters in `text` taken literally.
fn containing(text: &str) -> String {
    format!("%{}%", super::items::escape_like(text))
}

/// Every message about one client: linked to them when queued, or (for mail queued before
/// links were kept) naming them and their address together.
pub fn about_client(
    conn: &mut DbConn,
    client_id: i64,
    name: &str,
    address: &str,
) -> QueryResult<Vec<Notification>> {
    let linked = notification_clients::table
        .filter(notification_clients::client_id.eq(client_id))
        .select(notification_clients::notification_id);
    let mut query = notifications::table
        .filter(notifications::id.eq_any(linked))
        .into_boxed();
    if !name.is_empty() && !address.is_empty() {
        query = query.or_filter(
            notifications::body_text
                .like(containing(name))
                .escape('\\')
                .and(notifications::body_text.like(containing(address)).escape('\\')),
        );
    }
    query
        .order(notifications::id)
        .select(Notification::as_select())
        .load(conn)
}

/// Rewrites a message's words: the row stays, what it said about someone goes.
pub fn redact(conn: &mut DbConn, id: i64, subject: &str, text: &str, html: &str) -> QueryResult<()> {
    diesel::update(notifications::table.find(id))
        .set((
            notifications::subject.eq(subject),
            notifications::body_text.eq(text),
            notifications::body_html.eq(html),
        ))
        .execute(conn)
        .map(|_| ())
}
