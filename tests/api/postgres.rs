//! PostgreSQL for the tests: one throwaway cluster per test process, started from the
//! machine's server binaries on loopback (as the `postgres` user when we are root), and one
//! database per test.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use diesel::{Connection, RunQueryDsl, pg::PgConnection};

pub struct PgCluster {
    port: u16,
    next_db: AtomicU32,
}

static CLUSTER: OnceLock<Result<PgCluster, String>> = OnceLock::new();

pub fn postgres_missing_reason() -> String {
    match CLUSTER.get() {
        Some(Err(reason)) => reason.clone(),
        _ => "PostgreSQL was not started".into(),
    }
}

/// The cluster, started on first use. A machine without the server binaries skips the
/// PostgreSQL tests; one that has them but fails to start the cluster fails them.
pub fn postgres_cluster() -> Option<&'static PgCluster> {
    let started = CLUSTER.get_or_init(|| match pg_bin_dir() {
        None if std::env::var_os("EQUIPTRACK_REQUIRE_POSTGRES").is_some() => {
            panic!("EQUIPTRACK_REQUIRE_POSTGRES is set but no PostgreSQL server binaries were found")
        }
        None => Err("no PostgreSQL server binaries (initdb, pg_ctl) on this machine".into()),
        Some(bin) => Ok(start_cluster(&bin).unwrap_or_else(|e| panic!("cannot start PostgreSQL: {e}"))),
    });
    started.as_ref().ok()
}

impl PgCluster {
    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub fn create_database(&self) -> String {
        let name = format!(
            "t{}_{}",
            std::process::id(),
            self.next_db.fetch_add(1, Ordering::Relaxed)
        );
        let mut conn = PgConnection::establish(&self.admin_url()).expect("connect to the test cluster");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create database");
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }
}

fn pg_bin_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("EQUIPTRACK_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").exists() && p.join("pg_ctl").exists())
        .collect();
    candidates.sort();
    candidates.pop().or_else(|| {
        let found = Command::new("sh")
            .args(["-c", "command -v initdb"])
            .output()
            .ok()?;
        let path = String::from_utf8(found.stdout).ok()?;
        Some(PathBuf::from(path.trim()).parent()?.to_path_buf()).filter(|p| p.join("pg_ctl").exists())
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

/// Runs a PostgreSQL binary, as the `postgres` user when we are root (the server refuses root).
fn pg_command(bin: &Path, program: &str, as_user: Option<&str>) -> Command {
    match as_user {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.args(["-u", user, "--"]).arg(bin.join(program));
            c
        }
        None => Command::new(bin.join(program)),
    }
}

fn start_cluster(bin: &Path) -> Result<PgCluster, String> {
    let root = std::env::temp_dir().join(format!("equiptrack-pg-{}", std::process::id()));
    let data = root.join("data");
    std::fs::create_dir_all(&root).map_err(|e| e.to_string())?;
    let user = if is_root() {
        let user = if Command::new("id")
            .arg("postgres")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            "postgres"
        } else {
            "nobody"
        };
        let ok = Command::new("chown")
            .arg("-R")
            .arg(user)
            .arg(&root)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return Err(format!("cannot hand {} to the {user} user", root.display()));
        }
        Some(user)
    } else {
        None
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let out = pg_command(bin, "initdb", user)
        .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "-D"])
        .arg(&data)
        .output()
        .map_err(|e| format!("initdb: {e}"))?;
    if !out.status.success() {
        return Err(format!("initdb failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
         -c full_page_writes=off -c max_connections=400 -c shared_buffers=64MB",
        root.display()
    );
    let out = pg_command(bin, "pg_ctl", user)
        .arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(root.join("server.log"))
        .args(["-o", &options, "-w", "start"])
        .output()
        .map_err(|e| format!("pg_ctl: {e}"))?;
    if !out.status.success() {
        let log = std::fs::read_to_string(root.join("server.log")).unwrap_or_default();
        return Err(format!(
            "pg_ctl start failed: {}\n{log}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    // Nothing runs after the last test in a Rust test binary, so a watchdog stops the
    // cluster once this process has gone.
    let stop = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {runuser}{pg_ctl} -D {data} -m immediate stop >/dev/null 2>&1; rm -rf {root}",
        pid = std::process::id(),
        runuser = user.map(|u| format!("runuser -u {u} -- ")).unwrap_or_default(),
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        root = root.display(),
    );
    Command::new("setsid")
        .args(["sh", "-c", &stop])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the cluster's watchdog: {e}"))?;
    let cluster = PgCluster {
        port,
        next_db: AtomicU32::new(0),
    };
    // The migrations create pg_trgm: a server built without its extensions fails here,
    // saying so, rather than in every test.
    let mut conn = PgConnection::establish(&cluster.admin_url()).map_err(|e| e.to_string())?;
    let available = diesel::sql_query("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        .execute(&mut conn)
        .map_err(|e| e.to_string())?;
    if available == 0 {
        return Err(format!(
            "the PostgreSQL in {} lacks the pg_trgm extension (Debian ships it with postgresql)",
            bin.display()
        ));
    }
    Ok(cluster)
}
