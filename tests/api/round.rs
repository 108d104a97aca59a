//! Field mode over HTTP (issue 15): the round a phone keeps (`GET /api/v1/me/round`), by
//! token and by the pages' session, and the moves the phone's queue sends with the session
//! and its CSRF header. The same in a browser with the network off: `browser_field.rs`.

use serde_json::{Value, json};

use crate::pages::{PASSWORD, page, page_csrf, sign_in};
use crate::support::TestApp;

fn tags(round: &Value) -> Vec<String> {
    round["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["item"]["asset_tag"].as_str().unwrap().to_string())
        .collect()
}

fn days_from_today(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

both_backends! {
    async fn a_round_holds_the_items_in_homes_the_worker_answers_for(app: TestApp) {
        app.frame_type().await;
        let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
        let (mine, my_token) = app.user_with_id("worker");
        let (theirs, their_token) = app.user_with_id("worker");
        for _ in 0..4 {
            app.item("FRAME-WALKING", json!({})).await;
        }
        for (tag, worker) in [("EQ-000002", mine), ("EQ-000001", mine), ("EQ-000003", theirs)] {
            app.post(&format!("/api/v1/items/{tag}/issue"), &app.admin, json!({"client_id": client, "worker_id": worker}))
                .await
                .expect(200);
        }
        // EQ-000004 stays in store: nobody's round.
        // Fitted 360 days ago on a yearly check: safe now, due in 5 days, unsafe from the 6th.
        app.post("/api/v1/items/EQ-000002/fit", &my_token, json!({"fitted_at": days_from_today(-360)}))
            .await
            .expect(200);

        let round = app.get("/api/v1/me/round", &my_token).await.expect(200).json();
        assert_eq!(tags(&round), ["EQ-000001", "EQ-000002"], "mine, in tag order");
        assert!(round["as_of"].as_str().unwrap().ends_with('Z'));
        assert_eq!(round["worker_id"], mine);
        let first = &round["items"][0];
        assert_eq!(first["item"]["status"], "issued");
        assert_eq!(first["item"]["client"]["name"], "Margaret Oduya");
        assert_eq!(first["item"]["client"]["postcode"], "LS6 2AB");
        assert_eq!(first["item"]["client"]["address"], "1 High Street, Leeds");
        assert_eq!(first["item"]["version"], 2, "registered, then issued");
        assert_eq!(first["item"]["checks_due"].as_array().unwrap().len(), 1);
        assert_eq!(first["item"]["open_defects"], json!([]));
        assert_eq!(first["safe_to_use"], true);
        assert_eq!(first["actions"], json!(["fit", "checks", "return", "quarantine"]));
        assert_eq!(first["unsafe_from"], Value::Null);
        let fitted = &round["items"][1];
        assert_eq!(fitted["item"]["checks_due"][0]["next_due"], days_from_today(5));
        assert_eq!(fitted["unsafe_from"], days_from_today(6));
        // The verdict is the scan's, item for item.
        for entry in round["items"].as_array().unwrap() {
            let tag = entry["item"]["asset_tag"].as_str().unwrap();
            let scan = app.get(&format!("/api/v1/scan?code={tag}"), &my_token).await.expect(200).json();
            assert_eq!(entry["safe_to_use"], scan["safe_to_use"]);
            assert_eq!(entry["reasons"], scan["reasons"]);
            assert_eq!(entry["actions"], scan["actions"]);
            assert_eq!(entry["item"], scan["item"]);
        }

        // Fitted long ago and never checked: overdue, and the round says so as a scan would.
        app.post("/api/v1/items/EQ-000001/fit", &my_token, json!({"fitted_at": "2020-01-01"}))
            .await
            .expect(200);
        let round = app.get("/api/v1/me/round", &my_token).await.expect(200).json();
        assert_eq!(round["items"][0]["safe_to_use"], false);
        assert_eq!(round["items"][0]["reasons"][0]["code"], "check_overdue");
        assert_eq!(round["items"][0]["unsafe_from"], Value::Null, "unsafe already");

        let round = app.get("/api/v1/me/round", &their_token).await.expect(200).json();
        assert_eq!(tags(&round), ["EQ-000003"]);
        let round = app.get("/api/v1/me/round", &app.admin).await.expect(200).json();
        assert_eq!(round["items"], json!([]), "responsible for nothing");
        app.request("GET", "/api/v1/me/round", None, None).await.expect(401);
        app.request("GET", "/api/v1/me/round", Some("not-a-token"), None).await.expect(401);
    }

    async fn the_phone_reads_its_round_and_sends_moves_with_the_pages_session(app: TestApp) {
        app.frame_type().await;
        let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
        let (worker, _, email) = app.staff_with_password("worker", Some(PASSWORD));
        app.item("FRAME-WALKING", json!({})).await;
        app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": worker}))
            .await
            .expect(200);
        let (cookie, _) = sign_in(&app, &email, "/scan").await;
        let round = app
            .request_with("GET", "/api/v1/me/round", &[("Cookie", &cookie)], None)
            .await
            .expect(200)
            .json();
        assert_eq!(tags(&round), ["EQ-000001"]);
        app.request_with("GET", "/api/v1/me/round", &[("Cookie", "et_session=stale")], None)
            .await
            .expect(401);

        let scan = page(&app, &cookie, "/scan").await.expect(200).text();
        assert!(scan.contains("rel=\"manifest\" href=\"/manifest.webmanifest\""));
        assert!(scan.contains("src=\"/assets/field.js\""));
        let csrf = page_csrf(&scan);
        let rule = round["items"][0]["item"]["checks_due"][0]["rule"].as_str().unwrap().to_string();
        let body = |version: i64| {
            Some((
                "application/json",
                serde_json::to_vec(&json!({"rule": rule, "outcome": "pass", "expected_version": version})).unwrap(),
            ))
        };
        let path = "/api/v1/items/EQ-000001/checks";
        // The cookie alone, or with a token not its own, changes nothing: another site can
        // make a browser send the cookie, not the header.
        app.request_with("POST", path, &[("Cookie", &cookie)], body(2)).await.expect(401);
        let wrong = "0".repeat(64);
        app.request_with("POST", path, &[("Cookie", &cookie), ("X-CSRF-Token", &wrong)], body(2))
            .await
            .expect(401);
        let headers = [("Cookie", cookie.as_str()), ("X-CSRF-Token", csrf.as_str())];
        let item = app.request_with("POST", path, &headers, body(2)).await.expect(200).json();
        assert_eq!(item["version"], 3);
        // The same version again is stale: a conflict naming the version now.
        let stale = app.request_with("POST", path, &headers, body(2)).await.expect(409).json();
        assert_eq!(stale["current_version"], 3);
        let checks = app.get(path, &app.admin).await.expect(200).json();
        assert_eq!(checks.as_array().map_or(0, Vec::len), 1, "{checks}");
    }
}

#[actix_web::test]
async fn the_pages_are_an_installable_app_with_a_service_worker_at_the_root() {
    let app = TestApp::spawn(crate::support::Backend::Sqlite).await.unwrap();
    let manifest = app
        .request("GET", "/manifest.webmanifest", None, None)
        .await
        .expect(200);
    assert_eq!(manifest.content_type, "application/manifest+json");
    let manifest = manifest.json();
    assert_eq!(manifest["start_url"], "/scan");
    assert_eq!(manifest["display"], "standalone");
    for icon in manifest["icons"].as_array().unwrap() {
        let png = app
            .request("GET", icon["src"].as_str().unwrap(), None, None)
            .await
            .expect(200);
        assert_eq!(png.content_type, "image/png");
        assert!(png.body.starts_with(b"\x89PNG"));
    }
    let url = format!("{}/sw.js", app.base);
    let sw = app.client.get(url).send().await.unwrap();
    assert_eq!(sw.status().as_u16(), 200);
    let header = |name: &str| {
        sw.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(header("service-worker-allowed"), "/");
    assert!(header("cache-control").contains("no-cache"));
    assert!(header("content-type").starts_with("text/javascript"));
    // The shells need a session, like every page.
    let shell = app.request("GET", "/offline/label", None, None).await.expect(303);
    assert!(shell.location.unwrap().starts_with("/login"));
}
