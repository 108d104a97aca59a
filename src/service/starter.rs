//! The starter catalogue: the equipment types most community equipment services lend, with
//! the check rules of DESIGN.md's table, loaded on a first start with an empty catalogue or
//! by `equiptrack catalogue starter`. Every entry is an ordinary type afterwards, edited
//! through the API like any other.
//!
//! A Rust table rather than an embedded TOML file: the kinds are `CheckKind` values the
//! compiler checks, there is no parser and no "malformed file" path at start-up, and a TOML
//! file would be compiled in just the same, so it would be no easier for an operator to change.

use super::catalogue::{self, CreateType, RuleInput, TypeView};
use crate::db::DbConn;
use crate::db::types;
use crate::domain::checks::CheckKind;
use crate::error::AppError;

struct Rule {
    name: &'static str,
    interval_days: i64,
    kind: CheckKind,
    due_on_fit: bool,
}

struct Entry {
    code: &'static str,
    name: &'static str,
    category: &'static str,
    requires_decontamination: bool,
    /// A digital telecare base unit (IP or SIM).
    digital_unit: bool,
    rules: &'static [Rule],
}

/// LOLER 1998 reg. 9: anything that lifts a person, at least every six months, and once
/// when it is installed (due on the fit date).
const EXAMINATION: Rule = Rule {
    name: "thorough examination",
    interval_days: 182,
    kind: CheckKind::Examination,
    due_on_fit: true,
};
/// The maker's yearly service of a powered lift.
const SERVICE: Rule = Rule {
    name: "manufacturer service",
    interval_days: 365,
    kind: CheckKind::Inspection,
    due_on_fit: false,
};
const SAFETY_CHECK: Rule = Rule {
    name: "safety check",
    interval_days: 365,
    kind: CheckKind::Inspection,
    due_on_fit: false,
};

const POWERED_LIFT: &[Rule] = &[EXAMINATION, SERVICE];
/// The heartbeat is the unit's own call to its monitoring centre: the centre's events record
/// it (and a fault or low battery reported against it), so a unit gone silent is reminded.
const BASE_UNIT: &[Rule] = &[
    Rule {
        name: "function and battery test",
        interval_days: 182,
        kind: CheckKind::Inspection,
        due_on_fit: false,
    },
    Rule {
        name: "heartbeat",
        interval_days: 30,
        kind: CheckKind::TestCall,
        due_on_fit: false,
    },
];
const AID: &[Rule] = &[SAFETY_CHECK];

/// Decontamination before reissue (MHRA, Managing Medical Devices, section 9) for everything
/// that touches a person or goes into a bathroom; a telecare base unit sits on a shelf and is
/// wiped when it is reset.
const STARTER: [Entry; 12] = [
    Entry {
        code: "STAIRLIFT",
        name: "Stairlift",
        category: "stairlift",
        requires_decontamination: true,
        digital_unit: false,
        rules: POWERED_LIFT,
    },
    Entry {
        code: "HOIST-MOBILE",
        name: "Mobile hoist",
        category: "hoist",
        requires_decontamination: true,
        digital_unit: false,
        rules: POWERED_LIFT,
    },
    Entry {
        code: "HOIST-CEILING",
        name: "Ceiling track hoist",
        category: "hoist",
        requires_decontamination: true,
        digital_unit: false,
        rules: POWERED_LIFT,
    },
    Entry {
        code: "SLING",
        name: "Hoist sling",
        category: "sling",
        requires_decontamination: true,
        digital_unit: false,
        rules: &[EXAMINATION],
    },
    Entry {
        code: "BATH-LIFT",
        name: "Bath lift",
        category: "bathing",
        requires_decontamination: true,
        digital_unit: false,
        rules: POWERED_LIFT,
    },
    // An analogue unit dials over the phone line and stops working at the switch-off; a
    // digital one (IP or SIM) is what a home moves to. Both are tested the same way.
    Entry {
        code: "TELECARE-BASE",
        name: "Telecare base unit (analogue)",
        category: "telecare",
        requires_decontamination: false,
        digital_unit: false,
        rules: BASE_UNIT,
    },
    Entry {
        code: "TELECARE-BASE-DIGITAL",
        name: "Digital telecare base unit",
        category: "telecare",
        requires_decontamination: false,
        digital_unit: true,
        rules: BASE_UNIT,
    },
    Entry {
        code: "TELECARE-PENDANT",
        name: "Telecare pendant",
        category: "telecare",
        requires_decontamination: true,
        digital_unit: false,
        rules: &[Rule {
            name: "test call",
            interval_days: 30,
            kind: CheckKind::TestCall,
            due_on_fit: false,
        }],
    },
    Entry {
        code: "WALKING-FRAME",
        name: "Walking frame",
        category: "walking_aid",
        requires_decontamination: true,
        digital_unit: false,
        rules: AID,
    },
    Entry {
        code: "ROLLATOR",
        name: "Rollator",
        category: "walking_aid",
        requires_decontamination: true,
        digital_unit: false,
        rules: AID,
    },
    Entry {
        code: "SHOWER-CHAIR",
        name: "Shower chair",
        category: "bathing",
        requires_decontamination: true,
        digital_unit: false,
        rules: AID,
    },
    Entry {
        code: "BATH-BOARD",
        name: "Bath board",
        category: "bathing",
        requires_decontamination: true,
        digital_unit: false,
        rules: AID,
    },
];

