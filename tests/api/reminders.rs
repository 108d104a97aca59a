use std::process::Command;
use std::time::Duration;

use chrono::NaiveDate;
use serde_json::json;

use crate::support::TestApp;

pub(crate) const STORES: &str = "stores@test.example";

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 7, 20).unwrap()
}

/// Two workers' rounds on Mon 20 Jul 2026, with a lead time of 14 days and escalation after 7:
/// answers (Wendy's email, Walt's email).
async fn rounds(app: &TestApp) -> (String, String) {
    app.stairlift_type().await;
    app.frame_type().await;
    let (wendy, _, wendy_email) = app.staff("worker");
    let (walt, _, walt_email) = app.staff("worker");
    let a = app.client_person("SC-A", "Margaret Oduya", "LS6 2AB").await;
    let b = app.client_person("SC-B", "Harold Finch", "LS1 4AP").await;
    let c = app.client_person("SC-C", "Ann Lee", "BD1 1AA").await;
    let fitted = [
        // tag, type, worker, client, fitted: the first check falls due one interval later.
        ("STAIRLIFT-STRAIGHT", wendy, a, "2026-01-01"), // EQ-000001 LOLER due Thu 2 Jul: 18 days overdue
        ("FRAME-WALKING", wendy, b, "2025-07-25"),      // EQ-000002 due Sat 25 Jul: due soon
        ("FRAME-WALKING", wendy, a, "2025-07-15"),      // EQ-000003 due Wed 15 Jul: 5 days overdue
        ("FRAME-WALKING", walt, c, "2025-07-30"),       // EQ-000004 due Thu 30 Jul: due soon
        ("FRAME-WALKING", walt, c, "2025-08-01"),       // EQ-000005 due Sat 1 Aug, then unassigned
        ("FRAME-WALKING", wendy, b, "2025-09-01"),      // EQ-000006 due 1 Sep: beyond the lead time
    ];
    for (n, (kind, worker, client, date)) in fitted.iter().enumerate() {
        let tag = format!("EQ-{:06}", n + 1);
        app.item(kind, json!({})).await;
        app.post(
            &format!("/api/v1/items/{tag}/issue"),
            &app.admin,
            json!({"client_id": client, "worker_id": worker}),
        )
        .await
        .expect(200);
        app.post(
            &format!("/api/v1/items/{tag}/fit"),
            &app.admin,
            json!({"fitted_at": date}),
        )
        .await
        .expect(200);
    }
    app.patch("/api/v1/items/EQ-000005", &app.admin, json!({"worker_id": null}))
        .await
        .expect(200);
    (wendy_email, walt_email)
}

pub(crate) async fn sweep(app: &TestApp, day: NaiveDate) -> equiptrack::jobs::sweep::SweepSummary {
    let (db, settings) = (app.db.clone(), app.settings.clone());
    let summary = actix_web::web::block(move || equiptrack::jobs::sweep::sweep(&db, &settings, day))
        .await
        .unwrap()
        .expect("sweep");
    app.outbox.notify_one();
    summary
}

pub(crate) fn cli(app: &TestApp) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_equiptrack"));
    cmd.current_dir(app.dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("EQUIPTRACK__SERVER__DATA_DIR", app.dir.path())
        .env("EQUIPTRACK__SERVER__PUBLIC_URL", &app.base)
        .env("DATABASE_URL", app.settings.database.target.to_url())
        .env("EQUIPTRACK__MAIL__TRANSPORT", "smtp")
        .env("EQUIPTRACK__MAIL__SMTP_HOST", "127.0.0.1")
        .env("EQUIPTRACK__MAIL__SMTP_PORT", app.smtp.port.to_string())
        .env("EQUIPTRACK__MAIL__SMTP_SECURITY", "none")
        .env("EQUIPTRACK__MAIL__STORES_ADDRESS", STORES)
        .env("EQUIPTRACK__LOG__LEVEL", "error");
    cmd
}

/// Each recipient's count of messages, after giving stragglers a moment.
pub(crate) async fn settle(app: &TestApp) -> Vec<(String, usize)> {
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    let mut counts: Vec<(String, usize)> = Vec::new();
    for m in app.smtp.messages() {
        let to = m.to.join(",");
        match counts.iter_mut().find(|(t, _)| *t == to) {
            Some((_, n)) => *n += 1,
            None => counts.push((to, 1)),
        }
    }
    counts.sort();
    counts
}

