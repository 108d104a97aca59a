//! Bulk import of items from a spreadsheet's CSV: all rows or none.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::items::MAX_TEXT;
use super::now;
use crate::db::events::{self, NewEvent};
use crate::db::items::{self, NewItem};
use crate::db::{DbConn, counters, locations, types};
use crate::domain::asset_tag::AssetTag;
use crate::domain::lifecycle::Status;
use crate::error::{AppError, FieldError};

pub const COLUMNS: [&str; 5] = ["asset_tag", "type", "serial_number", "batch", "location"];
/// Bad rows reported at most; the rest are counted.
const MAX_REPORTED: usize = 1000;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub imported: usize,
    /// Tags generated for rows that had none.
    pub generated_tags: usize,
}

struct Row {
    line: u64,
    tag: Option<AssetTag>,
    type_id: i64,
    serial_number: Option<String>,
    batch: Option<String>,
    location_id: Option<i64>,
}

/// Imports every row of `csv_text`, or none: a file with a bad row answers each bad row
/// with its line number and reason.
pub fn import_items(
    conn: &mut DbConn,
    csv_text: &[u8],
    actor_id: Option<i64>,
    source: &str,
    prefix: &str,
) -> Result<ImportSummary, AppError> {
    let type_ids: HashMap<String, i64> = types::all(conn)?.into_iter().map(|t| (t.code, t.id)).collect();
    let mut location_ids: HashMap<String, i64> = HashMap::new();
    for l in locations::all(conn)? {
        location_ids.insert(l.name.to_lowercase(), l.id);
        location_ids.insert(l.id.to_string(), l.id);
    }
    let (rows, mut problems) = parse(csv_text, &type_ids, &location_ids)?;

    let given: Vec<String> = rows
        .iter()
        .filter_map(|r| r.tag.as_ref().map(|t| t.to_string()))
        .collect();
    let taken: HashSet<String> = items::ids_by_tags(conn, &given)?
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    for row in &rows {
        if let Some(tag) = row.tag.as_ref().filter(|t| taken.contains(t.as_str())) {
            problems.push(FieldError::new(
                format!("line {}", row.line),
                format!("asset_tag: an item with the tag {tag} already exists"),
            ));
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(FieldError::new("file", "has no rows to import"));
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| line_of(&p.field));
        let extra = problems.len().saturating_sub(MAX_REPORTED);
        problems.truncate(MAX_REPORTED);
        if extra > 0 {
            problems.push(FieldError::new("file", format!("and {extra} more bad rows")));
        }
        return Err(AppError::Validation(problems));
    }

    let tags = assign_tags(conn, &rows, prefix)?;
    let generated = rows.iter().filter(|r| r.tag.is_none()).count();
    let now = now();
    let new_items: Vec<NewItem> = rows
        .iter()
        .zip(&tags)
        .map(|(row, tag)| NewItem {
            search_key: items::search_key(tag, row.serial_number.as_deref(), row.batch.as_deref()),
            asset_tag: tag.clone(),
            type_id: row.type_id,
            serial_number: row.serial_number.clone(),
            batch: row.batch.clone(),
            status: Status::InStore.as_str().into(),
            location_id: row.location_id,
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .collect();
    items::insert_many(conn, &new_items)?;
    let notes = format!("imported from {source}");
    let history: Vec<NewEvent> = items::ids_by_tags(conn, &tags)?
        .into_iter()
        .map(|(item_id, _)| NewEvent {
            item_id,
            occurred_at: now,
            staff_id: actor_id,
            action: "received".into(),
            from_status: None,
            to_status: Some(Status::InStore.as_str().into()),
            client_id: None,
            notes: Some(notes.clone()),
        })
        .collect();
    events::insert_many(conn, &history)?;
    Ok(ImportSummary {
        imported: rows.len(),
        generated_tags: generated,
    })
}

fn line_of(field: &str) -> u64 {
    field
        .strip_prefix("line ")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn parse(
    csv_text: &[u8],
    type_ids: &HashMap<String, i64>,
    location_ids: &HashMap<String, i64>,
) -> Result<(Vec<Row>, Vec<FieldError>), AppError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(csv_text);
    let headers = reader
        .headers()
        .map_err(|e| AppError::invalid("file", format!("cannot read the header line: {e}")))?
        .clone();
    let index: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.to_ascii_lowercase(), i))
        .collect();
    let unknown: Vec<&str> = headers
        .iter()
        .filter(|h| !COLUMNS.contains(&h.to_ascii_lowercase().as_str()))
        .collect();
    if !unknown.is_empty() || !index.contains_key("type") {
        return Err(AppError::invalid(
            "line 1",
            format!(
                "the header must name the columns {} (type is required)",
                COLUMNS.join(",")
            ),
        ));
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                problems.push(FieldError::new(
                    format!("line {line}"),
                    format!("cannot be read: {e}"),
                ));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(str::is_empty) {
            continue;
        }
        let cell = |name: &str| {
            index
                .get(name)
                .and_then(|i| record.get(*i))
                .filter(|v| !v.is_empty())
        };
        let mut bad = |message: String| problems.push(FieldError::new(format!("line {line}"), message));
        if record.len() > headers.len() {
            bad(format!(
                "has {} cells but the header names {}",
                record.len(),
                headers.len()
            ));
            continue;
        }
        let tag = match cell("asset_tag").map(AssetTag::parse) {
            Some(Ok(tag)) => {
                if let Some(first) = seen.insert(tag.to_string(), line) {
                    bad(format!("asset_tag: {tag} is also on line {first}"));
                }
                Some(tag)
            }
            Some(Err(m)) => {
                bad(format!("asset_tag: {m}"));
                None
            }
            None => None,
        };
        let type_id = match cell("type").map(str::to_ascii_uppercase) {
            Some(code) => type_ids.get(&code).copied().or_else(|| {
                bad(format!("type: no equipment type has the code {code:?}"));
                None
            }),
            None => {
                bad("type: is required".into());
                None
            }
        };
        let mut text = |name: &str| {
            let v = cell(name).map(str::to_string);
            if v.as_ref().is_some_and(|v| v.chars().count() > MAX_TEXT) {
                bad(format!("{name}: must be at most {MAX_TEXT} characters"));
            } else if v.as_ref().is_some_and(|v| v.chars().any(char::is_control)) {
                bad(format!("{name}: must not contain control characters"));
            }
            v
        };
        let serial_number = text("serial_number");
        let batch = text("batch");
        let location_id = match cell("location") {
            Some(name) => location_ids.get(&name.to_lowercase()).copied().or_else(|| {
                bad(format!("location: no location is named {name:?}"));
                None
            }),
            None => None,
        };
        if let Some(type_id) = type_id {
            rows.push(Row {
                line,
                tag,
                type_id,
                serial_number,
                batch,
                location_id,
            });
        }
    }
    Ok((rows, problems))
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
