//! The digital switchover at a glance: homes by connection and status, analogue homes left
//! and the days to the switch-off, migrated homes never tested end to end, homes whose
//! phone provider has not been told; and every home's state, for the office and a
//! spreadsheet. The database counts; `domain::telecare` decides what each count means.

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::Serialize;

use super::pages::{Page, Paged};
use super::reports::inert;
use crate::db::DbConn;
use crate::db::telecare::{self as rows, Home, HomeFilter};
use crate::domain::telecare::{
    self, Connection, RouterBattery, SWITCH_OFF, SwitchoverStatus, analogue_left, digital_ready, untested,
};
use crate::domain::validate::Errors;
use crate::error::AppError;

/// One connection's homes by switchover status.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ConnectionCounts {
    pub connection: Option<Connection>,
    pub not_started: i64,
    pub scheduled: i64,
    pub migrated: i64,
    pub verified: i64,
    pub total: i64,
}

impl ConnectionCounts {
    fn add(&mut self, status: SwitchoverStatus, homes: i64) {
        let cell = match status {
            SwitchoverStatus::NotStarted => &mut self.not_started,
            SwitchoverStatus::Scheduled => &mut self.scheduled,
            SwitchoverStatus::Migrated => &mut self.migrated,
            SwitchoverStatus::Verified => &mut self.verified,
        };
        *cell += homes;
        self.total += homes;
    }

    /// The count of one status, for a page's table.
    pub fn of(&self, status: SwitchoverStatus) -> i64 {
        match status {
            SwitchoverStatus::NotStarted => self.not_started,
            SwitchoverStatus::Scheduled => self.scheduled,
            SwitchoverStatus::Migrated => self.migrated,
            SwitchoverStatus::Verified => self.verified,
        }
    }
}

/// The counts, over every home of a client not erased.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SwitchoverCounts {
    pub as_of: NaiveDate,
    /// The day the analogue network is switched off: 2027-01-31.
    pub switch_off: NaiveDate,
    /// From `as_of` (today in `reminders.timezone`); negative once it has passed.
    pub days_to_switch_off: i64,
    pub homes: i64,
    /// One row per connection (every connection, in order), homes by status.
    pub by_connection: Vec<ConnectionCounts>,
    /// Every connection together.
    pub all_connections: ConnectionCounts,
    pub digital_ready: i64,
    /// Not digital-ready (on `pstn`, or no digital base unit) and not yet migrated.
    pub analogue_left: i64,
    /// Migrated, with no end-to-end test call recorded.
    pub migrated_untested: i64,
    pub provider_not_told: i64,
}

/// One home's switchover state (a client's reference and postcode: no `Debug`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct HomeState {
    pub client_id: i64,
    pub client_reference: String,
    pub postcode: String,
    pub monitoring_centre: String,
    pub unit_reference: String,
    pub base_unit: Option<String>,
    pub connection: Connection,
    pub digital_ready: bool,
    pub status: SwitchoverStatus,
    pub scheduled_on: Option<NaiveDate>,
    pub migrated_on: Option<NaiveDate>,
    pub end_to_end_test_on: Option<NaiveDate>,
    pub provider_told: bool,
    pub router_battery: RouterBattery,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SwitchoverReport {
    #[serde(flatten)]
    pub counts: SwitchoverCounts,
    /// The homes the filters match, by client reference, a page at a time.
    pub list: Paged<HomeState>,
}

/// The filters as sent (a blank one is none), read into the list's filter.
#[derive(Debug, Default)]
pub struct FilterInput<'a> {
    pub status: Option<&'a str>,
    pub connection: Option<&'a str>,
    pub provider_not_told: bool,
    pub analogue_left: bool,
    pub untested: bool,
}

pub fn filter_of(input: &FilterInput) -> Result<HomeFilter, AppError> {
    let mut errors = Errors::default();
    fn blank(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|v| !v.is_empty())
    }
    let status = blank(input.status).and_then(|raw| {
        let found = SwitchoverStatus::parse(raw);
        if found.is_none() {
            errors.add(
                "status",
                format!("must be one of {}", SwitchoverStatus::WORDS.join(", ")),
            );
        }
        found
    });
    let connection = blank(input.connection).and_then(|raw| {
        let found = Connection::parse(raw);
        if found.is_none() {
            errors.add(
                "connection",
                format!("must be one of {}", Connection::WORDS.join(", ")),
            );
        }
        found
    });
    errors.finish()?;
    Ok(HomeFilter {
        status,
        connection,
        provider_not_told: input.provider_not_told,
        analogue_left: input.analogue_left,
        untested: input.untested,
    })
}

