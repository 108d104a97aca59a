//! A kit's moves: every member moved by the one item move (`moves::perform_as_member`) in
//! the kit's one transaction, or none, with every member's refusal named.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{KitView, bump, check_version, kit_event, row_by_tag, view};
use crate::db::DbConn;
use crate::db::events::{self, NewEvent};
use crate::db::items;
use crate::db::kits::{self as kit_rows, NewKitEvent};
use crate::domain::asset_tag::AssetTag;
use crate::domain::field_schema::{optional_text, tags};
use crate::domain::lifecycle::Move;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::service::moves::{
    self, DecontaminateBody, FitBody, HandoverBody, IssueBody, MoveRequest, ReturnBody,
};
use crate::service::notify::MailContext;
use crate::service::{Actor, now};

/// A kit's collection: the item return's body, and the members not found.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KitReturnBody {
    #[schema(schema_with = optional_text::<2000>)]
    pub notes: Option<String>,
    /// Who handed the kit over, when it is collected from a client's home.
    pub handover: Option<HandoverBody>,
    /// Members not found at the collection: they stay where they are, and the kit's
    /// history and their own record them as missing. Each a member, once; not every member
    /// (422 naming `missing[i]` or `missing`).
    #[schema(schema_with = tags::<50>)]
    pub missing: Option<Vec<String>>,
    /// The kit's version as read.
    pub expected_version: Option<i64>,
}

/// A kit's move with its body: the item moves' own bodies, `expected_version` the kit's.
#[derive(Debug)]
pub enum KitMoveRequest {
    Issue(IssueBody),
    Fit(FitBody),
    Return(KitReturnBody),
    Decontaminate(DecontaminateBody),
}

/// One member that refused the move, and why, as the item's own move would have answered.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberRefusal {
    pub tag: String,
    /// The status the item's own move would have answered: 409 or 422.
    pub status: u16,
    /// `overdue_checks` (a check overdue: see `overdue_checks`), `status_not_allowed` (see
    /// `current_status` and `allowed_moves`), `invalid` (see `errors`) or `conflict`.
    pub code: String,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub overdue_checks: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub current_status: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
    pub allowed_moves: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<crate::error::FieldError>>,
}

impl MemberRefusal {
    /// A member's refusal, or the error itself when it is no refusal (the database).
    fn of(tag: &str, error: AppError) -> Result<Self, AppError> {
        let status = actix_web::ResponseError::status_code(&error).as_u16();
        let detail = error.to_string();
        let refusal = |code: &str| Self {
            tag: tag.to_string(),
            status,
            code: code.into(),
            detail: detail.clone(),
            overdue_checks: None,
            current_status: None,
            allowed_moves: None,
            errors: None,
        };
        match error {
            AppError::Conflict { extra, .. } => {
                let field = |name: &str| extra.as_ref().and_then(|e| e.get(name)).cloned();
                let (overdue, current, allowed) = (
                    field("overdue_checks"),
                    field("current_status"),
                    field("allowed_moves"),
                );
                let code = if overdue.is_some() {
                    "overdue_checks"
                } else if current.is_some() {
                    "status_not_allowed"
                } else {
                    "conflict"
                };
                Ok(Self {
                    overdue_checks: overdue,
                    current_status: current,
                    allowed_moves: allowed,
                    ..refusal(code)
                })
            }
            AppError::Validation(errors) => Ok(Self {
                errors: Some(errors),
                ..refusal("invalid")
            }),
            AppError::TooManyInvalid { listed, .. } => Ok(Self {
                errors: Some(listed),
                ..refusal("invalid")
            }),
            other => Err(other),
        }
    }
}

impl KitMoveRequest {
    /// The kit's history word for the move.
    fn action(&self) -> &'static str {
        match self {
            Self::Issue(_) => "issued",
            Self::Fit(_) => "fitted",
            Self::Return(_) => "returned",
            Self::Decontaminate(_) => "decontaminated",
        }
    }

    fn expected_version(&self) -> Option<i64> {
        match self {
            Self::Issue(b) => b.expected_version,
            Self::Fit(b) => b.expected_version,
            Self::Return(b) => b.expected_version,
            Self::Decontaminate(b) => b.expected_version,
        }
    }

    /// The item move each present member makes, and the members said to be missing.
    fn split(self) -> (MoveRequest, Vec<String>) {
        match self {
            Self::Issue(b) => (MoveRequest::Issue(b), Vec::new()),
            Self::Fit(b) => (MoveRequest::Fit(b), Vec::new()),
            Self::Decontaminate(b) => (MoveRequest::Decontaminate(b), Vec::new()),
            Self::Return(b) => (
                MoveRequest::Return(ReturnBody {
                    notes: b.notes,
                    handover: b.handover,
                    expected_version: b.expected_version,
                }),
                b.missing.unwrap_or_default(),
            ),
        }
    }
}

