//! Kits: items that go out and come back together, with a tag and a label of their own.
//! Members keep their own checks and history; the kit's moves are in `moves`, its verdict
//! is `scan::kit_verdict` over each member's `scan::verdict`.

pub mod moves;

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::pages::{Page, Paged};
use super::scan::{self, KitVerdict, MemberReason, ScanResult};
use super::{Actor, now};
use crate::db::events::{self, NewEvent};
use crate::db::items::{self, Item};
use crate::db::kits::{self as kit_rows, Kit, NewKitEvent};
use crate::db::{DbConn, counters};
use crate::domain::asset_tag::{AssetTag, KIT_PREFIX, item_url};
use crate::domain::field_schema::{required_text, tag, tags};
use crate::domain::lifecycle::{Move, Status};
use crate::domain::roles::Action;
use crate::domain::validate::Errors;
use crate::error::AppError;

/// Most members one kit holds: a base unit and its sensors, a hoist and its slings.
pub const MAX_MEMBERS: usize = 50;
pub const MAX_NAME: usize = 200;

fn required_tag() -> utoipa::openapi::schema::Object {
    tag(false)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKit {
    /// What the kit is, e.g. `Telecare: Lifeline base unit, pendant, smoke detector`.
    #[schema(required = true, schema_with = required_text::<200>)]
    pub name: Option<String>,
    /// The members' asset tags (at most 50): each an item not condemned, in no other kit,
    /// named once (422 naming `members[i]` otherwise).
    #[schema(schema_with = tags::<50>)]
    pub members: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    /// The item's asset tag: not condemned, in no other kit (422 naming `tag` otherwise).
    #[schema(required = true, schema_with = required_tag)]
    pub tag: Option<String>,
    /// The kit's version as read; a stale one is refused (409).
    pub expected_version: Option<i64>,
}

/// A kit as lists show it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KitRef {
    /// `KIT-` and six digits.
    pub tag: String,
    pub name: String,
    /// The members' asset tags.
    pub member_tags: Vec<String>,
    /// Moves on with every change of members and every move of the kit.
    pub version: i64,
    /// What the kit's QR label encodes: its page, like an item's.
    pub qr_payload: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A kit with each member's item and verdict, and the kit's own verdict.
#[derive(Serialize, utoipa::ToSchema)]
pub struct KitView {
    pub kit: KitRef,
    /// Yes only when the kit has members and every one is safe to use.
    pub safe_to_use: bool,
    /// Every unsafe member's reasons, each naming the member.
    pub reasons: Vec<MemberReason>,
    /// The kit's moves (issue, fit, return, decontaminate) the caller may make on every
    /// member now.
    pub actions: Vec<Move>,
    /// Each member as a scan answers it: the item, its verdict and its moves.
    pub members: Vec<ScanResult>,
}

/// One entry of a kit's history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KitEventView {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    /// `created`, `member_added`, `member_removed`, `issued`, `fitted`, `returned`,
    /// `decontaminated` or `missing_at_collection`.
    pub action: String,
    /// The member concerned (added, removed, missing at a collection).
    pub item_tag: Option<String>,
    pub staff_name: Option<String>,
    /// The client the kit went to or came back from.
    pub client_id: Option<i64>,
}

pub fn not_found(tag: &str) -> AppError {
    AppError::NotFound(format!("no kit has the tag {:?}", tag.trim()))
}

/// The one way to a kit's row, from what was typed as its tag.
pub fn row_by_tag(conn: &mut DbConn, raw_tag: &str) -> Result<Kit, AppError> {
    let tag = AssetTag::parse(raw_tag).map_err(|_| not_found(raw_tag))?;
    kit_rows::by_tag(conn, tag.as_str())?.ok_or_else(|| not_found(tag.as_str()))
}

/// The tag of the kit an item is in, if any.
pub fn kit_of_item(conn: &mut DbConn, item_id: i64) -> Result<Option<String>, AppError> {
    Ok(kit_rows::kit_of_item(conn, item_id)?)
}

pub fn exists(conn: &mut DbConn, tag: &str) -> Result<bool, AppError> {
    Ok(kit_rows::tag_exists(conn, tag)?)
}

fn check_version(kit: &Kit, expected: Option<i64>) -> Result<(), AppError> {
    crate::service::check_version_of("kit", kit.version, expected)
}

/// Moves the kit's version on, or refuses when someone else changed it meanwhile.
fn bump(conn: &mut DbConn, kit: &Kit) -> Result<(), AppError> {
    if kit_rows::bump_version(conn, kit.id, kit.version, now())? {
        Ok(())
    } else {
        Err(AppError::conflict(
            "someone else changed the kit at the same moment; read it again and retry",
        ))
    }
}

