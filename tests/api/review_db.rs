//! Issue 9, database and import: writers beside a command-line import, busy answers, large
//! imports, tags a URL would change, large recalls, and what `/healthz` tells a stranger.

use std::collections::HashMap;
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actix_web::dev::ServerHandle;
use diesel::prelude::*;
use equiptrack::app::Application;
use equiptrack::db::Db;
use equiptrack::db::schema::{events, items};
use serde_json::{Value, json};

use crate::cli::equiptrack;
use crate::support::{Backend, TestApp, postgres_cluster, test_settings};

/// Every item's status against the `to_status` of its last history entry: a move written
/// without its event, or the reverse, shows here.
fn half_written(db: &Db) -> Vec<String> {
    db.read(|c| {
        let statuses: Vec<(i64, String, String)> = items::table
            .select((items::id, items::asset_tag, items::status))
            .load(c)?;
        let mut last: HashMap<i64, Option<String>> = HashMap::new();
        // Edits leave the status alone; moves name the status they led to.
        let history: Vec<(i64, Option<String>)> = events::table
            .filter(events::to_status.is_not_null())
            .order(events::id)
            .select((events::item_id, events::to_status))
            .load(c)?;
        for (item, to) in history {
            last.insert(item, to);
        }
        Ok(statuses
            .into_iter()
            .filter_map(|(id, tag, status)| {
                let recorded = last.get(&id).cloned().flatten();
                (recorded.as_deref() != Some(status.as_str()))
                    .then(|| format!("{tag} is {status} but its history says {recorded:?}"))
            })
            .collect())
    })
    .unwrap()
}

/// Moves one item back and forth and edits it until `done`, counting each answer by status.
async fn keep_writing(
    app: &TestApp,
    token: &str,
    tag: String,
    done: Arc<AtomicBool>,
    during: Arc<AtomicUsize>,
) -> Vec<u16> {
    let mut answers = Vec::new();
    let mut n = 0;
    while !done.load(Ordering::SeqCst) {
        n += 1;
        let item = app
            .get(&format!("/api/v1/items/{tag}"), token)
            .await
            .expect(200)
            .json();
        let next = if item["status"] == "quarantined" {
            "release"
        } else {
            "quarantine"
        };
        let moved = app
            .post(
                &format!("/api/v1/items/{tag}/{next}"),
                token,
                json!({"reason": format!("round {n}")}),
            )
            .await;
        let edited = app
            .patch(
                &format!("/api/v1/items/{tag}"),
                token,
                json!({"serial_number": format!("SN-{n}")}),
            )
            .await;
        if !done.load(Ordering::SeqCst) {
            during.fetch_add(2, Ordering::SeqCst);
        }
        for reply in [moved, edited] {
            assert!(
                (200..300).contains(&reply.status) || reply.status == 503,
                "a writer beside the import got {}: {}",
                reply.status,
                reply.text()
            );
            answers.push(reply.status);
        }
    }
    answers
}

async fn writers_beside_a_command_line_import(app: TestApp, rows: usize) {
    app.frame_type().await;
    let stores = app.user("stores");
    let mut tags = Vec::new();
    for _ in 0..3 {
        let item = app.item("FRAME-WALKING", json!({})).await;
        tags.push(item["asset_tag"].as_str().unwrap().to_string());
    }
    let mut csv = String::from("asset_tag,type,serial_number,batch,location\n");
    for i in 0..rows {
        csv.push_str(&format!("IMP-{i:06},FRAME-WALKING,FR{i},LOT-7,\n"));
    }
    let file = app.dir.path().join("big.csv");
    std::fs::write(&file, csv).unwrap();

    let done = Arc::new(AtomicBool::new(false));
    let during = Arc::new(AtomicUsize::new(0));
    let mut import = equiptrack(app.dir.path(), &app.settings.database.target.to_url());
    import.args(["import", "items"]).arg(&file);
    // The other command-line writers, as an outside cron or an admin would run them.
    let mut user_add = equiptrack(app.dir.path(), &app.settings.database.target.to_url());
    user_add.args([
        "user",
        "add",
        "--email",
        "cron@example.org",
        "--name",
        "Cron",
        "--role",
        "viewer",
    ]);
    let mut reminders = equiptrack(app.dir.path(), &app.settings.database.target.to_url());
    reminders.args(["reminders", "run", "--as-of", "2026-12-02"]);
    let finished = done.clone();
    // The commands start once the writers are under way, so they always meet them.
    let cli = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        let out: Vec<Output> = [import, user_add, reminders]
            .iter_mut()
            .map(|c| c.output().unwrap())
            .collect();
        finished.store(true, Ordering::SeqCst);
        out
    });
    let writers = tags
        .iter()
        .map(|tag| keep_writing(&app, &stores, tag.clone(), done.clone(), during.clone()));
    let answers: Vec<u16> = futures_util::future::join_all(writers)
        .await
        .into_iter()
        .flatten()
        .collect();
    let outs = cli.join().unwrap();
    for (out, what) in outs.iter().zip(["import items", "user add", "reminders run"]) {
        assert!(
            out.status.success(),
            "{what} failed beside the writers: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = &outs[0];
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("imported {rows} items")),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        during.load(Ordering::SeqCst) >= 6,
        "the writers met the import: {answers:?}"
    );
    assert!(
        answers.iter().any(|s| (200..300).contains(s)),
        "some writes went through: {answers:?}"
    );
    let total = app
        .get("/api/v1/items?per_page=1", &app.admin)
        .await
        .expect(200)
        .json()["total"]
        .clone();
    assert_eq!(total, json!(rows + tags.len()), "every imported row is in");
    assert_eq!(
        half_written(&app.db),
        Vec::<String>::new(),
        "nothing is half-written"
    );
}

