//! The mail an opened recall owes.

use std::collections::BTreeMap;

use super::view::{RecallItemView, RecallView};
use crate::db::DbConn;
use crate::error::AppError;
use crate::mail::render;
use crate::service::notify::{self, MailContext};
use crate::service::views::StaffRef;

/// An opened recall cannot wait for tomorrow: each worker hears of their clients' affected
/// items, and stores of every affected item, in the recall's own transaction.
pub(super) fn tell_of_recall(
    conn: &mut DbConn,
    recall: &RecallView,
    mail: &MailContext,
) -> Result<(), AppError> {
    let Some(items) = recall.items.as_ref().filter(|i| !i.is_empty()) else {
        return Ok(());
    };
    let describe = |i: &RecallItemView| {
        let serial = i
            .serial_number
            .as_deref()
            .map(|s| format!(", serial {s}"))
            .unwrap_or_default();
        let batch = i
            .batch
            .as_deref()
            .map(|b| format!(", batch {b}"))
            .unwrap_or_default();
        let place = match &i.client {
            Some(c) => format!("at {}, {}, {}", c.name, c.address, c.postcode),
            None => "in store (quarantined)".to_string(),
        };
        format!(
            "{}{serial}{batch}: {place}. {}",
            i.asset_tag,
            mail.item_link(&i.asset_tag)
        )
    };
    let heading = format!(
        "Recall {}: {} ({})",
        recall.reference, recall.title, recall.type_.name
    );
    let mut by_worker: BTreeMap<i64, (&StaffRef, Vec<String>, Vec<i64>)> = BTreeMap::new();
    for item in items.iter().filter(|i| i.found_at == "home") {
        if let Some(worker) = &item.worker {
            let entry = by_worker
                .entry(worker.id)
                .or_insert((worker, Vec::new(), Vec::new()));
            entry.1.push(describe(item));
            entry.2.extend(item.client.as_ref().map(|c| c.id));
        }
    }
    for (worker, lines, clients) in by_worker.into_values() {
        let paragraphs = vec![
            format!("{heading}."),
            format!(
                "{} of your clients' items are affected. Please retrieve each one, or inspect it \
                 where it stands, and tell stores what you found:",
                lines.len()
            ),
            lines.join("\n"),
        ];
        let message = render::notice(
            format!(
                "Recall {}: {} of your clients' items affected",
                recall.reference,
                lines.len()
            ),
            &paragraphs,
            None,
            &mail.service_name,
        );
        let key = format!("recall:{}:{}", recall.id, worker.email.to_lowercase());
        notify::queue_about(conn, &key, "recall", &worker.email, message, &clients)?;
    }
    let lines: Vec<String> = items.iter().map(describe).collect();
    let paragraphs = vec![
        format!("{heading}."),
        format!(
            "{} items are affected: stock in store has been quarantined; items in homes are listed with \
             their client, and their workers have been told.",
            lines.len()
        ),
        lines.join("\n"),
    ];
    let message = render::notice(
        format!(
            "Recall {} opened: {} items affected",
            recall.reference,
            lines.len()
        ),
        &paragraphs,
        None,
        &mail.service_name,
    );
    let key = format!("recall:{}:{}", recall.id, mail.stores_address.to_lowercase());
    let clients: Vec<i64> = items
        .iter()
        .filter_map(|i| i.client.as_ref().map(|c| c.id))
        .collect();
    notify::queue_about(conn, &key, "recall", &mail.stores_address, message, &clients)?;
    Ok(())
}
