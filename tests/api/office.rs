//! The office pages over plain HTTP: the clients' search, a client's page, receiving stock,
//! and the desk's client search box. The same flows in a real browser are in
//! `browser_office.rs`.

use serde_json::json;

use crate::pages::{PASSWORD, page, page_csrf, post_form, sign_in};
use crate::support::TestApp;

/// A stores person signed in: answers the session cookie.
async fn stores(app: &TestApp) -> String {
    let (_, _, email) = app.staff_with_password("stores", Some(PASSWORD));
    sign_in(app, &email, "/office/clients").await.0
}

fn client_form<'a>(
    csrf: &'a str,
    reference: &'a str,
    name: &'a str,
    postcode: &'a str,
    phone: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("reference", reference),
        ("name", name),
        ("address", "4 Mill Lane, Leeds"),
        ("postcode", postcode),
        ("phone", phone),
    ]
}

both_backends! {
    async fn the_search_finds_clients_by_name_reference_or_postcode_fragment(app: TestApp) {
        app.client_person("SC-101", "Margaret Oduya", "LS6 2AB").await;
        app.client_person("SC-102", "Harold Finch", "BD1 4AP").await;
        app.client_person("XR-7", "Ada O'Neil", "LS1 1AA").await;
        let cookie = stores(&app).await;
        let found = |html: &str| -> Vec<&'static str> {
            ["Margaret Oduya", "Harold Finch", "Ada O'Neil"]
                .into_iter()
                .filter(|n| html.contains(n))
                .collect()
        };
        for (q, expected) in [
            ("ls6", vec!["Margaret Oduya"]),
            ("LS", vec!["Margaret Oduya", "Ada O'Neil"]),
            ("sc-10", vec!["Margaret Oduya", "Harold Finch"]),
            ("FINCH", vec!["Harold Finch"]),
            ("o", vec!["Margaret Oduya", "Harold Finch", "Ada O'Neil"]),
            ("100%", vec![]),
        ] {
            let html = page(&app, &cookie, &format!("/office/clients?q={}", q.replace('%', "%25"))).await.expect(200).text();
            assert_eq!(found(&html), expected, "searching {q:?}");
        }
        // Everyone, a page at a time, with no count of the whole list.
        for n in 0..26 {
            app.client_person(&format!("BULK-{n:02}"), &format!("Bulk Person {n:02}"), "HX1 1AA").await;
        }
        let first = page(&app, &cookie, "/office/clients?q=hx1").await.expect(200).text();
        assert!(first.contains("Bulk Person 00") && !first.contains("Bulk Person 25") && first.contains("Next page"));
        let second = page(&app, &cookie, "/office/clients?q=hx1&page=2").await.expect(200).text();
        assert!(second.contains("Bulk Person 25") && !second.contains("Next page") && second.contains("Previous page"));
        page(&app, &cookie, "/office/clients?page=0").await.expect(422);
    }

    async fn a_refused_client_form_keeps_what_was_typed(app: TestApp) {
        let id = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
        let cookie = stores(&app).await;
        let html = page(&app, &cookie, "/office/clients").await.expect(200).text();
        let csrf = page_csrf(&html);
        let r = post_form(&app, &cookie, "/office/clients", &client_form(&csrf, "SC-2", "Winifred Bell", "not a postcode", "")).await.expect(422);
        let html = r.text();
        assert!(html.contains("is not a postcode"), "{html}");
        assert!(html.contains("value=\"Winifred Bell\"") && html.contains("value=\"not a postcode\"") && html.contains("4 Mill Lane, Leeds"));
        // A reference already taken is refused in words, the form kept.
        let r = post_form(&app, &cookie, "/office/clients", &client_form(&csrf, "SC-1", "Winifred Bell", "LS6 3CD", "")).await.expect(409);
        assert!(r.text().contains("already exists") && r.text().contains("value=\"LS6 3CD\""));
        // Good: to the client's page.
        let r = post_form(&app, &cookie, "/office/clients", &client_form(&csrf, "SC-2", "Winifred Bell", "ls63cd", "")).await.expect(303);
        let at = r.location.clone().unwrap();
        let html = page(&app, &cookie, &at).await.expect(200).text();
        assert!(html.contains("Winifred Bell") && html.contains("LS6 3CD"));

        // An edit with the name emptied is refused; the new phone typed beside it stays.
        let path = format!("/office/clients/{id}");
        let r = post_form(&app, &cookie, &path, &client_form(&csrf, "SC-1", "", "LS6 2AB", "07700 900123")).await.expect(422);
        assert!(r.text().contains("name") && r.text().contains("value=\"07700 900123\""));
        let r = post_form(&app, &cookie, &path, &client_form(&csrf, "SC-1", "Margaret Oduya", "LS6 2AB", "07700 900123")).await.expect(200);
        assert!(r.text().contains("Saved."));
        let api = app.get(&format!("/api/v1/clients/{id}"), &app.admin).await.expect(200).json();
        assert_eq!(api["phone"], "07700 900123");
        // An empty phone clears it; a form without its token is refused.
        post_form(&app, &cookie, &path, &client_form(&csrf, "SC-1", "Margaret Oduya", "LS6 2AB", "")).await.expect(200);
        let api = app.get(&format!("/api/v1/clients/{id}"), &app.admin).await.expect(200).json();
        assert!(api["phone"].is_null());
        post_form(&app, &cookie, &path, &client_form("x", "SC-1", "Margaret Oduya", "LS6 2AB", "")).await.expect(403);
    }

    async fn a_viewer_reads_clients_without_forms_and_a_worker_may_not_receive(app: TestApp) {
        let id = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
        let (_, _, viewer) = app.staff_with_password("viewer", Some(PASSWORD));
        let (cookie, _) = sign_in(&app, &viewer, "/office/clients").await;
        let list = page(&app, &cookie, "/office/clients?q=ls6").await.expect(200).text();
        assert!(list.contains("Margaret Oduya") && !list.contains("method=\"post\" action=\"/office/clients\"") && !list.contains("Add a client"));
        let one = page(&app, &cookie, &format!("/office/clients/{id}")).await.expect(200).text();
        assert!(one.contains("LS6 2AB") && !one.contains("Save the details") && !one.contains("/erase"));
        let csrf = page_csrf(&one);
        post_form(&app, &cookie, "/office/clients", &client_form(&csrf, "SC-9", "Someone", "LS6 2AB", "")).await.expect(403);
        post_form(&app, &cookie, &format!("/office/clients/{id}"), &client_form(&csrf, "SC-1", "Changed", "LS6 2AB", "")).await.expect(403);
        page(&app, &cookie, &format!("/office/clients/{id}/erase")).await.expect(403);
        page(&app, &cookie, "/office/receive").await.expect(403);
        page(&app, &cookie, "/office/clients/999999").await.expect(404);

        let (_, _, worker) = app.staff_with_password("worker", Some(PASSWORD));
        let (cookie, _) = sign_in(&app, &worker, "/office/receive").await;
        page(&app, &cookie, "/office/receive").await.expect(403);
        let csrf = page_csrf(&page(&app, &cookie, "/scan").await.expect(200).text());
        post_form(&app, &cookie, "/office/receive", &[("csrf", &csrf), ("type", "FRAME-WALKING"), ("count", "2"), ("serials", ""), ("batch", ""), ("location_id", "")]).await.expect(403);
        page(&app, &cookie, "/office/clients/suggest?q=sc").await.expect(403);
    }

    async fn stores_receive_by_count_or_serials_all_or_nothing(app: TestApp) {
        app.frame_type().await;
        let cookie = stores(&app).await;
        let html = page(&app, &cookie, "/office/receive").await.expect(200).text();
        assert!(html.contains("FRAME-WALKING"));
        let csrf = page_csrf(&html);
        let post = |count: &'static str, serials: &'static str| {
            let (cookie, csrf) = (cookie.clone(), csrf.clone());
            let app = &app;
            async move {
                post_form(app, &cookie, "/office/receive", &[("csrf", &csrf), ("type", "FRAME-WALKING"), ("count", count), ("serials", serials), ("batch", "B-7"), ("location_id", "")]).await
            }
        };
        let r = post("2", "").await.expect(200).text();
        assert!(r.contains("Received 2 items") && r.contains("/desk/labels.pdf?tags=EQ-000001&amp;tags=EQ-000002\""), "{r}");
        // Refused, nothing is created and what was typed stays.
        let r = post("", "FR-1\r\nFR-2\r\nFR-1").await.expect(422).text();
        assert!(r.contains("listed twice") && r.contains("FR-1\r\nFR-2\r\nFR-1</textarea>") || r.contains("FR-1\nFR-2\nFR-1</textarea>"), "{r}");
        post("3", "FR-1").await.expect(422);
        post("", "").await.expect(422);
        post("many", "").await.expect(422);
        let r = post("", "FR-1\r\n\r\nFR-2\r\n").await.expect(200).text();
        assert!(r.contains("Received 2 items") && r.contains("EQ-000003") && r.contains("FR-2"));
        let items = app.get("/api/v1/items?per_page=10", &app.admin).await.expect(200).json();
        assert_eq!(items["total"], 4);
        assert_eq!(items["items"][3]["serial_number"], "FR-2");
        assert_eq!(items["items"][3]["batch"], "B-7");
        let pdf = page(&app, &cookie, "/desk/labels.pdf?tags=EQ-000003&tags=EQ-000004").await.expect(200);
        assert_eq!(pdf.content_type, "application/pdf");
    }

    async fn the_desk_takes_a_client_by_reference_and_a_worker_by_email_as_its_search_boxes_offer(app: TestApp) {
        app.frame_type().await;
        app.item("FRAME-WALKING", json!({})).await;
        let client = app.client_person("SC-77", "Harold Finch", "LS1 4AP").await;
        let (worker, _, email) = app.staff_with_password("worker", Some(PASSWORD));
        let (_, _, viewer) = app.staff_with_password("viewer", Some(PASSWORD));
        let cookie = stores(&app).await;
        let desk = page(&app, &cookie, "/desk").await.expect(200).text();
        assert!(desk.contains("data-suggest=\"/office/clients/suggest\"") && !desk.contains("id=\"client_id\""));
        assert!(desk.contains("data-suggest=\"/office/staff/suggest\"") && !desk.contains("<select id=\"worker"), "{desk}");
        let offered = page(&app, &cookie, "/office/clients/suggest?q=finch").await.expect(200).json();
        assert_eq!(offered, json!([{"value": "SC-77", "label": "Harold Finch, LS1 4AP"}]));
        let csrf = page_csrf(&desk);
        let issue = |client: &'static str, worker: String| {
            let (cookie, csrf) = (cookie.clone(), csrf.clone());
            let app = &app;
            async move {
                post_form(app, &cookie, "/desk/move", &[("csrf", &csrf), ("mode", "issue"), ("client", client), ("worker", &worker), ("method", ""), ("code", "EQ-000001")]).await
            }
        };
        let r = issue("sc-99", email.clone()).await.expect(422);
        assert!(r.text().contains("no client has the reference") && r.text().contains("value=\"sc-99\""));
        // A worker the box would not offer: refused in words, everything typed kept.
        for (typed, why) in [("nobody@test.example", "no active worker with that email"), (viewer.as_str(), "a viewer cannot be responsible")] {
            let r = issue("SC-77", typed.to_string()).await.expect(422).text();
            assert!(r.contains("no active worker with that email") && r.contains(why), "{r}");
            assert!(r.contains(&format!("value=\"{typed}\"")) && r.contains("value=\"SC-77\""), "{r}");
        }
        let item = app.get("/api/v1/items/EQ-000001", &app.admin).await.expect(200).json();
        assert_eq!(item["status"], "in_store", "nothing issued");
        issue(" sc-77 ", format!(" {} ", email.to_uppercase())).await.expect(200);
        let item = app.get("/api/v1/items/EQ-000001", &app.admin).await.expect(200).json();
        assert_eq!(item["client"]["id"], client);
        assert_eq!(item["worker"]["id"], worker);
    }

    async fn the_worker_box_offers_active_staff_who_may_be_responsible_by_name_or_email(app: TestApp) {
        let account = |email: &'static str, name: &'static str, role: &'static str| {
            app.db
                .write(move |c| equiptrack::service::staff::create_account(c, email, name, role, Some(PASSWORD)))
                .expect("account")
                .id
        };
        account("k.mensah@test.example", "Kofi Mensah", "worker");
        account("stores.lead@test.example", "Ama Mensah", "stores");
        account("watcher@test.example", "Kwame Mensah", "viewer");
        let gone = account("old.hand@test.example", "Yaw Mensah", "worker");
        account("zed@mensah-care.example", "Zed Okafor", "worker");
        app.patch(&format!("/api/v1/staff/{gone}"), &app.admin, json!({"active": false})).await.expect(200);
        let cookie = stores(&app).await;
        let offered = |q: &'static str| {
            let (cookie, app) = (cookie.clone(), &app);
            async move {
                let found = page(app, &cookie, &format!("/office/staff/suggest?q={q}")).await.expect(200).json();
                found.as_array().unwrap().iter().map(|s| s["value"].as_str().unwrap().to_string()).collect::<Vec<_>>()
            }
        };
        // By name, any case, ordered by name; by email; never the viewer or whoever has left.
        assert_eq!(offered("mENSAH").await, ["stores.lead@test.example", "k.mensah@test.example", "zed@mensah-care.example"]);
        assert_eq!(offered("kofi").await, ["k.mensah@test.example"]);
        assert_eq!(offered("MENSAH-CARE").await, ["zed@mensah-care.example"]);
        assert!(offered("watcher").await.is_empty() && offered("old.hand").await.is_empty());
        assert!(offered("%25").await.is_empty(), "a wildcard is a character");
        assert!(offered("").await.is_empty());
        let one = page(&app, &cookie, "/office/staff/suggest?q=kofi").await.expect(200).json();
        assert_eq!(one, json!([{"value": "k.mensah@test.example", "label": "Kofi Mensah (worker)"}]));

        for role in ["viewer", "worker"] {
            let (_, _, email) = app.staff_with_password(role, Some(PASSWORD));
            let (cookie, _) = sign_in(&app, &email, "/scan").await;
            page(&app, &cookie, "/office/staff/suggest?q=mensah").await.expect(403);
        }
        let anon = app.request("GET", "/office/staff/suggest?q=mensah", None, None).await;
        assert_eq!(anon.status, 303, "sign in first");
    }

    async fn a_clients_page_shows_what_they_hold_and_held_and_an_admin_erases_after_confirming(app: TestApp) {
        app.frame_type().await;
        app.item("FRAME-WALKING", json!({})).await;
        app.item("FRAME-WALKING", json!({})).await;
        let client = app.client_person("SC-5", "Tobias Grey", "LS2 9JT").await;
        let (worker, _, _) = app.staff_with_password("worker", Some(PASSWORD));
        for tag in ["EQ-000001", "EQ-000002"] {
            app.post(&format!("/api/v1/items/{tag}/issue"), &app.admin, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        }
        let cookie = stores(&app).await;
        let path = format!("/office/clients/{client}");
        let html = page(&app, &cookie, &path).await.expect(200).text();
        let now = html.split("Held before").collect::<Vec<_>>();
        assert!(now[0].contains("href=\"/s/EQ-000001\"") && now[0].contains("href=\"/s/EQ-000002\""));
        assert!(!html.contains("/erase"), "stores may not erase");

        app.post("/api/v1/items/EQ-000002/return", &app.admin, json!({})).await.expect(200);
        let html = page(&app, &cookie, &path).await.expect(200).text();
        let parts = html.split("Held before").collect::<Vec<_>>();
        assert!(parts[0].contains("EQ-000001") && !parts[0].contains("EQ-000002"));
        assert!(parts[1].contains("href=\"/s/EQ-000002\""), "{html}");

        let (_, _, admin) = app.staff_with_password("admin", Some(PASSWORD));
        let (cookie, _) = sign_in(&app, &admin, &path).await;
        let confirm = page(&app, &cookie, &format!("{path}/erase")).await.expect(200).text();
        assert!(confirm.contains("cannot be undone"));
        let csrf = page_csrf(&confirm);
        // Still holding an item: refused in words, nothing erased.
        let r = post_form(&app, &cookie, &format!("{path}/erase"), &[("csrf", &csrf)]).await.expect(409);
        assert!(r.text().contains("still holds equipment"));
        app.post("/api/v1/items/EQ-000001/return", &app.admin, json!({})).await.expect(200);
        let r = post_form(&app, &cookie, &format!("{path}/erase"), &[("csrf", &csrf)]).await.expect(200).text();
        assert!(r.contains("Erased.") && !r.contains("Tobias Grey") && !r.contains("LS2 9JT"));
        let api = app.get(&format!("/api/v1/clients/{client}"), &app.admin).await.expect(200).json();
        assert_eq!(api["erased"], true);
    }
}

