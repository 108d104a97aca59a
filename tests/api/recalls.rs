use serde_json::{Value, json};

both_backends! {
    async fn a_recall_from_opening_to_closing(app: TestApp) {
        app.stairlift_type().await;
        let stores = app.user("stores");
        let (worker, worker_token) = app.user_with_id("worker");
        let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
        // SN8..SN12 on the shelf and in a home; SN9 and SN10 sort as numbers, not text.
        for serial in ["SN8", "SN9", "SN10", "SN11", "SN12", "XX10"] {
            app.item("STAIRLIFT-STRAIGHT", json!({"serial_number": serial})).await;
        }
        // EQ-000003 (SN10) is fitted in Margaret's home.
        app.post("/api/v1/items/EQ-000003/issue", &stores, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        app.post("/api/v1/items/EQ-000003/fit", &worker_token, json!({})).await.expect(200);

        let recall = app.post("/api/v1/recalls", &stores, json!({
            "reference": "FSN-2026-041", "title": "Carriage bolt may shear", "type": "STAIRLIFT-STRAIGHT",
            "serial_from": "SN9", "serial_to": "SN11"
        })).await.expect(201).json();
        assert_eq!(recall["status"], "open");
        assert_eq!(recall["affected"], 3);
        let listed: Vec<(&str, &str)> = recall["items"].as_array().unwrap().iter()
            .map(|i| (i["asset_tag"].as_str().unwrap(), i["found_at"].as_str().unwrap())).collect();
        assert_eq!(listed, [("EQ-000003", "home"), ("EQ-000002", "store"), ("EQ-000004", "store")]);
        let home = &recall["items"][0];
        assert_eq!(home["client"]["name"], "Margaret Oduya");
        assert_eq!(home["client"]["postcode"], "LS6 2AB");
        assert_eq!(home["worker"]["id"], worker);
        assert_eq!(home["status"], "in_use", "an item in a home is marked, not moved");

        // Stock in store is stopped at once.
        let shelf = app.get("/api/v1/items/EQ-000002", &stores).await.expect(200).json();
        assert_eq!(shelf["status"], "quarantined");
        assert_eq!(shelf["under_open_recall"], true);
        app.post("/api/v1/items/EQ-000002/release", &stores, json!({"reason": "looks fine"})).await.expect(409);
        let unaffected = app.get("/api/v1/items/EQ-000005", &stores).await.expect(200).json();
        assert_eq!(unaffected["status"], "in_store");
        // The item in the home scans as unsafe, naming the recall.
        let scan = app.get("/api/v1/scan?code=EQ-000003", &worker_token).await.expect(200).json();
        assert_eq!(scan["safe_to_use"], false);
        assert!(scan["reasons"][0]["message"].as_str().unwrap().contains("FSN-2026-041"));

        let id = recall["id"].as_i64().unwrap();
        app.post(&format!("/api/v1/recalls/{id}/items/EQ-000003/resolve"), &worker_token, json!({"outcome": "retrieved"})).await.expect(403);
        let r = app.post(&format!("/api/v1/recalls/{id}/items/EQ-000003/resolve"), &stores, json!({"outcome": "retrieved", "notes": "collected by van"})).await.expect(200).json();
        assert_eq!(r["status"], "open");
        assert_eq!(r["unresolved"], 2);
        let retrieved = app.get("/api/v1/items/EQ-000003", &stores).await.expect(200).json();
        assert_eq!(retrieved["status"], "quarantined");
        assert_eq!(retrieved["client"], Value::Null);
        app.post(&format!("/api/v1/recalls/{id}/items/EQ-000003/resolve"), &stores, json!({"outcome": "retrieved"})).await.expect(409);
        app.post(&format!("/api/v1/recalls/{id}/items/EQ-000005/resolve"), &stores, json!({"outcome": "safe"})).await.expect(404);
        app.post(&format!("/api/v1/recalls/{id}/items/EQ-000002/resolve"), &stores, json!({"outcome": "shrug"})).await.expect(422);
        app.post(&format!("/api/v1/recalls/{id}/items/EQ-000002/resolve"), &stores, json!({"outcome": "safe"})).await.expect(200);
        let r = app.post(&format!("/api/v1/recalls/{id}/items/EQ-000004/resolve"), &stores, json!({"outcome": "safe"})).await.expect(200).json();
        assert_eq!(r["status"], "closed");
        assert_eq!(r["unresolved"], 0);
        assert!(r["closed_at"].is_string());
        // Inspected and found safe: the shelf stock is back in store.
        let back = app.get("/api/v1/items/EQ-000002", &stores).await.expect(200).json();
        assert_eq!(back["status"], "in_store");
        assert_eq!(back["under_open_recall"], false);

        let history = app.get("/api/v1/items/EQ-000003/events", &app.admin).await.expect(200).json();
        let steps: Vec<&str> = history["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(steps, ["received", "issued", "fitted", "recalled", "recall_retrieved"]);
        let shelf_history = app.get("/api/v1/items/EQ-000002/events", &app.admin).await.expect(200).json();
        let steps: Vec<&str> = shelf_history["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(steps, ["received", "quarantined", "recall_cleared"]);
        let list = app.get("/api/v1/recalls?status=closed", &app.admin).await.expect(200).json();
        assert_eq!(list["total"], 1);
    }

    async fn a_batch_recall_stops_issue_of_stock(app: TestApp) {
        app.frame_type().await;
        let stores = app.user("stores");
        let client = app.client_person("SC-2", "Ann Lee", "LS1 4AP").await;
        let (worker, _) = app.user_with_id("worker");
        app.item("FRAME-WALKING", json!({"batch": "LOT-7"})).await;
        app.item("FRAME-WALKING", json!({"batch": "LOT-8"})).await;
        let r = app.post("/api/v1/recalls", &stores, json!({"reference": "MDA-1", "title": "Weld", "type": "FRAME-WALKING", "batch": "lot-7"}))
            .await.expect(201).json();
        assert_eq!(r["affected"], 1);
        let refused = app.post("/api/v1/items/EQ-000001/issue", &stores, json!({"client_id": client, "worker_id": worker})).await.expect(409).json();
        assert_eq!(refused["current_status"], "quarantined");
        app.post("/api/v1/items/EQ-000002/issue", &stores, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        app.post("/api/v1/recalls", &stores, json!({"reference": "MDA-1", "title": "Again", "type": "FRAME-WALKING", "batch": "x"})).await.expect(409);
    }

    async fn a_recall_must_name_a_type_and_one_scope(app: TestApp) {
        app.frame_type().await;
        let stores = app.user("stores");
        let cases = [
            (json!({"reference": "R", "title": "T", "type": "FRAME-WALKING"}), "batch"),
            (json!({"reference": "R", "title": "T", "type": "FRAME-WALKING", "serial_from": "A1", "serial_to": "B9"}), "serial_from"),
            (json!({"reference": "R", "title": "T", "type": "FRAME-WALKING", "serial_from": "A9", "serial_to": "A1"}), "serial_from"),
            (json!({"reference": "R", "title": "T", "type": "FRAME-WALKING", "serial_from": "A1"}), "serial_to"),
            (json!({"reference": "R", "title": "T", "type": "NOPE", "batch": "x"}), "type"),
            (json!({"title": "T", "type": "FRAME-WALKING", "batch": "x"}), "reference"),
        ];
        for (body, field) in cases {
            let r = app.post("/api/v1/recalls", &stores, body.clone()).await.expect(422).json();
            assert_eq!(r["errors"][0]["field"], field, "{body}");
        }
        let viewer = app.user("viewer");
        app.post("/api/v1/recalls", &viewer, json!({"reference": "R", "title": "T", "type": "FRAME-WALKING", "batch": "x"})).await.expect(403);
        let none = app.post("/api/v1/recalls", &stores, json!({"reference": "R", "title": "T", "type": "FRAME-WALKING", "batch": "nothing"})).await.expect(201).json();
        assert_eq!(none["affected"], 0);
        assert_eq!(none["status"], "closed");
        app.get("/api/v1/recalls/99999", &stores).await.expect(404);
    }
}
