//! Reading an items file into rows, before the import asks for the writer lock: parsing a
//! large file takes seconds, and no other writer should wait on it.

use std::collections::HashMap;
use std::io::Read;

use chrono::NaiveDate;

use super::problems::Problems;
use super::row::read_row;
use super::sheet::{self, Header};
use crate::db::staff::Staff;
use crate::db::types::CheckRule;
use crate::domain::asset_tag::AssetTag;
use crate::domain::lifecycle::Status;
use crate::error::AppError;

pub const COLUMNS: [&str; 10] = [
    "asset_tag",
    "type",
    "serial_number",
    "batch",
    "location",
    "status",
    "client_reference",
    "fitted_at",
    "worker_email",
    "manufactured_on",
];
/// A column holding the date of one check rule's last check: `last_check:<rule name>`.
pub const LAST_CHECK: &str = "last_check:";

/// The register as the file may name it: type codes, each type's rules in force, location
/// names (and ids), staff by address, and the day the import runs.
pub struct Lookup {
    pub type_ids: HashMap<String, i64>,
    pub rules: HashMap<i64, Vec<CheckRule>>,
    pub location_ids: HashMap<String, i64>,
    pub staff: HashMap<String, Staff>,
    pub today: NaiveDate,
}

/// One good row. Its client is named by reference, found once the write has begun.
pub struct Row {
    pub line: u64,
    pub tag: Option<AssetTag>,
    pub type_id: i64,
    pub serial_number: Option<String>,
    pub batch: Option<String>,
    pub location_id: Option<i64>,
    pub status: Status,
    pub client_reference: Option<String>,
    pub fitted_at: Option<NaiveDate>,
    pub worker_id: Option<i64>,
    pub manufactured_on: Option<NaiveDate>,
    /// The last check of each rule the file dates: (rule id, day).
    pub last_checks: Vec<(i64, NaiveDate)>,
}

/// A `last_check:` column: where it stands, the rule it names (lower case), as written.
pub struct CheckColumn {
    pub at: usize,
    pub rule: String,
    pub written: String,
}

/// Reads every row of `file`: the good ones, and the first problems of the bad ones.
pub fn parse(file: impl Read, lookup: &Lookup) -> Result<(Vec<Row>, Problems), AppError> {
    let mut rows = Vec::new();
    let mut problems = Problems::default();
    let mut seen: HashMap<Box<str>, u64> = HashMap::new();
    sheet::read(
        file,
        &mut problems,
        |header| check_columns(header, lookup),
        |line, record, header, checks, problems| {
            let mut bad: Vec<String> = Vec::new();
            let read = read_row(record, header, checks, lookup, &mut seen, line, &mut bad);
            match read {
                Some(row) if bad.is_empty() => rows.push(row),
                _ => {}
            }
            for message in bad {
                problems.add(line, message);
            }
        },
    )?;
    Ok((rows, problems))
}

/// The header's `last_check:` columns; any other column it names must be one of `COLUMNS`,
/// and `type` must be there.
fn check_columns(header: &Header, lookup: &Lookup) -> Result<Vec<CheckColumn>, AppError> {
    let mut checks = Vec::new();
    for (at, (name, written)) in header.names.iter().zip(&header.written).enumerate() {
        if COLUMNS.contains(&name.as_str()) {
            continue;
        }
        let Some(rule) = name.strip_prefix(LAST_CHECK).map(str::trim) else {
            return Err(AppError::invalid(
                "line 1",
                format!(
                    "{written:?} is not a column an import takes: {} and {LAST_CHECK}<rule name>",
                    COLUMNS.join(",")
                ),
            ));
        };
        let known = lookup
            .rules
            .values()
            .flatten()
            .any(|r| r.name.eq_ignore_ascii_case(rule));
        if !known {
            return Err(AppError::invalid(
                "line 1",
                format!("{written:?}: no equipment type has a check rule named {rule:?}"),
            ));
        }
        checks.push(CheckColumn {
            at,
            rule: rule.to_string(),
            written: written.clone(),
        });
    }
    if !header.index.contains_key("type") {
        return Err(AppError::invalid(
            "line 1",
            format!(
                "the header must name the columns {} (type is required)",
                COLUMNS.join(",")
            ),
        ));
    }
    Ok(checks)
}
