//! Items, their per-rule due dates, and the filtered list.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{equipment_types, item_checks_due, items, recall_items};
use super::{DbConn, in_chunks};
use crate::domain::lifecycle::{CondemnReason, Status};
use crate::domain::states::RecallItemState;
use crate::on_backend;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = items)]
pub struct Item {
    pub id: i64,
    pub asset_tag: String,
    pub type_id: i64,
    pub serial_number: Option<String>,
    pub batch: Option<String>,
    pub status: Status,
    pub location_id: Option<i64>,
    pub client_id: Option<i64>,
    pub worker_id: Option<i64>,
    pub fitted_at: Option<NaiveDate>,
    pub last_checked_at: Option<NaiveDate>,
    pub next_check_due: Option<NaiveDate>,
    pub search_key: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The first fit: every rule's clock runs from it until that rule's first check.
    pub first_fitted_at: Option<NaiveDate>,
    pub condemn_reason: Option<CondemnReason>,
    pub manufactured_on: Option<NaiveDate>,
    /// Its own safe working load; none: the type's.
    pub safe_working_load_kg: Option<i32>,
}

/// What `q` is matched against: tag, serial and batch in lower case, in one column.
pub fn search_key(asset_tag: &str, serial_number: Option<&str>, batch: Option<&str>) -> String {
    format!(
        "{} {} {}",
        asset_tag,
        serial_number.unwrap_or(""),
        batch.unwrap_or("")
    )
    .to_lowercase()
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = items)]
pub struct NewItem {
    pub asset_tag: String,
    pub type_id: i64,
    pub serial_number: Option<String>,
    pub batch: Option<String>,
    pub status: Status,
    pub location_id: Option<i64>,
    pub search_key: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub manufactured_on: Option<NaiveDate>,
    pub safe_working_load_kg: Option<i32>,
    /// An item imported in a home arrives with its client, worker, fit and dates.
    pub client_id: Option<i64>,
    pub worker_id: Option<i64>,
    pub fitted_at: Option<NaiveDate>,
    pub first_fitted_at: Option<NaiveDate>,
    pub last_checked_at: Option<NaiveDate>,
    pub next_check_due: Option<NaiveDate>,
}

/// The columns a move or an edit may change. `None` leaves a column as it is;
/// `Some(None)` clears it.
#[derive(Debug, Default, Clone, AsChangeset)]
#[diesel(table_name = items)]
pub struct ItemChanges {
    pub serial_number: Option<Option<String>>,
    pub batch: Option<Option<String>>,
    pub status: Option<Status>,
    pub location_id: Option<Option<i64>>,
    pub client_id: Option<Option<i64>>,
    pub worker_id: Option<Option<i64>>,
    pub fitted_at: Option<Option<NaiveDate>>,
    pub last_checked_at: Option<Option<NaiveDate>>,
    pub next_check_due: Option<Option<NaiveDate>>,
    pub search_key: Option<String>,
    pub first_fitted_at: Option<Option<NaiveDate>>,
    pub condemn_reason: Option<Option<CondemnReason>>,
    pub manufactured_on: Option<Option<NaiveDate>>,
    pub safe_working_load_kg: Option<Option<i32>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = item_checks_due)]
pub struct CheckDue {
    pub item_id: i64,
    pub rule_id: i64,
    pub last_checked_at: Option<NaiveDate>,
    pub next_due: Option<NaiveDate>,
}

pub fn insert(conn: &mut DbConn, new: &NewItem) -> QueryResult<Item> {
    on_backend!(conn, |c| diesel::insert_into(items::table)
        .values(new)
        .returning(Item::as_returning())
        .get_result(c))
}

/// Inserts many items and answers each one's (id, tag). On PostgreSQL the ids come back
/// with the insert: looking them up by tag afterwards made it scan the table once per
/// batch, since the rows an import has just written have no statistics yet. SQLite looks
/// them up by tag, through the tag's index.
pub fn insert_many(conn: &mut DbConn, batch: &[NewItem]) -> QueryResult<Vec<(i64, String)>> {
    let mut ids = Vec::with_capacity(batch.len());
    for chunk in batch.chunks(2000) {
        match &mut *conn {
            DbConn::Postgres(c) => ids.extend(
                diesel::insert_into(items::table)
                    .values(chunk)
                    .returning((items::id, items::asset_tag))
                    .get_results::<(i64, String)>(c)?,
            ),
            DbConn::Sqlite(c) => {
                diesel::insert_into(items::table).values(chunk).execute(c)?;
                let tags: Vec<String> = chunk.iter().map(|i| i.asset_tag.clone()).collect();
                ids.extend(ids_by_tags(conn, &tags)?);
            }
        }
    }
    Ok(ids)
}