both_backends! {
    async fn api_writers_and_a_command_line_import_on_one_database_all_succeed(app: TestApp) {
        writers_beside_a_command_line_import(app, 40_000).await;
    }

    async fn an_import_with_more_than_1000_bad_rows_lists_the_first_1000_and_counts_the_rest(app: TestApp) {
        app.frame_type().await;
        let mut csv = String::from("asset_tag,type\n");
        csv.push_str("GOOD-1,FRAME-WALKING\n");
        for i in 0..1500 {
            csv.push_str(&format!("BAD-{i},NO-SUCH-TYPE\n"));
        }
        let r = app.post_csv("/api/v1/items/import", &app.admin, &csv).await.expect(422).json();
        let errors = r["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1000);
        assert_eq!(errors[0]["field"], "line 3");
        assert_eq!(errors[999]["field"], "line 1002");
        assert!(errors.iter().all(|e| e["message"].as_str().unwrap().contains("NO-SUCH-TYPE")));
        assert_eq!(r["errors_not_listed"], 500);
        assert_eq!(app.get("/api/v1/items", &app.admin).await.expect(200).json()["total"], 0);
    }

    async fn a_tag_a_url_would_change_is_refused_at_create_and_import(app: TestApp) {
        app.frame_type().await;
        for tag in ["A/B", "EQ-1/2"] {
            let r = app.post("/api/v1/items", &app.admin, json!({"type": "FRAME-WALKING", "asset_tag": tag})).await.expect(422).json();
            assert_eq!(r["errors"][0]["field"], "asset_tag", "{r}");
            let csv = format!("asset_tag,type\n{tag},FRAME-WALKING\n");
            let r = app.post_csv("/api/v1/items/import", &app.admin, &csv).await.expect(422).json();
            assert_eq!(r["errors"][0]["field"], "line 2", "{r}");
            assert!(r["errors"][0]["message"].as_str().unwrap().starts_with("asset_tag"), "{r}");
        }
        assert_eq!(app.get("/api/v1/items", &app.admin).await.expect(200).json()["total"], 0);
        // What labels can carry still passes.
        app.post("/api/v1/items", &app.admin, json!({"type": "FRAME-WALKING", "asset_tag": "old_1.2-x"})).await.expect(201);
    }
}

/// The writer lock is SQLite's: on PostgreSQL writers never queue behind one another.
#[actix_web::test]
async fn a_writer_is_not_kept_waiting_while_a_large_import_is_parsed() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.frame_type().await;
    let item = app.item("FRAME-WALKING", json!({})).await;
    let tag = item["asset_tag"].as_str().unwrap().to_string();
    // Bad rows only: the import never writes, so all its time is parsing.
    let mut csv = String::from("asset_tag,type,serial_number,batch,location\n");
    let mut i = 0;
    while csv.len() < 24 << 20 {
        csv.push_str(&format!(
            "X-{i:07},NO-SUCH-TYPE,SERIAL-{i:07},BATCH-{i:07},Nowhere\n"
        ));
        i += 1;
    }
    let upload = async {
        let started = Instant::now();
        let reply = app.post_csv("/api/v1/items/import", &app.admin, &csv).await;
        (reply, started.elapsed())
    };
    let writer = async {
        // Long enough for the upload to arrive on loopback, short beside its parsing.
        actix_web::rt::time::sleep(Duration::from_millis(700)).await;
        let started = Instant::now();
        let reply = app
            .post(
                &format!("/api/v1/items/{tag}/quarantine"),
                &app.admin,
                json!({"reason": "dropped"}),
            )
            .await;
        (reply, started.elapsed())
    };
    let ((import, import_took), (moved, move_took)) = futures_util::future::join(upload, writer).await;
    import.expect(422);
    moved.expect(200);
    assert!(
        import_took > Duration::from_millis(1500),
        "the import must take a while for this test to mean anything: {import_took:?}"
    );
    assert!(
        move_took < Duration::from_millis(1000),
        "the writer waited {move_took:?} beside an import that took {import_took:?}"
    );
}

