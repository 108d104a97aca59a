//! Clients: create, find, correct, and erase once they hold nothing.

use crate::domain::field_schema::{changed_text, matching, optional_text, required_text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::Object;

use super::items::{MAX_TEXT, double_option};
use super::pages::{Page, Paged};
use super::views::{self, ItemView};
use super::{Actor, now};
use crate::db::DbConn;
use crate::db::clients::{self, Client, ClientChanges, NewClient};
use crate::db::items::{self as item_rows, ItemFilter};
use crate::domain::roles::Action;
use crate::domain::validate::{self, Errors, MAX_ADDRESS};
use crate::error::AppError;

/// The longest reference and phone number a client's record takes, new or changed.
pub(crate) const MAX_REFERENCE: usize = 64;
const MAX_PHONE: usize = 40;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateClient {
    /// The service's own reference for the person (unique).
    #[schema(required = true, schema_with = required_text::<64>)]
    pub reference: Option<String>,
    #[schema(required = true, schema_with = required_text::<200>)]
    pub name: Option<String>,
    #[schema(required = true, schema_with = required_text::<500>)]
    pub address: Option<String>,
    /// A UK postcode, any case and spacing: 5 to 8 letters and digits.
    #[schema(required = true, schema_with = postcode_schema)]
    pub postcode: Option<String>,
    #[schema(schema_with = optional_text::<40>)]
    pub phone: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchClient {
    #[schema(schema_with = changed_text::<64>)]
    pub reference: Option<String>,
    #[schema(schema_with = changed_text::<200>)]
    pub name: Option<String>,
    #[schema(schema_with = changed_text::<500>)]
    pub address: Option<String>,
    #[schema(schema_with = changed_postcode)]
    pub postcode: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, schema_with = optional_text::<40>)]
    pub phone: Option<Option<String>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ClientView {
    pub id: i64,
    pub reference: String,
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub phone: Option<String>,
    pub erased: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The equipment the client holds (on a single client's page only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equipment: Option<Vec<ItemView>>,
}

impl From<Client> for ClientView {
    fn from(c: Client) -> Self {
        Self {
            id: c.id,
            reference: c.reference,
            name: c.name,
            address: c.address,
            postcode: c.postcode,
            phone: c.phone,
            erased: c.erased_at.is_some(),
            created_at: c.created_at.and_utc(),
            updated_at: c.updated_at.and_utc(),
            equipment: None,
        }
    }
}

/// What `validate::postcode` accepts, at most 16 characters as sent.
const POSTCODE: &str = r"^[ \t\r\n]*(?:[A-Za-z0-9][ \t\r\n]*){5,8}$";

fn postcode_schema() -> Object {
    let mut schema = matching(POSTCODE, false);
    schema.max_length = Some(16);
    schema
}

fn changed_postcode() -> Object {
    let mut schema = matching(POSTCODE, true);
    schema.max_length = Some(16);
    schema
}

fn postcode(errors: &mut Errors, raw: Option<&str>) -> String {
    let value = errors.required("postcode", raw, 16);
    if value.is_empty() {
        return value;
    }
    validate::postcode(&value).unwrap_or_else(|m| {
        errors.add("postcode", m);
        value
    })
}

/// A new client's fields, checked: the one set of rules for a client created one at a
/// time and for a file of them.
pub struct ValidClient {
    pub reference: String,
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub phone: Option<String>,
}

/// Reads a new client's fields, adding every problem to `errors`.
pub fn read_new(errors: &mut Errors, req: &CreateClient) -> ValidClient {
    ValidClient {
        reference: errors.required("reference", req.reference.as_deref(), MAX_REFERENCE),
        name: errors.required("name", req.name.as_deref(), MAX_TEXT),
        address: errors.required("address", req.address.as_deref(), MAX_ADDRESS),
        postcode: postcode(errors, req.postcode.as_deref()),
        phone: errors.optional("phone", req.phone.as_deref(), MAX_PHONE),
    }
}

impl ValidClient {
    pub fn row(&self, now: chrono::NaiveDateTime) -> NewClient<'_> {
        NewClient {
            reference: &self.reference,
            name: &self.name,
            address: &self.address,
            postcode: &self.postcode,
            phone: self.phone.as_deref(),
            created_at: now,
            updated_at: now,
        }
    }
}

pub fn create(conn: &mut DbConn, actor: &Actor, req: &CreateClient) -> Result<ClientView, AppError> {
    actor.require(Action::ManageClients)?;
    let mut errors = Errors::default();
    let valid = read_new(&mut errors, req);
    errors.finish()?;
    let reference = &valid.reference;
    let client = clients::insert(conn, &valid.row(now())).map_err(|e| match AppError::from(e) {
        AppError::Conflict { .. } => AppError::conflict(format!(
            "a client with the reference {reference:?} already exists"
        )),
        other => other,
    })?;
    Ok(client.into())
}

pub fn list(conn: &mut DbConn, q: Option<&str>, page: Page) -> Result<Paged<ClientView>, AppError> {
    let mut errors = Errors::default();
    let q = errors.optional("q", q, MAX_TEXT);
    errors.finish()?;
    let (rows, total) = clients::list(conn, q.as_deref(), page.offset(), page.per_page)?;
    Ok(page.wrap(rows.into_iter().map(ClientView::from).collect(), total))
}

/// Why an item cannot go to `client`, or `None` if it can: an erased client has no more
/// visits. The one rule for every way an item goes to a client.
pub fn receiving_refused(client: &Client) -> Option<&'static str> {
    client
        .erased_at
        .is_some()
        .then_some("that client has been erased")
}

