//! The command line, run as the real binary against a real database.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Backend, TestApp, postgres_cluster};

/// The real binary, with nothing from the caller's environment but `PATH`. Its first start
/// leaves the catalogue empty, as the tests of `serve` expect; the starter catalogue's own
/// tests switch it back on.
pub(crate) fn equiptrack(dir: &std::path::Path, database_url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_equiptrack"));
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("EQUIPTRACK__SERVER__DATA_DIR", dir)
        .env("DATABASE_URL", database_url)
        .env("EQUIPTRACK__LOG__LEVEL", "warn")
        .env("EQUIPTRACK__SERVICE__STARTER_CATALOGUE", "false");
    cmd
}

fn sqlite_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}", dir.join("cli.db").display())
}

#[test]
fn user_add_prints_a_working_token_alone_on_the_last_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = equiptrack(dir.path(), &sqlite_url(dir.path()))
        .args([
            "user",
            "add",
            "--email",
            "sam@example.org",
            "--name",
            "Sam Stores",
            "--role",
            "stores",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout.lines().last().unwrap();
    assert!(token.starts_with("et_") && !token.contains(' '), "{stdout}");
    let db = equiptrack::db::Db::connect(
        &equiptrack::db::DatabaseTarget::Sqlite(dir.path().join("cli.db")),
        2,
    )
    .unwrap();
    let actor = db
        .read(|c| equiptrack::service::staff::authenticate(c, token))
        .unwrap()
        .expect("token works");
    assert_eq!(actor.name, "Sam Stores");
    let stored = db
        .read(|c| Ok(equiptrack::db::staff::by_email(c, "sam@example.org")?))
        .unwrap()
        .unwrap();
    assert!(stored.password_hash.unwrap().starts_with("$argon2"));

    let again = equiptrack(dir.path(), &sqlite_url(dir.path()))
        .args([
            "user",
            "add",
            "--email",
            "sam@example.org",
            "--name",
            "Sam",
            "--role",
            "stores",
        ])
        .output()
        .unwrap();
    assert!(!again.status.success());
    let bad_role = equiptrack(dir.path(), &sqlite_url(dir.path()))
        .args([
            "user",
            "add",
            "--email",
            "x@example.org",
            "--name",
            "X",
            "--role",
            "boss",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("role"));
}

#[test]
fn a_wrong_setting_stops_start_up_naming_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = equiptrack(dir.path(), &sqlite_url(dir.path()))
        .env("EQUIPTRACK__REMINDERS__LEAD_DAYS", "fortnight")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("reminders.lead_days"));

    let local = dir.path().join("local.toml");
    std::fs::write(&local, "[server]\nbind = \"not an address\"\n").unwrap();
    let out = equiptrack(dir.path(), &sqlite_url(dir.path()))
        .args(["migrate", "--config"])
        .arg(&local)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("server.bind"));
}

#[test]
fn an_unknown_database_scheme_is_refused_and_creates_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = equiptrack(dir.path(), "postgress://typo@localhost/db")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("database.url") && stderr.contains("scheme"),
        "{stderr}"
    );
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(files.is_empty(), "no stray files: {files:?}");
}

#[test]
fn import_items_from_the_command_line_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    assert!(
        equiptrack(dir.path(), &url)
            .arg("migrate")
            .status()
            .unwrap()
            .success()
    );
    let db = equiptrack::db::Db::connect(
        &equiptrack::db::DatabaseTarget::Sqlite(dir.path().join("cli.db")),
        2,
    )
    .unwrap();
    let admin = db
        .write(|c| equiptrack::service::staff::create_account(c, "a@example.org", "A", "admin", None))
        .unwrap();
    let actor = equiptrack::service::Actor {
        id: admin.id,
        name: admin.name.clone(),
        role: equiptrack::domain::roles::Role::Admin,
    };
    db.write(|c| {
        equiptrack::service::catalogue::create_type(
            c,
            &actor,
            &equiptrack::service::catalogue::CreateType {
                code: Some("PENDANT".into()),
                name: Some("Pendant".into()),
                category: Some("telecare".into()),
                check_interval_days: Some(30),
                ..Default::default()
            },
        )
    })
    .unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "asset_tag,type\nP-1,PENDANT\nP-2,WHAT\n").unwrap();
    let out = equiptrack(dir.path(), &url)
        .args(["import", "items"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3"));
    let good = dir.path().join("good.csv");
    std::fs::write(&good, "asset_tag,type\nP-1,PENDANT\n,PENDANT\n").unwrap();
    let out = equiptrack(dir.path(), &url)
        .args(["import", "items"])
        .arg(&good)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 2 items"));
}

#[test]
fn the_first_start_creates_the_admin_and_shows_a_token_once() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = equiptrack(dir.path(), &sqlite_url(dir.path()))
        .env("EQUIPTRACK__SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("EQUIPTRACK__SERVICE__ADMIN_EMAIL", "boss@example.org")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut token = None;
    while Instant::now() < deadline {
        match lines.next() {
            Some(Ok(line)) if line.starts_with("et_") => {
                token = Some(line);
                break;
            }
            Some(Ok(_)) => continue,
            _ => break,
        }
    }
    let token = token.expect("a token printed on first start");
    let link = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("/welcome/"))
        .expect("a sign-in link printed on first start");
    assert!(link.starts_with("http://localhost:8080/welcome/"), "{link}");
    let db = equiptrack::db::Db::connect(
        &equiptrack::db::DatabaseTarget::Sqlite(dir.path().join("cli.db")),
        2,
    )
    .unwrap();
    let actor = db
        .read(|c| equiptrack::service::staff::authenticate(c, &token))
        .unwrap()
        .unwrap();
    assert_eq!(actor.role, equiptrack::domain::roles::Role::Admin);
    let link_token = link.rsplit('/').next().unwrap().to_string();
    let found = db
        .read(|c| equiptrack::service::sign_in::link::look_up(c, &link_token))
        .unwrap();
    assert!(
        matches!(found, equiptrack::service::sign_in::link::Found::Open(ref s) if s.id == actor.id),
        "the link is the admin's, and open"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    // A second start finds staff and prints no new token.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = equiptrack(dir.path(), &sqlite_url(dir.path()))
        .env("EQUIPTRACK__SERVER__BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
        && started.elapsed() < Duration::from_secs(30)
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("et_"));
}

#[test]
fn two_instances_migrating_one_postgres_database_at_once_both_succeed() {
    let Some(cluster) = postgres_cluster() else {
        eprintln!(
            "SKIPPED on PostgreSQL: {}",
            crate::support::postgres_missing_reason()
        );
        return;
    };
    let url = cluster.create_database();
    let dir = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..3)
        .map(|_| {
            equiptrack(dir.path(), &url)
                .arg("migrate")
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

#[actix_web::test]
async fn backup_copies_a_live_sqlite_database() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.stairlift_type().await;
    let url = app.settings.database.target.to_url();
    let copy = app.dir.path().join("copy.db");
    let out = equiptrack(app.dir.path(), &url)
        .arg("backup")
        .arg(&copy)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let db = equiptrack::db::Db::connect(&equiptrack::db::DatabaseTarget::Sqlite(copy), 1).unwrap();
    let types = db.read(|c| Ok(equiptrack::db::types::all(c)?)).unwrap();
    assert_eq!(types.len(), 1);
}
