use serde_json::json;

both_backends! {
    async fn a_scan_takes_whatever_the_scanner_typed(app: TestApp) {
        app.stairlift_type().await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        let url = format!("{}/s/EQ-000001", app.base);
        for code in [url.clone(), format!("{url}/"), url.to_uppercase().replace("/S/", "/s/"), "eq-000001".into(), "  EQ-000001\t".into()] {
            let encoded: String = code.bytes().map(|b| format!("%{b:02X}")).collect();
            let r = app.get(&format!("/api/v1/scan?code={encoded}"), &app.admin).await.expect(200).json();
            assert_eq!(r["item"]["asset_tag"], "EQ-000001", "{code:?}");
            assert_eq!(r["safe_to_use"], true);
            assert_eq!(r["reasons"], json!([]));
        }
    }

    async fn an_unknown_or_foreign_code_is_a_plain_404(app: TestApp) {
        app.stairlift_type().await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        for code in ["EQ-999999", "https%3A%2F%2Fshop.example.com%2Fs%2FEQ-000001", "%F0%9F%93%A6%20box"] {
            let r = app.get(&format!("/api/v1/scan?code={code}"), &app.admin).await.expect(404);
            assert_eq!(r.content_type, "application/problem+json");
            assert!(!r.json()["detail"].as_str().unwrap().is_empty());
        }
        app.get("/api/v1/scan", &app.admin).await.expect(422);
    }

    async fn a_scan_says_why_an_item_is_unsafe_and_what_the_caller_may_do(app: TestApp) {
        app.stairlift_type().await;
        let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
        let (worker, worker_token) = app.user_with_id("worker");
        let stores = app.user("stores");
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        let r = app.get("/api/v1/scan?code=EQ-000001", &stores).await.expect(200).json();
        assert_eq!(r["actions"], json!(["issue", "checks", "quarantine", "condemn"]));
        let r = app.get("/api/v1/scan?code=EQ-000001", &worker_token).await.expect(200).json();
        assert_eq!(r["actions"], json!(["checks", "quarantine"]));
        app.post("/api/v1/items/EQ-000001/issue", &stores, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        // Fitted long ago and never checked: the LOLER examination is overdue.
        app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({"fitted_at": "2020-01-01"})).await.expect(200);
        let r = app.get("/api/v1/scan?code=EQ-000001", &worker_token).await.expect(200).json();
        assert_eq!(r["safe_to_use"], false);
        let codes: Vec<&str> = r["reasons"].as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["check_overdue", "check_overdue"]);
        assert!(r["reasons"][0]["message"].as_str().unwrap().contains("LOLER"));
        assert_eq!(r["actions"], json!(["checks", "return", "quarantine"]));
        let viewer = app.user("viewer");
        let r = app.get("/api/v1/scan?code=EQ-000001", &viewer).await.expect(200).json();
        assert_eq!(r["actions"], json!([]));
        app.post("/api/v1/items/EQ-000001/quarantine", &worker_token, json!({"reason": "rattles"})).await.expect(200);
        let r = app.get("/api/v1/scan?code=EQ-000001", &worker_token).await.expect(200).json();
        assert_eq!(r["reasons"][0]["code"], "quarantined");
    }

    async fn the_label_address_answers_api_clients_with_json(app: TestApp) {
        app.stairlift_type().await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        let r = app.get("/s/eq-000001", &app.admin).await.expect(200).json();
        assert_eq!(r["item"]["asset_tag"], "EQ-000001");
        assert_eq!(r["safe_to_use"], true);
        // A person without a session is sent to sign in, and back here after.
        let r = app.request("GET", "/s/EQ-000001", None, None).await.expect(303);
        assert_eq!(r.location.as_deref(), Some("/login?next=/s/EQ-000001"));
        app.get("/s/EQ-404", &app.admin).await.expect(404);
    }
}
