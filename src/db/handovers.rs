//! The hand-overs recorded with fits and collections, one per event at most. The name, the
//! signature and the reason there is none belong to the event's client: erasure blanks them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::notes::ERASED;
use super::schema::handovers;
use crate::domain::handover::{Handover, Proof, Relation, stored_png};

#[derive(Insertable)]
#[diesel(table_name = handovers)]
struct NewRow<'a> {
    event_id: i64,
    client_id: i64,
    name: &'a str,
    relation: Relation,
    demonstrated: bool,
    leaflet_left: bool,
    signature_png: Option<String>,
    no_signature_reason: Option<&'a str>,
}

/// Writes the hand-over of event `event_id`, whose client is `client_id`.
pub fn insert(conn: &mut DbConn, event_id: i64, client_id: i64, handover: &Handover) -> QueryResult<()> {
    let (signature_png, no_signature_reason) = match &handover.proof {
        Proof::Signature(png) => (Some(stored_png(png)), None),
        Proof::NoSignature(reason) => (None, Some(reason.as_str())),
    };
    diesel::insert_into(handovers::table)
        .values(NewRow {
            event_id,
            client_id,
            name: &handover.name,
            relation: handover.relation,
            demonstrated: handover.demonstrated,
            leaflet_left: handover.leaflet_left,
            signature_png,
            no_signature_reason,
        })
        .execute(conn)?;
    Ok(())
}

/// A hand-over as the history shows it: whether it was signed, not the signature.
#[derive(Debug, Clone, Queryable)]
pub struct Facts {
    pub event_id: i64,
    pub name: String,
    pub relation: Relation,
    pub demonstrated: bool,
    pub leaflet_left: bool,
    pub signed: bool,
    pub no_signature_reason: Option<String>,
    pub erased_at: Option<NaiveDateTime>,
}

type FactColumns = (
    handovers::event_id,
    handovers::name,
    handovers::relation,
    handovers::demonstrated,
    handovers::leaflet_left,
    diesel::dsl::IsNotNull<handovers::signature_png>,
    handovers::no_signature_reason,
    handovers::erased_at,
);

fn fact_columns() -> FactColumns {
    (
        handovers::event_id,
        handovers::name,
        handovers::relation,
        handovers::demonstrated,
        handovers::leaflet_left,
        handovers::signature_png.is_not_null(),
        handovers::no_signature_reason,
        handovers::erased_at,
    )
}

/// The hand-overs of these events (a page of history), without their signatures.
pub fn facts_of_events(conn: &mut DbConn, event_ids: &[i64]) -> QueryResult<Vec<Facts>> {
    if event_ids.is_empty() {
        return Ok(Vec::new());
    }
    handovers::table
        .filter(handovers::event_id.eq_any(event_ids))
        .select(fact_columns())
        .load(conn)
}

/// The hand-over of one event, without its signature.
pub fn facts_of_event(conn: &mut DbConn, event_id: i64) -> QueryResult<Option<Facts>> {
    handovers::table
        .filter(handovers::event_id.eq(event_id))
        .select(fact_columns())
        .first(conn)
        .optional()
}

/// The stored signature (base64 text) of one event's hand-over, when one was drawn and not
/// erased.
pub fn signature_of_event(conn: &mut DbConn, event_id: i64) -> QueryResult<Option<String>> {
    handovers::table
        .filter(handovers::event_id.eq(event_id))
        .select(handovers::signature_png)
        .first::<Option<String>>(conn)
        .optional()
        .map(Option::flatten)
}

/// The names given at one client's hand-overs, before erasure blanks them.
pub fn names_of_client(conn: &mut DbConn, client_id: i64) -> QueryResult<Vec<String>> {
    handovers::table
        .filter(handovers::client_id.eq(client_id))
        .filter(handovers::erased_at.is_null())
        .select(handovers::name)
        .load(conn)
}

/// Blanks the name, the signature and the reason of every hand-over at one client's home;
/// answers how many.
pub fn erase_client(conn: &mut DbConn, client_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        handovers::table
            .filter(handovers::client_id.eq(client_id))
            .filter(handovers::erased_at.is_null()),
    )
    .set((
        handovers::name.eq(ERASED),
        handovers::signature_png.eq(None::<String>),
        handovers::no_signature_reason.eq(Some(ERASED)),
        handovers::erased_at.eq(Some(now)),
    ))
    .execute(conn)
}