both_backends! {
    async fn each_worker_gets_one_digest_overdue_first_grouped_by_postcode(app: TestApp) {
        let (wendy, walt) = rounds(&app).await;
        let summary = sweep(&app, as_of()).await;
        assert_eq!((summary.due_checks, summary.digests, summary.queued), (5, 3, 3));
        let mail = app.smtp.wait_for(3, 20).await;
        assert_eq!(mail.len(), 3);

        let w = &app.smtp.to(&wendy)[0];
        assert_eq!(w.subject(), "Safety checks: 2 overdue, 1 due soon (Mon 20 Jul 2026)");
        let text = w.part("text/plain").expect("a plain text part");
        let html = w.part("text/html").expect("an HTML part");
        let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle:?} in:\n{text}"));
        // Overdue first, then due soon; within a section, grouped by postcode, earliest first.
        assert!(at("OVERDUE (2)") < at("EQ-000001") && at("EQ-000001") < at("EQ-000003"));
        assert!(at("EQ-000003") < at("DUE IN THE NEXT 14 DAYS (1)") && at("DUE IN THE NEXT 14 DAYS (1)") < at("EQ-000002"));
        assert!(at("LS6 2AB\n") < at("EQ-000001"));
        assert!(text.contains("Straight stairlift: LOLER thorough examination"));
        assert!(text.contains("due Thu 2 Jul 2026, 18 days overdue"));
        assert!(text.contains("due Wed 15 Jul 2026, 5 days overdue"));
        assert!(text.contains("due Sat 25 Jul 2026"));
        assert!(text.contains("Margaret Oduya, 1 High Street, Leeds, LS6 2AB"));
        assert!(text.contains(&format!("{}/s/EQ-000001", app.base)));
        assert!(!text.contains("EQ-000004") && !text.contains("EQ-000006"), "only Wendy's, only within the lead time");
        assert!(html.contains(&format!("href=\"{}/s/EQ-000002\"", app.base)));
        assert!(html.contains("<h3>LS1 4AP</h3>"));

        let walt_mail = app.smtp.to(&walt);
        assert_eq!(walt_mail.len(), 1);
        assert_eq!(walt_mail[0].subject(), "Safety checks: 0 overdue, 1 due soon (Mon 20 Jul 2026)");
        assert!(walt_mail[0].part("text/plain").unwrap().contains("EQ-000004"));

        let stores = app.smtp.to(STORES);
        assert_eq!(stores.len(), 1);
        let text = stores[0].part("text/plain").unwrap();
        assert!(stores[0].subject().contains("1 checks overdue more than 7 days, 1 with no responsible worker"));
        assert!(text.find("EQ-000001").unwrap() < text.find("NO RESPONSIBLE WORKER").unwrap());
        assert!(text.find("NO RESPONSIBLE WORKER").unwrap() < text.find("EQ-000005").unwrap());
    }

    async fn a_second_run_the_same_day_sends_nothing(app: TestApp) {
        rounds(&app).await;
        sweep(&app, as_of()).await;
        assert_eq!(app.smtp.wait_for(3, 20).await.len(), 3);
        let again = sweep(&app, as_of()).await;
        assert_eq!((again.digests, again.queued), (3, 0));
        assert_eq!(settle(&app).await.iter().map(|c| c.1).sum::<usize>(), 3);
        let all = app.get("/api/v1/notifications", &app.admin).await.expect(200).json();
        assert_eq!(all["total"], 3);
        // The next day is a new digest.
        let next = sweep(&app, as_of().succ_opt().unwrap()).await;
        assert_eq!(next.queued, 3);
    }

    async fn mail_queued_during_an_outage_arrives_once_when_the_server_returns(app: TestApp) {
        rounds(&app).await;
        app.smtp.stop();
        sweep(&app, as_of()).await;
        // The dispatcher tries, fails, and keeps the rows for a retry.
        let mut pending = serde_json::Value::Null;
        for _ in 0..100 {
            pending = app.get("/api/v1/notifications?status=pending", &app.admin).await.expect(200).json();
            if pending["items"].as_array().unwrap().iter().all(|n| n["attempts"].as_i64().unwrap() >= 1) && pending["total"] == 3 {
                break;
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(pending["total"], 3, "{pending}");
        assert!(pending["items"][0]["last_error"].as_str().is_some_and(|e| !e.is_empty()));
        assert!(app.smtp.messages().is_empty());
        app.smtp.restart();
        // No new sweep and no prod: the dispatcher's own retry delivers.
        assert_eq!(app.smtp.wait_for(3, 20).await.len(), 3);
        let counts = settle(&app).await;
        assert!(counts.iter().all(|(_, n)| *n == 1), "{counts:?}");
        let sent = app.get("/api/v1/notifications?status=sent", &app.admin).await.expect(200).json();
        assert_eq!(sent["total"], 3);
    }

    async fn a_sweep_killed_half_way_and_run_again_sends_each_digest_once(app: TestApp) {
        rounds(&app).await;
        let killed = cli(&app)
            .args(["reminders", "run", "--as-of", "2026-07-20"])
            .env(equiptrack::jobs::sweep::FAULT_ABORT_AFTER_DIGESTS, "1")
            .output()
            .unwrap();
        assert!(!killed.status.success(), "the first run dies half way");
        let queued = app.get("/api/v1/notifications", &app.admin).await.expect(200).json();
        assert_eq!(queued["total"], 1, "one digest was queued before the crash");
        let rerun = cli(&app).args(["reminders", "run", "--as-of", "2026-07-20"]).output().unwrap();
        assert!(rerun.status.success(), "{}", String::from_utf8_lossy(&rerun.stderr));
        assert!(String::from_utf8_lossy(&rerun.stdout).contains("2 newly queued"));
        app.outbox.notify_one();
        assert_eq!(app.smtp.wait_for(3, 20).await.len(), 3);
        let counts = settle(&app).await;
        assert_eq!(counts.len(), 3);
        assert!(counts.iter().all(|(_, n)| *n == 1), "{counts:?}");
    }

    async fn two_instances_sweeping_at_once_send_each_worker_one_digest(app: TestApp) {
        rounds(&app).await;
        // A second instance: its own pool on the same database, its own dispatcher.
        let other = equiptrack::app::open_database(&app.settings).unwrap();
        let settings = std::sync::Arc::new(app.settings.clone());
        let sweeps: Vec<_> = [app.db.clone(), other.clone()]
            .into_iter()
            .map(|db| {
                let settings = settings.clone();
                std::thread::spawn(move || equiptrack::jobs::sweep::sweep(&db, &settings, as_of()).unwrap())
            })
            .collect();
        let queued: usize = sweeps.into_iter().map(|t| t.join().unwrap().queued).sum();
        assert_eq!(queued, 3, "the digests were queued once between them");
        let second = equiptrack::jobs::dispatch::Dispatcher::new(other, settings).unwrap();
        app.outbox.notify_one();
        second.dispatch_once().await.unwrap();
        assert_eq!(app.smtp.wait_for(3, 20).await.len(), 3);
        let counts = settle(&app).await;
        assert!(counts.iter().all(|(_, n)| *n == 1), "{counts:?}");
    }

    async fn a_failed_check_tells_stores_at_once(app: TestApp) {
        app.stairlift_type().await;
        let (worker, token) = app.user_with_id("worker");
        let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/fit", &token, json!({})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/checks", &token, json!({"rule": "LOLER thorough examination", "outcome": "fail", "notes": "chain worn"}))
            .await.expect(200);
        let mail = app.smtp.wait_for(1, 20).await;
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].to, [STORES]);
        assert_eq!(mail[0].from, "equipment@localhost", "the configured sender");
        assert_eq!(mail[0].subject(), "Failed safety check: EQ-000001 Straight stairlift");
        let text = mail[0].part("text/plain").unwrap();
        assert!(text.contains("quarantined") && text.contains("chain worn") && text.contains("LS6 2AB"));
    }

    async fn an_opened_recall_tells_each_affected_worker_and_stores(app: TestApp) {
        app.stairlift_type().await;
        let (wendy, token, wendy_email) = app.staff("worker");
        let (_, _, walt_email) = app.staff("worker");
        let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
        app.item("STAIRLIFT-STRAIGHT", json!({"serial_number": "SN5"})).await;
        app.item("STAIRLIFT-STRAIGHT", json!({"serial_number": "SN6"})).await;
        app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": wendy})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/fit", &token, json!({})).await.expect(200);
        app.post("/api/v1/recalls", &app.admin, json!({
            "reference": "FSN-9", "title": "Bolt", "type": "STAIRLIFT-STRAIGHT", "serial_from": "SN1", "serial_to": "SN9"
        })).await.expect(201);
        assert_eq!(app.smtp.wait_for(2, 20).await.len(), 2);
        let to_wendy = app.smtp.to(&wendy_email);
        assert_eq!(to_wendy.len(), 1);
        let text = to_wendy[0].part("text/plain").unwrap();
        assert!(text.contains("EQ-000001") && text.contains("Margaret Oduya") && !text.contains("EQ-000002"));
        let to_stores = app.smtp.to(STORES);
        assert_eq!(to_stores.len(), 1);
        let text = to_stores[0].part("text/plain").unwrap();
        assert!(text.contains("EQ-000001") && text.contains("EQ-000002"));
        assert!(app.smtp.to(&walt_email).is_empty());
    }

    async fn the_overdue_report_lists_every_due_check_as_json_or_csv(app: TestApp) {
        rounds(&app).await;
        let viewer = app.user("viewer");
        let r = app.get("/api/v1/reports/overdue?as_of=2026-07-20", &viewer).await.expect(200).json();
        assert_eq!((r["overdue"].as_i64(), r["due_soon"].as_i64()), (Some(2), Some(3)));
        let tags: Vec<&str> = r["entries"].as_array().unwrap().iter().map(|e| e["asset_tag"].as_str().unwrap()).collect();
        assert_eq!(tags, ["EQ-000001", "EQ-000003", "EQ-000002", "EQ-000004", "EQ-000005"]);
        assert_eq!(r["entries"][0]["days_overdue"], 18);
        assert_eq!(r["entries"][0]["check"], "LOLER thorough examination");
        assert_eq!(r["entries"][4]["worker_name"], serde_json::Value::Null);
        let csv = app
            .request_with("GET", "/api/v1/reports/overdue?as_of=2026-07-20", &[("Authorization", &format!("Bearer {viewer}")), ("Accept", "text/csv")], None)
            .await
            .expect(200);
        assert!(csv.content_type.starts_with("text/csv"));
        let text = csv.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6);
        assert!(lines[0].starts_with("asset_tag,type,check,due,days_overdue,state"));
        assert!(lines[1].starts_with("EQ-000001,Straight stairlift,LOLER thorough examination,2026-07-02,18,overdue"));
        app.get("/api/v1/reports/overdue?as_of=soon", &viewer).await.expect(422);
    }

    async fn the_outbox_is_open_to_admin_and_stores_only(app: TestApp) {
        let stores = app.user("stores");
        let worker = app.user("worker");
        app.get("/api/v1/notifications", &stores).await.expect(200);
        app.get("/api/v1/notifications", &worker).await.expect(403);
        app.get("/api/v1/notifications?status=lost", &stores).await.expect(422);
    }
}

