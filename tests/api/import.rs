use serde_json::json;

both_backends! {
    async fn a_clean_file_imports_every_row(app: TestApp) {
        app.stairlift_type().await;
        app.frame_type().await;
        app.store("Main store").await;
        let csv = "asset_tag,type,serial_number,batch,location\n\
                   OLD-0001,STAIRLIFT-STRAIGHT,SN1,B1,Main store\n\
                   ,frame-walking,FR9,,main store\n\
                   \"old-0002\",FRAME-WALKING,\"FR, 10\",B2,\n";
        let r = app.post_csv("/api/v1/items/import", &app.admin, csv).await.expect(201).json();
        assert_eq!(r, json!({"imported": 3, "generated_tags": 1}));
        let all = app.get("/api/v1/items", &app.admin).await.expect(200).json();
        let tags: Vec<&str> = all["items"].as_array().unwrap().iter().map(|i| i["asset_tag"].as_str().unwrap()).collect();
        assert_eq!(tags, ["EQ-000001", "OLD-0001", "OLD-0002"]);
        let one = app.get("/api/v1/items/OLD-0002", &app.admin).await.expect(200).json();
        assert_eq!(one["serial_number"], "FR, 10");
        assert_eq!(one["location"], serde_json::Value::Null);
        let history = app.get("/api/v1/items/OLD-0001/events", &app.admin).await.expect(200).json();
        assert_eq!(history["items"][0]["action"], "imported");
    }

    async fn a_file_with_bad_rows_imports_nothing_and_names_each_line(app: TestApp) {
        app.stairlift_type().await;
        app.item("STAIRLIFT-STRAIGHT", json!({"asset_tag": "TAKEN-1"})).await;
        let csv = "asset_tag,type,serial_number,batch,location\n\
                   GOOD-1,STAIRLIFT-STRAIGHT,,,\n\
                   GOOD-2,NO-SUCH-TYPE,,,\n\
                   taken-1,STAIRLIFT-STRAIGHT,,,\n\
                   GOOD-1,STAIRLIFT-STRAIGHT,,,\n\
                   bad tag,STAIRLIFT-STRAIGHT,,,Atlantis\n";
        let r = app.post_csv("/api/v1/items/import", &app.admin, csv).await.expect(422).json();
        let lines: Vec<(String, String)> = r["errors"].as_array().unwrap().iter()
            .map(|e| (e["field"].as_str().unwrap().to_string(), e["message"].as_str().unwrap().to_string())).collect();
        assert_eq!(lines.iter().map(|l| l.0.as_str()).collect::<Vec<_>>(), ["line 3", "line 4", "line 5", "line 6", "line 6"]);
        assert!(lines[0].1.contains("NO-SUCH-TYPE"));
        assert!(lines[1].1.contains("already exists"));
        assert!(lines[2].1.contains("line 2"));
        assert!(lines[4].1.contains("Atlantis"));
        let all = app.get("/api/v1/items", &app.admin).await.expect(200).json();
        assert_eq!(all["total"], 1, "nothing was imported");
    }

    async fn an_import_needs_csv_a_header_and_the_stores_role(app: TestApp) {
        app.stairlift_type().await;
        let worker = app.user("worker");
        app.post_csv("/api/v1/items/import", &worker, "type\nSTAIRLIFT-STRAIGHT\n").await.expect(403);
        app.request("POST", "/api/v1/items/import", Some(&app.admin), Some(("application/json", b"{}".to_vec()))).await.expect(415);
        let r = app.post_csv("/api/v1/items/import", &app.admin, "tag,kind\nA,B\n").await.expect(422).json();
        assert_eq!(r["errors"][0]["field"], "line 1");
        app.post_csv("/api/v1/items/import", &app.admin, "asset_tag,type\n").await.expect(422);
        let stores = app.user("stores");
        app.post_csv("/api/v1/items/import", &stores, "type\nSTAIRLIFT-STRAIGHT\n").await.expect(201);
    }
}
