//! What an item's new events prove: a pass of its test call rule, a low battery's defect,
//! a fault's failed check, and the mails about them.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::staff as staff_rows;
use crate::db::telecare_events::{self as rows, Candidate};
use crate::db::{DbConn, clients};
use crate::domain::centre_events::{CentreEventKind, FAULT_PART, LOW_BATTERY_PART, low_battery_remedy_by};
use crate::domain::examination::DefectFound;
use crate::domain::lifecycle::Outcome;
use crate::error::AppError;
use crate::mail::messages::{self, CentreAlarm};
use crate::service::Actor;
use crate::service::moves::{self, CentreCheck, CentrePass};
use crate::service::notify::{self, MailContext};

/// The notes of a pass the centre's events prove: when the unit last reached the centre.
fn contact_notes(contact: NaiveDateTime, low_battery: bool) -> String {
    format!(
        "Monitoring centre: the unit reached the centre at {contact} UTC{}",
        if low_battery {
            "; it reported a low battery"
        } else {
            ""
        }
    )
}

/// The day a contact at `contact` passes the item's `rule_id`, when that day is later than
/// the rule's last check (at most one pass a day, and none for an old event).
fn pass_day(loaded: &moves::Loaded, rule_id: i64, contact: NaiveDateTime) -> Option<NaiveDate> {
    let day = contact.date();
    let last = loaded
        .dues
        .iter()
        .find(|d| d.rule_id == rule_id)
        .and_then(|d| d.last_checked_at);
    last.is_none_or(|l| day > l).then_some(day)
}

/// The items whose new events are only test calls and heartbeats (the latest of them at
/// `reached`, by item: its rule and time): each a plain pass of the day, read and written
/// in bulk (`moves::record_centre_passes`) with what the one-at-a-time path would write.
pub fn contacts(
    conn: &mut DbConn,
    centre: &Actor,
    reached: &HashMap<i64, (i64, NaiveDateTime)>,
) -> Result<usize, AppError> {
    if reached.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = reached.keys().copied().collect();
    let mut loaded = moves::load_many(conn, &ids)?;
    // The order the one-at-a-time path wrote them in: by item.
    loaded.sort_unstable_by_key(|l| l.item.id);
    let passes = loaded
        .iter()
        .filter_map(|l| {
            let (rule_id, contact) = reached[&l.item.id];
            pass_day(l, rule_id, contact).map(|day| {
                let pass = CentrePass {
                    rule_id,
                    performed_at: day,
                    notes: contact_notes(contact, false),
                };
                (l, pass)
            })
        })
        .collect();
    moves::record_centre_passes(conn, centre, passes)
}

/// Records what one item's new events prove: a pass (with a low battery's defect), then a
/// fault's failed check; each open defect mailed once.
pub fn what_it_proves(
    conn: &mut DbConn,
    centre: &Actor,
    item: &Candidate,
    rule_id: i64,
    new: &[(CentreEventKind, NaiveDateTime)],
    centre_named: Option<&str>,
    mail: &MailContext,
) -> Result<(), AppError> {
    let latest =
        |pick: &dyn Fn(CentreEventKind) -> bool| new.iter().filter(|(k, _)| pick(*k)).map(|(_, t)| *t).max();
    let contact = latest(&|k| k.proves_contact());
    let low_battery = latest(&|k| k == CentreEventKind::LowBattery);
    let fault = latest(&|k| k == CentreEventKind::Fault);
    let open = rows::open_defect_parts(conn, item.id, centre.id)?;
    let is_open = |part: &str| open.iter().any(|p| p == part);
    let battery_defect = low_battery.filter(|_| !is_open(LOW_BATTERY_PART));
    if let Some(contact) = contact {
        let loaded = moves::load(conn, &item.asset_tag)?;
        let day = contact.date();
        let later = pass_day(&loaded, rule_id, contact).is_some();
        if later || battery_defect.is_some() {
            // A low battery's defect rides on the pass of the day it was reported.
            let performed = if later {
                day
            } else {
                battery_defect.map_or(day, |t| t.date())
            };
            let defects: Vec<DefectFound> = battery_defect
                .map(|t| DefectFound {
                    part: LOW_BATTERY_PART.to_string(),
                    description: format!("low battery reported by the monitoring centre at {t} UTC"),
                    dangerous: false,
                    remedy_by: Some(low_battery_remedy_by(t.date())),
                    repair: Some("replace the battery".to_string()),
                })
                .into_iter()
                .collect();
            let notes = contact_notes(contact, !defects.is_empty());
            let check = CentreCheck {
                rule_id,
                outcome: Outcome::Pass,
                performed_at: performed,
                notes,
                defects: &defects,
            };
            let recorded = moves::record_centre_check(conn, centre, &loaded, check)?;
            if let (Some(_), Some(t)) = (recorded, battery_defect) {
                alarm(conn, &loaded, CentreEventKind::LowBattery, t, centre_named, mail)?;
            }
        }
    }
    if let Some(t) = fault.filter(|_| !is_open(FAULT_PART)) {
        let loaded = moves::load(conn, &item.asset_tag)?;
        let defects = [DefectFound {
            part: FAULT_PART.to_string(),
            description: format!("fault reported by the monitoring centre at {t} UTC"),
            dangerous: true,
            remedy_by: None,
            repair: None,
        }];
        let check = CentreCheck {
            rule_id,
            outcome: Outcome::Fail,
            performed_at: t.date(),
            notes: format!("Monitoring centre: the unit reported a fault at {t} UTC"),
            defects: &defects,
        };
        if moves::record_centre_check(conn, centre, &loaded, check)?.is_some() {
            alarm(conn, &loaded, CentreEventKind::Fault, t, centre_named, mail)?;
        }
    }
    Ok(())
}

/// Mails a low battery or a fault to the item's worker, stores when it has none (or they
/// have left), once: the key names the item, the kind and the event's time.
fn alarm(
    conn: &mut DbConn,
    loaded: &moves::Loaded,
    kind: CentreEventKind,
    at: NaiveDateTime,
    centre: Option<&str>,
    mail: &MailContext,
) -> Result<(), AppError> {
    let item = &loaded.item;
    let worker = match item.worker_id {
        Some(id) => staff_rows::get(conn, id)?.filter(|s| s.active),
        None => None,
    };
    let recipient = worker.map_or_else(|| mail.stores_address.clone(), |w| w.email);
    let client = item
        .client_id
        .map(|id| clients::get(conn, id))
        .transpose()?
        .flatten();
    let message = messages::centre_alarm(
        &CentreAlarm {
            kind,
            asset_tag: &item.asset_tag,
            type_name: &loaded.equipment_type.name,
            occurred_at: at,
            centre,
            at_home: client.as_ref().map(|c| (c.address.as_str(), c.postcode.as_str())),
            remedy_by: (kind == CentreEventKind::LowBattery).then(|| low_battery_remedy_by(at.date())),
            link: &mail.item_link(&item.asset_tag),
        },
        &mail.service_name,
    );
    let key = format!(
        "centre-{}:{}:{}",
        kind.as_str(),
        item.id,
        at.and_utc().timestamp()
    );
    let about: Vec<i64> = item.client_id.into_iter().collect();
    notify::queue_about(conn, &key, "centre_alarm", &recipient, message, &about)?;
    Ok(())
}
