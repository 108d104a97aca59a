//! Kits: items with a tag and label of their own, moved together or not at all.

use serde_json::{Value, json};

use crate::labels::decode_qr;
use crate::pages::{PASSWORD, page, sign_in};
use crate::support::TestApp;

fn fields(r: &Value) -> Vec<String> {
    r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

fn actions(history: &Value) -> Vec<(String, Option<String>)> {
    history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["item_tag"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn statuses(kit: &Value) -> Vec<(String, String)> {
    kit["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["item"]["asset_tag"].as_str().unwrap().to_string(),
                m["item"]["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pair(tag: &str, status: &str) -> (String, String) {
    (tag.to_string(), status.to_string())
}

async fn item_status(app: &TestApp, tag: &str) -> Value {
    app.get(&format!("/api/v1/items/{tag}"), &app.admin)
        .await
        .expect(200)
        .json()["status"]
        .clone()
}

both_backends! {
    async fn a_kit_is_made_of_items_and_its_members_change(app: TestApp) {
        app.frame_type().await;
        for _ in 0..5 {
            app.item("FRAME-WALKING", json!({})).await;
        }
        let stores = app.user("stores");
        let r = app.post("/api/v1/kits", &stores, json!({"name": "Walking kit", "members": ["eq-000001", " EQ-000002 "]}))
            .await.expect(201);
        assert_eq!(r.location.as_deref(), Some("/api/v1/kits/KIT-000001"));
        let kit = r.json();
        assert_eq!(kit["kit"]["tag"], "KIT-000001");
        assert_eq!(kit["kit"]["name"], "Walking kit");
        assert_eq!(kit["kit"]["member_tags"], json!(["EQ-000001", "EQ-000002"]));
        assert_eq!(kit["kit"]["qr_payload"], format!("{}/s/KIT-000001", app.base));
        assert_eq!(kit["safe_to_use"], true);
        assert_eq!(kit["members"][0]["item"]["asset_tag"], "EQ-000001");
        assert_eq!(kit["members"][0]["safe_to_use"], true);
        assert_eq!(kit["actions"], json!(["issue"]));

        let kit = app.post("/api/v1/kits/kit-000001/members", &stores, json!({"tag": "EQ-000003", "expected_version": 1}))
            .await.expect(200).json();
        assert_eq!(kit["kit"]["member_tags"], json!(["EQ-000001", "EQ-000002", "EQ-000003"]));
        assert_eq!(kit["kit"]["version"], 2);
        app.post("/api/v1/kits/KIT-000001/members", &stores, json!({"tag": "EQ-000004", "expected_version": 1}))
            .await.expect(409);
        let kit = app.delete("/api/v1/kits/KIT-000001/members/EQ-000001", &stores).await.expect(200).json();
        assert_eq!(kit["kit"]["member_tags"], json!(["EQ-000002", "EQ-000003"]));
        app.delete("/api/v1/kits/KIT-000001/members/EQ-000001", &stores).await.expect(404);
        app.get("/api/v1/kits/KIT-000404", &stores).await.expect(404);
        app.post("/api/v1/kits/KIT-000404/members", &stores, json!({"tag": "EQ-000004"})).await.expect(404);

        let history = app.get("/api/v1/kits/KIT-000001/events", &stores).await.expect(200).json();
        let one = |action: &str, tag: Option<&str>| (action.to_string(), tag.map(str::to_string));
        assert_eq!(actions(&history), [
            one("created", None),
            one("member_added", Some("EQ-000001")),
            one("member_added", Some("EQ-000002")),
            one("member_added", Some("EQ-000003")),
            one("member_removed", Some("EQ-000001")),
        ]);
        let events = app.get("/api/v1/items/EQ-000001/events", &stores).await.expect(200).json();
        let words: Vec<&str> = events["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(words, ["received", "added_to_kit", "removed_from_kit"]);

        // Refusals name their fields.
        app.post("/api/v1/items/EQ-000005/condemn", &stores, json!({"reason_code": "beyond_repair", "reason": "snapped"}))
            .await.expect(200);
        let r = app.post("/api/v1/kits", &stores, json!({
            "name": "  ", "members": ["EQ-000004", "EQ-999999", "eq-000004", "EQ-000002", "EQ-000005", "KIT-000001"]
        })).await.expect(422).json();
        assert_eq!(fields(&r), ["name", "members[1]", "members[2]", "members[3]", "members[4]", "members[5]"]);
        let messages: Vec<&str> = r["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
        assert!(messages[1].contains("no item has the tag EQ-999999"), "{messages:?}");
        assert!(messages[2].contains("listed twice"), "{messages:?}");
        assert!(messages[3].contains("already in the kit KIT-000001"), "{messages:?}");
        assert!(messages[4].contains("condemned"), "{messages:?}");
        let r = app.post("/api/v1/kits/KIT-000001/members", &stores, json!({"tag": "EQ-000002"})).await.expect(422).json();
        assert_eq!(fields(&r), ["tag"]);
        let r = app.post("/api/v1/kits/KIT-000001/members", &stores, json!({})).await.expect(422).json();
        assert_eq!(fields(&r), ["tag"]);
        // Nothing was made by the refused requests; a worker may not make kits.
        let list = app.get("/api/v1/kits", &stores).await.expect(200).json();
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["member_tags"], json!(["EQ-000002", "EQ-000003"]));
        let worker = app.user("worker");
        app.post("/api/v1/kits", &worker, json!({"name": "Mine", "members": ["EQ-000004"]})).await.expect(403);
        // An item's tag may not look like a kit's.
        let r = app.post("/api/v1/items", &stores, json!({"type": "FRAME-WALKING", "asset_tag": "KIT-000009"}))
            .await.expect(422).json();
        assert_eq!(fields(&r), ["asset_tag"]);
    }

    async fn a_kit_with_one_member_overdue_is_refused_naming_it_and_nothing_moves(app: TestApp) {
        app.frame_type().await;
        let client = app.client_person("K-1", "Nora Pike", "LS6 2AB").await;
        let (worker, worker_token) = app.user_with_id("worker");
        let stores = app.user("stores");
        app.item("FRAME-WALKING", json!({})).await;
        app.item("FRAME-WALKING", json!({})).await;
        app.item("FRAME-WALKING", json!({})).await;
        // EQ-000002 was out years ago and never checked: back in store, its check overdue.
        app.post("/api/v1/items/EQ-000002/issue", &stores, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        app.post("/api/v1/items/EQ-000002/fit", &worker_token, json!({"fitted_at": "2020-01-01"})).await.expect(200);
        app.post("/api/v1/items/EQ-000002/return", &worker_token, json!({})).await.expect(200);
        assert_eq!(item_status(&app, "EQ-000002").await, "in_store");
        app.post("/api/v1/kits", &stores, json!({"name": "Frames", "members": ["EQ-000001", "EQ-000002", "EQ-000003"]}))
            .await.expect(201);

        let refused = app.post("/api/v1/kits/KIT-000001/issue", &stores, json!({"client_id": client, "worker_id": worker, "expected_version": 1}))
            .await.expect(409).json();
        assert_eq!(refused["refused_members"].as_array().unwrap().len(), 1, "{refused}");
        let member = &refused["refused_members"][0];
        assert_eq!(member["tag"], "EQ-000002");
        assert_eq!(member["status"], 409);
        assert_eq!(member["code"], "overdue_checks");
        assert_eq!(member["overdue_checks"], json!([{"rule": "safety check", "next_due": "2020-12-31"}]));
        assert!(member["detail"].as_str().unwrap().starts_with("cannot issue an item with a check overdue: safety check (due 2020-12-31)"), "{member}");
        let detail = refused["detail"].as_str().unwrap();
        assert!(detail.contains("KIT-000001") && detail.contains("EQ-000002") && detail.contains("nothing moved"), "{detail}");
        // Nothing moved: every member is in store, the kit's version and history as they were.
        for tag in ["EQ-000001", "EQ-000002", "EQ-000003"] {
            assert_eq!(item_status(&app, tag).await, "in_store", "{tag}");
        }
        let kit = app.get("/api/v1/kits/KIT-000001", &stores).await.expect(200).json();
        assert_eq!(kit["kit"]["version"], 1);
        assert_eq!(kit["safe_to_use"], false);
        assert_eq!(kit["reasons"][0]["tag"], "EQ-000002");
        assert_eq!(kit["reasons"][0]["code"], "check_overdue");
        let history = app.get("/api/v1/kits/KIT-000001/events", &stores).await.expect(200).json();
        assert!(actions(&history).iter().all(|(a, _)| a != "issued"));

        // A request every member finds invalid is a 422 naming its fields; a worker may not issue.
        let r = app.post("/api/v1/kits/KIT-000001/issue", &stores, json!({"worker_id": worker})).await.expect(422).json();
        assert_eq!(fields(&r), ["client_id"]);
        app.post("/api/v1/kits/KIT-000001/issue", &worker_token, json!({"client_id": client, "worker_id": worker})).await.expect(403);
        app.post("/api/v1/kits/KIT-000404/issue", &stores, json!({"client_id": client, "worker_id": worker})).await.expect(404);

        // Checked, the kit goes out whole.
        app.post("/api/v1/items/EQ-000002/checks", &stores, json!({"outcome": "pass"})).await.expect(200);
        let kit = app.post("/api/v1/kits/KIT-000001/issue", &stores, json!({"client_id": client, "worker_id": worker, "expected_version": 1}))
            .await.expect(200).json();
        assert_eq!(statuses(&kit), [pair("EQ-000001", "issued"), pair("EQ-000002", "issued"), pair("EQ-000003", "issued")]);
        assert_eq!(kit["kit"]["version"], 2);
        app.post("/api/v1/kits/KIT-000001/fit", &worker_token, json!({"expected_version": 1})).await.expect(409);

        // A member the request is invalid for, beside members it suits: a 409 naming that
        // member with its fields, and nothing moved.
        app.item("FRAME-WALKING", json!({})).await;
        app.post("/api/v1/kits/KIT-000001/members", &stores, json!({"tag": "EQ-000004"})).await.expect(200);
        let handover = json!({"name": "Nora Pike", "relation": "client", "demonstrated": true, "leaflet_left": true,
                              "no_signature_reason": "hands full"});
        let refused = app.post("/api/v1/kits/KIT-000001/return", &worker_token, json!({"handover": handover}))
            .await.expect(409).json();
        assert_eq!(refused["refused_members"].as_array().unwrap().len(), 1, "{refused}");
        let member = &refused["refused_members"][0];
        assert_eq!((&member["tag"], &member["status"], &member["code"]), (&json!("EQ-000004"), &json!(422), &json!("invalid")));
        assert_eq!(member["errors"][0]["field"], "handover");
        assert_eq!(item_status(&app, "EQ-000001").await, "issued");
    }

    async fn a_kit_is_fitted_collected_with_a_member_missing_and_cleaned(app: TestApp) {
        app.stairlift_type().await;
        let client = app.client_person("K-2", "Ada Marsh", "LS7 1AA").await;
        let (worker, worker_token) = app.user_with_id("worker");
        let stores = app.user("stores");
        for _ in 0..3 {
            app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        }
        app.post("/api/v1/kits", &stores, json!({"name": "Lift and slings", "members": ["EQ-000001", "EQ-000002", "EQ-000003"]}))
            .await.expect(201);
        app.post("/api/v1/kits/KIT-000001/issue", &stores, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        let kit = app.post("/api/v1/kits/KIT-000001/fit", &worker_token, json!({"notes": "all three fitted"})).await.expect(200).json();
        assert_eq!(statuses(&kit), [pair("EQ-000001", "in_use"), pair("EQ-000002", "in_use"), pair("EQ-000003", "in_use")]);
        assert_eq!(kit["members"][1]["item"]["client"]["id"], client);

        // Refusals of the missing list name its entries, and move nothing.
        let r = app.post("/api/v1/kits/KIT-000001/return", &worker_token, json!({"missing": ["EQ-000009", "EQ-000002", "eq-000002"]}))
            .await.expect(422).json();
        assert_eq!(fields(&r), ["missing[0]", "missing[2]"]);
        let r = app.post("/api/v1/kits/KIT-000001/return", &worker_token, json!({"missing": ["EQ-000001", "EQ-000002", "EQ-000003"]}))
            .await.expect(422).json();
        assert_eq!(fields(&r), ["missing"]);

        let kit = app.post("/api/v1/kits/KIT-000001/return", &worker_token, json!({"missing": ["eq-000002"]})).await.expect(200).json();
        assert_eq!(statuses(&kit), [
            pair("EQ-000001", "awaiting_decontamination"),
            pair("EQ-000002", "in_use"),
            pair("EQ-000003", "awaiting_decontamination"),
        ]);
        // The missing member is still with the client, and both histories say so.
        let missing = app.get("/api/v1/items/EQ-000002", &stores).await.expect(200).json();
        assert_eq!(missing["client"]["id"], client);
        let events = app.get("/api/v1/items/EQ-000002/events", &stores).await.expect(200).json();
        let last = events["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["action"], "missing_at_collection");
        assert!(last["notes"].as_str().unwrap().contains("KIT-000001"), "{last}");
        let history = app.get("/api/v1/kits/KIT-000001/events", &stores).await.expect(200).json();
        let tail: Vec<(String, Option<String>)> = actions(&history).into_iter().skip(4).collect();
        assert_eq!(tail, [
            ("issued".to_string(), None),
            ("fitted".to_string(), None),
            ("returned".to_string(), None),
            ("missing_at_collection".to_string(), Some("EQ-000002".to_string())),
        ]);
        assert_eq!(history["items"][7]["client_id"], client);

        // Cleaning the kit is refused while a member is still in the home, naming it.
        let refused = app.post("/api/v1/kits/KIT-000001/decontaminate", &stores, json!({"method": "wipe"})).await.expect(409).json();
        let named: Vec<&str> = refused["refused_members"].as_array().unwrap().iter().map(|m| m["tag"].as_str().unwrap()).collect();
        assert_eq!(named, ["EQ-000002"]);
        assert_eq!(refused["refused_members"][0]["code"], "status_not_allowed");
        assert_eq!(refused["refused_members"][0]["current_status"], "in_use");
        assert_eq!(item_status(&app, "EQ-000001").await, "awaiting_decontamination");
        // Without it, the kit is cleaned.
        app.delete("/api/v1/kits/KIT-000001/members/EQ-000002", &stores).await.expect(200);
        let kit = app.post("/api/v1/kits/KIT-000001/decontaminate", &stores, json!({"method": "chlorine wipe"})).await.expect(200).json();
        assert_eq!(statuses(&kit), [pair("EQ-000001", "in_store"), pair("EQ-000003", "in_store")]);
    }

    async fn a_recalled_or_failed_member_makes_the_kit_unsafe(app: TestApp) {
        app.frame_type().await;
        let stores = app.user("stores");
        app.item("FRAME-WALKING", json!({"batch": "lot-7"})).await;
        app.item("FRAME-WALKING", json!({})).await;
        app.item("FRAME-WALKING", json!({})).await;
        app.item("FRAME-WALKING", json!({})).await;
        app.post("/api/v1/kits", &stores, json!({"name": "A", "members": ["EQ-000001", "EQ-000002"]})).await.expect(201);
        app.post("/api/v1/kits", &stores, json!({"name": "B", "members": ["EQ-000003", "EQ-000004"]})).await.expect(201);
        let url = format!("{}/s/KIT-000001", app.base);
        let encoded: String = url.bytes().map(|b| format!("%{b:02X}")).collect();
        let scan = app.get(&format!("/api/v1/scan?code={encoded}"), &stores).await.expect(200).json();
        assert_eq!(scan["kit"]["tag"], "KIT-000001");
        assert_eq!(scan["safe_to_use"], true);
        assert_eq!(scan["members"].as_array().unwrap().len(), 2);
        assert!(scan.get("item").is_none());

        app.post("/api/v1/recalls", &stores, json!({"reference": "MDA-7", "title": "Weld may crack", "type": "FRAME-WALKING", "batch": "lot-7"}))
            .await.expect(201);
        let scan = app.get("/api/v1/scan?code=kit-000001", &stores).await.expect(200).json();
        assert_eq!(scan["safe_to_use"], false);
        assert_eq!(scan["members"][0]["safe_to_use"], false);
        assert_eq!(scan["members"][1]["safe_to_use"], true);
        let codes: Vec<(&str, &str)> = scan["reasons"].as_array().unwrap().iter()
            .map(|r| (r["tag"].as_str().unwrap(), r["code"].as_str().unwrap())).collect();
        assert!(codes.contains(&("EQ-000001", "recalled")), "{codes:?}");
        assert!(codes.iter().all(|(tag, _)| *tag == "EQ-000001"), "{codes:?}");

        app.post("/api/v1/items/EQ-000004/checks", &stores, json!({"outcome": "fail", "notes": "ferrule split"})).await.expect(200);
        let scan = app.get("/api/v1/scan?code=KIT-000002", &stores).await.expect(200).json();
        assert_eq!(scan["safe_to_use"], false);
        assert_eq!(scan["reasons"], json!([{"tag": "EQ-000004", "code": "quarantined", "message": "EQ-000004: quarantined: do not use until stores release it"}]));
        assert_eq!(scan["members"][1]["reasons"][0]["code"], "quarantined");
        // An item's scan is as it was; an unknown kit is a 404.
        let item = app.get("/api/v1/scan?code=EQ-000003", &stores).await.expect(200).json();
        assert_eq!(item["item"]["asset_tag"], "EQ-000003");
        assert_eq!(item["safe_to_use"], true);
        app.get("/api/v1/scan?code=KIT-000404", &stores).await.expect(404);
        // The label's address answers an API client with the kit.
        let r = app.get("/s/KIT-000002", &stores).await.expect(200).json();
        assert_eq!(r["kit"]["tag"], "KIT-000002");
    }

    async fn a_kit_label_carries_the_kit_address_and_its_page_shows_each_member(app: TestApp) {
        app.frame_type().await;
        app.item("FRAME-WALKING", json!({})).await;
        app.item("FRAME-WALKING", json!({})).await;
        let (_, stores, email) = app.staff_with_password("stores", Some(PASSWORD));
        app.post("/api/v1/kits", &stores, json!({"name": "Frames", "members": ["EQ-000001", "EQ-000002"]})).await.expect(201);
        let r = app.get("/api/v1/kits/kit-000001/label.png", &stores).await.expect(200);
        assert_eq!(r.content_type, "image/png");
        assert_eq!(decode_qr(&r.body), [format!("{}/s/KIT-000001", app.base)]);
        let r = app.get("/api/v1/kits/KIT-000001/label.svg", &stores).await.expect(200);
        assert_eq!(r.content_type, "image/svg+xml");
        assert!(r.text().contains("KIT-000001"));
        app.get("/api/v1/kits/KIT-000404/label.png", &stores).await.expect(404);

        app.post("/api/v1/items/EQ-000002/checks", &stores, json!({"outcome": "fail", "notes": "ferrule split"})).await.expect(200);
        let (cookie, _) = sign_in(&app, &email, "/scan").await;
        let html = page(&app, &cookie, "/s/KIT-000001").await.expect(200).text();
        assert!(html.contains("Do not use this kit"), "{html}");
        assert!(html.contains("href=\"/s/EQ-000001\"") && html.contains("href=\"/s/EQ-000002\""), "{html}");
        assert!(html.contains("EQ-000002: quarantined"), "{html}");
        let history = &html[html.find("id=\"kit-history\"").expect("the kit's history")..];
        let (added, made) = (history.find("EQ-000002 added").unwrap(), history.find("Kit made").unwrap());
        assert!(added < made, "newest first: {history}");
        // The scanner page takes a kit's tag to the kit's page.
        let r = page(&app, &cookie, "/scan/go?code=kit-000001").await.expect(303);
        assert_eq!(r.location.as_deref(), Some("/s/KIT-000001"));
        page(&app, &cookie, "/scan/go?code=KIT-000404").await.expect(404);
    }
}
