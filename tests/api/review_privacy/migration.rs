//! A register written before notes had their own table: the migration moves every note, the
//! history reads as before, and erasing a client still reaches their old notes and mail.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};
use equiptrack::db::Db;
use equiptrack::domain::roles::Role;
use equiptrack::service::pages::Page;
use equiptrack::service::{Actor, erasure, export, items};

use crate::support::{postgres_cluster, postgres_missing_reason, test_settings};

const OLD: [(&str, &str, &str); 3] = [
    (
        "20261122000001",
        include_str!("../../../migrations/sqlite/2026-11-22-000001_register/up.sql"),
        include_str!("../../../migrations/postgres/2026-11-22-000001_register/up.sql"),
    ),
    (
        "20261122000002",
        include_str!("../../../migrations/sqlite/2026-11-22-000002_outbox/up.sql"),
        include_str!("../../../migrations/postgres/2026-11-22-000002_outbox/up.sql"),
    ),
    (
        "20261122000003",
        include_str!("../../../migrations/sqlite/2026-11-22-000003_sessions/up.sql"),
        include_str!("../../../migrations/postgres/2026-11-22-000003_sessions/up.sql"),
    ),
];

/// Winifred's stairlift as the old code wrote it: notes inline, the check without its client.
const LEGACY: &str = "
INSERT INTO staff (id, email, name, role, active, created_at) VALUES (1, 'a@x.example', 'Ada', 'admin', TRUE, '2026-10-01 09:00:00');
INSERT INTO clients (id, reference, name, address, postcode, created_at, updated_at)
    VALUES (1, 'SC-A', 'Winifred Blackwood', '7 Quarry Lane, Otley', 'LS21 1AB', '2026-10-01 09:00:00', '2026-10-01 09:00:00');
INSERT INTO equipment_types (id, code, name, category, requires_decontamination, created_at)
    VALUES (1, 'COMMODE', 'Commode', 'other', TRUE, '2026-10-01 09:00:00');
INSERT INTO check_rules (id, type_id, name, interval_days) VALUES (1, 1, 'safety check', 365);
INSERT INTO items (id, asset_tag, type_id, status, search_key, version, created_at, updated_at)
    VALUES (1, 'EQ-000001', 1, 'in_store', 'eq-000001', 6, '2026-10-01 09:00:00', '2026-10-05 09:00:00');
INSERT INTO events (id, item_id, occurred_at, staff_id, action, from_status, to_status, client_id, notes) VALUES
    (1, 1, '2026-10-01 09:00:00', 1, 'received', NULL, 'in_store', NULL, NULL),
    (2, 1, '2026-10-02 09:00:00', 1, 'fitted', 'issued', 'in_use', 1, 'key under the blue pot'),
    (3, 1, '2026-10-03 09:00:00', 1, 'check_passed', 'in_use', 'in_use', NULL, 'safety check: pass. Winifred is happy'),
    (4, 1, '2026-10-04 09:00:00', 1, 'returned', 'in_use', 'awaiting_decontamination', 1, 'collected'),
    (5, 1, '2026-10-05 09:00:00', 1, 'decontaminated', 'awaiting_decontamination', 'in_store', NULL, 'method: wipe. soiled'),
    (6, 1, '2026-10-06 09:00:00', 1, 'updated', NULL, NULL, NULL, 'changed batch');
INSERT INTO safety_checks (id, item_id, rule_id, outcome, performed_at, performed_by, notes, recorded_at)
    VALUES (1, 1, 1, 'pass', '2026-10-03', 1, 'safety check: pass. Winifred is happy', '2026-10-03 09:00:00');
INSERT INTO decontaminations (id, item_id, method, notes, performed_by, performed_at)
    VALUES (1, 1, 'wipe', 'method: wipe. soiled', 1, '2026-10-05 09:00:00');
INSERT INTO notifications (id, dedup_key, kind, recipient, subject, body_text, body_html, status, attempts, next_attempt_at, created_at)
    VALUES (1, 'digest:1', 'digest', 'w@x.example', 'Checks due',
            'EQ-000001 at Winifred Blackwood, 7 Quarry Lane, Otley, LS21 1AB', '<p>Winifred Blackwood, 7 Quarry Lane, Otley</p>',
            'sent', 1, '2026-10-02 07:00:00', '2026-10-02 07:00:00');
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

fn check_upgraded(url: &str, dir: &std::path::Path) {
    let settings = test_settings(dir, url, 1);
    let db: Db = equiptrack::app::open_database(&settings).expect("the new migration applies");
    let admin = Actor {
        id: 1,
        name: "Ada".into(),
        role: Role::Admin,
    };
    let page = Page::parse(None, None).unwrap();
    let history = db.read(|c| items::history(c, "EQ-000001", page)).unwrap();
    let notes: Vec<Option<String>> = history.items.iter().map(|e| e.notes.clone()).collect();
    assert_eq!(
        notes,
        [
            None,
            Some("key under the blue pot".into()),
            Some("safety check: pass. Winifred is happy".into()),
            Some("collected".into()),
            Some("method: wipe. soiled".into()),
            Some("changed batch".into()),
        ]
    );
    let before = db.write(|c| export::export(c, &admin, 1)).unwrap();
    assert_eq!(
        before.items[0].checks[0].notes.as_deref(),
        Some("safety check: pass. Winifred is happy")
    );
    assert_eq!(before.mail.len(), 1, "old mail is found by name and address");

    db.write(|c| erasure::erase(c, &admin, 1)).unwrap();
    let history = db.read(|c| items::history(c, "EQ-000001", page)).unwrap();
    let notes: Vec<Option<&str>> = history.items.iter().map(|e| e.notes.as_deref()).collect();
    assert_eq!(
        notes,
        [
            None,
            Some("[erased]"),
            Some("[erased]"),
            Some("[erased]"),
            Some("[erased]"),
            Some("changed batch")
        ],
        "the old check and cleaning belong to Winifred's visit; the store's own note stays"
    );
    let after = db.write(|c| export::export(c, &admin, 1)).unwrap();
    assert_eq!(after.items[0].checks[0].notes.as_deref(), Some("[erased]"));
    assert!(!after.mail[0].body_text.contains("Quarry") && !after.mail[0].body_text.contains("Winifred"));
    // New notes are numbered after the moved ones.
    db.write(|c| Ok(equiptrack::db::notes::insert(c, None, "new")?))
        .unwrap();
}

#[test]
fn notes_written_before_the_migration_move_and_stay_erasable_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let mut conn = SqliteConnection::establish(&path.display().to_string()).unwrap();
    load_old(&mut conn, true);
    drop(conn);
    check_upgraded(&format!("sqlite://{}", path.display()), dir.path());
}

#[test]
fn notes_written_before_the_migration_move_and_stay_erasable_on_postgres() {
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
