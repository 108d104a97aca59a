//! Check rules and due dates: pure functions of dates, so each rule is tested on its own.
//!
//! The clock belongs to the item: a rule's next due date runs from the item's last passed
//! check of that rule, wherever it was done; before any, from the item's first fit. Moves
//! that bring an item back to the store never touch it; only condemning ends it.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::lifecycle::Move;
use super::stored::stored_words;

/// The longest interval accepted: ten years.
pub const MAX_INTERVAL_DAYS: i32 = 3653;
/// The longest lead time a rule may ask for.
pub const MAX_LEAD_DAYS: i32 = 365;

stored_words! {
    /// What kind of check a rule asks for.
    pub enum CheckKind {
        /// A thorough examination by a competent person (LOLER 1998, reg. 9).
        Examination => "examination",
        /// A routine check: pass or fail with notes.
        Inspection => "inspection",
        /// Evidence that usually arrives without a visit (a pendant's test call): reminded
        /// only once overdue.
        TestCall => "test_call",
    }
}

/// What of a rule decides its dates and its reminders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleClock {
    pub interval_days: i32,
    /// The rule's own lead time; `None` takes `reminders.lead_days`.
    pub lead_days: Option<i32>,
    pub kind: CheckKind,
    /// The first check falls due on the fit date itself (the examination after installation).
    pub due_on_fit: bool,
}

/// A rule's next due date after the fit or a passed check on `from`.
pub fn next_due(from: NaiveDate, interval_days: i32) -> NaiveDate {
    from.checked_add_days(Days::new(interval_days.max(0) as u64))
        .unwrap_or(NaiveDate::MAX)
}

/// A check is overdue from the day after its due date.
pub fn is_overdue(due: NaiveDate, today: NaiveDate) -> bool {
    due < today
}

/// The last day a check due by then counts as due soon, `lead_days` after `as_of`.
pub fn due_soon_until(as_of: NaiveDate, lead_days: u32) -> NaiveDate {
    as_of
        .checked_add_days(Days::new(lead_days.into()))
        .unwrap_or(as_of)
}

/// A rule's next due date from what the item's record holds: one interval after its last
/// passed check of the rule; before any, one interval after its first fit (the fit date
/// itself for a `due_on_fit` rule); none for stock never fitted nor checked. The migration
/// `2026-12-02-100000_item_clock` computes the same in SQL for existing items.
pub fn next_due_of(
    rule: RuleClock,
    last_check: Option<NaiveDate>,
    first_fit: Option<NaiveDate>,
) -> Option<NaiveDate> {
    match (last_check, first_fit) {
        (Some(last), _) => Some(next_due(last, rule.interval_days)),
        (None, Some(fit)) if rule.due_on_fit => Some(fit),
        (None, Some(fit)) => Some(next_due(fit, rule.interval_days)),
        (None, None) => None,
    }
}

/// Days past due on `today` (0 when not yet due).
pub fn days_overdue(due: NaiveDate, today: NaiveDate) -> i64 {
    (today - due).num_days().max(0)
}

/// The latest check once one performed on `performed` is recorded. A check entered late
/// never moves a date back: whatever was checked later still counts.
pub fn latest_check(previous: Option<NaiveDate>, performed: NaiveDate) -> NaiveDate {
    previous.map_or(performed, |p| p.max(performed))
}

/// The item's next check: the soonest of its rules' due dates.
pub fn soonest(dues: impl IntoIterator<Item = NaiveDate>) -> Option<NaiveDate> {
    dues.into_iter().min()
}

/// One rule whose check was due before the day asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OverdueCheck {
    pub rule: String,
    pub next_due: NaiveDate,
}

/// The rules overdue on `day`, from each rule's name and next due date, soonest first.
pub fn overdue_on<'a>(
    dues: impl IntoIterator<Item = (&'a str, Option<NaiveDate>)>,
    day: NaiveDate,
) -> Vec<OverdueCheck> {
    let mut found: Vec<OverdueCheck> = dues
        .into_iter()
        .filter_map(|(rule, due)| {
            due.filter(|d| is_overdue(*d, day)).map(|next_due| OverdueCheck {
                rule: rule.to_string(),
                next_due,
            })
        })
        .collect();
    found.sort_by(|a, b| (a.next_due, &a.rule).cmp(&(b.next_due, &b.rule)));
    found
}

/// An item may not go out (`issue`, `fit`) with a check overdue on the day of the move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueRefusal {
    pub attempted: Move,
    pub overdue: Vec<OverdueCheck>,
}

impl std::fmt::Display for OverdueRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list: Vec<String> = self
            .overdue
            .iter()
            .map(|o| format!("{} (due {})", o.rule, o.next_due))
            .collect();
        write!(
            f,
            "cannot {} an item with a check overdue: {}; record the check first",
            self.attempted.path(),
            list.join(", ")
        )
    }
}

/// Where a due check stands in a reminder sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    Overdue,
    DueSoon,
}

/// Whether a check due on `due` is reminded on `as_of`: overdue once past its date; due soon
/// within the rule's own lead time (`default_lead` when it has none), except a `test_call`,
/// which is reminded only once overdue.
pub fn reminder(rule: RuleClock, due: NaiveDate, as_of: NaiveDate, default_lead: u32) -> Option<Reminder> {
    if is_overdue(due, as_of) {
        return Some(Reminder::Overdue);
    }
    if rule.kind == CheckKind::TestCall {
        return None;
    }
    let lead = rule.lead_days.map_or(i64::from(default_lead), i64::from);
    ((due - as_of).num_days() <= lead).then_some(Reminder::DueSoon)
}

