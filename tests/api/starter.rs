//! The starter catalogue: on a first start unless switched off, and `equiptrack catalogue
//! starter` on demand, which adds what is missing and leaves what exists.

use serde_json::{Value, json};

use crate::cli::equiptrack;
use crate::served::{Served, database_url};
use crate::smtp::SmtpSink;
use crate::support::{Backend, TestApp};

const STARTER_TYPES: usize = 12;
const SWITCH: &str = "EQUIPTRACK__SERVICE__STARTER_CATALOGUE";

/// The type with `code` in a list answer.
fn by_code<'a>(list: &'a Value, code: &str) -> &'a Value {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == code)
        .unwrap_or_else(|| panic!("no type {code} in {list}"))
}

/// A type's rules without their ids, in the order listed.
fn rules(t: &Value) -> Vec<Value> {
    t["check_rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            json!({"name": r["name"], "interval_days": r["interval_days"], "kind": r["kind"],
                   "due_on_fit": r["due_on_fit"], "lead_days": r["lead_days"]})
        })
        .collect()
}

fn starter_lines(s: &Served) -> Vec<String> {
    s.log()
        .into_iter()
        .filter(|l| l.contains("starter catalogue"))
        .collect()
}

async fn a_first_start_has_the_starter_catalogue(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(url) = database_url(backend, dir.path()) else {
        return;
    };
    let smtp = SmtpSink::start();
    let mut s = Served::start(dir.path(), &url, smtp.port, &[(SWITCH, "true")]);
    let admin = s.admin();
    let list = s
        .get("/api/v1/equipment-types?per_page=100", &admin)
        .await
        .expect(200)
        .json();
    assert_eq!(list["total"], STARTER_TYPES, "{list}");

    let stairlift = by_code(&list, "STAIRLIFT");
    assert_eq!(stairlift["category"], "stairlift");
    assert_eq!(stairlift["requires_decontamination"], true);
    assert_eq!(
        rules(stairlift),
        vec![
            json!({"name": "thorough examination", "interval_days": 182, "kind": "examination",
                   "due_on_fit": true, "lead_days": null}),
            json!({"name": "manufacturer service", "interval_days": 365, "kind": "inspection",
                   "due_on_fit": false, "lead_days": null}),
        ]
    );
    assert_eq!(
        rules(by_code(&list, "TELECARE-PENDANT")),
        vec![
            json!({"name": "test call", "interval_days": 30, "kind": "test_call",
                    "due_on_fit": false, "lead_days": null})
        ]
    );
    // A base unit's heartbeat arrives from its monitoring centre, like a pendant's test call.
    assert!(rules(by_code(&list, "TELECARE-BASE-DIGITAL")).contains(&json!({
        "name": "heartbeat", "interval_days": 30, "kind": "test_call",
        "due_on_fit": false, "lead_days": null
    })));
    // A sling lifts a person but has no motor: examined, not serviced.
    assert_eq!(rules(by_code(&list, "SLING")).len(), 1);
    assert_eq!(
        rules(by_code(&list, "ROLLATOR"))[0]["interval_days"],
        365,
        "walking aids have a yearly safety check"
    );

    let said = starter_lines(&s);
    assert_eq!(said.len(), 1, "one line about the starter catalogue: {said:?}");
    assert!(said[0].contains(&STARTER_TYPES.to_string()), "{said:?}");

    // A later start finds a catalogue and loads nothing.
    drop(s);
    let mut again = Served::start(dir.path(), &url, smtp.port, &[(SWITCH, "true")]);
    let list = again
        .get("/api/v1/equipment-types?per_page=100", &admin)
        .await
        .expect(200)
        .json();
    assert_eq!(list["total"], STARTER_TYPES);
    assert!(starter_lines(&again).is_empty(), "{:?}", again.log());
}

async fn switched_off_a_first_start_leaves_the_catalogue_empty(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(url) = database_url(backend, dir.path()) else {
        return;
    };
    let smtp = SmtpSink::start();
    let mut s = Served::start(dir.path(), &url, smtp.port, &[(SWITCH, "false")]);
    let admin = s.admin();
    let list = s.get("/api/v1/equipment-types", &admin).await.expect(200).json();
    assert_eq!(list["total"], 0, "{list}");
    assert!(starter_lines(&s).is_empty(), "{:?}", s.log());
}

#[actix_web::test]
async fn a_first_start_has_the_starter_catalogue_on_sqlite() {
    a_first_start_has_the_starter_catalogue(Backend::Sqlite).await;
}

#[actix_web::test]
async fn a_first_start_has_the_starter_catalogue_on_postgres() {
    a_first_start_has_the_starter_catalogue(Backend::Postgres).await;
}

#[actix_web::test]
async fn switched_off_a_first_start_leaves_the_catalogue_empty_on_sqlite() {
    switched_off_a_first_start_leaves_the_catalogue_empty(Backend::Sqlite).await;
}

#[actix_web::test]
async fn switched_off_a_first_start_leaves_the_catalogue_empty_on_postgres() {
    switched_off_a_first_start_leaves_the_catalogue_empty(Backend::Postgres).await;
}

/// `equiptrack catalogue starter` against the app's database: its exit and standard output.
fn catalogue_starter(app: &TestApp) -> String {
    let out = equiptrack(app.dir.path(), &app.settings.database.target.to_url())
        .args(["catalogue", "starter"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

both_backends! {
    async fn catalogue_starter_adds_what_is_missing_then_skips_everything_on_a_second_run(app: TestApp) {
        // The service already has its own stairlift type, with its own rule.
        app.post(
            "/api/v1/equipment-types",
            &app.admin,
            json!({"code": "stairlift", "name": "Our stairlift", "category": "stairlift",
                   "check_interval_days": 90}),
        )
        .await
        .expect(201);

        let first = catalogue_starter(&app);
        assert!(first.contains("skipped STAIRLIFT"), "{first}");
        assert!(first.contains("added HOIST-MOBILE (Mobile hoist): thorough examination every 182 days, manufacturer service every 365 days"), "{first}");
        assert!(first.contains("added TELECARE-PENDANT"), "{first}");
        assert!(
            first.lines().last().unwrap().contains("11 types added, 1 skipped"),
            "{first}"
        );
        let list = app
            .get("/api/v1/equipment-types?per_page=100", &app.admin)
            .await
            .expect(200)
            .json();
        assert_eq!(list["total"], STARTER_TYPES);
        let ours = by_code(&list, "STAIRLIFT");
        assert_eq!(ours["name"], "Our stairlift");
        assert_eq!(rules(ours).len(), 1);
        assert_eq!(rules(ours)[0]["interval_days"], 90);

        let second = catalogue_starter(&app);
        assert!(!second.contains("added "), "{second}");
        assert!(
            second.lines().last().unwrap().contains("0 types added, 12 skipped"),
            "{second}"
        );
        let list = app
            .get("/api/v1/equipment-types?per_page=100", &app.admin)
            .await
            .expect(200)
            .json();
        assert_eq!(list["total"], STARTER_TYPES);

        // A starter type is an ordinary type: it can be edited.
        app.patch(
            "/api/v1/equipment-types/ROLLATOR",
            &app.admin,
            json!({"name": "Four-wheeled rollator"}),
        )
        .await
        .expect(200);
    }
}
