//! The log of a whole working day, from the real binary: one line per request with its
//! fields, the sweep and the dispatcher saying what they did, and nobody's details anywhere.

use serde_json::{Value, json};

use crate::served::{Served, command, database_url};
use crate::smtp::SmtpSink;
use crate::support::Backend;

const NAME: &str = "Zebedee Quarrington";
const ADDRESS: &str = "17 Wolfhampcote Lane, Otley";
const POSTCODE: &str = "ZZ9 4QX";
const PHONE: &str = "07700 900461";
const REFERENCE: &str = "REF-ZQ-77";
const NOTE: &str = "hinge cracked beside the Quarrington bath";
const STAFF_NAME: &str = "Quentin Ulverscroft";
const STAFF_EMAIL: &str = "quentin.ulverscroft@example.org";
const PASSWORD: &str = "a long enough password";

/// What must never be in a log line, in any case: the people's details, every part of
/// them, and the concrete paths and queries that carried them.
const NEVER_LOGGED: [&str; 16] = [
    NAME,
    "Zebedee",
    "Quarrington",
    ADDRESS,
    "Wolfhampcote",
    POSTCODE,
    PHONE,
    REFERENCE,
    NOTE,
    "hinge cracked",
    STAFF_NAME,
    "Ulverscroft",
    STAFF_EMAIL,
    "quentin.ulverscroft",
    "/api/v1/items/ZQT-991",
    "q=Quarr",
];

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    let encode = |v: &str| {
        v.bytes()
            .map(|b| match b {
                b if b.is_ascii_alphanumeric() => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// A request line's fields, from either format.
fn request_fields(line: &str) -> Option<serde_json::Map<String, Value>> {
    if let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(line) {
        return (fields.get("message") == Some(&json!("request"))).then_some(fields);
    }
    let rest = &line[line.find("equiptrack::request: request ")? + 29..];
    let fields = rest
        .split(' ')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| {
            let v = v.trim_matches('"');
            let value = v.parse::<f64>().map_or_else(|_| json!(v), |n| json!(n));
            (k.to_string(), value)
        })
        .collect();
    Some(fields)
}

async fn a_day_in_the_log(backend: Backend, format: &str) {
    let dir = tempfile::tempdir().unwrap();
    let Some(url) = database_url(backend, dir.path()) else {
        return;
    };
    let smtp = SmtpSink::start();
    let env = [("EQUIPTRACK__LOG__FORMAT", format)];
    let mut s = Served::start(dir.path(), &url, smtp.port, &env);
    let admin = s.admin();

    s.post(
        "/api/v1/equipment-types",
        &admin,
        json!({
            "code": "COMMODE", "name": "Commode", "category": "other", "check_interval_days": 30
        }),
    )
    .await
    .expect(201);
    s.post(
        "/api/v1/items",
        &admin,
        json!({"type": "COMMODE", "asset_tag": "ZQT-991", "batch": "LOT-ZQ"}),
    )
    .await
    .expect(201);
    let worker = s
        .post(
            "/api/v1/staff",
            &admin,
            json!({
                "email": STAFF_EMAIL, "name": STAFF_NAME, "role": "worker", "password": PASSWORD
            }),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_i64()
        .unwrap();
    let client = s
        .post(
            "/api/v1/clients",
            &admin,
            json!({
                "reference": REFERENCE, "name": NAME, "address": ADDRESS, "postcode": POSTCODE, "phone": PHONE
            }),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_i64()
        .unwrap();
    let item = "/api/v1/items/ZQT-991";
    s.post(
        &format!("{item}/issue"),
        &admin,
        json!({"client_id": client, "worker_id": worker, "notes": NOTE}),
    )
    .await
    .expect(200);
    s.post(
        &format!("{item}/fit"),
        &admin,
        json!({"fitted_at": "2026-11-01", "notes": NOTE}),
    )
    .await
    .expect(200);

    // The morning sweep, from the command line, for a day the check is long overdue: a
    // digest to the worker and one to stores, both naming the client and the home.
    let swept = command(dir.path(), &url, smtp.port, &env)
        .args(["reminders", "run", "--as-of", "2026-12-20"])
        .output()
        .unwrap();
    assert!(
        swept.status.success(),
        "{}",
        String::from_utf8_lossy(&swept.stderr)
    );
    let cli_log = String::from_utf8_lossy(&swept.stderr).into_owned();

    s.post(
        &format!("{item}/checks"),
        &admin,
        json!({
            "outcome": "fail", "notes": NOTE
        }),
    )
    .await
    .expect(200);
    s.post(
        "/api/v1/recalls",
        &admin,
        json!({
            "reference": "MDA-ZQ", "title": "Hinge may crack", "type": "COMMODE", "batch": "LOT-ZQ"
        }),
    )
    .await
    .expect(201);
    // Two digests, the failed check to stores, the recall to the worker and to stores.
    let mail = smtp.wait_for(5, 30).await;
    assert!(
        mail.len() >= 5 && mail.iter().filter(|m| m.raw.contains("Quarrington")).count() >= 3,
        "the client's details went out by mail, so the log had every chance to show them: {}",
        mail.len()
    );
    s.post(&format!("{item}/return"), &admin, json!({"notes": NOTE}))
        .await
        .expect(200);
    let auth = format!("Bearer {admin}");
    s.call(
        "DELETE",
        &format!("/api/v1/clients/{client}"),
        &[("Authorization", &auth)],
        None,
    )
    .await
    .expect(200);

    // Bad requests that carry the same details.
    s.post(
        "/api/v1/clients",
        &admin,
        json!({"name": NAME, "address": ADDRESS, "postcode": 7}),
    )
    .await
    .expect(422);
    let torn = format!("{{\"name\": \"{NAME}\", \"address\": ");
    s.call(
        "POST",
        "/api/v1/clients",
        &[("Authorization", &auth)],
        Some(("application/json", torn.into_bytes())),
    )
    .await
    .expect(400);
    s.get("/api/v1/items?q=Quarrington", &admin).await.expect(200);
    s.get("/api/v1/items/ZQT-404", &admin).await.expect(404);
    s.call("GET", item, &[], None).await.expect(401);
    // A failed sign-in with the worker's address.
    let page = s.call("GET", "/login", &[], None).await.expect(200);
    let csrf = page
        .cookies
        .iter()
        .find_map(|c| c.strip_prefix("et_login=")?.split(';').next())
        .expect("a sign-in CSRF cookie")
        .to_string();
    let cookie = format!("et_login={csrf}");
    let signed_in = s
        .call(
            "POST",
            "/login",
            &[("Cookie", &cookie)],
            Some((
                "application/x-www-form-urlencoded",
                form(&[
                    ("email", STAFF_EMAIL),
                    ("password", "not the password"),
                    ("csrf", &csrf),
                    ("next", "/scan"),
                ]),
            )),
        )
        .await;
    assert!(
        signed_in.status >= 400,
        "a wrong password is refused: {}",
        signed_in.status
    );

    // The request id: a sane one is kept, anything else replaced by a new one.
    let kept = s
        .call("GET", "/healthz", &[("X-Request-Id", "ops-test-42")], None)
        .await
        .expect(200);
    assert_eq!(kept.request_id.as_deref(), Some("ops-test-42"));
    let replaced = s
        .call("GET", "/healthz", &[("X-Request-Id", STAFF_EMAIL)], None)
        .await
        .expect(200);
    let new_id = replaced.request_id.expect("an id is always returned");
    assert!(
        new_id.len() == 32 && new_id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{new_id}"
    );

    s.terminate();
    let status = s.wait(60).expect("the service stops");
    assert!(status.success(), "{status}");

    let service_log = s.log();
    let lines: Vec<&str> = service_log
        .iter()
        .map(String::as_str)
        .chain(cli_log.lines())
        .collect();
    for line in &lines {
        let lower = line.to_lowercase();
        for secret in NEVER_LOGGED {
            assert!(
                !lower.contains(&secret.to_lowercase()),
                "{secret:?} logged: {line}"
            );
        }
    }

    let requests: Vec<_> = service_log.iter().filter_map(|l| request_fields(l)).collect();
    assert_eq!(
        requests.len(),
        s.requests,
        "one line per request:\n{}",
        service_log.join("\n")
    );
    for fields in &requests {
        for key in ["method", "route", "status", "latency_ms", "request_id"] {
            assert!(fields.contains_key(key), "{key} missing from {fields:?}");
        }
        assert!(
            fields["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0),
            "{fields:?}"
        );
    }
    let routes: Vec<&str> = requests.iter().filter_map(|f| f["route"].as_str()).collect();
    for route in [
        "/api/v1/items/{tag}",
        "/api/v1/items/{tag}/fit",
        "/api/v1/items/{tag}/checks",
        "/api/v1/clients/{id}",
        "/login",
        "/healthz",
    ] {
        assert!(routes.contains(&route), "no request line for {route}: {routes:?}");
    }
    assert!(
        requests
            .iter()
            .any(|f| f["request_id"] == "ops-test-42" && f["route"] == "/healthz"),
        "the sent request id is logged"
    );
    assert!(requests.iter().any(|f| f["request_id"] == new_id.as_str()));
    assert!(
        requests
            .iter()
            .any(|f| f["status"] == json!(422.0) || f["status"] == json!(422))
    );

    // The sweep and the dispatcher say what they did, in counts and ids.
    assert!(
        cli_log
            .lines()
            .any(|l| l.contains("reminder sweep") || l.contains("email sent")),
        "the command line's sweep logs: {cli_log}"
    );
    let sent_lines = service_log
        .iter()
        .chain(cli_log.lines().map(String::from).collect::<Vec<_>>().iter())
        .filter(|l| l.contains("email sent"))
        .count();
    assert!(sent_lines >= 5, "each email sent is logged: {sent_lines}");
    assert!(
        service_log
            .iter()
            .any(|l| l.contains("stopping") && l.contains("SIGTERM"))
    );
}

#[actix_web::test]
async fn a_days_log_in_json_on_sqlite_names_routes_and_ids_and_nobodys_details() {
    a_day_in_the_log(Backend::Sqlite, "json").await;
}

#[actix_web::test]
async fn a_days_log_in_text_on_postgres_names_routes_and_ids_and_nobodys_details() {
    a_day_in_the_log(Backend::Postgres, "text").await;
}
