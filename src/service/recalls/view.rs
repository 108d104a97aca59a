//! What a recall looks like to the office: the notice, and every affected item with where it
//! was found, its client and worker, and how it was resolved.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::items::{self, Item};
use crate::db::recalls::{self, Recall, RecallItem};
use crate::db::{DbConn, clients, staff, types};
use crate::domain::lifecycle::Status;
use crate::domain::states::{RecallItemState, RecallStatus};
use crate::error::AppError;
use crate::service::views::{ClientRef, StaffRef, TypeRef};

#[derive(Serialize, utoipa::ToSchema)]
pub struct RecallItemView {
    pub asset_tag: String,
    pub serial_number: Option<String>,
    pub batch: Option<String>,
    /// The item's status now.
    pub status: Status,
    pub status_at_open: Status,
    /// `home` when a client held it as the recall opened, else `store`.
    pub found_at: String,
    pub state: RecallItemState,
    pub client: Option<ClientRef>,
    pub worker: Option<StaffRef>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<i64>,
    pub notes: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RecallView {
    pub id: i64,
    pub reference: String,
    pub title: String,
    #[serde(rename = "type")]
    pub type_: TypeRef,
    pub serial_from: Option<String>,
    pub serial_to: Option<String>,
    pub batch: Option<String>,
    /// `open` until every affected item is resolved, then `closed`.
    pub status: RecallStatus,
    pub opened_at: DateTime<Utc>,
    pub opened_by: i64,
    pub closed_at: Option<DateTime<Utc>>,
    pub affected: usize,
    pub unresolved: usize,
    /// Every affected item, those in homes first (on a single recall only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<RecallItemView>>,
}

pub fn view(conn: &mut DbConn, id: i64, with_items: bool) -> Result<RecallView, AppError> {
    let recall =
        recalls::get(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no recall has the id {id}")))?;
    let rows = recalls::items_of(conn, id)?;
    let equipment_type = types::get(conn, recall.type_id)?;
    let items = if with_items {
        Some(item_views(conn, &rows)?)
    } else {
        None
    };
    Ok(assemble(recall, &equipment_type, &rows, items))
}

pub(super) fn assemble(
    r: Recall,
    equipment_type: &types::EquipmentType,
    rows: &[RecallItem],
    items: Option<Vec<RecallItemView>>,
) -> RecallView {
    RecallView {
        id: r.id,
        reference: r.reference,
        title: r.title,
        type_: TypeRef::from(equipment_type),
        serial_from: r.serial_from,
        serial_to: r.serial_to,
        batch: r.batch,
        status: r.status,
        opened_at: r.opened_at.and_utc(),
        opened_by: r.opened_by,
        closed_at: r.closed_at.map(|t| t.and_utc()),
        affected: rows.len(),
        unresolved: rows.iter().filter(|r| r.state == RecallItemState::Open).count(),
        items,
    }
}

fn item_views(conn: &mut DbConn, rows: &[RecallItem]) -> Result<Vec<RecallItemView>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.item_id).collect();
    let by_id: HashMap<i64, Item> = items::get_many(conn, &ids)?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let client_ids: Vec<i64> = rows.iter().filter_map(|r| r.client_id).collect();
    let clients: HashMap<i64, ClientRef> = clients::get_many(conn, &client_ids)?
        .iter()
        .map(|c| (c.id, ClientRef::from(c)))
        .collect();
    let mut workers: HashMap<i64, StaffRef> = HashMap::new();
    for id in rows.iter().filter_map(|r| r.worker_id) {
        if let std::collections::hash_map::Entry::Vacant(slot) = workers.entry(id) {
            if let Some(s) = staff::get(conn, id)? {
                slot.insert(StaffRef::from(&s));
            }
        }
    }
    let mut views: Vec<RecallItemView> = rows
        .iter()
        .filter_map(|r| {
            let item = by_id.get(&r.item_id)?;
            Some(RecallItemView {
                asset_tag: item.asset_tag.clone(),
                serial_number: item.serial_number.clone(),
                batch: item.batch.clone(),
                status: item.status,
                status_at_open: r.status_at_open,
                found_at: if r.client_id.is_some() { "home" } else { "store" }.into(),
                state: r.state,
                client: r.client_id.and_then(|id| clients.get(&id).cloned()),
                worker: r.worker_id.and_then(|id| workers.get(&id).cloned()),
                resolved_at: r.resolved_at.map(|t| t.and_utc()),
                resolved_by: r.resolved_by,
                notes: r.notes.clone(),
            })
        })
        .collect();
    views.sort_by_key(|v| {
        (
            v.found_at != "home",
            v.state != RecallItemState::Open,
            v.asset_tag.clone(),
        )
    });
    Ok(views)
}
