//! The item page's examination form over plain HTTP (issue 12, point 10): posted the way a
//! browser posts it, empty extra defect rows and all; refused in plain words with what was
//! typed kept; recorded through the same service as the API. The same in a real browser is
//! in `browser_exam.rs`.

use chrono::Utc;
use serde_json::json;

use crate::examinations::hoist;
use crate::pages::{PASSWORD, page, page_csrf, post_form, sign_in};

/// The fields of one defect row, as a browser sends every row whether filled in or not.
fn row<'a>(fields: &mut Vec<(&'a str, &'a str)>, values: [&'a str; 5]) {
    let names = [
        "defect_part",
        "defect_description",
        "defect_dangerous",
        "defect_remedy_by",
        "defect_repair",
    ];
    fields.extend(names.into_iter().zip(values));
}

both_backends! {
    async fn a_page_examination_skips_empty_defect_rows_and_an_incomplete_one_keeps_what_was_typed(app: TestApp) {
        hoist(&app).await;
        let (_, _, email) = app.staff_with_password("worker", Some(PASSWORD));
        let (cookie, _) = sign_in(&app, &email, "/scan").await;
        let html = page(&app, &cookie, "/s/EQ-000001").await.expect(200).text();
        assert!(html.contains("name=\"basis\"") && html.contains("6-monthly interval"), "{html}");
        assert!(html.contains("name=\"safe_working_load_kg\" type=\"number\" min=\"1\" max=\"10000\" inputmode=\"numeric\" value=\"150\""),
                "the load comes from the type: {html}");
        assert!(html.contains("href=\"/api/v1/items/EQ-000001/record.pdf\""));
        assert!(html.contains("name=\"examiner_name\" type=\"text\" value=\"\""), "nobody examined anything yet");
        let csrf = page_csrf(&html);
        let today = Utc::now().date_naive().to_string();
        let remedy_by = Utc::now().date_naive().checked_add_days(chrono::Days::new(30)).unwrap().to_string();
        let mut fields = vec![
            ("csrf", csrf.as_str()), ("version", ""), ("rule", "thorough examination"), ("performed_at", today.as_str()),
            ("examination", "yes"), ("basis", "interval_6_months"), ("safe_working_load_kg", "150"),
            ("safe_to_operate", "yes"), ("tests", "proof load 1.25 x SWL"),
        ];
        row(&mut fields, ["", "", "no", "", ""]);
        row(&mut fields, ["castor", "worn tread", "no", remedy_by.as_str(), "replace castor"]);
        row(&mut fields, ["", "", "no", "", ""]);
        let examiner = [("examiner_qualifications", "LEEA diploma"), ("examiner_employer", "Lift Safe Ltd"),
                        ("examiner_address", "2 Mill Lane, Leeds"), ("report_date", today.as_str()), ("next_examination_by", "")];
        fields.extend(examiner);

        // No examiner's name: refused in words, next to the form, with everything still typed.
        let mut nameless = fields.clone();
        nameless.push(("examiner_name", ""));
        let refused = post_form(&app, &cookie, "/s/EQ-000001/checks", &nameless).await.expect(422).text();
        assert!(refused.contains("Not recorded: thorough examination needs correcting") && refused.contains("href=\"#check-0-form\""), "{refused}");
        assert!(refused.contains("Not recorded. Please check:") && refused.contains("name: is required"), "{refused}");
        assert!(!refused.contains("examination.examiner"), "plain words, not field paths: {refused}");
        for kept in ["value=\"LEEA diploma\"", "value=\"castor\"", "value=\"worn tread\"", "proof load 1.25 x SWL",
                     &format!("value=\"{remedy_by}\""), "value=\"interval_6_months\" selected", "value=\"yes\" checked"] {
            assert!(refused.contains(kept), "{kept} kept: {refused}");
        }
        let checks = app.get("/api/v1/items/EQ-000001/checks", &app.admin).await.expect(200).json();
        assert_eq!(checks, json!([]), "nothing recorded");

        // With the name: recorded, the empty rows skipped, a pass with an open defect.
        let mut complete = fields.clone();
        complete.push(("examiner_name", "Edith Examiner"));
        let r = post_form(&app, &cookie, "/s/EQ-000001/checks", &complete).await.expect(303);
        assert_eq!(r.location.as_deref(), Some("/s/EQ-000001?done=checks-defect"));
        let checks = app.get("/api/v1/items/EQ-000001/checks", &app.admin).await.expect(200).json();
        assert_eq!(checks[0]["outcome"], "pass");
        assert_eq!(checks[0]["examination"]["examiner"]["name"], "Edith Examiner");
        assert_eq!(checks[0]["defects"].as_array().unwrap().len(), 1, "{checks}");
        assert_eq!((&checks[0]["defects"][0]["part"], &checks[0]["defects"][0]["remedy_by"]), (&json!("castor"), &json!(remedy_by)));
        let done = page(&app, &cookie, "/s/EQ-000001?done=checks-defect").await.expect(200).text();
        assert!(done.contains("with an open defect") && done.contains("Open defects") && done.contains("worn tread"), "{done}");
        assert!(done.contains(&format!("href=\"/api/v1/checks/{}/report.pdf\"", checks[0]["id"])), "{done}");
        assert!(done.contains("name=\"examiner_name\" type=\"text\" value=\"Edith Examiner\""),
                "the next form starts from this worker's last examiner: {done}");

        // Not safe to operate: a fail, quarantined.
        let mut unsafe_now = complete.clone();
        let at = unsafe_now.iter().position(|(k, _)| *k == "safe_to_operate").unwrap();
        unsafe_now[at] = ("safe_to_operate", "no");
        let r = post_form(&app, &cookie, "/s/EQ-000001/checks", &unsafe_now).await.expect(303);
        assert_eq!(r.location.as_deref(), Some("/s/EQ-000001?done=checks-fail"));
        let item = app.get("/api/v1/items/EQ-000001", &app.admin).await.expect(200).json();
        assert_eq!(item["status"], "quarantined");
    }
}

