//! What the names in a body stand for (serials, a home's unit reference), read in bulk.

use std::collections::{HashMap, HashSet};

use super::parse::{Incoming, Unit};
use crate::db::DbConn;
use crate::db::telecare_events::{self as rows, Candidate};
use crate::domain::centre_events::CentreEventKind;
use crate::domain::lifecycle::Status;
use crate::error::AppError;

/// What the names in a body stand for, read in bulk.
pub(super) struct Resolved {
    pub(super) items: HashMap<i64, Candidate>,
    by_serial: HashMap<String, Vec<i64>>,
    installations: HashMap<String, Vec<rows::Installation>>,
    in_home: HashMap<i64, Vec<i64>>,
    /// Each type's `test_call` rule.
    test_call_rule: HashMap<i64, i64>,
}

pub(super) fn resolve(conn: &mut DbConn, events: &[Incoming]) -> Result<Resolved, AppError> {
    let mut serials: HashSet<&str> = HashSet::new();
    let mut references: HashSet<&str> = HashSet::new();
    for e in events {
        match &e.unit {
            Unit::Serial(s) => serials.insert(s),
            Unit::Reference(r) => references.insert(r),
        };
    }
    let mut test_call_rule = HashMap::new();
    for (type_id, rule_id) in rows::test_call_rules(conn)? {
        test_call_rule.entry(type_id).or_insert(rule_id);
    }
    let serials: Vec<String> = serials.into_iter().map(str::to_string).collect();
    let references: Vec<String> = references.into_iter().map(str::to_string).collect();
    let mut items = HashMap::new();
    let mut by_serial: HashMap<String, Vec<i64>> = HashMap::new();
    for c in rows::by_serials(conn, &serials)? {
        if let Some(s) = &c.serial_number {
            by_serial.entry(s.clone()).or_default().push(c.id);
        }
        items.insert(c.id, c);
    }
    let mut installations: HashMap<String, Vec<rows::Installation>> = HashMap::new();
    let mut clients_named = Vec::new();
    for i in rows::installations_by_reference(conn, &references)? {
        clients_named.push(i.client_id);
        installations.entry(i.unit_reference.clone()).or_default().push(i);
    }
    let mut in_home: HashMap<i64, Vec<i64>> = HashMap::new();
    for c in rows::in_homes_of(conn, &clients_named)? {
        if let Some(client) = c.client_id.filter(|_| test_call_rule.contains_key(&c.type_id)) {
            in_home.entry(client).or_default().push(c.id);
            items.insert(c.id, c);
        }
    }
    Ok(Resolved {
        items,
        by_serial,
        installations,
        in_home,
        test_call_rule,
    })
}

impl Resolved {
    pub(super) fn rule_of(&self, item: &Candidate) -> i64 {
        self.test_call_rule[&item.type_id]
    }

    /// The items an event is about, or why none: a serial names one item with a
    /// `test_call` rule; a reference names an installation (narrowed by the centre, when
    /// given) and so its base unit, or for a test call (or when it names no base unit in
    /// the home) the items with a `test_call` rule in use in that home.
    pub(super) fn targets(&self, event: &Incoming) -> Result<Vec<&Candidate>, String> {
        let found: Vec<&Candidate> = match &event.unit {
            Unit::Serial(serial) => {
                let ids = self.by_serial.get(serial).map(Vec::as_slice).unwrap_or_default();
                match ids {
                    [] => return Err(format!("no item has the serial {serial:?}")),
                    [id] => {
                        let item = &self.items[id];
                        if !self.test_call_rule.contains_key(&item.type_id) {
                            return Err(format!("{} has no test call rule", item.asset_tag));
                        }
                        if item.status == Status::Condemned {
                            return Err(format!("{} is condemned", item.asset_tag));
                        }
                        vec![item]
                    }
                    many => {
                        return Err(format!(
                            "{} items have the serial {serial:?}: name the unit by its reference",
                            many.len()
                        ));
                    }
                }
            }
            Unit::Reference(reference) => {
                let all = self
                    .installations
                    .get(reference)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let at: Vec<&rows::Installation> = match &event.centre {
                    Some(centre) => all
                        .iter()
                        .filter(|i| i.monitoring_centre.trim().eq_ignore_ascii_case(centre))
                        .collect(),
                    None => all.iter().collect(),
                };
                let installation = match at.as_slice() {
                    [] => {
                        return Err(match &event.centre {
                            Some(c) => {
                                format!("no installation at {c:?} has the unit reference {reference:?}")
                            }
                            None => format!("no installation has the unit reference {reference:?}"),
                        });
                    }
                    [one] => *one,
                    many => {
                        return Err(format!(
                            "the unit reference {reference:?} is used at {} monitoring centres: give the centre",
                            many.len()
                        ));
                    }
                };
                let ids = self
                    .in_home
                    .get(&installation.client_id)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                if ids.is_empty() {
                    return Err(format!(
                        "the home with the unit reference {reference:?} has no item in use with a test call rule"
                    ));
                }
                // The reference names the home's unit: its own signals (a heartbeat, a low
                // battery, a fault) are the base unit's when the installation names one there;
                // a test call, pressed on a pendant and carried by the unit, proves them all.
                match installation.base_unit_id {
                    Some(base) if event.kind != CentreEventKind::TestCall && ids.contains(&base) => {
                        vec![&self.items[&base]]
                    }
                    _ => ids.iter().map(|id| &self.items[id]).collect(),
                }
            }
        };
        let registered: Vec<&Candidate> = found
            .into_iter()
            .filter(|i| event.occurred_at >= i.created_at.date().and_time(chrono::NaiveTime::MIN))
            .collect();
        if registered.is_empty() {
            return Err("occurred_at is before the item was registered".to_string());
        }
        Ok(registered)
    }
}
