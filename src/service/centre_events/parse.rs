//! Reading what a centre sent: a CSV export or a JSON array, each event's fields checked;
//! a bad field refuses that event only.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::centre_events::{CentreEventKind, FUTURE_TOLERANCE_MINUTES, kept_time};
use crate::error::AppError;
use crate::service::now;

/// Where an event stood in what was sent: a CSV line (the header is line 1) or a JSON
/// array's index (from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Line(u64),
    Index(usize),
}

/// An event as sent, its fields checked.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub position: Position,
    pub unit: Unit,
    pub kind: CentreEventKind,
    pub occurred_at: NaiveDateTime,
    pub centre: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    Reference(String),
    Serial(String),
}

/// A line or element not recorded, and why.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Refused {
    /// The CSV line (the header is line 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The JSON array's index, from 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    pub reason: String,
}

impl Refused {
    pub(super) fn at(position: Position, reason: impl Into<String>) -> Self {
        let (line, index) = match position {
            Position::Line(l) => (Some(l), None),
            Position::Index(i) => (None, Some(i)),
        };
        Self {
            line,
            index,
            reason: reason.into(),
        }
    }
}

/// A body read: the events whose fields are good, and those refused already.
pub struct Parsed {
    pub received: usize,
    pub events: Vec<Incoming>,
    pub refused: Vec<Refused>,
}

/// Reads one event's fields; a bad field refuses that event only.
fn read_event(
    position: Position,
    reference: Option<&str>,
    serial: Option<&str>,
    kind: Option<&str>,
    occurred_at: Option<&str>,
    centre: Option<&str>,
    latest: NaiveDateTime,
) -> Result<Incoming, Refused> {
    let given = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let unit = match (given(reference), given(serial)) {
        (Some(r), None) => Unit::Reference(r),
        (None, Some(s)) => Unit::Serial(s),
        (Some(_), Some(_)) => {
            return Err(Refused::at(
                position,
                "name the unit by reference or by serial, not both",
            ));
        }
        (None, None) => return Err(Refused::at(position, "reference or serial is required")),
    };
    let kind = match given(kind) {
        None => return Err(Refused::at(position, "kind is required")),
        Some(k) => CentreEventKind::parse(&k.to_ascii_lowercase()).ok_or_else(|| {
            Refused::at(
                position,
                format!("kind {k:?} is not one of test_call, heartbeat, low_battery, fault"),
            )
        })?,
    };
    let occurred_at = match given(occurred_at) {
        None => return Err(Refused::at(position, "occurred_at is required")),
        Some(t) => DateTime::parse_from_rfc3339(&t)
            .map(|t| kept_time(t.with_timezone(&Utc)))
            .map_err(|_| {
                Refused::at(
                    position,
                    format!("occurred_at {t:?} is not an RFC 3339 time (2026-07-01T10:00:00Z)"),
                )
            })?,
    };
    if occurred_at > latest {
        return Err(Refused::at(position, "occurred_at is in the future"));
    }
    Ok(Incoming {
        position,
        unit,
        kind,
        occurred_at,
        centre: given(centre),
    })
}

/// The latest time an event may claim: now, with room for clocks adrift.
fn latest_allowed() -> NaiveDateTime {
    now() + Duration::minutes(FUTURE_TOLERANCE_MINUTES)
}

/// A CSV export: a header naming `kind`, `occurred_at` and `reference` or `serial` (any
/// order, any case; `centre` optional), then one event a line. A header without them is 422.
pub fn parse_csv(body: &[u8]) -> Result<Parsed, AppError> {
    // A spreadsheet's export may begin with a byte order mark, which would hide the first
    // column's name.
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(body);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| AppError::invalid("file", format!("cannot read the header line: {e}")))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name);
    let (reference, serial, centre) = (column("reference"), column("serial"), column("centre"));
    let (Some(kind), Some(occurred_at)) = (column("kind"), column("occurred_at")) else {
        return Err(AppError::invalid(
            "file",
            "the header must name the columns kind and occurred_at, and reference or serial",
        ));
    };
    if reference.is_none() && serial.is_none() {
        return Err(AppError::invalid(
            "file",
            "the header must name a column reference or serial",
        ));
    }
    let latest = latest_allowed();
    let mut parsed = Parsed {
        received: 0,
        events: Vec::new(),
        refused: Vec::new(),
    };
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                if record.iter().all(str::is_empty) {
                    continue;
                }
                parsed.received += 1;
                let cell = |i: Option<usize>| i.and_then(|i| record.get(i));
                match read_event(
                    Position::Line(record.position().map_or(line, |p| p.line())),
                    cell(reference),
                    cell(serial),
                    cell(Some(kind)),
                    cell(Some(occurred_at)),
                    cell(centre),
                    latest,
                ) {
                    Ok(event) => parsed.events.push(event),
                    Err(refused) => parsed.refused.push(refused),
                }
            }
            Err(e) => {
                parsed.received += 1;
                let at = e.position().map_or(line + 1, |p| p.line());
                parsed.refused.push(Refused::at(
                    Position::Line(at),
                    format!("cannot read the line: {e}"),
                ));
            }
        }
    }
    Ok(parsed)
}

/// One element of a JSON array, as sent.
#[derive(Debug, Deserialize)]
struct JsonEvent {
    reference: Option<String>,
    serial: Option<String>,
    kind: Option<String>,
    occurred_at: Option<String>,
    centre: Option<String>,
}

/// A JSON array of `{reference | serial, kind, occurred_at, centre?}`: not JSON is 400, not
/// an array of such objects is 422; a bad value in one element refuses that element.
pub fn parse_json(body: &[u8]) -> Result<Parsed, AppError> {
    let sent: Vec<JsonEvent> = crate::api::extract::parse_json(body)?;
    let latest = latest_allowed();
    let mut parsed = Parsed {
        received: sent.len(),
        events: Vec::with_capacity(sent.len()),
        refused: Vec::new(),
    };
    for (i, e) in sent.iter().enumerate() {
        match read_event(
            Position::Index(i),
            e.reference.as_deref(),
            e.serial.as_deref(),
            e.kind.as_deref(),
            e.occurred_at.as_deref(),
            e.centre.as_deref(),
            latest,
        ) {
            Ok(event) => parsed.events.push(event),
            Err(refused) => parsed.refused.push(refused),
        }
    }
    Ok(parsed)
}
