//! What opening a recall would do, shown before it is done: the affected items and where
//! each one is, found by the same query the opening uses, and nothing written.

use std::collections::HashMap;

use super::CreateRecall;
use super::scope::{affected, check};
use crate::db::{DbConn, clients, locations};
use crate::domain::lifecycle::Status;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::service::Actor;

/// Where an affected item is: in store (the store's name, if it has one), or in a home,
/// told by the client's reference and postcode only (the preview names no one).
pub enum Whereabouts {
    Store(Option<String>),
    Home { reference: String, postcode: String },
}

pub struct PreviewItem {
    pub asset_tag: String,
    pub serial_number: Option<String>,
    pub batch: Option<String>,
    pub status: Status,
    pub whereabouts: Whereabouts,
}

pub struct RecallPreview {
    pub type_name: String,
    pub items: Vec<PreviewItem>,
}

/// The recall `req` would open, checked exactly as `open` checks it, without opening it.
pub fn preview(conn: &mut DbConn, actor: &Actor, req: &CreateRecall) -> Result<RecallPreview, AppError> {
    actor.require(Action::ManageRecalls)?;
    let checked = check(conn, req)?;
    let found = affected(conn, &checked)?;
    let client_ids: Vec<i64> = found.iter().filter_map(|i| i.client_id).collect();
    let homes: HashMap<i64, (String, String)> = clients::get_many(conn, &client_ids)?
        .into_iter()
        .map(|c| (c.id, (c.reference, c.postcode)))
        .collect();
    let stores: HashMap<i64, String> = locations::all(conn)?
        .into_iter()
        .map(|l| (l.id, l.name))
        .collect();
    let items = found
        .into_iter()
        .map(|i| {
            let whereabouts = match i.client_id.and_then(|id| homes.get(&id)) {
                Some((reference, postcode)) => Whereabouts::Home {
                    reference: reference.clone(),
                    postcode: postcode.clone(),
                },
                None => Whereabouts::Store(i.location_id.and_then(|id| stores.get(&id).cloned())),
            };
            PreviewItem {
                asset_tag: i.asset_tag,
                serial_number: i.serial_number,
                batch: i.batch,
                status: i.status,
                whereabouts,
            }
        })
        .collect();
    Ok(RecallPreview {
        type_name: checked.equipment_type.name,
        items,
    })
}
