//! Check rules and due dates: pure functions of dates, so each rule is tested on its own.

use chrono::{Days, NaiveDate};

/// The longest interval accepted: ten years.
pub const MAX_INTERVAL_DAYS: i32 = 3653;

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

/// Days past due on `today` (0 when not yet due).
pub fn days_overdue(due: NaiveDate, today: NaiveDate) -> i64 {
    (today - due).num_days().max(0)
}

/// The latest check once one performed on `performed` is recorded. A check entered late
/// never moves a date back: whatever was checked later still counts.
pub fn latest_check(previous: Option<NaiveDate>, performed: NaiveDate) -> NaiveDate {
    previous.map_or(performed, |p| p.max(performed))
}

/// A rule's dates after a passed check on `performed`: its latest check, and its next due
/// date, which runs from that latest check.
pub fn after_pass(
    previous: Option<NaiveDate>,
    performed: NaiveDate,
    interval_days: i32,
) -> (NaiveDate, NaiveDate) {
    let latest = latest_check(previous, performed);
    (latest, next_due(latest, interval_days))
}

/// The item's next check: the soonest of its rules' due dates.
pub fn soonest(dues: impl IntoIterator<Item = NaiveDate>) -> Option<NaiveDate> {
    dues.into_iter().min()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
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
    fn a_pass_runs_the_rule_from_that_check() {
        assert_eq!(
            after_pass(Some(day(1, 10)), day(3, 1), 30),
            (day(3, 1), day(3, 31))
        );
        assert_eq!(after_pass(None, day(3, 1), 30), (day(3, 1), day(3, 31)));
    }

    #[test]
    fn a_check_entered_late_never_moves_a_date_back() {
        // Checked on 1 March and recorded; an older check from 1 February typed in afterwards.
        assert_eq!(
            after_pass(Some(day(3, 1)), day(2, 1), 30),
            (day(3, 1), day(3, 31))
        );
        assert_eq!(latest_check(Some(day(3, 1)), day(2, 1)), day(3, 1));
        assert_eq!(latest_check(None, day(2, 1)), day(2, 1));
    }

    #[test]
    fn the_next_check_is_the_soonest_of_the_rules() {
        assert_eq!(soonest([day(5, 1), day(2, 1), day(9, 1)]), Some(day(2, 1)));
        assert_eq!(soonest([]), None);
    }

    #[test]
    fn an_interval_past_the_calendar_stops_at_its_end() {
        assert_eq!(next_due(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(next_due(day(1, 1), -5), day(1, 1));
    }
}
