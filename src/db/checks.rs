//! Recorded safety checks, read back with their rule, who did them and their notes.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::schema::{check_rules, events, notes, safety_checks, staff};
use crate::domain::lifecycle::Outcome;

/// A safety check as the move that performed it records it.
#[derive(Insertable)]
#[diesel(table_name = safety_checks)]
pub struct NewCheck {
    pub item_id: i64,
    pub rule_id: i64,
    pub outcome: Outcome,
    pub performed_at: NaiveDate,
    pub performed_by: i64,
    pub note_id: Option<i64>,
    pub recorded_at: NaiveDateTime,
}

/// Records a check; answers its id.
pub fn insert(conn: &mut DbConn, check: &NewCheck) -> QueryResult<i64> {
    crate::on_backend!(conn, |c| diesel::insert_into(safety_checks::table)
        .values(check)
        .returning(safety_checks::id)
        .get_result(c))
}

/// Records many checks (a monitoring centre's passes), as `insert` records each.
pub fn insert_many(conn: &mut DbConn, batch: &[NewCheck]) -> QueryResult<()> {
    if let DbConn::Postgres(c) = &mut *conn {
        // Columns as arrays, as `events::insert_many_noted` writes its rows.
        use diesel::sql_types::{Array, BigInt, Date, Nullable, Text, Timestamp};
        for chunk in batch.chunks(5000) {
            diesel::sql_query(
                "INSERT INTO safety_checks (item_id, rule_id, outcome, performed_at, performed_by, \
                 note_id, recorded_at) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], \
                 $4::date[], $5::bigint[], $6::bigint[], $7::timestamp[])",
            )
            .bind::<Array<BigInt>, _>(chunk.iter().map(|r| r.item_id).collect::<Vec<_>>())
            .bind::<Array<BigInt>, _>(chunk.iter().map(|r| r.rule_id).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(chunk.iter().map(|r| r.outcome.as_str()).collect::<Vec<_>>())
            .bind::<Array<Date>, _>(chunk.iter().map(|r| r.performed_at).collect::<Vec<_>>())
            .bind::<Array<BigInt>, _>(chunk.iter().map(|r| r.performed_by).collect::<Vec<_>>())
            .bind::<Array<Nullable<BigInt>>, _>(chunk.iter().map(|r| r.note_id).collect::<Vec<_>>())
            .bind::<Array<Timestamp>, _>(chunk.iter().map(|r| r.recorded_at).collect::<Vec<_>>())
            .execute(c)?;
        }
        return Ok(());
    }
    // Seven values a row: well under SQLite's cap on bound values a statement.
    for chunk in batch.chunks(2000) {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(safety_checks::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

#[derive(Debug, Clone, Queryable)]
pub struct CheckRecord {
    pub id: i64,
    pub item_id: i64,
    pub rule: String,
    pub outcome: Outcome,
    pub performed_at: NaiveDate,
    pub performed_by: String,
    pub recorded_at: NaiveDateTime,
    pub notes: Option<String>,
}

/// The checks of one item recorded between two moments (inclusive), oldest first.
pub fn of_item_between(
    conn: &mut DbConn,
    item_id: i64,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<CheckRecord>> {
    safety_checks::table
        .inner_join(check_rules::table.on(check_rules::id.eq(safety_checks::rule_id)))
        .inner_join(staff::table.on(staff::id.eq(safety_checks::performed_by)))
        .left_join(notes::table.on(notes::id.nullable().eq(safety_checks::note_id)))
        .filter(safety_checks::item_id.eq(item_id))
        .filter(safety_checks::recorded_at.between(from, until))
        .order(safety_checks::id)
        .select((
            safety_checks::id,
            safety_checks::item_id,
            check_rules::name,
            safety_checks::outcome,
            safety_checks::performed_at,
            staff::name,
            safety_checks::recorded_at,
            notes::body.nullable(),
        ))
        .load(conn)
}

/// Every check of one item, oldest first.
pub fn of_item(conn: &mut DbConn, item_id: i64) -> QueryResult<Vec<CheckRecord>> {
    safety_checks::table
        .inner_join(check_rules::table.on(check_rules::id.eq(safety_checks::rule_id)))
        .inner_join(staff::table.on(staff::id.eq(safety_checks::performed_by)))
        .left_join(notes::table.on(notes::id.nullable().eq(safety_checks::note_id)))
        .filter(safety_checks::item_id.eq(item_id))
        .order((safety_checks::performed_at, safety_checks::id))
        .select((
            safety_checks::id,
            safety_checks::item_id,
            check_rules::name,
            safety_checks::outcome,
            safety_checks::performed_at,
            staff::name,
            safety_checks::recorded_at,
            notes::body.nullable(),
        ))
        .load(conn)
}

/// One check, by its id.
pub fn by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<CheckRecord>> {
    safety_checks::table
        .inner_join(check_rules::table.on(check_rules::id.eq(safety_checks::rule_id)))
        .inner_join(staff::table.on(staff::id.eq(safety_checks::performed_by)))
        .left_join(notes::table.on(notes::id.nullable().eq(safety_checks::note_id)))
        .filter(safety_checks::id.eq(id))
        .select((
            safety_checks::id,
            safety_checks::item_id,
            check_rules::name,
            safety_checks::outcome,
            safety_checks::performed_at,
            staff::name,
            safety_checks::recorded_at,
            notes::body.nullable(),
        ))
        .first(conn)
        .optional()
}

/// The client the item was with when the check was recorded: the one its history entry
/// names (the check and its entry share their note).
pub fn client_when_recorded(conn: &mut DbConn, check_id: i64) -> QueryResult<Option<i64>> {
    safety_checks::table
        .inner_join(
            events::table.on(events::item_id
                .eq(safety_checks::item_id)
                .and(events::note_id.eq(safety_checks::note_id))),
        )
        .filter(safety_checks::id.eq(check_id))
        .select(events::client_id)
        .first::<Option<i64>>(conn)
        .optional()
        .map(Option::flatten)
}
