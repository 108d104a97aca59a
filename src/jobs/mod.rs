//! Scheduled work and its wiring: the reminder sweep on its schedule (then the daily
//! purge), and the outbox dispatcher. The work itself is in plain functions
//! (`sweep::sweep`, `purge::purge_sessions`, `Dispatcher`).

pub mod dispatch;
pub mod failed_mail;
pub mod purge;
pub mod schedule;
pub mod sweep;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::app::AppState;
use schedule::Schedule;

/// Checks a cron string (seconds first) when the configuration loads, not when it fires.
pub fn validate_cron(schedule: &str, tz: Tz) -> Result<(), String> {
    Schedule::parse(schedule, tz).map(|_| ())
}

/// Today's attempts at the sweep, so that a failure is retried with backoff rather than at
/// every tick, and a success is not asked of the database again.
#[derive(Debug, Default)]
struct Today {
    day: Option<NaiveDate>,
    swept: bool,
    failures: i32,
    not_before: Option<DateTime<Utc>>,
}

/// Starts the dispatcher and the sweep's schedule on the running runtime, as `serve` does;
/// the dispatcher runs as long as the runtime.
pub async fn start(state: &AppState) -> Result<JobScheduler, String> {
    start_dispatcher(state)?;
    start_schedule(state).await
}

/// The running outbox dispatcher, and the way to stop it between two emails.
pub struct DispatcherHandle {
    stopping: Arc<AtomicBool>,
    wake: Arc<tokio::sync::Notify>,
    task: tokio::task::JoinHandle<()>,
    /// The longest a send can take: lettre's timeout, for the connection and for the message.
    send_bound: Duration,
}

impl DispatcherHandle {
    /// Lets the dispatcher finish the email it is sending, then stops it; claims no more. A
    /// send that outlasts its bound is left claimed: its claim runs out and it is sent again
    /// later, as after a crash.
    pub async fn stop(self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.wake.notify_one();
        match tokio::time::timeout(self.send_bound, self.task).await {
            Ok(_) => tracing::info!("the outbox dispatcher has stopped"),
            Err(_) => tracing::warn!(
                waited_seconds = self.send_bound.as_secs(),
                "the outbox dispatcher did not finish its send in time; its claim will run out and it will be sent again"
            ),
        }
    }
}

/// The outbox dispatcher, woken by `state.outbox` and on its interval.
pub fn start_dispatcher(state: &AppState) -> Result<DispatcherHandle, String> {
    let dispatcher = dispatch::Dispatcher::new(state.db.clone(), state.settings.clone())?;
    let stopping = dispatcher.stopping();
    let task = tokio::spawn(dispatcher.run(state.outbox.clone()));
    Ok(DispatcherHandle {
        stopping,
        wake: state.outbox.clone(),
        task,
        send_bound: Duration::from_secs(state.settings.mail.timeout_seconds * 2 + 5),
    })
}

/// The sweep's schedule. A sweep owed for today (its time has passed and no sweep for today
/// has succeeded, here or elsewhere) starts at once, so a service started after 07:00 still
/// sends that day's reminders.
pub async fn start_schedule(state: &AppState) -> Result<JobScheduler, String> {
    let schedule = Schedule::parse(
        &state.settings.reminders.schedule,
        state.settings.reminders.timezone,
    )?;
    if let Some(next) = schedule.next_after(Utc::now()) {
        tracing::info!(next = %next.to_rfc3339(), "reminder sweep scheduled");
    }
    let today = Arc::new(tokio::sync::Mutex::new(Today::default()));
    let scheduler = JobScheduler::new()
        .await
        .map_err(|e| format!("cannot start the scheduler: {e}"))?;
    tokio::spawn(tick(state.clone(), schedule.clone(), today.clone()));
    let state = state.clone();
    // The scheduler only ticks; whether the sweep is owed is asked of `schedule` in the
    // configured zone, so the hour holds across clock changes.
    let job = Job::new_async("*/10 * * * * *", move |_, _| {
        Box::pin(tick(state.clone(), schedule.clone(), today.clone()))
    })
    .map_err(|e| format!("cannot schedule the sweep: {e}"))?;
    scheduler
        .add(job)
        .await
        .map_err(|e| format!("cannot schedule the sweep: {e}"))?;
    scheduler
        .start()
        .await
        .map_err(|e| format!("cannot start the scheduler: {e}"))?;
    Ok(scheduler)
}

/// One look at the clock: sweeps when today's sweep is owed and not backing off.
async fn tick(state: AppState, schedule: Schedule, today: Arc<tokio::sync::Mutex<Today>>) {
    // A sweep still running from an earlier tick holds the lock: this tick has nothing to do.
    let Ok(mut today) = today.try_lock() else {
        return;
    };
    let now = Utc::now();
    let Some(day) = schedule.owed_today(now) else {
        return;
    };
    if today.day != Some(day) {
        *today = Today {
            day: Some(day),
            ..Today::default()
        };
    }
    if today.swept || today.not_before.is_some_and(|at| now < at) {
        return;
    }
    let (db, settings) = (state.db.clone(), state.settings.clone());
    let outcome = tokio::task::spawn_blocking(move || {
        if db.read(|c| Ok(crate::db::sweeps::succeeded(c, day)?))? {
            return Ok(None);
        }
        sweep::sweep(&db, &settings, day).map(Some)
    })
    .await
    .unwrap_or_else(|e| Err(crate::error::AppError::internal("the sweep panicked", e)));
    let failed = match outcome {
        Ok(None) => false,
        // Another instance is sweeping; look again later in case it fails.
        Ok(Some(summary)) if summary.skipped => true,
        Ok(Some(_)) => {
            state.outbox.notify_one();
            purge_after_sweep(&state).await;
            false
        }
        // `sweep` has logged why.
        Err(_) => true,
    };
    if failed {
        today.failures += 1;
        let r = &state.settings.reminders;
        let delay = dispatch::backoff(today.failures, r.retry_base_seconds, r.retry_max_seconds);
        today.not_before = Some(Utc::now() + TimeDelta::from_std(delay).unwrap_or(TimeDelta::hours(1)));
        tracing::info!(
            as_of = %day,
            attempts = today.failures,
            retry_in_seconds = delay.as_secs(),
            "today's reminder sweep is owed; trying again later"
        );
    } else {
        today.swept = true;
    }
}

/// Expired web sessions, old sign-in counts and idempotency keys go once a day, with the sweep.
async fn purge_after_sweep(state: &AppState) {
    let db = state.db.clone();
    let purged = tokio::task::spawn_blocking(move || purge::purge_sessions(&db, crate::service::now())).await;
    match purged {
        Ok(Ok(purged)) => tracing::info!(
            sessions = purged.sessions,
            sign_in_counts = purged.sign_in_counts,
            idempotency_keys = purged.idempotency_keys,
            "expired sessions, sign-in counts and idempotency keys purged"
        ),
        Ok(Err(e)) => {
            tracing::warn!("cannot purge expired sessions, sign-in counts and idempotency keys: {e}")
        }
        Err(_) => {}
    }
}
