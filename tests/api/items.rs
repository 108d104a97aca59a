use serde_json::json;

both_backends! {
    async fn a_new_item_gets_the_next_generated_tag_and_a_history(app: TestApp) {
        app.stairlift_type().await;
        let store = app.store("Main store").await;
        let first = app.item("STAIRLIFT-STRAIGHT", json!({"serial_number": "SN100", "batch": "B7", "location_id": store})).await;
        let second = app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        assert_eq!(first["asset_tag"], "EQ-000001");
        assert_eq!(second["asset_tag"], "EQ-000002");
        assert_eq!(first["status"], "in_store");
        assert_eq!(first["version"], 1);
        assert_eq!(first["location"]["name"], "Main store");
        assert_eq!(first["type"], json!({"code": "STAIRLIFT-STRAIGHT", "name": "Straight stairlift", "category": "stairlift", "requires_decontamination": true}));
        assert_eq!(first["qr_payload"], format!("{}/s/EQ-000001", app.base));
        assert_eq!(first["checks_due"].as_array().unwrap().len(), 2);
        for key in ["serial_number", "batch", "client", "worker", "fitted_at", "last_checked_at", "next_check_due"] {
            assert!(first.get(key).is_some(), "item JSON carries {key}");
        }
        let history = app.get("/api/v1/items/EQ-000001/events", &app.admin).await.expect(200).json();
        assert_eq!(history["total"], 1);
        assert_eq!(history["items"][0]["action"], "received");
        assert_eq!(history["items"][0]["to_status"], "in_store");
        assert_eq!(history["items"][0]["staff_name"], "Ada Admin");
    }

    async fn a_given_tag_is_kept_and_a_duplicate_is_refused(app: TestApp) {
        app.stairlift_type().await;
        let item = app.item("STAIRLIFT-STRAIGHT", json!({"asset_tag": " eq-000002 "})).await;
        assert_eq!(item["asset_tag"], "EQ-000002");
        app.post("/api/v1/items", &app.admin, json!({"type": "STAIRLIFT-STRAIGHT", "asset_tag": "EQ-000002"})).await.expect(409);
        // Generation skips a tag someone already gave by hand, and never reuses a number.
        assert_eq!(app.item("STAIRLIFT-STRAIGHT", json!({})).await["asset_tag"], "EQ-000001");
        assert_eq!(app.item("STAIRLIFT-STRAIGHT", json!({})).await["asset_tag"], "EQ-000003");
    }

    async fn an_item_is_found_by_its_tag_in_any_case(app: TestApp) {
        app.stairlift_type().await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        let r = app.get("/api/v1/items/eq-000001", &app.admin).await.expect(200).json();
        assert_eq!(r["asset_tag"], "EQ-000001");
        let missing = app.get("/api/v1/items/EQ-999999", &app.admin).await.expect(404);
        assert_eq!(missing.content_type, "application/problem+json");
        assert!(missing.json()["detail"].as_str().unwrap().contains("EQ-999999"));
    }

    async fn the_list_filters_and_pages(app: TestApp) {
        app.stairlift_type().await;
        app.frame_type().await;
        let client = app.client_person("C-1", "Margaret Oduya", "LS6 2AB").await;
        for i in 0..5 {
            app.item("STAIRLIFT-STRAIGHT", json!({"serial_number": format!("SL-{i}"), "batch": "LOT-A"})).await;
        }
        for i in 0..3 {
            app.item("FRAME-WALKING", json!({"serial_number": format!("FR-{i}"), "batch": "LOT-B"})).await;
        }
        let all = app.get("/api/v1/items?per_page=3&page=2", &app.admin).await.expect(200).json();
        assert_eq!(all["total"], 8);
        assert_eq!(all["page"], 2);
        assert_eq!(all["per_page"], 3);
        assert_eq!(all["items"].as_array().unwrap().len(), 3);
        assert_eq!(all["items"][0]["asset_tag"], "EQ-000004");
        let count = |v: serde_json::Value| v["total"].as_i64().unwrap();
        assert_eq!(count(app.get("/api/v1/items?category=walking_aid", &app.admin).await.expect(200).json()), 3);
        assert_eq!(count(app.get("/api/v1/items?type=STAIRLIFT-STRAIGHT", &app.admin).await.expect(200).json()), 5);
        assert_eq!(count(app.get("/api/v1/items?status=in_store", &app.admin).await.expect(200).json()), 8);
        assert_eq!(count(app.get("/api/v1/items?status=in_use", &app.admin).await.expect(200).json()), 0);
        assert_eq!(count(app.get("/api/v1/items?q=fr-", &app.admin).await.expect(200).json()), 3);
        assert_eq!(count(app.get("/api/v1/items?q=lot-a", &app.admin).await.expect(200).json()), 5);
        assert_eq!(count(app.get("/api/v1/items?q=eq-000008", &app.admin).await.expect(200).json()), 1);
        // Wildcards stand for themselves.
        assert_eq!(count(app.get("/api/v1/items?q=%25", &app.admin).await.expect(200).json()), 0);
        assert_eq!(count(app.get("/api/v1/items?q=fr_", &app.admin).await.expect(200).json()), 0);
        assert_eq!(count(app.get("/api/v1/items?q=oduya", &app.admin).await.expect(200).json()), 0);
        assert_eq!(count(app.get(&format!("/api/v1/items?client_id={client}"), &app.admin).await.expect(200).json()), 0);
        assert_eq!(count(app.get("/api/v1/items?due_before=2030-01-01", &app.admin).await.expect(200).json()), 0);
        for bad in ["status=lost", "category=car", "due_before=tomorrow", "per_page=0", "per_page=501", "page=0", "page=x", "client_id=abc"] {
            let r = app.get(&format!("/api/v1/items?{bad}"), &app.admin).await.expect(422);
            assert_eq!(r.content_type, "application/problem+json", "{bad}");
        }
    }

    async fn a_patch_changes_fields_records_it_and_guards_the_version(app: TestApp) {
        app.stairlift_type().await;
        let store = app.store("North depot").await;
        let (worker, _) = app.user_with_id("worker");
        app.item("STAIRLIFT-STRAIGHT", json!({"serial_number": "OLD"})).await;
        let r = app.patch("/api/v1/items/EQ-000001", &app.admin, json!({
            "serial_number": "NEW-1", "batch": null, "location_id": store, "worker_id": worker, "expected_version": 1
        })).await.expect(200).json();
        assert_eq!(r["serial_number"], "NEW-1");
        assert_eq!(r["location"]["id"], store);
        assert_eq!(r["worker"]["id"], worker);
        assert_eq!(r["version"], 2);
        let stale = app.patch("/api/v1/items/EQ-000001", &app.admin, json!({"batch": "X", "expected_version": 1})).await.expect(409).json();
        assert_eq!(stale["current_version"], 2);
        app.patch("/api/v1/items/EQ-000001", &app.admin, json!({"location_id": 9999})).await.expect(422);
        app.patch("/api/v1/items/EQ-000001", &app.admin, json!({})).await.expect(422);
        app.patch("/api/v1/items/EQ-000001", &app.admin, json!({"status": "condemned"})).await.expect(422);
        let history = app.get("/api/v1/items/EQ-000001/events", &app.admin).await.expect(200).json();
        assert_eq!(history["total"], 2);
        assert_eq!(history["items"][1]["action"], "updated");
    }

    async fn the_history_cannot_be_rewritten_even_from_inside(app: TestApp) {
        use diesel::RunQueryDsl;
        app.stairlift_type().await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        let update = app.db.read(|c| Ok(diesel::sql_query("UPDATE events SET action = 'x'").execute(c).is_err())).unwrap();
        let delete = app.db.read(|c| Ok(diesel::sql_query("DELETE FROM events").execute(c).is_err())).unwrap();
        assert!(update && delete, "the database refuses to rewrite history");
        let history = app.get("/api/v1/items/EQ-000001/events", &app.admin).await.expect(200).json();
        assert_eq!(history["total"], 1);
    }
}
