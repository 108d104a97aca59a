//! `GET /metrics` from the real binary, read with a Prometheus text-format parser.

use openmetrics_parser::prometheus::parse_prometheus;
use openmetrics_parser::{HistogramValue, MetricsExposition, PrometheusType, PrometheusValue, Sample};
use serde_json::json;

use crate::served::{Answer, Served, database_url};
use crate::smtp::SmtpSink;
use crate::support::Backend;

const TOKEN: &str = "scrape-secret-7";

type Scrape = MetricsExposition<PrometheusType, PrometheusValue>;

fn parse(answer: &Answer) -> Scrape {
    assert!(
        answer.content_type.starts_with("text/plain; version=0.0.4"),
        "{}",
        answer.content_type
    );
    parse_prometheus(&answer.body)
        .unwrap_or_else(|e| panic!("not the exposition format ({e:?}):\n{}", answer.body))
}

/// The one sample of `family` whose labels include these.
fn sample<'a>(
    scrape: &'a Scrape,
    family: &str,
    labels: &[(&str, &str)],
) -> Option<&'a Sample<PrometheusValue>> {
    let found: Vec<_> = scrape
        .families
        .get(family)?
        .iter_samples()
        .filter(|s| {
            let set = s.get_labelset().expect("labels");
            labels.iter().all(|(k, v)| set.get_label_value(k) == Some(*v))
        })
        .collect();
    match found.as_slice() {
        [one] => Some(*one),
        [] => None,
        many => panic!("{} samples of {family} {labels:?}", many.len()),
    }
}

fn value(scrape: &Scrape, family: &str, labels: &[(&str, &str)]) -> Option<f64> {
    match &sample(scrape, family, labels)?.value {
        PrometheusValue::Gauge(n) | PrometheusValue::Unknown(n) => Some(n.as_f64()),
        PrometheusValue::Counter(c) => Some(c.value.as_f64()),
        other => panic!("{family} is not a single number: {other:?}"),
    }
}

fn histogram<'a>(scrape: &'a Scrape, family: &str, labels: &[(&str, &str)]) -> &'a HistogramValue {
    match &sample(scrape, family, labels).expect("a histogram").value {
        PrometheusValue::Histogram(h) => h,
        other => panic!("{family} is not a histogram: {other:?}"),
    }
}

async fn scrape(s: &mut Served) -> Scrape {
    let auth = format!("Bearer {TOKEN}");
    let answer = s
        .call("GET", "/metrics", &[("Authorization", &auth)], None)
        .await
        .expect(200);
    parse(&answer)
}