/// Why an item may not join a kit, if it may not: unknown, condemned, or in another kit.
fn joining_refused(conn: &mut DbConn, raw: &str) -> Result<Result<Item, String>, AppError> {
    let Ok(tag) = AssetTag::parse(raw) else {
        return Ok(Err(format!("no item has the tag {:?}", raw.trim())));
    };
    if tag.is_kit() {
        return Ok(Err(format!("{tag} is a kit: a kit holds items, not kits")));
    }
    let Some(item) = items::by_tag(conn, tag.as_str())? else {
        return Ok(Err(format!("no item has the tag {tag}")));
    };
    if item.status == Status::Condemned {
        return Ok(Err(format!("{tag} is condemned: it may not go out again")));
    }
    if let Some(kit) = kit_rows::kit_of_item(conn, item.id)? {
        return Ok(Err(format!("{tag} is already in the kit {kit}")));
    }
    Ok(Ok(item))
}

/// An item event saying what happened between the item and the kit, in its own history.
fn item_event(
    conn: &mut DbConn,
    actor: &Actor,
    item: &Item,
    action: &str,
    notes: String,
) -> Result<(), AppError> {
    events::insert_owned(
        conn,
        &NewEvent {
            item_id: item.id,
            occurred_at: now(),
            staff_id: Some(actor.id),
            action: action.into(),
            from_status: None,
            to_status: None,
            client_id: item.client_id,
            notes: Some(notes),
        },
        // The words name only the kit: nobody's personal data.
        None,
    )?;
    Ok(())
}

fn kit_event<'a>(
    kit: &Kit,
    actor: &Actor,
    action: &'a str,
    item_id: Option<i64>,
    client_id: Option<i64>,
) -> NewKitEvent<'a> {
    NewKitEvent {
        kit_id: kit.id,
        occurred_at: now(),
        staff_id: Some(actor.id),
        action,
        item_id,
        client_id,
    }
}

pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    req: &CreateKit,
    public_url: &str,
) -> Result<KitView, AppError> {
    actor.require(Action::ManageItems)?;
    let mut errors = Errors::default();
    let name = errors.required("name", req.name.as_deref(), MAX_NAME);
    let listed = req.members.as_deref().unwrap_or_default();
    if listed.len() > MAX_MEMBERS {
        errors.add("members", format!("at most {MAX_MEMBERS} members"));
    }
    let mut seen = HashSet::new();
    let mut members = Vec::new();
    for (i, raw) in listed.iter().enumerate().take(MAX_MEMBERS) {
        let field = format!("members[{i}]");
        if let Ok(tag) = AssetTag::parse(raw) {
            if !seen.insert(tag.clone()) {
                errors.add(&field, format!("{tag} is listed twice"));
                continue;
            }
        }
        match joining_refused(conn, raw)? {
            Ok(item) => members.push(item),
            Err(why) => errors.add(&field, why),
        }
    }
    errors.finish()?;
    let n = counters::take(conn, "kit_tag", 1)?;
    let tag = AssetTag::generated(KIT_PREFIX, n);
    let kit = kit_rows::insert(conn, tag.as_str(), &name, now())?;
    let mut history = vec![kit_event(&kit, actor, "created", None, None)];
    for item in &members {
        kit_rows::add_member(conn, kit.id, item.id, now())?;
        item_event(
            conn,
            actor,
            item,
            "added_to_kit",
            format!("added to the kit {tag}"),
        )?;
        history.push(kit_event(&kit, actor, "member_added", Some(item.id), None));
    }
    kit_rows::insert_events(conn, &history)?;
    view_of(conn, actor, kit, public_url)
}

pub fn add_member(
    conn: &mut DbConn,
    actor: &Actor,
    kit_tag: &str,
    req: &AddMember,
    public_url: &str,
) -> Result<KitView, AppError> {
    actor.require(Action::ManageItems)?;
    let kit = row_by_tag(conn, kit_tag)?;
    check_version(&kit, req.expected_version)?;
    let mut errors = Errors::default();
    let raw = errors.required("tag", req.tag.as_deref(), 64);
    let item = if raw.is_empty() {
        None
    } else {
        match joining_refused(conn, &raw)? {
            Ok(item) => Some(item),
            Err(why) => {
                errors.add("tag", why);
                None
            }
        }
    };
    errors.finish()?;
    let item = item.ok_or_else(|| AppError::invalid("tag", "is required"))?;
    bump(conn, &kit)?;
    kit_rows::add_member(conn, kit.id, item.id, now())?;
    item_event(
        conn,
        actor,
        &item,
        "added_to_kit",
        format!("added to the kit {}", kit.tag),
    )?;
    kit_rows::insert_events(
        conn,
        &[kit_event(&kit, actor, "member_added", Some(item.id), None)],
    )?;
    view(conn, actor, &kit.tag, public_url)
}

