//! Manufacturer recalls and field safety notices: find every affected item at once, stop
//! stock from leaving, list what is in homes, and close each item as it is dealt with.

mod notice;
mod preview;
mod scope;
mod view;

use crate::domain::field_schema::{optional_text, required_text};
use notice::tell_of_recall;
pub use preview::{PreviewItem, RecallPreview, Whereabouts, preview};
use scope::{affected, check};
use view::assemble;
pub use view::{RecallItemView, RecallView, view};

use serde::Deserialize;

use super::items::{row_by_tag, stale};
use super::notify::MailContext;
use super::pages::{Page, Paged};
use super::{Actor, now};
use crate::db::events::{self, NewEvent};
use crate::db::items::{self, ItemChanges};
use crate::db::recalls::{self, NewRecall, NewRecallItem};
use crate::db::{DbConn, types};
use crate::domain::lifecycle::Status;
use crate::domain::roles::Action;
use crate::domain::states::{RecallItemState, RecallStatus};
use crate::domain::validate::{Errors, MAX_NOTES};
use crate::error::AppError;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRecall {
    /// The field safety notice or recall number.
    #[schema(required = true, schema_with = required_text::<100>)]
    pub reference: Option<String>,
    #[schema(required = true, schema_with = required_text::<300>)]
    pub title: Option<String>,
    /// The affected type's code (422 if no type has it).
    #[serde(rename = "type")]
    #[schema(required = true, schema_with = required_text::<64>)]
    pub type_code: Option<String>,
    /// First affected serial; with `serial_to`, same prefix, numbers compared as numbers.
    #[schema(schema_with = optional_text::<200>)]
    pub serial_from: Option<String>,
    #[schema(schema_with = optional_text::<200>)]
    pub serial_to: Option<String>,
    /// Or the affected batch/lot.
    #[schema(schema_with = optional_text::<200>)]
    pub batch: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRecallItem {
    /// `retrieved` (brought back and quarantined) or `safe` (inspected and found unaffected).
    #[schema(required = true, schema_with = resolution)]
    pub outcome: Option<String>,
    #[schema(schema_with = optional_text::<2000>)]
    pub notes: Option<String>,
}

fn resolution() -> utoipa::openapi::schema::Object {
    crate::domain::field_schema::one_of(&["retrieved", "safe"], false)
}

pub fn open(
    conn: &mut DbConn,
    actor: &Actor,
    req: &CreateRecall,
    mail: &MailContext,
) -> Result<RecallView, AppError> {
    actor.require(Action::ManageRecalls)?;
    let checked = check(conn, req)?;
    let affected = affected(conn, &checked)?;
    let (reference, title) = (&checked.reference, &checked.title);
    let now = now();
    let recall = recalls::insert(
        conn,
        &NewRecall {
            reference,
            title,
            type_id: checked.equipment_type.id,
            serial_from: checked.serial_from.as_deref(),
            serial_to: checked.serial_to.as_deref(),
            batch: checked.batch.as_deref(),
            status: RecallStatus::Open,
            opened_by: actor.id,
            opened_at: now,
        },
    )?;
    if affected.is_empty() {
        // Nothing of ours is affected: the notice is on record, and there is nothing to do.
        recalls::close(conn, recall.id, now)?;
    }
    let rows: Vec<NewRecallItem> = affected
        .iter()
        .map(|i| NewRecallItem {
            recall_id: recall.id,
            item_id: i.id,
            status_at_open: i.status,
            client_id: i.client_id,
            worker_id: i.worker_id,
            state: RecallItemState::Open,
        })
        .collect();
    recalls::insert_items(conn, &rows)?;
    let mut history = Vec::with_capacity(affected.len());
    for item in &affected {
        let status = item.status;
        let in_store = matches!(status, Status::InStore | Status::AwaitingDecontamination);
        let (action, to) = if in_store {
            // Stock on the shelf is stopped at once.
            let changes = ItemChanges {
                status: Some(Status::Quarantined),
                ..Default::default()
            };
            if !items::update_versioned(conn, item.id, item.version, &changes, now)? {
                return Err(stale());
            }
            ("quarantined", Status::Quarantined)
        } else {
            ("recalled", status)
        };
        let notes = if item.client_id.is_some() {
            format!("under recall {reference} ({title}): retrieve from the client's home or inspect there")
        } else {
            format!("under recall {reference} ({title})")
        };
        history.push(NewEvent {
            item_id: item.id,
            occurred_at: now,
            staff_id: Some(actor.id),
            action: action.into(),
            from_status: Some(status),
            to_status: Some(to),
            client_id: item.client_id,
            notes: Some(notes),
        });
    }
    events::insert_many(conn, &history)?;
    let opened = view(conn, recall.id, true)?;
    tell_of_recall(conn, &opened, mail)?;
    Ok(opened)
}

pub fn list(conn: &mut DbConn, status: Option<&str>, page: Page) -> Result<Paged<RecallView>, AppError> {
    let status = match status {
        None => None,
        Some(s) => Some(
            RecallStatus::parse(s)
                .ok_or_else(|| AppError::invalid("status", format!("{s:?} is not open or closed")))?,
        ),
    };
    let (rows, total) = recalls::list(conn, status, page.offset(), page.per_page)?;
    let mut views = Vec::with_capacity(rows.len());
    for r in rows {
        let items = recalls::items_of(conn, r.id)?;
        let equipment_type = types::get(conn, r.type_id)?;
        views.push(assemble(r, &equipment_type, &items, None));
    }
    Ok(page.wrap(views, total))
}

pub fn resolve(
    conn: &mut DbConn,
    actor: &Actor,
    recall_id: i64,
    tag: &str,
    req: &ResolveRecallItem,
) -> Result<RecallView, AppError> {
    actor.require(Action::ManageRecalls)?;
    let mut errors = Errors::default();
    let outcome = errors
        .required("outcome", req.outcome.as_deref(), 20)
        .to_ascii_lowercase();
    let resolved = match outcome.as_str() {
        "retrieved" => Some(RecallItemState::Retrieved),
        "safe" => Some(RecallItemState::Safe),
        "" => None,
        _ => {
            errors.add("outcome", "must be retrieved or safe");
            None
        }
    };
    let notes = errors.optional("notes", req.notes.as_deref(), MAX_NOTES);
    errors.finish()?;
    let Some(resolved) = resolved else {
        return Err(AppError::invalid("outcome", "must be retrieved or safe"));
    };
    let recall = recalls::get(conn, recall_id)?
        .ok_or_else(|| AppError::NotFound(format!("no recall has the id {recall_id}")))?;
    let item = row_by_tag(conn, tag)?;
    let row = recalls::items_of(conn, recall_id)?
        .into_iter()
        .find(|r| r.item_id == item.id)
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "{} is not affected by recall {}",
                item.asset_tag, recall.reference
            ))
        })?;
    if row.state != RecallItemState::Open {
        return Err(AppError::conflict(format!(
            "{} was already resolved as {}",
            item.asset_tag, row.state
        )));
    }
    let now = now();
    let status = item.status;
    let mut changes = ItemChanges::default();
    let (action, to) = if resolved == RecallItemState::Retrieved {
        changes.client_id = Some(None);
        changes.worker_id = Some(None);
        changes.fitted_at = Some(None);
        let to = if status == Status::Condemned {
            status
        } else {
            Status::Quarantined
        };
        ("recall_retrieved", to)
    } else {
        // Release stock this recall stopped, unless another open recall holds it too.
        let held_elsewhere = recalls::open_for_item(conn, item.id)?
            .iter()
            .any(|r| r.id != recall_id);
        let stopped_here = status == Status::Quarantined
            && matches!(
                row.status_at_open,
                Status::InStore | Status::AwaitingDecontamination
            );
        let to = if stopped_here && !held_elsewhere {
            row.status_at_open
        } else {
            status
        };
        ("recall_cleared", to)
    };
    changes.status = Some(to);
    if !items::update_versioned(conn, item.id, item.version, &changes, now)? {
        return Err(stale());
    }
    if !recalls::resolve_item(conn, row.id, resolved, actor.id, now, notes.as_deref())? {
        return Err(stale());
    }
    events::insert(
        conn,
        &NewEvent {
            item_id: item.id,
            occurred_at: now,
            staff_id: Some(actor.id),
            action: action.into(),
            from_status: Some(status),
            to_status: Some(to),
            client_id: item.client_id,
            notes: Some(match notes {
                Some(n) => format!("recall {}: {outcome}. {n}", recall.reference),
                None => format!("recall {}: {outcome}", recall.reference),
            }),
        },
    )?;
    if recalls::open_count(conn, recall_id)? == 0 {
        recalls::close(conn, recall_id, now)?;
    }
    view(conn, recall_id, true)
}
