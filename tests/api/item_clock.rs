//! Checks belong to the item (issue 12): due dates that survive every loan, checks recorded
//! wherever the item is, and nothing unsafe leaving the store.

use chrono::{Days, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::pages::{PASSWORD, page, sign_in};
use crate::reminders::{STORES, sweep};
use crate::support::TestApp;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// A hoist whose thorough examination falls due on the fit date (the examination after
/// installation) and every 182 days after, with a yearly service reminded 30 days ahead.
async fn hoist_type(app: &TestApp) -> Value {
    app.post(
        "/api/v1/equipment-types",
        &app.admin,
        json!({
            "code": "HOIST-MOBILE", "name": "Mobile hoist", "category": "hoist",
            "check_rules": [
                {"name": "thorough examination", "interval_days": 182, "kind": "examination", "due_on_fit": true},
                {"name": "manufacturer service", "interval_days": 365, "lead_days": 30}
            ]
        }),
    )
    .await
    .expect(201)
    .json()
}

/// A passed thorough examination's check, on `performed_at` (today when absent).
fn examination_passed(performed_at: Option<&str>) -> Value {
    let day = performed_at.map_or(today().to_string(), str::to_string);
    json!({
        "rule": "thorough examination", "performed_at": day,
        "examination": {"basis": "after_installation", "safe_to_operate": true, "report_date": day,
                        "examiner": {"name": "Edith Examiner", "employer": "Lift Safe Ltd"}}
    })
}

fn dues(item: &Value) -> Vec<(String, Value, Value)> {
    item["checks_due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["last_checked_at"].clone(),
                d["next_due"].clone(),
            )
        })
        .collect()
}

