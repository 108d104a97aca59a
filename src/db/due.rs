//! The checks falling due: what the reminder sweep and the overdue report read.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::DbConn;
use super::clients::lower;
use super::items::escape_like;
use super::schema::{check_rules, clients, equipment_types, item_checks_due, items, locations, staff};
use super::types;
use crate::domain::checks::{CheckKind, Reminder, RuleClock, reminder, reminder_horizon};
use crate::domain::lifecycle::Status;
use crate::mail::render::LastTestCall;

#[derive(Debug, Clone, Queryable)]
pub struct DueRow {
    pub asset_tag: String,
    pub status: Status,
    /// The store it belongs to.
    pub location: Option<String>,
    pub type_name: String,
    pub rule: String,
    pub interval_days: i32,
    pub lead_days: Option<i32>,
    pub kind: CheckKind,
    pub due_on_fit: bool,
    pub due: NaiveDate,
    pub client_name: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub client_id: Option<i64>,
    pub worker_id: Option<i64>,
    pub worker_name: Option<String>,
    pub worker_email: Option<String>,
    pub worker_active: Option<bool>,
    pub category: String,
    pub client_reference: Option<String>,
    /// The rule's last passed check: for a test call, the last call the centre logged.
    pub last_checked_at: Option<NaiveDate>,
}

impl DueRow {
    pub fn clock(&self) -> RuleClock {
        RuleClock {
            interval_days: self.interval_days,
            lead_days: self.lead_days,
            kind: self.kind,
            due_on_fit: self.due_on_fit,
        }
    }

    /// In a client's home and in use there (issued or fitted): its worker's to check.
    /// Anything else (in store, awaiting decontamination, quarantined, even in a home
    /// until collected) is stock that cannot go out until checked: stores'.
    /// For a test call, the day of the last one (or none recorded), for its digest line.
    pub fn last_test_call(&self) -> Option<LastTestCall> {
        (self.kind == CheckKind::TestCall).then(|| {
            self.last_checked_at
                .map_or(LastTestCall::NoneRecorded, LastTestCall::On)
        })
    }

    pub fn in_use_at_home(&self) -> bool {
        self.client_id.is_some() && matches!(self.status, Status::Issued | Status::InUse)
    }
}

/// What the office's overdue list narrows the due checks by; `Default` plus a horizon is
/// every due check, as the reminders read them.
#[derive(Debug, Clone, Default)]
pub struct DueFilter {
    /// Due on or before this day.
    pub horizon: NaiveDate,
    /// The responsible worker's address, in its stored (canonical) form.
    pub worker_email: Option<String>,
    /// The start of the client's postcode, upper case without spaces.
    pub postcode_prefix: Option<String>,
    /// The rule's name, compared in lower case.
    pub rule: Option<String>,
    pub category: Option<String>,
}

diesel::define_sql_function! {
    /// `replace` on both backends: a postcode compared without its space.
    fn replace(x: diesel::sql_types::Text, from: diesel::sql_types::Text, to: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// The due checks the filter keeps, in a boxed query so a filter is added only when asked.
macro_rules! filtered {
    ($f:expr) => {{
        let f: &DueFilter = $f;
        let mut q = item_checks_due::table
            .inner_join(items::table)
            .inner_join(check_rules::table)
            .inner_join(equipment_types::table.on(equipment_types::id.eq(items::type_id)))
            .left_join(locations::table.on(locations::id.nullable().eq(items::location_id)))
            .left_join(clients::table.on(clients::id.nullable().eq(items::client_id)))
            .left_join(staff::table.on(staff::id.nullable().eq(items::worker_id)))
            .filter(item_checks_due::next_due.le(f.horizon))
            .filter(items::status.ne(Status::Condemned))
            .filter(check_rules::retired_at.is_null())
            .into_boxed();
        if let Some(email) = &f.worker_email {
            q = q.filter(staff::email.eq(email.clone()));
        }
        if let Some(prefix) = &f.postcode_prefix {
            let pattern = format!("{}%", escape_like(prefix));
            q = q.filter(replace(clients::postcode, " ", "").like(pattern).escape('\\'));
        }
        if let Some(rule) = &f.rule {
            q = q.filter(lower(check_rules::name).eq(rule.to_lowercase()));
        }
        if let Some(category) = &f.category {
            q = q.filter(equipment_types::category.eq(category.clone()));
        }
        q
    }};
}

/// Every rule of every item not condemned, wherever it is, whose next check falls on or
/// before `horizon`.
pub fn due_by(conn: &mut DbConn, horizon: NaiveDate) -> QueryResult<Vec<DueRow>> {
    matching(
        conn,
        &DueFilter {
            horizon,
            ..Default::default()
        },
        None,
    )
}

/// The due checks `filter` keeps, soonest due first (then by tag and rule), `Some((offset,
/// limit))` of them or all.
pub fn matching(
    conn: &mut DbConn,
    filter: &DueFilter,
    window: Option<(i64, i64)>,
) -> QueryResult<Vec<DueRow>> {
    let mut q = filtered!(filter)
        .order((item_checks_due::next_due, items::asset_tag, check_rules::name))
        .select((
            items::asset_tag,
            items::status,
            locations::name.nullable(),
            equipment_types::name,
            check_rules::name,
            check_rules::interval_days,
            check_rules::lead_days,
            check_rules::kind,
            check_rules::due_on_fit,
            item_checks_due::next_due.assume_not_null(),
            clients::name.nullable(),
            clients::address.nullable(),
            clients::postcode.nullable(),
            items::client_id,
            staff::id.nullable(),
            staff::name.nullable(),
            staff::email.nullable(),
            staff::active.nullable(),
            equipment_types::category,
            clients::reference.nullable(),
            item_checks_due::last_checked_at,
        ));
    if let Some((offset, limit)) = window {
        q = q.offset(offset).limit(limit);
    }
    q.load(conn)
}

/// How many due checks `filter` keeps.
pub fn count_matching(conn: &mut DbConn, filter: &DueFilter) -> QueryResult<i64> {
    filtered!(filter).count().get_result(conn)
}

/// The checks to remind on `as_of`, each overdue or due soon by its own rule
/// (`domain::checks::reminder`: its own lead time, a test call only once overdue).
pub fn reminded(
    conn: &mut DbConn,
    as_of: NaiveDate,
    default_lead: u32,
) -> QueryResult<Vec<(DueRow, Reminder)>> {
    let horizon = reminder_horizon(as_of, default_lead, types::longest_lead(conn)?);
    Ok(due_by(conn, horizon)?
        .into_iter()
        .filter_map(|row| reminder(row.clock(), row.due, as_of, default_lead).map(|r| (row, r)))
        .collect())
}
