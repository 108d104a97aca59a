//! The office's overdue list: every check overdue on a day (or due within some days of it),
//! narrowed by worker, postcode, rule and category. The page and its CSV read the same rows.
//!
//! One row per check, not per item (as the desk's list is): a rule can only be filtered on,
//! and a spreadsheet only sorted by, a row that names it. The rows come from the query the
//! reminders and the API's overdue report read (`db::due`), narrowed, ordered and paged in
//! SQL; what "overdue" means comes from `domain::checks`.

use std::borrow::Cow;

use chrono::{Days, NaiveDate};
use serde::Deserialize;

use super::catalogue::CATEGORIES;
use super::pages::Page;
use super::reports::inert;
use crate::db::DbConn;
use crate::db::due::{self, DueFilter};
use crate::domain::checks::{days_overdue, due_soon_until, is_overdue};
use crate::domain::lifecycle::Status;
use crate::domain::validate::{self, Errors};
use crate::error::AppError;

/// At most this many days ahead may be added to the overdue checks.
pub const MAX_WITHIN_DAYS: u32 = 366;

/// The filters as a query string carries them: text, checked here so that a bad value is
/// a plain refusal, never a failed extraction.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct OverdueParams {
    pub worker: Option<String>,
    pub postcode: Option<String>,
    pub rule: Option<String>,
    pub category: Option<String>,
    /// Also the checks due within this many days (0, the default: overdue only).
    pub within: Option<String>,
    pub page: Option<String>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct OverdueFilter {
    /// The responsible worker's address, canonical.
    pub worker: Option<String>,
    /// Upper case, without spaces: compared with the client's postcode written the same way.
    pub postcode: Option<String>,
    /// Compared without regard to case.
    pub rule: Option<String>,
    pub category: Option<String>,
    pub within_days: u32,
}

