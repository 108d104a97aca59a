//! Who may do what. The one place the permission matrix lives; README shows it as a table.

use super::lifecycle::Move;
use super::stored::stored_words;

stored_words! {
    pub enum Role {
        Admin => "admin",
        Stores => "stores",
        Worker => "worker",
        Viewer => "viewer",
    }
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
    /// The office pages (`/office/...`) at all: viewers read them; what a page changes needs
    /// that change's own action (`ManageTypes`, `ManageStaff`, ...).
    UseOffice,
    /// Be made responsible for items and their checks (not an act of one's own: whoever
    /// issues or assigns an item asks it of the person named).
    BeResponsible,
    /// A hand-over's signature and its delivery or collection note (the client's name and
    /// address): those who fit, collect and issue, not viewers.
    ViewHandovers,
    /// Import a monitoring centre's events (test calls, heartbeats, low batteries, faults)
    /// with a token; a centre's own system sends them signed instead.
    ImportCentreEvents,
    /// Record or change the telecare installation in a client's home (anyone signed in
    /// reads it).
    ManageTelecare,
    Move(Move),
}

impl Role {
    /// A role as a person types it: any case, spaces around.
    pub fn from_input(raw: &str) -> Result<Self, String> {
        let word = raw.trim().to_ascii_lowercase();
        Self::parse(&word)
            .ok_or_else(|| format!("{word:?} is not a role: use admin, stores, worker or viewer"))
    }

    pub fn may(self, action: Action) -> bool {
        use super::lifecycle::Move as M;
        use Action::*;
        match self {
            Role::Admin => true,
            Role::Viewer => matches!(action, UseOffice),
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
                    | UseOffice
                    | BeResponsible
                    | ViewHandovers
                    | ImportCentreEvents
                    | ManageTelecare
                    | Move(
                        M::Issue
                            | M::Check
                            | M::Return
                            | M::Decontaminate
                            | M::Quarantine
                            | M::Release
                            | M::Condemn
                    )
            ),
            Role::Worker => matches!(
                action,
                BeResponsible | ViewHandovers | Move(M::Fit | M::Check | M::Return | M::Quarantine)
            ),
        }
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
        // Checks are recorded wherever the item is: in homes and in the store.
        assert!(
            Role::ALL
                .iter()
                .all(|r| r.may(Action::Move(Move::Check)) != (*r == Role::Viewer))
        );
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
    fn everyone_but_viewers_may_see_hand_overs() {
        for role in Role::ALL {
            assert_eq!(role.may(Action::ViewHandovers), role != Role::Viewer, "{role:?}");
        }
    }

    #[test]
    fn stores_and_admins_change_telecare_installations() {
        for role in Role::ALL {
            let stores = matches!(role, Role::Admin | Role::Stores);
            assert_eq!(role.may(Action::ManageTelecare), stores, "{role:?}");
        }
    }

    #[test]
    fn the_desk_is_for_stores_and_admins() {
        for role in Role::ALL {
            let stores = matches!(role, Role::Admin | Role::Stores);
            assert_eq!(role.may(Action::UseDesk), stores, "{role:?}");
        }
    }

    #[test]
    fn the_office_pages_are_for_everyone_but_workers_and_only_admins_change_types_or_staff() {
        for role in Role::ALL {
            assert_eq!(role.may(Action::UseOffice), role != Role::Worker, "{role:?}");
            assert_eq!(role.may(Action::ManageTypes), role == Role::Admin, "{role:?}");
            assert_eq!(role.may(Action::ManageStaff), role == Role::Admin, "{role:?}");
        }
        assert!(Role::Stores.may(Action::ListStaff) && !Role::Viewer.may(Action::ListStaff));
    }

    #[test]
    fn anyone_but_a_viewer_may_be_responsible_for_items() {
        for role in Role::ALL {
            assert_eq!(role.may(Action::BeResponsible), role != Role::Viewer, "{role:?}");
        }
    }
}
