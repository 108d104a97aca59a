use serde_json::json;

both_backends! {
    async fn a_type_keeps_several_check_rules(app: TestApp) {
        let t = app.stairlift_type().await;
        assert_eq!(t["code"], "STAIRLIFT-STRAIGHT");
        assert_eq!(t["requires_decontamination"], true);
        // Each rule with its own shape: with nothing said, an inspection on the default lead time.
        let rules: Vec<serde_json::Value> = t["check_rules"].as_array().unwrap().iter().map(|r| {
            assert!(r["id"].is_i64());
            json!([r["name"], r["interval_days"], r["kind"], r["lead_days"], r["due_on_fit"]])
        }).collect();
        assert_eq!(rules, [
            json!(["LOLER thorough examination", 182, "inspection", null, false]),
            json!(["manufacturer service", 365, "inspection", null, false])
        ]);
        let list = app.get("/api/v1/equipment-types", &app.admin).await.expect(200).json();
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["check_rules"].as_array().unwrap().len(), 2);
    }

    async fn check_interval_days_is_shorthand_for_one_safety_check(app: TestApp) {
        let t = app.frame_type().await;
        let rule = &t["check_rules"][0];
        assert_eq!(t["check_rules"].as_array().unwrap().len(), 1);
        assert_eq!(json!([rule["name"], rule["interval_days"], rule["kind"], rule["lead_days"], rule["due_on_fit"]]),
                   json!(["safety check", 365, "inspection", null, false]));
        assert_eq!(t["requires_decontamination"], false);
    }

    async fn a_type_with_bad_fields_names_each_one(app: TestApp) {
        let r = app.post("/api/v1/equipment-types", &app.admin, json!({
            "code": "bad code!", "category": "spaceship",
            "check_rules": [{"name": "a", "interval_days": 0}, {"name": "A", "interval_days": 30}]
        })).await.expect(422).json();
        let fields: Vec<&str> = r["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["code", "name", "category", "check_rules[0].interval_days", "check_rules[1].name"]);
        app.post("/api/v1/equipment-types", &app.admin, json!({"code": "X", "name": "X", "category": "other"}))
            .await.expect(422);
        app.post("/api/v1/equipment-types", &app.admin, json!({"code": "X", "name": "X", "category": "other",
            "check_interval_days": 30, "check_rules": [{"name": "a", "interval_days": 30}]})).await.expect(422);
    }

    async fn a_duplicate_type_code_or_location_name_is_a_conflict(app: TestApp) {
        app.stairlift_type().await;
        let r = app.post("/api/v1/equipment-types", &app.admin, json!({"code": "stairlift-straight", "name": "Again", "category": "stairlift", "check_interval_days": 182}))
            .await.expect(409);
        assert!(r.json()["detail"].as_str().unwrap().contains("STAIRLIFT-STRAIGHT"));
        app.store("Main store").await;
        app.post("/api/v1/locations", &app.admin, json!({"name": "main STORE"})).await.expect(409);
        app.post("/api/v1/locations", &app.admin, json!({"name": "Van", "kind": "vehicle"})).await.expect(422);
        let list = app.get("/api/v1/locations", &app.admin).await.expect(200).json();
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["kind"], "store");
    }
}