/// The furthest day any rule's lead time reaches from `as_of` (`longest_rule_lead`: the
/// longest lead time a rule has of its own): what a sweep must read up to.
pub fn reminder_horizon(as_of: NaiveDate, default_lead: u32, longest_rule_lead: Option<i32>) -> NaiveDate {
    let longest = longest_rule_lead.map_or(0, |l| u32::try_from(l).unwrap_or(0));
    due_soon_until(as_of, default_lead.max(longest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn rule(kind: CheckKind, due_on_fit: bool) -> RuleClock {
        RuleClock {
            interval_days: 30,
            lead_days: None,
            kind,
            due_on_fit,
        }
    }

    #[test]
    fn due_dates_move_by_the_interval() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        assert_eq!(next_due(d, 182), NaiveDate::from_ymd_opt(2026, 8, 1).unwrap());
        assert_eq!(days_overdue(d, NaiveDate::from_ymd_opt(2026, 2, 3).unwrap()), 3);
        assert_eq!(days_overdue(d, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()), 0);
    }

    #[test]
    fn a_check_is_overdue_from_the_day_after_it_was_due() {
        assert!(!is_overdue(day(3, 1), day(3, 1)));
        assert!(is_overdue(day(3, 1), day(3, 2)));
        assert_eq!(due_soon_until(day(3, 1), 14), day(3, 15));
        assert_eq!(due_soon_until(NaiveDate::MAX, 1), NaiveDate::MAX);
    }

    #[test]
    fn the_last_check_runs_the_rule_and_before_any_the_first_fit_does() {
        let r = rule(CheckKind::Inspection, false);
        assert_eq!(
            next_due_of(r, Some(day(3, 1)), Some(day(1, 10))),
            Some(day(3, 31))
        );
        assert_eq!(next_due_of(r, None, Some(day(1, 10))), Some(day(2, 9)));
        // A check in store before the item was ever fitted starts the clock too.
        assert_eq!(next_due_of(r, Some(day(1, 2)), None), Some(day(2, 1)));
        assert_eq!(next_due_of(r, None, None), None, "stock never fitted nor checked");
    }

    #[test]
    fn a_due_on_fit_rule_falls_due_on_the_fit_date_until_its_first_check() {
        let r = rule(CheckKind::Examination, true);
        assert_eq!(next_due_of(r, None, Some(day(1, 10))), Some(day(1, 10)));
        assert_eq!(
            next_due_of(r, Some(day(1, 10)), Some(day(1, 10))),
            Some(day(2, 9))
        );
    }

    #[test]
    fn a_check_entered_late_never_moves_a_date_back() {
        // Checked on 1 March and recorded; an older check from 1 February typed in afterwards.
        assert_eq!(latest_check(Some(day(3, 1)), day(2, 1)), day(3, 1));
        assert_eq!(latest_check(None, day(2, 1)), day(2, 1));
    }

    #[test]
    fn the_next_check_is_the_soonest_of_the_rules() {
        assert_eq!(soonest([day(5, 1), day(2, 1), day(9, 1)]), Some(day(2, 1)));
        assert_eq!(soonest([]), None);
    }

    #[test]
    fn overdue_means_due_before_the_day_soonest_first() {
        let dues = [
            ("service", Some(day(3, 1))),
            ("exam", Some(day(2, 1))),
            ("due today", Some(day(4, 1))),
            ("never fitted", None),
        ];
        assert_eq!(
            overdue_on(dues, day(4, 1)),
            [
                OverdueCheck {
                    rule: "exam".into(),
                    next_due: day(2, 1)
                },
                OverdueCheck {
                    rule: "service".into(),
                    next_due: day(3, 1)
                },
            ]
        );
        let refusal = OverdueRefusal {
            attempted: Move::Issue,
            overdue: overdue_on(dues, day(4, 1)),
        };
        assert_eq!(
            refusal.to_string(),
            "cannot issue an item with a check overdue: exam (due 2026-02-01), service (due 2026-03-01); \
             record the check first"
        );
    }

    #[test]
    fn each_rule_is_reminded_within_its_own_lead_and_a_test_call_only_once_overdue() {
        let inspection = rule(CheckKind::Inspection, false);
        assert_eq!(
            reminder(inspection, day(7, 1), day(7, 2), 14),
            Some(Reminder::Overdue)
        );
        assert_eq!(
            reminder(inspection, day(7, 16), day(7, 2), 14),
            Some(Reminder::DueSoon)
        );
        assert_eq!(reminder(inspection, day(7, 17), day(7, 2), 14), None);
        let long_lead = RuleClock {
            lead_days: Some(60),
            ..inspection
        };
        assert_eq!(
            reminder(long_lead, day(8, 31), day(7, 2), 14),
            Some(Reminder::DueSoon)
        );
        let call = rule(CheckKind::TestCall, false);
        assert_eq!(
            reminder(call, day(7, 2), day(7, 2), 14),
            None,
            "due today is not yet overdue"
        );
        assert_eq!(reminder(call, day(7, 1), day(7, 2), 14), Some(Reminder::Overdue));
        assert_eq!(reminder_horizon(day(7, 2), 14, Some(60)), day(8, 31));
        assert_eq!(reminder_horizon(day(7, 2), 14, Some(3)), day(7, 16));
        assert_eq!(reminder_horizon(day(7, 2), 14, None), day(7, 16));
    }

    #[test]
    fn an_interval_past_the_calendar_stops_at_its_end() {
        assert_eq!(next_due(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(next_due(day(1, 1), -5), day(1, 1));
    }

    #[test]
    fn each_kind_is_stored_as_its_serde_name() {
        for k in CheckKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
    }
}
