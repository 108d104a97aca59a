//! `POST /api/v1/items/{tag}/examinations/form` (issue 15, point 3): the examination form's
//! fields as the phone's offline queue sends them, read as the item page reads them. The
//! same fields give the same report through the page and through this endpoint; a field
//! the form's rule refuses is a 422 naming it.

use chrono::Utc;
use serde_json::{Value, json};

use crate::examinations::hoist;
use crate::pages::{PASSWORD, page, page_csrf, post_form, sign_in};
use crate::support::TestApp;

/// A complete form: one defect, an empty extra row as a browser sends it.
fn form_fields(today: &str, remedy_by: &str) -> Vec<(String, String)> {
    let mut fields = vec![
        ("rule", "thorough examination"),
        ("performed_at", today),
        ("examination", "yes"),
        ("basis", "interval_6_months"),
        ("safe_working_load_kg", "150"),
        ("safe_to_operate", "yes"),
        ("tests", "proof load 1.25 x SWL"),
    ];
    for row in [
        ["castor", "worn tread", "no", remedy_by, "replace castor"],
        ["", "", "no", "", ""],
    ] {
        let names = [
            "defect_part",
            "defect_description",
            "defect_dangerous",
            "defect_remedy_by",
            "defect_repair",
        ];
        fields.extend(names.into_iter().zip(row));
    }
    fields.extend([
        ("examiner_name", "Edith Examiner"),
        ("examiner_qualifications", "LEEA diploma"),
        ("examiner_employer", "Lift Safe Ltd"),
        ("examiner_address", "2 Mill Lane, Leeds"),
        ("report_date", today),
        ("next_examination_by", ""),
        ("risk_of_serious_injury", ""),
    ]);
    fields
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A check as recorded, without what differs between two items (ids, dates of recording).
fn facts(check: &Value) -> Value {
    let e = &check["examination"];
    let defects: Vec<Value> = check["defects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            json!([
                d["part"],
                d["description"],
                d["dangerous"],
                d["remedy_by"],
                d["repair"]
            ])
        })
        .collect();
    json!({
        "rule": check["rule"], "outcome": check["outcome"], "performed_at": check["performed_at"],
        "basis": e["basis"], "load": e["safe_working_load_kg"], "safe": e["safe_to_operate"], "tests": e["tests"],
        "examiner": e["examiner"], "report_date": e["report_date"], "risk": e["risk_of_serious_injury"],
        "defects": defects,
    })
}

async fn only_check(app: &TestApp, tag: &str) -> Value {
    let checks = app
        .get(&format!("/api/v1/items/{tag}/checks"), &app.admin)
        .await
        .expect(200)
        .json();
    assert_eq!(checks.as_array().unwrap().len(), 1, "{checks}");
    checks[0].clone()
}

both_backends! {
    async fn the_form_sent_as_fields_records_what_the_page_records_and_a_bad_field_is_named(app: TestApp) {
        hoist(&app).await;
        app.item("HOIST-MOBILE", json!({"serial_number": "H-2"})).await;
        let month_ago = Utc::now().date_naive().checked_sub_days(chrono::Days::new(30)).unwrap().to_string();
        app.registered_on("EQ-000002", &month_ago);
        let (_, token, email) = app.staff_with_password("worker", Some(PASSWORD));
        let today = Utc::now().date_naive().to_string();
        let remedy_by = Utc::now().date_naive().checked_add_days(chrono::Days::new(30)).unwrap().to_string();
        let fields = form_fields(&today, &remedy_by);
        let path = "/api/v1/items/EQ-000001/examinations/form";

        // Refused, naming the field, and nothing recorded: a load that is not a number, a
        // missing examiner, fields that are not an examination's, a pair that is not a pair.
        let mut bad = fields.clone();
        bad.iter_mut().find(|(k, _)| k == "safe_working_load_kg").unwrap().1 = "lots".into();
        let r = app.post(path, &token, json!({"fields": bad})).await.expect(422).json();
        assert_eq!(r["errors"][0]["field"], "examination.safe_working_load_kg", "{r}");
        let nameless: Vec<_> = fields.iter().filter(|(k, _)| k != "examiner_name").cloned().collect();
        let r = app.post(path, &token, json!({"fields": nameless})).await.expect(422).json();
        let named: Vec<&str> = r["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert!(named.contains(&"examination.examiner.name"), "{r}");
        let plain: Vec<_> = fields.iter().filter(|(k, _)| k != "examination").cloned().collect();
        let r = app.post(path, &token, json!({"fields": plain})).await.expect(422).json();
        assert_eq!(r["errors"][0]["field"], "examination", "{r}");
        app.post(path, &token, json!({"fields": [["rule", "thorough examination", "extra"]]})).await.expect(422);
        let checks = app.get("/api/v1/items/EQ-000001/checks", &app.admin).await.expect(200).json();
        assert_eq!(checks, json!([]), "nothing recorded");

        // A stale version: 409, as for any move.
        let version = app.get("/api/v1/items/EQ-000001", &app.admin).await.expect(200).json()["version"].clone();
        app.post(path, &token, json!({"fields": fields, "expected_version": version.as_i64().unwrap() - 1}))
            .await.expect(409);

        // The good form: 201 with the item, one open defect, the empty row no defect.
        let item = app.post(path, &token, json!({"fields": fields, "expected_version": version})).await.expect(201).json();
        assert_eq!(item["version"], version.as_i64().unwrap() + 1, "{item}");
        assert_eq!(item["open_defects"].as_array().unwrap().len(), 1, "{item}");
        let by_api = only_check(&app, "EQ-000001").await;

        // The same fields through the page, on the other hoist: the same report.
        let (cookie, _) = sign_in(&app, &email, "/scan").await;
        let html = page(&app, &cookie, "/s/EQ-000002").await.expect(200).text();
        let csrf = page_csrf(&html);
        let mut posted: Vec<(&str, &str)> = vec![("csrf", csrf.as_str()), ("version", "")];
        posted.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        post_form(&app, &cookie, "/s/EQ-000002/checks", &posted).await.expect(303);
        let by_page = only_check(&app, "EQ-000002").await;
        assert_eq!(facts(&by_api), facts(&by_page));
        assert_eq!(facts(&by_api)["defects"], json!([["castor", "worn tread", false, remedy_by, "replace castor"]]));
        assert_eq!(facts(&by_api)["outcome"], "pass");
    }
}
