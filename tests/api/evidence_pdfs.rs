//! Evidence on demand (issue 12, point 6): the Schedule 1 report of an examination and an
//! item's whole record, as PDFs whose text an ordinary tool (poppler's `pdftotext`) reads.

use chrono::{Days, Utc};
use serde_json::{Value, json};

use crate::pages::{PASSWORD, sign_in};
use crate::support::{Reply, TestApp};

fn days_ago(n: u64) -> String {
    Utc::now()
        .date_naive()
        .checked_sub_days(Days::new(n))
        .unwrap()
        .to_string()
}

fn days_on(n: u64) -> String {
    Utc::now()
        .date_naive()
        .checked_add_days(Days::new(n))
        .unwrap()
        .to_string()
}

/// The text of a PDF answer as `pdftotext -layout` reads it, each run of spaces and line
/// breaks made one space, so a phrase is found wherever a line wrapped.
pub(crate) fn pdf_text(app: &TestApp, reply: &Reply) -> String {
    assert_eq!(reply.content_type, "application/pdf");
    assert!(reply.body.starts_with(b"%PDF-1.4"));
    let file = app.dir.path().join(format!("evidence-{}.pdf", reply.body.len()));
    std::fs::write(&file, &reply.body).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&file)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "pdftotext (Debian's poppler-utils) reads the evidence PDFs in these tests and is needed: {e}"
            )
        });
    assert!(
        out.status.success(),
        "pdftotext refused the file: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[track_caller]
fn carries(text: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(text.contains(w), "{w:?} is not in the PDF's text:\n{text}");
    }
}

/// A hoist type (make and model, 150 kg) with a thorough examination and an inspection;
/// hoist EQ-000001 fitted in a client's home.
async fn hoist_at_home(app: &TestApp) -> String {
    app.post(
        "/api/v1/equipment-types",
        &app.admin,
        json!({
            "code": "HOIST-MOBILE", "name": "Mobile hoist", "category": "hoist", "safe_working_load_kg": 150,
            "manufacturer": "Liftwell", "model": "LW-150",
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
        json!({"serial_number": "H-77", "manufactured_on": "2024-05-01"}),
    )
    .await;
    app.registered_on("EQ-000001", &days_ago(30));
    let client = app.client_person("SC-9", "Ann Lee", "LS1 4AP").await;
    let (worker, worker_token) = app.user_with_id("worker");
    app.post(
        "/api/v1/items/EQ-000001/issue",
        &app.admin,
        json!({"client_id": client, "worker_id": worker}),
    )
    .await
    .expect(200);
    app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({}))
        .await
        .expect(200);
    worker_token
}

fn examination(defects: Value) -> Value {
    json!({
        "rule": "thorough examination",
        "performed_at": days_ago(1),
        "examination": {
            "basis": "interval_6_months", "safe_working_load_kg": 150, "safe_to_operate": true,
            "defects": defects, "tests": "proof load 1.25 x SWL",
            "examiner": {"name": "Edith Examiner", "qualifications": "LEEA diploma", "employer": "Lift Safe Ltd",
                         "address": "2 Mill Lane, Leeds"},
            "report_date": days_ago(1), "next_examination_by": days_on(150),
        }
    })
}

/// The id of the item's check of `rule`, as the list of checks gives it.
async fn check_id(app: &TestApp, rule: &str) -> i64 {
    let checks = app
        .get("/api/v1/items/EQ-000001/checks", &app.admin)
        .await
        .expect(200)
        .json();
    checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == rule)
        .unwrap_or_else(|| panic!("a check of {rule}: {checks}"))["id"]
        .as_i64()
        .unwrap()
}

