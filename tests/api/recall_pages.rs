//! The office's recalls pages (issue 13, point 5) over plain HTTP as a browser posts them: a
//! preview of the affected items that writes nothing, the recall opened only on confirmation,
//! its progress followed and each item resolved; who sees which form.

use serde_json::json;

use crate::pages::{PASSWORD, page, page_csrf, post_form, sign_in};
use crate::support::TestApp;

/// Five stairlifts SN8..SN12 (EQ-000001..EQ-000005); SN10 (EQ-000003) fitted in Margaret's home.
pub(crate) async fn stairlifts(app: &TestApp) {
    app.stairlift_type().await;
    let (worker, worker_token) = app.user_with_id("worker");
    let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
    for serial in ["SN8", "SN9", "SN10", "SN11", "SN12"] {
        app.item("STAIRLIFT-STRAIGHT", json!({"serial_number": serial}))
            .await;
    }
    app.post(
        "/api/v1/items/EQ-000003/issue",
        &app.admin,
        json!({"client_id": client, "worker_id": worker}),
    )
    .await
    .expect(200);
    app.post("/api/v1/items/EQ-000003/fit", &worker_token, json!({}))
        .await
        .expect(200);
}

/// The open-a-recall form as a browser sends it, every field, empty ones too.
fn recall_form<'a>(csrf: &'a str, type_code: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("reference", "FSN-2026-041"),
        ("title", "Carriage bolt may shear"),
        ("type", type_code),
        ("serial_from", "SN9"),
        ("serial_to", "SN11"),
        ("batch", ""),
    ]
}

async fn signed_in(app: &TestApp, role: &str) -> String {
    let (_, _, email) = app.staff_with_password(role, Some(PASSWORD));
    sign_in(app, &email, "/scan").await.0
}

