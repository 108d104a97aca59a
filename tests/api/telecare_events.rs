//! Evidence from a monitoring centre (`POST /api/v1/telecare/events`): CSV and JSON
//! imports, duplicates kept once, faults and low batteries, the signed webhook, and the
//! digest of a pendant whose calls stop.

use std::time::Duration;

use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::reminders::sweep;
use crate::support::{Reply, TestApp};

/// The secret `support::test_settings` gives the webhook.
const SECRET: &str = crate::support::WEBHOOK_SECRET;

/// A pendant type with a 30-day test call, and three pendants (serials PND-1..3) fitted on
/// Sun 1 Mar 2026 in two homes, all answered for by one worker: answers the worker's email
/// and the two clients' ids.
async fn pendants(app: &TestApp) -> (String, i64, i64) {
    app.post(
        "/api/v1/equipment-types",
        &app.admin,
        json!({
            "code": "PENDANT", "name": "Telecare pendant", "category": "telecare",
            "requires_decontamination": false,
            "check_rules": [{"name": "test call", "interval_days": 30, "kind": "test_call"}]
        }),
    )
    .await
    .expect(201);
    let a = app.client_person("SC-A", "Ann Lee", "LS1 4AP").await;
    let b = app.client_person("SC-B", "Harold Finch", "LS6 2AB").await;
    let (worker, _, worker_email) = app.staff("worker");
    for (n, client) in [(1, a), (2, b), (3, b)] {
        let tag = format!("EQ-{n:06}");
        app.item("PENDANT", json!({"serial_number": format!("PND-{n}")}))
            .await;
        app.registered_on(&tag, "2026-01-01");
        app.post(
            &format!("/api/v1/items/{tag}/issue"),
            &app.admin,
            json!({"client_id": client, "worker_id": worker}),
        )
        .await
        .expect(200);
        app.post(
            &format!("/api/v1/items/{tag}/fit"),
            &app.admin,
            json!({"fitted_at": "2026-03-01"}),
        )
        .await
        .expect(200);
    }
    (worker_email, a, b)
}

async fn post_events(app: &TestApp, token: Option<&str>, content_type: &str, body: &str) -> Reply {
    app.request(
        "POST",
        "/api/v1/telecare/events",
        token,
        Some((content_type, body.as_bytes().to_vec())),
    )
    .await
}

/// A webhook delivery signed at `t` (unix seconds) over `signed`, sending `body`.
async fn deliver(app: &TestApp, t: i64, signed: &str, body: &str) -> Reply {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{t}.{signed}").as_bytes());
    let signature = format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()));
    app.request_with(
        "POST",
        "/api/v1/telecare/events",
        &[("X-Equiptrack-Signature", &signature)],
        Some(("application/json", body.as_bytes().to_vec())),
    )
    .await
}

async fn item(app: &TestApp, tag: &str) -> Value {
    app.get(&format!("/api/v1/items/{tag}"), &app.admin)
        .await
        .expect(200)
        .json()
}