async fn counts_and_gauges(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(url) = database_url(backend, dir.path()) else {
        return;
    };
    // The mail server is down, so the failed check's email waits in the outbox.
    let smtp = SmtpSink::start();
    smtp.stop();
    let env = [
        ("EQUIPTRACK__METRICS__ENABLED", "true"),
        ("EQUIPTRACK__METRICS__TOKEN", TOKEN),
        // Owed as soon as the service starts, whatever the time of day.
        ("EQUIPTRACK__REMINDERS__SCHEDULE", "0 0 0 * * *"),
        ("EQUIPTRACK__REMINDERS__TIMEZONE", "UTC"),
    ];
    let mut s = Served::start(dir.path(), &url, smtp.port, &env);
    let admin = s.admin();

    // The token guards the scrape.
    s.call("GET", "/metrics", &[], None).await.expect(401);
    s.call("GET", "/metrics", &[("Authorization", "Bearer not-it")], None)
        .await
        .expect(401);
    let fresh = scrape(&mut s).await;
    assert_eq!(
        value(&fresh, "equiptrack_items", &[("status", "in_store")]),
        Some(0.0)
    );
    assert_eq!(
        value(&fresh, "equiptrack_outbox_messages", &[("status", "pending")]),
        Some(0.0)
    );
    assert_eq!(
        value(&fresh, "equiptrack_outbox_oldest_pending_age_seconds", &[]),
        Some(0.0)
    );

    s.post(
        "/api/v1/equipment-types",
        &admin,
        json!({
            "code": "FRAME-WALKING", "name": "Walking frame", "category": "walking_aid",
            "requires_decontamination": false, "check_interval_days": 365
        }),
    )
    .await
    .expect(201);
    for _ in 0..3 {
        s.post("/api/v1/items", &admin, json!({"type": "FRAME-WALKING"}))
            .await
            .expect(201);
    }
    let client = s
        .post(
            "/api/v1/clients",
            &admin,
            json!({
                "reference": "M-1", "name": "Ada Lovelace", "address": "1 High Street", "postcode": "LS1 1AA"
            }),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_i64()
        .unwrap();
    let (worker, _) = {
        let w = s
            .post(
                "/api/v1/staff",
                &admin,
                json!({"email": "w@test.example", "name": "W", "role": "worker"}),
            )
            .await
            .expect(201)
            .json();
        (w["id"].as_i64().unwrap(), ())
    };
    s.post(
        "/api/v1/items/EQ-000001/issue",
        &admin,
        json!({"client_id": client, "worker_id": worker}),
    )
    .await
    .expect(200);
    s.post(
        "/api/v1/items/EQ-000002/issue",
        &admin,
        json!({"client_id": client, "worker_id": worker}),
    )
    .await
    .expect(200);
    s.post("/api/v1/items/EQ-000002/fit", &admin, json!({}))
        .await
        .expect(200);
    s.post(
        "/api/v1/items/EQ-000002/checks",
        &admin,
        json!({"outcome": "fail", "notes": "cracked"}),
    )
    .await
    .expect(200);
    for _ in 0..3 {
        s.get("/api/v1/items/EQ-000003", &admin).await.expect(200);
    }
    s.get("/api/v1/items/EQ-000404", &admin).await.expect(404);
    s.call("GET", "/no/such/page", &[], None).await.expect(404);
    // Let the queued email age, and the sweep owed at start finish.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(1500)).await;

    let now = chrono::Utc::now().timestamp() as f64;
    let m = scrape(&mut s).await;
    let requests = |method: &str, route: &str, status: &str| {
        value(
            &m,
            "equiptrack_http_requests_total",
            &[("method", method), ("route", route), ("status", status)],
        )
    };
    assert_eq!(requests("GET", "/api/v1/items/{tag}", "200"), Some(3.0));
    assert_eq!(requests("GET", "/api/v1/items/{tag}", "404"), Some(1.0));
    assert_eq!(requests("POST", "/api/v1/items", "201"), Some(3.0));
    assert_eq!(requests("POST", "/api/v1/items/{tag}/issue", "200"), Some(2.0));
    assert_eq!(requests("GET", "unmatched", "404"), Some(1.0));
    assert_eq!(requests("GET", "/metrics", "401"), Some(2.0));
    let latency = histogram(
        &m,
        "equiptrack_http_request_duration_seconds",
        &[("method", "GET"), ("route", "/api/v1/items/{tag}")],
    );
    assert_eq!(latency.count, Some(4));
    let sum = latency.sum.as_ref().expect("a sum").as_f64();
    assert!(sum > 0.0 && sum < 60.0, "{sum}");
    let bounds: Vec<f64> = latency.buckets.iter().map(|b| b.upper_bound).collect();
    assert_eq!(bounds.len(), 12, "{bounds:?}");
    assert!(
        bounds.windows(2).all(|w| w[0] < w[1]) && bounds[11].is_infinite(),
        "{bounds:?}"
    );
    let counts: Vec<f64> = latency.buckets.iter().map(|b| b.count.as_f64()).collect();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "cumulative: {counts:?}");
    assert_eq!(counts[11], 4.0, "+Inf holds every request");

    assert_eq!(
        value(&m, "equiptrack_items", &[("status", "in_store")]),
        Some(1.0)
    );
    assert_eq!(value(&m, "equiptrack_items", &[("status", "issued")]), Some(1.0));
    assert_eq!(
        value(&m, "equiptrack_items", &[("status", "quarantined")]),
        Some(1.0)
    );
    assert_eq!(value(&m, "equiptrack_items", &[("status", "in_use")]), Some(0.0));

    let pending = value(&m, "equiptrack_outbox_messages", &[("status", "pending")]).unwrap();
    assert_eq!(pending, 1.0, "the failed check's email waits for the mail server");
    assert_eq!(
        value(&m, "equiptrack_outbox_messages", &[("status", "sent")]),
        Some(0.0)
    );
    let age = value(&m, "equiptrack_outbox_oldest_pending_age_seconds", &[]).unwrap();
    assert!((1.0..120.0).contains(&age), "{age}");

    // Nothing else is being asked of the service while it is scraped.
    assert_eq!(value(&m, "equiptrack_http_requests_in_flight", &[]), Some(1.0));

    let in_use = value(&m, "equiptrack_db_pool_connections", &[("state", "in_use")]).unwrap();
    let idle = value(&m, "equiptrack_db_pool_connections", &[("state", "idle")]).unwrap();
    assert!(
        in_use >= 0.0 && idle >= 1.0 && in_use + idle <= 8.0,
        "{in_use} {idle}"
    );

    assert_eq!(
        value(&m, "equiptrack_sweep_last_outcome", &[("outcome", "ok")]),
        Some(1.0)
    );
    assert_eq!(
        value(&m, "equiptrack_sweep_last_outcome", &[("outcome", "failed")]),
        Some(0.0)
    );
    let started = value(&m, "equiptrack_sweep_last_started_timestamp_seconds", &[]).unwrap();
    let finished = value(&m, "equiptrack_sweep_last_finished_timestamp_seconds", &[]).unwrap();
    assert!(
        started <= finished && now - started < 120.0 && started <= now + 1.0,
        "{started} {finished} {now}"
    );

    // An operational endpoint: not in the API's document.
    let document = s.get("/api/v1/openapi.json", &admin).await.expect(200).json();
    assert!(document["paths"].get("/metrics").is_none());

    s.terminate();
    assert!(s.wait(60).expect("stops").success());
}

#[actix_web::test]
async fn metrics_count_requests_and_read_the_database_on_sqlite() {
    counts_and_gauges(Backend::Sqlite).await;
}

#[actix_web::test]
async fn metrics_count_requests_and_read_the_database_on_postgres() {
    counts_and_gauges(Backend::Postgres).await;
}

#[actix_web::test]
async fn metrics_are_not_served_unless_enabled_and_need_no_token_when_none_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(Backend::Sqlite, dir.path()).unwrap();
    let smtp = SmtpSink::start();
    let mut off = Served::start(dir.path(), &url, smtp.port, &[]);
    let answer = off
        .call("GET", "/metrics", &[("Authorization", "Bearer anything")], None)
        .await
        .expect(404);
    assert_eq!(answer.content_type, "application/problem+json");
    off.terminate();
    assert!(off.wait(60).expect("stops").success());

    let mut open = Served::start(
        dir.path(),
        &url,
        smtp.port,
        &[("EQUIPTRACK__METRICS__ENABLED", "true")],
    );
    let answer = open.call("GET", "/metrics", &[], None).await.expect(200);
    let scrape = parse(&answer);
    assert!(value(&scrape, "equiptrack_db_pool_connections", &[("state", "idle")]).is_some());
    open.terminate();
    assert!(open.wait(60).expect("stops").success());
}
