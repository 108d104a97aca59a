//! One line of an items file read into a row, every problem of the line named by its column.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::parse::{CheckColumn, Lookup, Row};
use super::sheet::Header;
use crate::domain::asset_tag::AssetTag;
use crate::domain::lifecycle::Status;
use crate::domain::validate::{self, Errors};
use crate::service::clients::MAX_REFERENCE;
use crate::service::items::{MAX_TEXT, manufactured, responsibility_refused};

pub fn read_row(
    record: &csv::StringRecord,
    header: &Header,
    checks: &[CheckColumn],
    lookup: &Lookup,
    seen: &mut HashMap<Box<str>, u64>,
    line: u64,
    bad: &mut Vec<String>,
) -> Option<Row> {
    let cell = |name: &str| header.cell(record, name);
    let tag = match cell("asset_tag").map(AssetTag::for_item) {
        Some(Ok(tag)) => {
            if let Some(first) = seen.insert(tag.as_str().into(), line) {
                bad.push(format!("asset_tag: {tag} is also on line {first}"));
            }
            Some(tag)
        }
        Some(Err(m)) => {
            bad.push(format!("asset_tag: {m}"));
            None
        }
        None => None,
    };
    let type_id = match cell("type").map(str::to_ascii_uppercase) {
        Some(code) => lookup.type_ids.get(&code).copied().or_else(|| {
            bad.push(format!("type: no equipment type has the code {code:?}"));
            None
        }),
        None => {
            bad.push("type: is required".into());
            None
        }
    };
    let mut text = |name: &str, max: usize| {
        let v = cell(name).map(str::to_string);
        if v.as_ref().is_some_and(|v| v.chars().count() > max) {
            bad.push(format!("{name}: must be at most {max} characters"));
        } else if v.as_ref().is_some_and(|v| v.chars().any(char::is_control)) {
            bad.push(format!("{name}: must not contain control characters"));
        }
        v
    };
    let serial_number = text("serial_number", MAX_TEXT);
    let batch = text("batch", MAX_TEXT);
    let client_reference = text("client_reference", MAX_REFERENCE);
    let location_id = match cell("location") {
        Some(name) => lookup
            .location_ids
            .get(&name.to_lowercase())
            .copied()
            .or_else(|| {
                bad.push(format!("location: no location is named {name:?}"));
                None
            }),
        None => None,
    };
    let status = match cell("status").map(str::to_ascii_lowercase).as_deref() {
        None | Some("in_store") => Status::InStore,
        Some("in_use") => Status::InUse,
        Some(_) => {
            bad.push("status: must be in_store or in_use".into());
            Status::InStore
        }
    };
    let fitted_at = cell("fitted_at").and_then(|raw| day(raw, "fitted_at", lookup.today, bad));
    let worker_id = cell("worker_email").and_then(|raw| worker(raw, lookup, bad));
    if status == Status::InUse {
        for (name, missing) in [
            ("client_reference", client_reference.is_none()),
            ("fitted_at", fitted_at.is_none() && cell("fitted_at").is_none()),
        ] {
            if missing {
                bad.push(format!("{name}: is required for an item in_use"));
            }
        }
    } else {
        for name in ["client_reference", "fitted_at", "worker_email"] {
            if cell(name).is_some() {
                bad.push(format!("{name}: only an item in_use has one"));
            }
        }
    }
    let mut errors = Errors::default();
    let manufactured_on = manufactured(&mut errors, cell("manufactured_on"));
    if let Err(invalid) = errors.finish() {
        bad.extend(
            invalid
                .0
                .into_iter()
                .map(|e| format!("{}: {}", e.field, e.message)),
        );
    }
    let last_checks = type_id.map_or_else(Vec::new, |id| last_checks(record, id, checks, lookup, bad));
    Some(Row {
        line,
        tag,
        type_id: type_id?,
        serial_number,
        batch,
        location_id,
        status,
        client_reference,
        fitted_at,
        worker_id,
        manufactured_on,
        last_checks,
    })
}

/// A day something was done, as the moves take it.
fn day(raw: &str, name: &str, today: NaiveDate, bad: &mut Vec<String>) -> Option<NaiveDate> {
    validate::day_done(raw, today)
        .map_err(|m| bad.push(format!("{name}: {m}")))
        .ok()
}

/// The responsible worker: active staff whose role may answer for items.
fn worker(raw: &str, lookup: &Lookup, bad: &mut Vec<String>) -> Option<i64> {
    match lookup.staff.get(&validate::canonical_email(raw)) {
        None => bad.push(format!("worker_email: no staff member has the address {raw:?}")),
        Some(s) => match responsibility_refused(s) {
            Some(why) => bad.push(format!("worker_email: {why}")),
            None => return Some(s.id),
        },
    }
    None
}

/// The dated last checks of the row, each of a rule of the row's own type.
fn last_checks(
    record: &csv::StringRecord,
    type_id: i64,
    checks: &[CheckColumn],
    lookup: &Lookup,
    bad: &mut Vec<String>,
) -> Vec<(i64, NaiveDate)> {
    let rules = lookup.rules.get(&type_id).map(Vec::as_slice).unwrap_or_default();
    let mut found = Vec::new();
    for column in checks {
        let Some(raw) = record.get(column.at).filter(|v| !v.is_empty()) else {
            continue;
        };
        let Some(rule) = rules.iter().find(|r| r.name.eq_ignore_ascii_case(&column.rule)) else {
            bad.push(format!(
                "{}: this item's type has no check rule of that name",
                column.written
            ));
            continue;
        };
        if let Some(d) = day(raw, &column.written, lookup.today, bad) {
            found.push((rule.id, d));
        }
    }
    found
}
