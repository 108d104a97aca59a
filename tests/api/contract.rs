//! The API contract in the small: what `scripts/contract-test.sh` checks at large against the
//! OpenAPI document, proved here cheaply on both backends.

use chrono::DateTime;
use serde_json::{Value, json};

/// Every value in `value` whose key ends in `_at` and is not a day, with its path.
fn timestamps(value: &Value, path: &str, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(fields) => {
            for (key, v) in fields {
                let at = format!("{path}.{key}");
                match v {
                    Value::String(s) if key.ends_with("_at") && s.len() > 10 => found.push((at, s.clone())),
                    _ => timestamps(v, &at, found),
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                timestamps(v, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

both_backends! {
    async fn every_timestamp_is_rfc3339_in_utc_and_days_stay_days(app: TestApp) {
        app.stairlift_type().await;
        app.store("Main store").await;
        let stores = app.user("stores");
        let (worker, worker_token) = app.user_with_id("worker");
        let client = app.client_person("SC-1", "Ann Lee", "LS1 4AP").await;
        app.item("STAIRLIFT-STRAIGHT", json!({"serial_number": "SN1"})).await;
        app.post("/api/v1/items/EQ-000001/issue", &stores, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        let fitted = app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({})).await.expect(200).json();
        assert_eq!(fitted["fitted_at"].as_str().map(str::len), Some(10), "a day stays YYYY-MM-DD: {fitted}");
        app.post("/api/v1/items/EQ-000001/checks", &worker_token,
            json!({"rule": "manufacturer service", "outcome": "fail", "notes": "worn"})).await.expect(200);
        app.post("/api/v1/recalls", &stores, json!({"reference": "R1", "title": "T", "type": "STAIRLIFT-STRAIGHT", "batch": "x"}))
            .await.expect(201);

        let mut found = Vec::new();
        for path in ["/api/v1/equipment-types", "/api/v1/locations", "/api/v1/clients", &format!("/api/v1/clients/{client}"),
                     "/api/v1/staff", "/api/v1/items", "/api/v1/items/EQ-000001/events", "/api/v1/recalls",
                     "/api/v1/notifications", "/api/v1/audit"] {
            timestamps(&app.get(path, &app.admin).await.expect(200).json(), path, &mut found);
        }
        for kind in ["created_at", "updated_at", "occurred_at", "opened_at", "closed_at", "next_attempt_at"] {
            assert!(found.iter().any(|(at, _)| at.ends_with(kind)), "no {kind} seen in {found:?}");
        }
        for (at, value) in found {
            assert!(value.ends_with('Z'), "{at} = {value:?} is not in UTC with Z");
            assert!(DateTime::parse_from_rfc3339(&value).is_ok(), "{at} = {value:?} is not RFC 3339");
        }
    }

    async fn a_method_a_path_does_not_serve_is_405_naming_those_it_does(app: TestApp) {
        app.stairlift_type().await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        for (method, path, allowed) in [
            ("DELETE", "/api/v1/items", vec!["GET", "POST"]),
            ("PUT", "/api/v1/items/EQ-000001", vec!["GET", "PATCH"]),
            ("GET", "/api/v1/items/EQ-000001/issue", vec!["POST"]),
            ("POST", "/healthz", vec!["GET"]),
            ("POST", "/scan", vec!["GET"]),
        ] {
            let r = app.request(method, path, Some(&app.admin), None).await.expect(405);
            assert_eq!(r.content_type, "application/problem+json", "{method} {path}");
            assert_eq!(r.json()["status"], 405);
            let allow = r.allow.clone().unwrap_or_else(|| panic!("{method} {path}: no Allow header"));
            let mut listed: Vec<&str> = allow.split(',').map(str::trim).collect();
            listed.sort();
            assert_eq!(listed, allowed, "{method} {path}");
        }
        app.get("/api/v1/nothing-here", &app.admin).await.expect(404);
    }

    async fn paging_outside_its_range_is_refused_naming_the_parameter(app: TestApp) {
        let max = equiptrack::service::pages::MAX_PER_PAGE;
        for list in ["/api/v1/items", "/api/v1/clients", "/api/v1/staff", "/api/v1/recalls", "/api/v1/audit", "/api/v1/labels.pdf"] {
            for (query, field) in [(format!("per_page={}", max + 1), "per_page"), ("per_page=0".into(), "per_page"), ("page=0".into(), "page")] {
                let r = app.get(&format!("{list}?{query}"), &app.admin).await.expect(422);
                assert_eq!(r.json()["errors"][0]["field"], field, "{list}?{query}");
            }
        }
        let r = app.get(&format!("/api/v1/items?per_page={max}"), &app.admin).await.expect(200);
        assert_eq!(r.json()["per_page"], max);
    }

    async fn a_whole_number_written_with_a_fraction_is_a_whole_number(app: TestApp) {
        app.stairlift_type().await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        let r = app.post("/api/v1/items/EQ-000001/quarantine", &app.admin, json!({"reason": "dent", "expected_version": 1.0}))
            .await.expect(200);
        assert_eq!(r.json()["version"], 2);
        let r = app.post("/api/v1/items/EQ-000001/release", &app.admin, json!({"reason": "ok", "expected_version": 2.5}))
            .await.expect(422);
        assert_eq!(r.json()["errors"][0]["field"], "expected_version");
    }

    async fn the_document_gives_every_operation_its_problems_and_leaves_out_the_pages(app: TestApp) {
        let doc = app.get("/api/v1/openapi.json", &app.admin).await.expect(200).json();
        let problem = &doc["components"]["schemas"]["Problem"];
        for field in ["type", "title", "status", "detail", "errors"] {
            assert!(problem["properties"].get(field).is_some(), "Problem lacks {field}");
        }
        for page in ["/s/{tag}", "/scan", "/desk", "/login"] {
            assert!(doc["paths"].get(page).is_none(), "{page} is a page, not API");
        }
        let paths = doc["paths"].as_object().unwrap();
        for (path, item) in paths {
            for (method, op) in item.as_object().unwrap() {
                let answers = &op["responses"];
                let busy = &answers["503"];
                assert!(busy["headers"].get("Retry-After").is_some(), "{method} {path}: 503 without Retry-After");
                assert_eq!(busy["content"]["application/problem+json"]["schema"]["$ref"], "#/components/schemas/Problem");
                if path != "/healthz" {
                    assert!(answers.get("401").is_some(), "{method} {path}: no 401");
                }
                if path.contains('{') {
                    assert!(answers.get("404").is_some(), "{method} {path}: no 404");
                }
                if op.get("requestBody").is_some() {
                    for status in ["413", "415"] {
                        assert!(answers.get(status).is_some(), "{method} {path}: no {status}");
                    }
                }
            }
        }
        let per_page = doc["paths"]["/api/v1/items"]["get"]["parameters"].as_array().unwrap()
            .iter().find(|p| p["name"] == "per_page").unwrap();
        assert_eq!(per_page["in"], "query");
        assert_eq!(per_page["schema"]["maximum"], equiptrack::service::pages::MAX_PER_PAGE);
        let created = &doc["components"]["schemas"]["ItemView"]["properties"]["created_at"];
        assert_eq!(created["format"], "date-time");
    }
}