/// With 100,000 clients each search answers quickly: reference and postcode by index, the
/// name by a scan that stops at a page's worth. Slow to set up, so run on demand:
/// `cargo test --test api -- --ignored office::searching_100000_clients --nocapture`.
#[actix_web::test]
#[ignore]
async fn searching_100000_clients_stays_fast() {
    use diesel::RunQueryDsl;
    use std::time::Instant;
    let app = TestApp::spawn(crate::support::Backend::Sqlite).await.unwrap();
    app.db
        .write(|c| {
            Ok(diesel::sql_query(
                "INSERT INTO clients (reference, name, address, postcode, created_at, updated_at) \
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) \
                 SELECT 'REF-' || i, 'Person ' || i, i || ' Long Road', \
                        'LS' || (i % 30) || ' ' || (i % 9) || 'AB', '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM n",
            )
            .execute(c)?)
        })
        .unwrap();
    let cookie = stores(&app).await;
    for (q, expect) in [
        ("", "Person 1<"),
        ("ref-9999", "REF-99990"),
        ("ls29 ", "LS29"),
        ("person 9999", "Person 99990"),
        ("person 100000", "Person 100000"),
        ("nobody", "No client matches"),
    ] {
        let path = format!("/office/clients?q={}&page=2", q.replace(' ', "+"));
        let path = if q.is_empty() {
            "/office/clients".to_string()
        } else {
            path.replace("&page=2", "")
        };
        let started = Instant::now();
        let html = page(&app, &cookie, &path).await.expect(200).text();
        let took = started.elapsed();
        eprintln!("{path}: {} ms", took.as_millis());
        assert!(html.contains(expect), "{q}: {expect}");
        assert!(took.as_millis() < 300, "{q} took {took:?}");
    }
}