impl Entry {
    /// The entry as the API's create request, so it passes the API's own checks.
    fn request(&self) -> CreateType {
        let rules = self
            .rules
            .iter()
            .map(|r| RuleInput {
                name: Some(r.name.into()),
                interval_days: Some(r.interval_days),
                lead_days: None,
                kind: Some(r.kind.as_str().into()),
                due_on_fit: Some(r.due_on_fit),
            })
            .collect();
        CreateType {
            code: Some(self.code.into()),
            name: Some(self.name.into()),
            category: Some(self.category.into()),
            requires_decontamination: Some(self.requires_decontamination),
            digital_unit: Some(self.digital_unit),
            check_rules: Some(rules),
            ..CreateType::default()
        }
    }
}

/// What a load did: the types it created, and the codes it left alone because they exist.
#[derive(Debug, Default)]
pub struct Loaded {
    pub added: Vec<TypeView>,
    pub skipped: Vec<&'static str>,
}

/// Creates every starter type whose code is not taken, in the caller's transaction; a type
/// that exists is left as it is, whatever its rules.
pub fn load(conn: &mut DbConn) -> Result<Loaded, AppError> {
    let mut loaded = Loaded::default();
    for entry in &STARTER {
        if types::by_code(conn, entry.code)?.is_some() {
            loaded.skipped.push(entry.code);
        } else {
            loaded.added.push(catalogue::add_type(conn, &entry.request())?);
        }
    }
    Ok(loaded)
}

/// The first start's load: only into a catalogue with no types at all, so that a service
/// that keeps its own catalogue never has starter types mixed into it by a restart.
pub fn load_into_empty(conn: &mut DbConn) -> Result<Option<Loaded>, AppError> {
    if types::count(conn)? > 0 {
        return Ok(None);
    }
    load(conn).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_starter_category_is_one_the_catalogue_accepts() {
        for entry in &STARTER {
            assert!(
                catalogue::CATEGORIES.contains(&entry.category),
                "{} has the category {}",
                entry.code,
                entry.category
            );
        }
    }

    #[test]
    fn starter_codes_are_distinct_and_already_in_their_stored_form() {
        let mut codes: Vec<&str> = STARTER.iter().map(|e| e.code).collect();
        assert!(codes.iter().all(|c| *c == c.to_ascii_uppercase()));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), STARTER.len());
    }

    #[test]
    fn everything_that_lifts_a_person_is_examined_from_its_fit() {
        for entry in STARTER
            .iter()
            .filter(|e| ["stairlift", "hoist", "sling"].contains(&e.category) || e.code == "BATH-LIFT")
        {
            assert!(
                entry
                    .rules
                    .iter()
                    .any(|r| r.kind == CheckKind::Examination && r.due_on_fit && r.interval_days <= 182),
                "{} is not examined every six months from its fit",
                entry.code
            );
        }
    }
}