pub fn perform(
    conn: &mut DbConn,
    actor: &Actor,
    tag: &str,
    request: KitMoveRequest,
    mail: &MailContext,
) -> Result<KitView, AppError> {
    let (expected, action) = (request.expected_version(), request.action());
    let (request, missing) = request.split();
    let mv = request.the_move();
    actor.require(Action::Move(mv))?;
    let kit = row_by_tag(conn, tag)?;
    check_version(&kit, expected)?;
    let members = kit_rows::members(conn, kit.id)?;
    if members.is_empty() {
        return Err(AppError::conflict(format!(
            "the kit {} has no members: add its items first",
            kit.tag
        )));
    }
    let missing = missing_members(&members, &missing)?;
    let rows = items::get_many(conn, &members.iter().map(|m| m.item_id).collect::<Vec<_>>())?;
    let client_of = |id: i64| rows.iter().find(|r| r.id == id).and_then(|r| r.client_id);
    // Collected from whoever held the kit; issued or fitted to whoever the members go to.
    let mut client = members.iter().find_map(|m| client_of(m.item_id));
    let mut refused = Vec::new();
    let moving: Vec<&kit_rows::Member> = members.iter().filter(|m| !missing.contains(&m.item_id)).collect();
    for member in &moving {
        match moves::perform_as_member(conn, actor, &member.tag, &request, mail) {
            Ok(moved) => {
                if matches!(mv, Move::Issue | Move::Fit) {
                    client = moved.client.as_ref().map(|c| c.id).or(client);
                }
            }
            Err(e) => refused.push(MemberRefusal::of(&member.tag, e)?),
        }
    }
    if !refused.is_empty() {
        return Err(refusal(&kit.tag, mv.path(), refused, moving.len()));
    }
    bump(conn, &kit)?;
    let mut history: Vec<NewKitEvent> = vec![kit_event(&kit, actor, action, None, client)];
    for member in members.iter().filter(|m| missing.contains(&m.item_id)) {
        let held_by = client_of(member.item_id);
        history.push(kit_event(
            &kit,
            actor,
            "missing_at_collection",
            Some(member.item_id),
            held_by,
        ));
        events::insert(
            conn,
            &NewEvent {
                item_id: member.item_id,
                occurred_at: now(),
                staff_id: Some(actor.id),
                action: "missing_at_collection".into(),
                from_status: None,
                to_status: None,
                client_id: held_by,
                notes: Some(format!(
                    "not found when the kit {} was collected: it stays where it was",
                    kit.tag
                )),
            },
        )?;
    }
    kit_rows::insert_events(conn, &history)?;
    view(conn, actor, &kit.tag, &mail.public_url)
}

/// The ids of the members named missing: each a member, once, and not all of them.
fn missing_members(members: &[kit_rows::Member], named: &[String]) -> Result<HashSet<i64>, AppError> {
    let mut errors = crate::domain::validate::Errors::default();
    let mut ids = HashSet::new();
    for (i, raw) in named.iter().enumerate() {
        let field = format!("missing[{i}]");
        let tag = AssetTag::parse(raw)
            .map(AssetTag::into_string)
            .unwrap_or_default();
        match members.iter().find(|m| m.tag == tag) {
            None => errors.add(&field, format!("{:?} is not a member of this kit", raw.trim())),
            Some(m) if !ids.insert(m.item_id) => errors.add(&field, format!("{tag} is listed twice")),
            Some(_) => {}
        }
    }
    if !named.is_empty() && ids.len() == members.len() {
        errors.add(
            "missing",
            "names every member: with nothing found, record no collection",
        );
    }
    errors.finish()?;
    Ok(ids)
}

/// The kit's move refused: 422 when every member moving found the request itself invalid
/// (the body is wrong, whichever member reads it), else 409 naming each refused member and
/// why.
fn refusal(kit_tag: &str, path: &str, refused: Vec<MemberRefusal>, moving: usize) -> AppError {
    let all_invalid = refused.len() == moving && refused.iter().all(|r| r.errors.is_some());
    if let Some(errors) = refused
        .first()
        .and_then(|r| r.errors.clone())
        .filter(|_| all_invalid)
    {
        return AppError::Validation(errors);
    }
    let named: Vec<String> = refused
        .iter()
        .map(|r| format!("{} ({})", r.tag, r.detail))
        .collect();
    AppError::Conflict {
        detail: format!(
            "cannot {path} the kit {kit_tag}: {} refused, so nothing moved: {}",
            if refused.len() == 1 {
                "one member".to_string()
            } else {
                format!("{} members", refused.len())
            },
            named.join("; ")
        ),
        extra: Some(json!({ "refused_members": refused })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members() -> Vec<kit_rows::Member> {
        (1..=3)
            .map(|n| kit_rows::Member {
                item_id: n,
                tag: format!("EQ-00000{n}"),
            })
            .collect()
    }

    fn refused_fields(named: &[&str]) -> Vec<String> {
        let named: Vec<String> = named.iter().map(|t| t.to_string()).collect();
        match missing_members(&members(), &named) {
            Ok(_) => vec![],
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn the_missing_are_members_named_once_and_never_all_of_them() {
        assert_eq!(
            missing_members(&members(), &[" eq-000002 ".into()]).unwrap(),
            HashSet::from([2])
        );
        assert!(refused_fields(&[]).is_empty());
        assert_eq!(
            refused_fields(&["EQ-000009", "EQ-000001", "EQ-000001"]),
            ["missing[0]", "missing[2]"]
        );
        assert_eq!(
            refused_fields(&["EQ-000001", "EQ-000002", "EQ-000003"]),
            ["missing"]
        );
    }

    fn invalid(tag: &str) -> MemberRefusal {
        MemberRefusal::of(tag, AppError::invalid("client_id", "is required")).unwrap()
    }

    #[test]
    fn a_request_invalid_for_every_member_is_a_422_and_for_some_a_409_naming_them() {
        assert!(matches!(
            refusal(
                "KIT-000001",
                "issue",
                vec![invalid("EQ-000001"), invalid("EQ-000002")],
                2
            ),
            AppError::Validation(_)
        ));
        let AppError::Conflict { detail, extra } =
            refusal("KIT-000001", "issue", vec![invalid("EQ-000002")], 2)
        else {
            panic!("a 409");
        };
        assert!(
            detail.starts_with("cannot issue the kit KIT-000001: one member refused"),
            "{detail}"
        );
        assert_eq!(extra.unwrap()["refused_members"][0]["tag"], "EQ-000002");
        // The database failing is no member's refusal: it is the answer.
        assert!(MemberRefusal::of("EQ-000001", AppError::Unavailable("gone".into())).is_err());
    }
}
