//! The telecare installation in a home and its digital switchover: how a home connects,
//! when it is digital-ready, and which dates each stage of the switchover needs. The UK's
//! analogue telephone network closes on 31 January 2027; no telecare user is to be moved
//! until a working digital solution is proven end to end.

use chrono::NaiveDate;

use super::stored::stored_words;

stored_words! {
    /// How the base unit reaches its monitoring centre.
    pub enum Connection {
        /// The analogue telephone line, switched off on 31 January 2027.
        Pstn => "pstn",
        IpBroadband => "ip_broadband",
        SimSingle => "sim_single",
        SimDual => "sim_dual",
        /// Broadband with a SIM as the second path.
        DualPath => "dual_path",
    }
}

stored_words! {
    /// Whether the home's router keeps the line up in a power cut.
    pub enum RouterBattery {
        Yes => "yes",
        No => "no",
        Unknown => "unknown",
    }
}

stored_words! {
    /// Where the home stands in the switchover.
    pub enum SwitchoverStatus {
        NotStarted => "not_started",
        Scheduled => "scheduled",
        Migrated => "migrated",
        /// Migrated, and an end-to-end test call after it reached the monitoring centre.
        Verified => "verified",
    }
}

/// The day the analogue network is switched off.
pub const SWITCH_OFF: NaiveDate = match NaiveDate::from_ymd_opt(2027, 1, 31) {
    Some(d) => d,
    None => panic!("a real date"),
};

/// The most responders an installation lists.
pub const MAX_RESPONDERS: usize = 10;

/// Digital-ready: the connection is not the analogue line and the base unit's type is a
/// digital unit (`base_unit_digital`: the type's flag; `None`: no base unit recorded).
pub fn digital_ready(connection: Connection, base_unit_digital: Option<bool>) -> bool {
    connection != Connection::Pstn && base_unit_digital == Some(true)
}

impl SwitchoverStatus {
    /// The home has moved off the analogue line.
    pub fn moved(self) -> bool {
        matches!(self, Self::Migrated | Self::Verified)
    }
}

/// An analogue home left to move: not digital-ready, and not yet migrated.
pub fn analogue_left(digital_ready: bool, status: SwitchoverStatus) -> bool {
    !digital_ready && !status.moved()
}

/// Migrated but never proven: no end-to-end test call recorded.
pub fn untested(status: SwitchoverStatus, tested: bool) -> bool {
    status.moved() && !tested
}

/// Days from `today` to the switch-off (negative once it has passed).
pub fn days_to_switch_off(today: NaiveDate) -> i64 {
    (SWITCH_OFF - today).num_days()
}

/// The switchover's stage and its dates, as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Switchover {
    pub status: SwitchoverStatus,
    pub scheduled_on: Option<NaiveDate>,
    pub migrated_on: Option<NaiveDate>,
    pub end_to_end_test_on: Option<NaiveDate>,
}

impl Switchover {
    /// What is wrong with the dates for the stage, each as (field, message): a stage needs
    /// the date that marks it, and a test call comes after the migration it proves.
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        use SwitchoverStatus::*;
        let mut out = Vec::new();
        if self.status == Scheduled && self.scheduled_on.is_none() {
            out.push(("scheduled_on", "is required when the switchover is scheduled"));
        }
        if self.status.moved() && self.migrated_on.is_none() {
            out.push(("migrated_on", "is required once the home is migrated"));
        }
        if self.status == Verified && self.end_to_end_test_on.is_none() {
            out.push((
                "end_to_end_test_on",
                "is required to mark the switchover verified: the date of the end-to-end test call",
            ));
        }
        match (self.migrated_on, self.end_to_end_test_on) {
            (Some(migrated), Some(test)) if test < migrated => {
                out.push(("end_to_end_test_on", "must not be before the migration date"));
            }
            // Once migrated, `migrated_on` is already asked for above.
            (None, Some(_)) if !self.status.moved() => {
                out.push((
                    "end_to_end_test_on",
                    "is the test call after migration: give migrated_on too",
                ));
            }
            _ => {}
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: &str) -> Option<NaiveDate> {
        Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap())
    }

    fn stage(status: SwitchoverStatus) -> Switchover {
        Switchover {
            status,
            scheduled_on: None,
            migrated_on: None,
            end_to_end_test_on: None,
        }
    }

    fn fields(s: &Switchover) -> Vec<&'static str> {
        s.problems().into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn digital_ready_needs_a_digital_base_unit_off_the_analogue_line() {
        assert!(digital_ready(Connection::SimDual, Some(true)));
        assert!(digital_ready(Connection::IpBroadband, Some(true)));
        assert!(!digital_ready(Connection::Pstn, Some(true)));
        assert!(!digital_ready(Connection::DualPath, Some(false)));
        // No base unit recorded: nobody knows it is digital.
        assert!(!digital_ready(Connection::SimSingle, None));
    }

    #[test]
    fn each_stage_needs_its_date() {
        use SwitchoverStatus::*;
        assert!(fields(&stage(NotStarted)).is_empty());
        assert_eq!(fields(&stage(Scheduled)), ["scheduled_on"]);
        assert_eq!(fields(&stage(Migrated)), ["migrated_on"]);
        assert_eq!(fields(&stage(Verified)), ["migrated_on", "end_to_end_test_on"]);
        let verified = Switchover {
            migrated_on: day("2026-11-02"),
            end_to_end_test_on: day("2026-11-03"),
            ..stage(Verified)
        };
        assert!(fields(&verified).is_empty());
        let migrated_only = Switchover {
            migrated_on: day("2026-11-02"),
            ..stage(Verified)
        };
        assert_eq!(fields(&migrated_only), ["end_to_end_test_on"]);
    }

    #[test]
    fn a_test_call_before_the_migration_or_without_one_is_refused() {
        use SwitchoverStatus::*;
        let early = Switchover {
            migrated_on: day("2026-11-02"),
            end_to_end_test_on: day("2026-11-01"),
            ..stage(Verified)
        };
        assert_eq!(fields(&early), ["end_to_end_test_on"]);
        let same_day = Switchover {
            end_to_end_test_on: day("2026-11-02"),
            ..early
        };
        assert!(fields(&same_day).is_empty());
        let no_migration = Switchover {
            end_to_end_test_on: day("2026-11-02"),
            ..stage(NotStarted)
        };
        assert_eq!(fields(&no_migration), ["end_to_end_test_on"]);
    }

    #[test]
    fn analogue_homes_left_and_untested_ones() {
        use SwitchoverStatus::*;
        assert!(analogue_left(false, NotStarted));
        assert!(analogue_left(false, Scheduled));
        assert!(!analogue_left(false, Migrated));
        assert!(!analogue_left(true, NotStarted));
        assert!(untested(Migrated, false));
        assert!(!untested(Migrated, true));
        assert!(!untested(Scheduled, false));
    }

    #[test]
    fn days_are_counted_to_the_last_day_of_january_2027() {
        assert_eq!(days_to_switch_off(day("2027-01-01").unwrap()), 30);
        assert_eq!(days_to_switch_off(day("2027-01-31").unwrap()), 0);
        assert_eq!(days_to_switch_off(day("2027-02-01").unwrap()), -1);
    }
}