pub fn remove_member(
    conn: &mut DbConn,
    actor: &Actor,
    kit_tag: &str,
    item_tag: &str,
    public_url: &str,
) -> Result<KitView, AppError> {
    actor.require(Action::ManageItems)?;
    let kit = row_by_tag(conn, kit_tag)?;
    let item = super::items::row_by_tag(conn, item_tag)?;
    if !kit_rows::remove_member(conn, kit.id, item.id)? {
        return Err(AppError::NotFound(format!(
            "{} is not a member of the kit {}",
            item.asset_tag, kit.tag
        )));
    }
    bump(conn, &kit)?;
    item_event(
        conn,
        actor,
        &item,
        "removed_from_kit",
        format!("removed from the kit {}", kit.tag),
    )?;
    kit_rows::insert_events(
        conn,
        &[kit_event(&kit, actor, "member_removed", Some(item.id), None)],
    )?;
    view(conn, actor, &kit.tag, public_url)
}

/// A kit with every member's verdict: what `GET /kits/{tag}`, a scan of its label and its
/// page answer.
pub fn view(conn: &mut DbConn, actor: &Actor, tag: &str, public_url: &str) -> Result<KitView, AppError> {
    let kit = row_by_tag(conn, tag)?;
    view_of(conn, actor, kit, public_url)
}

fn view_of(conn: &mut DbConn, actor: &Actor, kit: Kit, public_url: &str) -> Result<KitView, AppError> {
    let member_rows = kit_rows::members(conn, kit.id)?;
    let members = member_rows
        .iter()
        .map(|m| scan::assess(conn, actor, &m.tag, public_url))
        .collect::<Result<Vec<_>, _>>()?;
    let KitVerdict {
        safe_to_use,
        reasons,
        actions,
    } = scan::kit_verdict(&members);
    let member_tags = member_rows.into_iter().map(|m| m.tag).collect();
    Ok(KitView {
        kit: kit_ref(kit, member_tags, public_url),
        safe_to_use,
        reasons,
        actions,
        members,
    })
}

fn kit_ref(kit: Kit, member_tags: Vec<String>, public_url: &str) -> KitRef {
    KitRef {
        qr_payload: item_url(public_url, &kit.tag),
        tag: kit.tag,
        name: kit.name,
        member_tags,
        version: kit.version,
        created_at: kit.created_at.and_utc(),
        updated_at: kit.updated_at.and_utc(),
    }
}

/// A kit's row as its label shows it: its tag, name and URL.
pub fn labelled(conn: &mut DbConn, tag: &str, public_url: &str) -> Result<KitRef, AppError> {
    let kit = row_by_tag(conn, tag)?;
    Ok(kit_ref(kit, Vec::new(), public_url))
}

pub fn list(conn: &mut DbConn, page: Page, public_url: &str) -> Result<Paged<KitRef>, AppError> {
    let (rows, total) = kit_rows::list(conn, page.offset(), page.per_page)?;
    let ids: Vec<i64> = rows.iter().map(|k| k.id).collect();
    let tags = kit_rows::member_tags_of(conn, &ids)?;
    let kits = rows
        .into_iter()
        .map(|kit| {
            let mine = tags
                .iter()
                .filter(|(id, _)| *id == kit.id)
                .map(|(_, t)| t.clone())
                .collect();
            kit_ref(kit, mine, public_url)
        })
        .collect();
    Ok(page.wrap(kits, total))
}

/// A kit's history a page at a time, oldest first: the API's order.
pub fn history(conn: &mut DbConn, tag: &str, page: Page) -> Result<Paged<KitEventView>, AppError> {
    history_in(conn, tag, false, page)
}

/// A kit's history a page at a time, newest first: the kit page's order.
pub fn history_newest_first(
    conn: &mut DbConn,
    tag: &str,
    page: Page,
) -> Result<Paged<KitEventView>, AppError> {
    history_in(conn, tag, true, page)
}

fn history_in(
    conn: &mut DbConn,
    tag: &str,
    newest_first: bool,
    page: Page,
) -> Result<Paged<KitEventView>, AppError> {
    let kit = row_by_tag(conn, tag)?;
    let (rows, total) = kit_rows::events(conn, kit.id, newest_first, page.offset(), page.per_page)?;
    let entries = rows
        .into_iter()
        .map(|e| KitEventView {
            id: e.id,
            occurred_at: e.occurred_at.and_utc(),
            action: e.action,
            item_tag: e.item_tag,
            staff_name: e.staff_name,
            client_id: e.client_id,
        })
        .collect();
    Ok(page.wrap(entries, total))
}
