//! Recalls and the items each one affects.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{recall_items, recalls};
use crate::domain::lifecycle::Status;
use crate::domain::states::{RecallItemState, RecallStatus};
use crate::on_backend;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = recalls)]
pub struct Recall {
    pub id: i64,
    pub reference: String,
    pub title: String,
    pub type_id: i64,
    pub serial_from: Option<String>,
    pub serial_to: Option<String>,
    pub batch: Option<String>,
    pub status: RecallStatus,
    pub opened_by: i64,
    pub opened_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = recalls)]
pub struct NewRecall<'a> {
    pub reference: &'a str,
    pub title: &'a str,
    pub type_id: i64,
    pub serial_from: Option<&'a str>,
    pub serial_to: Option<&'a str>,
    pub batch: Option<&'a str>,
    pub status: RecallStatus,
    pub opened_by: i64,
    pub opened_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = recall_items)]
pub struct RecallItem {
    pub id: i64,
    pub recall_id: i64,
    pub item_id: i64,
    pub status_at_open: Status,
    pub client_id: Option<i64>,
    pub worker_id: Option<i64>,
    pub state: RecallItemState,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolved_by: Option<i64>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = recall_items)]
pub struct NewRecallItem {
    pub recall_id: i64,
    pub item_id: i64,
    pub status_at_open: Status,
    pub client_id: Option<i64>,
    pub worker_id: Option<i64>,
    pub state: RecallItemState,
}

pub fn insert(conn: &mut DbConn, new: &NewRecall) -> QueryResult<Recall> {
    on_backend!(conn, |c| diesel::insert_into(recalls::table)
        .values(new)
        .returning(Recall::as_returning())
        .get_result(c))
}

pub fn insert_items(conn: &mut DbConn, rows: &[NewRecallItem]) -> QueryResult<()> {
    for chunk in rows.chunks(2000) {
        on_backend!(&mut *conn, |c| diesel::insert_into(recall_items::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

pub fn get(conn: &mut DbConn, id: i64) -> QueryResult<Option<Recall>> {
    recalls::table
        .find(id)
        .select(Recall::as_select())
        .first(conn)
        .optional()
}

pub fn by_reference(conn: &mut DbConn, reference: &str) -> QueryResult<Option<Recall>> {
    recalls::table
        .filter(recalls::reference.eq(reference))
        .select(Recall::as_select())
        .first(conn)
        .optional()
}

pub fn list(
    conn: &mut DbConn,
    status: Option<RecallStatus>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Recall>, i64)> {
    let filtered = || {
        let mut q = recalls::table.into_boxed();
        if let Some(s) = status {
            q = q.filter(recalls::status.eq(s));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order(recalls::id.desc())
        .offset(offset)
        .limit(limit)
        .select(Recall::as_select())
        .load(conn)?;
    Ok((rows, total))
}

pub fn items_of(conn: &mut DbConn, recall_id: i64) -> QueryResult<Vec<RecallItem>> {
    recall_items::table
        .filter(recall_items::recall_id.eq(recall_id))
        .order(recall_items::id)
        .select(RecallItem::as_select())
        .load(conn)
}

/// Every recall that has named one item, oldest first, with how it stands for the item.
pub fn of_item(conn: &mut DbConn, item_id: i64) -> QueryResult<Vec<(Recall, RecallItem)>> {
    recall_items::table
        .inner_join(recalls::table)
        .filter(recall_items::item_id.eq(item_id))
        .order(recalls::id)
        .select((Recall::as_select(), RecallItem::as_select()))
        .load(conn)
}

/// Open recalls against one item, newest first.
pub fn open_for_item(conn: &mut DbConn, item_id: i64) -> QueryResult<Vec<Recall>> {
    recall_items::table
        .inner_join(recalls::table)
        .filter(recall_items::item_id.eq(item_id))
        .filter(recall_items::state.eq(RecallItemState::Open))
        .order(recalls::id.desc())
        .select(Recall::as_select())
        .load(conn)
}

pub fn resolve_item(
    conn: &mut DbConn,
    row_id: i64,
    state: RecallItemState,
    by: i64,
    at: NaiveDateTime,
    notes: Option<&str>,
) -> QueryResult<bool> {
    let touched = diesel::update(
        recall_items::table
            .find(row_id)
            .filter(recall_items::state.eq(RecallItemState::Open)),
    )
    .set((
        recall_items::state.eq(state),
        recall_items::resolved_by.eq(by),
        recall_items::resolved_at.eq(at),
        recall_items::notes.eq(notes),
    ))
    .execute(conn)?;
    Ok(touched == 1)
}

pub fn open_count(conn: &mut DbConn, recall_id: i64) -> QueryResult<i64> {
    recall_items::table
        .filter(recall_items::recall_id.eq(recall_id))
        .filter(recall_items::state.eq(RecallItemState::Open))
        .count()
        .get_result(conn)
}

pub fn close(conn: &mut DbConn, recall_id: i64, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(recalls::table.find(recall_id))
        .set((
            recalls::status.eq(RecallStatus::Closed),
            recalls::closed_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Blanks what was noted when resolving items held by one client.
pub fn erase_notes_of_client(conn: &mut DbConn, client_id: i64) -> QueryResult<usize> {
    diesel::update(
        recall_items::table
            .filter(recall_items::client_id.eq(client_id))
            .filter(recall_items::notes.is_not_null()),
    )
    .set(recall_items::notes.eq(super::notes::ERASED))
    .execute(conn)
}

/// What was noted when resolving items held by one client.
pub fn notes_of_client(conn: &mut DbConn, client_id: i64) -> QueryResult<Vec<String>> {
    recall_items::table
        .filter(recall_items::client_id.eq(client_id))
        .filter(recall_items::notes.is_not_null())
        .select(recall_items::notes.assume_not_null())
        .load(conn)
}
