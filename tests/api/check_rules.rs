//! The editable catalogue (issue 12, point 7): a type corrected, rules added, changed and
//! retired, every item of the type moved onto the rule as it now stands.

use serde_json::{Value, json};

use crate::support::TestApp;

fn rule_id(t: &Value, name: &str) -> i64 {
    t["check_rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {t}"))["id"]
        .as_i64()
        .unwrap()
}

async fn events(app: &TestApp, tag: &str) -> Vec<Value> {
    app.get(&format!("/api/v1/items/{tag}/events"), &app.admin)
        .await
        .expect(200)
        .json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn frame_type(app: &TestApp) -> Value {
    let types = app
        .get("/api/v1/equipment-types", &app.admin)
        .await
        .expect(200)
        .json();
    types["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "FRAME-WALKING")
        .unwrap()
        .clone()
}

async fn item(app: &TestApp, tag: &str) -> Value {
    app.get(&format!("/api/v1/items/{tag}"), &app.admin)
        .await
        .expect(200)
        .json()
}

both_backends! {
    async fn a_type_is_corrected_by_an_admin_only(app: TestApp) {
        app.stairlift_type().await;
        let r = app.patch("/api/v1/equipment-types/stairlift-straight", &app.admin, json!({
            "name": "Straight stairlift (S2)", "model": "S2", "manufacturer": null, "safe_working_load_kg": 120,
            "requires_decontamination": false
        })).await.expect(200).json();
        assert_eq!((&r["name"], &r["model"], &r["manufacturer"], &r["safe_working_load_kg"], &r["requires_decontamination"]),
                   (&json!("Straight stairlift (S2)"), &json!("S2"), &Value::Null, &json!(120), &json!(false)));
        assert_eq!(r["check_rules"].as_array().unwrap().len(), 2, "its rules are untouched");
        let r = app.patch("/api/v1/equipment-types/STAIRLIFT-STRAIGHT", &app.admin, json!({"category": "spaceship", "safe_working_load_kg": 0}))
            .await.expect(422).json();
        let fields: Vec<&str> = r["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["category", "safe_working_load_kg"]);
        app.patch("/api/v1/equipment-types/STAIRLIFT-STRAIGHT", &app.user("stores"), json!({"name": "x"})).await.expect(403);
        app.patch("/api/v1/equipment-types/NOPE", &app.admin, json!({"name": "x"})).await.expect(404);
        app.patch("/api/v1/equipment-types/STAIRLIFT-STRAIGHT", &app.admin, json!({"code": "X"})).await.expect(422);
        app.patch("/api/v1/equipment-types/STAIRLIFT-STRAIGHT", &app.admin, json!({})).await.expect(200);
        let list = app.get("/api/v1/equipment-types", &app.admin).await.expect(200).json();
        assert_eq!(list["items"][0]["name"], "Straight stairlift (S2)");
    }

    async fn a_changed_interval_moves_every_items_date_with_a_history_entry_on_each(app: TestApp) {
        let t = app.stairlift_type().await;
        let loler = rule_id(&t, "LOLER thorough examination");
        let client = app.client_person("SC-1", "Ann Lee", "LS1 4AP").await;
        let (worker, worker_token) = app.user_with_id("worker");
        for _ in 0..4 {
            app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        }
        // EQ-000001 fitted on 10 Jan; EQ-000002 examined on 1 Mar in store; EQ-000003 new
        // stock; EQ-000004 examined and condemned.
        app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({"fitted_at": "2026-01-10"})).await.expect(200);
        for tag in ["EQ-000002", "EQ-000004"] {
            app.registered_on(tag, "2026-01-01");
            app.post(&format!("/api/v1/items/{tag}/checks"), &app.admin,
                     json!({"rule": "LOLER thorough examination", "outcome": "pass", "performed_at": "2026-03-01"})).await.expect(200);
        }
        app.post("/api/v1/items/EQ-000004/condemn", &app.admin, json!({"reason_code": "beyond_repair", "reason": "rusted"})).await.expect(200);
        assert_eq!(item(&app, "EQ-000001").await["checks_due"][0]["next_due"], "2026-07-11");
        assert_eq!(item(&app, "EQ-000002").await["checks_due"][0]["next_due"], "2026-08-30");
        let version = item(&app, "EQ-000001").await["version"].as_i64().unwrap();

        let path = format!("/api/v1/equipment-types/STAIRLIFT-STRAIGHT/check-rules/{loler}");
        app.patch(&path, &app.user("stores"), json!({"interval_days": 90})).await.expect(403);
        app.patch("/api/v1/equipment-types/STAIRLIFT-STRAIGHT/check-rules/999999", &app.admin, json!({"interval_days": 90})).await.expect(404);
        app.patch(&path, &app.admin, json!({"interval_days": 0})).await.expect(422);
        let r = app.patch(&path, &app.admin, json!({"interval_days": 90, "kind": "examination"})).await.expect(200).json();
        assert_eq!(r["check_rules"][0]["interval_days"], 90);
        assert_eq!(r["check_rules"][0]["kind"], "examination");

        let fitted = item(&app, "EQ-000001").await;
        assert_eq!(fitted["checks_due"][0]["next_due"], "2026-04-10", "from the fit");
        assert_eq!(fitted["next_check_due"], "2026-04-10");
        assert_eq!(fitted["version"], version + 1);
        let stock = item(&app, "EQ-000002").await;
        assert_eq!(stock["checks_due"][0]["next_due"], "2026-05-30", "from its last check");
        assert_eq!(stock["next_check_due"], "2026-05-30");
        let moved = events(&app, "EQ-000001").await;
        let last = moved.last().unwrap();
        assert_eq!(last["action"], "check_rule_changed");
        assert_eq!(last["notes"], "LOLER thorough examination: rule changed; next due 2026-04-10 (was 2026-07-11)");
        for unmoved in ["EQ-000003", "EQ-000004"] {
            assert!(events(&app, unmoved).await.iter().all(|e| e["action"] != "check_rule_changed"), "{unmoved}");
        }
        assert_eq!(item(&app, "EQ-000004").await["next_check_due"], Value::Null, "condemned stays ended");
        // A lead time alone moves no date.
        app.patch(&path, &app.admin, json!({"lead_days": 30})).await.expect(200);
        let count = events(&app, "EQ-000001").await.len();
        assert_eq!(count, moved.len());
    }

    async fn a_rule_added_runs_from_the_first_fit_and_a_retired_one_holds_nothing_back(app: TestApp) {
        app.frame_type().await;
        let client = app.client_person("SC-1", "Ann Lee", "LS1 4AP").await;
        let (worker, worker_token) = app.user_with_id("worker");
        app.item("FRAME-WALKING", json!({})).await;
        app.item("FRAME-WALKING", json!({})).await;
        app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({"fitted_at": "2020-01-01"})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/return", &worker_token, json!({})).await.expect(200);
        let refused = app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": worker}))
            .await.expect(409).json();
        assert_eq!(refused["overdue_checks"], json!([{"rule": "safety check", "next_due": "2020-12-31"}]), "2020 is a leap year");

        let added = app.post("/api/v1/equipment-types/frame-walking/check-rules", &app.admin,
                             json!({"name": "ten-year review", "interval_days": 3650, "lead_days": 60}))
            .await.expect(201);
        let rule = added.json();
        assert_eq!((rule["name"].as_str(), rule["interval_days"].as_i64()), (Some("ten-year review"), Some(3650)));
        assert_eq!(added.location.as_deref(),
                   Some(format!("/api/v1/equipment-types/frame-walking/check-rules/{}", rule["id"]).as_str()));
        let t = frame_type(&app).await;
        assert_eq!(t["check_rules"].as_array().unwrap().len(), 2);
        let frame = item(&app, "EQ-000001").await;
        let review = frame["checks_due"].as_array().unwrap().iter().find(|d| d["rule"] == "ten-year review").unwrap().clone();
        assert_eq!(review["next_due"], "2029-12-29", "one interval after the first fit");
        assert_eq!(item(&app, "EQ-000002").await["next_check_due"], Value::Null, "never fitted: nothing due");
        app.post("/api/v1/equipment-types/FRAME-WALKING/check-rules", &app.admin,
                 json!({"name": "Ten-Year Review", "interval_days": 30})).await.expect(409);
        app.post("/api/v1/equipment-types/FRAME-WALKING/check-rules", &app.admin,
                 json!({"name": "x", "interval_days": 30, "kind": "weekly"})).await.expect(422);

        let safety = rule_id(&t, "safety check");
        let t = app.delete(&format!("/api/v1/equipment-types/FRAME-WALKING/check-rules/{safety}"), &app.admin)
            .await.expect(200).json();
        let names: Vec<&str> = t["check_rules"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["ten-year review"]);
        let frame = item(&app, "EQ-000001").await;
        assert_eq!(frame["checks_due"].as_array().unwrap().len(), 1);
        assert_eq!(frame["next_check_due"], "2029-12-29");
        let last = events(&app, "EQ-000001").await.last().unwrap().clone();
        assert_eq!(last["notes"], "safety check: rule retired; next due none (was 2020-12-31)");
        // No longer held back by it, and its name stays with its history.
        app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        app.post("/api/v1/equipment-types/FRAME-WALKING/check-rules", &app.admin,
                 json!({"name": "safety check", "interval_days": 30})).await.expect(409);
        app.delete(&format!("/api/v1/equipment-types/FRAME-WALKING/check-rules/{safety}"), &app.admin).await.expect(404);
        let review = rule_id(&t, "ten-year review");
        let r = app.delete(&format!("/api/v1/equipment-types/FRAME-WALKING/check-rules/{review}"), &app.admin)
            .await.expect(409).json();
        assert!(r["detail"].as_str().unwrap().contains("at least one"));
    }
}
