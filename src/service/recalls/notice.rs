//! The mail an opened recall owes.

use std::collections::BTreeMap;

use super::view::{RecallItemView, RecallView};
use crate::db::DbConn;
use crate::error::AppError;
use crate::mail::messages::{self, RecallHeading, RecalledItem};
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
    let heading = RecallHeading {
        reference: &recall.reference,
        title: &recall.title,
        type_name: &recall.type_.name,
    };
    let mut by_worker: BTreeMap<i64, (&StaffRef, Vec<RecalledItem>, Vec<i64>)> = BTreeMap::new();
    for item in items.iter().filter(|i| i.found_at == "home") {
        if let Some(worker) = &item.worker {
            let entry = by_worker
                .entry(worker.id)
                .or_insert((worker, Vec::new(), Vec::new()));
            entry.1.push(recalled(item, mail));
            entry.2.extend(item.client.as_ref().map(|c| c.id));
        }
    }
    for (worker, affected, clients) in by_worker.into_values() {
        let message = messages::recall_for_worker(heading, &affected, &mail.service_name);
        let key = format!("recall:{}:{}", recall.id, worker.email.to_lowercase());
        notify::queue_about(conn, &key, "recall", &worker.email, message, &clients)?;
    }
    let affected: Vec<RecalledItem> = items.iter().map(|i| recalled(i, mail)).collect();
    let message = messages::recall_for_stores(heading, &affected, &mail.service_name);
    let key = format!("recall:{}:{}", recall.id, mail.stores_address.to_lowercase());
    let clients: Vec<i64> = items
        .iter()
        .filter_map(|i| i.client.as_ref().map(|c| c.id))
        .collect();
    notify::queue_about(conn, &key, "recall", &mail.stores_address, message, &clients)?;
    Ok(())
}

fn recalled<'a>(i: &'a RecallItemView, mail: &MailContext) -> RecalledItem<'a> {
    RecalledItem {
        asset_tag: &i.asset_tag,
        serial_number: i.serial_number.as_deref(),
        batch: i.batch.as_deref(),
        at_home: i
            .client
            .as_ref()
            .map(|c| (c.name.as_str(), c.address.as_str(), c.postcode.as_str())),
        link: mail.item_link(&i.asset_tag),
    }
}
