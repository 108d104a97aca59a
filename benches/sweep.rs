//! The reminder sweep over a large register: 1,000,000 items in homes, 50,000 checks due or
//! overdue, 500 workers. Not a criterion bench: one timed run on a freshly filled database,
//! reporting the time and the process's peak memory during the sweep.
//!
//!   cargo bench --bench sweep                         # SQLite in a temporary folder
//!   BENCH_DATABASE_URL=postgres://… cargo bench --bench sweep
//!   scripts/bench-sweep.sh                            # both, with a throwaway PostgreSQL
//!
//! BENCH_ITEMS and BENCH_WORKERS change the size.

use std::time::Instant;

use chrono::NaiveDate;
use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use equiptrack::app::open_database;
use equiptrack::config::Settings;
use equiptrack::db::{Db, DbConn};
use equiptrack::jobs::sweep::sweep;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rss(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// Fills the register with SQL, not the API: the sweep is what is measured.
fn fill(db: &Db, items: u64, workers: u64, as_of: NaiveDate) {
    let sqlite = db.target().is_sqlite();
    // A date `days` after `as_of`, in each backend's own arithmetic.
    let date = |days: &str| {
        if sqlite {
            format!("date('{as_of}', ({days}) || ' days')")
        } else {
            format!("(DATE '{as_of}' + ({days})::int)")
        }
    };
    let clients = (items / 10).max(1);
    let active = if sqlite { "1" } else { "TRUE" };
    let sql = format!(
        "INSERT INTO equipment_types (code, name, category, requires_decontamination, created_at)
             VALUES ('FRAME', 'Walking frame', 'walking_aid', {active}, '2026-01-01 00:00:00');
         INSERT INTO check_rules (type_id, name, interval_days) VALUES (1, 'safety check', 365);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {workers})
         INSERT INTO staff (email, name, role, active, created_at)
             SELECT 'worker' || i || '@bench.example', 'Worker ' || i, 'worker', {active}, '2026-01-01 00:00:00' FROM n;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {clients})
         INSERT INTO clients (reference, name, address, postcode, created_at, updated_at)
             SELECT 'C' || i, 'Client ' || i, i || ' High Street', 'LS' || (i % 30) || ' ' || (i % 9) || 'AB',
                    '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM n;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {items})
         INSERT INTO items (asset_tag, type_id, status, client_id, worker_id, fitted_at, search_key, version,
                            created_at, updated_at)
             SELECT 'B-' || i, 1, 'in_use', (i % {clients}) + 1, ((i / 20) % {workers}) + 1, {fitted}, 'b-' || i, 1,
                    '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM n;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {items})
         INSERT INTO item_checks_due (item_id, rule_id, next_due)
             SELECT i, 1, CASE WHEN i % 20 = 0 THEN {soon} ELSE {later} END FROM n;",
        fitted = date("-200"),
        // One item in twenty: from 10 days overdue to 9 days ahead, within the 14-day lead.
        soon = date("(i / 20) % 20 - 10"),
        later = date("100 + i % 200"),
    );
    let mut conn = db.get().expect("connection");
    let conn: &mut DbConn = &mut conn;
    conn.batch_execute(&sql).expect("fill the register");
    if !sqlite {
        diesel::sql_query("ANALYZE").execute(conn).expect("analyze");
    }
}

fn main() {
    let items = env_or("BENCH_ITEMS", 1_000_000);
    let workers = env_or("BENCH_WORKERS", 500);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("sweep.db").display()));
    let env = vec![
        (
            "EQUIPTRACK__SERVER__DATA_DIR".to_string(),
            dir.path().display().to_string(),
        ),
        ("DATABASE_URL".to_string(), url),
    ];
    let settings = Settings::load_from(None, &env).expect("settings");
    let db = open_database(&settings).expect("database");
    let as_of = NaiveDate::from_ymd_opt(2027, 1, 14).unwrap();

    let started = Instant::now();
    fill(&db, items, workers, as_of);
    println!(
        "backend: {}; filled {items} items in homes, {workers} workers, in {:.1} s",
        if db.target().is_sqlite() {
            "SQLite"
        } else {
            "PostgreSQL"
        },
        started.elapsed().as_secs_f64()
    );

    // Peak memory is measured from here: writing 5 resets the process's high-water mark.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = rss("VmRSS:");
    let started = Instant::now();
    let summary = sweep(&db, &settings, as_of).expect("sweep");
    let elapsed = started.elapsed();
    println!(
        "sweep: {} checks due, {} digests queued in {:.2} s; RSS {} MiB before, peak {} MiB during",
        summary.due_checks,
        summary.queued,
        elapsed.as_secs_f64(),
        before,
        rss("VmHWM:")
    );
}
