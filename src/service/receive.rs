//! Receiving stock: several items of one type at once, by count or by serial numbers, all
//! or none. Each goes through `items::create`, the API's own way to register one item.

use super::Actor;
use super::items::{self, CreateItem};
use super::views::ItemView;
use crate::db::DbConn;
use crate::domain::roles::Action;
use crate::domain::validate::Errors;
use crate::error::AppError;

/// Most items received at once: a delivery, and a sheet of labels of reasonable size.
pub const MAX_RECEIVE: usize = 500;

#[derive(Debug, Default)]
pub struct Receive {
    pub type_code: String,
    /// How many items without serial numbers; or
    pub count: Option<i64>,
    /// one item per serial number.
    pub serials: Vec<String>,
    pub batch: Option<String>,
    pub location_id: Option<i64>,
}

impl Receive {
    /// The serial numbers one per line, blank lines ignored.
    pub fn serial_lines(text: &str) -> Vec<String> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// Registers the items; call inside one transaction, so that a refused one leaves none.
pub fn receive(
    conn: &mut DbConn,
    actor: &Actor,
    req: &Receive,
    prefix: &str,
    public_url: &str,
) -> Result<Vec<ItemView>, AppError> {
    actor.require(Action::ManageItems)?;
    let mut errors = Errors::default();
    let serials: Vec<Option<String>> = match (req.count, req.serials.is_empty()) {
        (Some(_), false) => {
            errors.add("count", "give a count or a list of serial numbers, not both");
            Vec::new()
        }
        (None, true) => {
            errors.add("count", "give how many items, or their serial numbers");
            Vec::new()
        }
        (Some(n), true) if n < 1 || n as usize > MAX_RECEIVE => {
            errors.add("count", format!("must be from 1 to {MAX_RECEIVE}"));
            Vec::new()
        }
        (Some(n), true) => vec![None; n as usize],
        (None, false) => {
            if req.serials.len() > MAX_RECEIVE {
                errors.add("serials", format!("at most {MAX_RECEIVE} at once"));
            }
            for (i, s) in req.serials.iter().enumerate() {
                if req.serials[..i].contains(s) {
                    errors.add("serials", format!("{s:?} is listed twice"));
                }
            }
            req.serials.iter().cloned().map(Some).collect()
        }
    };
    errors.finish()?;
    serials
        .into_iter()
        .map(|serial_number| {
            let one = CreateItem {
                type_code: Some(req.type_code.clone()),
                serial_number,
                batch: req.batch.clone(),
                location_id: req.location_id,
                ..Default::default()
            };
            items::create(conn, actor, &one, prefix, public_url)
        })
        .collect()
}