fn reason_codes(scan: &Value) -> Vec<String> {
    scan["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect()
}

both_backends! {
    async fn a_rule_has_its_own_shape_and_the_categories_cover_what_services_lend(app: TestApp) {
        let t = hoist_type(&app).await;
        assert_eq!(t["category"], "hoist");
        let exam = &t["check_rules"][0];
        assert_eq!((&exam["name"], &exam["kind"], &exam["due_on_fit"], &exam["lead_days"]),
                   (&json!("thorough examination"), &json!("examination"), &json!(true), &Value::Null));
        let service = &t["check_rules"][1];
        assert_eq!((&service["kind"], &service["due_on_fit"], &service["lead_days"]),
                   (&json!("inspection"), &json!(false), &json!(30)));
        // The shorthand is one inspection on the default lead time.
        let frame = app.frame_type().await;
        assert_eq!(frame["check_rules"], json!([{"id": frame["check_rules"][0]["id"], "name": "safety check",
            "interval_days": 365, "lead_days": null, "kind": "inspection", "due_on_fit": false}]));
        for category in ["walking_aid", "stairlift", "hoist", "sling", "bed", "pressure_care", "seating",
                         "bathing", "toileting", "shower_adaptation", "telecare", "other"] {
            let code = format!("T-{}", category.to_uppercase());
            app.post("/api/v1/equipment-types", &app.admin,
                     json!({"code": code, "name": category, "category": category, "check_interval_days": 30}))
                .await.expect(201);
        }
        let r = app.post("/api/v1/equipment-types", &app.admin, json!({
            "code": "BAD", "name": "Bad", "category": "hoist",
            "check_rules": [{"name": "x", "interval_days": 30, "kind": "glance", "lead_days": 400}]
        })).await.expect(422).json();
        let fields: Vec<&str> = r["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["check_rules[0].lead_days", "check_rules[0].kind"]);
        // The item shows each rule's shape beside its dates.
        let item = app.item("HOIST-MOBILE", json!({})).await;
        assert_eq!(item["checks_due"][0]["kind"], "examination");
        assert_eq!(item["checks_due"][1]["lead_days"], 30);
        assert_eq!(item["next_check_due"], Value::Null, "new stock never fitted nor checked has no due date");
    }

    async fn a_hoist_keeps_its_due_dates_through_every_loan_and_cannot_go_out_overdue(app: TestApp) {
        hoist_type(&app).await;
        let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
        let (worker, worker_token) = app.user_with_id("worker");
        let (_, stores, stores_email) = app.staff_with_password("stores", Some(PASSWORD));
        app.item("HOIST-MOBILE", json!({})).await;
        app.registered_on("EQ-000001", "2025-01-01");
        app.post("/api/v1/items/EQ-000001/issue", &stores, json!({"client_id": client, "worker_id": worker})).await.expect(200);

        // Fitted: the examination after installation falls due that day, the service a year on.
        let fitted = app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({"fitted_at": "2025-06-02"})).await.expect(200).json();
        assert_eq!(fitted["first_fitted_at"], "2025-06-02");
        assert_eq!(dues(&fitted), [
            ("thorough examination".to_string(), Value::Null, json!("2025-06-02")),
            ("manufacturer service".to_string(), Value::Null, json!("2026-06-02")),
        ]);
        let examined = app.post("/api/v1/items/EQ-000001/checks", &worker_token, examination_passed(Some("2025-06-02"))).await.expect(200).json();
        let kept = [
            ("thorough examination".to_string(), json!("2025-06-02"), json!("2025-12-01")),
            ("manufacturer service".to_string(), Value::Null, json!("2026-06-02")),
        ];
        assert_eq!(dues(&examined), kept);

        // Returned and decontaminated: the dates stay where the checks put them.
        let returned = app.post("/api/v1/items/EQ-000001/return", &worker_token, json!({})).await.expect(200).json();
        assert_eq!(returned["status"], "awaiting_decontamination");
        assert_eq!(dues(&returned), kept);
        assert_eq!(returned["next_check_due"], "2025-12-01");
        let clean = app.post("/api/v1/items/EQ-000001/decontaminate", &stores, json!({"method": "wipe"})).await.expect(200).json();
        assert_eq!(clean["status"], "in_store");
        assert_eq!(dues(&clean), kept);
        assert_eq!((&clean["next_check_due"], &clean["last_checked_at"], &clean["first_fitted_at"]),
                   (&json!("2025-12-01"), &json!("2025-06-02"), &json!("2025-06-02")));

        // A year on, on the shelf: "Do not use", for the same reasons that stop an issue.
        let scan = app.get("/api/v1/scan?code=EQ-000001", &stores).await.expect(200).json();
        assert_eq!(scan["safe_to_use"], false);
        assert_eq!(reason_codes(&scan), ["check_overdue", "check_overdue"]);
        assert!(scan["reasons"][0]["message"].as_str().unwrap().starts_with("thorough examination overdue by"));
        let (cookie, _) = sign_in(&app, &stores_email, "/scan").await;
        let html = page(&app, &cookie, "/s/EQ-000001").await.expect(200).text();
        assert!(html.contains("Do not use") && html.contains("thorough examination overdue by"), "{html}");
        assert!(html.contains("name=\"performed_at\""), "stores may record the check from the page");
        let desk = page(&app, &cookie, "/desk/overdue").await.expect(200).text();
        assert!(desk.contains("EQ-000001") && desk.contains("In store"), "the desk's overdue list includes stock");

        let refused = app.post("/api/v1/items/EQ-000001/issue", &stores, json!({"client_id": client, "worker_id": worker}))
            .await.expect(409).json();
        assert_eq!(refused["overdue_checks"], json!([
            {"rule": "thorough examination", "next_due": "2025-12-01"},
            {"rule": "manufacturer service", "next_due": "2026-06-02"}
        ]));
        assert!(refused["detail"].as_str().unwrap().contains("thorough examination (due 2025-12-01)"));
        assert_eq!(refused["status"], 409);

        // Examined in store: it stays in store, and only the service still holds it back.
        let r = app.post("/api/v1/items/EQ-000001/checks", &stores, examination_passed(None)).await.expect(200).json();
        assert_eq!(r["status"], "in_store");
        let next_exam = today().checked_add_days(Days::new(182)).unwrap().to_string();
        assert_eq!(r["checks_due"][0]["next_due"], json!(next_exam));
        let refused = app.post("/api/v1/items/EQ-000001/issue", &stores, json!({"client_id": client, "worker_id": worker}))
            .await.expect(409).json();
        assert_eq!(refused["overdue_checks"], json!([{"rule": "manufacturer service", "next_due": "2026-06-02"}]));
        app.post("/api/v1/items/EQ-000001/checks", &stores, json!({"rule": "manufacturer service", "outcome": "pass"}))
            .await.expect(200);
        let scan = app.get("/api/v1/scan?code=EQ-000001", &stores).await.expect(200).json();
        assert_eq!(scan["safe_to_use"], true);
        let issued = app.post("/api/v1/items/EQ-000001/issue", &stores, json!({"client_id": client, "worker_id": worker}))
            .await.expect(200).json();
        // A second fit starts nothing again: the clock runs from the checks.
        let refitted = app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({})).await.expect(200).json();
        assert_eq!(dues(&refitted), dues(&issued));
        assert_eq!(refitted["first_fitted_at"], "2025-06-02");
        let history = app.get("/api/v1/items/EQ-000001/events", &app.admin).await.expect(200).json();
        let actions: Vec<&str> = history["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["received", "issued", "fitted", "check_passed", "returned", "decontaminated",
                             "check_passed", "check_passed", "issued", "fitted"], "refusals write nothing");
    }

    async fn a_fit_is_refused_when_a_check_was_overdue_on_the_fit_date(app: TestApp) {
        app.frame_type().await;
        let client = app.client_person("SC-1", "Ann Lee", "LS1 4AP").await;
        let (worker, worker_token) = app.user_with_id("worker");
        app.item("FRAME-WALKING", json!({})).await;
        app.post("/api/v1/items/EQ-000001/checks", &app.admin, json!({"outcome": "pass"})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        // The service's today cannot be set: as if it had been checked on 10 Jan 2025 and
        // issued while still in date, its dates are moved back a year in the database.
        app.registered_on("EQ-000001", "2025-01-01");
        app.db.write(|c| {
            use diesel::RunQueryDsl;
            diesel::sql_query("UPDATE item_checks_due SET last_checked_at = '2025-01-10', next_due = '2026-01-10'").execute(c)?;
            diesel::sql_query("UPDATE items SET last_checked_at = '2025-01-10', next_check_due = '2026-01-10'").execute(c)?;
            Ok(())
        }).unwrap();
        // Fitted after the check ran out: refused, naming it.
        let r = app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({"fitted_at": "2026-02-01"})).await.expect(409).json();
        assert_eq!(r["overdue_checks"], json!([{"rule": "safety check", "next_due": "2026-01-10"}]));
        // Fitted while it was still in date: recorded, though it is overdue now.
        let r = app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({"fitted_at": "2026-01-05"})).await.expect(200).json();
        assert_eq!(r["status"], "in_use");
        assert_eq!(r["next_check_due"], "2026-01-10", "the clock runs from the check, not from the fit");
        let scan = app.get("/api/v1/scan?code=EQ-000001", &worker_token).await.expect(200).json();
        assert_eq!(reason_codes(&scan), ["check_overdue"]);
    }

    async fn a_check_is_recorded_wherever_the_item_is_and_a_pass_leaves_it_there(app: TestApp) {
        app.stairlift_type().await;
        let stores = app.user("stores");
        let viewer = app.user("viewer");
        let (_, worker_token) = app.user_with_id("worker");
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        let r = app.post("/api/v1/items/EQ-000001/checks", &worker_token,
                         json!({"rule": "LOLER thorough examination", "outcome": "pass"})).await.expect(200).json();
        assert_eq!(r["status"], "in_store");
        assert_eq!(r["last_checked_at"], json!(today().to_string()));
        app.post("/api/v1/items/EQ-000001/quarantine", &stores, json!({"reason": "dropped in the van"})).await.expect(200);
        let r = app.post("/api/v1/items/EQ-000001/checks", &stores,
                         json!({"rule": "manufacturer service", "outcome": "pass"})).await.expect(200).json();
        assert_eq!(r["status"], "quarantined", "a pass records the check and leaves it quarantined");
        assert_eq!(r["checks_due"][1]["last_checked_at"], json!(today().to_string()));
        app.post("/api/v1/items/EQ-000001/checks", &viewer,
                 json!({"rule": "manufacturer service", "outcome": "pass"})).await.expect(403);
        let r = app.post("/api/v1/items/EQ-000001/release", &stores, json!({"reason": "inspected"})).await.expect(200).json();
        assert_eq!(r["status"], "awaiting_decontamination");
        let r = app.post("/api/v1/items/EQ-000001/checks", &stores,
                         json!({"rule": "manufacturer service", "outcome": "fail", "notes": "motor hums"})).await.expect(200).json();
        assert_eq!(r["status"], "quarantined", "a fail quarantines it where it stands");
        app.post("/api/v1/items/EQ-000001/condemn", &stores, json!({"reason_code": "beyond_repair", "reason": "motor gone"})).await.expect(200);
        let r = app.post("/api/v1/items/EQ-000001/checks", &stores,
                         json!({"rule": "manufacturer service", "outcome": "pass"})).await.expect(409).json();
        assert_eq!(r["current_status"], "condemned");
    }

    async fn a_check_dated_in_the_future_or_before_the_item_was_registered_is_refused(app: TestApp) {
        app.frame_type().await;
        app.item("FRAME-WALKING", json!({})).await;
        let tomorrow = today().succ_opt().unwrap().to_string();
        let yesterday = today().pred_opt().unwrap().to_string();
        let r = app.post("/api/v1/items/EQ-000001/checks", &app.admin, json!({"outcome": "pass", "performed_at": tomorrow}))
            .await.expect(422).json();
        assert_eq!(r["errors"], json!([{"field": "performed_at", "message": "must not be in the future"}]));
        let r = app.post("/api/v1/items/EQ-000001/checks", &app.admin, json!({"outcome": "pass", "performed_at": yesterday}))
            .await.expect(422).json();
        assert_eq!(r["errors"][0]["field"], "performed_at");
        assert!(r["errors"][0]["message"].as_str().unwrap().contains("before the item was registered"));
        app.registered_on("EQ-000001", "2026-01-01");
        let r = app.post("/api/v1/items/EQ-000001/checks", &app.admin, json!({"outcome": "pass", "performed_at": "2026-01-01"}))
            .await.expect(200).json();
        assert_eq!(r["next_check_due"], "2027-01-01");
        app.post("/api/v1/items/EQ-000001/checks", &app.admin, json!({"outcome": "pass", "performed_at": "2025-12-31"}))
            .await.expect(422);
    }

    async fn a_test_call_is_reminded_only_once_overdue_and_each_rule_on_its_own_lead(app: TestApp) {
        app.post("/api/v1/equipment-types", &app.admin, json!({
            "code": "PENDANT", "name": "Telecare pendant", "category": "telecare", "requires_decontamination": false,
            "check_rules": [
                {"name": "test call", "interval_days": 30, "kind": "test_call"},
                {"name": "battery check", "interval_days": 60, "lead_days": 40}
            ]
        })).await.expect(201);
        let client = app.client_person("SC-1", "Ann Lee", "LS1 4AP").await;
        let (worker, _, worker_email) = app.staff("worker");
        app.item("PENDANT", json!({})).await;
        app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/fit", &app.admin, json!({"fitted_at": "2026-03-01"})).await.expect(200);
        // 26 Mar: the test call (due 31 Mar) is within the default 14 days, the battery check
        // (due 30 Apr) within its own 40; only the battery check is reminded.
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let summary = sweep(&app, day("2026-03-26")).await;
        assert_eq!((summary.due_checks, summary.digests), (1, 1));
        let mail = app.smtp.wait_for(1, 20).await;
        let text = mail[0].part("text/plain").unwrap();
        assert!(text.contains("battery check") && !text.contains("test call"), "{text}");
        let report = app.get("/api/v1/reports/overdue?as_of=2026-03-26", &app.admin).await.expect(200).json();
        let checks: Vec<&str> = report["entries"].as_array().unwrap().iter().map(|e| e["check"].as_str().unwrap()).collect();
        assert_eq!(checks, ["battery check"], "the report follows the same rule");
        // 1 Apr: the test call is overdue and reminded.
        sweep(&app, day("2026-04-01")).await;
        let mail = app.smtp.wait_for(2, 20).await;
        let text = mail[1].part("text/plain").unwrap();
        assert_eq!(mail[1].to, [worker_email]);
        assert!(text.contains("OVERDUE (1)") && text.contains("test call"), "{text}");
    }

    async fn stock_that_needs_a_check_goes_to_the_stores_digest(app: TestApp) {
        app.frame_type().await;
        app.stairlift_type().await;
        let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
        let (worker, worker_token, worker_email) = app.staff("worker");
        let shelf = app.store("Main store").await;
        app.item("FRAME-WALKING", json!({"location_id": shelf})).await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        for tag in ["EQ-000001", "EQ-000002"] {
            app.post(&format!("/api/v1/items/{tag}/issue"), &app.admin, json!({"client_id": client, "worker_id": worker})).await.expect(200);
            app.post(&format!("/api/v1/items/{tag}/fit"), &worker_token, json!({"fitted_at": "2025-01-05"})).await.expect(200);
        }
        // The frame comes back to the shelf; the stairlift fails where it stands.
        app.post("/api/v1/items/EQ-000001/return", &worker_token, json!({})).await.expect(200);
        app.post("/api/v1/items/EQ-000002/checks", &worker_token,
                 json!({"rule": "manufacturer service", "outcome": "fail", "notes": "carriage sticks"})).await.expect(200);
        let failed_mail = app.smtp.wait_for(1, 20).await;
        assert!(failed_mail[0].subject().starts_with("Failed safety check"));
        let summary = sweep(&app, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).await;
        // Frame due 5 Jan 2026 (soon), stairlift examination due 6 Jul 2025 (overdue); the
        // stairlift's service (5 Jan 2026) too.
        assert_eq!((summary.due_checks, summary.digests), (3, 1));
        let mail = app.smtp.wait_for(2, 20).await;
        let digest = &mail[1];
        assert_eq!(digest.to, [STORES]);
        assert!(digest.subject().contains("3 on stock that cannot go out until checked"), "{}", digest.subject());
        let text = digest.part("text/plain").unwrap();
        assert!(text.contains("STOCK THAT CANNOT GO OUT UNTIL CHECKED (3)"), "{text}");
        assert!(text.contains("in store (Main store)"), "{text}");
        assert!(text.contains("quarantined in the client's home: collect it"), "{text}");
        assert!(text.contains("Margaret Oduya, 1 High Street, Leeds, LS6 2AB"), "where to collect it from");
        assert!(app.smtp.to(&worker_email).is_empty(), "nothing in use in a home: the worker has nothing to do");
    }

    async fn condemning_needs_a_reason_code_and_the_client_keeps_what_was_condemned_in_their_home(app: TestApp) {
        app.stairlift_type().await;
        let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
        let (worker, worker_token) = app.user_with_id("worker");
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/quarantine", &worker_token, json!({"reason": "rail bent"})).await.expect(200);
        let r = app.post("/api/v1/items/EQ-000001/condemn", &app.admin, json!({"reason": "the family keep it"})).await.expect(422).json();
        assert_eq!(r["errors"][0]["field"], "reason_code");
        assert!(r["errors"][0]["message"].as_str().unwrap().contains("left_in_place"));
        app.post("/api/v1/items/EQ-000001/condemn", &app.admin, json!({"reason_code": "fell_apart", "reason": "x"})).await.expect(422);
        let r = app.post("/api/v1/items/EQ-000001/condemn", &app.admin,
                         json!({"reason_code": "left_in_place", "reason": "the family keep it"})).await.expect(200).json();
        assert_eq!(r["status"], "condemned");
        assert_eq!(r["condemn_reason_code"], "left_in_place");
        assert_eq!(r["client"]["id"], client);
        assert_eq!((&r["worker"], &r["next_check_due"]), (&Value::Null, &Value::Null), "its checks have ended");
        assert!(r["checks_due"].as_array().unwrap().iter().all(|d| d["next_due"].is_null()));
        let held = app.get(&format!("/api/v1/clients/{client}"), &app.admin).await.expect(200).json();
        let tags: Vec<(&str, &str)> = held["equipment"].as_array().unwrap().iter()
            .map(|i| (i["asset_tag"].as_str().unwrap(), i["status"].as_str().unwrap())).collect();
        assert_eq!(tags, [("EQ-000001", "condemned")]);
        let history = app.get("/api/v1/items/EQ-000001/events", &app.admin).await.expect(200).json();
        let last = history["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["notes"], "left_in_place: the family keep it");
        // What was condemned holds nothing back: the client may be erased.
        app.delete(&format!("/api/v1/clients/{client}"), &app.admin).await.expect(200);
    }
}
