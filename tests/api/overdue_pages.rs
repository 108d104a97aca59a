//! The office's overdue page and its CSV, and an item's history page (issue 13, point 5),
//! over plain HTTP as a browser asks for them.

use chrono::{Days, NaiveDate, Utc};
use serde_json::json;

use crate::pages::{PASSWORD, page, sign_in};
use crate::support::TestApp;

fn days_ago(n: u64) -> NaiveDate {
    Utc::now().date_naive().checked_sub_days(Days::new(n)).unwrap()
}

/// OD-1 (stairlift, LS6, worker A) and OD-2 (stairlift, BD1, worker B) have their
/// examination overdue; OD-3 (walking frame, in store) its safety check; OD-4 (stairlift,
/// LS6, worker A) was fitted ten days ago and is not due for months. Answers the workers'
/// email addresses.
pub(crate) async fn overdue_checks(app: &TestApp) -> (String, String) {
    app.stairlift_type().await;
    app.frame_type().await;
    app.client_person("C-1", "Margaret Oduya", "LS6 2AB").await;
    app.client_person("C-2", "Peter Hale", "BD1 1AA").await;
    let (_, _, a_email) = app.staff("worker");
    let (_, _, b_email) = app.staff("worker");
    let (fitted, examined, recent) = (days_ago(300), days_ago(200), days_ago(10));
    let stairlifts = format!(
        "asset_tag,type,status,client_reference,fitted_at,worker_email,last_check:LOLER thorough examination\n\
         OD-1,STAIRLIFT-STRAIGHT,in_use,C-1,{fitted},{a_email},{examined}\n\
         OD-2,STAIRLIFT-STRAIGHT,in_use,C-2,{fitted},{b_email},\n\
         OD-4,STAIRLIFT-STRAIGHT,in_use,C-1,{recent},{a_email},\n"
    );
    app.post_csv("/api/v1/items/import", &app.admin, &stairlifts)
        .await
        .expect(201);
    let frames = format!(
        "asset_tag,type,last_check:safety check\nOD-3,FRAME-WALKING,{}\n",
        days_ago(400)
    );
    app.post_csv("/api/v1/items/import", &app.admin, &frames)
        .await
        .expect(201);
    (a_email, b_email)
}

/// The tags a page or a CSV names, of OD-1 to OD-4.
fn tags(text: &str) -> Vec<&'static str> {
    ["OD-1", "OD-2", "OD-3", "OD-4"]
        .into_iter()
        .filter(|t| text.contains(t))
        .collect()
}