fn blank_is_none(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn postcode_key(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

impl OverdueParams {
    pub fn filter(&self) -> Result<OverdueFilter, AppError> {
        let mut errors = Errors::default();
        let worker = blank_is_none(&self.worker).and_then(|w| match validate::email(w) {
            Ok(email) => Some(email),
            Err(_) => {
                errors.add("worker", "must be a worker's email address");
                None
            }
        });
        let postcode = errors.optional("postcode", self.postcode.as_deref(), 16);
        let postcode = postcode.map(|p| postcode_key(&p));
        if postcode
            .as_deref()
            .is_some_and(|p| !p.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            errors.add("postcode", "must be the start of a postcode: letters and digits");
        }
        let rule = errors.optional("rule", self.rule.as_deref(), 100);
        let category = blank_is_none(&self.category).map(str::to_string);
        if let Some(c) = &category {
            if !CATEGORIES.contains(&c.as_str()) {
                errors.add("category", format!("{c:?} is not a category"));
            }
        }
        let within_days = match blank_is_none(&self.within) {
            None => 0,
            Some(w) => match w.parse::<u32>() {
                Ok(days) if days <= MAX_WITHIN_DAYS => days,
                _ => {
                    errors.add(
                        "within",
                        format!("must be a number of days, 0 to {MAX_WITHIN_DAYS}"),
                    );
                    0
                }
            },
        };
        errors.finish()?;
        Ok(OverdueFilter {
            worker,
            postcode,
            rule,
            category,
            within_days,
        })
    }
}

/// One check overdue or falling due.
#[derive(Debug, Clone)]
pub struct DueCheck {
    pub asset_tag: String,
    pub type_name: String,
    pub category: String,
    pub rule: String,
    pub next_due: NaiveDate,
    pub days_overdue: i64,
    pub overdue: bool,
    pub status: Status,
    pub client_reference: Option<String>,
    pub postcode: Option<String>,
    /// Only an active worker: someone who has left is no one to send.
    pub worker: Option<String>,
}

impl OverdueFilter {
    fn rows(&self, today: NaiveDate) -> DueFilter {
        let horizon = if self.within_days == 0 {
            // The query includes its horizon; overdue is strictly before today.
            today.checked_sub_days(Days::new(1)).unwrap_or(today)
        } else {
            due_soon_until(today, self.within_days)
        };
        DueFilter {
            horizon,
            worker_email: self.worker.clone(),
            postcode_prefix: self.postcode.clone(),
            rule: self.rule.clone(),
            category: self.category.clone(),
        }
    }
}

fn check_of(r: due::DueRow, today: NaiveDate) -> DueCheck {
    DueCheck {
        days_overdue: days_overdue(r.due, today),
        overdue: is_overdue(r.due, today),
        worker: r.worker_name.filter(|_| r.worker_active == Some(true)),
        asset_tag: r.asset_tag,
        type_name: r.type_name,
        category: r.category,
        rule: r.rule,
        next_due: r.due,
        status: r.status,
        client_reference: r.client_reference,
        postcode: r.postcode,
    }
}

/// Every check the filter keeps, overdue on `today` or (with `within_days`) due by then,
/// longest overdue first: for the CSV.
pub fn checks(
    conn: &mut DbConn,
    today: NaiveDate,
    filter: &OverdueFilter,
) -> Result<Vec<DueCheck>, AppError> {
    let rows = due::matching(conn, &filter.rows(today), None)?;
    Ok(rows.into_iter().map(|r| check_of(r, today)).collect())
}

/// One page of what `checks` answers, and how many there are in all.
pub fn page_of_checks(
    conn: &mut DbConn,
    today: NaiveDate,
    filter: &OverdueFilter,
    page: Page,
) -> Result<(Vec<DueCheck>, i64), AppError> {
    let wanted = filter.rows(today);
    let total = due::count_matching(conn, &wanted)?;
    let rows = due::matching(conn, &wanted, Some((page.offset(), page.per_page)))?;
    Ok((rows.into_iter().map(|r| check_of(r, today)).collect(), total))
}

fn text(v: Option<&str>) -> Cow<'_, str> {
    inert(v.unwrap_or(""))
}

/// The rows as CSV, a header line first; the text people typed is made inert.
pub fn to_csv(rows: &[DueCheck]) -> Result<Vec<u8>, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::internal("CSV", e);
    out.write_record([
        "asset_tag",
        "type",
        "category",
        "rule",
        "next_due",
        "days_overdue",
        "status",
        "client_reference",
        "postcode",
        "worker",
    ])
    .map_err(fail)?;
    for r in rows {
        let (due, days) = (r.next_due.to_string(), r.days_overdue.to_string());
        let cells: [Cow<'_, str>; 10] = [
            text(Some(&r.asset_tag)),
            text(Some(&r.type_name)),
            text(Some(&r.category)),
            text(Some(&r.rule)),
            due.as_str().into(),
            days.as_str().into(),
            r.status.as_str().into(),
            text(r.client_reference.as_deref()),
            text(r.postcode.as_deref()),
            text(r.worker.as_deref()),
        ];
        out.write_record(cells.iter().map(|c| c.as_bytes()))
            .map_err(fail)?;
    }
    out.into_inner().map_err(|e| AppError::internal("CSV", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_filters_are_no_filters_and_bad_ones_are_refused() {
        assert_eq!(
            OverdueParams::default().filter().unwrap(),
            OverdueFilter::default()
        );
        let blank = OverdueParams {
            worker: Some(" ".into()),
            category: Some(String::new()),
            within: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(blank.filter().unwrap(), OverdueFilter::default());
        for bad in [
            OverdueParams {
                worker: Some("abc".into()),
                ..Default::default()
            },
            OverdueParams {
                worker: Some("worker 1".into()),
                ..Default::default()
            },
            OverdueParams {
                postcode: Some("SW1;".into()),
                ..Default::default()
            },
            OverdueParams {
                category: Some("rockets".into()),
                ..Default::default()
            },
            OverdueParams {
                within: Some("999".into()),
                ..Default::default()
            },
        ] {
            assert!(bad.filter().is_err(), "{bad:?}");
        }
        let pc = OverdueParams {
            postcode: Some(" sw1a 1".into()),
            ..Default::default()
        };
        assert_eq!(pc.filter().unwrap().postcode.as_deref(), Some("SW1A1"));
        let worker = OverdueParams {
            worker: Some(" Pat@Test.Example ".into()),
            ..Default::default()
        };
        assert_eq!(
            worker.filter().unwrap().worker.as_deref(),
            Some("pat@test.example")
        );
    }
}
