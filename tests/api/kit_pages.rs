//! A kit's moves and history from its phone page over plain HTTP, as a browser posts the
//! forms (every field sent, empty when left blank): CSRF, who may make which move, a refusal
//! naming its member, and the history a page at a time. In a real browser: `browser_kits.rs`.

use serde_json::json;

use crate::pages::{PASSWORD, page, page_csrf, post_form, sign_in};
use crate::support::TestApp;

async fn statuses(app: &TestApp) -> Vec<String> {
    let kit = app
        .get("/api/v1/kits/KIT-000001", &app.admin)
        .await
        .expect(200)
        .json();
    kit["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["item"]["status"].as_str().unwrap().to_string())
        .collect()
}

/// The hand-over fields as a browser sends them when left blank (the checkboxes unsent).
const BLANK_HANDOVER: [(&str, &str); 4] = [
    ("handover_name", ""),
    ("handover_relation", ""),
    ("handover_signature_png", ""),
    ("handover_no_signature_reason", ""),
];

/// The text of a PDF's compressed page streams, where each label's lines are `(…) Tj`.
fn page_text(pdf: &[u8]) -> String {
    let mut text = String::new();
    let mut rest = pdf;
    while let Some(at) = rest.windows(7).position(|w| w == b"stream\n") {
        let body = &rest[at + 7..];
        let end = body
            .windows(9)
            .position(|w| w == b"endstream")
            .unwrap_or(body.len());
        if let Ok(plain) = miniz_oxide::inflate::decompress_to_vec_zlib(&body[..end]) {
            text.push_str(&String::from_utf8_lossy(&plain));
        }
        rest = &body[(end + 9).min(body.len())..];
    }
    text
}

both_backends! {
    async fn a_kit_moves_from_its_page_only_with_the_forms_token_and_for_those_allowed(app: TestApp) {
        app.stairlift_type().await;
        let client = app.client_person("K-2", "Ada Marsh", "LS7 1AA").await;
        let (_, _, worker_email) = app.staff_with_password("worker", Some(PASSWORD));
        let (_, _, stores_email) = app.staff_with_password("stores", Some(PASSWORD));
        for _ in 0..2 {
            app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        }
        app.post("/api/v1/kits", &app.admin, json!({"name": "Lift and sling", "members": ["EQ-000001", "EQ-000002"]}))
            .await.expect(201);

        // A worker is not offered the issue, and posting it is refused: nothing moves.
        let (worker, _) = sign_in(&app, &worker_email, "/scan").await;
        let html = page(&app, &worker, "/s/KIT-000001").await.expect(200).text();
        assert!(!html.contains("action=\"/s/KIT-000001/issue\""), "a worker may not issue");
        assert!(html.contains("href=\"/s/KIT-000001/history\""));
        let worker_csrf = page_csrf(&html);
        let r = post_form(&app, &worker, "/s/KIT-000001/issue",
            &[("csrf", &worker_csrf), ("version", "1"), ("client", "K-2"), ("worker", &worker_email), ("notes", "")]).await.expect(403);
        assert!(r.text().contains("KIT-000001"), "the kit's page again, saying why");
        assert_eq!(statuses(&app).await, ["in_store", "in_store"]);

        // Stores are offered it; without the form's token nothing moves.
        let (stores, _) = sign_in(&app, &stores_email, "/scan").await;
        let html = page(&app, &stores, "/s/KIT-000001").await.expect(200).text();
        assert!(html.contains("action=\"/s/KIT-000001/issue\""), "{html}");
        let csrf = page_csrf(&html);
        let issue = |token: &str| vec![("csrf".to_string(), token.to_string()), ("version".into(), "1".into()),
            ("client".into(), "K-2".into()), ("worker".into(), worker_email.clone()), ("notes".into(), String::new())];
        let pairs = issue(&"0".repeat(64));
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        post_form(&app, &stores, "/s/KIT-000001/issue", &pairs).await.expect(403);
        assert_eq!(statuses(&app).await, ["in_store", "in_store"]);
        // Nor with another person's token.
        let pairs = issue(&worker_csrf);
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        post_form(&app, &stores, "/s/KIT-000001/issue", &pairs).await.expect(403);
        // A move a kit has not: no such page.
        post_form(&app, &stores, "/s/KIT-000001/condemn", &[("csrf", &csrf)]).await.expect(404);
        // A client that is not there: the page again naming the field, nothing moved.
        let r = post_form(&app, &stores, "/s/KIT-000001/issue",
            &[("csrf", &csrf), ("version", "1"), ("client", "NOBODY-9"), ("worker", ""), ("notes", "")]).await.expect(422);
        assert!(r.text().contains("NOBODY-9"), "what was typed is kept");
        assert_eq!(statuses(&app).await, ["in_store", "in_store"]);

        let pairs = issue(&csrf);
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = post_form(&app, &stores, "/s/KIT-000001/issue", &pairs).await.expect(303);
        assert_eq!(r.location.as_deref(), Some("/s/KIT-000001?done=issue"));
        assert_eq!(statuses(&app).await, ["issued", "issued"]);
        let item = app.get("/api/v1/items/EQ-000001", &app.admin).await.expect(200).json();
        assert_eq!(item["client"]["id"], client);
        assert_eq!(item["worker"]["email"], worker_email.as_str());

        // The worker fits it, every field as a browser sends it, the hand-over left blank.
        let html = page(&app, &worker, "/s/KIT-000001").await.expect(200).text();
        assert!(html.contains("action=\"/s/KIT-000001/fit\""), "{html}");
        // A hand-over half filled in: refused in the form's words, nothing moved.
        let half = [("csrf", worker_csrf.as_str()), ("version", "2"), ("fitted_at", ""), ("notes", ""),
            ("handover_name", "Ada Marsh"), ("handover_relation", ""), ("handover_signature_png", ""),
            ("handover_no_signature_reason", "")];
        let text = post_form(&app, &worker, "/s/KIT-000001/fit", &half).await.expect(422).text();
        assert!(text.contains("Hand-over, relation to the client: is required"), "{text}");
        assert!(!text.contains("handover."), "no field path shown: {text}");
        assert_eq!(statuses(&app).await, ["issued", "issued"]);
        let mut fit = vec![("csrf", worker_csrf.as_str()), ("version", "2"), ("fitted_at", ""), ("notes", "")];
        fit.extend(BLANK_HANDOVER);
        let r = post_form(&app, &worker, "/s/KIT-000001/fit", &fit).await.expect(303);
        assert_eq!(r.location.as_deref(), Some("/s/KIT-000001?done=fit"));
        assert_eq!(statuses(&app).await, ["in_use", "in_use"]);
        // The kit's version moved on: the same form again is stale.
        let r = post_form(&app, &worker, "/s/KIT-000001/fit", &fit).await.expect(409);
        assert!(r.text().contains("Not recorded"));

        // Collected with one member ticked missing.
        let mut collect = vec![("csrf", worker_csrf.as_str()), ("version", "3"), ("missing", "EQ-000002"), ("notes", "")];
        collect.extend(BLANK_HANDOVER);
        post_form(&app, &worker, "/s/KIT-000001/return", &collect).await.expect(303);
        assert_eq!(statuses(&app).await, ["awaiting_decontamination", "in_use"]);
        let missing = app.get("/api/v1/items/EQ-000002", &app.admin).await.expect(200).json();
        assert_eq!(missing["client"]["id"], client);
        let done = page(&app, &worker, "/s/KIT-000001?done=return").await.expect(200).text();
        assert!(done.contains("Collection recorded") && done.contains("EQ-000002 missing at the collection"), "{done}");
        assert!(!done.contains("Print the kit's label"), "a worker prints no labels");

        // The desk's label sheet prints the kit's own label among items', in the order asked.
        let kit_page = page(&app, &stores, "/s/KIT-000001").await.expect(200).text();
        assert!(kit_page.contains("href=\"/desk/labels.pdf?tags=KIT-000001\""), "{kit_page}");
        let r = page(&app, &stores, "/desk/labels.pdf?tags=EQ-000002&tags=KIT-000001").await.expect(200);
        assert_eq!(r.content_type, "application/pdf");
        let pdf = page_text(&r.body);
        let (item_at, kit_at) = (pdf.find("(EQ-000002) Tj").expect("the item's label"), pdf.find("(KIT-000001) Tj").expect("the kit's label"));
        assert!(item_at < kit_at && pdf.contains("(Lift and sling) Tj"), "the kit's name where an item's type goes");
        page(&app, &stores, "/desk/labels.pdf?tags=KIT-000404").await.expect(404);
    }

    async fn a_kits_history_page_is_newest_first_a_page_at_a_time(app: TestApp) {
        app.frame_type().await;
        let (_, _, email) = app.staff_with_password("stores", Some(PASSWORD));
        for _ in 0..3 {
            app.item("FRAME-WALKING", json!({})).await;
        }
        app.post("/api/v1/kits", &app.admin, json!({"name": "Frames", "members": ["EQ-000001"]})).await.expect(201);
        // 1 made, 1 added, then 27 pairs of removals and additions: 56 entries, two pages.
        for n in 0..27 {
            let tag = if n % 2 == 0 { "EQ-000002" } else { "EQ-000003" };
            app.post("/api/v1/kits/KIT-000001/members", &app.admin, json!({"tag": tag})).await.expect(200);
            app.delete(&format!("/api/v1/kits/KIT-000001/members/{tag}"), &app.admin).await.expect(200);
        }
        let total = app.get("/api/v1/kits/KIT-000001/events", &app.admin).await.expect(200).json()["total"].as_i64().unwrap();
        assert_eq!(total, 56);
        let (cookie, _) = sign_in(&app, &email, "/scan").await;
        let first = page(&app, &cookie, "/s/KIT-000001/history").await.expect(200).text();
        assert!(first.contains("History of KIT-000001") && first.contains("Page 1 of 2"), "{first}");
        assert!(first.contains("href=\"/s/KIT-000001/history?page=2\""));
        assert!(first.contains("EQ-000002 removed") && !first.contains("Kit made"), "newest first");
        assert!(first.find("EQ-000003 removed").unwrap() < first.find("EQ-000003 added").unwrap());
        let second = page(&app, &cookie, "/s/KIT-000001/history?page=2").await.expect(200).text();
        assert!(second.contains("Kit made") && second.contains("Page 2 of 2"), "{second}");
        assert_eq!(second.matches("<li>").count(), 6, "{second}");
        let beyond = page(&app, &cookie, "/s/KIT-000001/history?page=3").await.expect(200).text();
        assert!(beyond.contains("There are only 2 pages"));
        page(&app, &cookie, "/s/KIT-000001/history?page=x").await.expect(422);
        page(&app, &cookie, "/s/KIT-000404/history").await.expect(404);
        // The kit's page keeps its newest 20 and links to the rest.
        let kit = page(&app, &cookie, "/s/KIT-000001").await.expect(200).text();
        assert!(kit.contains("href=\"/s/KIT-000001/history\"") && !kit.contains("Kit made"));
    }
}
