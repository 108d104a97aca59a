use serde_json::json;

both_backends! {
    async fn malformed_json_is_a_bad_request_and_a_wrong_field_is_named(app: TestApp) {
        app.stairlift_type().await;
        let r = app.request("POST", "/api/v1/items", Some(&app.admin), Some(("application/json", b"{\"type\": ".to_vec()))).await.expect(400);
        assert_eq!(r.content_type, "application/problem+json");
        let body = r.json();
        assert_eq!(body["status"], 400);
        assert_eq!(body["title"], "Bad request");
        let r = app.post("/api/v1/items", &app.admin, json!({"type": "STAIRLIFT-STRAIGHT", "location_id": "main"})).await.expect(422).json();
        assert_eq!(r["errors"][0]["field"], "location_id");
        let r = app.post("/api/v1/items", &app.admin, json!({"type": "STAIRLIFT-STRAIGHT", "colour": "red"})).await.expect(422).json();
        assert!(r["errors"][0]["message"].as_str().unwrap().contains("colour"));
        app.request("POST", "/api/v1/items", Some(&app.admin), Some(("text/plain", b"hello".to_vec()))).await.expect(415);
        app.request("POST", "/api/v1/items", Some(&app.admin), Some(("application/json", b"[1,2]".to_vec()))).await.expect(422);
    }

    async fn a_body_over_one_mebibyte_is_refused(app: TestApp) {
        let big = format!("{{\"name\": \"{}\"}}", "x".repeat(1_100_000));
        let r = app.request("POST", "/api/v1/locations", Some(&app.admin), Some(("application/json", big.into_bytes()))).await.expect(413);
        assert_eq!(r.content_type, "application/problem+json");
    }

    async fn hostile_input_never_gets_a_server_error(app: TestApp) {
        app.stairlift_type().await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        let weird = ["%00", "'%20OR%201=1--", "%F0%9F%92%A9", "..%2F..%2Fetc%2Fpasswd", &"A".repeat(3000)];
        for w in weird {
            for path in [format!("/api/v1/items/{w}"), format!("/api/v1/items/{w}/events"), format!("/api/v1/items?q={w}"),
                         format!("/api/v1/clients/{w}"), format!("/api/v1/items?type={w}")] {
                let r = app.get(&path, &app.admin).await;
                assert!(r.status < 500, "{path}: {} {}", r.status, r.text());
            }
        }
        let bodies = [json!(null), json!([]), json!("text"), json!({"type": null}), json!({"type": {"a": 1}}),
                      json!({"type": "STAIRLIFT-STRAIGHT", "serial_number": "x".repeat(5000)}), json!({"type": "STAIRLIFT-STRAIGHT", "location_id": -1}),
                      json!({"type": "STAIRLIFT-STRAIGHT", "location_id": 1e30})];
        for b in bodies {
            let r = app.post("/api/v1/items", &app.admin, b.clone()).await;
            assert!(r.status == 400 || r.status == 422, "{b}: {} {}", r.status, r.text());
        }
        app.request("GET", "/no/such/place", Some(&app.admin), None).await.expect(404);
    }
}