pub(super) fn find(conn: &mut DbConn, id: i64) -> Result<Client, AppError> {
    clients::get(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no client has the id {id}")))
}

pub fn get(conn: &mut DbConn, id: i64, public_url: &str) -> Result<ClientView, AppError> {
    let client = find(conn, id)?;
    let filter = ItemFilter {
        client_id: Some(id),
        ..Default::default()
    };
    let (ids, _) = item_rows::list(conn, &filter, 0, 10_000)?;
    let mut view = ClientView::from(client);
    view.equipment = Some(views::by_ids(conn, &ids, public_url)?);
    Ok(view)
}

pub fn patch(conn: &mut DbConn, actor: &Actor, id: i64, req: &PatchClient) -> Result<ClientView, AppError> {
    actor.require(Action::ManageClients)?;
    let client = find(conn, id)?;
    if client.erased_at.is_some() {
        return Err(AppError::conflict("this client has been erased"));
    }
    let mut errors = Errors::default();
    let mut changes = ClientChanges::default();
    if req.reference.is_some() {
        changes.reference = Some(errors.required("reference", req.reference.as_deref(), MAX_REFERENCE));
    }
    if req.name.is_some() {
        changes.name = Some(errors.required("name", req.name.as_deref(), MAX_TEXT));
    }
    if req.address.is_some() {
        changes.address = Some(errors.required("address", req.address.as_deref(), MAX_ADDRESS));
    }
    if req.postcode.is_some() {
        changes.postcode = Some(postcode(&mut errors, req.postcode.as_deref()));
    }
    if let Some(phone) = &req.phone {
        changes.phone = Some(errors.optional("phone", phone.as_deref(), MAX_PHONE));
    }
    errors.finish()?;
    changes.updated_at = Some(now());
    clients::update(conn, id, &changes)?;
    Ok(find(conn, id)?.into())
}

/// One page of the office's search, and whether another follows (no count: with 100,000
/// clients a count of a name search is a scan of them all).
pub fn search(conn: &mut DbConn, q: &str, page: Page) -> Result<(Vec<ClientView>, bool), AppError> {
    let mut errors = Errors::default();
    let q = errors.optional("q", Some(q), MAX_TEXT).unwrap_or_default();
    errors.finish()?;
    let want = page.per_page + 1;
    let mut rows = if q.is_empty() {
        clients::list(conn, None, page.offset(), want)?.0
    } else {
        clients::search(conn, &q, page.offset(), want)?
    };
    let more = rows.len() as i64 > page.per_page;
    rows.truncate(page.per_page as usize);
    Ok((rows.into_iter().map(ClientView::from).collect(), more))
}

/// The client a person named by reference (any case) in a search box.
pub fn by_reference(conn: &mut DbConn, field: &str, reference: &str) -> Result<Client, AppError> {
    clients::by_reference(conn, reference)?.ok_or_else(|| {
        AppError::invalid(
            field,
            format!("no client has the reference {:?}", reference.trim()),
        )
    })
}

/// An item a client had and no longer has: from their history, when it came and went.
pub struct HeldBefore {
    pub asset_tag: String,
    pub type_name: String,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
}

/// What the client held before, newest first, read from the items' history.
pub fn held_before(
    conn: &mut DbConn,
    id: i64,
    holds_now: &[i64],
    public_url: &str,
) -> Result<Vec<HeldBefore>, AppError> {
    let mut spans: std::collections::BTreeMap<i64, (DateTime<Utc>, DateTime<Utc>)> = Default::default();
    for e in crate::db::events::for_client(conn, id)? {
        if holds_now.contains(&e.item_id) {
            continue;
        }
        let at = e.occurred_at.and_utc();
        let span = spans.entry(e.item_id).or_insert((at, at));
        span.0 = span.0.min(at);
        span.1 = span.1.max(at);
    }
    let ids: Vec<i64> = spans.keys().copied().collect();
    let mut out: Vec<HeldBefore> = views::by_ids(conn, &ids, public_url)?
        .into_iter()
        .map(|item| {
            let (first, last) = spans[&item.id];
            HeldBefore {
                asset_tag: item.asset_tag,
                type_name: item.type_.name,
                first,
                last,
            }
        })
        .collect();
    out.sort_by_key(|h| std::cmp::Reverse(h.last));
    Ok(out)
}