/// Many items' dates at once, for items that had none (an import).
pub fn insert_dues(conn: &mut DbConn, dues: &[CheckDue]) -> QueryResult<()> {
    // Four values a row: well under SQLite's cap on bound values.
    for chunk in dues.chunks(2000) {
        on_backend!(&mut *conn, |c| diesel::insert_into(item_checks_due::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

pub fn ids_by_tags(conn: &mut DbConn, tags: &[String]) -> QueryResult<Vec<(i64, String)>> {
    in_chunks(tags, |chunk| {
        items::table
            .filter(items::asset_tag.eq_any(chunk))
            .select((items::id, items::asset_tag))
            .load::<(i64, String)>(conn)
    })
}

pub fn by_tag(conn: &mut DbConn, tag: &str) -> QueryResult<Option<Item>> {
    items::table
        .filter(items::asset_tag.eq(tag))
        .select(Item::as_select())
        .first(conn)
        .optional()
}

pub fn get_many(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Item>> {
    in_chunks(ids, |chunk| {
        items::table
            .filter(items::id.eq_any(chunk))
            .select(Item::as_select())
            .load(conn)
    })
}

pub fn tag_exists(conn: &mut DbConn, tag: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(items::table.filter(items::asset_tag.eq(tag)))).get_result(conn)
}

/// `%`, `_` and `\` stand for themselves in a search.
pub fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Every tag that begins with `prefix`, so a bulk import can skip the taken ones.
pub fn tags_with_prefix(conn: &mut DbConn, prefix: &str) -> QueryResult<Vec<String>> {
    items::table
        .filter(
            items::asset_tag
                .like(format!("{}%", escape_like(prefix)))
                .escape('\\'),
        )
        .select(items::asset_tag)
        .load(conn)
}

/// The items of one type a recall could reach: every one not yet condemned.
pub fn not_condemned_of_type(conn: &mut DbConn, type_id: i64) -> QueryResult<Vec<Item>> {
    items::table
        .filter(items::type_id.eq(type_id))
        .filter(items::status.ne(Status::Condemned))
        .select(Item::as_select())
        .load(conn)
}

/// Applies `changes` only if nobody else has changed the item since `version` was read:
/// answers false when the race was lost.
pub fn update_versioned(
    conn: &mut DbConn,
    id: i64,
    version: i64,
    changes: &ItemChanges,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = items::table
        .filter(items::id.eq(id))
        .filter(items::version.eq(version));
    let touched = diesel::update(target)
        .set((changes, items::version.eq(version + 1), items::updated_at.eq(now)))
        .execute(conn)?;
    Ok(touched == 1)
}

/// A passed check's change to one item's own columns, written with many others
/// (`update_checked_many`): the status the move leads to and the item's check dates.
#[derive(Debug, Clone)]
pub struct CheckedItem {
    pub id: i64,
    /// The version read: the row is written only while it still holds it.
    pub version: i64,
    pub status: Status,
    pub last_checked_at: Option<NaiveDate>,
    pub next_check_due: Option<NaiveDate>,
}

/// Rows a PostgreSQL statement of `update_checked_many` or `set_dues_many` carries: their
/// values go as arrays, so no cap on bound values applies; a bounded statement all the same.
const ROWS_PER_ARRAY_STATEMENT: usize = 5000;

/// Writes many items as `update_versioned` writes one with these columns changed (the
/// version bumped, `updated_at` now), each only while it holds the version read; answers
/// how many were written. PostgreSQL takes them a few statements in all (a round trip an
/// item was most of an import's time); SQLite, in its one local transaction, one a statement.
pub fn update_checked_many(
    conn: &mut DbConn,
    rows: &[CheckedItem],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    use diesel::sql_types::{Array, BigInt, Date, Nullable, Text, Timestamp};
    if let DbConn::Postgres(c) = &mut *conn {
        let mut written = 0;
        for chunk in rows.chunks(ROWS_PER_ARRAY_STATEMENT) {
            written += diesel::sql_query(
                "UPDATE items SET status = v.status, last_checked_at = v.last_checked_at, \
                 next_check_due = v.next_check_due, version = items.version + 1, updated_at = $6 \
                 FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::date[], $5::date[]) \
                 AS v(id, version, status, last_checked_at, next_check_due) \
                 WHERE items.id = v.id AND items.version = v.version",
            )
            .bind::<Array<BigInt>, _>(chunk.iter().map(|r| r.id).collect::<Vec<_>>())
            .bind::<Array<BigInt>, _>(chunk.iter().map(|r| r.version).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(chunk.iter().map(|r| r.status.as_str()).collect::<Vec<_>>())
            .bind::<Array<Nullable<Date>>, _>(chunk.iter().map(|r| r.last_checked_at).collect::<Vec<_>>())
            .bind::<Array<Nullable<Date>>, _>(chunk.iter().map(|r| r.next_check_due).collect::<Vec<_>>())
            .bind::<Timestamp, _>(now)
            .execute(c)?;
        }
        return Ok(written);
    }
    let mut written = 0;
    for r in rows {
        let changes = ItemChanges {
            status: Some(r.status),
            last_checked_at: Some(r.last_checked_at),
            next_check_due: Some(r.next_check_due),
            ..ItemChanges::default()
        };
        if update_versioned(conn, r.id, r.version, &changes, now)? {
            written += 1;
        }
    }
    Ok(written)
}

/// Sets many rules' dates as `set_due` sets one: on PostgreSQL an upsert a few thousand
/// rows a statement; on SQLite `set_due` itself, in the caller's transaction.
pub fn set_dues_many(conn: &mut DbConn, dues: &[CheckDue]) -> QueryResult<()> {
    use diesel::sql_types::{Array, BigInt, Date, Nullable};
    if let DbConn::Postgres(c) = &mut *conn {
        for chunk in dues.chunks(ROWS_PER_ARRAY_STATEMENT) {
            diesel::sql_query(
                "INSERT INTO item_checks_due (item_id, rule_id, last_checked_at, next_due) \
                 SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::date[], $4::date[]) \
                 ON CONFLICT (item_id, rule_id) DO UPDATE \
                 SET last_checked_at = excluded.last_checked_at, next_due = excluded.next_due",
            )
            .bind::<Array<BigInt>, _>(chunk.iter().map(|d| d.item_id).collect::<Vec<_>>())
            .bind::<Array<BigInt>, _>(chunk.iter().map(|d| d.rule_id).collect::<Vec<_>>())
            .bind::<Array<Nullable<Date>>, _>(chunk.iter().map(|d| d.last_checked_at).collect::<Vec<_>>())
            .bind::<Array<Nullable<Date>>, _>(chunk.iter().map(|d| d.next_due).collect::<Vec<_>>())
            .execute(c)?;
        }
        return Ok(());
    }
    for due in dues {
        set_due(conn, due)?;
    }
    Ok(())
}

/// Which of the items `ids` are under an open recall, as `is_under_open_recall` asks of one.
pub fn under_open_recall(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<i64>> {
    in_chunks(ids, |chunk| {
        recall_items::table
            .filter(recall_items::item_id.eq_any(chunk))
            .filter(recall_items::state.eq(RecallItemState::Open))
            .select(recall_items::item_id)
            .distinct()
            .load(conn)
    })
}

pub fn dues_for(conn: &mut DbConn, item_ids: &[i64]) -> QueryResult<Vec<CheckDue>> {
    in_chunks(item_ids, |chunk| {
        item_checks_due::table
            .filter(item_checks_due::item_id.eq_any(chunk))
            .select(CheckDue::as_select())
            .load(conn)
    })
}

/// One item's due dates; fixed SQL, unlike `dues_for`.
pub fn dues_of(conn: &mut DbConn, item_id: i64) -> QueryResult<Vec<CheckDue>> {
    item_checks_due::table
        .filter(item_checks_due::item_id.eq(item_id))
        .select(CheckDue::as_select())
        .load(conn)
}

/// Sets one rule's dates, creating the row the first time.
pub fn set_due(conn: &mut DbConn, due: &CheckDue) -> QueryResult<()> {
    let updated = diesel::update(item_checks_due::table.find((due.item_id, due.rule_id)))
        .set((
            item_checks_due::last_checked_at.eq(due.last_checked_at),
            item_checks_due::next_due.eq(due.next_due),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(item_checks_due::table)
            .values((
                item_checks_due::item_id.eq(due.item_id),
                item_checks_due::rule_id.eq(due.rule_id),
                item_checks_due::last_checked_at.eq(due.last_checked_at),
                item_checks_due::next_due.eq(due.next_due),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Clears every rule's next due date, keeping its last check: the item is condemned.
pub fn clear_dues(conn: &mut DbConn, item_id: i64) -> QueryResult<()> {
    diesel::update(item_checks_due::table.filter(item_checks_due::item_id.eq(item_id)))
        .set(item_checks_due::next_due.eq(None::<NaiveDate>))
        .execute(conn)
        .map(|_| ())
}

pub fn is_under_open_recall(conn: &mut DbConn, item_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        recall_items::table
            .filter(recall_items::item_id.eq(item_id))
            .filter(recall_items::state.eq(RecallItemState::Open)),
    ))
    .get_result(conn)
}

#[derive(Debug, Default, Clone)]
pub struct ItemFilter {
    pub status: Option<Status>,
    pub category: Option<String>,
    pub type_code: Option<String>,
    pub client_id: Option<i64>,
    pub worker_id: Option<i64>,
    pub due_before: Option<NaiveDate>,
    pub q: Option<String>,
    pub tags: Option<Vec<String>>,
}

type Backend = super::MultiBackend;

fn filtered(f: &ItemFilter) -> items::BoxedQuery<'static, Backend> {
    let mut query = items::table.into_boxed::<Backend>();
    if let Some(status) = &f.status {
        query = query.filter(items::status.eq(*status));
    }
    if let Some(category) = &f.category {
        query = query.filter(
            items::type_id.eq_any(
                equipment_types::table
                    .filter(equipment_types::category.eq(category.clone()))
                    .select(equipment_types::id),
            ),
        );
    }
    if let Some(code) = &f.type_code {
        query = query.filter(
            items::type_id.eq_any(
                equipment_types::table
                    .filter(equipment_types::code.eq(code.clone()))
                    .select(equipment_types::id),
            ),
        );
    }
    if let Some(client) = f.client_id {
        query = query.filter(items::client_id.eq(client));
    }
    if let Some(worker) = f.worker_id {
        query = query.filter(items::worker_id.eq(worker));
    }
    if let Some(due) = f.due_before {
        query = query.filter(items::next_check_due.lt(due));
    }
    if let Some(tags) = &f.tags {
        query = query.filter(items::asset_tag.eq_any(tags.clone()));
    }
    // `q` is matched by item_search, on the indexes of each backend.
    query
}

/// The ids of one page of items matching `filter`, in tag order (a search: exact matches
/// first), and how many match in all.
pub fn list(conn: &mut DbConn, filter: &ItemFilter, offset: i64, limit: i64) -> QueryResult<(Vec<i64>, i64)> {
    if let Some(q) = &filter.q {
        return super::item_search::page(conn, || filtered(filter), q, offset, limit);
    }
    let total = filtered(filter).count().get_result(conn)?;
    if offset >= total {
        return Ok((Vec::new(), total));
    }
    // A deep page's offset is walked over tags alone, which an index holds (the tag's own,
    // or status's and type's with the tag after them): no row is read until the page's
    // first tag is known. The page is then read from that tag on.
    let first: Option<String> = filtered(filter)
        .order(items::asset_tag)
        .offset(offset)
        .select(items::asset_tag)
        .first(conn)
        .optional()?;
    let Some(first) = first else {
        return Ok((Vec::new(), total));
    };
    let ids = filtered(filter)
        .filter(items::asset_tag.ge(first))
        .order(items::asset_tag)
        .limit(limit)
        .select(items::id)
        .load(conn)?;
    Ok((ids, total))
}

/// The ids of the items a worker is responsible for in clients' homes (issued or fitted,
/// never condemned), in tag order: the round a phone carries.
pub fn round_of(conn: &mut DbConn, worker_id: i64) -> QueryResult<Vec<i64>> {
    items::table
        .filter(items::worker_id.eq(worker_id))
        .filter(items::client_id.is_not_null())
        .filter(items::status.ne(Status::Condemned))
        .order(items::asset_tag)
        .select(items::id)
        .load(conn)
}
