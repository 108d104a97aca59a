//! The thorough examination's report (issue 12, point 5): required fields, an outcome that
//! follows from the record, stores told at once of a failed one, open defects that turn the
//! verdict after their date and close with `remedy`.

use chrono::{Days, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::reminders::STORES;
use crate::support::TestApp;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn days_ago(n: u64) -> String {
    today().checked_sub_days(Days::new(n)).unwrap().to_string()
}

fn days_on(n: u64) -> String {
    today().checked_add_days(Days::new(n)).unwrap().to_string()
}

/// A hoist type with a six-monthly thorough examination and a yearly inspection, and one
/// hoist in store registered a month ago.
pub(crate) async fn hoist(app: &TestApp) {
    app.post(
        "/api/v1/equipment-types",
        &app.admin,
        json!({
            "code": "HOIST-MOBILE", "name": "Mobile hoist", "category": "hoist", "safe_working_load_kg": 150,
            "check_rules": [
                {"name": "thorough examination", "interval_days": 182, "kind": "examination"},
                {"name": "inspection", "interval_days": 365}
            ]
        }),
    )
    .await
    .expect(201);
    app.item(
        "HOIST-MOBILE",
        json!({"serial_number": "H-1", "manufactured_on": "2024-05-01"}),
    )
    .await;
    app.registered_on("EQ-000001", &days_ago(30));
}

fn report(performed_days_ago: u64, defects: Value) -> Value {
    json!({
        "rule": "thorough examination",
        "performed_at": days_ago(performed_days_ago),
        "examination": {
            "basis": "interval_6_months", "safe_working_load_kg": 150, "safe_to_operate": true,
            "defects": defects, "tests": "proof load 1.25 x SWL",
            "examiner": {"name": "Edith Examiner", "qualifications": "LEEA diploma", "employer": "Lift Safe Ltd",
                         "address": "2 Mill Lane, Leeds"},
            "report_date": days_ago(performed_days_ago),
        }
    })
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

both_backends! {
    async fn an_examination_carries_its_report_and_each_missing_field_is_named(app: TestApp) {
        hoist(&app).await;
        let r = app.post("/api/v1/items/EQ-000001/checks", &app.admin, json!({"rule": "thorough examination", "outcome": "pass"}))
            .await.expect(422).json();
        assert_eq!(fields(&r), ["examination"]);
        let r = app.post("/api/v1/items/EQ-000001/checks", &app.admin, json!({"rule": "thorough examination", "examination": {}}))
            .await.expect(422).json();
        assert_eq!(fields(&r), ["examination.basis", "examination.safe_to_operate", "examination.examiner", "examination.report_date"]);
        let r = app.post("/api/v1/items/EQ-000001/checks", &app.admin, json!({"rule": "thorough examination", "examination": {
            "basis": "monthly", "safe_to_operate": true, "examiner": {"name": "Edith"}, "report_date": days_on(1),
            "next_examination_by": days_on(400), "defects": [{"part": "boom"}]
        }})).await.expect(422).json();
        assert_eq!(fields(&r), ["examination.basis", "examination.defects[0].description", "examination.defects[0].remedy_by",
                                "examination.examiner.qualifications", "examination.report_date", "examination.next_examination_by"]);
        let mut inspection = report(0, json!([]));
        inspection["rule"] = json!("inspection");
        inspection["outcome"] = json!("pass");
        let r = app.post("/api/v1/items/EQ-000001/checks", &app.admin, inspection).await.expect(422).json();
        assert_eq!(fields(&r), ["examination"], "only an examination rule's check carries a report");
        let mut contradicted = report(0, json!([]));
        contradicted["outcome"] = json!("fail");
        app.post("/api/v1/items/EQ-000001/checks", &app.admin, contradicted).await.expect(422);

        // A good report is a pass, kept whole as evidence.
        let mut sooner = report(0, json!([]));
        sooner["examination"]["next_examination_by"] = json!(days_on(90));
        let r = app.post("/api/v1/items/EQ-000001/checks", &app.admin, sooner).await.expect(200).json();
        assert_eq!(r["status"], "in_store");
        assert_eq!(r["checks_due"][0]["next_due"], json!(days_on(90)), "the examiner's earlier date counts");
        assert_eq!((&r["manufactured_on"], &r["safe_working_load_kg"]), (&json!("2024-05-01"), &json!(150)),
                   "the load is the type's unless the item says otherwise");
        let checks = app.get("/api/v1/items/EQ-000001/checks", &app.admin).await.expect(200).json();
        let exam = &checks[0]["examination"];
        assert_eq!(checks[0]["outcome"], "pass");
        assert_eq!(exam["examiner"], json!({"name": "Edith Examiner", "qualifications": "LEEA diploma",
                                             "employer": "Lift Safe Ltd", "address": "2 Mill Lane, Leeds"}));
        assert_eq!((&exam["basis"], &exam["safe_working_load_kg"], &exam["tests"]),
                   (&json!("interval_6_months"), &json!(150), &json!("proof load 1.25 x SWL")));
    }

    async fn a_failed_examination_quarantines_the_item_and_tells_stores_what_regulation_10_asks(app: TestApp) {
        hoist(&app).await;
        let client = app.client_person("SC-1", "Ann Lee", "LS1 4AP").await;
        let (worker, worker_token) = app.user_with_id("worker");
        app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({})).await.expect(200);
        let mut failed = report(0, json!([
            {"part": "mast", "description": "crack at the weld", "dangerous": true, "repair": "replace the mast"},
            {"part": "castor", "description": "worn", "remedy_by": days_on(30)}
        ]));
        failed["examination"]["risk_of_serious_injury"] = json!(true);
        let r = app.post("/api/v1/items/EQ-000001/checks", &worker_token, failed).await.expect(200).json();
        assert_eq!(r["status"], "quarantined", "a dangerous defect is a fail");
        assert_eq!(r["open_defects"].as_array().unwrap().len(), 2);
        let mail = app.smtp.wait_for(1, 20).await;
        assert_eq!(mail[0].to, [STORES]);
        let text = mail[0].part("text/plain").unwrap();
        assert!(text.contains("Defect (DANGEROUS): mast: crack at the weld. Repair: replace the mast."), "{text}");
        assert!(text.contains("regulation 10") && text.contains("forthwith"), "{text}");
        assert!(text.contains("enforcing authority"), "{text}");
        assert!(text.contains("Edith Examiner"), "{text}");
        let checks = app.get("/api/v1/items/EQ-000001/checks", &app.admin).await.expect(200).json();
        assert_eq!(checks[0]["outcome"], "fail");
        assert_eq!(checks[0]["defects"][0]["part"], "mast");
        // Not safe to operate is a fail too, with no defect named.
        app.post("/api/v1/items/EQ-000001/release", &app.admin, json!({"reason": "mast replaced"})).await.expect(200);
        let mut unsafe_report = report(0, json!([]));
        unsafe_report["examination"]["safe_to_operate"] = json!(false);
        let r = app.post("/api/v1/items/EQ-000001/checks", &worker_token, unsafe_report).await.expect(200).json();
        assert_eq!(r["status"], "quarantined");
    }

    async fn an_open_defect_turns_the_verdict_after_its_date_and_closes_with_remedy(app: TestApp) {
        hoist(&app).await;
        app.post("/api/v1/items/EQ-000001/checks", &app.admin, json!({"rule": "inspection", "outcome": "pass"})).await.expect(200);
        let r = app.post("/api/v1/items/EQ-000001/checks", &app.admin, report(10, json!([
            {"part": "sling bar", "description": "paint worn", "remedy_by": days_ago(5)},
            {"part": "battery", "description": "holds charge poorly", "remedy_by": days_on(20), "repair": "replace battery"}
        ]))).await.expect(200).json();
        assert_eq!(r["status"], "in_store", "a defect not yet dangerous is a pass");
        let open = r["open_defects"].as_array().unwrap().clone();
        assert_eq!(open.len(), 2);
        let scan = app.get("/api/v1/scan?code=EQ-000001", &app.admin).await.expect(200).json();
        assert_eq!(scan["safe_to_use"], false);
        let reasons: Vec<&str> = scan["reasons"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
        assert_eq!(reasons, ["defect_overdue"], "only the one past its date");
        assert!(scan["reasons"][0]["message"].as_str().unwrap().contains("sling bar"));

        let (_, _, stores_email) = app.staff_with_password("stores", Some(crate::pages::PASSWORD));
        let (cookie, _) = crate::pages::sign_in(&app, &stores_email, "/scan").await;
        let html = crate::pages::page(&app, &cookie, "/s/EQ-000001").await.expect(200).text();
        assert!(html.contains("Do not use") && html.contains("Open defects") && html.contains("holds charge poorly"), "{html}");
        assert_eq!(html.matches("(overdue: do not use)").count(), 1, "only the defect past its date is marked: {html}");
        let path = format!("/api/v1/items/EQ-000001/defects/{}/remedy", open[0]["id"]);
        app.post(&path, &app.user("worker"), json!({})).await.expect(403);
        let r = app.post(&path, &app.admin, json!({"remedied_on": days_ago(20)})).await.expect(422).json();
        assert_eq!(fields(&r), ["remedied_on"]);
        app.post("/api/v1/items/EQ-000001/defects/999999/remedy", &app.admin, json!({})).await.expect(404);
        let stores = app.user("stores");
        let r = app.post(&path, &stores, json!({"notes": "repainted"})).await.expect(200).json();
        assert_eq!(r["open_defects"].as_array().unwrap().len(), 1);
        app.post(&path, &stores, json!({})).await.expect(409);
        let scan = app.get("/api/v1/scan?code=EQ-000001", &app.admin).await.expect(200).json();
        assert_eq!(scan["safe_to_use"], true);
        let checks = app.get("/api/v1/items/EQ-000001/checks", &app.admin).await.expect(200).json();
        assert!(checks[0]["examination"].is_object(), "the examination, the older check, comes first");
        let remedied = &checks[0]["defects"][0];
        assert_eq!((&remedied["remedied_on"], &remedied["remedy_notes"]), (&json!(today().to_string()), &json!("repainted")));
        let history = app.get("/api/v1/items/EQ-000001/events", &app.admin).await.expect(200).json();
        let last = history["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["action"], "defect_remedied");
    }

    async fn an_item_carries_its_date_of_manufacture_and_its_own_load(app: TestApp) {
        hoist(&app).await;
        let r = app.patch("/api/v1/items/EQ-000001", &app.admin, json!({"safe_working_load_kg": 120})).await.expect(200).json();
        assert_eq!(r["safe_working_load_kg"], 120);
        let r = app.patch("/api/v1/items/EQ-000001", &app.admin, json!({"safe_working_load_kg": null, "manufactured_on": null}))
            .await.expect(200).json();
        assert_eq!((&r["safe_working_load_kg"], &r["manufactured_on"]), (&json!(150), &Value::Null));
        let r = app.post("/api/v1/items", &app.admin, json!({"type": "HOIST-MOBILE", "manufactured_on": days_on(1), "safe_working_load_kg": 0}))
            .await.expect(422).json();
        assert_eq!(fields(&r), ["manufactured_on", "safe_working_load_kg"]);
    }

    async fn a_defect_to_remedy_within_the_lead_time_goes_to_the_stores_digest(app: TestApp) {
        hoist(&app).await;
        app.post("/api/v1/items/EQ-000001/checks", &app.admin, report(0, json!([
            {"part": "castor", "description": "worn", "remedy_by": days_on(10)},
            {"part": "spreader bar", "description": "scuffed", "remedy_by": days_on(60)}
        ]))).await.expect(200);
        let summary = crate::reminders::sweep(&app, today()).await;
        assert_eq!(summary.digests, 1);
        let mail = app.smtp.wait_for(1, 20).await;
        assert_eq!(mail[0].to, [STORES]);
        assert!(mail[0].subject().contains("1 defects to remedy"), "{}", mail[0].subject());
        let text = mail[0].part("text/plain").unwrap();
        assert!(text.contains("DEFECTS TO REMEDY (1)") && text.contains("defect to remedy: castor: worn"), "{text}");
        assert!(!text.contains("spreader bar"), "beyond the lead time: {text}");
    }

    async fn the_examiners_earlier_date_holds_when_the_rules_interval_changes(app: TestApp) {
        hoist(&app).await;
        let mut sooner = report(0, json!([]));
        sooner["examination"]["next_examination_by"] = json!(days_on(90));
        app.post("/api/v1/items/EQ-000001/checks", &app.admin, sooner).await.expect(200);
        let t = app.get("/api/v1/equipment-types", &app.admin).await.expect(200).json();
        let exam = t["items"][0]["check_rules"][0]["id"].as_i64().unwrap();
        let path = format!("/api/v1/equipment-types/HOIST-MOBILE/check-rules/{exam}");
        app.patch(&path, &app.admin, json!({"interval_days": 120})).await.expect(200);
        let item = app.get("/api/v1/items/EQ-000001", &app.admin).await.expect(200).json();
        assert_eq!(item["checks_due"][0]["next_due"], json!(days_on(90)), "a longer interval does not outrun the examiner");
        app.patch(&path, &app.admin, json!({"interval_days": 60})).await.expect(200);
        let item = app.get("/api/v1/items/EQ-000001", &app.admin).await.expect(200).json();
        assert_eq!(item["checks_due"][0]["next_due"], json!(days_on(60)));
    }
}
