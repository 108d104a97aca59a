//! Erasure that leaves nothing personal behind, the subject access export, the audit log,
//! and checks that name the client they were done for.

use diesel::prelude::*;
use equiptrack::db::schema::notifications;
use equiptrack::mail::{self, Mailer, Outgoing};
use serde_json::{Value, json};

use crate::support::TestApp;

mod migration;

const WORDS_OF_A: [&str; 5] = ["Winifred", "Blackwood", "Quarry Lane", "LS21 1AB", "blue pot"];

async fn commode_type(app: &TestApp) {
    app.post(
        "/api/v1/equipment-types",
        &app.admin,
        json!({
            "code": "COMMODE", "name": "Commode", "category": "other", "check_interval_days": 365
        }),
    )
    .await
    .expect(201);
}

async fn person(app: &TestApp, reference: &str, name: &str, address: &str, postcode: &str) -> i64 {
    app.post("/api/v1/clients", &app.admin, json!({
        "reference": reference, "name": name, "address": address, "postcode": postcode, "phone": "0113 496 0101"
    })).await.expect(201).json()["id"].as_i64().unwrap()
}

async fn step(app: &TestApp, mv: &str, body: Value) -> Value {
    app.post(&format!("/api/v1/items/EQ-000001/{mv}"), &app.admin, body)
        .await
        .expect(200)
        .json()
}

/// One commode, first with Winifred (a failed check, collected, repaired, cleaned), then with
/// Tobias (fitted, a failed check of his own). Answers (Winifred's id, Tobias's id).
async fn two_visits(app: &TestApp) -> (i64, i64) {
    commode_type(app).await;
    app.item("COMMODE", json!({})).await;
    // Winifred's check is dated in November: the register has held it since October.
    app.registered_on("EQ-000001", "2026-10-01");
    let (worker, _) = app.user_with_id("worker");
    let a = person(
        app,
        "SC-A",
        "Winifred Blackwood",
        "7 Quarry Lane, Otley",
        "LS21 1AB",
    )
    .await;
    let b = person(app, "SC-B", "Tobias Fenwick", "3 Mill Row, Ilkley", "LS29 8QE").await;
    step(
        app,
        "issue",
        json!({"client_id": a, "worker_id": worker, "notes": "for Winifred's bathroom"}),
    )
    .await;
    step(
        app,
        "fit",
        json!({"fitted_at": "2026-11-01", "notes": "Winifred keeps the key under the blue pot"}),
    )
    .await;
    // The reminder digest a year on names her and her home.
    let due = chrono::NaiveDate::from_ymd_opt(2027, 10, 25).unwrap();
    let swept = equiptrack::jobs::sweep::sweep(&app.db, &app.settings, due).unwrap();
    assert_eq!(swept.queued, 1);
    step(app, "checks", json!({"outcome": "fail", "performed_at": "2026-11-02", "notes": "Winifred Blackwood says the seat wobbles"})).await;
    step(app, "return", json!({"notes": "collected from Winifred"})).await;
    step(app, "release", json!({"reason": "seat replaced"})).await;
    step(
        app,
        "decontaminate",
        json!({"method": "chlorine wipe", "notes": "soiled at the blue pot house"}),
    )
    .await;
    step(
        app,
        "issue",
        json!({"client_id": b, "worker_id": worker, "notes": "for Tobias"}),
    )
    .await;
    step(app, "fit", json!({"notes": "Tobias wants it by the bed"})).await;
    step(
        app,
        "checks",
        json!({"outcome": "fail", "notes": "Tobias Fenwick reports a cracked leg"}),
    )
    .await;
    (a, b)
}

/// Every outbox row as raw text: subject, plain body and HTML body.
fn outbox_rows(app: &TestApp) -> Vec<String> {
    let rows: Vec<(String, String, String)> = app
        .db
        .read(|c| {
            Ok(notifications::table
                .order(notifications::id)
                .select((
                    notifications::subject,
                    notifications::body_text,
                    notifications::body_html,
                ))
                .load(c)?)
        })
        .unwrap();
    rows.into_iter()
        .map(|(s, t, h)| format!("{s}\n{t}\n{h}"))
        .collect()
}