both_backends! {
    async fn the_desks_overdue_list_holds_stock_awaiting_decontamination_and_quarantined(app: TestApp) {
        hoist(&app).await;
        app.item("HOIST-MOBILE", json!({"serial_number": "H-2"})).await;
        let long_ago = |days| Utc::now().date_naive().checked_sub_days(chrono::Days::new(days)).unwrap().to_string();
        let client = app.client_person("SC-1", "Ann Lee", "LS1 4AP").await;
        let (worker, worker_token) = app.user_with_id("worker");
        for tag in ["EQ-000001", "EQ-000002"] {
            app.registered_on(tag, &long_ago(400));
            app.post(&format!("/api/v1/items/{tag}/issue"), &app.admin, json!({"client_id": client, "worker_id": worker})).await.expect(200);
            // Fitted 300 days ago: the six-monthly examination fell due 118 days ago.
            app.post(&format!("/api/v1/items/{tag}/fit"), &worker_token, json!({"fitted_at": long_ago(300)})).await.expect(200);
        }
        app.post("/api/v1/items/EQ-000001/return", &worker_token, json!({})).await.expect(200);
        app.post("/api/v1/items/EQ-000002/quarantine", &app.admin, json!({"reason": "frayed strap"})).await.expect(200);
        let (_, _, stores) = app.staff_with_password("stores", Some(PASSWORD));
        let (cookie, _) = sign_in(&app, &stores, "/desk").await;
        let desk = page(&app, &cookie, "/desk/overdue").await.expect(200).text();
        assert!(desk.contains("2 items have a check overdue"), "{desk}");
        let returned = app.get("/api/v1/items/EQ-000001", &app.admin).await.expect(200).json();
        assert_ne!(returned["status"], "in_use");
        for words in ["EQ-000001", "EQ-000002", "Quarantined"] {
            assert!(desk.contains(words), "{words}: {desk}");
        }
        let returned_words = if returned["status"] == "awaiting_decontamination" { "Awaiting decontamination" } else { "In store" };
        assert!(desk.contains(returned_words), "{desk}");
    }
}
