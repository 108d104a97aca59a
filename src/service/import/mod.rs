//! Bulk import of items from a spreadsheet's CSV: all rows or none.
//!
//! The file is parsed first, outside any transaction, against the catalogue as it stands;
//! only the checks that need the register (tags already taken) and the inserts run inside
//! the write transaction. Types and locations are never deleted, so the ids looked up
//! before the lock still hold inside it.

mod parse;

use std::collections::{HashMap, HashSet};
use std::io::Read;

use serde::Serialize;

use super::now;
use crate::db::events::{self, NewEvent};
use crate::db::items::{self, NewItem};
use crate::db::{Db, DbConn, counters, locations, types};
use crate::domain::asset_tag::AssetTag;
use crate::domain::lifecycle::Status;
use crate::error::AppError;
use parse::{Lookup, Problems, Row};

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
    /// Named in each item's first history entry: "imported from {source}".
    pub source: &'a str,
    pub prefix: &'a str,
}

/// Imports every row of `file`, or none: a file with a bad row answers each bad row (the
/// first thousand) with its line number and reason. Blocking: call it off the async workers.
/// The file is consumed by the parse, so an upload held in memory is freed before the write.
pub fn import_items(db: &Db, file: impl Read, req: &Request) -> Result<ImportSummary, AppError> {
    let lookup = db.read(read_lookup)?;
    let (rows, problems) = parse::parse(file, &lookup)?;
    drop(lookup);
    db.write(|c| write_rows(c, &rows, problems, req))
}

fn read_lookup(conn: &mut DbConn) -> Result<Lookup, AppError> {
    let type_ids: HashMap<String, i64> = types::all(conn)?.into_iter().map(|t| (t.code, t.id)).collect();
    let mut location_ids: HashMap<String, i64> = HashMap::new();
    for l in locations::all(conn)? {
        location_ids.insert(l.name.to_lowercase(), l.id);
        location_ids.insert(l.id.to_string(), l.id);
    }
    Ok(Lookup {
        type_ids,
        location_ids,
    })
}

fn write_rows(
    conn: &mut DbConn,
    rows: &[Row],
    problems: Problems,
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
    let problems = problems.merge(rows.iter().filter_map(|row| {
        let tag = row.tag.as_ref().filter(|t| taken.contains(t.as_str()))?;
        Some((
            row.line,
            format!("asset_tag: an item with the tag {tag} already exists"),
        ))
    }));
    if rows.is_empty() && problems.is_empty() {
        return Err(AppError::invalid("file", "has no rows to import"));
    }
    if !problems.is_empty() {
        return Err(problems.into_error());
    }

    let tags = assign_tags(conn, rows, req.prefix)?;
    let now = now();
    let notes = format!("imported from {}", req.source);
    for (rows, tags) in rows.chunks(CHUNK).zip(tags.chunks(CHUNK)) {
        let new_items: Vec<NewItem> = rows
            .iter()
            .zip(tags)
            .map(|(row, tag)| NewItem {
                search_key: items::search_key(tag, row.serial_number.as_deref(), row.batch.as_deref()),
                asset_tag: tag.clone(),
                type_id: row.type_id,
                serial_number: row.serial_number.clone(),
                batch: row.batch.clone(),
                status: Status::InStore,
                location_id: row.location_id,
                version: 1,
                created_at: now,
                updated_at: now,
                manufactured_on: None,
                safe_working_load_kg: None,
            })
            .collect();
        items::insert_many(conn, &new_items)?;
        let history: Vec<NewEvent> = items::ids_by_tags(conn, tags)?
            .into_iter()
            .map(|(item_id, _)| NewEvent {
                item_id,
                occurred_at: now,
                staff_id: req.actor_id,
                action: "received".into(),
                from_status: None,
                to_status: Some(Status::InStore),
                client_id: None,
                notes: Some(notes.clone()),
            })
            .collect();
        events::insert_many(conn, &history)?;
    }
    Ok(ImportSummary {
        imported: rows.len(),
        generated_tags: rows.iter().filter(|r| r.tag.is_none()).count(),
    })
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
