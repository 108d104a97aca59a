//! Check rules and due dates.

use chrono::{Days, NaiveDate};

/// The longest interval accepted: ten years.
pub const MAX_INTERVAL_DAYS: i32 = 3653;

/// A rule's next due date after the fit or a passed check on `from`.
pub fn next_due(from: NaiveDate, interval_days: i32) -> NaiveDate {
    from.checked_add_days(Days::new(interval_days.max(0) as u64))
        .unwrap_or(NaiveDate::MAX)
}

/// Days past due on `today` (0 when not yet due).
pub fn days_overdue(due: NaiveDate, today: NaiveDate) -> i64 {
    (today - due).num_days().max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_dates_move_by_the_interval() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        assert_eq!(next_due(d, 182), NaiveDate::from_ymd_opt(2026, 8, 1).unwrap());
        assert_eq!(days_overdue(d, NaiveDate::from_ymd_opt(2026, 2, 3).unwrap()), 3);
        assert_eq!(days_overdue(d, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()), 0);
    }
}
