//! Issue 9, mail: sweeps that catch up and retry and are recorded, failed mail that stays
//! visible and can be sent again, the daily failed-mail digest, CSV cells that cannot run
//! as formulas, and the desk's forms and overdue list.

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, Utc};
use diesel::connection::SimpleConnection;
use serde_json::{Value, json};

use crate::pages::{PASSWORD, page, page_csrf, post_form, sign_in};
use crate::reminders::{STORES, cli, settle, sweep};
use crate::support::TestApp;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// One frame in a home, its check 3 days overdue (not yet escalated to stores), with a worker: answers the worker's email.
async fn one_overdue_round(app: &TestApp) -> String {
    app.frame_type().await;
    let (worker, _, email) = app.staff("worker");
    let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
    app.item("FRAME-WALKING", json!({})).await;
    app.post(
        "/api/v1/items/EQ-000001/issue",
        &app.admin,
        json!({"client_id": client, "worker_id": worker}),
    )
    .await
    .expect(200);
    let fitted = today().checked_sub_days(Days::new(368)).unwrap();
    app.post(
        "/api/v1/items/EQ-000001/fit",
        &app.admin,
        json!({"fitted_at": fitted.to_string()}),
    )
    .await
    .expect(200);
    email
}

/// The jobs `serve` starts, on a schedule whose time today (midnight UTC) has passed, with
/// retries a second apart. Keep the answer alive for as long as the jobs should run.
async fn start_jobs(app: &TestApp) -> impl Sized {
    let mut settings = app.settings.clone();
    settings.reminders.schedule = "0 0 0 * * *".into();
    settings.reminders.timezone = chrono_tz::UTC;
    settings.reminders.retry_base_seconds = 1;
    settings.reminders.retry_max_seconds = 2;
    let state = equiptrack::app::AppState::new(app.db.clone(), settings);
    equiptrack::jobs::start(&state).await.expect("the jobs start")
}

async fn sweeps(app: &TestApp) -> Value {
    app.get("/api/v1/sweeps", &app.admin).await.expect(200).json()
}

/// Polls the sweep record until `done` holds of it.
async fn sweeps_until(app: &TestApp, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let record = sweeps(app).await;
        if done(&record) {
            return record;
        }
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "no {what} in time: {record}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
}

fn rename(app: &TestApp, from: &str, to: &str) {
    app.db
        .write(|c| Ok(c.batch_execute(&format!("ALTER TABLE {from} RENAME TO {to}"))?))
        .unwrap();
}

/// A message that has used up its attempts, as the dispatcher leaves it: answers its id.
fn failed_message(app: &TestApp, kind: &str, recipient: &str, text: &str, error: &str) -> i64 {
    let mail = equiptrack::mail::render::Rendered {
        subject: "Failed safety check: EQ-000001 Walking frame".into(),
        text: text.into(),
        html: format!("<p>{text}</p>"),
        clients: Vec::new(),
    };
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let key = format!("test:{}", N.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    // Queued and failed in one transaction, so the dispatcher never sees it pending.
    app.db
        .write(|c| {
            equiptrack::service::notify::queue(c, &key, kind, recipient, mail)?;
            let id = equiptrack::db::notifications::list(c, None, 0, 1)?.0[0].id;
            equiptrack::db::notifications::mark_failed(c, id, error, None)?;
            Ok(id)
        })
        .unwrap()
}

async fn status_of(app: &TestApp) -> Value {
    app.get("/api/v1/items/EQ-000001", &app.admin)
        .await
        .expect(200)
        .json()["status"]
        .clone()
}

async fn retry(app: &TestApp, id: &str, token: &str) -> crate::support::Reply {
    app.request(
        "POST",
        &format!("/api/v1/notifications/{id}/retry"),
        Some(token),
        None,
    )
    .await
}

/// Fills the register with `n` items whose check is overdue, with SQL: the page, not the
/// seeding, is under test.
fn overdue_items(app: &TestApp, n: u32) {
    let sql = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})
         INSERT INTO items (asset_tag, type_id, status, fitted_at, next_check_due, search_key, version,
                            created_at, updated_at)
             SELECT 'B-' || i, 1, 'in_use', '2024-01-01', '2025-01-01', 'b-' || i, 1,
                    '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM n;"
    );
    app.db.write(|c| Ok(c.batch_execute(&sql)?)).unwrap();
}

