//! The subject access export: everything held about one person, in one JSON document.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use serde_json::json;

use super::audit::{self, Subject};
use super::clients::{ClientView, find};
use super::handovers::HandoverView;
use super::installations::{self, InstallationChange, InstallationView};
use super::{Actor, now};
use crate::db::checks::{self, CheckRecord};
use crate::db::events::{self, Event};
use crate::db::notifications::{self, Notification};
use crate::db::{DbConn, handovers, items, types};
use crate::domain::lifecycle::{Outcome, Status};
use crate::domain::roles::Action;
use crate::domain::states::OutboxStatus;
use crate::error::AppError;

#[derive(Serialize, utoipa::ToSchema)]
pub struct ClientExport {
    pub exported_at: DateTime<Utc>,
    pub client: ClientView,
    /// Every item the person held, with the time they held it.
    pub items: Vec<HeldItem>,
    /// Every email that spoke of them.
    pub mail: Vec<MailSent>,
    /// The telecare installation in their home, if any (responders included).
    pub telecare: Option<InstallationView>,
    /// Each change of it, newest first.
    pub telecare_history: Vec<InstallationChange>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HeldItem {
    pub asset_tag: String,
    /// The equipment type's name.
    #[serde(rename = "type")]
    pub type_name: String,
    pub serial_number: Option<String>,
    pub held_from: DateTime<Utc>,
    /// Absent while they still hold it.
    pub held_until: Option<DateTime<Utc>>,
    /// What was done for them, with its notes.
    pub history: Vec<HistoryEntry>,
    /// The safety checks recorded while they held it.
    pub checks: Vec<CheckDone>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub occurred_at: DateTime<Utc>,
    pub action: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub notes: Option<String>,
    /// Who received or handed over the item at a fit or a collection (the signature by its
    /// link).
    pub handover: Option<HandoverView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckDone {
    pub rule: String,
    pub outcome: Outcome,
    pub performed_at: NaiveDate,
    pub performed_by: String,
    pub notes: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MailSent {
    pub id: i64,
    #[serde(rename = "kind")]
    pub category: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub status: OutboxStatus,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<Event> for HistoryEntry {
    fn from(e: Event) -> Self {
        Self {
            occurred_at: e.occurred_at.and_utc(),
            action: e.action,
            from_status: e.from_status,
            to_status: e.to_status,
            notes: e.notes,
            handover: None,
        }
    }
}

impl From<CheckRecord> for CheckDone {
    fn from(c: CheckRecord) -> Self {
        Self {
            rule: c.rule,
            outcome: c.outcome,
            performed_at: c.performed_at,
            performed_by: c.performed_by,
            notes: c.notes,
        }
    }
}

impl From<Notification> for MailSent {
    fn from(n: Notification) -> Self {
        Self {
            id: n.id,
            category: n.category,
            recipient: n.recipient,
            subject: n.subject,
            body_text: n.body_text,
            status: n.status,
            created_at: n.created_at.and_utc(),
            sent_at: n.sent_at.map(|t| t.and_utc()),
        }
    }
}

/// Everything about client `id`; the export itself goes into the audit log in the same
/// transaction, so no copy leaves without a record of it.
pub fn export(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<ClientExport, AppError> {
    actor.require(Action::ExportClients)?;
    let client = find(conn, id)?;
    let mut by_item: BTreeMap<i64, Vec<Event>> = BTreeMap::new();
    for event in events::for_client(conn, id)? {
        by_item.entry(event.item_id).or_default().push(event);
    }
    let item_ids: Vec<i64> = by_item.keys().copied().collect();
    let event_ids: Vec<i64> = by_item.values().flatten().map(|e| e.id).collect();
    let mut handed: HashMap<i64, HandoverView> = handovers::facts_of_events(conn, &event_ids)?
        .into_iter()
        .map(|f| (f.event_id, f.into()))
        .collect();
    let rows = items::get_many(conn, &item_ids)?;
    let now = now();
    let mut held = Vec::with_capacity(rows.len());
    for item in rows {
        let history = by_item.remove(&item.id).unwrap_or_default();
        let with_them: Vec<NaiveDateTime> = history
            .iter()
            .filter(|e| e.client_id == Some(id))
            .map(|e| e.occurred_at)
            .collect();
        let (Some(from), Some(last)) = (with_them.first().copied(), with_them.last().copied()) else {
            continue;
        };
        let until = (item.client_id != Some(id)).then_some(last);
        let checks = checks::of_item_between(conn, item.id, from, until.unwrap_or(now))?;
        held.push(HeldItem {
            asset_tag: item.asset_tag,
            type_name: types::get(conn, item.type_id)?.name,
            serial_number: item.serial_number,
            held_from: from.and_utc(),
            held_until: until.map(|t| t.and_utc()),
            history: history
                .into_iter()
                .map(|e| HistoryEntry {
                    handover: handed.remove(&e.id),
                    ..HistoryEntry::from(e)
                })
                .collect(),
            checks: checks.into_iter().map(CheckDone::from).collect(),
        });
    }
    let mail = notifications::about_client(conn, id, &client.name, &client.address)?;
    let telecare = installations::view_of(conn, id)?;
    let telecare_history = installations::all_changes(conn, id)?;
    audit::record(
        conn,
        Some(actor),
        "client_exported",
        Subject::Client(id),
        json!({ "items": held.len(), "messages": mail.len() }),
    )?;
    Ok(ClientExport {
        exported_at: now.and_utc(),
        client: client.into(),
        items: held,
        mail: mail.into_iter().map(MailSent::from).collect(),
        telecare,
        telecare_history,
    })
}
