//! The office pages over plain HTTP (issue 13, points 5 and 6): the catalogue and staff forms
//! posted the way a browser posts them (every field, empty ones too), refused in plain words
//! with what was typed kept, done through the same services as the API; who sees which page
//! and link. The same flows in a real browser are in `browser_office.rs`.

use serde_json::json;

use crate::pages::{PASSWORD, page, page_csrf, post_form, sign_in};

/// The new-type form as a browser sends it, with `interval` as the first rule's interval.
fn new_type<'a>(csrf: &'a str, interval: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("code", "hoist-mobile"),
        ("name", "Mobile hoist"),
        ("category", "hoist"),
        ("manufacturer", "Arjo"),
        ("model", ""),
        ("safe_working_load_kg", ""),
        ("requires_decontamination", "yes"),
        ("rule_name", "thorough examination"),
        ("rule_kind", "examination"),
        ("rule_interval_days", interval),
        ("rule_lead_days", ""),
        ("rule_due_on_fit", "yes"),
    ]
}

/// The add-a-person form as a browser sends it.
fn person<'a>(csrf: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("name", "Nia Patel"),
        ("email", email),
        ("role", "stores"),
    ]
}

both_backends! {
    async fn a_refused_catalogue_form_keeps_what_was_typed_and_a_corrected_one_goes_through_the_api_rules(app: TestApp) {
        let (_, _, admin) = app.staff_with_password("admin", Some(PASSWORD));
        let (cookie, _) = sign_in(&app, &admin, "/office/catalogue").await;
        let html = page(&app, &cookie, "/office/catalogue").await.expect(200).text();
        assert!(html.contains("No equipment types yet") && html.contains("Add an equipment type"), "{html}");
        let csrf = page_csrf(&html);

        let refused = post_form(&app, &cookie, "/office/catalogue/types", &new_type(&csrf, "5000")).await.expect(422).text();
        assert!(refused.contains("Not saved: every (days): must be from 1 to 3653 days"), "{refused}");
        assert!(!refused.contains("check_rules"), "plain words, not field paths: {refused}");
        for kept in ["value=\"hoist-mobile\"", "value=\"Arjo\"", "value=\"5000\"", "value=\"thorough examination\"",
                     "value=\"examination\" selected", "value=\"hoist\" selected", "data-form=\"new-type\" open"] {
            assert!(refused.contains(kept), "{kept} kept: {refused}");
        }
        let none = app.get("/api/v1/equipment-types", &app.admin).await.expect(200).json();
        assert_eq!(none["total"], 0, "nothing created");

        // Not a number at all: the same plain refusal, no 400.
        let typed = post_form(&app, &cookie, "/office/catalogue/types", &new_type(&csrf, "six months")).await.expect(422).text();
        assert!(typed.contains("every (days): must be a whole number") && typed.contains("value=\"six months\""), "{typed}");

        let done = post_form(&app, &cookie, "/office/catalogue/types", &new_type(&csrf, "182")).await.expect(303);
        assert_eq!(done.location.as_deref(), Some("/office/catalogue?done=type-added#type-HOIST-MOBILE"));
        let t = &app.get("/api/v1/equipment-types", &app.admin).await.expect(200).json()["items"][0];
        assert_eq!((&t["code"], &t["manufacturer"], &t["model"], &t["safe_working_load_kg"]),
                   (&json!("HOIST-MOBILE"), &json!("Arjo"), &json!(null), &json!(null)), "empty fields are not given: {t}");
        let rule = &t["check_rules"][0];
        assert_eq!((&rule["kind"], &rule["interval_days"], &rule["lead_days"], &rule["due_on_fit"]),
                   (&json!("examination"), &json!(182), &json!(null), &json!(true)));

        // The same code again: a conflict, said beside the form.
        let twice = post_form(&app, &cookie, "/office/catalogue/types", &new_type(&csrf, "182")).await.expect(409).text();
        assert!(twice.contains("already exists") && twice.contains("value=\"Arjo\""), "{twice}");

        // A rule's change with its name left blank: refused beside that rule's form.
        let rule_id = rule["id"].as_i64().unwrap();
        let path = format!("/office/catalogue/types/HOIST-MOBILE/rules/{rule_id}");
        let blank = [("csrf", csrf.as_str()), ("name", ""), ("kind", "examination"), ("interval_days", "90"), ("lead_days", "7")];
        let refused = post_form(&app, &cookie, &path, &blank).await.expect(422).text();
        assert!(refused.contains("Not saved: name: is required") && refused.contains(&format!("data-form=\"rule-{rule_id}-form\" open")), "{refused}");
        assert!(refused.contains("value=\"90\"") && refused.contains("value=\"7\""), "{refused}");
        let named = [("csrf", csrf.as_str()), ("name", "thorough examination"), ("kind", "examination"), ("interval_days", "90"), ("lead_days", "7")];
        post_form(&app, &cookie, &path, &named).await.expect(303);
        let rule = &app.get("/api/v1/equipment-types", &app.admin).await.expect(200).json()["items"][0]["check_rules"][0];
        assert_eq!((&rule["interval_days"], &rule["lead_days"], &rule["due_on_fit"]), (&json!(90), &json!(7), &json!(false)),
                   "an unticked box is false: {rule}");

        // The last rule cannot be retired: said in words.
        let last = post_form(&app, &cookie, &format!("{path}/retire"), &[("csrf", &csrf)]).await.expect(409).text();
        assert!(last.contains("is the last check rule of HOIST-MOBILE"), "{last}");

        // The type's details: an emptied maker clears it.
        let edit = [("csrf", csrf.as_str()), ("name", "Mobile hoist"), ("category", "hoist"), ("manufacturer", ""), ("model", "Maxi Move"),
                    ("safe_working_load_kg", "182")];
        post_form(&app, &cookie, "/office/catalogue/types/HOIST-MOBILE", &edit).await.expect(303);
        let t = &app.get("/api/v1/equipment-types", &app.admin).await.expect(200).json()["items"][0];
        assert_eq!((&t["manufacturer"], &t["model"], &t["safe_working_load_kg"], &t["requires_decontamination"]),
                   (&json!(null), &json!("Maxi Move"), &json!(182), &json!(false)), "{t}");

        // Without the session's CSRF token nothing changes.
        post_form(&app, &cookie, "/office/catalogue/types/HOIST-MOBILE", &[("csrf", &"0".repeat(64)), ("name", "x")]).await.expect(403);
    }

    async fn a_refused_staff_form_keeps_what_was_typed_and_an_added_person_is_emailed_a_welcome_link(app: TestApp) {
        let (admin_id, _, admin) = app.staff_with_password("admin", Some(PASSWORD));
        let (cookie, _) = sign_in(&app, &admin, "/office/staff").await;
        let html = page(&app, &cookie, "/office/staff").await.expect(200).text();
        let csrf = page_csrf(&html);
        let refused = post_form(&app, &cookie, "/office/staff", &person(&csrf, "not an address")).await.expect(422).text();
        assert!(refused.contains("Not saved: email:") && refused.contains("value=\"Nia Patel\"")
                && refused.contains("value=\"stores\" selected") && refused.contains("data-form=\"new-staff\" open"), "{refused}");
        assert!(app.smtp.messages().is_empty());

        let good = person(&csrf, "nia@test.example");
        let done = post_form(&app, &cookie, "/office/staff", &good).await.expect(303);
        assert_eq!(done.location.as_deref(), Some("/office/staff?done=added"));
        let mail = app.smtp.wait_for(1, 20).await;
        assert_eq!(mail[0].to, ["nia@test.example"]);
        assert!(mail[0].part("text/plain").unwrap().contains(&format!("{}/welcome/", app.base)), "the welcome link");
        let staff = app.get("/api/v1/staff?per_page=500", &app.admin).await.expect(200).json();
        let nia = staff["items"].as_array().unwrap().iter().find(|s| s["email"] == "nia@test.example").unwrap().clone();
        assert_eq!((&nia["role"], &nia["active"], &nia["has_password"]), (&json!("stores"), &json!(true), &json!(false)));

        let again = post_form(&app, &cookie, "/office/staff", &good).await.expect(409).text();
        assert!(again.contains("already exists") && again.contains("value=\"nia@test.example\""), "{again}");

        // The last active admin (the harness's own is made a viewer first) cannot be demoted.
        let ada = staff["items"].as_array().unwrap().iter().find(|s| s["email"] == "admin@test.example").unwrap()["id"].clone();
        let c = csrf.as_str();
        post_form(&app, &cookie, &format!("/office/staff/{ada}/role"), &[("csrf", c), ("role", "viewer")]).await.expect(303);
        let last = post_form(&app, &cookie, &format!("/office/staff/{admin_id}/role"), &[("csrf", c), ("role", "worker")]).await.expect(409).text();
        let row = &last[last.find(&format!("id=\"staff-{admin_id}\"")).expect("the row")..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains("Not saved: this is the last active admin"), "said beside the row's forms: {row}");
        assert!(row.contains("value=\"worker\" selected"), "what was chosen is kept: {row}");

        let nia_id = nia["id"].as_i64().unwrap();
        post_form(&app, &cookie, &format!("/office/staff/{nia_id}/sign-in-link"), &[("csrf", c)]).await.expect(303);
        assert_eq!(app.smtp.wait_for(2, 20).await.len(), 2, "a new sign-in link by email");
        post_form(&app, &cookie, &format!("/office/staff/{nia_id}/deactivate"), &[("csrf", c)]).await.expect(303);
        let listed = page(&app, &cookie, "/office/staff").await.expect(200).text();
        assert!(listed.contains("Deactivated") && listed.contains(&format!("/office/staff/{nia_id}/reactivate")), "{listed}");
        assert!(!listed.contains(&format!("/office/staff/{nia_id}/sign-in-link")), "no link for a deactivated account");
        let closed = post_form(&app, &cookie, &format!("/office/staff/{nia_id}/sign-in-link"), &[("csrf", c)]).await.expect(409).text();
        assert!(closed.contains("this account is deactivated"), "{closed}");
    }

    async fn each_role_sees_only_the_office_pages_and_links_it_may_use(app: TestApp) {
        app.stairlift_type().await;
        let mut csrf_of_viewer = String::new();
        for (role, catalogue, staff, forms) in [("admin", 200, 200, true), ("stores", 200, 200, false),
                                                ("viewer", 200, 403, false), ("worker", 403, 403, false)] {
            let (_, _, email) = app.staff_with_password(role, Some(PASSWORD));
            let (cookie, _) = sign_in(&app, &email, "/scan").await;
            let scan = page(&app, &cookie, "/scan").await.expect(200).text();
            assert_eq!(scan.contains("href=\"/office/catalogue\""), catalogue == 200, "{role}: {scan}");
            assert_eq!(scan.contains("href=\"/office/staff\""), staff == 200, "{role}: {scan}");
            assert_eq!(scan.contains("href=\"/desk\""), matches!(role, "admin" | "stores"), "{role}");
            let c = page(&app, &cookie, "/office/catalogue").await.expect(catalogue).text();
            if catalogue == 200 {
                assert!(c.contains("STAIRLIFT-STRAIGHT") && c.contains("<td data-label=\"Every\">"), "{role}: {c}");
                assert_eq!(c.contains("action=\"/office/catalogue/types\""), forms, "{role}: {c}");
                assert_eq!(c.contains("/retire\""), forms, "{role}");
            } else {
                assert!(c.contains("Not allowed") && c.contains("the catalogue is for office staff"), "{role}: {c}");
            }
            let s = page(&app, &cookie, "/office/staff").await.expect(staff).text();
            assert_eq!(s.contains("Add a person"), forms, "{role}");
            if role == "viewer" {
                csrf_of_viewer = page_csrf(&scan);
                let made = post_form(&app, &cookie, "/office/catalogue/types", &new_type(&csrf_of_viewer, "30")).await.expect(403).text();
                assert!(made.contains("only an admin changes the catalogue"), "{made}");
                post_form(&app, &cookie, "/office/staff", &[("csrf", &csrf_of_viewer), ("name", "x"), ("email", "x@test.example"), ("role", "admin")])
                    .await.expect(403);
            }
        }
        assert!(!csrf_of_viewer.is_empty());
        let types = app.get("/api/v1/equipment-types", &app.admin).await.expect(200).json();
        assert_eq!(types["total"], 1, "the viewer created nothing");
        // Not signed in: to the sign-in page and back.
        let r = app.request("GET", "/office/staff", None, None).await.expect(303);
        assert_eq!(r.location.as_deref(), Some("/login?next=/office/staff"));
    }
}
