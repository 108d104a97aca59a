//! Rules that live in one place and hold for every way in: the API and the pages alike.

use serde_json::json;

use crate::lifecycle::issued_stairlift;
use crate::pages::{PASSWORD, page, sign_in};
use crate::support::TestApp;

/// A fitted stairlift (EQ-000001) and the token of the worker responsible for it.
async fn fitted_stairlift(app: &TestApp) -> String {
    let (_, worker_token, _) = issued_stairlift(app).await;
    app.post("/api/v1/items/EQ-000001/fit", &worker_token, json!({}))
        .await
        .expect(200);
    worker_token
}

both_backends! {
    async fn a_failed_check_without_a_note_is_refused_by_the_api_too(app: TestApp) {
        let worker = fitted_stairlift(&app).await;
        for notes in [json!(null), json!("   ")] {
            let r = app
                .post("/api/v1/items/EQ-000001/checks", &worker, json!({"rule": "manufacturer service", "outcome": "fail", "notes": notes}))
                .await
                .expect(422)
                .json();
            let fields: Vec<&str> = r["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
            assert_eq!(fields, ["notes"], "{r}");
        }
        let item = app.get("/api/v1/items/EQ-000001", &app.admin).await.expect(200).json();
        assert_eq!(item["status"], "in_use", "nothing was recorded");
        assert!(app.get("/api/v1/notifications", &app.admin).await.expect(200).json()["total"] == 0, "stores were not told of a check that was not recorded");
        // With a note it is recorded, and a pass never needed one.
        app.post("/api/v1/items/EQ-000001/checks", &worker, json!({"rule": "LOLER thorough examination", "outcome": "pass"}))
            .await
            .expect(200);
        let r = app
            .post("/api/v1/items/EQ-000001/checks", &worker, json!({"rule": "manufacturer service", "outcome": "fail", "notes": "carriage sticks"}))
            .await
            .expect(200)
            .json();
        assert_eq!(r["status"], "quarantined");
    }

    async fn the_desk_offers_as_workers_only_staff_who_may_be_responsible(app: TestApp) {
        let (_, _, stores) = app.staff_with_password("stores", Some(PASSWORD));
        let (_, _, worker) = app.staff("worker");
        let (viewer, _, viewer_email) = app.staff("viewer");
        let (cookie, _) = sign_in(&app, &stores, "/desk").await;
        // The desk's worker box offers by email what its suggestions hold.
        let offered = page(&app, &cookie, &format!("/office/staff/suggest?q={worker}")).await.expect(200).json();
        assert_eq!(offered[0]["value"], worker.as_str(), "{offered}");
        let offered = page(&app, &cookie, &format!("/office/staff/suggest?q={viewer_email}")).await.expect(200).json();
        assert_eq!(offered, json!([]));
        // And the API refuses the viewer as the desk leaves them out.
        app.stairlift_type().await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        let client = app.client_person("SC-2", "Ada Lovelace", "LS1 1AA").await;
        let r = app
            .post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": viewer}))
            .await
            .expect(422)
            .json();
        assert_eq!(r["errors"][0]["field"], "worker_id", "{r}");
        assert_eq!(r["errors"][0]["message"], "a viewer cannot be responsible for items");
    }

    async fn the_desk_is_for_whom_the_permission_matrix_lets_use_it(app: TestApp) {
        for (role, allowed) in [("admin", true), ("stores", true), ("worker", false), ("viewer", false)] {
            let (_, _, email) = app.staff_with_password(role, Some(PASSWORD));
            let (cookie, _) = sign_in(&app, &email, "/scan").await;
            let desk = page(&app, &cookie, "/desk").await;
            assert_eq!(desk.status, if allowed { 200 } else { 403 }, "{role}");
            let scan = page(&app, &cookie, "/scan").await.expect(200).text();
            assert_eq!(scan.contains("href=\"/desk\""), allowed, "{role}: the link to the desk");
        }
    }

    async fn the_daily_purge_forgets_expired_sessions(app: TestApp) {
        let (_, _, email) = app.staff_with_password("stores", Some(PASSWORD));
        let (cookie, _) = sign_in(&app, &email, "/scan").await;
        page(&app, &cookie, "/scan").await.expect(200);
        let db = app.db.clone();
        let now = equiptrack::service::now();
        let purged = actix_web::web::block(move || equiptrack::jobs::purge::purge_sessions(&db, now)).await.unwrap().unwrap();
        assert_eq!(purged.sessions, 0, "a live session stays");
        page(&app, &cookie, "/scan").await.expect(200);
        let db = app.db.clone();
        let later = now + chrono::TimeDelta::days(400);
        let purged = actix_web::web::block(move || equiptrack::jobs::purge::purge_sessions(&db, later)).await.unwrap().unwrap();
        assert_eq!(purged.sessions, 1, "{purged:?}");
        let r = page(&app, &cookie, "/scan").await;
        assert_eq!(r.status, 303, "the session is gone: sign in again");
    }
}
