//! Bulk imports from a spreadsheet's CSV, all rows or none: items (in store, or already in
//! homes with their last checks) here, clients in `clients`.
//!
//! The file is parsed first, outside any transaction, against the catalogue as it stands;
//! only the checks that need the register (tags already taken, clients by reference) and the
//! inserts run inside the write transaction. Types, rules in force and locations looked up
//! before the lock still hold inside it: none is ever deleted, and a rule retired meanwhile
//! is one the item would have been moved off in the same way.

pub mod clients;
mod parse;
mod problems;
mod row;
mod sheet;

use std::collections::{HashMap, HashSet};
use std::io::Read;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::clock;
use super::{now, today};
use crate::db::events::{self, NewEvent};
use crate::db::items::{self, CheckDue, NewItem};
use crate::db::{Db, DbConn, clients as client_rows, counters, locations, staff, types};
use crate::domain::asset_tag::AssetTag;
use crate::domain::validate::canonical_email;
use crate::error::AppError;
use parse::{Lookup, Row};
use problems::Problems;

/// Rows written per statement: SQLite caps the values one statement may bind.
const CHUNK: usize = 2000;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub imported: usize,
    /// Tags generated for rows that had none.
    pub generated_tags: usize,
}

/// Who asked for an import, and how it is recorded.
pub struct Request<'a> {
    pub actor_id: Option<i64>,
    /// Named in each item's first history entry: "imported from line N of {source}".
    pub source: &'a str,
    pub prefix: &'a str,
}

/// Imports every row of `file`, or none: a file with a bad row answers each bad row (the
/// first thousand) with its line number and reason. Blocking: call it off the async workers.
/// The file is consumed by the parse, so an upload held in memory is freed before the write.
pub fn import_items(db: &Db, file: impl Read, req: &Request) -> Result<ImportSummary, AppError> {
    let lookup = db.read(read_lookup)?;
    let (rows, problems) = parse::parse(file, &lookup)?;
    let rules = lookup.rules;
    db.write(|c| write_rows(c, &rows, problems, &rules, req))
}

fn read_lookup(conn: &mut DbConn) -> Result<Lookup, AppError> {
    let all_types = types::all(conn)?;
    let type_ids: HashMap<String, i64> = all_types.iter().map(|t| (t.code.clone(), t.id)).collect();
    let ids: Vec<i64> = type_ids.values().copied().collect();
    let mut rules: HashMap<i64, Vec<types::CheckRule>> = HashMap::new();
    for rule in types::rules_for(conn, &ids)? {
        rules.entry(rule.type_id).or_default().push(rule);
    }
    let mut location_ids: HashMap<String, i64> = HashMap::new();
    for l in locations::all(conn)? {
        location_ids.insert(l.name.to_lowercase(), l.id);
        location_ids.insert(l.id.to_string(), l.id);
    }
    let staff = staff::all(conn)?
        .into_iter()
        .map(|s| (canonical_email(&s.email), s))
        .collect();
    Ok(Lookup {
        type_ids,
        rules,
        location_ids,
        staff,
        today: today(),
    })
}

fn write_rows(
    conn: &mut DbConn,
    rows: &[Row],
    problems: Problems,
    rules: &HashMap<i64, Vec<types::CheckRule>>,
    req: &Request,
) -> Result<ImportSummary, AppError> {
    let given: Vec<String> = rows
        .iter()
        .filter_map(|r| r.tag.as_ref().map(|t| t.to_string()))
        .collect();
    let taken: HashSet<String> = items::ids_by_tags(conn, &given)?
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    drop(given);
    let clients = clients_by_reference(conn, rows)?;
    let problems = problems.merge(rows.iter().flat_map(|row| {
        let tag = row.tag.as_ref().filter(|t| taken.contains(t.as_str()));
        let tag = tag.map(|t| {
            (
                row.line,
                format!("asset_tag: an item with the tag {t} already exists"),
            )
        });
        let client = row.client_reference.as_ref().and_then(|r| match clients.get(r) {
            Some(Ok(_)) => None,
            Some(Err(why)) => Some((row.line, format!("client_reference: {why}"))),
            None => Some((row.line, "client_reference: no client has this reference".into())),
        });
        tag.into_iter().chain(client)
    }));
    if rows.is_empty() && problems.is_empty() {
        return Err(AppError::invalid("file", "has no rows to import"));
    }
    if !problems.is_empty() {
        return Err(problems.into_error());
    }

    let tags = assign_tags(conn, rows, req.prefix)?;
    let now = now();
    for (rows, tags) in rows.chunks(CHUNK).zip(tags.chunks(CHUNK)) {
        let mut new_items = Vec::with_capacity(rows.len());
        let mut dues = Vec::with_capacity(rows.len());
        for (row, tag) in rows.iter().zip(tags) {
            let client_id = row
                .client_reference
                .as_ref()
                .and_then(|r| clients.get(r).and_then(|c| c.as_ref().ok().copied()));
            let (item, item_dues) = planned(row, tag, client_id, rules, now);
            new_items.push(item);
            dues.push(item_dues);
        }
        let ids: HashMap<String, i64> = items::insert_many(conn, &new_items)?
            .into_iter()
            .map(|(id, tag)| (tag, id))
            .collect();
        let mut history = Vec::with_capacity(rows.len());
        let mut all_dues = Vec::new();
        for ((row, item), item_dues) in rows.iter().zip(&new_items).zip(dues) {
            let item_id = ids.get(&item.asset_tag).copied().ok_or_else(|| {
                AppError::internal("an imported item was not found", item.asset_tag.clone())
            })?;
            history.push(NewEvent {
                item_id,
                occurred_at: now,
                staff_id: req.actor_id,
                action: "imported".into(),
                from_status: None,
                to_status: Some(row.status),
                client_id: item.client_id,
                notes: Some(format!("imported from line {} of {}", row.line, req.source)),
            });
            all_dues.extend(item_dues.into_iter().map(|d| CheckDue { item_id, ..d }));
        }
        events::insert_many(conn, &history)?;
        items::insert_dues(conn, &all_dues)?;
    }
    Ok(ImportSummary {
        imported: rows.len(),
        generated_tags: rows.iter().filter(|r| r.tag.is_none()).count(),
    })
}

