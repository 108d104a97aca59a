//! The daily list of mail the outbox gave up on, for stores: a failed message stays failed
//! until someone sends it again, so it must not go unnoticed.

use chrono::NaiveDate;

use super::sweep::Planned;
use crate::config::Settings;
use crate::db::DbConn;
use crate::db::notifications;
use crate::domain::states::OutboxStatus;
use crate::mail::messages::{self, FailedLine, Letterhead};

/// Most messages listed in one email; the rest are counted.
const MAX_LISTED: i64 = 200;
/// A server's reply can be long; the start says what went wrong.
const MAX_ERROR_CHARS: usize = 300;

/// The day's failed-mail digest, or `None` when nothing has failed.
pub fn plan(
    conn: &mut DbConn,
    as_of: NaiveDate,
    settings: &Settings,
) -> diesel::QueryResult<Option<Planned>> {
    let (rows, total) = notifications::list(conn, Some(OutboxStatus::Failed), 0, MAX_LISTED)?;
    if rows.is_empty() {
        return Ok(None);
    }
    let lines: Vec<FailedLine> = rows
        .into_iter()
        .map(|n| FailedLine {
            id: n.id,
            category: n.category,
            recipient: n.recipient,
            last_error: n
                .last_error
                .unwrap_or_default()
                .chars()
                .take(MAX_ERROR_CHARS)
                .collect(),
            failed_at: n.next_attempt_at,
        })
        .collect();
    let stores = &settings.mail.stores_address;
    Ok(Some(Planned {
        // Its own key: one list a day, whatever reruns of the sweep do.
        key: format!("failed-mail:{as_of}:{}", stores.to_lowercase()),
        category: "failed_mail",
        recipient: stores.clone(),
        mail: messages::failed_mail(
            &lines,
            total,
            as_of,
            Letterhead {
                public_url: settings.public_url(),
                service_name: &settings.service.name,
            },
        ),
    }))
}
