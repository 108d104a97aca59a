//! `equiptrack copy --to URL`: a service populated through the API on SQLite, copied to a
//! fresh PostgreSQL database and back, answers the same; refusals; and the table list that
//! a new table cannot escape.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::cli::equiptrack;
use crate::support::{TestApp, postgres_cluster, postgres_missing_reason};

both_backends! {
    async fn every_table_of_the_migrated_schema_is_copied_or_excluded_by_name(app: TestApp) {
        // Fails when a migration adds a table that db::copy::tables does not name (or the
        // list names one the schema no longer has): say there what a copy does with it.
        equiptrack::db::copy::check_table_list(&app.db).unwrap();
    }
}

/// A service's answers that a copy must keep, with the service's own address taken out.
async fn answers(app: &TestApp, token: &str, clients: &[i64]) -> Vec<(String, String)> {
    let mut paths: Vec<String> = vec![
        "/api/v1/items?per_page=100".into(),
        // The search indexes: rebuilt on the target as its rows are written.
        "/api/v1/items?q=lot-2".into(),
        "/api/v1/items?q=copeland".into(),
        "/api/v1/items?q=ls61a".into(),
        "/api/v1/equipment-types".into(),
        "/api/v1/locations".into(),
        "/api/v1/recalls".into(),
        "/api/v1/recalls/1".into(),
        "/api/v1/notifications?per_page=100".into(),
        "/api/v1/audit?per_page=100".into(),
        "/api/v1/reports/overdue?as_of=2027-09-01".into(),
    ];
    for n in 1..=6 {
        paths.push(format!("/api/v1/items/EQ-{n:06}"));
        paths.push(format!("/api/v1/items/EQ-{n:06}/events"));
        paths.push(format!("/api/v1/items/EQ-{n:06}/checks"));
    }
    for id in clients {
        paths.push(format!("/api/v1/clients/{id}"));
    }
    let mut out = Vec::new();
    for path in paths {
        let r = app.get(&path, token).await;
        assert!(
            r.status == 200 || path.ends_with("/checks"),
            "{path}: {}",
            r.status
        );
        out.push((path, r.text().replace(&app.base, "BASE")));
    }
    out
}

fn compare(before: &[(String, String)], after: &[(String, String)], what: &str) {
    for ((path, a), (_, b)) in before.iter().zip(after) {
        let (a, b): (Value, Value) = (
            serde_json::from_str(a).unwrap_or(Value::String(a.clone())),
            serde_json::from_str(b).unwrap_or(Value::String(b.clone())),
        );
        assert_eq!(a, b, "{what}: {path} answers differently");
    }
}

fn run_copy(app: &TestApp, from: &str, to: &str) -> std::process::Output {
    equiptrack(app.dir.path(), from)
        .args(["copy", "--to", to])
        .output()
        .unwrap()
}

