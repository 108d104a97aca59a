//! Issue 13, point 3: the imports a live service needs. Clients from a file, and items
//! already in homes whose due dates come out as if their last checks had been recorded.

use chrono::{Days, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::cli::equiptrack;
use crate::support::TestApp;

fn days_ago(n: u64) -> NaiveDate {
    Utc::now().date_naive().checked_sub_days(Days::new(n)).unwrap()
}

fn problems(reply: &Value) -> Vec<(String, String)> {
    reply["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn client_count(app: &TestApp) -> Value {
    app.get("/api/v1/clients", &app.admin).await.expect(200).json()["total"].clone()
}

fn dues(item: &Value) -> Value {
    json!({
        "checks_due": item["checks_due"], "next_check_due": item["next_check_due"],
        "last_checked_at": item["last_checked_at"], "fitted_at": item["fitted_at"], "status": item["status"],
    })
}

both_backends! {
    async fn a_clean_clients_file_creates_every_client(app: TestApp) {
        let csv = "reference,name,address,postcode,phone\n\
                   C-1,Margaret Oduya,\"1 High Street, Leeds\",ls6 2ab,0113 496 0000\n\
                   C-2,Tom Price,2 Low Road,LS1 1AA,\n";
        let r = app.post_csv("/api/v1/clients/import", &app.admin, csv).await.expect(201).json();
        assert_eq!(r, json!({"created": 2}));
        let found = app.get("/api/v1/clients?q=c-1", &app.admin).await.expect(200).json();
        assert_eq!(found["total"], 1);
        assert_eq!(found["items"][0]["address"], "1 High Street, Leeds");
        assert_eq!(found["items"][0]["postcode"], "LS6 2AB", "the postcode as a client created alone keeps it");
        let stores = app.user("stores");
        let csv = "reference,name,address,postcode\nC-3,Ann Lee,3 Mill Lane,LS2 2BB\n";
        app.post_csv("/api/v1/clients/import", &stores, csv).await.expect(201);
        let worker = app.user("worker");
        app.post_csv("/api/v1/clients/import", &worker, csv).await.expect(403);
        app.request("POST", "/api/v1/clients/import", None, Some(("text/csv", csv.as_bytes().to_vec()))).await.expect(401);
        app.request("POST", "/api/v1/clients/import", Some(&app.admin), Some(("application/json", b"{}".to_vec()))).await.expect(415);
        assert_eq!(client_count(&app).await, 3);
    }

    async fn a_bad_clients_file_writes_nothing_and_names_each_line(app: TestApp) {
        app.client_person("TAKEN-1", "Someone Else", "LS6 2AB").await;
        let csv = "reference,name,address,postcode,phone\n\
                   N-1,Ann Lee,3 Mill Lane,LS2 2BB,\n\
                   N-1,Ann Lee,3 Mill Lane,LS2 2BB,\n\
                   TAKEN-1,Bob Hall,4 Mill Lane,LS2 2BB,\n\
                   N-2,,5 Mill Lane,LS2 2BB,\n\
                   N-3,Cy Dunn,6 Mill Lane,NOPE,\n";
        let r = app.post_csv("/api/v1/clients/import", &app.admin, csv).await.expect(422).json();
        let found = problems(&r);
        let lines: Vec<&str> = found.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(lines, ["line 3", "line 4", "line 5", "line 6"], "{found:?}");
        assert!(found[0].1.starts_with("reference:") && found[0].1.contains("line 2"), "{found:?}");
        assert!(found[1].1.starts_with("reference:") && found[1].1.contains("already exists"), "{found:?}");
        assert_eq!(found[2].1, "name: is required");
        assert!(found[3].1.starts_with("postcode:"), "{found:?}");
        assert_eq!(client_count(&app).await, 1, "nothing was written");
        let r = app.post_csv("/api/v1/clients/import", &app.admin, "reference,name\nA,B\n").await.expect(422).json();
        assert_eq!(r["errors"][0]["field"], "line 1");
    }

    async fn clients_import_from_the_command_line(app: TestApp) {
        let url = app.settings.database.target.to_url();
        let bad = app.dir.path().join("bad.csv");
        std::fs::write(&bad, "reference,name,address,postcode\nK-1,Ann Lee,3 Mill Lane,LS2 2BB\nK-1,Bo Lee,4 Mill Lane,LS2 2BB\n").unwrap();
        let out = equiptrack(app.dir.path(), &url).args(["import", "clients"]).arg(&bad).output().unwrap();
        assert!(!out.status.success());
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("line 3") && said.contains("reference"), "{said}");
        assert_eq!(client_count(&app).await, 0);
        let good = app.dir.path().join("good.csv");
        std::fs::write(&good, "reference,name,address,postcode\nK-1,Ann Lee,3 Mill Lane,LS2 2BB\nK-2,Bo Lee,4 Mill Lane,LS2 2BB\n").unwrap();
        let out = equiptrack(app.dir.path(), &url).args(["import", "clients"]).arg(&good).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("imported 2 clients"));
        assert_eq!(client_count(&app).await, 2);
    }

    async fn items_imported_in_homes_fall_due_as_if_their_checks_had_been_recorded(app: TestApp) {
        app.stairlift_type().await;
        let client = app.client_person("H-1", "Margaret Oduya", "LS6 2AB").await;
        let (worker, worker_token, worker_email) = app.staff("worker");
        let (fitted, examined) = (days_ago(300), days_ago(100));

        // The same history recorded through the API, one move at a time.
        let recorded = app.item("STAIRLIFT-STRAIGHT", json!({"asset_tag": "API-1"})).await;
        assert_eq!(recorded["asset_tag"], "API-1");
        app.registered_on("API-1", &days_ago(400).to_string());
        app.post("/api/v1/items/API-1/issue", &app.admin, json!({"client_id": client, "worker_id": worker})).await.expect(200);
        app.post("/api/v1/items/API-1/fit", &worker_token, json!({"fitted_at": fitted.to_string()})).await.expect(200);
        let by_api = app.post("/api/v1/items/API-1/checks", &worker_token, json!({
            "rule": "LOLER thorough examination", "outcome": "pass", "performed_at": examined.to_string()
        })).await.expect(200).json();

        let csv = format!(
            "asset_tag,type,status,client_reference,fitted_at,worker_email,last_check:LOLER thorough examination\n\
             IMP-1,STAIRLIFT-STRAIGHT,in_use,H-1,{fitted},{worker_email},{examined}\n\
             IMP-2,STAIRLIFT-STRAIGHT,in_use,H-1,{fitted},,\n"
        );
        let r = app.post_csv("/api/v1/items/import", &app.admin, &csv).await.expect(201).json();
        assert_eq!(r["imported"], 2);
        let imported = app.get("/api/v1/items/IMP-1", &app.admin).await.expect(200).json();
        assert_eq!(dues(&imported), dues(&by_api), "the same dates as the recorded check");
        assert_eq!(imported["checks_due"][0]["last_checked_at"], examined.to_string());
        assert_eq!(imported["client"]["id"], client);
        assert_eq!(imported["worker"]["id"], worker);
        // Without a last check, each rule runs from the fit, as after a fit through the API.
        let fit_only = app.get("/api/v1/items/IMP-2", &app.admin).await.expect(200).json();
        assert_eq!(fit_only["checks_due"][0]["next_due"], fitted.checked_add_days(Days::new(182)).unwrap().to_string());
        assert_eq!(fit_only["worker"], Value::Null);

        let history = app.get("/api/v1/items/IMP-1/events", &app.admin).await.expect(200).json();
        assert_eq!(history["items"][0]["action"], "imported");
        assert_eq!(history["items"][0]["to_status"], "in_use");
        let notes = history["items"][0]["notes"].as_str().unwrap();
        assert!(notes.contains("line 2"), "{notes}");
        let notes = app.get("/api/v1/items/IMP-2/events", &app.admin).await.expect(200).json()["items"][0]["notes"].clone();
        assert!(notes.as_str().unwrap().contains("line 3"), "{notes}");

        // The register holds the item from its fit: a check done since is recorded as usual.
        let later = days_ago(10).to_string();
        let checked = app.post("/api/v1/items/IMP-1/checks", &worker_token, json!({
            "rule": "LOLER thorough examination", "outcome": "pass", "performed_at": later
        })).await.expect(200).json();
        assert_eq!(checked["checks_due"][0]["last_checked_at"], later);
    }

    async fn a_bad_items_file_in_homes_writes_nothing_and_names_line_and_column(app: TestApp) {
        app.stairlift_type().await;
        app.frame_type().await;
        app.client_person("H-1", "Margaret Oduya", "LS6 2AB").await;
        let tomorrow = Utc::now().date_naive().checked_add_days(Days::new(1)).unwrap();
        let csv = format!(
            "type,status,client_reference,fitted_at,last_check:LOLER thorough examination\n\
             STAIRLIFT-STRAIGHT,in_use,,2026-01-10,\n\
             STAIRLIFT-STRAIGHT,in_use,NOBODY,2026-01-10,\n\
             FRAME-WALKING,in_store,,,2026-01-10\n\
             STAIRLIFT-STRAIGHT,in_use,H-1,2026-01-10,{tomorrow}\n\
             STAIRLIFT-STRAIGHT,lent,,,\n"
        );
        let r = app.post_csv("/api/v1/items/import", &app.admin, &csv).await.expect(422).json();
        let found = problems(&r);
        let lines: Vec<&str> = found.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(lines, ["line 2", "line 3", "line 4", "line 5", "line 6"], "{found:?}");
        assert_eq!(found[0].1, "client_reference: is required for an item in_use");
        assert!(found[1].1.starts_with("client_reference:"), "{found:?}");
        assert!(found[2].1.starts_with("last_check:LOLER thorough examination:"), "{found:?}");
        assert!(found[3].1.contains("future"), "{found:?}");
        assert!(found[4].1.starts_with("status:"), "{found:?}");
        let r = app.post_csv("/api/v1/items/import", &app.admin, "type,last_check:annual polish\nFRAME-WALKING,2026-01-10\n")
            .await.expect(422).json();
        assert_eq!(r["errors"][0]["field"], "line 1");
        assert!(r["errors"][0]["message"].as_str().unwrap().contains("last_check:annual polish"), "{r}");
        let all = app.get("/api/v1/items", &app.admin).await.expect(200).json();
        assert_eq!(all["total"], 0, "nothing was imported");
    }
}