both_backends! {
    async fn the_examination_report_prints_every_schedule_1_particular(app: TestApp) {
        let worker = hoist_at_home(&app).await;
        app.post("/api/v1/items/EQ-000001/checks", &worker, examination(json!([
            {"part": "sling bar", "description": "hook latch spring weak", "remedy_by": days_on(20), "repair": "renew the latch spring"},
            {"part": "castor (rear left)", "description": "brake slips on a slope", "remedy_by": days_on(25)}
        ]))).await.expect(200);
        let id = check_id(&app, "thorough examination").await;

        let viewer = app.user("viewer");
        let reply = app.get(&format!("/api/v1/checks/{id}/report.pdf"), &viewer).await.expect(200);
        let text = pdf_text(&app, &reply);
        let address = app.settings.service.address.clone();
        assert!(!address.is_empty(), "the tests configure service.address");
        carries(&text, &[
            "Report of thorough examination", "Employer", &app.settings.service.name, &address,
            "1 High Street, Leeds, LS1 4AP",
            "Mobile hoist", "Liftwell", "LW-150", "H-77", "EQ-000001",
            "150 kg", "Within an interval of 6 months", "Safe to operate Yes", "proof load 1.25 x SWL",
            "sling bar", "hook latch spring weak", "renew the latch spring",
            "castor (rear left)", "brake slips on a slope", "Dangerous No",
            "Edith Examiner", "LEEA diploma", "Lift Safe Ltd", "2 Mill Lane, Leeds",
            "Outcome Pass", "Page 1 of",
        ]);
        assert!(text.contains("1 May 2024"), "the date of manufacture: {text}");
    }

    async fn a_report_is_refused_for_no_check_for_a_check_without_one_and_without_sign_in(app: TestApp) {
        let worker = hoist_at_home(&app).await;
        app.post("/api/v1/items/EQ-000001/checks", &worker, json!({"rule": "inspection", "outcome": "pass"}))
            .await.expect(200);
        let id = check_id(&app, "inspection").await;
        let r = app.get(&format!("/api/v1/checks/{id}/report.pdf"), &app.admin).await.expect(409).json();
        assert!(r["detail"].as_str().unwrap().contains("not a thorough examination"), "{r}");
        app.get("/api/v1/checks/999999/report.pdf", &app.admin).await.expect(404);
        app.get("/api/v1/checks/nine/report.pdf", &app.admin).await.expect(404);
        app.get("/api/v1/items/EQ-999999/record.pdf", &app.admin).await.expect(404);
        app.get("/api/v1/items/not%20a%20tag!/record.pdf", &app.admin).await.expect(404);
        let r = app.request("GET", &format!("/api/v1/checks/{id}/report.pdf"), None, None).await.expect(401);
        assert_eq!(r.content_type, "application/problem+json");
        app.get("/api/v1/items/EQ-000001/record.pdf", "not-a-token").await.expect(401);

        let doc = app.get("/api/v1/openapi.json", &app.admin).await.expect(200).json();
        for (path, statuses) in [("/api/v1/checks/{id}/report.pdf", &["200", "401", "404", "409", "503"][..]),
                                 ("/api/v1/items/{tag}/record.pdf", &["200", "401", "404", "503"][..])] {
            let responses = doc["paths"][path]["get"]["responses"].as_object().unwrap_or_else(|| panic!("{path}"));
            let listed: Vec<&str> = responses.keys().map(String::as_str).collect();
            assert_eq!(listed, statuses, "{path}");
            assert!(responses["200"]["content"]["application/pdf"].is_object(), "{path}");
        }
    }

    async fn the_items_record_prints_every_check_the_open_defect_cleanings_recalls_and_history(app: TestApp) {
        let worker = hoist_at_home(&app).await;
        app.post("/api/v1/items/EQ-000001/checks", &worker, examination(json!([
            {"part": "sling bar", "description": "hook latch spring weak", "remedy_by": days_on(20)}
        ]))).await.expect(200);
        app.post("/api/v1/items/EQ-000001/checks", &worker, json!({"rule": "inspection", "outcome": "pass",
            "notes": "castors free, battery charged"})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/return", &worker, json!({"notes": "collected"})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/decontaminate", &app.admin, json!({"method": "chlorine 1000ppm wipe"}))
            .await.expect(200);
        app.post("/api/v1/recalls", &app.admin, json!({
            "reference": "FSN-2026-7", "title": "Boom pin may loosen", "type": "HOIST-MOBILE", "serial_from": "H-70", "serial_to": "H-80"
        })).await.expect(201);

        let (_, _, email) = app.staff_with_password("viewer", Some(PASSWORD));
        let (cookie, _) = sign_in(&app, &email, "/scan").await;
        let reply = app
            .request_with("GET", "/api/v1/items/EQ-000001/record.pdf", &[("Cookie", &cookie)], None)
            .await
            .expect(200);
        let text = pdf_text(&app, &reply);
        carries(&text, &[
            "Equipment record: EQ-000001", "Mobile hoist", "H-77", "Liftwell", "150 kg",
            "thorough examination, pass", "Edith Examiner", "inspection, pass", "castors free, battery charged",
            "Open defects", "sling bar", "hook latch spring weak", "Open: not yet remedied",
            "chlorine 1000ppm wipe", "FSN-2026-7", "Boom pin may loosen",
            "History", "fitted", "check passed", "returned", "decontaminated", "collected",
        ]);
        assert!(text.contains("Page 1 of "), "{text}");
        assert!(!text.contains("Ann Lee"), "the record names no client: {text}");
        // A session cookie opens the record only without a token that fails.
        app.request_with("GET", "/api/v1/items/EQ-000001/record.pdf",
            &[("Cookie", &cookie), ("Authorization", "Bearer wrong")], None).await.expect(401);
        app.request_with("GET", "/api/v1/items/EQ-000001/record.pdf", &[("Cookie", "et_session=stale")], None)
            .await.expect(401);
    }

    async fn a_long_history_runs_onto_numbered_pages(app: TestApp) {
        let worker = hoist_at_home(&app).await;
        for i in 0..40 {
            app.post("/api/v1/items/EQ-000001/checks", &worker, json!({"rule": "inspection", "outcome": "pass",
                "performed_at": days_ago(1), "notes": format!("round {i}: every castor, brake and the battery looked at in turn")}))
                .await.expect(200);
        }
        let reply = app.get("/api/v1/items/EQ-000001/record.pdf", &app.admin).await.expect(200);
        let text = pdf_text(&app, &reply);
        let pages = text
            .match_indices("Page ")
            .filter(|(i, _)| text[i + 5..].starts_with(|c: char| c.is_ascii_digit()))
            .count();
        assert!(pages >= 3, "{pages} page footers: {text}");
        carries(&text, &["round 0:", "round 39:"]);
        let last = text.rfind("Page ").unwrap();
        let footer: Vec<&str> = text[last..].split(' ').take(4).collect();
        assert_eq!(footer[1], footer[3], "the last page is page m of m: {footer:?}");
    }
}
