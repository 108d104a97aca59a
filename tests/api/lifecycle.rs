use serde_json::{Value, json};

use crate::support::TestApp;

/// A stairlift issued to a worker for a client: answers (worker id, worker token, client id).
pub(crate) async fn issued_stairlift(app: &TestApp) -> (i64, String, i64) {
    app.stairlift_type().await;
    let (worker, worker_token) = app.user_with_id("worker");
    let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
    app.item("STAIRLIFT-STRAIGHT", json!({"serial_number": "SN1"}))
        .await;
    let stores = app.user("stores");
    app.post(
        "/api/v1/items/EQ-000001/issue",
        &stores,
        json!({"client_id": client, "worker_id": worker}),
    )
    .await
    .expect(200);
    (worker, worker_token, client)
}

fn actions(history: &Value) -> Vec<String> {
    history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

both_backends! {
    async fn an_item_goes_round_its_whole_life(app: TestApp) {
        let (worker, worker_token, client) = issued_stairlift(&app).await;
        // Checks are dated from January: the register has held it since then.
        app.registered_on("EQ-000001", "2026-01-01");
        let stores = app.user("stores");
        let item = app.get("/api/v1/items/EQ-000001", &app.admin).await.expect(200).json();
        assert_eq!(item["status"], "issued");
        assert_eq!(item["client"]["id"], client);
        assert_eq!(item["worker"]["id"], worker);

        let fitted = app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({"fitted_at": "2026-01-10", "notes": "fitted on the main stairs"}))
            .await.expect(200).json();
        assert_eq!(fitted["status"], "in_use");
        assert_eq!(fitted["fitted_at"], "2026-01-10");
        // Each rule's first check falls due one interval after the fit; the item shows the earliest.
        assert_eq!(fitted["checks_due"][0]["next_due"], "2026-07-11");
        assert_eq!(fitted["checks_due"][1]["next_due"], "2027-01-10");
        assert_eq!(fitted["next_check_due"], "2026-07-11");

        let checked = app.post("/api/v1/items/EQ-000001/checks", &worker_token, json!({
            "rule": "loler thorough examination", "outcome": "pass", "performed_at": "2026-07-01"
        })).await.expect(200).json();
        assert_eq!(checked["status"], "in_use");
        assert_eq!(checked["checks_due"][0]["last_checked_at"], "2026-07-01");
        assert_eq!(checked["checks_due"][0]["next_due"], "2026-12-30");
        assert_eq!(checked["checks_due"][1]["next_due"], "2027-01-10");
        assert_eq!(checked["next_check_due"], "2026-12-30");
        assert_eq!(checked["last_checked_at"], "2026-07-01");
        // A check entered late, older than the last, moves no date back.
        let late = app.post("/api/v1/items/EQ-000001/checks", &worker_token, json!({
            "rule": "LOLER thorough examination", "outcome": "pass", "performed_at": "2026-06-01"
        })).await.expect(200).json();
        assert_eq!(late["checks_due"][0]["last_checked_at"], "2026-07-01");
        assert_eq!(late["checks_due"][0]["next_due"], "2026-12-30");
        assert_eq!(late["next_check_due"], "2026-12-30");

        let returned = app.post("/api/v1/items/EQ-000001/return", &worker_token, json!({"notes": "no longer needed"})).await.expect(200).json();
        assert_eq!(returned["status"], "awaiting_decontamination");
        assert_eq!(returned["client"], Value::Null);
        // The clock belongs to the item: a return keeps every date.
        assert_eq!(returned["next_check_due"], "2026-12-30");
        assert_eq!(returned["checks_due"], checked["checks_due"]);
        // Not yet decontaminated: it cannot go out again.
        let refused = app.post("/api/v1/items/EQ-000001/issue", &stores, json!({"client_id": client, "worker_id": worker})).await.expect(409).json();
        assert_eq!(refused["current_status"], "awaiting_decontamination");
        assert!(refused["allowed_moves"].as_array().unwrap().contains(&json!("decontaminate")));

        let clean = app.post("/api/v1/items/EQ-000001/decontaminate", &stores, json!({"method": "chlorine 1000ppm wipe"})).await.expect(200).json();
        assert_eq!(clean["status"], "in_store");
        app.post("/api/v1/items/EQ-000001/condemn", &stores, json!({"reason_code": "beyond_repair", "reason": "end of life"})).await.expect(200);
        let history = app.get("/api/v1/items/EQ-000001/events", &app.admin).await.expect(200).json();
        assert_eq!(actions(&history), ["received", "issued", "fitted", "check_passed", "check_passed", "returned", "decontaminated", "condemned"]);
        let decon = &history["items"][6];
        assert_eq!(decon["from_status"], "awaiting_decontamination");
        assert_eq!(decon["to_status"], "in_store");
        assert!(decon["notes"].as_str().unwrap().contains("chlorine"));
        assert!(decon["staff_name"].as_str().unwrap().starts_with("stores"));
        // Condemned is the end.
        let end = app.post("/api/v1/items/EQ-000001/quarantine", &stores, json!({"reason": "x"})).await.expect(409).json();
        assert_eq!(end["allowed_moves"], json!([]));
    }

    async fn fitting_an_item_still_in_store_is_refused(app: TestApp) {
        app.frame_type().await;
        app.item("FRAME-WALKING", json!({})).await;
        let client = app.client_person("SC-2", "Ann Lee", "LS1 4AP").await;
        let worker = app.user("worker");
        let r = app.post("/api/v1/items/EQ-000001/fit", &worker, json!({"client_id": client})).await.expect(409).json();
        assert_eq!(r["current_status"], "in_store");
        assert_eq!(r["allowed_moves"], json!(["issue", "checks", "quarantine", "condemn"]));
        assert!(r["detail"].as_str().unwrap().contains("in_store"));
        let history = app.get("/api/v1/items/EQ-000001/events", &app.admin).await.expect(200).json();
        assert_eq!(history["total"], 1, "a refused move writes nothing");
    }

    async fn a_type_without_decontamination_goes_straight_back_to_store(app: TestApp) {
        app.frame_type().await;
        app.item("FRAME-WALKING", json!({})).await;
        let client = app.client_person("SC-3", "Ann Lee", "LS1 4AP").await;
        let (worker, worker_token) = app.user_with_id("worker");
        app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        // The one-rule shorthand needs no rule name on a check.
        app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({})).await.expect(200);
        let r = app.post("/api/v1/items/EQ-000001/checks", &worker_token, json!({"outcome": "pass"})).await.expect(200).json();
        assert_eq!(r["checks_due"][0]["rule"], "safety check");
        let r = app.post("/api/v1/items/EQ-000001/return", &worker_token, json!({})).await.expect(200).json();
        assert_eq!(r["status"], "in_store");
    }

    async fn a_failed_check_quarantines_the_item_where_it_stands(app: TestApp) {
        let (_, worker_token, client) = issued_stairlift(&app).await;
        app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({})).await.expect(200);
        let r = app.post("/api/v1/items/EQ-000001/checks", &worker_token, json!({
            "rule": "manufacturer service", "outcome": "fail", "notes": "carriage sticks at the top"
        })).await.expect(200).json();
        assert_eq!(r["status"], "quarantined");
        assert_eq!(r["client"]["id"], client, "it is still in the home");
        let stores = app.user("stores");
        // Repaired in place: released straight back to use.
        let r = app.post("/api/v1/items/EQ-000001/release", &stores, json!({"reason": "engineer replaced the drive"})).await.expect(200).json();
        assert_eq!(r["status"], "in_use");
        // Or failed again and collected: it comes back still quarantined.
        app.post("/api/v1/items/EQ-000001/checks", &worker_token, json!({"rule": "manufacturer service", "outcome": "fail", "notes": "drive failed again"})).await.expect(200);
        let r = app.post("/api/v1/items/EQ-000001/return", &worker_token, json!({})).await.expect(200).json();
        assert_eq!(r["status"], "quarantined");
        assert_eq!(r["client"], Value::Null);
        let r = app.post("/api/v1/items/EQ-000001/release", &stores, json!({"reason": "inspected"})).await.expect(200).json();
        assert_eq!(r["status"], "awaiting_decontamination");
        let history = app.get("/api/v1/items/EQ-000001/events", &app.admin).await.expect(200).json();
        let failed = history["items"].as_array().unwrap().iter().find(|e| e["action"] == "check_failed").unwrap();
        assert!(failed["notes"].as_str().unwrap().contains("carriage sticks"));
    }

    async fn each_role_makes_only_its_own_moves(app: TestApp) {
        let (_, worker_token, client) = issued_stairlift(&app).await;
        let viewer = app.user("viewer");
        let stores = app.user("stores");
        // Stores do not fit; viewers do nothing; workers do not issue, release, condemn or
        // decontaminate. Workers and stores both record checks, wherever the item is.
        app.post("/api/v1/items/EQ-000001/fit", &stores, json!({})).await.expect(403);
        app.post("/api/v1/items/EQ-000001/fit", &viewer, json!({})).await.expect(403);
        app.post("/api/v1/items/EQ-000001/quarantine", &viewer, json!({"reason": "x"})).await.expect(403);
        app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/checks", &stores, json!({"rule": "manufacturer service", "outcome": "pass"})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/checks", &viewer, json!({"rule": "manufacturer service", "outcome": "pass"})).await.expect(403);
        app.post("/api/v1/items/EQ-000001/quarantine", &worker_token, json!({"reason": "frayed belt"})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/release", &worker_token, json!({"reason": "x"})).await.expect(403);
        app.post("/api/v1/items/EQ-000001/condemn", &worker_token, json!({"reason": "x"})).await.expect(403);
        app.post("/api/v1/items/EQ-000001/release", &stores, json!({"reason": "belt replaced"})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/return", &worker_token, json!({})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/decontaminate", &worker_token, json!({"method": "wipe"})).await.expect(403);
        app.post("/api/v1/items/EQ-000001/decontaminate", &stores, json!({"method": "wipe"})).await.expect(200);
        let (worker, _) = app.user_with_id("worker");
        app.post("/api/v1/items/EQ-000001/issue", &worker_token, json!({"client_id": client, "worker_id": worker})).await.expect(403);
        app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": worker})).await.expect(200);
    }

    async fn move_bodies_are_validated(app: TestApp) {
        let (_, worker_token, _) = issued_stairlift(&app).await;
        let r = app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({"fitted_at": "next tuesday"})).await.expect(422).json();
        assert_eq!(r["errors"][0]["field"], "fitted_at");
        app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({"fitted_at": "2999-01-01"})).await.expect(422);
        app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({"client_id": 424242})).await.expect(422);
        app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({})).await.expect(200);
        // A type with two rules needs the rule named, and one it has.
        let r = app.post("/api/v1/items/EQ-000001/checks", &worker_token, json!({"outcome": "pass"})).await.expect(422).json();
        assert!(r["errors"][0]["message"].as_str().unwrap().contains("LOLER thorough examination"));
        app.post("/api/v1/items/EQ-000001/checks", &worker_token, json!({"rule": "oil change", "outcome": "pass"})).await.expect(422);
        app.post("/api/v1/items/EQ-000001/checks", &worker_token, json!({"rule": "manufacturer service", "outcome": "maybe"})).await.expect(422);
        app.post("/api/v1/items/EQ-000001/quarantine", &worker_token, json!({})).await.expect(422);
        app.post("/api/v1/items/EQ-000001/quarantine", &worker_token, json!({"reason": "x", "extra": 1})).await.expect(422);
        app.post("/api/v1/items/EQ-404/quarantine", &worker_token, json!({"reason": "x"})).await.expect(404);
        let history = app.get("/api/v1/items/EQ-000001/events", &app.admin).await.expect(200).json();
        assert_eq!(actions(&history), ["received", "issued", "fitted"]);
    }

    async fn a_stale_expected_version_is_refused(app: TestApp) {
        let (_, worker_token, _) = issued_stairlift(&app).await;
        let item = app.get("/api/v1/items/EQ-000001", &app.admin).await.expect(200).json();
        let version = item["version"].as_i64().unwrap();
        let r = app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({"expected_version": version - 1})).await.expect(409).json();
        assert_eq!(r["current_version"], version);
        let r = app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({"expected_version": version})).await.expect(200).json();
        assert_eq!(r["version"], version + 1);
    }
}
