//! Hand-overs read back: as the history shows them (`HandoverView`, no signature bytes),
//! the signature's PNG file, and what a delivery or collection note prints.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Actor;
use super::views;
use crate::db::handovers::{self, Facts};
use crate::db::{DbConn, clients, events};
use crate::domain::handover::{Relation, png_of_stored};
use crate::domain::roles::Action;
use crate::error::AppError;

/// The events that have a note, by their action: a fit delivers, a return collects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    Delivery,
    Collection,
}

impl NoteKind {
    pub fn of_action(action: &str) -> Option<Self> {
        match action {
            "fitted" => Some(Self::Delivery),
            "returned" => Some(Self::Collection),
            _ => None,
        }
    }
}

/// A hand-over in an event of the history. The signature is a link, not its bytes.
#[derive(Clone, Serialize, utoipa::ToSchema)]
pub struct HandoverView {
    /// Who received or handed over the item; `[erased]` once their client is erased.
    pub name: String,
    pub relation: Relation,
    /// The item's use was shown to them.
    pub demonstrated: bool,
    pub leaflet_left: bool,
    /// `/api/v1/events/{id}/signature.png`, when a signature was drawn (and not erased).
    pub signature_url: Option<String>,
    /// Why there is no signature.
    pub no_signature_reason: Option<String>,
    /// The client was erased: the name, signature and reason are gone.
    pub erased: bool,
}

/// The person's name is personal data: never in a log line, even by mistake.
impl std::fmt::Debug for HandoverView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandoverView")
            .field("relation", &self.relation)
            .field("signed", &self.signature_url.is_some())
            .field("erased", &self.erased)
            .finish_non_exhaustive()
    }
}

impl From<Facts> for HandoverView {
    fn from(f: Facts) -> Self {
        Self {
            signature_url: f.signed.then(|| signature_path(f.event_id)),
            name: f.name,
            relation: f.relation,
            demonstrated: f.demonstrated,
            leaflet_left: f.leaflet_left,
            no_signature_reason: f.no_signature_reason,
            erased: f.erased_at.is_some(),
        }
    }
}

pub fn signature_path(event_id: i64) -> String {
    format!("/api/v1/events/{event_id}/signature.png")
}

pub fn note_path(event_id: i64) -> String {
    format!("/api/v1/events/{event_id}/note.pdf")
}

/// The signature drawn at event `event_id`'s hand-over: 404 when there is no such event, or
/// it has no signature (none drawn, or erased).
pub fn signature(conn: &mut DbConn, actor: &Actor, event_id: i64) -> Result<Vec<u8>, AppError> {
    actor.require(Action::ViewHandovers)?;
    handovers::signature_of_event(conn, event_id)?
        .and_then(|text| png_of_stored(&text))
        .ok_or_else(|| AppError::NotFound(format!("event {event_id} has no signature")))
}

/// What a delivery or collection note prints.
pub struct Note {
    pub kind: NoteKind,
    pub event_id: i64,
    pub occurred_at: DateTime<Utc>,
    pub asset_tag: String,
    pub type_name: String,
    pub serial_number: Option<String>,
    /// The client's name, address and postcode (personal data: printed, never logged).
    pub client: Option<(String, String, String)>,
    /// Who recorded the move.
    pub worker: Option<String>,
    pub handover: Option<HandoverView>,
    /// The PNG file of the signature, when there is one.
    pub signature: Option<Vec<u8>>,
}

/// The note of event `event_id`: 404 when there is no such event or it is neither a fit nor
/// a return.
pub fn note(conn: &mut DbConn, actor: &Actor, event_id: i64, public_url: &str) -> Result<Note, AppError> {
    actor.require(Action::ViewHandovers)?;
    let no_note = || {
        AppError::NotFound(format!(
            "event {event_id} is not a fit or a collection: it has no note"
        ))
    };
    let (event, worker) = events::by_id(conn, event_id)?
        .ok_or_else(|| AppError::NotFound(format!("no event has the id {event_id}")))?;
    let kind = NoteKind::of_action(&event.action).ok_or_else(no_note)?;
    let item = views::by_id(conn, event.item_id, public_url)?;
    let client = match event.client_id {
        Some(id) => clients::get(conn, id)?.map(|c| (c.name, c.address, c.postcode)),
        None => None,
    };
    let handover = handovers::facts_of_event(conn, event_id)?.map(HandoverView::from);
    let signature = handovers::signature_of_event(conn, event_id)?.and_then(|t| png_of_stored(&t));
    Ok(Note {
        kind,
        event_id,
        occurred_at: event.occurred_at.and_utc(),
        asset_tag: item.asset_tag,
        type_name: item.type_.name,
        serial_number: item.serial_number,
        client,
        worker,
        handover,
        signature,
    })
}