/// Types, a store, clients, items in several states with history, checks passed and failed,
/// a recall, mail sent through the outbox, an erased client.
async fn populate(app: &TestApp) -> Vec<i64> {
    app.stairlift_type().await;
    app.frame_type().await;
    let store = app.store("Main store").await;
    let (worker, worker_token) = app.user_with_id("worker");
    let a = app.client_person("CP-1", "Agnes Copeland", "LS6 1AA").await;
    let b = app.client_person("CP-2", "Bernard O'Neill", "LS7 2BB").await;
    let gone = app.client_person("CP-3", "Carys Gone", "LS8 3CC").await;
    for serial in ["SN1", "SN2", "SN3"] {
        app.item(
            "STAIRLIFT-STRAIGHT",
            json!({"serial_number": serial, "location_id": store}),
        )
        .await;
    }
    for batch in ["lot-1", "lot-2", "lot-2"] {
        app.item("FRAME-WALKING", json!({"batch": batch, "location_id": store}))
            .await;
    }
    let mv = |tag: &str, m: &str| format!("/api/v1/items/{tag}/{m}");
    let issue = |client: i64| json!({"client_id": client, "worker_id": worker});
    app.post(&mv("EQ-000001", "issue"), &app.admin, issue(a))
        .await
        .expect(200);
    app.post(
        &mv("EQ-000001", "fit"),
        &worker_token,
        json!({"client_id": a, "fitted_at": "2026-10-05", "notes": "fitted on the landing"}),
    )
    .await
    .expect(200);
    app.post(
        &mv("EQ-000001", "checks"),
        &worker_token,
        json!({"rule": "LOLER thorough examination", "outcome": "pass", "notes": "all good"}),
    )
    .await
    .expect(200);
    app.post(&mv("EQ-000002", "issue"), &app.admin, issue(b))
        .await
        .expect(200);
    app.post(
        &mv("EQ-000002", "fit"),
        &worker_token,
        json!({"client_id": b, "fitted_at": "2026-10-06"}),
    )
    .await
    .expect(200);
    app.post(
        &mv("EQ-000002", "checks"),
        &worker_token,
        json!({"rule": "manufacturer service", "outcome": "fail", "notes": "rail loose"}),
    )
    .await
    .expect(200);
    app.post(&mv("EQ-000004", "issue"), &app.admin, issue(gone))
        .await
        .expect(200);
    app.post(
        &mv("EQ-000004", "return"),
        &app.admin,
        json!({"notes": "not needed"}),
    )
    .await
    .expect(200);
    app.post(
        &mv("EQ-000006", "condemn"),
        &app.admin,
        json!({"reason_code": "beyond_repair", "reason": "bent"}),
    )
    .await
    .expect(200);
    app.post(
        "/api/v1/recalls",
        &app.admin,
        json!({"reference": "FSN-1", "title": "Weld may crack", "type": "FRAME-WALKING", "batch": "lot-2"}),
    )
    .await
    .expect(201);
    app.delete(&format!("/api/v1/clients/{gone}"), &app.admin)
        .await
        .expect(200);
    app.outbox.notify_one();
    // Mail settles (sent) before the copy, so the two services' outboxes stay alike.
    let started = Instant::now();
    loop {
        let n = app
            .get("/api/v1/notifications?per_page=100", &app.admin)
            .await
            .expect(200)
            .json();
        let total = n["total"].as_i64().unwrap();
        let sent = n["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["status"] == "sent")
            .count() as i64;
        if total > 0 && sent == total {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the outbox never emptied: {n}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
    vec![a, b, gone]
}

/// A client created with an Idempotency-Key, as a phone sends it and sends it again.
async fn retry(on: &TestApp, token: &str) -> crate::support::Reply {
    let auth = format!("Bearer {token}");
    let body =
        json!({"reference": "CP-K", "name": "Kit Keyed", "address": "2 Low Road", "postcode": "LS2 7KK"});
    on.request_with(
        "POST",
        "/api/v1/clients",
        &[
            ("Authorization", auth.as_str()),
            ("Idempotency-Key", "sent-before-the-copy"),
        ],
        Some(("application/json", body.to_string().into_bytes())),
    )
    .await
}

#[actix_web::test]
async fn a_sqlite_service_copied_to_postgres_and_back_answers_the_same() {
    let Some(cluster) = postgres_cluster() else {
        eprintln!("SKIPPED on PostgreSQL: {}", postgres_missing_reason());
        return;
    };
    let app = TestApp::spawn(crate::support::Backend::Sqlite).await.unwrap();
    let clients = populate(&app).await;
    // A write sent with an Idempotency-Key: a retry of it must still find its answer on a copy.
    let first = retry(&app, &app.admin).await.expect(201).text();
    let before = answers(&app, &app.admin, &clients).await;
    let sqlite_url = app.settings.database.target.to_url();

    let pg_url = cluster.create_database();
    let out = run_copy(&app, &sqlite_url, &pg_url);
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("events: 1"), "{said}");
    assert!(said.contains("sessions: not copied"), "{said}");

    // The copy answers as the original did, to the original's token (tokens are copied).
    let on_pg = TestApp::spawn_on(tempfile::tempdir().unwrap(), &pg_url).await;
    assert_eq!(
        retry(&on_pg, &app.admin).await.expect(201).text(),
        first,
        "the key and its answer are copied"
    );
    compare(
        &before,
        &answers(&on_pg, &app.admin, &clients).await,
        "PostgreSQL copy",
    );
    // New rows get new ids: the sequences were moved past the copied ones.
    let item = on_pg
        .item("FRAME-WALKING", json!({"serial_number": "NEW-1"}))
        .await;
    assert_eq!(item["asset_tag"], "EQ-000007");
    let client = on_pg.client_person("CP-4", "Dev New", "LS9 4DD").await;
    assert!(client > clients[2]);
    on_pg
        .post(
            "/api/v1/items/EQ-000007/quarantine",
            &on_pg.admin,
            json!({"reason": "check"}),
        )
        .await
        .expect(200);
    let mut clients = clients;
    clients.push(client);
    let on_pg_answers = answers(&on_pg, &app.admin, &clients).await;

    // Refused: a target that is not empty, and one of the same backend.
    let again = run_copy(&app, &sqlite_url, &pg_url);
    assert!(!again.status.success());
    let why = String::from_utf8_lossy(&again.stderr);
    assert!(why.contains("not empty") && why.contains("staff"), "{why}");
    let same = run_copy(
        &app,
        &sqlite_url,
        &format!("sqlite://{}", app.dir.path().join("other.db").display()),
    );
    assert!(!same.status.success());
    assert!(String::from_utf8_lossy(&same.stderr).contains("both databases are SQLite"));

    // And back, into a new SQLite file.
    let back_dir = tempfile::tempdir().unwrap();
    let back_url = format!("sqlite://{}", back_dir.path().join("back.db").display());
    let out = run_copy(&app, &pg_url, &back_url);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let on_sqlite = TestApp::spawn_on(back_dir, &back_url).await;
    assert_eq!(retry(&on_sqlite, &app.admin).await.expect(201).text(), first);
    compare(
        &on_pg_answers,
        &answers(&on_sqlite, &app.admin, &clients).await,
        "copied back to SQLite",
    );
    let item = on_sqlite.item("FRAME-WALKING", json!({})).await;
    assert_eq!(item["asset_tag"], "EQ-000008");
    on_sqlite.client_person("CP-5", "Eve Later", "LS10 5EE").await;
    on_pg.server().stop(false).await;
    on_sqlite.server().stop(false).await;
    app.server().stop(false).await;
}

#[actix_web::test]
async fn a_copy_refuses_a_table_it_does_not_know_and_writes_nothing() {
    let Some(cluster) = postgres_cluster() else {
        eprintln!("SKIPPED on PostgreSQL: {}", postgres_missing_reason());
        return;
    };
    let app = TestApp::spawn(crate::support::Backend::Sqlite).await.unwrap();
    app.frame_type().await;
    let pg_url = cluster.create_database();
    {
        use diesel::{Connection, RunQueryDsl};
        let mut c = diesel::pg::PgConnection::establish(&pg_url).unwrap();
        diesel::sql_query("CREATE TABLE stray (id BIGINT PRIMARY KEY)")
            .execute(&mut c)
            .unwrap();
    }
    let out = run_copy(&app, &app.settings.database.target.to_url(), &pg_url);
    assert!(!out.status.success());
    let why = String::from_utf8_lossy(&out.stderr);
    assert!(why.contains("tables copy does not know: stray"), "{why}");
    let target =
        equiptrack::db::Db::connect(&equiptrack::db::DatabaseTarget::parse(&pg_url).unwrap(), 1).unwrap();
    let staff = target.read(|c| Ok(equiptrack::db::staff::count(c)?)).unwrap();
    assert_eq!(staff, 0, "nothing was written");
    let bad = run_copy(&app, &app.settings.database.target.to_url(), "mysql://x/y");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--to"));
    app.server().stop(false).await;
}
