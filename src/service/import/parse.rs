//! Reading an import file into rows, before the import asks for the writer lock: parsing a
//! large file takes seconds, and no other writer should wait on it.

use std::collections::HashMap;
use std::io::Read;

use crate::domain::asset_tag::AssetTag;
use crate::error::{AppError, FieldError};
use crate::service::items::MAX_TEXT;

pub const COLUMNS: [&str; 5] = ["asset_tag", "type", "serial_number", "batch", "location"];
/// Bad rows reported at most; the rest are only counted, so a file of bad rows costs no more
/// memory than a thousand messages.
const MAX_LISTED: usize = 1000;

/// Type codes and location names (and ids) as the file may write them.
pub struct Lookup {
    pub type_ids: HashMap<String, i64>,
    pub location_ids: HashMap<String, i64>,
}

/// One good row.
pub struct Row {
    pub line: u64,
    pub tag: Option<AssetTag>,
    pub type_id: i64,
    pub serial_number: Option<String>,
    pub batch: Option<String>,
    pub location_id: Option<i64>,
}

/// The first problems by line, and how many more there were.
#[derive(Default)]
pub struct Problems {
    listed: Vec<(u64, FieldError)>,
    not_listed: usize,
}

impl Problems {
    fn add(&mut self, line: u64, message: String) {
        if self.listed.len() < MAX_LISTED {
            self.listed
                .push((line, FieldError::new(format!("line {line}"), message)));
        } else {
            self.not_listed += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// Folds in problems found later (`more`, in line order), keeping the first by line.
    pub fn merge(self, more: impl IntoIterator<Item = (u64, String)>) -> Self {
        let mut merged = Problems {
            listed: Vec::with_capacity(MAX_LISTED),
            not_listed: self.not_listed,
        };
        let mut mine = self.listed.into_iter().peekable();
        let mut more = more.into_iter().peekable();
        let as_error =
            |(line, message): (u64, String)| (line, FieldError::new(format!("line {line}"), message));
        loop {
            let next = match (mine.peek(), more.peek()) {
                (Some((a, _)), Some((b, _))) if a > b => more.next().map(as_error),
                (Some(_), _) => mine.next(),
                (None, _) => more.next().map(as_error),
            };
            let Some((line, error)) = next else { break };
            if merged.listed.len() < MAX_LISTED {
                merged.listed.push((line, error));
            } else {
                merged.not_listed += 1;
            }
        }
        merged
    }

    pub fn into_error(self) -> AppError {
        let listed: Vec<FieldError> = self.listed.into_iter().map(|(_, e)| e).collect();
        if self.not_listed == 0 {
            AppError::Validation(listed)
        } else {
            AppError::TooManyInvalid {
                listed,
                not_listed: self.not_listed,
            }
        }
    }
}

/// Reads every row of `file`: the good ones, and the first problems of the bad ones.
pub fn parse(file: impl Read, lookup: &Lookup) -> Result<(Vec<Row>, Problems), AppError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(file);
    let headers = reader
        .headers()
        .map_err(|e| AppError::invalid("file", format!("cannot read the header line: {e}")))?
        .clone();
    let index: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.to_ascii_lowercase(), i))
        .collect();
    let unknown = headers
        .iter()
        .any(|h| !COLUMNS.contains(&h.to_ascii_lowercase().as_str()));
    if unknown || !index.contains_key("type") {
        return Err(AppError::invalid(
            "line 1",
            format!(
                "the header must name the columns {} (type is required)",
                COLUMNS.join(",")
            ),
        ));
    }
    let mut rows = Vec::new();
    let mut problems = Problems::default();
    let mut seen: HashMap<Box<str>, u64> = HashMap::new();
    // One record buffer for the whole file, rather than one allocation per row.
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                problems.add(line, format!("cannot be read: {e}"));
                if e.is_io_error() {
                    break;
                }
                continue;
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() > headers.len() {
            problems.add(
                line,
                format!(
                    "has {} cells but the header names {}",
                    record.len(),
                    headers.len()
                ),
            );
            continue;
        }
        let mut bad: Vec<String> = Vec::new();
        if let Some(row) = read_row(&record, &index, lookup, &mut seen, line, &mut bad) {
            if bad.is_empty() {
                rows.push(row);
            }
        }
        for message in bad {
            problems.add(line, message);
        }
    }
    Ok((rows, problems))
}

fn read_row(
    record: &csv::StringRecord,
    index: &HashMap<String, usize>,
    lookup: &Lookup,
    seen: &mut HashMap<Box<str>, u64>,
    line: u64,
    bad: &mut Vec<String>,
) -> Option<Row> {
    let cell = |name: &str| {
        index
            .get(name)
            .and_then(|i| record.get(*i))
            .filter(|v| !v.is_empty())
    };
    let tag = match cell("asset_tag").map(AssetTag::parse) {
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
    let mut text = |name: &str| {
        let v = cell(name).map(str::to_string);
        if v.as_ref().is_some_and(|v| v.chars().count() > MAX_TEXT) {
            bad.push(format!("{name}: must be at most {MAX_TEXT} characters"));
        } else if v.as_ref().is_some_and(|v| v.chars().any(char::is_control)) {
            bad.push(format!("{name}: must not contain control characters"));
        }
        v
    };
    let serial_number = text("serial_number");
    let batch = text("batch");
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
    Some(Row {
        line,
        tag,
        type_id: type_id?,
        serial_number,
        batch,
        location_id,
    })
}
