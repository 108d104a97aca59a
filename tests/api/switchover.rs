//! The switchover at a glance: the report's counts (by connection and status, analogue homes
//! left, migrated with no test, provider not told), its list and filters, its CSV, and the
//! office page that shows every home on one page.

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::pages::{PASSWORD, page, page_csrf, post_form, sign_in};
use crate::support::TestApp;
use crate::telecare_installations::{held, put, telecare_types};

/// Four homes at four stages, and an erased client's home that no longer counts. Answers
/// the client ids A (analogue, not told), B (migrated, untested), C (verified), D (SIM with
/// no base unit, scheduled, not told).
async fn four_homes(app: &TestApp) -> [i64; 4] {
    telecare_types(app).await;
    let a = app.client_person("SW-A", "Ann Able", "LS1 1AA").await;
    let b = app.client_person("SW-B", "Bob Baker", "LS2 2BB").await;
    let c = app.client_person("SW-C", "Cat Cole", "LS3 3CC").await;
    let d = app.client_person("SW-D", "Dan Dale", "LS4 4DD").await;
    let gone = app.client_person("SW-E", "Eve Erased", "LS5 5EE").await;
    let analogue = held(app, "BASE-ANALOGUE", a).await;
    let hub_b = held(app, "BASE-DIGITAL", b).await;
    let hub_c = held(app, "BASE-DIGITAL", c).await;
    let home = |reference: &str, unit: Option<&str>, connection: &str, told: bool, switchover: Value| {
        json!({"monitoring_centre": "Leeds Careline", "unit_reference": reference, "base_unit": unit,
               "connection": connection, "provider_told": told, "switchover": switchover})
    };
    put(
        app,
        a,
        &app.admin,
        home(
            "U-A",
            Some(&analogue),
            "pstn",
            false,
            json!({"status": "not_started"}),
        ),
    )
    .await
    .expect(201);
    put(
        app,
        b,
        &app.admin,
        home(
            "U-B",
            Some(&hub_b),
            "sim_dual",
            true,
            json!({"status": "migrated", "migrated_on": "2026-11-02"}),
        ),
    )
    .await
    .expect(201);
    put(
        app,
        c,
        &app.admin,
        home(
            "U-C",
            Some(&hub_c),
            "ip_broadband",
            true,
            json!({"status": "verified", "migrated_on": "2026-11-01", "end_to_end_test_on": "2026-11-02"}),
        ),
    )
    .await
    .expect(201);
    put(
        app,
        d,
        &app.admin,
        home(
            "U-D",
            None,
            "sim_single",
            false,
            json!({"status": "scheduled", "scheduled_on": "2027-01-10"}),
        ),
    )
    .await
    .expect(201);
    put(
        app,
        gone,
        &app.admin,
        home("U-E", None, "pstn", false, json!({"status": "not_started"})),
    )
    .await
    .expect(201);
    app.delete(&format!("/api/v1/clients/{gone}"), &app.admin)
        .await
        .expect(200);
    [a, b, c, d]
}

fn references(report: &Value) -> Vec<&str> {
    report["list"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["client_reference"].as_str().unwrap())
        .collect()
}

