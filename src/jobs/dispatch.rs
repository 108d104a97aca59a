//! The outbox dispatcher: sends what is due, retries with backoff, gives up after the
//! configured number of attempts, and never sends a row another dispatcher has claimed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};
use serde::Serialize;
use tokio::sync::Notify;

use crate::config::Settings;
use crate::db::Db;
use crate::db::notifications::{self, Notification};
use crate::error::AppError;
use crate::mail::{self, Mailer, Outgoing};
use crate::service::now;

#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct DispatchSummary {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

#[derive(Clone)]
pub struct Dispatcher {
    db: Db,
    mailer: Mailer,
    settings: Arc<Settings>,
    /// Set when the service stops: no more rows are claimed.
    stopping: Arc<AtomicBool>,
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::internal("background task failed", e))?
}

fn db_release(db: &Db, id: i64) -> Result<(), AppError> {
    db.write(|c| Ok(notifications::release(c, id)?))
}

/// Delay before attempt `attempts + 1`: the base, doubling per attempt, capped.
pub fn backoff(attempts: i32, base: u64, max: u64) -> Duration {
    let exp = attempts.saturating_sub(1).clamp(0, 30) as u32;
    Duration::from_secs(base.saturating_mul(1u64 << exp).min(max))
}

/// Records a message as sent, trying again while the database is busy: if the record were
/// given up, the claim would run out and the message would go a second time.
async fn record_sent(db: &Db, id: i64, claimed_until: NaiveDateTime) -> Result<(), AppError> {
    let mut pause = Duration::from_millis(250);
    loop {
        let db = db.clone();
        match blocking(move || db.write(|c| Ok(notifications::mark_sent(c, id, now())?))).await {
            Ok(()) => return Ok(()),
            Err(e) if now() + TimeDelta::from_std(pause).unwrap_or_default() < claimed_until => {
                tracing::warn!(
                    notification = id,
                    "email sent but not recorded yet ({e}); trying again"
                );
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(e),
        }
    }
}

impl Dispatcher {
    pub fn new(db: Db, settings: Arc<Settings>) -> Result<Self, String> {
        Ok(Self {
            mailer: Mailer::from_settings(&settings)?,
            db,
            settings,
            stopping: Arc::default(),
        })
    }

    /// The flag that stops this dispatcher between two emails.
    pub fn stopping(&self) -> Arc<AtomicBool> {
        self.stopping.clone()
    }

    fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Sends every row that is due now; answers what happened.
    pub async fn dispatch_once(&self) -> Result<DispatchSummary, AppError> {
        let mut summary = DispatchSummary::default();
        loop {
            let db = self.db.clone();
            let ready = blocking(move || db.read(|c| Ok(notifications::ready(c, now(), 100)?))).await?;
            let batch = ready.len();
            for row in ready {
                if self.is_stopping() {
                    return Ok(summary);
                }
                self.deliver(row, &mut summary).await?;
            }
            if batch < 100 {
                return Ok(summary);
            }
        }
    }

    async fn deliver(&self, row: Notification, summary: &mut DispatchSummary) -> Result<(), AppError> {
        let mail = &self.settings.mail;
        let until = now() + TimeDelta::seconds((mail.timeout_seconds * 2 + 60) as i64);
        let db = self.db.clone();
        let claimed = {
            let row = row.clone();
            blocking(move || db.write(|c| Ok(notifications::claim(c, &row, until)?))).await?
        };
        if !claimed {
            return Ok(());
        }
        // Claimed, not yet handed to the mail server, and the service is stopping: back to
        // pending, so the next start sends it (the claim would only delay it).
        if self.is_stopping() {
            let (db, id) = (self.db.clone(), row.id);
            blocking(move || db_release(&db, id)).await?;
            tracing::info!(notification = id, "stopping: email put back to pending unsent");
            return Ok(());
        }
        let attempts = row.attempts + 1;
        // Building encodes the whole body: work for a blocking thread, not for the runtime
        // that also answers the stop signal.
        let built = {
            let (from, row) = (mail.from.clone(), row.clone());
            tokio::task::spawn_blocking(move || {
                let outgoing = Outgoing {
                    dedup_key: &row.dedup_key,
                    recipient: &row.recipient,
                    subject: &row.subject,
                    text: &row.body_text,
                    html: &row.body_html,
                };
                mail::build(&from, &outgoing)
            })
            .await
            .map_err(|e| AppError::internal("building an email failed", e))?
        };
        // A message that cannot even be built will not build next time either.
        let (result, permanent) = match built {
            Ok(message) => (self.mailer.send(message).await, false),
            Err(e) => (Err(e), true),
        };
        let db = self.db.clone();
        let id = row.id;
        match result {
            Ok(()) => {
                record_sent(&db, id, until).await?;
                tracing::info!(notification = id, category = %row.category, attempt = attempts, "email sent");
                summary.sent += 1;
            }
            Err(error) => {
                let retry_at: Option<NaiveDateTime> = (!permanent && attempts < mail.max_attempts as i32)
                    .then(|| {
                        let delay = backoff(attempts, mail.retry_base_seconds, mail.retry_max_seconds);
                        now() + TimeDelta::from_std(delay).unwrap_or(TimeDelta::hours(1))
                    });
                // The mail server's answer may repeat the recipient's address.
                tracing::warn!(
                    notification = id,
                    category = %row.category,
                    attempt = attempts,
                    retrying = retry_at.is_some(),
                    error = %crate::telemetry::without_addresses(&error),
                    "email not sent"
                );
                if retry_at.is_some() {
                    summary.retrying += 1
                } else {
                    summary.failed += 1
                }
                blocking(move || db.write(|c| Ok(notifications::mark_failed(c, id, &error, retry_at)?)))
                    .await?;
            }
        }
        Ok(())
    }

    /// Runs for ever: sends what is due, then sleeps until the next retry falls due, the
    /// configured interval passes, or `wake` says new mail was queued.
    pub async fn run(self, wake: Arc<Notify>) {
        let interval = Duration::from_secs(self.settings.mail.dispatch_interval_seconds);
        loop {
            if self.is_stopping() {
                return;
            }
            if let Err(e) = self.dispatch_once().await {
                tracing::error!("the outbox dispatcher stumbled: {e}");
            }
            if self.is_stopping() {
                return;
            }
            let db = self.db.clone();
            let next = blocking(move || db.read(|c| Ok(notifications::next_due(c)?)))
                .await
                .ok()
                .flatten();
            let sleep = next
                .and_then(|at| (at - now()).to_std().ok())
                .map_or(interval, |until| until.min(interval))
                .max(Duration::from_millis(200));
            tokio::select! {
                _ = tokio::time::sleep(sleep) => {}
                _ = wake.notified() => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_and_is_capped() {
        assert_eq!(backoff(1, 30, 3600), Duration::from_secs(30));
        assert_eq!(backoff(2, 30, 3600), Duration::from_secs(60));
        assert_eq!(backoff(5, 30, 3600), Duration::from_secs(480));
        assert_eq!(backoff(9, 30, 3600), Duration::from_secs(3600));
        assert_eq!(backoff(60, 30, 3600), Duration::from_secs(3600));
    }
}
