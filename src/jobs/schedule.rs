//! When the sweep runs. tokio-cron-scheduler pins a job to the zone's UTC offset on the day
//! the job is made, so a 07:00 London job would drift to 06:00 or 08:00 at the clock change.
//! Here the scheduler only ticks; each tick asks croner, in the configured zone, whether the
//! schedule has come round since the last run.

use chrono::{DateTime, NaiveDate, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds};

#[derive(Debug, Clone)]
pub struct Schedule {
    cron: Cron,
    tz: Tz,
}

impl Schedule {
    /// A cron string with seconds first, read in `tz`.
    pub fn parse(schedule: &str, tz: Tz) -> Result<Self, String> {
        let cron = CronParser::builder()
            .seconds(Seconds::Required)
            .dom_and_dow(true)
            .build()
            .parse(schedule)
            .map_err(|e| {
                format!("{schedule:?} is not a cron schedule with seconds first, e.g. \"0 0 7 * * *\" ({e})")
            })?;
        Ok(Self { cron, tz })
    }

    /// The first run strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        // Whole seconds: croner keeps any fraction it is given.
        let after = after.with_nanosecond(0).unwrap_or(after);
        self.cron
            .find_next_occurrence(&after.with_timezone(&self.tz), false)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// Today's date in the zone once today's first run has come, so that a sweep missed
    /// or failed earlier today is still owed; `None` before that time.
    pub fn owed_today(&self, now: DateTime<Utc>) -> Option<NaiveDate> {
        let today = now.with_timezone(&self.tz).date_naive();
        let midnight = today.and_hms_opt(0, 0, 0)?.and_local_timezone(self.tz);
        // A zone whose clocks jump at midnight starts the day at the later instant.
        let start = midnight
            .earliest()
            .or_else(|| midnight.latest())?
            .with_timezone(&Utc);
        let first = self.next_after(start - TimeDelta::seconds(1))?;
        (first <= now && first.with_timezone(&self.tz).date_naive() == today).then_some(today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn seven_in_london_stays_seven_across_both_clock_changes() {
        let s = Schedule::parse("0 0 7 * * *", chrono_tz::Europe::London).unwrap();
        // GMT: 07:00 London is 07:00 UTC.
        assert_eq!(s.next_after(utc(2027, 3, 26, 8)), Some(utc(2027, 3, 27, 7)));
        // Clocks go forward at 01:00 UTC on Sun 28 Mar 2027: 07:00 BST is 06:00 UTC.
        assert_eq!(s.next_after(utc(2027, 3, 27, 8)), Some(utc(2027, 3, 28, 6)));
        assert_eq!(s.next_after(utc(2027, 3, 28, 6)), Some(utc(2027, 3, 29, 6)));
        // Clocks go back at 01:00 UTC on Sun 31 Oct 2027: 07:00 GMT is 07:00 UTC again.
        assert_eq!(s.next_after(utc(2027, 10, 30, 6)), Some(utc(2027, 10, 31, 7)));
    }

    #[test]
    fn todays_sweep_is_owed_from_its_time_until_midnight() {
        let s = Schedule::parse("0 0 7 * * *", chrono_tz::Europe::London).unwrap();
        let at = |h, m| Utc.with_ymd_and_hms(2027, 7, 14, h, m, 0).unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2027, 7, 14);
        // BST: 07:00 London is 06:00 UTC.
        assert_eq!(s.owed_today(at(5, 59)), None);
        assert_eq!(s.owed_today(at(6, 0)), day);
        assert_eq!(s.owed_today(at(22, 59)), day);
        // 23:00 UTC is already the 15th in London, before its 07:00.
        assert_eq!(s.owed_today(at(23, 0)), None);
    }

    #[test]
    fn a_bad_schedule_is_refused() {
        assert!(Schedule::parse("every morning", chrono_tz::Europe::London).is_err());
        assert!(
            Schedule::parse("0 7 * * *", chrono_tz::Europe::London).is_err(),
            "seconds are required"
        );
    }
}
