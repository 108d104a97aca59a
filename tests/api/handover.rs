//! Hand-over evidence (issue 15, point 5): who received an item at a fit or handed it over at
//! a collection, their signature drawn on the screen, shown in the history, served as a PNG
//! and printed on a delivery or collection note; refused when the signature is no PNG or
//! when there is neither a signature nor a reason; gone when the client is erased.

use std::io::Cursor;

use base64::Engine;
use image::{ImageBuffer, Rgba};
use serde_json::{Value, json};

use crate::evidence_pdfs::pdf_text;
use crate::pages::{PASSWORD, page, page_csrf, post_form, sign_in};
use crate::support::TestApp;

/// A signature as a canvas makes one: dark strokes on transparency.
fn signature_png() -> Vec<u8> {
    let mut img: ImageBuffer<Rgba<u8>, Vec<u8>> = ImageBuffer::from_pixel(300, 100, Rgba([0, 0, 0, 0]));
    for x in 20..280 {
        let y = 50 + ((x as f32 / 20.0).sin() * 30.0) as u32;
        for dy in 0..3 {
            img.put_pixel(x, y + dy, Rgba([0, 0, 0, 255]));
        }
    }
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A stairlift issued to a worker for client "Ann Lee": answers the client's id, the worker's
/// token and the worker's name.
async fn issued(app: &TestApp) -> (i64, String, String) {
    app.stairlift_type().await;
    app.item("STAIRLIFT-STRAIGHT", json!({"serial_number": "SL-4471"}))
        .await;
    let client = app.client_person("SC-7", "Ann Lee", "LS6 2AB").await;
    let (worker, token, email) = app.staff("worker");
    app.post(
        "/api/v1/items/EQ-000001/issue",
        &app.admin,
        json!({"client_id": client, "worker_id": worker}),
    )
    .await
    .expect(200);
    let name = email.split('@').next().unwrap().replace("worker", "worker ");
    (client, token, name)
}

/// The item's history through the API, oldest first.
async fn history(app: &TestApp) -> Vec<Value> {
    app.get("/api/v1/items/EQ-000001/events", &app.admin)
        .await
        .expect(200)
        .json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn event(app: &TestApp, action: &str) -> Value {
    history(app)
        .await
        .into_iter()
        .find(|e| e["action"] == action)
        .unwrap_or_else(|| panic!("an event {action}"))
}

both_backends! {
    async fn a_fit_with_a_signature_is_in_the_history_the_png_and_the_delivery_note(app: TestApp) {
        let (_, worker, worker_name) = issued(&app).await;
        let png = signature_png();
        app.post("/api/v1/items/EQ-000001/fit", &worker, json!({
            "handover": {
                "name": "Joan Lee", "relation": "family", "demonstrated": true, "leaflet_left": false,
                "signature_png": b64(&png)
            }
        })).await.expect(200);

        let fitted = event(&app, "fitted").await;
        let id = fitted["id"].as_i64().unwrap();
        let handover = &fitted["handover"];
        assert_eq!(handover["name"], "Joan Lee");
        assert_eq!(handover["relation"], "family");
        assert_eq!(handover["demonstrated"], true);
        assert_eq!(handover["leaflet_left"], false);
        assert_eq!(handover["erased"], false);
        assert!(handover["no_signature_reason"].is_null());
        let url = format!("/api/v1/events/{id}/signature.png");
        assert_eq!(handover["signature_url"], url.as_str());
        assert_eq!(fitted["note_url"], format!("/api/v1/events/{id}/note.pdf"));
        // The history carries a link, not the bytes.
        assert!(!fitted.to_string().contains(&b64(&png)[..40]));

        let served = app.get(&url, &worker).await.expect(200);
        assert_eq!(served.content_type, "image/png");
        assert_eq!(served.body, png, "the PNG as it was drawn");

        let note = app.get(&format!("/api/v1/events/{id}/note.pdf"), &worker).await.expect(200);
        let text = pdf_text(&app, &note);
        for wanted in [
            "Delivery note", "EQ-000001", "Straight stairlift", "SL-4471", "Ann Lee",
            "1 High Street, Leeds, LS6 2AB", worker_name.as_str(), "Joan Lee", "Family",
        ] {
            assert!(text.contains(wanted), "{wanted:?} is not on the note:\n{text}");
        }
        assert!(note.body.windows(14).any(|w| w == b"/Subtype /Imag"), "the signature is drawn as an image");

        // Viewers read the history, not the signature nor the note with the client's address.
        let viewer = app.user("viewer");
        app.get(&url, &viewer).await.expect(403);
        app.get(&format!("/api/v1/events/{id}/note.pdf"), &viewer).await.expect(403);
    }

    async fn a_collection_records_who_handed_it_over_and_prints_a_collection_note(app: TestApp) {
        let (_, worker, _) = issued(&app).await;
        app.post("/api/v1/items/EQ-000001/fit", &worker, json!({})).await.expect(200);
        let fitted = event(&app, "fitted").await;
        assert!(fitted["handover"].is_null(), "a fit may record no hand-over");
        app.get(&format!("/api/v1/events/{}/signature.png", fitted["id"]), &worker).await.expect(404);
        app.post("/api/v1/items/EQ-000001/return", &worker, json!({
            "handover": {
                "name": "Sam Carer", "relation": "carer", "demonstrated": false, "leaflet_left": false,
                "signature_png": "", "no_signature_reason": "left with the carer, client asleep"
            }
        })).await.expect(200);
        let returned = event(&app, "returned").await;
        assert_eq!(returned["handover"]["no_signature_reason"], "left with the carer, client asleep");
        assert!(returned["handover"]["signature_url"].is_null());
        let id = returned["id"].as_i64().unwrap();
        app.get(&format!("/api/v1/events/{id}/signature.png"), &worker).await.expect(404);
        let note = app.get(&format!("/api/v1/events/{id}/note.pdf"), &app.admin).await.expect(200);
        let text = pdf_text(&app, &note);
        for wanted in ["Collection note", "Sam Carer", "Carer", "left with the carer, client asleep", "Ann Lee"] {
            assert!(text.contains(wanted), "{wanted:?} is not on the note:\n{text}");
        }
        // An issue has no note; an unknown event is not found.
        let issue = event(&app, "issued").await["id"].as_i64().unwrap();
        app.get(&format!("/api/v1/events/{issue}/note.pdf"), &app.admin).await.expect(404);
        app.get("/api/v1/events/999999/note.pdf", &app.admin).await.expect(404);
        app.get("/api/v1/events/abc/signature.png", &app.admin).await.expect(404);
    }

    async fn a_signature_that_is_no_png_or_neither_signature_nor_reason_is_refused(app: TestApp) {
        let (_, worker, _) = issued(&app).await;
        let handover = |extra: Value| {
            let mut h = json!({"name": "Joan Lee", "relation": "family", "demonstrated": true, "leaflet_left": true});
            for (k, v) in extra.as_object().unwrap() {
                h[k] = v.clone();
            }
            json!({ "handover": h })
        };
        let field = |reply: crate::support::Reply| -> Vec<String> {
            reply.expect(422).json()["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["field"].as_str().unwrap().to_string())
                .collect()
        };
        for bad in [
            json!({"signature_png": b64(b"GIF89a not a png at all")}),
            json!({"signature_png": "%%% not base64"}),
            json!({}),
            json!({"signature_png": "", "no_signature_reason": "  "}),
        ] {
            let reply = app.post("/api/v1/items/EQ-000001/fit", &worker, handover(bad.clone())).await;
            assert_eq!(field(reply), ["handover.signature_png"], "{bad}");
        }
        // Too many pixels, though a real PNG.
        let wide: ImageBuffer<Rgba<u8>, Vec<u8>> = ImageBuffer::from_pixel(2500, 10, Rgba([0, 0, 0, 255]));
        let mut out = Cursor::new(Vec::new());
        wide.write_to(&mut out, image::ImageFormat::Png).unwrap();
        let reply = app
            .post("/api/v1/items/EQ-000001/fit", &worker, handover(json!({"signature_png": b64(&out.into_inner())})))
            .await;
        assert_eq!(field(reply), ["handover.signature_png"]);
        let reply = app
            .post("/api/v1/items/EQ-000001/fit", &worker, json!({"handover": {"relation": "neighbour"}}))
            .await;
        assert_eq!(
            field(reply),
            ["handover.name", "handover.relation", "handover.demonstrated", "handover.leaflet_left", "handover.signature_png"]
        );
        // Nothing was written: the item is still issued, with no fit in its history.
        assert!(history(&app).await.iter().all(|e| e["action"] != "fitted"));
    }

    async fn erasing_the_client_removes_the_name_and_the_signature(app: TestApp) {
        let (client, worker, _) = issued(&app).await;
        let png = signature_png();
        app.post("/api/v1/items/EQ-000001/fit", &worker, json!({
            "handover": {"name": "Joan Lee", "relation": "family", "demonstrated": true, "leaflet_left": true,
                         "signature_png": b64(&png)}
        })).await.expect(200);
        app.post("/api/v1/items/EQ-000001/return", &worker, json!({
            "handover": {"name": "Joan Lee", "relation": "family", "demonstrated": false, "leaflet_left": false,
                         "no_signature_reason": "Joan Lee had her hands full"}
        })).await.expect(200);
        let fitted = event(&app, "fitted").await["id"].as_i64().unwrap();
        app.get(&format!("/api/v1/events/{fitted}/signature.png"), &worker).await.expect(200);

        app.delete(&format!("/api/v1/clients/{client}"), &app.admin).await.expect(200);

        let events = history(&app).await;
        let text = serde_json::to_string(&events).unwrap();
        assert!(!text.contains("Joan"), "the name is gone from the history: {text}");
        for e in events.iter().filter(|e| e["handover"].is_object()) {
            assert_eq!(e["handover"]["name"], "[erased]");
            assert_eq!(e["handover"]["erased"], true);
            assert!(e["handover"]["signature_url"].is_null());
        }
        app.get(&format!("/api/v1/events/{fitted}/signature.png"), &worker).await.expect(404);
        let note = app.get(&format!("/api/v1/events/{fitted}/note.pdf"), &app.admin).await.expect(200);
        let note_text = pdf_text(&app, &note);
        assert!(!note_text.contains("Joan") && !note_text.contains("Ann Lee"), "{note_text}");
        assert!(!note.body.windows(14).any(|w| w == b"/Subtype /Imag"), "no signature is printed");
    }

    async fn the_phone_form_records_a_fit_with_a_reason_and_empty_fields_as_a_browser_sends_them(app: TestApp) {
        app.stairlift_type().await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        let client = app.client_person("SC-8", "Ann Lee", "LS6 2AB").await;
        let (worker, _, email) = app.staff_with_password("worker", Some(PASSWORD));
        app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": worker}))
            .await
            .expect(200);
        let (cookie, _) = sign_in(&app, &email, "/s/EQ-000001").await;
        let html = page(&app, &cookie, "/s/EQ-000001").await.expect(200).text();
        assert!(html.contains("data-signature-pad") && html.contains("/assets/signature.js"));
        let csrf = page_csrf(&html);
        let at = html.find("name=\"version\" value=\"").expect("the item's version") + 22;
        let version: String = html[at..].chars().take_while(char::is_ascii_digit).collect();
        // A browser without scripts: the signature's hidden field empty, the boxes unticked.
        let blank = [
            ("csrf", csrf.as_str()), ("version", version.as_str()), ("fitted_at", ""), ("notes", ""),
            ("handover_name", "Ann Lee"), ("handover_relation", "client"),
            ("handover_signature_png", ""), ("handover_no_signature_reason", ""),
        ];
        let refused = post_form(&app, &cookie, "/s/EQ-000001/fit", &blank).await.expect(422);
        let text = refused.text();
        assert!(text.contains("Not recorded: Hand-over, signature: a signature, or the reason"), "in the form's words: {text}");
        assert!(!text.contains("handover.signature_png"), "not the API's field path: {text}");
        let mut fields = blank.to_vec();
        fields[7] = ("handover_no_signature_reason", "arthritis: cannot hold a pen");
        fields.push(("handover_demonstrated", "yes"));
        post_form(&app, &cookie, "/s/EQ-000001/fit", &fields).await.expect(303);
        let fitted = event(&app, "fitted").await;
        let h = &fitted["handover"];
        assert_eq!(h["name"], "Ann Lee");
        assert_eq!((h["demonstrated"].as_bool(), h["leaflet_left"].as_bool()), (Some(true), Some(false)));
        let shown = page(&app, &cookie, "/s/EQ-000001/history").await.expect(200).text();
        assert!(shown.contains("Received by") && shown.contains("arthritis: cannot hold a pen"), "{shown}");
        assert!(shown.contains("Delivery note (PDF)"));
    }
}
