//! `Idempotency-Key` (issue 15, point 4): a write sent again with its key answers the first
//! answer and writes nothing; the key belongs to its account, is refused with another
//! request, holds across two instances on one database, and goes after 30 days.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::lifecycle::issued_stairlift;
use crate::review_signin::instance;
use crate::support::{Reply, TestApp};

/// A JSON POST with a bearer token and an `Idempotency-Key`, to the instance at `base`.
async fn keyed_to(app: &TestApp, base: &str, path: &str, token: &str, key: &str, body: &Value) -> Reply {
    let auth = format!("Bearer {token}");
    let headers = [("Authorization", auth.as_str()), ("Idempotency-Key", key)];
    app.request_to(
        base,
        "POST",
        path,
        &headers,
        Some(("application/json", body.to_string().into_bytes())),
    )
    .await
}

async fn keyed(app: &TestApp, path: &str, token: &str, key: &str, body: &Value) -> Reply {
    keyed_to(app, &app.base, path, token, key, body).await
}

/// How many of the item's events are `action`s.
async fn events(app: &TestApp, tag: &str, action: &str) -> usize {
    let history = app
        .get(&format!("/api/v1/items/{tag}/events?per_page=100"), &app.admin)
        .await
        .expect(200)
        .json();
    history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == action)
        .count()
}

async fn clients(app: &TestApp) -> i64 {
    app.get("/api/v1/clients", &app.admin).await.expect(200).json()["total"]
        .as_i64()
        .unwrap()
}

/// The `Idempotent-Replayed` header of a keyed JSON POST's answer.
async fn replayed(app: &TestApp, path: &str, token: &str, key: &str, body: &Value) -> Option<String> {
    let answer = app
        .client
        .post(format!("{}{path}", app.base))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .insert_header(("Idempotency-Key", key))
        .insert_header(("Content-Type", "application/json"))
        .send_body(body.to_string())
        .await
        .expect("request sent");
    answer
        .headers()
        .get("idempotent-replayed")
        .map(|v| v.to_str().unwrap().to_string())
}

fn same_answer(first: &Reply, again: &Reply) {
    assert_eq!(again.status, first.status);
    assert_eq!(again.content_type, first.content_type);
    assert_eq!(again.location, first.location);
    assert_eq!(again.text(), first.text(), "the body, byte for byte");
}

fn client_body(reference: &str, name: &str) -> Value {
    json!({"reference": reference, "name": name, "address": "1 High Street, Leeds", "postcode": "LS1 4AP"})
}

fn refused_key(reply: Reply) -> String {
    assert_eq!(reply.content_type, "application/problem+json");
    let problem = reply.expect(422).json();
    assert_eq!(problem["errors"][0]["field"], "Idempotency-Key", "{problem}");
    problem["errors"][0]["message"].as_str().unwrap().to_string()
}