/// The item a row makes, and its rules' dates: computed by the item's clock from the fit
/// and the last checks the file gives, exactly as if those had been recorded one by one.
fn planned(
    row: &Row,
    tag: &str,
    client_id: Option<i64>,
    rules: &HashMap<i64, Vec<types::CheckRule>>,
    now: NaiveDateTime,
) -> (NewItem, Vec<CheckDue>) {
    let held: Vec<CheckDue> = row
        .last_checks
        .iter()
        .map(|(rule_id, day)| CheckDue {
            item_id: 0,
            rule_id: *rule_id,
            last_checked_at: Some(*day),
            next_due: None,
        })
        .collect();
    let rules = rules.get(&row.type_id).map(Vec::as_slice).unwrap_or_default();
    let clock = clock::run(0, rules, &held, row.fitted_at, None);
    let last_checked_at = row.last_checks.iter().map(|(_, d)| *d).max();
    let item = NewItem {
        search_key: items::search_key(tag, row.serial_number.as_deref(), row.batch.as_deref()),
        asset_tag: tag.to_string(),
        type_id: row.type_id,
        serial_number: row.serial_number.clone(),
        batch: row.batch.clone(),
        status: row.status,
        location_id: row.location_id,
        version: 1,
        created_at: registered(now, row),
        updated_at: now,
        manufactured_on: row.manufactured_on,
        safe_working_load_kg: None,
        client_id,
        worker_id: row.worker_id,
        fitted_at: row.fitted_at,
        first_fitted_at: row.fitted_at,
        last_checked_at,
        next_check_due: clock.next_check_due,
    };
    (item, clock.dues)
}

/// When an imported item counts as registered: the earliest day the file says something
/// happened to it (its fit, a check), or now. A check may not be dated before an item's
/// registration, so the imported checks, and any recorded later for days since, are valid.
fn registered(now: NaiveDateTime, row: &Row) -> NaiveDateTime {
    let earliest: Option<NaiveDate> = row.last_checks.iter().map(|(_, d)| *d).chain(row.fitted_at).min();
    earliest
        .map(|d| d.and_time(chrono::NaiveTime::MIN))
        .filter(|d| *d < now)
        .unwrap_or(now)
}

/// The clients the rows name, by reference: each one's id, or why no item may go to them.
fn clients_by_reference(
    conn: &mut DbConn,
    rows: &[Row],
) -> Result<HashMap<String, Result<i64, &'static str>>, AppError> {
    let wanted: HashSet<&String> = rows.iter().filter_map(|r| r.client_reference.as_ref()).collect();
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let wanted: Vec<String> = wanted.into_iter().cloned().collect();
    Ok(client_rows::by_references(conn, &wanted)?
        .into_iter()
        .map(|c| {
            let verdict = match super::clients::receiving_refused(&c) {
                Some(why) => Err(why),
                None => Ok(c.id),
            };
            (c.reference, verdict)
        })
        .collect())
}

/// Every row's tag: its own, or the next unused generated one.
fn assign_tags(conn: &mut DbConn, rows: &[Row], prefix: &str) -> Result<Vec<String>, AppError> {
    let missing = rows.iter().filter(|r| r.tag.is_none()).count() as i64;
    let mut taken: HashSet<String> = HashSet::new();
    if missing > 0 {
        taken.extend(items::tags_with_prefix(conn, &prefix.to_ascii_uppercase())?);
        taken.extend(rows.iter().filter_map(|r| r.tag.as_ref().map(|t| t.to_string())));
    }
    let mut fresh = Vec::with_capacity(missing as usize);
    while (fresh.len() as i64) < missing {
        let want = missing - fresh.len() as i64;
        let first = counters::take(conn, "asset_tag", want)?;
        fresh.extend(
            (first..first + want)
                .map(|n| AssetTag::generated(prefix, n).into_string())
                .filter(|t| !taken.contains(t)),
        );
    }
    let mut fresh = fresh.into_iter();
    Ok(rows
        .iter()
        .map(|r| match &r.tag {
            Some(t) => t.to_string(),
            None => fresh.next().unwrap_or_default(),
        })
        .collect())
}
