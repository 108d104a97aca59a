//! Evidence from a monitoring centre: a CSV export or a JSON array of events (test calls,
//! heartbeats, low batteries, faults), each naming its unit by the centre's reference or the
//! item's serial. Every event is kept (`telecare_events`, once per item, kind and time);
//! what it proves is recorded through the moves' own check (`moves::record_centre_check`):
//!
//! - a test call, heartbeat or low battery proves the unit reaches the centre: a pass of the
//!   item's `test_call` rule on the day of its latest such event, recorded only when that
//!   day is later than the rule's last check. A heartbeat every few minutes therefore makes
//!   at most one pass a day, and an import at most one pass an item;
//! - a low battery opens a defect to remedy within `LOW_BATTERY_REMEDY_DAYS` (on that pass);
//!   a fault fails the test call (the item quarantined: unsafe now) with a dangerous defect.
//!   Either is opened once while the last one is open, and mailed once to the item's worker
//!   (stores when none), under a key naming the event.
//!
//! The whole import is one transaction. Resolving reads the names in bulk, the events are
//! written many rows a statement, and only the items that gained new events are visited.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::moves::{self, CentreCheck};
use super::notify::{self, MailContext};
use super::pages::{Page, Paged};
use super::{Actor, now};
use crate::db::staff::{self as staff_rows, NewStaff};
use crate::db::telecare_events::{self as rows, Candidate, KeptEvent, NewCentreEvent};
use crate::db::{DbConn, clients};
use crate::domain::centre_events::{
    CentreEventKind, FAULT_PART, FUTURE_TOLERANCE_MINUTES, LOW_BATTERY_PART, kept_time, low_battery_remedy_by,
};
use crate::domain::examination::DefectFound;
use crate::domain::lifecycle::{Outcome, Status};
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::mail::messages::{self, CentreAlarm};

