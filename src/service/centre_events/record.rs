//! Writing an import, in one transaction: the events kept (many rows a statement), then what
//! the new ones prove, item by item or, for plain passes, in bulk (`proves`).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use serde::Serialize;

use super::parse::{Parsed, Refused, Unit};
use super::proves;
use super::resolve::resolve;
use super::{CENTRE_EMAIL, CENTRE_NAME};
use crate::db::DbConn;
use crate::db::staff::{self as staff_rows, NewStaff};
use crate::db::telecare_events::{self as rows, NewCentreEvent};
use crate::domain::centre_events::CentreEventKind;
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::service::notify::MailContext;
use crate::service::{Actor, now};

/// What an import did with what it was sent.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportCounts {
    /// Events sent (lines after the header, or array elements).
    pub received: usize,
    /// Events kept for the first time.
    pub recorded: usize,
    /// Events already kept (sent before, or twice in this body): nothing recorded again.
    pub duplicates: usize,
    /// Events not recorded, each with its line or index and the reason.
    pub refused: Vec<Refused>,
}

/// Records what `parsed` holds, in one transaction: see the module's comment.
pub fn record(conn: &mut DbConn, parsed: Parsed, mail: &MailContext) -> Result<ImportCounts, AppError> {
    let Parsed {
        received,
        events,
        mut refused,
    } = parsed;
    let resolved = resolve(conn, &events)?;
    let received_at = now();
    let mut to_insert = Vec::new();
    // Each event's rows, by the event's place in `events`; a refusal instead.
    let mut keys_of: Vec<Vec<Key>> = Vec::with_capacity(events.len());
    let mut seen: HashSet<Key> = HashSet::new();
    // The centre an item's events named, for the words of its mail.
    let mut centre_of: HashMap<i64, String> = HashMap::new();
    for event in &events {
        let targets = match resolved.targets(event) {
            Ok(t) => t,
            Err(reason) => {
                refused.push(Refused::at(event.position, reason));
                keys_of.push(Vec::new());
                continue;
            }
        };
        let mut keys = Vec::with_capacity(targets.len());
        for item in targets {
            if let Some(c) = &event.centre {
                centre_of.entry(item.id).or_insert_with(|| c.clone());
            }
            let key = (item.id, event.kind, event.occurred_at);
            if seen.insert(key) {
                to_insert.push(NewCentreEvent {
                    item_id: item.id,
                    kind: event.kind,
                    occurred_at: event.occurred_at,
                    centre: event.centre.clone(),
                    unit_reference: match &event.unit {
                        Unit::Reference(r) => Some(r.clone()),
                        Unit::Serial(_) => None,
                    },
                    received_at,
                });
            }
            keys.push(key);
        }
        keys_of.push(keys);
    }
    let new: Vec<Key> = rows::insert_new(conn, &to_insert)?;
    let mut unclaimed: HashSet<Key> = new.iter().copied().collect();
    let (mut recorded, mut duplicates) = (0, 0);
    for keys in keys_of.iter().filter(|k| !k.is_empty()) {
        // `remove`, so that the second of two equal events in one body is a duplicate.
        let mut any = false;
        for key in keys {
            any |= unclaimed.remove(key);
        }
        if any {
            recorded += 1;
        } else {
            duplicates += 1;
        }
    }
    let mut by_item: HashMap<i64, Vec<(CentreEventKind, NaiveDateTime)>> = HashMap::new();
    for (item, kind, at) in new {
        by_item.entry(item).or_default().push((kind, at));
    }
    if !by_item.is_empty() {
        let centre = centre_account(conn)?;
        // Test calls and heartbeats alone (nearly every item, every import) make a plain
        // pass, written in bulk; a low battery or a fault opens a defect and mails, one item
        // at a time.
        let mut reached = HashMap::new();
        let mut others: Vec<i64> = Vec::new();
        for (item_id, kinds) in &by_item {
            let plain = kinds
                .iter()
                .all(|(k, _)| matches!(k, CentreEventKind::TestCall | CentreEventKind::Heartbeat));
            match kinds.iter().map(|(_, t)| *t).max().filter(|_| plain) {
                Some(contact) => {
                    let rule = resolved.rule_of(&resolved.items[item_id]);
                    reached.insert(*item_id, (rule, contact));
                }
                None => others.push(*item_id),
            }
        }
        proves::contacts(conn, &centre, &reached)?;
        others.sort_unstable();
        for item_id in others {
            let item = &resolved.items[&item_id];
            proves::what_it_proves(
                conn,
                &centre,
                item,
                resolved.rule_of(item),
                &by_item[&item_id],
                centre_of.get(&item_id).map(String::as_str),
                mail,
            )?;
        }
    }
    refused.sort_by_key(|r| (r.line, r.index));
    Ok(ImportCounts {
        received,
        recorded,
        duplicates,
        refused,
    })
}

type Key = (i64, CentreEventKind, NaiveDateTime);

/// The account the centre's checks are recorded by, made on the first import.
fn centre_account(conn: &mut DbConn) -> Result<Actor, AppError> {
    let staff = match staff_rows::by_email(conn, CENTRE_EMAIL)? {
        Some(s) => s,
        None => staff_rows::insert(
            conn,
            &NewStaff {
                email: CENTRE_EMAIL,
                name: CENTRE_NAME,
                role: Role::Viewer,
                active: false,
                password_hash: None,
                created_at: now(),
            },
        )?,
    };
    Ok(staff.into())
}