both_backends! {
    async fn a_service_started_after_the_scheduled_time_sweeps_at_once(app: TestApp) {
        let worker = one_overdue_round(&app).await;
        let _jobs = start_jobs(&app).await;
        let mail = app.smtp.wait_for(1, 15).await;
        assert_eq!(mail.len(), 1, "today's digest went out without waiting for tomorrow");
        assert_eq!(mail[0].to, [worker.as_str()]);
        let record = sweeps_until(&app, "finished sweep", |r| r["items"][0]["outcome"] == "ok").await;
        assert_eq!(record["total"], 1);
        let sweep = &record["items"][0];
        assert_eq!(sweep["as_of"], today().to_string());
        assert_eq!((sweep["digests"].as_i64(), sweep["queued"].as_i64()), (Some(1), Some(1)));
        assert!(sweep["started_at"].is_string() && sweep["finished_at"].is_string(), "{sweep}");
        // Ticks later in the day find today swept and leave it.
        actix_web::rt::time::sleep(Duration::from_secs(11)).await;
        assert_eq!(sweeps(&app).await["total"], 1);
        assert_eq!(app.smtp.to(&worker).len(), 1);
    }

    async fn a_sweep_that_fails_is_retried_and_succeeds_the_same_day(app: TestApp) {
        let worker = one_overdue_round(&app).await;
        // The database refuses the sweep for a moment: the outbox is not there.
        rename(&app, "notifications", "notifications_away");
        let _jobs = start_jobs(&app).await;
        let failed = sweeps_until(&app, "failed sweep", |r| r["items"][0]["outcome"] == "failed").await;
        assert!(failed["items"][0]["error"].as_str().is_some_and(|e| !e.is_empty()), "{failed}");
        assert!(failed["items"][0]["finished_at"].is_string());
        rename(&app, "notifications_away", "notifications");
        let mail = app.smtp.wait_for(1, 30).await;
        assert_eq!(mail.len(), 1, "a retry that day queued the digest");
        let record = sweeps_until(&app, "successful retry", |r| r["items"][0]["outcome"] == "ok").await;
        let outcomes: Vec<&str> = record["items"].as_array().unwrap().iter().map(|s| s["outcome"].as_str().unwrap()).collect();
        assert!(outcomes.len() >= 2 && outcomes[1..].iter().all(|o| *o == "failed"), "newest first: {outcomes:?}");
        assert!(record["items"].as_array().unwrap().iter().all(|s| s["as_of"] == today().to_string()));
        assert_eq!(record["items"][0]["queued"], 1);
        assert_eq!(settle(&app).await, [(worker, 1)]);
    }

    async fn each_sweep_is_recorded_newest_first_and_shown_by_reminders_run(app: TestApp) {
        one_overdue_round(&app).await;
        let (day, next) = (today().to_string(), today().succ_opt().unwrap().to_string());
        let first = cli(&app).args(["reminders", "run", "--as-of", &day]).output().unwrap();
        assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
        let second = cli(&app).args(["reminders", "run", "--as-of", &next]).output().unwrap();
        let said = String::from_utf8_lossy(&second.stdout);
        let record = sweeps(&app).await;
        assert_eq!(record["total"], 2);
        let newest = &record["items"][0];
        assert_eq!(newest["as_of"], next);
        assert_eq!(newest["outcome"], "ok");
        assert_eq!((newest["digests"].as_i64(), newest["queued"].as_i64()), (Some(1), Some(1)));
        assert!(said.contains(&format!("recorded as sweep {}: ok", newest["id"])), "{said}");
        let paged = app.get("/api/v1/sweeps?page=2&per_page=1", &app.admin).await.expect(200).json();
        assert_eq!(paged["items"][0]["as_of"], day);
        assert_eq!(paged["total"], 2);
        app.get("/api/v1/sweeps", &app.user("stores")).await.expect(200);
        app.get("/api/v1/sweeps", &app.user("worker")).await.expect(403);
        app.get("/api/v1/sweeps?per_page=0", &app.admin).await.expect(422);
    }

    async fn a_failed_message_stays_visible_and_retry_sends_it_once(app: TestApp) {
        let id = failed_message(&app, "check_failed", STORES, "EQ-000001 failed its check.", "554 rejected");
        let failed = app.get("/api/v1/notifications?status=failed", &app.admin).await.expect(200).json();
        assert_eq!(failed["total"], 1);
        assert_eq!(failed["items"][0]["last_error"], "554 rejected");
        retry(&app, &id.to_string(), &app.user("worker")).await.expect(403);
        retry(&app, "999999", &app.admin).await.expect(404);
        retry(&app, "not-a-number", &app.admin).await.expect(404);
        let again = retry(&app, &id.to_string(), &app.user("stores")).await.expect(200).json();
        assert_eq!((again["status"].as_str(), again["attempts"].as_i64()), (Some("pending"), Some(0)));
        assert_eq!(app.smtp.wait_for(1, 20).await.len(), 1);
        let started = Instant::now();
        while app.get("/api/v1/notifications?status=sent", &app.admin).await.json()["total"] != 1 {
            assert!(started.elapsed() < Duration::from_secs(20), "never marked sent");
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        // Sent is not failed: nothing to retry.
        let refused = retry(&app, &id.to_string(), &app.admin).await.expect(409).json();
        assert!(refused["detail"].as_str().unwrap().contains("sent"), "{refused}");
        assert_eq!(settle(&app).await, [(STORES.to_string(), 1)]);
    }

    async fn failed_mail_is_listed_to_stores_once_a_day_without_client_data(app: TestApp) {
        let id = failed_message(
            &app,
            "check_failed",
            "wendy@test.example",
            "Margaret Oduya, 1 High Street, Leeds, LS6 2AB: the chain is worn.",
            "550 mailbox unavailable",
        );
        let first = sweep(&app, today()).await;
        assert_eq!(first.queued, 1, "{first:?}");
        let mail = app.smtp.wait_for(1, 20).await;
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].to, [STORES]);
        assert!(mail[0].subject().contains("1 message could not be sent"), "{}", mail[0].subject());
        let text = mail[0].part("text/plain").unwrap();
        let html = mail[0].part("text/html").unwrap();
        for body in [&text, &html] {
            assert!(body.contains(&format!("#{id}")) && body.contains("check_failed"), "{body}");
            assert!(body.contains("wendy@test.example") && body.contains("550 mailbox unavailable"), "{body}");
            for private in ["Margaret", "Oduya", "High Street", "LS6 2AB", "chain"] {
                assert!(!body.contains(private), "{private:?} in the digest:\n{body}");
            }
        }
        // The same day again: its key stops a second copy.
        assert_eq!(sweep(&app, today()).await.queued, 0);
        assert_eq!(settle(&app).await, [(STORES.to_string(), 1)]);
    }

    async fn csv_cells_that_a_spreadsheet_would_run_are_quoted(app: TestApp) {
        app.post("/api/v1/equipment-types", &app.admin, json!({
            "code": "FRAME-AT", "name": "@Frame", "category": "walking_aid", "requires_decontamination": false,
            "check_rules": [{"name": "-safety", "interval_days": 365}]
        })).await.expect(201);
        let worker = app.user_with_id("worker").0;
        let client = app.post("/api/v1/clients", &app.admin, json!({
            "reference": "SC-9", "name": "=1+2 Jones", "address": "+1 Road", "postcode": "LS6 2AB"
        })).await.expect(201).json()["id"].as_i64().unwrap();
        app.item("FRAME-AT", json!({})).await;
        app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/fit", &app.admin, json!({"fitted_at": "2025-07-01"})).await.expect(200);
        let auth = format!("Bearer {}", app.admin);
        let csv = app
            .request_with("GET", "/api/v1/reports/overdue?as_of=2026-07-20", &[("Authorization", &auth), ("Accept", "text/csv")], None)
            .await
            .expect(200)
            .text();
        let row = csv.lines().nth(1).expect("one row");
        assert!(row.starts_with("EQ-000001,'@Frame,'-safety,2026-07-01,19,overdue,'=1+2 Jones,'+1 Road,LS6 2AB,"), "{row}");
        let json = app.get("/api/v1/reports/overdue?as_of=2026-07-20", &app.admin).await.expect(200).json();
        assert_eq!(json["entries"][0]["client_name"], "=1+2 Jones", "JSON keeps the value as it is");
    }

    async fn the_desk_takes_back_and_decontaminates_with_the_empty_selects_a_browser_sends(app: TestApp) {
        app.stairlift_type().await;
        let (_, _, stores) = app.staff_with_password("stores", Some(PASSWORD));
        let worker = app.user_with_id("worker").0;
        let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        let (cookie, _) = sign_in(&app, &stores, "/desk").await;
        let csrf = page_csrf(&page(&app, &cookie, "/desk").await.expect(200).text());
        let scan = |mode: &'static str| {
            let csrf = csrf.clone();
            let cookie = cookie.clone();
            let app = &app;
            async move {
                post_form(app, &cookie, "/desk/move", &[
                    ("csrf", &csrf), ("mode", mode), ("client_id", ""), ("worker_id", ""),
                    ("method", "Chlorine 1000 ppm wipe"), ("code", "EQ-000001"),
                ]).await
            }
        };
        let back = scan("return").await.expect(200).text();
        assert!(back.contains("Took back EQ-000001"), "{back}");
        assert_eq!(status_of(&app).await, "awaiting_decontamination");
        let clean = scan("decontaminate").await.expect(200).text();
        assert!(clean.contains("Decontaminated EQ-000001"), "{clean}");
        assert_eq!(status_of(&app).await, "in_store");
        // An empty method is none too: the move says what it needs, it is not a broken form.
        let refused = post_form(&app, &cookie, "/desk/move", &[
            ("csrf", &csrf), ("mode", "issue"), ("client_id", ""), ("worker_id", ""), ("method", ""), ("code", "EQ-000001"),
        ]).await;
        assert_eq!(refused.status, 422, "{}", refused.text());
    }

    async fn the_overdue_desk_page_answers_past_five_thousand_rows_a_page_at_a_time(app: TestApp) {
        app.frame_type().await;
        let (_, _, stores) = app.staff_with_password("stores", Some(PASSWORD));
        overdue_items(&app, 5001);
        let (cookie, _) = sign_in(&app, &stores, "/desk").await;
        let first = page(&app, &cookie, "/desk/overdue").await.expect(200).text();
        assert!(first.contains("5001 items have a check overdue"), "{}", &first[..first.len().min(2000)]);
        assert!(first.contains("href=\"/desk/overdue?page=2\""), "offers the next page");
        let rows = |html: &str| html.matches("<tr><td><a href=\"/s/").count();
        assert_eq!(rows(&first), 100);
        let last = page(&app, &cookie, "/desk/overdue?page=51").await.expect(200).text();
        assert_eq!(rows(&last), 1);
        assert!(!last.contains("page=52") && last.contains("href=\"/desk/overdue?page=50\""));
        page(&app, &cookie, "/desk/overdue?page=zero").await.expect(422);
    }
}
