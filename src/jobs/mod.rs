//! Scheduled work and its wiring.

use chrono_tz::Tz;
use tokio_cron_scheduler::Job;

/// Checks a cron string (seconds first) when the configuration loads, not when it fires.
pub fn validate_cron(schedule: &str, tz: Tz) -> Result<(), String> {
    Job::new_tz(schedule, tz, |_, _| {}).map(|_| ()).map_err(|e| {
        format!("{schedule:?} is not a cron schedule with seconds first, e.g. \"0 0 7 * * *\" ({e})")
    })
}