#[actix_web::test]
async fn a_recall_of_40000_items_opens_and_lists_them_all() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.frame_type().await;
    let stores = app.user("stores");
    let mut csv = String::from("type,serial_number,batch\n");
    for i in 0..40_000 {
        csv.push_str(&format!("FRAME-WALKING,FR{i},LOT-9\n"));
    }
    app.post_csv("/api/v1/items/import", &app.admin, &csv)
        .await
        .expect(201);
    let recall = app
        .post(
            "/api/v1/recalls",
            &stores,
            json!({"reference": "FSN-40K", "title": "Leg may buckle", "type": "FRAME-WALKING", "batch": "LOT-9"}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(recall["affected"], 40_000);
    assert_eq!(recall["items"].as_array().unwrap().len(), 40_000);
    let again = app
        .get(&format!("/api/v1/recalls/{}", recall["id"]), &stores)
        .await
        .expect(200)
        .json();
    assert_eq!(again["unresolved"], 40_000);
    assert_eq!(again["items"].as_array().unwrap().len(), 40_000);
    let one = app
        .get("/api/v1/items/EQ-040000", &stores)
        .await
        .expect(200)
        .json();
    assert_eq!(one["status"], "quarantined");
}

/// A service like `TestApp`'s, on settings the test chose: its address, an admin's token,
/// and its handle.
async fn serve(settings: equiptrack::config::Settings) -> (String, String, ServerHandle) {
    let application = Application::build(settings)
        .unwrap()
        .linking_to_bound_address()
        .without_sweep_schedule();
    let admin = application
        .db()
        .write(|c| equiptrack::service::staff::create_account(c, "admin@test.example", "Ada", "admin", None))
        .unwrap()
        .token
        .unwrap();
    let base = format!("http://{}", application.address());
    let running = application.start().await.unwrap();
    let handle = running.handle();
    actix_web::rt::spawn(running.until_stopped());
    (base, admin, handle)
}

#[actix_web::test]
async fn a_database_busy_past_the_timeout_answers_503_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("busy.db");
    let mut settings = test_settings(dir.path(), &format!("sqlite://{}", file.display()), 1);
    settings.database.busy_timeout_ms = 300;
    let (base, admin, handle) = serve(settings).await;
    let client = awc::Client::default();
    let create = || {
        client
            .post(format!("{base}/api/v1/locations"))
            .insert_header(("Authorization", format!("Bearer {admin}")))
            .send_json(&json!({"name": format!("Store {}", next_number())}))
    };

    // Another process (a command-line import, say) holds the write lock.
    let mut other = diesel::sqlite::SqliteConnection::establish(&file.display().to_string()).unwrap();
    diesel::connection::SimpleConnection::batch_execute(&mut other, "BEGIN IMMEDIATE").unwrap();
    let started = Instant::now();
    let mut busy = create().await.unwrap();
    let body: Value = busy.json().await.unwrap();
    assert_eq!(busy.status().as_u16(), 503, "{body}");
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "it waited on the busy timeout first"
    );
    let retry: u64 = busy
        .headers()
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    assert!(
        !body.to_string().contains("locked"),
        "no database text in the body: {body}"
    );

    diesel::connection::SimpleConnection::batch_execute(&mut other, "COMMIT").unwrap();
    let free = create().await.unwrap();
    assert_eq!(free.status().as_u16(), 201);
    handle.stop(false).await;
}

fn next_number() -> u32 {
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::SeqCst) as u32
}

#[actix_web::test]
async fn healthz_on_a_database_that_stopped_answering_names_no_host_port_or_error() {
    let Some(cluster) = postgres_cluster() else {
        eprintln!(
            "SKIPPED on PostgreSQL: {}",
            crate::support::postgres_missing_reason()
        );
        return;
    };
    let app = TestApp::spawn(Backend::Postgres).await.unwrap();
    app.request("GET", "/healthz", None, None).await.expect(200);
    let url = app.settings.database.target.to_url();
    let name = url.rsplit('/').next().unwrap().to_string();
    let port = url
        .rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let mut admin = diesel::pg::PgConnection::establish(&cluster.admin_url()).unwrap();
    diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
        .execute(&mut admin)
        .unwrap();
    diesel::sql_query(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ))
    .execute(&mut admin)
    .unwrap();
    // Termination is a signal the backends act on in their own time: wait until they are gone,
    // or a pooled connection could still answer the check below.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
            "(SELECT count(*) FROM pg_stat_activity WHERE datname = '{name}')"
        )))
        .get_result(&mut admin)
        .unwrap();
        if left == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{left} backends still connected");
        std::thread::sleep(Duration::from_millis(50));
    }

    let started = Instant::now();
    let r = app.request("GET", "/healthz", None, None).await;
    let body = r.text();
    assert_eq!(r.status, 503, "{body}");
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "a health check answers promptly"
    );
    for secret in [
        "127.0.0.1",
        port.as_str(),
        name.as_str(),
        "connection",
        "FATAL",
        "accepting",
    ] {
        assert!(!body.contains(secret), "the body gives away {secret:?}: {body}");
    }
    diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .execute(&mut admin)
        .unwrap();
}
