//! Which items a recall reaches: the request checked, and the one query both the preview and
//! the opening use, so that what a person confirms is what gets recalled.

use crate::db::items::{self, Item};
use crate::db::{DbConn, recalls, types};
use crate::domain::serial::SerialRange;
use crate::domain::validate::Errors;
use crate::error::AppError;

use super::CreateRecall;

enum Scope {
    Serials(SerialRange),
    Batch(String),
}

impl Scope {
    fn matches(&self, item: &Item) -> bool {
        match self {
            Self::Serials(range) => item.serial_number.as_deref().is_some_and(|s| range.contains(s)),
            Self::Batch(batch) => item
                .batch
                .as_deref()
                .is_some_and(|b| b.trim().eq_ignore_ascii_case(batch)),
        }
    }
}

/// A recall request that passed every check: fields, type, scope, a reference not yet used.
pub(super) struct Checked {
    pub reference: String,
    pub title: String,
    pub equipment_type: types::EquipmentType,
    pub serial_from: Option<String>,
    pub serial_to: Option<String>,
    pub batch: Option<String>,
    scope: Scope,
}

pub(super) fn check(conn: &mut DbConn, req: &CreateRecall) -> Result<Checked, AppError> {
    let mut errors = Errors::default();
    let reference = errors.required("reference", req.reference.as_deref(), 100);
    let title = errors.required("title", req.title.as_deref(), 300);
    let code = errors
        .required("type", req.type_code.as_deref(), 64)
        .to_ascii_uppercase();
    let from = errors.optional("serial_from", req.serial_from.as_deref(), 200);
    let to = errors.optional("serial_to", req.serial_to.as_deref(), 200);
    let batch = errors.optional("batch", req.batch.as_deref(), 200);
    let scope = match (&from, &to, &batch) {
        (Some(f), Some(t), None) => SerialRange::new(f, t)
            .map(Scope::Serials)
            .map_err(|m| errors.add("serial_from", m))
            .ok(),
        (None, None, Some(b)) => Some(Scope::Batch(b.clone())),
        (Some(_), None, None) => {
            errors.add("serial_to", "is required with serial_from");
            None
        }
        (None, Some(_), None) => {
            errors.add("serial_from", "is required with serial_to");
            None
        }
        _ => {
            errors.add("batch", "give either serial_from and serial_to, or batch");
            None
        }
    };
    let equipment_type = if code.is_empty() {
        None
    } else {
        types::by_code(conn, &code)?
    };
    if !code.is_empty() && equipment_type.is_none() {
        errors.add("type", format!("no equipment type has the code {code:?}"));
    }
    errors.finish()?;
    let (Some(equipment_type), Some(scope)) = (equipment_type, scope) else {
        return Err(AppError::invalid("body", "incomplete recall"));
    };
    if recalls::by_reference(conn, &reference)?.is_some() {
        return Err(AppError::conflict(format!(
            "a recall with the reference {reference:?} is already recorded"
        )));
    }
    Ok(Checked {
        reference,
        title,
        equipment_type,
        serial_from: from,
        serial_to: to,
        batch,
        scope,
    })
}

/// Every item the checked recall reaches: of its type, not condemned, in its scope; by tag.
pub(super) fn affected(conn: &mut DbConn, checked: &Checked) -> Result<Vec<Item>, AppError> {
    let mut found: Vec<Item> = items::not_condemned_of_type(conn, checked.equipment_type.id)?
        .into_iter()
        .filter(|i| checked.scope.matches(i))
        .collect();
    found.sort_by(|a, b| a.asset_tag.cmp(&b.asset_tag));
    Ok(found)
}
