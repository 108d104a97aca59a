//! A register written under the loan clock (a return cleared every due date): the migration
//! `2026-12-02-100000_item_clock` moves each item onto the item's own clock, keeping every
//! recorded check.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};
use equiptrack::db::Db;
use equiptrack::service::views::{self, ItemView};
use serde_json::{Value, json};

use crate::support::{postgres_cluster, postgres_missing_reason, test_settings};

const OLD: [(&str, &str, &str); 3] = [
    (
        "20261122000001",
        include_str!("../../migrations/sqlite/2026-11-22-000001_register/up.sql"),
        include_str!("../../migrations/postgres/2026-11-22-000001_register/up.sql"),
    ),
    (
        "20261122000002",
        include_str!("../../migrations/sqlite/2026-11-22-000002_outbox/up.sql"),
        include_str!("../../migrations/postgres/2026-11-22-000002_outbox/up.sql"),
    ),
    (
        "20261122000003",
        include_str!("../../migrations/sqlite/2026-11-22-000003_sessions/up.sql"),
        include_str!("../../migrations/postgres/2026-11-22-000003_sessions/up.sql"),
    ),
];

/// Four items as the loan clock left them:
/// 1. a commode fitted, checked, returned and cleaned: its due date was cleared;
/// 2. a stairlift in use: one rule checked twice (the older check entered last), the other
///    failed once and never passed, so still running from the fit;
/// 3. a commode checked, then condemned;
/// 4. a commode never fitted nor checked.
const LEGACY: &str = "
INSERT INTO staff (id, email, name, role, active, created_at) VALUES (1, 'a@x.example', 'Ada', 'admin', TRUE, '2026-01-01 09:00:00');
INSERT INTO clients (id, reference, name, address, postcode, created_at, updated_at)
    VALUES (1, 'SC-A', 'Ann Lee', '1 High St', 'LS1 4AP', '2026-01-01 09:00:00', '2026-01-01 09:00:00');
INSERT INTO equipment_types (id, code, name, category, requires_decontamination, created_at) VALUES
    (1, 'COMMODE', 'Commode', 'other', TRUE, '2026-01-01 09:00:00'),
    (2, 'STAIRLIFT', 'Stairlift', 'stairlift', TRUE, '2026-01-01 09:00:00');
INSERT INTO check_rules (id, type_id, name, interval_days) VALUES
    (1, 1, 'safety check', 365), (2, 2, 'LOLER', 182), (3, 2, 'service', 365);
INSERT INTO items (id, asset_tag, type_id, status, client_id, fitted_at, last_checked_at, next_check_due,
                   search_key, version, created_at, updated_at) VALUES
    (1, 'EQ-000001', 1, 'in_store', NULL, NULL, NULL, NULL, 'eq-000001', 5, '2026-01-01 09:00:00', '2026-10-05 09:00:00'),
    (2, 'EQ-000002', 2, 'in_use', 1, '2026-03-01', '2026-08-01', '2027-01-30', 'eq-000002', 6, '2026-01-01 09:00:00', '2026-08-03 09:00:00'),
    (3, 'EQ-000003', 1, 'condemned', NULL, NULL, NULL, NULL, 'eq-000003', 4, '2026-01-01 09:00:00', '2026-06-01 09:00:00'),
    (4, 'EQ-000004', 1, 'in_store', NULL, NULL, NULL, NULL, 'eq-000004', 1, '2026-01-01 09:00:00', '2026-01-01 09:00:00');
INSERT INTO events (id, item_id, occurred_at, staff_id, action, from_status, to_status, client_id, notes) VALUES
    (1, 1, '2026-10-02 09:00:00', 1, 'fitted', 'issued', 'in_use', 1, NULL),
    (2, 1, '2026-10-04 09:00:00', 1, 'returned', 'in_use', 'awaiting_decontamination', 1, NULL),
    (3, 2, '2026-03-05 09:00:00', 1, 'fitted', 'issued', 'in_use', 1, NULL),
    (4, 3, '2026-04-01 09:00:00', 1, 'fitted', 'issued', 'in_use', 1, NULL),
    (5, 3, '2026-06-01 09:00:00', 1, 'condemned', 'in_store', 'condemned', NULL, 'broken');