#[actix_web::test]
async fn a_message_that_keeps_failing_is_marked_failed_with_its_last_error() {
    let dir = tempfile::tempdir().unwrap();
    // A port nobody listens on: every send fails.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("sqlite://{}", dir.path().join("mail.db").display());
    let mut settings = crate::support::test_settings(dir.path(), &url, dead);
    settings.mail.max_attempts = 2;
    let db = equiptrack::app::open_database(&settings).unwrap();
    let message = equiptrack::mail::render::notice("Hello".into(), &["A test.".into()], None, "Service");
    db.write(|c| equiptrack::service::notify::queue(c, "test:1", "test", "someone@test.example", message))
        .unwrap();
    let dispatcher =
        equiptrack::jobs::dispatch::Dispatcher::new(db.clone(), std::sync::Arc::new(settings)).unwrap();

    let first = dispatcher.dispatch_once().await.unwrap();
    assert_eq!((first.sent, first.retrying, first.failed), (0, 1, 0));
    // Not due again until the backoff has passed.
    let early = dispatcher.dispatch_once().await.unwrap();
    assert_eq!((early.sent, early.retrying, early.failed), (0, 0, 0));
    actix_web::rt::time::sleep(Duration::from_millis(1200)).await;
    let last = dispatcher.dispatch_once().await.unwrap();
    assert_eq!((last.sent, last.retrying, last.failed), (0, 0, 1));
    let rows = db
        .read(|c| Ok(equiptrack::db::notifications::list(c, None, 0, 10)?))
        .unwrap()
        .0;
    assert_eq!(rows[0].status, equiptrack::domain::states::OutboxStatus::Failed);
    assert_eq!(rows[0].attempts, 2);
    assert!(rows[0].last_error.as_deref().is_some_and(|e| !e.is_empty()));
}