/// The counts on `as_of`.
pub fn counts(conn: &mut DbConn, as_of: NaiveDate) -> Result<SwitchoverCounts, AppError> {
    let mut by_connection: Vec<ConnectionCounts> = Connection::ALL
        .iter()
        .map(|c| ConnectionCounts {
            connection: Some(*c),
            ..Default::default()
        })
        .collect();
    let mut all = ConnectionCounts::default();
    let (mut ready, mut left, mut not_tested, mut not_told) = (0, 0, 0, 0);
    for g in rows::groups(conn)? {
        let is_ready = digital_ready(g.connection, g.digital_unit);
        if let Some(row) = by_connection
            .iter_mut()
            .find(|r| r.connection == Some(g.connection))
        {
            row.add(g.status, g.homes);
        }
        all.add(g.status, g.homes);
        if is_ready {
            ready += g.homes;
        }
        if analogue_left(is_ready, g.status) {
            left += g.homes;
        }
        if untested(g.status, g.tested == 1) {
            not_tested += g.homes;
        }
        if !g.provider_told {
            not_told += g.homes;
        }
    }
    Ok(SwitchoverCounts {
        as_of,
        switch_off: SWITCH_OFF,
        days_to_switch_off: telecare::days_to_switch_off(as_of),
        homes: all.total,
        by_connection,
        all_connections: all,
        digital_ready: ready,
        analogue_left: left,
        migrated_untested: not_tested,
        provider_not_told: not_told,
    })
}

fn state_of(h: Home) -> HomeState {
    let i = h.installation;
    HomeState {
        client_id: i.client_id,
        client_reference: h.reference,
        postcode: h.postcode,
        monitoring_centre: i.monitoring_centre,
        unit_reference: i.unit_reference,
        base_unit: h.base_unit,
        digital_ready: digital_ready(i.connection, h.digital_unit),
        connection: i.connection,
        status: i.switchover_status,
        scheduled_on: i.switchover_scheduled_on,
        migrated_on: i.migrated_on,
        end_to_end_test_on: i.end_to_end_test_on,
        provider_told: i.provider_told,
        router_battery: i.router_battery,
    }
}

/// The counts and one page of the homes `filter` matches.
pub fn report(
    conn: &mut DbConn,
    as_of: NaiveDate,
    filter: &HomeFilter,
    page: Page,
) -> Result<SwitchoverReport, AppError> {
    let counts = counts(conn, as_of)?;
    let (homes, total) = rows::homes(conn, filter, Some((page.offset(), page.per_page)))?;
    Ok(SwitchoverReport {
        counts,
        list: page.wrap(homes.into_iter().map(state_of).collect(), total),
    })
}

/// Every home `filter` matches: the office's page and the CSV.
pub fn every_home(conn: &mut DbConn, filter: &HomeFilter) -> Result<Vec<HomeState>, AppError> {
    let (homes, _) = rows::homes(conn, filter, None)?;
    Ok(homes.into_iter().map(state_of).collect())
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// Every home as CSV, one row each.
pub fn to_csv(homes: &[HomeState]) -> Result<Vec<u8>, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::internal("CSV", e);
    out.write_record([
        "client_reference",
        "postcode",
        "monitoring_centre",
        "unit_reference",
        "base_unit",
        "connection",
        "digital_ready",
        "status",
        "scheduled_on",
        "migrated_on",
        "end_to_end_test_on",
        "provider_told",
        "router_battery",
    ])
    .map_err(fail)?;
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for h in homes {
        // Our words and dates stay as they are; only what people typed is made inert.
        let cells: [Cow<'_, str>; 13] = [
            inert(&h.client_reference),
            inert(&h.postcode),
            inert(&h.monitoring_centre),
            inert(&h.unit_reference),
            inert(h.base_unit.as_deref().unwrap_or("")),
            h.connection.as_str().into(),
            yes_no(h.digital_ready).into(),
            h.status.as_str().into(),
            day(h.scheduled_on).into(),
            day(h.migrated_on).into(),
            day(h.end_to_end_test_on).into(),
            yes_no(h.provider_told).into(),
            h.router_battery.as_str().into(),
        ];
        out.write_record(cells.iter().map(|c| c.as_bytes()))
            .map_err(fail)?;
    }
    out.into_inner().map_err(|e| AppError::internal("CSV", e))
}
