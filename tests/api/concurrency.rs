use futures_util::future::join_all;
use serde_json::json;

both_backends! {
    async fn twenty_simultaneous_fits_give_one_success_and_nineteen_conflicts(app: TestApp) {
        app.stairlift_type().await;
        let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
        let (worker, _) = app.user_with_id("worker");
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        let tokens: Vec<String> = (0..20).map(|_| app.user("worker")).collect();
        let replies = join_all(tokens.iter().map(|t| app.post("/api/v1/items/EQ-000001/fit", t, json!({"expected_version": 2})))).await;
        let mut statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
        statuses.sort();
        assert_eq!(statuses, [vec![200], vec![409; 19]].concat(), "{:?}", replies.iter().map(|r| r.text()).collect::<Vec<_>>());
        let history = app.get("/api/v1/items/EQ-000001/events", &app.admin).await.expect(200).json();
        let fits = history["items"].as_array().unwrap().iter().filter(|e| e["action"] == "fitted").count();
        assert_eq!(fits, 1);
        let item = app.get("/api/v1/items/EQ-000001", &app.admin).await.expect(200).json();
        assert_eq!(item["version"], 3);
    }

    async fn sixteen_writers_on_different_items_all_succeed(app: TestApp) {
        app.frame_type().await;
        let csv: String = std::iter::once("asset_tag,type\n".to_string())
            .chain((0..64).map(|i| format!("W-{i:03},FRAME-WALKING\n")))
            .collect();
        app.post_csv("/api/v1/items/import", &app.admin, &csv).await.expect(201);
        let stores: Vec<String> = (0..16).map(|_| app.user("stores")).collect();
        // Each writer quarantines and releases its own four items, all at once.
        let writers = stores.iter().enumerate().map(|(w, token)| {
            let app = &app;
            async move {
                let mut statuses = Vec::new();
                for i in 0..4 {
                    let tag = format!("W-{:03}", w * 4 + i);
                    statuses.push(app.post(&format!("/api/v1/items/{tag}/quarantine"), token, json!({"reason": "audit"})).await.status);
                    statuses.push(app.post(&format!("/api/v1/items/{tag}/release"), token, json!({"reason": "audit done"})).await.status);
                }
                statuses
            }
        });
        let statuses: Vec<u16> = join_all(writers).await.into_iter().flatten().collect();
        assert_eq!(statuses.len(), 128);
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
        let quarantined = app.get("/api/v1/items?status=quarantined", &app.admin).await.expect(200).json();
        assert_eq!(quarantined["total"], 0);
    }
}
