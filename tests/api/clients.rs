use serde_json::json;

both_backends! {
    async fn a_client_is_created_listed_and_corrected(app: TestApp) {
        let r = app.post("/api/v1/clients", &app.admin, json!({
            "reference": "SC-0042", "name": "Margaret Oduya", "address": "14 Elm Road, Leeds", "postcode": "ls62ab"
        })).await.expect(201).json();
        assert_eq!(r["postcode"], "LS6 2AB");
        let id = r["id"].as_i64().unwrap();
        app.post("/api/v1/clients", &app.admin, json!({
            "reference": "SC-0042", "name": "Someone Else", "address": "1 Road", "postcode": "LS1 4AP"
        })).await.expect(409);
        let bad = app.post("/api/v1/clients", &app.admin, json!({"reference": "SC-1", "postcode": "??"})).await.expect(422).json();
        let fields: Vec<&str> = bad["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["name", "address", "postcode"]);
        let found = app.get("/api/v1/clients?q=oduya", &app.admin).await.expect(200).json();
        assert_eq!(found["total"], 1);
        let r = app.patch(&format!("/api/v1/clients/{id}"), &app.admin, json!({"phone": "0113 496 0001", "postcode": "LS6 3CD"})).await.expect(200).json();
        assert_eq!(r["phone"], "0113 496 0001");
        assert_eq!(r["postcode"], "LS6 3CD");
        let one = app.get(&format!("/api/v1/clients/{id}"), &app.admin).await.expect(200).json();
        assert_eq!(one["equipment"], json!([]));
        app.get("/api/v1/clients/424242", &app.admin).await.expect(404);
        app.get("/api/v1/clients/not-a-number", &app.admin).await.expect(404);
    }

    async fn a_client_holding_nothing_is_erased_for_good(app: TestApp) {
        let id = app.client_person("SC-7", "Harold Finch", "LS1 4AP").await;
        let stores = app.user("stores");
        app.delete(&format!("/api/v1/clients/{id}"), &stores).await.expect(403);
        let r = app.delete(&format!("/api/v1/clients/{id}"), &app.admin).await.expect(200).json();
        assert_eq!(r["erased"], true);
        assert_eq!(r["name"], "Erased client");
        assert_eq!(r["address"], "");
        assert_eq!(r["phone"], serde_json::Value::Null);
        let found = app.get("/api/v1/clients?q=finch", &app.admin).await.expect(200).json();
        assert_eq!(found["total"], 0);
        app.patch(&format!("/api/v1/clients/{id}"), &app.admin, json!({"name": "Back"})).await.expect(409);
    }
}
