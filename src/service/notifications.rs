//! The outbox as staff see it: every email and where it stands.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Actor;
use super::pages::{Page, Paged};
use crate::db::DbConn;
use crate::db::notifications::{self, Notification};
use crate::domain::roles::Action;
use crate::domain::states::OutboxStatus;
use crate::error::AppError;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NotificationView {
    pub id: i64,
    /// `digest`, `stores_digest`, `check_failed`, `recall`, `failed_mail` or `centre_alarm`.
    #[serde(rename = "kind")]
    pub category: String,
    pub recipient: String,
    pub subject: String,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub dedup_key: String,
}

impl From<Notification> for NotificationView {
    fn from(n: Notification) -> Self {
        Self {
            id: n.id,
            category: n.category,
            recipient: n.recipient,
            subject: n.subject,
            status: n.status,
            attempts: n.attempts,
            last_error: n.last_error,
            next_attempt_at: n.next_attempt_at.and_utc(),
            created_at: n.created_at.and_utc(),
            sent_at: n.sent_at.map(|t| t.and_utc()),
            dedup_key: n.dedup_key,
        }
    }
}

pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    status: Option<&str>,
    page: Page,
) -> Result<Paged<NotificationView>, AppError> {
    actor.require(Action::ViewNotifications)?;
    let status = match status {
        None => None,
        Some(s) => Some(OutboxStatus::parse(s).ok_or_else(|| {
            let all: Vec<&str> = OutboxStatus::ALL.iter().map(|s| s.as_str()).collect();
            AppError::invalid("status", format!("{s:?} is not one of {}", all.join(", ")))
        })?),
    };
    let (rows, total) = notifications::list(conn, status, page.offset(), page.per_page)?;
    Ok(page.wrap(rows.into_iter().map(NotificationView::from).collect(), total))
}

/// Sends a failed email again: back in the queue with its attempts reset. Only a failed
/// row can be retried; anything else is on its way or delivered already.
pub fn retry(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<NotificationView, AppError> {
    actor.require(Action::RetryNotifications)?;
    let not_found = || AppError::NotFound(format!("no notification has the id {id}"));
    let row = notifications::find(conn, id)?.ok_or_else(not_found)?;
    if row.status != OutboxStatus::Failed || !notifications::requeue(conn, id, super::now())? {
        return Err(AppError::Conflict {
            detail: format!(
                "notification {id} is {}: only failed mail can be sent again",
                row.status
            ),
            extra: Some(serde_json::json!({ "notification_status": row.status })),
        });
    }
    Ok(notifications::find(conn, id)?.ok_or_else(not_found)?.into())
}
