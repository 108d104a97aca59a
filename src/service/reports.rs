//! The overdue report: every check overdue or due soon, for the office and for a spreadsheet.

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::due::{self, DueRow};
use crate::domain::checks::{Reminder, days_overdue};
use crate::domain::lifecycle::Status;
use crate::error::AppError;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DueEntry {
    pub asset_tag: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub check: String,
    pub due: NaiveDate,
    pub days_overdue: i64,
    /// `overdue` or `due_soon`.
    pub state: String,
    /// Where the item stands: in a home (`issued`, `in_use`) or stock in the store's hands.
    pub status: Status,
    pub client_name: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub worker_name: Option<String>,
    pub worker_email: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OverdueReport {
    pub as_of: NaiveDate,
    pub lead_days: u32,
    pub overdue: usize,
    pub due_soon: usize,
    /// Overdue first, longest overdue first; then due soon, soonest first.
    pub entries: Vec<DueEntry>,
}

/// Every check overdue or due soon on `as_of`, wherever the item is; `lead_days` is the
/// default lead time, each rule may have its own.
pub fn overdue(conn: &mut DbConn, as_of: NaiveDate, lead_days: u32) -> Result<OverdueReport, AppError> {
    let mut entries: Vec<DueEntry> = due::reminded(conn, as_of, lead_days)?
        .into_iter()
        .map(|(r, reminder): (DueRow, Reminder)| DueEntry {
            days_overdue: days_overdue(r.due, as_of),
            state: match reminder {
                Reminder::Overdue => "overdue",
                Reminder::DueSoon => "due_soon",
            }
            .into(),
            status: r.status,
            asset_tag: r.asset_tag,
            type_name: r.type_name,
            check: r.rule,
            due: r.due,
            client_name: r.client_name,
            address: r.address,
            postcode: r.postcode,
            worker_name: r.worker_name.filter(|_| r.worker_active == Some(true)),
            worker_email: r.worker_email.filter(|_| r.worker_active == Some(true)),
        })
        .collect();
    entries.sort_by(|a, b| (a.due, &a.asset_tag, &a.check).cmp(&(b.due, &b.asset_tag, &b.check)));
    let overdue = entries.iter().filter(|e| e.state == "overdue").count();
    Ok(OverdueReport {
        as_of,
        lead_days,
        overdue,
        due_soon: entries.len() - overdue,
        entries,
    })
}

/// A cell a spreadsheet would run as a formula (it begins with `=`, `+`, `-`, `@`, tab or
/// carriage return) gets a leading `'`, so it is shown as text instead (OWASP's advice on
/// CSV injection).
pub fn inert(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

fn text(value: Option<&str>) -> Cow<'_, str> {
    inert(value.unwrap_or(""))
}

/// The same report as CSV, one row per check.
pub fn to_csv(report: &OverdueReport) -> Result<Vec<u8>, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::internal("CSV", e);
    out.write_record([
        "asset_tag",
        "type",
        "check",
        "due",
        "days_overdue",
        "state",
        "client",
        "address",
        "postcode",
        "worker",
        "worker_email",
    ])
    .map_err(fail)?;
    for e in &report.entries {
        let days = e.days_overdue.to_string();
        let due = e.due.to_string();
        // Numbers and dates are ours and stay numbers; only the text people typed is made inert.
        let cells: [Cow<'_, str>; 11] = [
            text(Some(&e.asset_tag)),
            text(Some(&e.type_name)),
            text(Some(&e.check)),
            due.as_str().into(),
            days.as_str().into(),
            text(Some(&e.state)),
            text(e.client_name.as_deref()),
            text(e.address.as_deref()),
            text(e.postcode.as_deref()),
            text(e.worker_name.as_deref()),
            text(e.worker_email.as_deref()),
        ];
        out.write_record(cells.iter().map(|c| c.as_bytes()))
            .map_err(fail)?;
    }
    out.into_inner().map_err(|e| AppError::internal("CSV", e))
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn cells_that_start_a_formula_are_made_text_and_others_are_left_alone() {
        for risky in ["=1+2", "+44", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(inert(risky), format!("'{risky}"));
        }
        for plain in ["EQ-000001", "Margaret Oduya", "", "a=b", "'quoted"] {
            assert_eq!(inert(plain), plain);
        }
    }
}
