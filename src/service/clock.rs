//! The item's clock: every rule's dates computed afresh from what the item's record holds.
//! The moves (a fit, a passed check) and the import (last checks from a spreadsheet) both
//! run it, so an imported check moves the dates exactly as a recorded one would.

use chrono::NaiveDate;

use crate::db::items::CheckDue;
use crate::db::types::CheckRule;
use crate::domain::checks::{latest_check, next_due_of, soonest};
use crate::domain::examination::examiners_date;

/// A passed check and, for an examination, the date its examiner set for the next one.
#[derive(Debug, Clone, Copy)]
pub struct Passed {
    pub rule_id: i64,
    pub performed_at: NaiveDate,
    pub next_by: Option<NaiveDate>,
}

/// Each rule's dates, and the item's next check: the soonest of them.
pub struct Clock {
    pub dues: Vec<CheckDue>,
    pub next_check_due: Option<NaiveDate>,
}

/// Every rule's dates from the item's record (`held`: each rule's dates so far; `first_fit`),
/// with a newly passed check of one rule counted in (a late entry never moving it back):
/// `domain::checks::next_due_of`, then an examiner's earlier date where one was set.
pub fn run(
    item_id: i64,
    rules: &[CheckRule],
    held: &[CheckDue],
    first_fit: Option<NaiveDate>,
    passed: Option<Passed>,
) -> Clock {
    let dues: Vec<CheckDue> = rules
        .iter()
        .filter_map(|rule| {
            let held = held.iter().find(|d| d.rule_id == rule.id);
            let mut last = held.and_then(|d| d.last_checked_at);
            let mut next_by = None;
            if let Some(p) = passed.filter(|p| p.rule_id == rule.id) {
                // An examiner's earlier date counts only from the latest examination.
                if last.is_none_or(|l| p.performed_at >= l) {
                    next_by = p.next_by;
                }
                last = Some(latest_check(last, p.performed_at));
            }
            let next = examiners_date(next_due_of(rule.clock(), last, first_fit), next_by);
            (last.is_some() || next.is_some()).then_some(CheckDue {
                item_id,
                rule_id: rule.id,
                last_checked_at: last,
                next_due: next,
            })
        })
        .collect();
    let next_check_due = soonest(dues.iter().filter_map(|d| d.next_due));
    Clock { dues, next_check_due }
}