both_backends! {
    async fn a_recall_is_previewed_without_writing_then_opened_on_confirmation_and_resolved_item_by_item(app: TestApp) {
        stairlifts(&app).await;
        let cookie = signed_in(&app, "stores").await;
        let html = page(&app, &cookie, "/office/recalls").await.expect(200).text();
        assert!(html.contains("No recalls recorded") && html.contains("id=\"new-recall\""), "{html}");
        let csrf = page_csrf(&html);

        let preview = post_form(&app, &cookie, "/office/recalls", &recall_form(&csrf, "STAIRLIFT-STRAIGHT")).await.expect(200).text();
        assert!(preview.contains("3 items are affected"), "{preview}");
        for tag in ["EQ-000002", "EQ-000003", "EQ-000004"] {
            assert!(preview.contains(tag), "{tag} listed: {preview}");
        }
        for tag in ["EQ-000001", "EQ-000005"] {
            assert!(!preview.contains(tag), "{tag} not affected: {preview}");
        }
        assert!(preview.contains("Client SC-1, LS6 2AB") && !preview.contains("Margaret Oduya"), "references, not names: {preview}");
        assert!(preview.contains("name=\"confirm\" value=\"1\"") && preview.contains("Confirm and open the recall"), "{preview}");
        assert!(preview.contains("name=\"serial_from\" value=\"SN9\""), "the same fields again: {preview}");
        // Nothing written: no recall, the stock still in store.
        let none = app.get("/api/v1/recalls", &app.admin).await.expect(200).json();
        assert_eq!(none["total"], 0);
        let shelf = app.get("/api/v1/items/EQ-000002", &app.admin).await.expect(200).json();
        assert_eq!(shelf["status"], "in_store");

        let mut confirm = recall_form(&csrf, "STAIRLIFT-STRAIGHT");
        confirm.push(("confirm", "1"));
        let opened = post_form(&app, &cookie, "/office/recalls", &confirm).await.expect(303);
        let listed = app.get("/api/v1/recalls", &app.admin).await.expect(200).json();
        assert_eq!(listed["total"], 1);
        let id = listed["items"][0]["id"].as_i64().unwrap();
        assert_eq!(opened.location.as_deref(), Some(format!("/office/recalls/{id}?done=opened").as_str()));
        let shelf = app.get("/api/v1/items/EQ-000002", &app.admin).await.expect(200).json();
        assert_eq!(shelf["status"], "quarantined", "opened through the API's service");
        // The same reference again: refused, not a second recall.
        let twice = post_form(&app, &cookie, "/office/recalls", &confirm).await.expect(409).text();
        assert!(twice.contains("already recorded"), "{twice}");

        let path = format!("/office/recalls/{id}");
        let html = page(&app, &cookie, &path).await.expect(200).text();
        assert!(html.contains("0 of 3 resolved") && html.contains("Client SC-1, LS6 2AB"), "{html}");
        assert!(!html.contains("Margaret Oduya"), "{html}");
        assert_eq!(html.matches("Resolve</button>").count(), 3, "{html}");

        // No outcome: refused beside that item's form, notes kept, nothing resolved.
        let resolve = format!("{path}/items/EQ-000002/resolve");
        let refused = post_form(&app, &cookie, &resolve, &[("csrf", &csrf), ("outcome", ""), ("notes", "checked bolt")]).await.expect(422).text();
        assert!(refused.contains("Not saved: outcome") && refused.contains("value=\"checked bolt\""), "{refused}");
        post_form(&app, &cookie, &resolve, &[("csrf", &csrf), ("outcome", "safe"), ("notes", "checked bolt")]).await.expect(303);
        let html = page(&app, &cookie, &path).await.expect(200).text();
        assert!(html.contains("1 of 3 resolved") && html.contains("Found safe"), "{html}");
        assert_eq!(html.matches("Resolve</button>").count(), 2, "{html}");
        let api = app.get(&format!("/api/v1/recalls/{id}"), &app.admin).await.expect(200).json();
        assert_eq!(api["unresolved"], 2);
        let back = app.get("/api/v1/items/EQ-000002", &app.admin).await.expect(200).json();
        assert_eq!(back["status"], "in_store", "found safe: back in store");
        post_form(&app, &cookie, &resolve, &[("csrf", &csrf), ("outcome", "safe"), ("notes", "")]).await.expect(409);
        post_form(&app, &cookie, &format!("{path}/items/EQ-000001/resolve"), &[("csrf", &csrf), ("outcome", "safe")]).await.expect(404);

        let list = page(&app, &cookie, "/office/recalls").await.expect(200).text();
        assert!(list.contains("FSN-2026-041") && list.contains("1 of 3 resolved") && list.contains("Open"), "{list}");
        page(&app, &cookie, "/office/recalls/99999").await.expect(404);
        page(&app, &cookie, "/office/recalls/abc").await.expect(404);
        post_form(&app, &cookie, "/office/recalls", &recall_form(&"0".repeat(64), "STAIRLIFT-STRAIGHT")).await.expect(403);
    }

    async fn a_refused_recall_form_keeps_what_was_typed(app: TestApp) {
        stairlifts(&app).await;
        let cookie = signed_in(&app, "stores").await;
        let csrf = page_csrf(&page(&app, &cookie, "/office/recalls").await.expect(200).text());
        let refused = post_form(&app, &cookie, "/office/recalls", &recall_form(&csrf, "")).await.expect(422).text();
        assert!(refused.contains("Not saved: equipment type: is required"), "{refused}");
        for kept in ["value=\"FSN-2026-041\"", "value=\"Carriage bolt may shear\"", "value=\"SN9\"", "value=\"SN11\""] {
            assert!(refused.contains(kept), "{kept} kept: {refused}");
        }
        let none = app.get("/api/v1/recalls", &app.admin).await.expect(200).json();
        assert_eq!(none["total"], 0);
        // A range that cannot be: said in the form's words.
        let mut backwards = recall_form(&csrf, "STAIRLIFT-STRAIGHT");
        backwards[5] = ("serial_to", "SN1");
        let refused = post_form(&app, &cookie, "/office/recalls", &backwards).await.expect(422).text();
        assert!(refused.contains("Not saved: first serial: ") && refused.contains("value=\"SN1\""), "{refused}");
    }

    async fn viewers_read_recalls_without_forms_and_workers_are_refused(app: TestApp) {
        stairlifts(&app).await;
        let r = app.post("/api/v1/recalls", &app.admin, json!({
            "reference": "FSN-1", "title": "Bolt", "type": "STAIRLIFT-STRAIGHT", "serial_from": "SN9", "serial_to": "SN11"
        })).await.expect(201).json();
        let path = format!("/office/recalls/{}", r["id"]);
        app.post("/api/v1/recalls", &app.admin, json!({
            "reference": "FSN-2", "title": "Later", "type": "STAIRLIFT-STRAIGHT", "batch": "none of ours"
        })).await.expect(201);
        for (role, status) in [("admin", 200), ("stores", 200), ("viewer", 200), ("worker", 403)] {
            assert_eq!(status == 200, ["admin", "stores", "viewer"].contains(&role));
            let cookie = signed_in(&app, role).await;
            let list = page(&app, &cookie, "/office/recalls").await.expect(status).text();
            let one = page(&app, &cookie, &path).await.expect(status).text();
            let scan = page(&app, &cookie, "/scan").await.expect(200).text();
            assert_eq!(scan.contains("href=\"/office/recalls\""), status == 200, "{role}'s navigation");
            if status != 200 {
                continue;
            }
            let manages = role != "viewer";
            assert!(list.contains("FSN-1") && one.contains("0 of 3 resolved"), "{role}: {one}");
            assert!(list.find("FSN-2").unwrap() < list.find("FSN-1").unwrap(), "newest first: {list}");
            assert!(list.contains("0 of 0 resolved") && list.contains("Resolved"), "nothing of ours: closed at once: {list}");
            assert_eq!(list.contains("id=\"new-recall\""), manages, "{role}: {list}");
            assert_eq!(one.contains("Resolve</button>"), manages, "{role}: {one}");
            if !manages {
                let csrf = page_csrf(&scan);
                post_form(&app, &cookie, "/office/recalls", &recall_form(&csrf, "STAIRLIFT-STRAIGHT")).await.expect(403);
                post_form(&app, &cookie, &format!("{path}/items/EQ-000002/resolve"), &[("csrf", &csrf), ("outcome", "safe")]).await.expect(403);
            }
        }
        let anon = app.request("GET", "/office/recalls", None, None).await;
        assert_eq!(anon.status, 303, "sign in first");
    }

    async fn the_recalls_list_pages_newest_first(app: TestApp) {
        app.stairlift_type().await;
        for n in 1..=26 {
            app.post("/api/v1/recalls", &app.admin, json!({
                "reference": format!("FSN-{n:02}"), "title": "Bolt", "type": "STAIRLIFT-STRAIGHT", "batch": "none of ours"
            })).await.expect(201);
        }
        let cookie = signed_in(&app, "viewer").await;
        let first = page(&app, &cookie, "/office/recalls").await.expect(200).text();
        assert!(first.contains("Page 1 of 2") && first.contains("href=\"/office/recalls?page=2\""), "{first}");
        assert!(first.find(">FSN-26<").unwrap() < first.find(">FSN-02<").unwrap(), "newest first: {first}");
        assert!(!first.contains(">FSN-01<"), "{first}");
        let second = page(&app, &cookie, "/office/recalls?page=2").await.expect(200).text();
        assert!(second.contains("Page 2 of 2") && second.contains("href=\"/office/recalls?page=1\""), "{second}");
        assert!(second.contains(">FSN-01<") && !second.contains(">FSN-02<"), "{second}");
        let past = page(&app, &cookie, "/office/recalls?page=3").await.expect(200).text();
        assert!(past.contains("No recalls on this page"), "{past}");
        page(&app, &cookie, "/office/recalls?page=0").await.expect(422);
    }
}
