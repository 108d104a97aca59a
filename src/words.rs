//! Wording that pages and emails share, so a date reads the same on a page and in a message.

use chrono::NaiveDate;

/// Dates the UK way: `Tue 14 Jan 2027`.
pub fn uk_date(d: NaiveDate) -> String {
    d.format("%a %-d %b %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_the_uk_way() {
        assert_eq!(
            uk_date(NaiveDate::from_ymd_opt(2027, 1, 14).unwrap()),
            "Thu 14 Jan 2027"
        );
        assert_eq!(
            uk_date(NaiveDate::from_ymd_opt(2027, 3, 2).unwrap()),
            "Tue 2 Mar 2027"
        );
    }
}