fn refused_lines(r: &Value, key: &str) -> Vec<(i64, String)> {
    r["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x[key].as_i64().unwrap(),
                x["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The mail queued so far, by category.
async fn queued(app: &TestApp, category: &str) -> Vec<Value> {
    let r = app
        .get("/api/v1/notifications?per_page=500", &app.admin)
        .await
        .expect(200)
        .json();
    r["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == category)
        .cloned()
        .collect()
}

both_backends! {
    async fn a_csv_export_records_a_pass_once_and_moves_the_due_date(app: TestApp) {
        pendants(&app).await;
        assert_eq!(item(&app, "EQ-000001").await["next_check_due"], "2026-03-31");
        let csv = "Serial,Kind,Occurred_At\n\
                   PND-1,test_call,2026-03-20T10:00:00Z\n\
                   PND-1,heartbeat,2026-03-20T10:05:00+00:00\n\
                   PND-1,heartbeat,2026-03-19T09:00:00Z\n\
                   PND-1,test_call,2026-03-20T10:00:00.400Z\n\
                   NOPE-9,test_call,2026-03-20T10:00:00Z\n\
                   PND-2,explode,2026-03-20T10:00:00Z\n\
                   PND-2,test_call,yesterday\n\
                   PND-3,test_call,2025-12-01T10:00:00Z\n";
        let r = post_events(&app, Some(&app.admin), "text/csv", csv).await.expect(200).json();
        assert_eq!((r["received"].as_i64(), r["recorded"].as_i64(), r["duplicates"].as_i64()), (Some(8), Some(3), Some(1)));
        let refused = refused_lines(&r, "line");
        assert_eq!(refused.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [6, 7, 8, 9], "{refused:?}");
        assert!(refused[0].1.contains("no item has the serial \"NOPE-9\""), "{refused:?}");
        assert!(refused[1].1.contains("explode"), "{refused:?}");
        assert!(refused[2].1.contains("RFC 3339"), "{refused:?}");
        assert!(refused[3].1.contains("before the item was registered"), "{refused:?}");

        // One pass, on the day of the latest call: the due date moves 30 days on from it.
        let pendant = item(&app, "EQ-000001").await;
        assert_eq!(pendant["next_check_due"], "2026-04-19");
        let checks = app.get("/api/v1/items/EQ-000001/checks", &app.admin).await.expect(200).json();
        let checks = checks.as_array().unwrap();
        assert_eq!(checks.len(), 1, "three calls, one pass: {checks:?}");
        assert_eq!(checks[0]["outcome"], "pass");
        assert_eq!(checks[0]["performed_at"], "2026-03-20");
        assert_eq!(checks[0]["performed_by"], "Monitoring centre");
        assert_eq!(item(&app, "EQ-000002").await["next_check_due"], "2026-03-31", "nothing recorded for it");

        // The same export again records nothing; a later heartbeat the same day adds no pass.
        let again = post_events(&app, Some(&app.admin), "text/csv", csv).await.expect(200).json();
        assert_eq!((again["recorded"].as_i64(), again["duplicates"].as_i64()), (Some(0), Some(4)));
        let later = "serial,kind,occurred_at\nPND-1,heartbeat,2026-03-20T18:00:00Z\n";
        let r = post_events(&app, Some(&app.admin), "text/csv", later).await.expect(200).json();
        assert_eq!(r["recorded"], 1);
        let checks = app.get("/api/v1/items/EQ-000001/checks", &app.admin).await.expect(200).json();
        assert_eq!(checks.as_array().unwrap().len(), 1, "at most one pass a day");

        // Every event is kept, newest first, a page at a time.
        let kept = app.get("/api/v1/telecare/events?item=EQ-000001&per_page=2", &app.admin).await.expect(200).json();
        assert_eq!(kept["total"], 4);
        assert_eq!(kept["items"][0]["occurred_at"], "2026-03-20T18:00:00Z");
        assert_eq!(kept["items"][0]["kind"], "heartbeat");
        assert_eq!(kept["items"].as_array().unwrap().len(), 2);
        app.get("/api/v1/telecare/events", &app.admin).await.expect(422);
        app.get("/api/v1/telecare/events?item=EQ-999999", &app.admin).await.expect(404);
    }

    async fn a_pass_written_in_bulk_reads_back_as_one_by_hand(app: TestApp) {
        pendants(&app).await;
        // EQ-000002 and EQ-000003: one home, one fit. The first is checked by hand, the
        // second by the centre's calls alone (the bulk path); PND-1's low battery in the same
        // export goes the one-at-a-time path.
        let by_hand = app
            .post("/api/v1/items/EQ-000002/checks", &app.admin, json!({"rule": "test call", "outcome": "pass", "performed_at": "2026-03-20"}))
            .await
            .expect(200)
            .json();
        let csv = "serial,kind,occurred_at\n\
                   PND-3,heartbeat,2026-03-20T09:00:00Z\n\
                   PND-3,test_call,2026-03-20T10:00:00Z\n\
                   PND-1,low_battery,2026-03-20T10:00:00Z\n";
        let r = post_events(&app, Some(&app.admin), "text/csv", csv).await.expect(200).json();
        assert_eq!((r["recorded"].as_i64(), r["refused"].as_array().map(Vec::len)), (Some(3), Some(0)), "{r}");
        let bulk = item(&app, "EQ-000003").await;
        for field in ["status", "version", "last_checked_at", "next_check_due", "checks_due", "fitted_at", "client", "worker"] {
            assert_eq!(bulk[field], by_hand[field], "{field}: {bulk} against {by_hand}");
        }
        assert_eq!(bulk["next_check_due"], "2026-04-19");
        assert_eq!(bulk["checks_due"][0]["last_checked_at"], "2026-03-20");
        let one_at_a_time = item(&app, "EQ-000001").await;
        for field in ["status", "version", "last_checked_at", "next_check_due", "checks_due"] {
            assert_eq!(one_at_a_time[field], bulk[field], "{field}");
        }

        let last_entry = |history: Value| history["items"].as_array().unwrap().last().cloned().unwrap();
        let hand_entry = last_entry(app.get("/api/v1/items/EQ-000002/events", &app.admin).await.expect(200).json());
        let bulk_entry = last_entry(app.get("/api/v1/items/EQ-000003/events", &app.admin).await.expect(200).json());
        let single_entry = last_entry(app.get("/api/v1/items/EQ-000001/events", &app.admin).await.expect(200).json());
        for field in ["action", "from_status", "to_status", "client_id"] {
            assert_eq!(bulk_entry[field], hand_entry[field], "{field}: {bulk_entry} against {hand_entry}");
            if field != "client_id" {
                assert_eq!(single_entry[field], hand_entry[field], "{field}");
            }
        }
        assert_eq!(bulk_entry["action"], "check_passed");
        assert_eq!(bulk_entry["notes"], "Monitoring centre: the unit reached the centre at 2026-03-20 10:00:00 UTC");
        assert_eq!(single_entry["notes"], "Monitoring centre: the unit reached the centre at 2026-03-20 10:00:00 UTC; it reported a low battery");
        assert_eq!(bulk_entry["staff_name"], "Monitoring centre");

        // The check row shares the entry's note, as a check by hand does.
        let checks = app.get("/api/v1/items/EQ-000003/checks", &app.admin).await.expect(200).json();
        let checks = checks.as_array().unwrap();
        assert_eq!(checks.len(), 1, "{checks:?}");
        assert_eq!((&checks[0]["outcome"], &checks[0]["performed_at"], &checks[0]["performed_by"]), (&json!("pass"), &json!("2026-03-20"), &json!("Monitoring centre")));
        assert_eq!(checks[0]["notes"], bulk_entry["notes"]);
        let hand_checks = app.get("/api/v1/items/EQ-000002/checks", &app.admin).await.expect(200).json();
        assert_eq!(hand_checks[0]["notes"], hand_entry["notes"]);
    }

    async fn a_json_array_is_read_and_a_bad_body_refused(app: TestApp) {
        pendants(&app).await;
        let body = json!([
            {"serial": "PND-2", "kind": "test_call", "occurred_at": "2026-03-25T08:00:00Z"},
            {"serial": "PND-2", "kind": "test_call", "occurred_at": "2026-03-25T08:00:00Z"},
            {"kind": "test_call", "occurred_at": "2026-03-25T08:00:00Z"},
            {"serial": "PND-3", "reference": "U-1", "kind": "test_call", "occurred_at": "2026-03-25T08:00:00Z"},
            {"serial": "PND-3", "kind": "heartbeat", "occurred_at": "2099-01-01T00:00:00Z"},
            {"serial": "PND-3", "kind": "heartbeat", "occurred_at": "2026-03-25T08:00:00Z"}
        ]);
        app.post("/api/v1/items/EQ-000003/return", &app.admin, json!({})).await.expect(200);
        app.post("/api/v1/items/EQ-000003/condemn", &app.admin, json!({"reason_code": "lost", "reason": "not found at the home"}))
            .await
            .expect(200);
        let r = post_events(&app, Some(&app.admin), "application/json", &body.to_string()).await.expect(200).json();
        assert_eq!((r["received"].as_i64(), r["recorded"].as_i64(), r["duplicates"].as_i64()), (Some(6), Some(1), Some(1)));
        let refused = refused_lines(&r, "index");
        assert_eq!(refused.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [2, 3, 4, 5], "{refused:?}");
        assert!(refused[0].1.contains("reference or serial is required"));
        assert!(refused[1].1.contains("not both"));
        assert!(refused[2].1.contains("future"));
        assert!(refused[3].1.contains("EQ-000003 is condemned"), "{refused:?}");
        assert_eq!(item(&app, "EQ-000002").await["next_check_due"], "2026-04-24");

        post_events(&app, Some(&app.admin), "application/json", "[{\"serial\": ").await.expect(400);
        post_events(&app, Some(&app.admin), "application/json", "{\"serial\": \"PND-1\"}").await.expect(422);
        post_events(&app, Some(&app.admin), "application/json", "[{\"serial\": 7}]").await.expect(422);
        let r = post_events(&app, Some(&app.admin), "text/csv", "serial,when\nPND-1,2026-03-25T08:00:00Z\n").await.expect(422).json();
        assert_eq!(r["errors"][0]["field"], "file");
        post_events(&app, Some(&app.admin), "text/plain", "serial,kind,occurred_at\n").await.expect(415);
        // A spreadsheet's byte order mark before the header is no part of the first column's name.
        let bom = "\u{feff}serial,kind,occurred_at\nPND-1,test_call,2026-03-26T08:00:00Z\n";
        let r = post_events(&app, Some(&app.admin), "text/csv", bom).await.expect(200).json();
        assert_eq!(r["recorded"], 1);
        let (_, worker_token) = app.user_with_id("worker");
        post_events(&app, Some(&worker_token), "text/csv", "serial,kind,occurred_at\n").await.expect(403);
        post_events(&app, Some("not-a-token"), "text/csv", "serial,kind,occurred_at\n").await.expect(401);
    }

    async fn a_fault_quarantines_the_pendant_and_mails_its_worker_once(app: TestApp) {
        let (worker_email, _, _) = pendants(&app).await;
        let body = json!([
            {"serial": "PND-1", "kind": "fault", "occurred_at": "2026-03-22T02:00:00Z", "centre": "Careline North"},
            {"serial": "PND-1", "kind": "fault", "occurred_at": "2026-03-22T02:30:00Z"},
            {"serial": "PND-2", "kind": "low_battery", "occurred_at": "2026-03-23T07:00:00Z"}
        ]);
        let r = post_events(&app, Some(&app.admin), "application/json", &body.to_string()).await.expect(200).json();
        assert_eq!(r["recorded"], 3);

        // The fault: a failed test call, the pendant quarantined with a dangerous defect.
        let pendant = item(&app, "EQ-000001").await;
        assert_eq!(pendant["status"], "quarantined");
        let defects = pendant["open_defects"].as_array().unwrap();
        assert_eq!(defects.len(), 1, "two faults while one is open: one defect");
        assert_eq!(defects[0]["dangerous"], true);
        let scan = app.get("/api/v1/scan?code=EQ-000001", &app.admin).await.expect(200).json();
        assert_eq!(scan["safe_to_use"], false);
        let checks = app.get("/api/v1/items/EQ-000001/checks", &app.admin).await.expect(200).json();
        assert_eq!(checks[0]["outcome"], "fail");

        // The low battery: the unit reached the centre (a pass), and a defect due in 3 days.
        let other = item(&app, "EQ-000002").await;
        assert_eq!(other["status"], "in_use");
        assert_eq!(other["next_check_due"], "2026-04-22");
        assert_eq!(other["open_defects"][0]["remedy_by"], "2026-03-26");
        assert_eq!(other["open_defects"][0]["dangerous"], false);

        let mail = app.smtp.wait_for(2, 20).await;
        let to_worker = app.smtp.to(&worker_email);
        assert_eq!(to_worker.len(), 2, "{:?}", mail.iter().map(|m| m.subject()).collect::<Vec<_>>());
        let fault = to_worker.iter().find(|m| m.subject().starts_with("Telecare fault: EQ-000001")).expect("the fault's mail");
        let text = fault.part("text/plain").unwrap();
        assert!(text.contains("Careline North reported a fault"), "{text}");
        assert!(text.contains("quarantined"), "{text}");
        assert!(to_worker.iter().any(|m| m.subject().starts_with("Telecare low battery: EQ-000002")));

        // Sent again: nothing more recorded, no second mail.
        let again = post_events(&app, Some(&app.admin), "application/json", &body.to_string()).await.expect(200).json();
        assert_eq!((again["recorded"].as_i64(), again["duplicates"].as_i64()), (Some(0), Some(3)));
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(app.smtp.to(&worker_email).len(), 2);
        assert_eq!(queued(&app, "centre_alarm").await.len(), 2);
    }

    async fn a_signed_webhook_is_checked_good_tampered_stale_and_replayed(app: TestApp) {
        pendants(&app).await;
        let body = json!([{"serial": "PND-3", "kind": "test_call", "occurred_at": "2026-03-28T12:00:00Z"}]).to_string();
        let now = chrono::Utc::now().timestamp();

        let r = deliver(&app, now, &body, &body).await.expect(200).json();
        assert_eq!(r["recorded"], 1);
        assert_eq!(item(&app, "EQ-000003").await["next_check_due"], "2026-04-27");

        // Replayed within the window: accepted, nothing recorded again.
        let r = deliver(&app, now, &body, &body).await.expect(200).json();
        assert_eq!((r["recorded"].as_i64(), r["duplicates"].as_i64()), (Some(0), Some(1)));
        let checks = app.get("/api/v1/items/EQ-000003/checks", &app.admin).await.expect(200).json();
        assert_eq!(checks.as_array().unwrap().len(), 1);

        // Tampered: the body changed after signing.
        let tampered = body.replace("PND-3", "PND-2");
        let r = deliver(&app, now, &body, &tampered).await.expect(401).json();
        assert!(r["detail"].as_str().unwrap().contains("does not match"), "{r}");
        assert_eq!(item(&app, "EQ-000002").await["next_check_due"], "2026-03-31", "nothing recorded");

        // Stale: signed ten minutes ago.
        let r = deliver(&app, now - 600, &body, &body).await.expect(401).json();
        assert!(r["detail"].as_str().unwrap().contains("stale"), "{r}");

        // No token and no signature.
        post_events(&app, None, "application/json", &body).await.expect(401);
        let r = app.request_with("POST", "/api/v1/telecare/events", &[("X-Equiptrack-Signature", "v1=abc")],
            Some(("application/json", body.as_bytes().to_vec()))).await.expect(401).json();
        assert!(r["detail"].as_str().unwrap().contains("t=<unix seconds>"), "{r}");
    }

    async fn a_pendant_whose_calls_keep_arriving_is_not_in_the_digest(app: TestApp) {
        let (worker_email, _, _) = pendants(&app).await;
        // EQ-000001 calls in every fortnight; EQ-000002 called once, on 5 Mar; EQ-000003 never.
        let csv = "serial,kind,occurred_at\n\
                   PND-1,test_call,2026-03-14T10:00:00Z\n\
                   PND-1,test_call,2026-03-28T10:00:00Z\n\
                   PND-1,heartbeat,2026-04-11T10:00:00Z\n\
                   PND-2,test_call,2026-03-05T10:00:00Z\n";
        post_events(&app, Some(&app.admin), "text/csv", csv).await.expect(200);
        // Wed 15 Apr: EQ-000002 was due 4 Apr, EQ-000003 31 Mar; EQ-000001 not until 11 May.
        let summary = sweep(&app, NaiveDate::from_ymd_opt(2026, 4, 15).unwrap()).await;
        assert_eq!(summary.due_checks, 2);
        let mail = app.smtp.wait_for(1, 20).await;
        let digest = app.smtp.to(&worker_email);
        assert_eq!(digest.len(), 1, "{:?}", mail.iter().map(|m| m.subject()).collect::<Vec<_>>());
        let text = digest[0].part("text/plain").unwrap();
        assert!(!text.contains("EQ-000001"), "{text}");
        assert!(text.contains("EQ-000002") && text.contains("last test call Thu 5 Mar 2026"), "{text}");
        assert!(text.contains("EQ-000003") && text.contains("last test call: none recorded"), "{text}");
        let html = digest[0].part("text/html").unwrap();
        assert!(html.contains("last test call Thu 5 Mar 2026"), "{html}");
    }
}

both_backends! {
    // Events named by a home's unit reference: the installation's, narrowed by centre.
    async fn events_by_reference(app: TestApp) {
        let (_, a, b) = pendants(&app).await;
        for (client, centre) in [(a, "Careline North"), (b, "Careline South")] {
            let installation = json!({
                "monitoring_centre": centre, "unit_reference": "U-100", "connection": "pstn",
                "provider_told": false, "router_battery": "unknown", "responders": [], "key_safe": false,
                "switchover": {"status": "not_started"}
            });
            let r = app
                .request(
                    "PUT",
                    &format!("/api/v1/clients/{client}/telecare"),
                    Some(&app.admin),
                    Some(("application/json", installation.to_string().into_bytes())),
                )
                .await;
            assert!(r.status == 200 || r.status == 201, "{}", r.text());
        }
        let body = json!([
            {"reference": "U-100", "kind": "test_call", "occurred_at": "2026-03-25T08:00:00Z"},
            {"reference": "U-100", "centre": "careline south", "kind": "test_call", "occurred_at": "2026-03-25T08:00:00Z"},
            {"reference": "U-404", "kind": "test_call", "occurred_at": "2026-03-25T08:00:00Z"}
        ]);
        let r = post_events(&app, Some(&app.admin), "application/json", &body.to_string())
            .await
            .expect(200)
            .json();
        assert_eq!(r["recorded"], 1);
        let refused = refused_lines(&r, "index");
        assert_eq!(
            refused.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            [0, 2],
            "{refused:?}"
        );
        assert!(refused[0].1.contains("give the centre"), "{refused:?}");
        assert!(refused[1].1.contains("no installation"), "{refused:?}");
        // Careline South's U-100 is SC-B's home: both its pendants passed.
        assert_eq!(item(&app, "EQ-000001").await["next_check_due"], "2026-03-31");
        assert_eq!(item(&app, "EQ-000002").await["next_check_due"], "2026-04-24");
        assert_eq!(item(&app, "EQ-000003").await["next_check_due"], "2026-04-24");
    }
}

both_backends! {
    // A reference names the home's unit: a fault is its base unit's, while a test call
    // (pressed on a pendant, carried by the unit) reaches every item with a test call rule.
    async fn a_fault_named_by_reference_is_the_base_units(app: TestApp) {
        let (_, a, _) = pendants(&app).await;
        app.post(
            "/api/v1/equipment-types",
            &app.admin,
            json!({
                "code": "BASE", "name": "Telecare base unit", "category": "telecare",
                "requires_decontamination": false,
                "check_rules": [{"name": "heartbeat", "interval_days": 30, "kind": "test_call"}]
            }),
        )
        .await
        .expect(201);
        app.item("BASE", json!({"serial_number": "BU-1"})).await;
        app.registered_on("EQ-000004", "2026-01-01");
        let (worker, _, _) = app.staff("worker");
        app.post("/api/v1/items/EQ-000004/issue", &app.admin, json!({"client_id": a, "worker_id": worker}))
            .await
            .expect(200);
        app.post("/api/v1/items/EQ-000004/fit", &app.admin, json!({"fitted_at": "2026-03-01"}))
            .await
            .expect(200);
        let installation = json!({
            "monitoring_centre": "Careline North", "unit_reference": "U-7", "base_unit": "EQ-000004",
            "connection": "pstn", "provider_told": false, "router_battery": "unknown",
            "responders": [], "key_safe": false, "switchover": {"status": "not_started"}
        });
        app.request(
            "PUT",
            &format!("/api/v1/clients/{a}/telecare"),
            Some(&app.admin),
            Some(("application/json", installation.to_string().into_bytes())),
        )
        .await
        .expect(201);

        let fault = json!([{"reference": "U-7", "kind": "fault", "occurred_at": "2026-03-25T08:00:00Z"}]);
        let r = post_events(&app, Some(&app.admin), "application/json", &fault.to_string())
            .await
            .expect(200)
            .json();
        assert_eq!(r["recorded"], 1, "{r}");
        assert_eq!(item(&app, "EQ-000004").await["status"], "quarantined");
        let pendant = item(&app, "EQ-000001").await;
        assert_eq!((&pendant["status"], &pendant["next_check_due"]), (&json!("in_use"), &json!("2026-03-31")));

        let call = json!([{"reference": "U-7", "kind": "test_call", "occurred_at": "2026-03-26T08:00:00Z"}]);
        post_events(&app, Some(&app.admin), "application/json", &call.to_string())
            .await
            .expect(200);
        assert_eq!(item(&app, "EQ-000001").await["next_check_due"], "2026-04-25");
    }
}
