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
//! written many rows a statement, and only the items that gained new events are visited:
//! those with test calls and heartbeats alone (nearly all) read and passed in bulk, a few
//! statements for them all; one with a low battery or a fault on its own.

mod parse;
mod proves;
mod record;
mod resolve;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::pages::{Page, Paged};
use crate::db::DbConn;
use crate::db::telecare_events::{self as rows, KeptEvent};
use crate::domain::centre_events::CentreEventKind;
use crate::error::AppError;

pub use parse::{Incoming, Parsed, Position, Refused, Unit, parse_csv, parse_json};
pub use record::{ImportCounts, record};

/// The account a centre's checks are recorded by: never signs in (inactive, no password).
pub const CENTRE_EMAIL: &str = "monitoring-centre@equiptrack.invalid";
pub const CENTRE_NAME: &str = "Monitoring centre";

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
