//! The events monitoring centres report, kept by item, and the bulk reads that resolve
//! them to items: every query reads a chunk of names at once, never one event at a time.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use super::schema::{check_rules, defects, items, safety_checks, telecare_events, telecare_installations};
use super::{DbConn, in_chunks};
use crate::domain::centre_events::CentreEventKind;
use crate::domain::checks::CheckKind;
use crate::domain::lifecycle::Status;

/// Rows written per statement: 6 values a row stays under SQLite's cap on bound values
/// (32,766) and PostgreSQL's (65,535), and one round trip carries a thousand events.
const ROWS_PER_INSERT: usize = 1000;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = telecare_events)]
pub struct NewCentreEvent {
    pub item_id: i64,
    pub kind: CentreEventKind,
    pub occurred_at: NaiveDateTime,
    pub centre: Option<String>,
    pub unit_reference: Option<String>,
    pub received_at: NaiveDateTime,
}

/// Keeps each event not kept already (same item, kind and time); answers the ones that
/// were new, as (item, kind, time).
pub fn insert_new(conn: &mut DbConn, rows: &[NewCentreEvent]) -> QueryResult<Vec<Key>> {
    let mut new = Vec::new();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let kept: Vec<Key> = match conn {
            DbConn::Postgres(c) => diesel::insert_into(telecare_events::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .returning((
                    telecare_events::item_id,
                    telecare_events::kind,
                    telecare_events::occurred_at,
                ))
                .get_results(c)?,
            // diesel writes a batch with RETURNING on SQLite one row a statement, and a row
            // the conflict skipped then fails as NotFound: one statement by hand instead.
            DbConn::Sqlite(c) => sqlite_insert(c, chunk)?,
        };
        new.extend(kept);
    }
    Ok(new)
}

type Key = (i64, CentreEventKind, NaiveDateTime);

#[derive(QueryableByName)]
struct Inserted {
    #[diesel(sql_type = BigInt)]
    item_id: i64,
    #[diesel(sql_type = Text)]
    kind: CentreEventKind,
    #[diesel(sql_type = Timestamp)]
    occurred_at: NaiveDateTime,
}

fn sqlite_insert(conn: &mut diesel::SqliteConnection, chunk: &[NewCentreEvent]) -> QueryResult<Vec<Key>> {
    if chunk.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = String::from(
        "INSERT INTO telecare_events (item_id, kind, occurred_at, centre, unit_reference, received_at) VALUES ",
    );
    for n in 0..chunk.len() {
        sql.push_str(if n == 0 {
            "(?, ?, ?, ?, ?, ?)"
        } else {
            ", (?, ?, ?, ?, ?, ?)"
        });
    }
    sql.push_str(" ON CONFLICT DO NOTHING RETURNING item_id, kind, occurred_at");
    let mut query = diesel::sql_query(sql).into_boxed::<diesel::sqlite::Sqlite>();
    for row in chunk {
        query = query
            .bind::<BigInt, _>(row.item_id)
            .bind::<Text, _>(row.kind)
            .bind::<Timestamp, _>(row.occurred_at)
            .bind::<Nullable<Text>, _>(row.centre.clone())
            .bind::<Nullable<Text>, _>(row.unit_reference.clone())
            .bind::<Timestamp, _>(row.received_at);
    }
    let rows: Vec<Inserted> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.item_id, r.kind, r.occurred_at))
        .collect())
}

/// An item an event may name: what resolving and recording need of it.
#[derive(Debug, Clone, Queryable)]
pub struct Candidate {
    pub id: i64,
    pub asset_tag: String,
    pub serial_number: Option<String>,
    pub client_id: Option<i64>,
    pub type_id: i64,
    pub status: Status,
    pub created_at: NaiveDateTime,
}

macro_rules! candidate_columns {
    () => {
        (
            items::id,
            items::asset_tag,
            items::serial_number,
            items::client_id,
            items::type_id,
            items::status,
            items::created_at,
        )
    };
}

/// The items whose serial is one of `serials` (several when two types share a serial).
pub fn by_serials(conn: &mut DbConn, serials: &[String]) -> QueryResult<Vec<Candidate>> {
    in_chunks(serials, |chunk| {
        items::table
            .filter(items::serial_number.eq_any(chunk))
            .select(candidate_columns!())
            .load(conn)
    })
}

/// The items in use in the homes of `clients` (issued or fitted), which a home's unit
/// reference stands for.
pub fn in_homes_of(conn: &mut DbConn, clients: &[i64]) -> QueryResult<Vec<Candidate>> {
    in_chunks(clients, |chunk| {
        items::table
            .filter(items::client_id.eq_any(chunk))
            .filter(items::status.eq_any([Status::Issued, Status::InUse]))
            .select(candidate_columns!())
            .load(conn)
    })
}

/// An installation as an event's reference finds it.
#[derive(Debug, Clone, Queryable)]
pub struct Installation {
    pub client_id: i64,
    pub monitoring_centre: String,
    pub unit_reference: String,
    pub base_unit_id: Option<i64>,
}

/// The installations whose unit reference is one of `references`, at any centre.
pub fn installations_by_reference(
    conn: &mut DbConn,
    references: &[String],
) -> QueryResult<Vec<Installation>> {
    in_chunks(references, |chunk| {
        telecare_installations::table
            .filter(telecare_installations::unit_reference.eq_any(chunk))
            .select((
                telecare_installations::client_id,
                telecare_installations::monitoring_centre,
                telecare_installations::unit_reference,
                telecare_installations::base_unit_id,
            ))
            .load(conn)
    })
}

/// The types with a `test_call` rule in force, and that rule's id (the first when a type has
/// several).
pub fn test_call_rules(conn: &mut DbConn) -> QueryResult<Vec<(i64, i64)>> {
    check_rules::table
        .filter(check_rules::kind.eq(CheckKind::TestCall))
        .filter(check_rules::retired_at.is_null())
        .order((check_rules::type_id, check_rules::id))
        .select((check_rules::type_id, check_rules::id))
        .load(conn)
}

/// The parts of the item's open defects recorded by `recorded_by` (the monitoring centre):
/// a unit that keeps reporting a low battery keeps one defect open, not one a report.
pub fn open_defect_parts(conn: &mut DbConn, item_id: i64, recorded_by: i64) -> QueryResult<Vec<String>> {
    defects::table
        .inner_join(safety_checks::table.on(safety_checks::id.eq(defects::check_id)))
        .filter(defects::item_id.eq(item_id))
        .filter(defects::remedied_on.is_null())
        .filter(safety_checks::performed_by.eq(recorded_by))
        .select(defects::part)
        .load(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct KeptEvent {
    pub id: i64,
    pub kind: CentreEventKind,
    pub occurred_at: NaiveDateTime,
    pub centre: Option<String>,
    pub unit_reference: Option<String>,
    pub received_at: NaiveDateTime,
}

/// The events kept for one item, newest first, a page of them, and how many there are.
pub fn of_item(
    conn: &mut DbConn,
    item_id: i64,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<KeptEvent>, i64)> {
    let rows = telecare_events::table
        .filter(telecare_events::item_id.eq(item_id))
        .order((telecare_events::occurred_at.desc(), telecare_events::id.desc()))
        .select((
            telecare_events::id,
            telecare_events::kind,
            telecare_events::occurred_at,
            telecare_events::centre,
            telecare_events::unit_reference,
            telecare_events::received_at,
        ))
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    let total = telecare_events::table
        .filter(telecare_events::item_id.eq(item_id))
        .count()
        .get_result(conn)?;
    Ok((rows, total))
}