both_backends! {
    async fn the_overdue_page_narrows_by_worker_postcode_rule_and_category_and_its_csv_carries_the_same_rows(app: TestApp) {
        let (a, b) = overdue_checks(&app).await;
        let (_, _, stores) = app.staff_with_password("stores", Some(PASSWORD));
        let (cookie, _) = sign_in(&app, &stores, "/office/overdue").await;

        let all = page(&app, &cookie, "/office/overdue").await.expect(200).text();
        assert_eq!(tags(&all), ["OD-1", "OD-2", "OD-3"], "only what is overdue: {all}");
        assert!(all.contains("href=\"/office/overdue\"") && all.contains("3 checks."), "{all}");
        assert!(!all.contains("Margaret Oduya") && all.contains("C-1, LS6 2AB"), "references, not names: {all}");

        let narrowed = [
            (format!("worker={a}"), vec!["OD-1"], 1),
            (format!("worker={b}"), vec!["OD-2"], 1),
            ("postcode=ls6".to_string(), vec!["OD-1"], 1),
            ("postcode=BD1+1".to_string(), vec!["OD-2"], 1),
            ("rule=safety+check".to_string(), vec!["OD-3"], 1),
            ("rule=LOLER%20thorough%20examination".to_string(), vec!["OD-1", "OD-2"], 2),
            ("category=walking_aid".to_string(), vec!["OD-3"], 1),
            ("category=stairlift&postcode=LS".to_string(), vec!["OD-1"], 1),
            ("category=hoist".to_string(), vec![], 0),
            // Every filter at once, the rule in any case and the worker's address too.
            (format!("worker={}&postcode=ls6+2&rule=loler+THOROUGH+examination&category=stairlift", a.to_uppercase()), vec!["OD-1"], 1),
            (format!("worker={b}&postcode=LS6&rule=LOLER+thorough+examination"), vec![], 0),
            (format!("worker={a}&rule=safety+check"), vec![], 0),
            ("worker=nobody%40test.example".to_string(), vec![], 0),
            // Both rules of both of A's items fall due within a year.
            ("within=365&worker=".to_string() + &a.to_string(), vec!["OD-1", "OD-4"], 4),
        ];
        for (query, expected, rows) in &narrowed {
            let html = page(&app, &cookie, &format!("/office/overdue?{query}")).await.expect(200).text();
            assert_eq!(&tags(&html), expected, "{query}");
            let csv_link = html.find("/office/overdue.csv?").map(|at| &html[at..html[at..].find('"').unwrap() + at]);
            assert!(csv_link.is_some(), "a CSV link: {html}");

            // The CSV link as the page gives it: the same rows.
            let href = csv_link.unwrap().replace("&amp;", "&");
            let csv = page(&app, &cookie, &href).await.expect(200);
            assert!(csv.content_type.starts_with("text/csv"), "{}", csv.content_type);
            let text = csv.text();
            let mut lines = text.lines();
            assert_eq!(lines.next(), Some("asset_tag,type,category,rule,next_due,days_overdue,status,client_reference,postcode,worker"));
            assert_eq!(&tags(&text), expected, "{query}: {text}");
            assert_eq!(lines.count(), *rows, "one row per check: {text}");
        }

        let csv = page(&app, &cookie, &format!("/office/overdue.csv?worker={a}")).await.expect(200).text();
        let row = csv.lines().nth(1).unwrap();
        assert_eq!(row, format!("OD-1,Straight stairlift,stairlift,LOLER thorough examination,{},18,in_use,C-1,LS6 2AB,worker {}",
                                days_ago(18), row.rsplit(' ').next().unwrap()));

        // A bad filter is said plainly, on the page and for the CSV.
        for bad in ["worker=abc", "worker=7", "category=rockets", "within=-1", "postcode=%3B", "page=x"] {
            let refused = page(&app, &cookie, &format!("/office/overdue?{bad}")).await.expect(422).text();
            assert!(refused.contains("role=\"alert\"") && refused.contains("Overdue checks"), "{bad}: {refused}");
        }
        let refused = page(&app, &cookie, "/office/overdue.csv?worker=abc").await.expect(422);
        assert!(refused.text().contains("worker: must be a worker's email address"), "{}", refused.text());
    }

    async fn the_overdue_page_pages_in_order_keeping_its_filters_while_the_csv_holds_every_row(app: TestApp) {
        app.frame_type().await;
        app.stairlift_type().await;
        let old = days_ago(400);
        let mut frames = "asset_tag,type,last_check:safety check\n".to_string();
        for n in 1..=101 {
            frames.push_str(&format!("PG-{n:03},FRAME-WALKING,{old}\n"));
        }
        // Due a day earlier than the frames, and of another category: first, or filtered out.
        frames.push_str(&format!("PG-000,FRAME-WALKING,{}\n", days_ago(401)));
        app.post_csv("/api/v1/items/import", &app.admin, &frames).await.expect(201);
        let (_, _, stores) = app.staff_with_password("stores", Some(PASSWORD));
        let (cookie, _) = sign_in(&app, &stores, "/office/overdue").await;

        let first = page(&app, &cookie, "/office/overdue?category=walking_aid&rule=Safety+Check").await.expect(200).text();
        assert!(first.contains("102 checks.") && first.contains("Page 1 of 2"), "{first}");
        let at = |html: &str, tag: &str| html.find(&format!(">{tag}<")).unwrap_or_else(|| panic!("{tag}: {html}"));
        assert!(at(&first, "PG-000") < at(&first, "PG-001") && at(&first, "PG-001") < at(&first, "PG-099"), "soonest due, then by tag");
        assert!(!first.contains(">PG-100<") && !first.contains(">PG-101<"));
        let next = "/office/overdue?rule=Safety%20Check&amp;category=walking_aid&amp;page=2";
        assert!(first.contains(next), "the pager keeps the filters: {first}");
        let second = page(&app, &cookie, &next.replace("&amp;", "&")).await.expect(200).text();
        assert!(second.contains("102 checks.") && second.contains("Page 2 of 2"), "{second}");
        assert!(at(&second, "PG-100") < at(&second, "PG-101") && !second.contains(">PG-099<"), "{second}");

        let csv = page(&app, &cookie, "/office/overdue.csv?category=walking_aid").await.expect(200).text();
        let tags: Vec<&str> = csv.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
        assert_eq!(tags.len(), 102, "every row, not a page");
        assert_eq!((tags[0], tags[1], tags[101]), ("PG-000", "PG-001", "PG-101"));
        let none = page(&app, &cookie, "/office/overdue?category=stairlift").await.expect(200).text();
        assert!(none.contains("0 checks.") && !none.contains("Page 1"), "{none}");
    }

    async fn the_overdue_page_is_for_whoever_may_use_the_office(app: TestApp) {
        overdue_checks(&app).await;
        for (role, status) in [("admin", 200), ("stores", 200), ("viewer", 200), ("worker", 403)] {
            let (_, _, email) = app.staff_with_password(role, Some(PASSWORD));
            let (cookie, _) = sign_in(&app, &email, "/scan").await;
            let html = page(&app, &cookie, "/office/overdue").await.expect(status).text();
            page(&app, &cookie, "/office/overdue.csv").await.expect(status);
            let scan = page(&app, &cookie, "/scan").await.expect(200).text();
            assert_eq!(scan.contains("href=\"/office/overdue\""), status == 200, "{role}'s navigation");
            if status == 200 {
                assert_eq!(tags(&html), ["OD-1", "OD-2", "OD-3"], "{role}");
            }
        }
        // Not signed in: to the sign-in page.
        let anon = app.request("GET", "/office/overdue.csv", None, None).await;
        assert_eq!(anon.status, 303);
    }

    async fn an_items_history_page_lists_its_events_newest_first_and_is_linked_from_its_page(app: TestApp) {
        app.stairlift_type().await;
        app.item("STAIRLIFT-STRAIGHT", json!({"serial_number": "S-9"})).await;
        let client = app.client_person("C-1", "Margaret Oduya", "LS6 2AB").await;
        let (worker, worker_token, worker_email) = app.staff_with_password("worker", Some(PASSWORD));
        app.post("/api/v1/items/EQ-000001/issue", &app.admin,
                 json!({"client_id": client, "worker_id": worker, "notes": "first: issued"})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/fit", &worker_token,
                 json!({"fitted_at": Utc::now().date_naive().to_string(), "notes": "second: fitted"})).await.expect(200);
        app.post("/api/v1/items/EQ-000001/quarantine", &worker_token, json!({"reason": "third: frayed strap"})).await.expect(200);

        let (cookie, _) = sign_in(&app, &worker_email, "/scan").await;
        let item = page(&app, &cookie, "/s/EQ-000001").await.expect(200).text();
        assert!(item.contains("href=\"/s/EQ-000001/history\""), "{item}");

        let html = page(&app, &cookie, "/s/EQ-000001/history").await.expect(200).text();
        let at = |words: &str| html.find(words).unwrap_or_else(|| panic!("{words}: {html}"));
        assert!(at("third: frayed strap") < at("second: fitted") && at("second: fitted") < at("first: issued"), "{html}");
        let api = app.get("/api/v1/items/EQ-000001/events", &app.admin).await.expect(200).json();
        let first_action = api["items"][0]["action"].as_str().unwrap().to_string();
        assert!(at("second: fitted") < html.rfind(&first_action).unwrap(), "the first event last: {html}");
        assert!(html.contains("worker ") && html.contains("Quarantined"), "who, and where it went: {html}");
        assert!(!html.contains("Margaret Oduya"), "no client names: {html}");

        page(&app, &cookie, "/s/EQ-000001/history?page=x").await.expect(422);
        page(&app, &cookie, "/s/EQ-999999/history").await.expect(404);
        let anon = app.request("GET", "/s/EQ-000001/history", None, None).await;
        assert_eq!(anon.status, 303, "sign in first");
    }
}
