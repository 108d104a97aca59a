//! Who may do what. The one place the permission matrix lives; README shows it as a table.

use serde::{Deserialize, Serialize};

use super::lifecycle::Move;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Stores,
    Worker,
    Viewer,
}

/// Everything that is not a plain read by signed-in staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ListStaff,
    ManageStaff,
    ManageTypes,
    ManageLocations,
    ManageClients,
    EraseClients,
    /// Everything held about one person, for a subject access request.
    ExportClients,
    ViewAudit,
    ManageItems,
    ManageRecalls,
    ViewNotifications,
    /// Send a failed email again.
    RetryNotifications,
    /// The record of reminder sweeps.
    ViewSweeps,
    /// The stores desk pages (`/desk`).
    UseDesk,
    /// Be made responsible for items and their checks (not an act of one's own: whoever
    /// issues or assigns an item asks it of the person named).
    BeResponsible,
    Move(Move),
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Stores, Role::Worker, Role::Viewer];

    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(Self::Admin),
            "stores" => Ok(Self::Stores),
            "worker" => Ok(Self::Worker),
            "viewer" => Ok(Self::Viewer),
            other => Err(format!(
                "{other:?} is not a role: use admin, stores, worker or viewer"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Stores => "stores",
            Self::Worker => "worker",
            Self::Viewer => "viewer",
        }
    }

    pub fn may(self, action: Action) -> bool {
        use super::lifecycle::Move as M;
        use Action::*;
        match self {
            Role::Admin => true,
            Role::Viewer => false,
            Role::Stores => matches!(
                action,
                ListStaff
                    | ManageLocations
                    | ManageClients
                    | ManageItems
                    | ManageRecalls
                    | ViewNotifications
                    | RetryNotifications
                    | ViewSweeps
                    | UseDesk
                    | BeResponsible
                    | Move(M::Issue | M::Return | M::Decontaminate | M::Quarantine | M::Release | M::Condemn)
            ),
            Role::Worker => matches!(
                action,
                BeResponsible | Move(M::Fit | M::Check | M::Return | M::Quarantine)
            ),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_holds() {
        assert!(Role::Admin.may(Action::ManageStaff));
        assert!(!Role::Stores.may(Action::ManageStaff));
        assert!(Role::Stores.may(Action::Move(Move::Issue)));
        assert!(!Role::Stores.may(Action::Move(Move::Fit)));
        assert!(Role::Worker.may(Action::Move(Move::Fit)));
        assert!(!Role::Worker.may(Action::Move(Move::Issue)));
        assert!(Role::Worker.may(Action::Move(Move::Quarantine)));
        assert!(
            Role::ALL
                .iter()
                .all(|r| r.may(Action::Move(Move::Return)) != (*r == Role::Viewer))
        );
        assert!(!Role::Viewer.may(Action::ManageItems));
        for mail in [Action::RetryNotifications, Action::ViewSweeps] {
            assert!(Role::Admin.may(mail) && Role::Stores.may(mail));
            assert!(!Role::Worker.may(mail) && !Role::Viewer.may(mail));
        }
        assert!(
            Role::ALL
                .iter()
                .all(|r| r.may(Action::ViewAudit) == (*r == Role::Admin))
        );
        assert!(
            Role::ALL
                .iter()
                .all(|r| r.may(Action::ExportClients) == (*r == Role::Admin))
        );
    }

    #[test]
    fn the_desk_is_for_stores_and_admins() {
        for role in Role::ALL {
            let stores = matches!(role, Role::Admin | Role::Stores);
            assert_eq!(role.may(Action::UseDesk), stores, "{role:?}");
        }
    }

    #[test]
    fn anyone_but_a_viewer_may_be_responsible_for_items() {
        for role in Role::ALL {
            assert_eq!(role.may(Action::BeResponsible), role != Role::Viewer, "{role:?}");
        }
    }
}