/// The account a centre's checks are recorded by: never signs in (inactive, no password).
pub const CENTRE_EMAIL: &str = "monitoring-centre@equiptrack.invalid";
pub const CENTRE_NAME: &str = "Monitoring centre";

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
    fn at(position: Position, reason: impl Into<String>) -> Self {
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

/// What an import did with what it was sent.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportCounts {
    /// Events sent (lines after the header, or array elements).
    pub received: usize,
    /// Events kept for the first time.
    pub recorded: usize,
    /// Events already kept (sent before, or twice in this body): nothing recorded again.
    pub duplicates: usize,
    /// Events not recorded, each with its line or index and the reason.
    pub refused: Vec<Refused>,
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

/// Records what `parsed` holds, in one transaction: see the module's comment.
pub fn record(conn: &mut DbConn, parsed: Parsed, mail: &MailContext) -> Result<ImportCounts, AppError> {
    let Parsed {
        received,
        events,
        mut refused,
    } = parsed;
    let resolved = resolve(conn, &events)?;
    let received_at = now();
    let mut to_insert = Vec::new();
    // Each event's rows, by the event's place in `events`; a refusal instead.
    let mut keys_of: Vec<Vec<Key>> = Vec::with_capacity(events.len());
    let mut seen: HashSet<Key> = HashSet::new();
    // The centre an item's events named, for the words of its mail.
    let mut centre_of: HashMap<i64, String> = HashMap::new();
    for event in &events {
        let targets = match resolved.targets(event) {
            Ok(t) => t,
            Err(reason) => {
                refused.push(Refused::at(event.position, reason));
                keys_of.push(Vec::new());
                continue;
            }
        };
        let mut keys = Vec::with_capacity(targets.len());
        for item in targets {
            if let Some(c) = &event.centre {
                centre_of.entry(item.id).or_insert_with(|| c.clone());
            }
            let key = (item.id, event.kind, event.occurred_at);
            if seen.insert(key) {
                to_insert.push(NewCentreEvent {
                    item_id: item.id,
                    kind: event.kind,
                    occurred_at: event.occurred_at,
                    centre: event.centre.clone(),
                    unit_reference: match &event.unit {
                        Unit::Reference(r) => Some(r.clone()),
                        Unit::Serial(_) => None,
                    },
                    received_at,
                });
            }
            keys.push(key);
        }
        keys_of.push(keys);
    }
    let new: Vec<Key> = rows::insert_new(conn, &to_insert)?;
    let mut unclaimed: HashSet<Key> = new.iter().copied().collect();
    let (mut recorded, mut duplicates) = (0, 0);
    for keys in keys_of.iter().filter(|k| !k.is_empty()) {
        // `remove`, so that the second of two equal events in one body is a duplicate.
        let mut any = false;
        for key in keys {
            any |= unclaimed.remove(key);
        }
        if any {
            recorded += 1;
        } else {
            duplicates += 1;
        }
    }
    let mut by_item: HashMap<i64, Vec<(CentreEventKind, NaiveDateTime)>> = HashMap::new();
    for (item, kind, at) in new {
        by_item.entry(item).or_default().push((kind, at));
    }
    if !by_item.is_empty() {
        let centre = centre_account(conn)?;
        let mut items: Vec<i64> = by_item.keys().copied().collect();
        items.sort_unstable();
        for item_id in items {
            let item = &resolved.items[&item_id];
            what_it_proves(
                conn,
                &centre,
                item,
                resolved.rule_of(item),
                &by_item[&item_id],
                centre_of.get(&item_id).map(String::as_str),
                mail,
            )?;
        }
    }
    refused.sort_by_key(|r| (r.line, r.index));
    Ok(ImportCounts {
        received,
        recorded,
        duplicates,
        refused,
    })
}

type Key = (i64, CentreEventKind, NaiveDateTime);

/// What the names in a body stand for, read in bulk.
struct Resolved {
    items: HashMap<i64, Candidate>,
    by_serial: HashMap<String, Vec<i64>>,
    installations: HashMap<String, Vec<rows::Installation>>,
    in_home: HashMap<i64, Vec<i64>>,
    /// Each type's `test_call` rule.
    test_call_rule: HashMap<i64, i64>,
}

fn resolve(conn: &mut DbConn, events: &[Incoming]) -> Result<Resolved, AppError> {
    let mut serials: HashSet<&str> = HashSet::new();
    let mut references: HashSet<&str> = HashSet::new();
    for e in events {
        match &e.unit {
            Unit::Serial(s) => serials.insert(s),
            Unit::Reference(r) => references.insert(r),
        };
    }
    let mut test_call_rule = HashMap::new();
    for (type_id, rule_id) in rows::test_call_rules(conn)? {
        test_call_rule.entry(type_id).or_insert(rule_id);
    }
    let serials: Vec<String> = serials.into_iter().map(str::to_string).collect();
    let references: Vec<String> = references.into_iter().map(str::to_string).collect();
    let mut items = HashMap::new();
    let mut by_serial: HashMap<String, Vec<i64>> = HashMap::new();
    for c in rows::by_serials(conn, &serials)? {
        if let Some(s) = &c.serial_number {
            by_serial.entry(s.clone()).or_default().push(c.id);
        }
        items.insert(c.id, c);
    }
    let mut installations: HashMap<String, Vec<rows::Installation>> = HashMap::new();
    let mut clients_named = Vec::new();
    for i in rows::installations_by_reference(conn, &references)? {
        clients_named.push(i.client_id);
        installations.entry(i.unit_reference.clone()).or_default().push(i);
    }
    let mut in_home: HashMap<i64, Vec<i64>> = HashMap::new();
    for c in rows::in_homes_of(conn, &clients_named)? {
        if let Some(client) = c.client_id.filter(|_| test_call_rule.contains_key(&c.type_id)) {
            in_home.entry(client).or_default().push(c.id);
            items.insert(c.id, c);
        }
    }
    Ok(Resolved {
        items,
        by_serial,
        installations,
        in_home,
        test_call_rule,
    })
}

impl Resolved {
    fn rule_of(&self, item: &Candidate) -> i64 {
        self.test_call_rule[&item.type_id]
    }

    /// The items an event is about, or why none: a serial names one item with a
    /// `test_call` rule; a reference names an installation (narrowed by the centre, when
    /// given) and so the items with a `test_call` rule in use in that home.
    fn targets(&self, event: &Incoming) -> Result<Vec<&Candidate>, String> {
        let found: Vec<&Candidate> = match &event.unit {
            Unit::Serial(serial) => {
                let ids = self.by_serial.get(serial).map(Vec::as_slice).unwrap_or_default();
                match ids {
                    [] => return Err(format!("no item has the serial {serial:?}")),
                    [id] => {
                        let item = &self.items[id];
                        if !self.test_call_rule.contains_key(&item.type_id) {
                            return Err(format!("{} has no test call rule", item.asset_tag));
                        }
                        if item.status == Status::Condemned {
                            return Err(format!("{} is condemned", item.asset_tag));
                        }
                        vec![item]
                    }
                    many => {
                        return Err(format!(
                            "{} items have the serial {serial:?}: name the unit by its reference",
                            many.len()
                        ));
                    }
                }
            }
            Unit::Reference(reference) => {
                let all = self
                    .installations
                    .get(reference)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let at: Vec<&rows::Installation> = match &event.centre {
                    Some(centre) => all
                        .iter()
                        .filter(|i| i.monitoring_centre.trim().eq_ignore_ascii_case(centre))
                        .collect(),
                    None => all.iter().collect(),
                };
                let installation = match at.as_slice() {
                    [] => {
                        return Err(match &event.centre {
                            Some(c) => {
                                format!("no installation at {c:?} has the unit reference {reference:?}")
                            }
                            None => format!("no installation has the unit reference {reference:?}"),
                        });
                    }
                    [one] => *one,
                    many => {
                        return Err(format!(
                            "the unit reference {reference:?} is used at {} monitoring centres: give the centre",
                            many.len()
                        ));
                    }
                };
                let ids = self
                    .in_home
                    .get(&installation.client_id)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                if ids.is_empty() {
                    return Err(format!(
                        "the home with the unit reference {reference:?} has no item in use with a test call rule"
                    ));
                }
                ids.iter().map(|id| &self.items[id]).collect()
            }
        };
        let registered: Vec<&Candidate> = found
            .into_iter()
            .filter(|i| event.occurred_at >= i.created_at.date().and_time(chrono::NaiveTime::MIN))
            .collect();
        if registered.is_empty() {
            return Err("occurred_at is before the item was registered".to_string());
        }
        Ok(registered)
    }
}

/// The account the centre's checks are recorded by, made on the first import.
fn centre_account(conn: &mut DbConn) -> Result<Actor, AppError> {
    let staff = match staff_rows::by_email(conn, CENTRE_EMAIL)? {
        Some(s) => s,
        None => staff_rows::insert(
            conn,
            &NewStaff {
                email: CENTRE_EMAIL,
                name: CENTRE_NAME,
                role: Role::Viewer,
                active: false,
                password_hash: None,
                created_at: now(),
            },
        )?,
    };
    Ok(staff.into())
}

/// Records what one item's new events prove: a pass (with a low battery's defect), then a
/// fault's failed check; each open defect mailed once.
fn what_it_proves(
    conn: &mut DbConn,
    centre: &Actor,
    item: &Candidate,
    rule_id: i64,
    new: &[(CentreEventKind, NaiveDateTime)],
    centre_named: Option<&str>,
    mail: &MailContext,
) -> Result<(), AppError> {
    let latest =
        |pick: &dyn Fn(CentreEventKind) -> bool| new.iter().filter(|(k, _)| pick(*k)).map(|(_, t)| *t).max();
    let contact = latest(&|k| k.proves_contact());
    let low_battery = latest(&|k| k == CentreEventKind::LowBattery);
    let fault = latest(&|k| k == CentreEventKind::Fault);
    let open = rows::open_defect_parts(conn, item.id, centre.id)?;
    let is_open = |part: &str| open.iter().any(|p| p == part);
    let battery_defect = low_battery.filter(|_| !is_open(LOW_BATTERY_PART));
    if let Some(contact) = contact {
        let loaded = moves::load(conn, &item.asset_tag)?;
        let day = contact.date();
        let last = loaded
            .dues
            .iter()
            .find(|d| d.rule_id == rule_id)
            .and_then(|d| d.last_checked_at);
        let later = last.is_none_or(|l| day > l);
        if later || battery_defect.is_some() {
            // A low battery's defect rides on the pass of the day it was reported.
            let performed = if later {
                day
            } else {
                battery_defect.map_or(day, |t| t.date())
            };
            let defects: Vec<DefectFound> = battery_defect
                .map(|t| DefectFound {
                    part: LOW_BATTERY_PART.to_string(),
                    description: format!("low battery reported by the monitoring centre at {t} UTC"),
                    dangerous: false,
                    remedy_by: Some(low_battery_remedy_by(t.date())),
                    repair: Some("replace the battery".to_string()),
                })
                .into_iter()
                .collect();
            let notes = format!(
                "Monitoring centre: the unit reached the centre at {contact} UTC{}",
                if defects.is_empty() {
                    ""
                } else {
                    "; it reported a low battery"
                }
            );
            let check = CentreCheck {
                rule_id,
                outcome: Outcome::Pass,
                performed_at: performed,
                notes,
                defects: &defects,
            };
            let recorded = moves::record_centre_check(conn, centre, &loaded, check)?;
            if let (Some(_), Some(t)) = (recorded, battery_defect) {
                alarm(conn, &loaded, CentreEventKind::LowBattery, t, centre_named, mail)?;
            }
        }
    }
    if let Some(t) = fault.filter(|_| !is_open(FAULT_PART)) {
        let loaded = moves::load(conn, &item.asset_tag)?;
        let defects = [DefectFound {
            part: FAULT_PART.to_string(),
            description: format!("fault reported by the monitoring centre at {t} UTC"),
            dangerous: true,
            remedy_by: None,
            repair: None,
        }];
        let check = CentreCheck {
            rule_id,
            outcome: Outcome::Fail,
            performed_at: t.date(),
            notes: format!("Monitoring centre: the unit reported a fault at {t} UTC"),
            defects: &defects,
        };
        if moves::record_centre_check(conn, centre, &loaded, check)?.is_some() {
            alarm(conn, &loaded, CentreEventKind::Fault, t, centre_named, mail)?;
        }
    }
    Ok(())
}

/// Mails a low battery or a fault to the item's worker, stores when it has none (or they
/// have left), once: the key names the item, the kind and the event's time.
fn alarm(
    conn: &mut DbConn,
    loaded: &moves::Loaded,
    kind: CentreEventKind,
    at: NaiveDateTime,
    centre: Option<&str>,
    mail: &MailContext,
) -> Result<(), AppError> {
    let item = &loaded.item;
    let worker = match item.worker_id {
        Some(id) => staff_rows::get(conn, id)?.filter(|s| s.active),
        None => None,
    };
    let recipient = worker.map_or_else(|| mail.stores_address.clone(), |w| w.email);
    let client = item
        .client_id
        .map(|id| clients::get(conn, id))
        .transpose()?
        .flatten();
    let message = messages::centre_alarm(
        &CentreAlarm {
            kind,
            asset_tag: &item.asset_tag,
            type_name: &loaded.equipment_type.name,
            occurred_at: at,
            centre,
            at_home: client.as_ref().map(|c| (c.address.as_str(), c.postcode.as_str())),
            remedy_by: (kind == CentreEventKind::LowBattery).then(|| low_battery_remedy_by(at.date())),
            link: &mail.item_link(&item.asset_tag),
        },
        &mail.service_name,
    );
    let key = format!(
        "centre-{}:{}:{}",
        kind.as_str(),
        item.id,
        at.and_utc().timestamp()
    );
    let about: Vec<i64> = item.client_id.into_iter().collect();
    notify::queue_about(conn, &key, "centre_alarm", &recipient, message, &about)?;
    Ok(())
}

/// An event kept for an item, as read back.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KeptEventView {
    pub id: i64,
    pub kind: CentreEventKind,
    pub occurred_at: DateTime<Utc>,
    /// The monitoring centre, when the event named it.
    pub centre: Option<String>,
    /// The unit reference the event named; none when it named the item by serial.
    pub unit_reference: Option<String>,
    pub received_at: DateTime<Utc>,
}

impl From<KeptEvent> for KeptEventView {
    fn from(e: KeptEvent) -> Self {
        Self {
            id: e.id,
            kind: e.kind,
            occurred_at: e.occurred_at.and_utc(),
            centre: e.centre,
            unit_reference: e.unit_reference,
            received_at: e.received_at.and_utc(),
        }
    }
}

/// The events kept for the item `tag`, newest first, a page at a time.
pub fn of_item(conn: &mut DbConn, tag: &str, page: Page) -> Result<Paged<KeptEventView>, AppError> {
    let item = super::items::row_by_tag(conn, tag)?;
    let (kept, total) = rows::of_item(conn, item.id, page.offset(), page.per_page)?;
    Ok(page.wrap(kept.into_iter().map(Into::into).collect(), total))
}
