//! Queuing email in the outbox, in the caller's transaction, so a change and the mail it
//! owes are written together or not at all.

use crate::config::Settings;
use crate::db::DbConn;
use crate::db::notifications::{self, NewNotification};
use crate::domain::asset_tag::item_url;
use crate::domain::states::OutboxStatus;
use crate::error::AppError;
use crate::mail::render::Rendered;

/// What a service needs to word and address the mail it queues.
#[derive(Debug, Clone)]
pub struct MailContext {
    pub public_url: String,
    pub stores_address: String,
    pub service_name: String,
}

impl MailContext {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            public_url: settings.public_url().to_string(),
            stores_address: settings.mail.stores_address.clone(),
            service_name: settings.service.name.clone(),
        }
    }

    pub fn item_link(&self, tag: &str) -> String {
        item_url(&self.public_url, tag)
    }
}

/// Queues one email unless its key is already queued; answers whether it was new.
pub fn queue(
    conn: &mut DbConn,
    key: &str,
    category: &str,
    recipient: &str,
    mail: Rendered,
) -> Result<bool, AppError> {
    queue_about(conn, key, category, recipient, mail, &[])
}

/// Queues one email that speaks of `clients`, remembering them with it: erasing one of
/// them redacts it, and their subject access export lists it.
pub fn queue_about(
    conn: &mut DbConn,
    key: &str,
    category: &str,
    recipient: &str,
    mail: Rendered,
    clients: &[i64],
) -> Result<bool, AppError> {
    let now = super::now();
    let queued = notifications::enqueue(
        conn,
        &NewNotification {
            dedup_key: key.to_string(),
            category: category.to_string(),
            recipient: recipient.to_string(),
            subject: mail.subject,
            body_text: mail.text,
            body_html: mail.html,
            status: OutboxStatus::Pending,
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
        },
    )?;
    if queued && !clients.is_empty() {
        let id = notifications::id_of(conn, key)?;
        notifications::link_clients(conn, id, clients)?;
    }
    Ok(queued)
}
