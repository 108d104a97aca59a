use serde_json::json;

both_backends! {
    async fn health_answers_without_a_token(app: TestApp) {
        let r = app.request("GET", "/healthz", None, None).await.expect(200);
        assert_eq!(r.json(), json!({"status": "ok"}));
    }

    async fn every_api_path_wants_a_valid_token(app: TestApp) {
        for path in ["/api/v1/items", "/api/v1/equipment-types", "/api/v1/clients", "/api/v1/openapi.json"] {
            let r = app.request("GET", path, None, None).await.expect(401);
            assert_eq!(r.content_type, "application/problem+json");
            app.request("GET", path, Some("et_not-a-real-token"), None).await.expect(401);
        }
    }

    async fn a_deactivated_account_loses_access(app: TestApp) {
        let (id, token) = app.user_with_id("stores");
        app.get("/api/v1/items", &token).await.expect(200);
        app.patch(&format!("/api/v1/staff/{id}"), &app.admin, json!({"active": false})).await.expect(200);
        app.get("/api/v1/items", &token).await.expect(401);
    }

    async fn roles_are_enforced_on_every_write(app: TestApp) {
        app.stairlift_type().await;
        let viewer = app.user("viewer");
        let worker = app.user("worker");
        let stores = app.user("stores");
        // Reads are open to every role.
        for token in [&viewer, &worker, &stores] {
            app.get("/api/v1/items", token).await.expect(200);
            app.get("/api/v1/equipment-types", token).await.expect(200);
        }
        // Only admin manages types and staff.
        for token in [&viewer, &worker, &stores] {
            app.post("/api/v1/equipment-types", token, json!({"code": "X", "name": "X", "category": "other", "check_interval_days": 30}))
                .await
                .expect(403);
            app.post("/api/v1/staff", token, json!({"email": "x@y.org", "name": "X", "role": "viewer"})).await.expect(403);
        }
        // Stores receive stock and locations; workers and viewers may not.
        app.post("/api/v1/items", &stores, json!({"type": "STAIRLIFT-STRAIGHT"})).await.expect(201);
        app.post("/api/v1/locations", &stores, json!({"name": "Depot"})).await.expect(201);
        for token in [&viewer, &worker] {
            app.post("/api/v1/items", token, json!({"type": "STAIRLIFT-STRAIGHT"})).await.expect(403);
            app.post("/api/v1/locations", token, json!({"name": "Depot 2"})).await.expect(403);
            app.post("/api/v1/clients", token, json!({"reference": "C9", "name": "N", "address": "A", "postcode": "LS1 4AP"}))
                .await
                .expect(403);
            app.get("/api/v1/staff", token).await.expect(403);
        }
        app.get("/api/v1/staff", &stores).await.expect(200);
        let r = app.post("/api/v1/items", &viewer, json!({"type": "STAIRLIFT-STRAIGHT"})).await.expect(403);
        assert!(r.json()["detail"].as_str().unwrap().contains("viewer"));
    }

    async fn an_admin_creates_staff_and_the_token_works_once_shown(app: TestApp) {
        let r = app
            .post("/api/v1/staff", &app.admin, json!({"email": "Wendy@Example.org", "name": "Wendy Worker", "role": "worker", "password": "correct horse battery"}))
            .await
            .expect(201)
            .json();
        assert_eq!(r["email"], "wendy@example.org");
        assert_eq!(r["has_password"], true);
        let token = r["token"].as_str().unwrap().to_string();
        app.get("/api/v1/items", &token).await.expect(200);
        let listed = app.get("/api/v1/staff", &app.admin).await.expect(200).json();
        assert!(listed["items"].as_array().unwrap().iter().all(|s| s.get("token").is_none()));
        app.post("/api/v1/staff", &app.admin, json!({"email": "wendy@example.org", "name": "Again", "role": "worker"}))
            .await
            .expect(409);
        let bad = app.post("/api/v1/staff", &app.admin, json!({"email": "nope", "name": "", "role": "boss", "password": "short"}))
            .await
            .expect(422)
            .json();
        let fields: Vec<&str> = bad["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["email", "name", "role", "password"]);
    }

    async fn the_last_active_admin_cannot_be_removed(app: TestApp) {
        let admins = app.get("/api/v1/staff", &app.admin).await.expect(200).json();
        let id = admins["items"][0]["id"].as_i64().unwrap();
        app.patch(&format!("/api/v1/staff/{id}"), &app.admin, json!({"role": "viewer"})).await.expect(409);
        app.patch(&format!("/api/v1/staff/{id}"), &app.admin, json!({"active": false})).await.expect(409);
        app.patch("/api/v1/staff/999999", &app.admin, json!({"name": "x"})).await.expect(404);
    }

    async fn the_openapi_document_describes_the_served_paths(app: TestApp) {
        let doc = app.get("/api/v1/openapi.json", &app.admin).await.expect(200).json();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let paths = doc["paths"].as_object().unwrap();
        for p in ["/api/v1/items", "/api/v1/items/{tag}", "/api/v1/items/{tag}/events", "/api/v1/clients/{id}",
                  "/api/v1/equipment-types", "/api/v1/locations", "/api/v1/staff", "/api/v1/items/import", "/healthz"] {
            assert!(paths.contains_key(p), "{p} missing from the OpenAPI document");
        }
        let mut ids: Vec<&str> = paths.values().flat_map(|ops| ops.as_object().unwrap().values())
            .filter_map(|op| op["operationId"].as_str()).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "operation ids are unique");
    }
}
