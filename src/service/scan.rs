//! What a scan answers: the item, whether it is safe to use now and why not, and what the
//! person holding the scanner may do with it.

use serde::Serialize;

use super::kits::KitView;
use super::views::ItemView;
use super::{Actor, today};
use crate::db::{DbConn, recalls};
use crate::domain::asset_tag;
use crate::domain::checks::days_overdue;
use crate::domain::examination::defect_overdue;
use crate::domain::lifecycle::{Move, Status};
use crate::domain::roles::Action;
use crate::error::AppError;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Reason {
    /// `quarantined`, `condemned`, `awaiting_decontamination`, `recalled`, `check_overdue` or
    /// `defect_overdue` (an examination's defect still open after its remedy-by date).
    pub code: String,
    pub message: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ScanResult {
    pub item: ItemView,
    /// A plain yes or no.
    pub safe_to_use: bool,
    /// Why not, when it is not.
    pub reasons: Vec<Reason>,
    /// The moves the caller may make on the item now (the last segment of each move's path).
    pub actions: Vec<Move>,
}

/// What a scan answers: an item's label, or a kit's (its members' verdicts and its own).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum ScanAnswer {
    Item(Box<ScanResult>),
    Kit(Box<KitView>),
}

/// Resolves whatever a scanner produced to an item or a kit, or a 404 that says what was wrong.
pub fn scan(conn: &mut DbConn, actor: &Actor, code: &str, public_url: &str) -> Result<ScanAnswer, AppError> {
    let tag = asset_tag::from_scan(code, public_url).ok_or_else(|| {
        AppError::NotFound(format!(
            "{:?} is not one of our labels: scan an equiptrack QR code or type an asset tag",
            code.trim().chars().take(100).collect::<String>()
        ))
    })?;
    if tag.is_kit() {
        return Ok(ScanAnswer::Kit(Box::new(super::kits::view(
            conn,
            actor,
            tag.as_str(),
            public_url,
        )?)));
    }
    Ok(ScanAnswer::Item(Box::new(assess(
        conn,
        actor,
        tag.as_str(),
        public_url,
    )?)))
}

pub fn assess(conn: &mut DbConn, actor: &Actor, tag: &str, public_url: &str) -> Result<ScanResult, AppError> {
    let view = super::views::by_tag(conn, tag, public_url)?;
    verdict(conn, actor, view)
}

/// The verdict on an item already read, and what `actor` may do with it: the one rule of
/// "safe to use", for a scan, the label's page and the round a phone carries alike.
pub fn verdict(conn: &mut DbConn, actor: &Actor, view: ItemView) -> Result<ScanResult, AppError> {
    let mut reasons = Vec::new();
    let mut add = |code: &str, message: String| {
        reasons.push(Reason {
            code: code.into(),
            message,
        })
    };
    match view.status {
        Status::Quarantined => add(
            "quarantined",
            "quarantined: do not use until stores release it".into(),
        ),
        Status::Condemned => add("condemned", "condemned: never to be used again".into()),
        Status::AwaitingDecontamination => add(
            "awaiting_decontamination",
            "returned and not yet decontaminated".into(),
        ),
        _ => {}
    }
    if view.under_open_recall {
        for r in recalls::open_for_item(conn, view.id)? {
            add("recalled", format!("under recall {}: {}", r.reference, r.title));
        }
    }
    // The same rule that stops an issue or a fit, wherever the item is.
    let today = today();
    for due in view.overdue_on(today) {
        add(
            "check_overdue",
            format!(
                "{} overdue by {} days (due {})",
                due.rule,
                days_overdue(due.next_due, today),
                due.next_due
            ),
        );
    }
    for d in &view.open_defects {
        if let Some(by) = d.remedy_by.filter(|_| defect_overdue(d.remedy_by, today)) {
            add(
                "defect_overdue",
                format!("defect not remedied by {by}: {}: {}", d.part, d.description),
            );
        }
    }
    let actions = view
        .lifecycle()
        .allowed()
        .into_iter()
        .filter(|mv| actor.role.may(Action::Move(*mv)))
        .collect();
    Ok(ScanResult {
        safe_to_use: reasons.is_empty(),
        reasons,
        actions,
        item: view,
    })
}

/// A reason a kit may not be used: one member's reason, naming the member.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberReason {
    /// The member's asset tag; null for a reason of the kit itself (`empty`).
    pub tag: Option<String>,
    /// A member's reason code (see `Reason`), or `empty`: a kit with no members.
    pub code: String,
    pub message: String,
}

/// A kit's verdict, from its members' verdicts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KitVerdict {
    /// Yes only when the kit has members and every one is safe to use: one recalled or
    /// failed member makes the kit unsafe.
    pub safe_to_use: bool,
    /// Every unsafe member's reasons, each naming the member.
    pub reasons: Vec<MemberReason>,
    /// The kit's moves the caller may make on every member now.
    pub actions: Vec<Move>,
}

/// A kit is as safe as its least safe member, each judged by `verdict` alone.
pub fn kit_verdict(members: &[ScanResult]) -> KitVerdict {
    let mut reasons: Vec<MemberReason> = members
        .iter()
        .flat_map(|m| {
            m.reasons.iter().map(|r| MemberReason {
                tag: Some(m.item.asset_tag.clone()),
                code: r.code.clone(),
                message: format!("{}: {}", m.item.asset_tag, r.message),
            })
        })
        .collect();
    if members.is_empty() {
        reasons.push(MemberReason {
            tag: None,
            code: "empty".into(),
            message: "the kit has no members".into(),
        });
    }
    let actions = Move::KIT
        .into_iter()
        .filter(|mv| !members.is_empty() && members.iter().all(|m| m.actions.contains(mv)))
        .collect();
    KitVerdict {
        safe_to_use: reasons.is_empty(),
        reasons,
        actions,
    }
}
