//! Scheduled work and its wiring: the reminder sweep on its schedule, and the outbox
//! dispatcher. The work itself is in plain functions (`sweep::sweep`, `Dispatcher`).

pub mod dispatch;
pub mod schedule;
pub mod sweep;

use std::sync::{Arc, Mutex};

use chrono::Utc;
use chrono_tz::Tz;
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::app::AppState;
use schedule::Schedule;

/// Checks a cron string (seconds first) when the configuration loads, not when it fires.
pub fn validate_cron(schedule: &str, tz: Tz) -> Result<(), String> {
    Schedule::parse(schedule, tz).map(|_| ())
}

/// Starts the dispatcher and the sweep's schedule on the running runtime.
pub async fn start(state: &AppState) -> Result<JobScheduler, String> {
    let dispatcher = dispatch::Dispatcher::new(state.db.clone(), state.settings.clone())?;
    tokio::spawn(dispatcher.run(state.outbox.clone()));

    let schedule = Schedule::parse(&state.settings.reminders.schedule, state.settings.timezone())?;
    let next = Arc::new(Mutex::new(schedule.next_after(Utc::now())));
    log::info!(
        "next reminder sweep: {:?}",
        *next.lock().unwrap_or_else(|p| p.into_inner())
    );
    let scheduler = JobScheduler::new()
        .await
        .map_err(|e| format!("cannot start the scheduler: {e}"))?;
    let state = state.clone();
    // The scheduler only ticks; whether the sweep is due is asked of `schedule` in the
    // configured zone, so the hour holds across clock changes.
    let tick = Job::new_async("*/10 * * * * *", move |_, _| {
        let (state, schedule, next) = (state.clone(), schedule.clone(), next.clone());
        Box::pin(async move {
            let now = Utc::now();
            let due = {
                let mut next = next.lock().unwrap_or_else(|p| p.into_inner());
                let due = next.is_some_and(|at| at <= now);
                if due {
                    *next = schedule.next_after(now);
                }
                due
            };
            if !due {
                return;
            }
            let as_of = now.with_timezone(&state.settings.timezone()).date_naive();
            let (db, settings) = (state.db.clone(), state.settings.clone());
            match tokio::task::spawn_blocking(move || sweep::sweep(&db, &settings, as_of)).await {
                Ok(Ok(summary)) => log::info!("reminder sweep for {as_of}: {summary:?}"),
                Ok(Err(e)) => log::error!("reminder sweep for {as_of} failed: {e}"),
                Err(e) => log::error!("reminder sweep for {as_of} panicked: {e}"),
            }
            state.outbox.notify_one();
            // Expired web sessions and old sign-in counts go once a day too.
            let db = state.db.clone();
            let purged = tokio::task::spawn_blocking(move || {
                db.write(|c| {
                    let now = crate::service::now();
                    crate::web::throttle::purge(c, now)?;
                    Ok(crate::db::sessions::purge_expired(c, now)?)
                })
            })
            .await;
            if let Ok(Err(e)) = purged {
                log::warn!("cannot purge expired sessions and sign-in counts: {e}");
            }
        })
    })
    .map_err(|e| format!("cannot schedule the sweep: {e}"))?;
    scheduler
        .add(tick)
        .await
        .map_err(|e| format!("cannot schedule the sweep: {e}"))?;
    scheduler
        .start()
        .await
        .map_err(|e| format!("cannot start the scheduler: {e}"))?;
    Ok(scheduler)
}