INSERT INTO safety_checks (id, item_id, rule_id, outcome, performed_at, performed_by, notes, recorded_at) VALUES
    (1, 1, 1, 'pass', '2026-10-03', 1, NULL, '2026-10-03 09:00:00'),
    (2, 2, 2, 'pass', '2026-08-01', 1, NULL, '2026-08-01 09:00:00'),
    (3, 2, 2, 'pass', '2026-06-01', 1, NULL, '2026-08-02 09:00:00'),
    (4, 2, 3, 'fail', '2026-08-02', 1, 'drive', '2026-08-02 10:00:00'),
    (5, 3, 1, 'pass', '2026-05-01', 1, NULL, '2026-05-01 09:00:00');
INSERT INTO item_checks_due (item_id, rule_id, last_checked_at, next_due) VALUES
    (1, 1, '2026-10-03', NULL),
    (2, 2, '2026-08-01', '2027-01-30'),
    (2, 3, NULL, '2027-03-01'),
    (3, 1, '2026-05-01', NULL);
";

fn load_old(conn: &mut impl SimpleConnection, sqlite: bool) {
    conn.batch_execute(
        "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, \
         run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
    )
    .unwrap();
    for (version, lite, pg) in OLD {
        conn.batch_execute(if sqlite { lite } else { pg }).unwrap();
        conn.batch_execute(&format!(
            "INSERT INTO __diesel_schema_migrations (version) VALUES ('{version}')"
        ))
        .unwrap();
    }
    conn.batch_execute(LEGACY).unwrap();
}

/// (first fit, last check, next check) and each rule's (last, next).
fn clock(view: &ItemView) -> Value {
    json!({
        "first_fitted_at": view.first_fitted_at,
        "last_checked_at": view.last_checked_at,
        "next_check_due": view.next_check_due,
        "rules": view.checks_due.iter().map(|d| json!([d.rule, d.last_checked_at, d.next_due])).collect::<Vec<_>>(),
    })
}

fn check_upgraded(url: &str, dir: &std::path::Path) {
    let settings = test_settings(dir, url, 1);
    let db: Db = equiptrack::app::open_database(&settings).expect("the new migration applies");
    let view = |tag: &'static str| db.read(move |c| views::by_tag(c, tag, "http://x")).unwrap();
    assert_eq!(
        clock(&view("EQ-000001")),
        json!({"first_fitted_at": "2026-10-02", "last_checked_at": "2026-10-03", "next_check_due": "2027-10-03",
               "rules": [["safety check", "2026-10-03", "2027-10-03"]]}),
        "back in store, its date restored from the check the return had cleared"
    );
    assert_eq!(
        clock(&view("EQ-000002")),
        json!({"first_fitted_at": "2026-03-01", "last_checked_at": "2026-08-01", "next_check_due": "2027-01-30",
               "rules": [["LOLER", "2026-08-01", "2027-01-30"], ["service", null, "2027-03-01"]]}),
        "the latest pass counts; a rule never passed runs from the first fit"
    );
    assert_eq!(
        clock(&view("EQ-000003")),
        json!({"first_fitted_at": "2026-04-01", "last_checked_at": "2026-05-01", "next_check_due": null,
               "rules": [["safety check", "2026-05-01", null]]}),
        "condemned: its checks are kept and its clock has ended"
    );
    assert_eq!(
        clock(&view("EQ-000004")),
        json!({"first_fitted_at": null, "last_checked_at": null, "next_check_due": null,
               "rules": [["safety check", null, null]]}),
        "stock never fitted nor checked has no due date"
    );
    // Every rule keeps its old behaviour until edited: an inspection on the default lead time.
    let rules = db.read(|c| Ok(equiptrack::db::types::rules_of(c, 2)?)).unwrap();
    assert!(
        rules
            .iter()
            .all(|r| r.lead_days.is_none() && !r.due_on_fit && r.kind.as_str() == "inspection")
    );
}

#[test]
fn items_move_onto_their_own_clock_keeping_every_check_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let mut conn = SqliteConnection::establish(&path.display().to_string()).unwrap();
    load_old(&mut conn, true);
    drop(conn);
    check_upgraded(&format!("sqlite://{}", path.display()), dir.path());
}

#[test]
fn items_move_onto_their_own_clock_keeping_every_check_on_postgres() {
    let Some(cluster) = postgres_cluster() else {
        eprintln!("SKIPPED on PostgreSQL: {}", postgres_missing_reason());
        return;
    };
    let url = cluster.create_database();
    let dir = tempfile::tempdir().unwrap();
    let mut conn = PgConnection::establish(&url).unwrap();
    load_old(&mut conn, false);
    drop(conn);
    check_upgraded(&url, dir.path());
}