both_backends! {
    async fn the_report_counts_homes_by_connection_and_status(app: TestApp) {
        let [_, b, _, _] = four_homes(&app).await;
        let viewer = app.user("viewer");
        let r = app.get("/api/v1/reports/switchover", &viewer).await.expect(200).json();
        assert_eq!(r["homes"], 4, "the erased client's home is not counted: {r}");
        let as_of = NaiveDate::parse_from_str(r["as_of"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let switch_off = NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
        assert_eq!(r["switch_off"], "2027-01-31");
        assert_eq!(r["days_to_switch_off"], (switch_off - as_of).num_days());
        let row = |connection: &str| {
            r["by_connection"].as_array().unwrap().iter().find(|c| c["connection"] == connection).unwrap().clone()
        };
        assert_eq!(row("pstn")["not_started"], 1);
        assert_eq!(row("pstn")["total"], 1);
        assert_eq!(row("sim_dual")["migrated"], 1);
        assert_eq!(row("ip_broadband")["verified"], 1);
        assert_eq!(row("sim_single")["scheduled"], 1);
        assert_eq!(row("dual_path")["total"], 0);
        assert_eq!(r["all_connections"]["total"], 4);
        assert_eq!(r["digital_ready"], 2);
        assert_eq!(r["analogue_left"], 2, "A on the line, and D with no digital unit known");
        assert_eq!(r["migrated_untested"], 1);
        assert_eq!(r["provider_not_told"], 2);
        assert_eq!(references(&r), ["SW-A", "SW-B", "SW-C", "SW-D"]);
        let first = &r["list"]["items"][1];
        assert_eq!(first["client_id"], b);
        assert_eq!(first["postcode"], "LS2 2BB");
        assert_eq!(first["digital_ready"], true);
        assert_eq!(first["migrated_on"], "2026-11-02");
        // The list's filters, in SQL, agree with the counts.
        for (query, expected) in [
            ("analogue_left=true", vec!["SW-A", "SW-D"]),
            ("untested=true", vec!["SW-B"]),
            ("provider_not_told=true", vec!["SW-A", "SW-D"]),
            ("status=migrated", vec!["SW-B"]),
            ("connection=pstn", vec!["SW-A"]),
            ("connection=sim_single&status=scheduled&provider_not_told=true", vec!["SW-D"]),
        ] {
            let f = app.get(&format!("/api/v1/reports/switchover?{query}"), &viewer).await.expect(200).json();
            assert_eq!(references(&f), expected, "{query}");
            assert_eq!(f["list"]["total"], expected.len(), "{query}");
            assert_eq!(f["homes"], 4, "the counts are over every home: {query}");
        }
        let paged = app.get("/api/v1/reports/switchover?per_page=1&page=3", &viewer).await.expect(200).json();
        assert_eq!(references(&paged), ["SW-C"]);
        assert_eq!(paged["list"]["total"], 4);
        for bad in ["status=done", "connection=isdn", "per_page=0"] {
            app.get(&format!("/api/v1/reports/switchover?{bad}"), &viewer).await.expect(422);
        }
        // A worker reads it too.
        app.get("/api/v1/reports/switchover", &app.user("worker")).await.expect(200);
    }

    async fn the_csv_lists_every_home_the_filters_match(app: TestApp) {
        four_homes(&app).await;
        let token = app.user("viewer");
        let auth = format!("Bearer {token}");
        let csv = app
            .request_with("GET", "/api/v1/reports/switchover?per_page=1", &[("Authorization", &auth), ("Accept", "text/csv")], None)
            .await
            .expect(200);
        assert!(csv.content_type.starts_with("text/csv"), "{}", csv.content_type);
        let text = csv.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "a header and every home, whatever the page: {text}");
        assert!(lines[0].starts_with("client_reference,postcode,monitoring_centre"), "{text}");
        assert_eq!(lines[2], "SW-B,LS2 2BB,Leeds Careline,U-B,EQ-000002,sim_dual,yes,migrated,,2026-11-02,,yes,unknown");
        let pstn = app
            .request_with("GET", "/api/v1/reports/switchover?connection=pstn", &[("Authorization", &auth), ("Accept", "text/csv")], None)
            .await
            .expect(200)
            .text();
        assert_eq!(pstn.lines().count(), 2, "{pstn}");
        assert!(pstn.lines().nth(1).unwrap().starts_with("SW-A,"), "{pstn}");
    }

    async fn the_office_page_shows_every_homes_state_and_the_client_page_edits_it(app: TestApp) {
        let [a, b, _, _] = four_homes(&app).await;
        let (_, _, viewer) = app.staff_with_password("viewer", Some(PASSWORD));
        let (cookie, _) = sign_in(&app, &viewer, "/office/switchover").await;
        let html = page(&app, &cookie, "/office/switchover").await.expect(200).text();
        assert!(html.contains("href=\"/office/switchover\""), "the header links to it");
        assert!(html.contains("days to the analogue switch-off"), "{html}");
        for reference in ["SW-A", "SW-B", "SW-C", "SW-D"] {
            assert!(html.contains(reference), "{reference}");
        }
        assert!(!html.contains("SW-E"));
        assert!(html.contains(&format!("href=\"/office/clients/{b}\"")));
        let migrated = page(&app, &cookie, "/office/switchover?status=migrated&connection=&provider_not_told=").await.expect(200).text();
        assert!(migrated.contains("SW-B") && !migrated.contains(">SW-A<"), "{migrated}");
        page(&app, &cookie, "/office/switchover?status=finished").await.expect(422);
        let csv = page(&app, &cookie, "/office/switchover.csv?analogue_left=true").await.expect(200).text();
        assert_eq!(csv.lines().count(), 3, "{csv}");
        // A viewer sees the installation but no form.
        let client_page = page(&app, &cookie, &format!("/office/clients/{a}")).await.expect(200).text();
        assert!(client_page.contains("U-A") && !client_page.contains("telecare-form"), "{client_page}");
        let (_, _, worker) = app.staff_with_password("worker", Some(PASSWORD));
        let (worker_cookie, _) = sign_in(&app, &worker, "/scan").await;
        page(&app, &worker_cookie, "/office/switchover").await.expect(403);

        // Stores records the switchover from the client's page, as a browser sends the form.
        let (_, _, stores) = app.staff_with_password("stores", Some(PASSWORD));
        let (cookie, _) = sign_in(&app, &stores, "/scan").await;
        let path = format!("/office/clients/{a}");
        let html = page(&app, &cookie, &path).await.expect(200).text();
        assert!(html.contains("telecare-form"), "{html}");
        let csrf = page_csrf(&html);
        let form = |status: &str, migrated: &str, tested: &str, version: &str| {
            vec![
                ("csrf", csrf.clone()), ("version", version.to_string()),
                ("monitoring_centre", "Leeds Careline".into()), ("unit_reference", "U-A".into()),
                ("base_unit", String::new()), ("connection", "dual_path".into()),
                ("router_battery", "no".into()), ("provider_told", "yes".into()),
                ("responder_name", "Sam Able".into()), ("responder_phone", "07700 900456".into()), ("responder_relation", "son".into()),
                ("responder_name", String::new()), ("responder_phone", String::new()), ("responder_relation", String::new()),
                ("status", status.into()), ("scheduled_on", String::new()),
                ("migrated_on", migrated.into()), ("end_to_end_test_on", tested.into()),
            ]
        };
        let send = |f: Vec<(&'static str, String)>| {
            let (app, cookie, path) = (&app, &cookie, &path);
            async move {
                let borrowed: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
                post_form(app, cookie, &format!("{path}/telecare"), &borrowed).await
            }
        };
        // Verified with no test date: refused, naming it, and what was typed is kept.
        let refused = send(form("verified", "2026-11-20", "", "1")).await.expect(422).text();
        assert!(refused.contains("end_to_end_test_on"), "{refused}");
        assert!(refused.contains("value=\"2026-11-20\""), "{refused}");
        assert!(refused.contains("Sam Able"), "{refused}");
        let saved = send(form("verified", "2026-11-20", "2026-11-21", "1")).await.expect(200).text();
        assert!(saved.contains("Installation saved."), "{saved}");
        assert!(saved.contains("Changes (2)"), "each change is in the client's history: {saved}");
        let now = app.get(&format!("/api/v1/clients/{a}/telecare"), &app.admin).await.expect(200).json();
        assert_eq!(now["version"], 2);
        assert_eq!(now["base_unit"], Value::Null, "an empty field takes the unit away");
        assert_eq!(now["connection"], "dual_path");
        assert_eq!(now["key_safe"], false, "an unticked box is not sent");
        assert_eq!(now["provider_told"], true);
        assert_eq!(now["responders"], json!([{"name": "Sam Able", "phone": "07700 900456", "relation": "son"}]));
        assert_eq!(now["switchover"]["end_to_end_test_on"], "2026-11-21");
        // The form sent again with the old version: someone changed it meanwhile.
        send(form("verified", "2026-11-20", "2026-11-21", "1")).await.expect(409);
        // The page's wrong token is refused before anything is read.
        let mut forged = form("verified", "2026-11-20", "2026-11-21", "2");
        forged[0].1 = "0".repeat(64);
        send(forged).await.expect(403);
    }
}