/// Writes every outbox row as an `.eml` file through the real file transport, as a service
/// set to `mail.transport = "file"` would have.
async fn write_eml_files(app: &TestApp) -> std::path::PathBuf {
    let mut settings = app.settings.clone();
    settings.mail.transport = equiptrack::config::MailTransport::File;
    let mailer = Mailer::from_settings(&settings).unwrap();
    let rows: Vec<(String, String, String, String, String)> = app
        .db
        .read(|c| {
            Ok(notifications::table
                .select((
                    notifications::dedup_key,
                    notifications::recipient,
                    notifications::subject,
                    notifications::body_text,
                    notifications::body_html,
                ))
                .load(c)?)
        })
        .unwrap();
    for (key, recipient, subject, text, html) in &rows {
        let out = Outgoing {
            dedup_key: key,
            recipient,
            subject,
            text,
            html,
        };
        mailer
            .send(mail::build(&settings.mail.from, &out).unwrap())
            .await
            .unwrap();
    }
    settings.server.data_dir.join("outbox")
}

/// Each `.eml` file's text, with quoted-printable soft line breaks undone.
fn eml_texts(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .replace("=\r\n", "")
                .replace("=\n", "")
        })
        .collect()
}

fn holds_any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

fn notes_of(history: &Value) -> Vec<String> {
    history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["notes"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Waits until the dispatcher has sent every queued message.
async fn all_sent(app: &TestApp) {
    for _ in 0..100 {
        app.outbox.notify_one();
        let unsent: i64 = app
            .db
            .read(|c| {
                Ok(notifications::table
                    .filter(notifications::status.ne("sent"))
                    .count()
                    .get_result(c)?)
            })
            .unwrap();
        if unsent == 0 {
            return;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the outbox did not drain");
}

both_backends! {
    async fn erasing_a_client_redacts_their_mail_removes_their_eml_files_and_blanks_their_notes(app: TestApp) {
        let (a, _) = two_visits(&app).await;
        let dir = write_eml_files(&app).await;
        assert!(outbox_rows(&app).iter().any(|r| holds_any(r, &WORDS_OF_A)), "the failed check mail names Winifred's home");
        assert!(eml_texts(&dir).iter().any(|t| holds_any(t, &WORDS_OF_A)));
        let files_before = eml_texts(&dir).len();

        app.delete(&format!("/api/v1/clients/{a}"), &app.admin).await.expect(200);

        let rows = outbox_rows(&app);
        assert_eq!(rows.len(), 3, "the rows stay");
        for row in &rows {
            assert!(!holds_any(row, &WORDS_OF_A), "an outbox row still holds Winifred's words: {row}");
        }
        assert!(rows.iter().any(|r| r.contains("3 Mill Row") && r.contains("cracked leg")), "Tobias's mail is untouched");
        let files = eml_texts(&dir);
        assert_eq!(files.len(), files_before - 2, "only the files of the two mails about Winifred are removed");
        assert!(files.iter().all(|t| !holds_any(t, &WORDS_OF_A)));
        assert!(files.iter().any(|t| t.contains("cracked leg")));

        let history = app.get("/api/v1/items/EQ-000001/events", &app.admin).await.expect(200).json();
        let notes = notes_of(&history);
        // received, issued, fitted, check_failed, returned, released, decontaminated, ...
        assert_eq!(&notes[1..5], ["[erased]"; 4], "issue, fit, check and collection: {notes:?}");
        assert_eq!(notes[5], "seat replaced", "a release in the store was nobody's visit: {notes:?}");
        assert_eq!(notes[6], "[erased]", "the cleaning after the collection: {notes:?}");
        assert!(notes.iter().all(|n| !holds_any(n, &WORDS_OF_A)), "{notes:?}");
        assert!(notes.iter().any(|n| n == "for Tobias"));
        assert!(notes.iter().any(|n| n.contains("Tobias wants it by the bed")));
        assert!(notes.iter().any(|n| n.contains("Tobias Fenwick reports a cracked leg")));

        // Nowhere in the database: every column free text of a visit is kept in.
        let raw: Vec<Option<String>> = app.db.read(|c| {
            use equiptrack::db::schema::{notes, recall_items};
            let mut all: Vec<Option<String>> = notes::table.select(notes::body.nullable()).load(c)?;
            all.extend(recall_items::table.select(recall_items::notes).load::<Option<String>>(c)?);
            Ok(all)
        }).unwrap();
        assert!(raw.iter().flatten().all(|t| !holds_any(t, &WORDS_OF_A)), "{raw:?}");
    }

    async fn the_history_stays_append_only_after_notes_moved_out(app: TestApp) {
        two_visits(&app).await;
        let refused = |sql: &'static str| app.db.read(move |c| Ok(diesel::sql_query(sql).execute(c).is_err())).unwrap();
        assert!(refused("UPDATE events SET action = 'x'"));
        assert!(refused("DELETE FROM events"));
        assert!(refused("UPDATE notes SET body = 'rewritten'"), "a note is changed only by erasure");
        assert!(refused("DELETE FROM notes"));
        assert!(!refused("UPDATE notes SET body = '[erased]' WHERE id = (SELECT MIN(id) FROM notes)"), "erasure may blank a note");
    }

    async fn a_check_at_a_clients_home_carries_the_client(app: TestApp) {
        let (_, b) = two_visits(&app).await;
        let history = app.get("/api/v1/items/EQ-000001/events", &app.admin).await.expect(200).json();
        let checks: Vec<&Value> = history["items"].as_array().unwrap().iter()
            .filter(|e| e["action"].as_str().unwrap().starts_with("check_")).collect();
        assert_eq!(checks.len(), 2);
        assert_eq!(checks[1]["client_id"], b);
        assert!(checks[0]["client_id"].is_i64());
    }

    async fn the_subject_access_export_holds_everything_about_the_person(app: TestApp) {
        let (a, _) = two_visits(&app).await;
        let path = format!("/api/v1/clients/{a}/export");
        app.get(&path, &app.user("stores")).await.expect(403);
        app.request("GET", &path, None, None).await.expect(401);
        app.get("/api/v1/clients/424242/export", &app.admin).await.expect(404);
        let export = app.get(&path, &app.admin).await.expect(200).json();
        assert_eq!(export["client"]["name"], "Winifred Blackwood");
        assert_eq!(export["client"]["address"], "7 Quarry Lane, Otley");
        assert_eq!(export["client"]["postcode"], "LS21 1AB");
        let items = export["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        let item = &items[0];
        assert_eq!(item["asset_tag"], "EQ-000001");
        assert_eq!(item["type"], "Commode");
        assert!(item["held_from"].as_str().unwrap().len() >= 10);
        assert!(item["held_until"].is_string(), "collected: {item}");
        let notes = item["history"].as_array().unwrap().iter().map(|e| e["notes"].as_str().unwrap_or("")).collect::<Vec<_>>().join("\n");
        assert!(notes.contains("blue pot") && notes.contains("collected from Winifred"), "{notes}");
        assert!(notes.contains("soiled at the blue pot house"), "the cleaning after the collection: {notes}");
        assert!(!notes.contains("Tobias"), "another client's visit is not theirs: {notes}");
        let checks = item["checks"].as_array().unwrap();
        assert_eq!(checks.len(), 1, "{checks:?}");
        assert_eq!(checks[0]["outcome"], "fail");
        assert_eq!(checks[0]["performed_at"], "2026-11-02");
        assert!(checks[0]["notes"].as_str().unwrap().contains("seat wobbles"));
        let mail = export["mail"].as_array().unwrap();
        assert_eq!(mail.len(), 2, "{mail:?}");
        assert_eq!(mail[0]["kind"], "digest", "the reminder naming her: {mail:?}");
        assert_eq!(mail[1]["kind"], "check_failed");
        assert!(mail[1]["subject"].as_str().unwrap().starts_with("Failed safety check"));
        assert!(mail.iter().all(|m| m["body_text"].as_str().unwrap().contains("Quarry Lane")));
        assert!(!export.to_string().contains("Mill Row"));
    }

    async fn erasure_and_export_are_audited_for_admins_only(app: TestApp) {
        let a = person(&app, "SC-A", "Winifred Blackwood", "7 Quarry Lane, Otley", "LS21 1AB").await;
        let (stores_id, stores) = app.user_with_id("stores");
        app.get("/api/v1/audit", &stores).await.expect(403);
        app.request("GET", "/api/v1/audit", None, None).await.expect(401);
        app.get(&format!("/api/v1/clients/{a}/export"), &app.admin).await.expect(200);
        app.get(&format!("/api/v1/clients/{a}/export"), &stores).await.expect(403);
        app.delete(&format!("/api/v1/clients/{a}"), &app.admin).await.expect(200);
        let log = app.get("/api/v1/audit", &app.admin).await.expect(200).json();
        assert_eq!(log["total"], 2, "{log}");
        let newest = &log["items"][0];
        assert_eq!(newest["action"], "client_erased");
        assert_eq!(newest["subject_kind"], "client");
        assert_eq!(newest["subject_id"], a);
        assert!(newest["actor_id"].is_i64());
        assert!(newest["occurred_at"].as_str().unwrap().ends_with('Z'));
        assert_eq!(log["items"][1]["action"], "client_exported");
        assert!(!log.to_string().contains("Winifred"), "the log holds no personal data: {log}");
        assert_ne!(newest["actor_id"], stores_id);
        let paged = app.get("/api/v1/audit?per_page=1&page=2", &app.admin).await.expect(200).json();
        assert_eq!(paged["items"][0]["action"], "client_exported");
        app.get("/api/v1/audit?per_page=0", &app.admin).await.expect(422);
    }

    async fn staff_changes_and_item_edits_are_audited_without_secrets(app: TestApp) {
        let created = app.post("/api/v1/staff", &app.admin, json!({
            "email": "new.worker@test.example", "name": "New Worker", "role": "worker", "password": "correct horse battery"
        })).await.expect(201).json();
        let id = created["id"].as_i64().unwrap();
        let path = format!("/api/v1/staff/{id}");
        app.patch(&path, &app.admin, json!({"role": "stores"})).await.expect(200);
        app.patch(&path, &app.admin, json!({"password": "another long secret"})).await.expect(200);
        app.patch(&path, &app.admin, json!({"active": false})).await.expect(200);
        app.frame_type().await;
        app.item("FRAME-WALKING", json!({"batch": "B-1"})).await;
        app.patch("/api/v1/items/EQ-000001", &app.admin, json!({"batch": "B-2", "serial_number": "SN-9"})).await.expect(200);

        let log = app.get("/api/v1/audit", &app.admin).await.expect(200).json();
        let text = log.to_string();
        assert!(!text.contains("correct horse") && !text.contains("another long secret") && !text.contains("argon2"), "{text}");
        assert!(!text.contains(created["token"].as_str().unwrap()));
        let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["item_updated", "staff_deactivated", "staff_password_set", "staff_role_changed", "staff_created"]);
        let item = &log["items"][0];
        assert_eq!(item["subject_kind"], "item");
        assert_eq!(item["details"]["asset_tag"], "EQ-000001");
        assert_eq!(item["details"]["old"]["batch"], "B-1");
        assert_eq!(item["details"]["new"]["batch"], "B-2");
        assert_eq!(item["details"]["old"]["serial_number"], Value::Null);
        assert_eq!(item["details"]["new"]["serial_number"], "SN-9");
        let role = &log["items"][3];
        assert_eq!(role["subject_kind"], "staff");
        assert_eq!(role["subject_id"], id);
        assert_eq!(role["details"]["old"], "worker");
        assert_eq!(role["details"]["new"], "stores");
        assert_eq!(log["items"][4]["details"]["role"], "worker");
    }

    async fn mail_sent_about_a_client_goes_even_when_their_address_was_corrected_since(app: TestApp) {
        commode_type(&app).await;
        app.item("COMMODE", json!({})).await;
        let (worker, _) = app.user_with_id("worker");
        let a = person(&app, "SC-A", "Winifred Blackwood", "7 Quarry Lane, Otley", "LS21 1AB").await;
        step(&app, "issue", json!({"client_id": a, "worker_id": worker})).await;
        step(&app, "fit", json!({"fitted_at": "2026-11-01"})).await;
        let due = chrono::NaiveDate::from_ymd_opt(2027, 10, 25).unwrap();
        equiptrack::jobs::sweep::sweep(&app.db, &app.settings, due).unwrap();
        all_sent(&app).await;
        assert!(outbox_rows(&app)[0].contains("7 Quarry Lane"));
        app.patch(&format!("/api/v1/clients/{a}"), &app.admin, json!({"name": "Winnie Blackwood", "address": "12 New Street, Otley"}))
            .await.expect(200);
        step(&app, "return", json!({})).await;
        app.delete(&format!("/api/v1/clients/{a}"), &app.admin).await.expect(200);
        let rows = outbox_rows(&app);
        assert_eq!(rows.len(), 1);
        assert!(!holds_any(&rows[0], &WORDS_OF_A), "{}", rows[0]);
        assert!(!rows[0].contains("New Street"));
    }
}