both_backends! {
    async fn a_check_sent_twice_with_one_key_is_recorded_once_and_answered_alike(app: TestApp) {
        let (_, worker, _) = issued_stairlift(&app).await;
        app.post("/api/v1/items/EQ-000001/fit", &worker, json!({})).await.expect(200);
        let check = json!({"rule": "manufacturer service", "outcome": "pass"});
        let path = "/api/v1/items/EQ-000001/checks";
        let first = keyed(&app, path, &worker, "check-1", &check).await.expect(200);
        // The item changes meanwhile: the answer given again is still the first one.
        app.post("/api/v1/items/EQ-000001/quarantine", &app.admin, json!({"reason": "wobbles"})).await.expect(200);
        let again = keyed(&app, path, &worker, "check-1", &check).await;
        same_answer(&first, &again);
        assert_eq!(again.json()["status"], "in_use");
        assert_eq!(events(&app, "EQ-000001", "check_passed").await, 1);
        assert_eq!(replayed(&app, path, &worker, "check-1", &check).await.as_deref(), Some("true"));
        // A new key is a new check, not marked as given again.
        assert_eq!(replayed(&app, path, &worker, "check-2", &check).await, None);
        assert_eq!(events(&app, "EQ-000001", "check_passed").await, 2);
    }

    async fn a_create_sent_twice_with_one_key_makes_one_row(app: TestApp) {
        let body = client_body("SC-1", "Ann Lee");
        let first = keyed(&app, "/api/v1/clients", &app.admin, "client-1", &body).await.expect(201);
        let again = keyed(&app, "/api/v1/clients", &app.admin, "client-1", &body).await;
        same_answer(&first, &again);
        assert_eq!(clients(&app).await, 1);

        app.frame_type().await;
        let item = json!({"type": "FRAME-WALKING"});
        let first = keyed(&app, "/api/v1/items", &app.admin, "item-1", &item).await.expect(201);
        assert_eq!(first.location.as_deref(), Some("/api/v1/items/EQ-000001"));
        let again = keyed(&app, "/api/v1/items", &app.admin, "item-1", &item).await;
        same_answer(&first, &again);
        let items = app.get("/api/v1/items", &app.admin).await.expect(200).json();
        assert_eq!(items["total"], 1, "{items}");
    }

    async fn one_key_with_another_request_is_refused_and_writes_nothing(app: TestApp) {
        keyed(&app, "/api/v1/clients", &app.admin, "k", &client_body("SC-1", "Ann Lee")).await.expect(201);
        let message = refused_key(keyed(&app, "/api/v1/clients", &app.admin, "k", &client_body("SC-2", "Bo Diaz")).await);
        assert!(message.contains("another request"), "{message}");
        refused_key(keyed(&app, "/api/v1/locations", &app.admin, "k", &json!({"name": "Main store"})).await);
        assert_eq!(clients(&app).await, 1);
        let stores = app.get("/api/v1/locations", &app.admin).await.expect(200).json();
        assert!(!stores.to_string().contains("Main store"), "{stores}");
    }

    async fn a_key_belongs_to_its_account(app: TestApp) {
        let stores = app.user("stores");
        keyed(&app, "/api/v1/clients", &app.admin, "shared", &client_body("SC-1", "Ann Lee")).await.expect(201);
        let theirs = keyed(&app, "/api/v1/clients", &stores, "shared", &client_body("SC-2", "Bo Diaz")).await.expect(201);
        assert_eq!(theirs.json()["reference"], "SC-2");
        assert_eq!(clients(&app).await, 2);
    }

    async fn two_instances_on_one_database_honour_each_others_keys(app: TestApp) {
        let (_, worker, client) = issued_stairlift(&app).await;
        let other = instance(app.settings.clone()).await;
        let fit = json!({"client_id": client});
        let path = "/api/v1/items/EQ-000001/fit";
        let first = keyed_to(&app, &app.base, path, &worker, "fit-1", &fit).await.expect(200);
        let there = keyed_to(&app, &other.base, path, &worker, "fit-1", &fit).await;
        same_answer(&first, &there);
        assert_eq!(events(&app, "EQ-000001", "fitted").await, 1);
    }

    async fn the_same_request_sent_at_once_runs_once(app: TestApp) {
        let (_, worker, _) = issued_stairlift(&app).await;
        let fit = json!({});
        let replies = join_all((0..6).map(|_| keyed(&app, "/api/v1/items/EQ-000001/fit", &worker, "burst", &fit))).await;
        let answered: Vec<&Reply> = replies.iter().filter(|r| r.status == 200).collect();
        assert!(!answered.is_empty());
        for r in &answered {
            same_answer(answered[0], r);
        }
        for r in replies.iter().filter(|r| r.status != 200) {
            assert_eq!(r.status, 409, "{}", r.text());
            assert_eq!(r.json()["idempotency"], "in_progress");
        }
        assert_eq!(events(&app, "EQ-000001", "fitted").await, 1);
    }

    async fn a_first_request_never_answered_is_never_run_again(app: TestApp) {
        let (worker_id, worker, _) = issued_stairlift(&app).await;
        let path = "/api/v1/items/EQ-000001/fit";
        // As a crash leaves it: the key claimed an hour ago, no answer kept.
        let hash = equiptrack::domain::idempotency::fingerprint("POST", path, b"{}");
        let sql = format!(
            "INSERT INTO idempotency_keys (staff_id, idempotency_key, request_hash, claimed_at) \
             VALUES ({worker_id}, 'lost', '{hash}', '{}')",
            (equiptrack::service::now() - chrono::TimeDelta::hours(1)).format("%Y-%m-%d %H:%M:%S")
        );
        app.db.write(|c| Ok(diesel::RunQueryDsl::execute(diesel::sql_query(sql), c)?)).unwrap();
        let r = keyed(&app, path, &worker, "lost", &json!({})).await.expect(409).json();
        assert_eq!(r["idempotency"], "outcome_unknown", "{r}");
        assert!(r["detail"].as_str().unwrap().contains("history"), "{r}");
        assert_eq!(events(&app, "EQ-000001", "fitted").await, 0);
    }

    async fn a_bad_key_is_refused_and_a_refused_sign_in_keeps_nothing(app: TestApp) {
        let body = client_body("SC-1", "Ann Lee");
        let long = "k".repeat(256);
        for bad in ["a key", long.as_str(), ""] {
            refused_key(keyed(&app, "/api/v1/clients", &app.admin, bad, &body).await);
        }
        keyed(&app, "/api/v1/clients", "not-a-token", "first", &body).await.expect(401);
        keyed(&app, "/api/v1/clients", &app.admin, "first", &body).await.expect(201);
        // A token is shown once and never kept, so its answer cannot be given again.
        let (id, _) = app.user_with_id("worker");
        let message = refused_key(keyed(&app, &format!("/api/v1/staff/{id}/tokens"), &app.admin, "t", &json!({})).await);
        assert!(message.contains("secret"), "{message}");
    }

    async fn keys_go_after_thirty_days(app: TestApp) {
        keyed(&app, "/api/v1/clients", &app.admin, "old", &client_body("SC-1", "Ann Lee")).await.expect(201);
        let purge = |days: i64| {
            let db = app.db.clone();
            let at = equiptrack::service::now() + chrono::TimeDelta::days(days);
            actix_web::web::block(move || equiptrack::jobs::purge::purge_sessions(&db, at))
        };
        assert_eq!(purge(29).await.unwrap().unwrap().idempotency_keys, 0, "kept for 30 days");
        refused_key(keyed(&app, "/api/v1/clients", &app.admin, "old", &client_body("SC-2", "Bo Diaz")).await);
        assert_eq!(purge(31).await.unwrap().unwrap().idempotency_keys, 1);
        keyed(&app, "/api/v1/clients", &app.admin, "old", &client_body("SC-2", "Bo Diaz")).await.expect(201);
        assert_eq!(clients(&app).await, 2);
    }

    async fn an_erased_client_leaves_no_words_in_kept_answers(app: TestApp) {
        let body = client_body("SC-9", "Harold O'Finch");
        let created = keyed(&app, "/api/v1/clients", &app.admin, "c", &body).await.expect(201).json();
        app.delete(&format!("/api/v1/clients/{}", created["id"]), &app.admin).await.expect(200);
        let again = keyed(&app, "/api/v1/clients", &app.admin, "c", &body).await.expect(201).text();
        assert!(!again.contains("Finch") && !again.contains("High Street"), "{again}");
        assert!(again.contains("[erased]"), "{again}");
    }
}
