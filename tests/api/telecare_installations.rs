//! The telecare installation in a client's home: recorded, read, replaced with its version,
//! refused field by field, its history, digital-readiness derived from the base unit's type,
//! and what an erasure leaves of it.

use serde_json::{Value, json};

use crate::support::{Reply, TestApp};

pub(crate) async fn put(app: &TestApp, client: i64, token: &str, body: Value) -> Reply {
    app.request(
        "PUT",
        &format!("/api/v1/clients/{client}/telecare"),
        Some(token),
        Some(("application/json", body.to_string().into_bytes())),
    )
    .await
}

/// Two telecare base unit types, one digital and one analogue, and a pendant type.
pub(crate) async fn telecare_types(app: &TestApp) {
    for (code, name, digital) in [
        ("BASE-DIGITAL", "Digital hub", true),
        ("BASE-ANALOGUE", "Analogue unit", false),
    ] {
        let t = app
            .post(
                "/api/v1/equipment-types",
                &app.admin,
                json!({"code": code, "name": name, "category": "telecare", "digital_unit": digital,
                       "requires_decontamination": false, "check_interval_days": 182}),
            )
            .await
            .expect(201)
            .json();
        assert_eq!(t["digital_unit"], digital);
    }
}

/// An item of `type_code` issued to `client`: one they hold. Answers its tag.
pub(crate) async fn held(app: &TestApp, type_code: &str, client: i64) -> String {
    let tag = app.item(type_code, json!({})).await["asset_tag"]
        .as_str()
        .unwrap()
        .to_string();
    let (worker, _) = app.user_with_id("worker");
    app.post(
        &format!("/api/v1/items/{tag}/issue"),
        &app.admin,
        json!({"client_id": client, "worker_id": worker}),
    )
    .await
    .expect(200);
    tag
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

fn installation(base_unit: Option<&str>) -> Value {
    json!({
        "monitoring_centre": "Leeds Careline", "unit_reference": "LC-1001",
        "base_unit": base_unit, "connection": "sim_dual", "provider_told": true,
        "router_battery": "yes", "key_safe": true,
        "responders": [{"name": "Asha Oduya", "phone": "07700 900123", "relation": "daughter"}],
        "switchover": {"status": "migrated", "migrated_on": "2026-11-02"}
    })
}

both_backends! {
    async fn an_installation_is_recorded_read_replaced_and_kept_in_the_history(app: TestApp) {
        telecare_types(&app).await;
        let client = app.client_person("TC-1", "Margaret Oduya", "LS6 2AB").await;
        let tag = held(&app, "BASE-DIGITAL", client).await;
        let path = format!("/api/v1/clients/{client}/telecare");
        app.get(&path, &app.admin).await.expect(404);
        let stores = app.user("stores");
        // The tag as a scanner might type it.
        let made = put(&app, client, &stores, installation(Some(&tag.to_lowercase()))).await.expect(201).json();
        assert_eq!(made["base_unit"], tag.as_str());
        assert_eq!(made["base_unit_type"], "BASE-DIGITAL");
        assert_eq!(made["digital_ready"], true);
        assert_eq!(made["version"], 1);
        assert_eq!(made["switchover"], json!({"status": "migrated", "scheduled_on": null, "migrated_on": "2026-11-02", "end_to_end_test_on": null}));
        assert_eq!(made["responders"][0]["relation"], "daughter");
        // Everyone signed in reads it; only stores and admins change it.
        for role in ["viewer", "worker"] {
            let token = app.user(role);
            assert_eq!(app.get(&path, &token).await.expect(200).json(), made);
            put(&app, client, &token, installation(None)).await.expect(403);
        }
        // Replacing needs the version read.
        let again = put(&app, client, &stores, installation(None)).await.expect(409).json();
        assert!(again["detail"].as_str().unwrap().contains("expected_version"), "{again}");
        let mut analogue = installation(Some(&tag));
        analogue["connection"] = json!("pstn");
        analogue["switchover"] = json!({"status": "verified", "migrated_on": "2026-11-02", "end_to_end_test_on": "2026-11-03"});
        analogue["expected_version"] = json!(1);
        let replaced = put(&app, client, &app.admin, analogue.clone()).await.expect(200).json();
        assert_eq!(replaced["version"], 2);
        assert_eq!(replaced["digital_ready"], false, "on the analogue line whatever the unit");
        assert_eq!(replaced["switchover"]["status"], "verified");
        // The same version again is stale, and nothing changes; so is any other.
        put(&app, client, &stores, analogue.clone()).await.expect(409);
        analogue["expected_version"] = json!(i64::MAX);
        put(&app, client, &stores, analogue).await.expect(409);
        assert_eq!(app.get(&path, &stores).await.expect(200).json()["version"], 2);
        // Each change, newest first, with who made it and the installation as it was.
        let history = app.get(&format!("{path}/history"), &app.admin).await.expect(200).json();
        assert_eq!(history["total"], 2);
        let entries = history["items"].as_array().unwrap();
        assert_eq!(entries[0]["installation"]["connection"], "pstn");
        assert_eq!(entries[0]["changed_by"]["name"], "Ada Admin");
        assert_eq!(entries[1]["installation"]["connection"], "sim_dual");
        assert_eq!(entries[1]["installation"]["version"], 1);
        assert!(entries[1]["changed_by"]["name"].as_str().unwrap().starts_with("stores"));
        let paged = app.get(&format!("{path}/history?per_page=1&page=2"), &app.admin).await.expect(200).json();
        assert_eq!(paged["items"][0]["installation"]["version"], 1);
        app.get("/api/v1/clients/424242/telecare/history", &app.admin).await.expect(404);
        app.get("/api/v1/clients/424242/telecare", &app.admin).await.expect(404);
        put(&app, 424242, &app.admin, installation(None)).await.expect(404);
    }

    async fn refusals_name_the_field_at_fault(app: TestApp) {
        telecare_types(&app).await;
        app.frame_type().await;
        let client = app.client_person("TC-2", "Harold Finch", "LS1 4AP").await;
        let other = app.client_person("TC-3", "Joan Watson", "LS2 7HY").await;
        let frame = held(&app, "FRAME-WALKING", client).await;
        let elsewhere = held(&app, "BASE-DIGITAL", other).await;
        let in_store = app.item("BASE-DIGITAL", json!({})).await["asset_tag"].as_str().unwrap().to_string();
        let refused = |body: Value| {
            let app = &app;
            async move { put(app, client, &app.admin, body).await.expect(422).json() }
        };
        let mut body = installation(None);
        body["switchover"] = json!({"status": "verified", "migrated_on": "2026-11-02"});
        let p = refused(body).await;
        assert_eq!(fields(&p), ["switchover.end_to_end_test_on"]);
        assert!(p["errors"][0]["message"].as_str().unwrap().contains("end-to-end test"), "{p}");
        let mut body = installation(None);
        body["switchover"] = json!({"status": "verified", "migrated_on": "2026-11-02", "end_to_end_test_on": "2026-11-01"});
        assert_eq!(fields(&refused(body).await), ["switchover.end_to_end_test_on"]);
        let mut body = installation(None);
        body["switchover"] = json!({"status": "scheduled"});
        assert_eq!(fields(&refused(body).await), ["switchover.scheduled_on"]);
        let mut body = installation(None);
        body["switchover"] = json!({"status": "migrated", "migrated_on": "2026-02-30"});
        assert_eq!(fields(&refused(body).await), ["switchover.migrated_on"]);
        let mut body = installation(None);
        body["switchover"] = json!({"status": "migrated", "migrated_on": "2099-01-01"});
        assert_eq!(fields(&refused(body).await), ["switchover.migrated_on"]);
        let mut body = installation(None);
        body["switchover"] = json!({"status": "not_started", "scheduled_on": ""});
        assert_eq!(fields(&refused(body).await), ["switchover.scheduled_on"], "blank is not a date; null is none");
        let mut body = installation(None);
        body["connection"] = json!("carrier_pigeon");
        assert_eq!(fields(&refused(body).await), ["connection"]);
        for (tag, why) in [(&frame, "not a telecare unit"), (&elsewhere, "not held by this client"),
                           (&in_store, "not held by this client"), (&"EQ-999999".to_string(), "no item")] {
            let p = refused(installation(Some(tag))).await;
            assert_eq!(fields(&p), ["base_unit"]);
            assert!(p["errors"][0]["message"].as_str().unwrap().contains(why), "{p}");
        }
        let mut body = installation(None);
        body["responders"] = json!((0..11).map(|i| json!({"name": format!("R{i}")})).collect::<Vec<_>>());
        assert_eq!(fields(&refused(body).await), ["responders"]);
        // A key safe's code has no field: it is refused, never stored.
        let mut body = installation(None);
        body["key_safe_code"] = json!("1234");
        let p = refused(body).await;
        assert!(p.to_string().contains("key_safe_code"), "{p}");
        let p = refused(json!({})).await;
        assert_eq!(fields(&p), ["monitoring_centre", "unit_reference", "connection"]);
        app.get(&format!("/api/v1/clients/{client}/telecare"), &app.admin).await.expect(404);
        // A unit reference is one home's at its centre.
        put(&app, other, &app.admin, installation(None)).await.expect(201);
        let taken = put(&app, client, &app.admin, installation(None)).await.expect(409).json();
        assert!(taken["detail"].as_str().unwrap().contains("LC-1001"), "{taken}");
        // A first installation with a version is a mistake about what is stored.
        let mut body = installation(None);
        body["unit_reference"] = json!("LC-2");
        body["expected_version"] = json!(1);
        put(&app, client, &app.admin, body).await.expect(409);
    }

    async fn digital_ready_follows_the_base_units_type_and_the_connection(app: TestApp) {
        telecare_types(&app).await;
        let client = app.client_person("TC-4", "Ada Lovelace", "LS3 1AB").await;
        let tag = held(&app, "BASE-ANALOGUE", client).await;
        let path = format!("/api/v1/clients/{client}/telecare");
        let made = put(&app, client, &app.admin, installation(Some(&tag))).await.expect(201).json();
        assert_eq!(made["digital_ready"], false, "an analogue unit on a SIM is not ready");
        // The type is corrected: every home with it is read again as it now is.
        let t = app.patch("/api/v1/equipment-types/BASE-ANALOGUE", &app.admin, json!({"digital_unit": true})).await.expect(200).json();
        assert_eq!(t["digital_unit"], true);
        assert_eq!(app.get(&path, &app.admin).await.expect(200).json()["digital_ready"], true);
        // No base unit: nobody knows it is digital.
        let mut none = installation(None);
        none["expected_version"] = json!(1);
        assert_eq!(put(&app, client, &app.admin, none).await.expect(200).json()["digital_ready"], false);
        // Only a telecare type can be a digital unit.
        app.frame_type().await;
        let p = app.patch("/api/v1/equipment-types/FRAME-WALKING", &app.admin, json!({"digital_unit": true})).await.expect(422).json();
        assert_eq!(fields(&p), ["digital_unit"]);
        let p = app.post("/api/v1/equipment-types", &app.admin,
            json!({"code": "HOIST-X", "name": "Hoist", "category": "hoist", "digital_unit": true, "check_interval_days": 182})).await.expect(422).json();
        assert_eq!(fields(&p), ["digital_unit"]);
    }

    async fn an_admin_marks_a_digital_base_unit_type_on_the_catalogue_page(app: TestApp) {
        use crate::pages::{PASSWORD, page, page_csrf, post_form, sign_in};
        let (_, _, admin) = app.staff_with_password("admin", Some(PASSWORD));
        let (cookie, _) = sign_in(&app, &admin, "/office/catalogue").await;
        let csrf = page_csrf(&page(&app, &cookie, "/office/catalogue").await.expect(200).text());
        let new_type = |digital: &'static str| {
            let mut form = vec![("csrf", csrf.as_str()), ("code", "hub-4g"), ("name", "4G hub"), ("category", "telecare"),
                ("manufacturer", ""), ("model", ""), ("safe_working_load_kg", ""),
                ("rule_name", "function test"), ("rule_kind", "inspection"), ("rule_interval_days", "182"), ("rule_lead_days", "")];
            if !digital.is_empty() {
                form.push(("digital_unit", digital));
            }
            form
        };
        post_form(&app, &cookie, "/office/catalogue/types", &new_type("yes")).await.expect(303);
        let t = &app.get("/api/v1/equipment-types", &app.admin).await.expect(200).json()["items"][0];
        assert_eq!(t["digital_unit"], true, "{t}");
        let html = page(&app, &cookie, "/office/catalogue").await.expect(200).text();
        assert!(html.contains("digital telecare base unit"), "{html}");
        // The edit form sends the box only when ticked: unticked, the type is no longer one.
        let edit = [("csrf", csrf.as_str()), ("name", "4G hub"), ("category", "telecare"), ("manufacturer", ""),
                    ("model", ""), ("safe_working_load_kg", "")];
        post_form(&app, &cookie, "/office/catalogue/types/HUB-4G", &edit).await.expect(303);
        let t = &app.get("/api/v1/equipment-types", &app.admin).await.expect(200).json()["items"][0];
        assert_eq!(t["digital_unit"], false, "{t}");
    }

    async fn erasing_a_client_blanks_the_responders_and_the_history(app: TestApp) {
        let client = app.client_person("TC-5", "Grace Hopper", "LS4 2CD").await;
        let path = format!("/api/v1/clients/{client}/telecare");
        put(&app, client, &app.admin, installation(None)).await.expect(201);
        // The subject access export holds the installation and its history.
        let export = app.get(&format!("/api/v1/clients/{client}/export"), &app.admin).await.expect(200).json();
        assert_eq!(export["telecare"]["responders"][0]["name"], "Asha Oduya");
        assert_eq!(export["telecare_history"].as_array().unwrap().len(), 1);
        app.delete(&format!("/api/v1/clients/{client}"), &app.admin).await.expect(200);
        let after = app.get(&path, &app.admin).await.expect(200).json();
        assert_eq!(after["responders"], json!([]));
        assert_eq!(after["monitoring_centre"], "Leeds Careline");
        let history = app.get(&format!("{path}/history"), &app.admin).await.expect(200);
        assert!(!history.text().contains("Asha"), "{}", history.text());
        assert_eq!(history.json()["items"][0]["installation"], Value::Null);
        // An erased client's home is not changed any more.
        put(&app, client, &app.admin, installation(None)).await.expect(409);
    }
}
