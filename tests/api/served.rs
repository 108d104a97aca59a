//! The real binary serving on a loopback port, its log (standard error) captured line by
//! line, for the tests of what an operator sees: the log, `/metrics`, and a graceful stop.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::cli::equiptrack;

pub struct Served {
    pub base: String,
    pub address: String,
    child: Child,
    stdout: Arc<Mutex<Vec<String>>>,
    log: Arc<Mutex<Vec<String>>>,
    client: awc::Client,
    /// Requests this test made, to compare with the request lines logged.
    pub requests: usize,
}

#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub request_id: Option<String>,
    pub content_type: String,
    /// Every `Set-Cookie` header, as sent.
    pub cookies: Vec<String>,
    pub body: String,
}

impl Answer {
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.body);
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// The binary with the tests' mail settings (the given SMTP port, quick retries), listening
/// on a port of its choosing, plus `env`.
pub fn command(dir: &Path, database_url: &str, smtp_port: u16, env: &[(&str, &str)]) -> Command {
    let mut cmd = equiptrack(dir, database_url);
    cmd.env("EQUIPTRACK__LOG__LEVEL", "info")
        .env("EQUIPTRACK__SERVER__BIND", "127.0.0.1:0")
        .env("EQUIPTRACK__SERVER__WORKERS", "2")
        .env("EQUIPTRACK__MAIL__TRANSPORT", "smtp")
        .env("EQUIPTRACK__MAIL__SMTP_HOST", "127.0.0.1")
        .env("EQUIPTRACK__MAIL__SMTP_PORT", smtp_port.to_string())
        .env("EQUIPTRACK__MAIL__SMTP_SECURITY", "none")
        .env("EQUIPTRACK__MAIL__TIMEOUT_SECONDS", "5")
        .env("EQUIPTRACK__MAIL__DISPATCH_INTERVAL_SECONDS", "1")
        .env("EQUIPTRACK__MAIL__RETRY_BASE_SECONDS", "1")
        .env("EQUIPTRACK__MAIL__RETRY_MAX_SECONDS", "2")
        .env("EQUIPTRACK__MAIL__STORES_ADDRESS", "stores@test.example");
    for (name, value) in env {
        cmd.env(name, value);
    }
    cmd
}

/// Collects a pipe's lines as they come.
fn collect(pipe: impl std::io::Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { return };
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

impl Served {
    /// Starts `serve` and waits until its log says where it listens.
    pub fn start(dir: &Path, database_url: &str, smtp_port: u16, env: &[(&str, &str)]) -> Served {
        let mut child = command(dir, database_url, smtp_port, env)
            .arg("serve")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stdout = collect(child.stdout.take().unwrap());
        let log = collect(child.stderr.take().unwrap());
        let deadline = Instant::now() + Duration::from_secs(60);
        let address = loop {
            let found = log
                .lock()
                .unwrap()
                .iter()
                .filter(|l| l.contains("listening"))
                .find_map(|l| {
                    let at = l.find("127.0.0.1:")?;
                    let port: String = l[at + 10..].chars().take_while(char::is_ascii_digit).collect();
                    Some(format!("127.0.0.1:{port}"))
                });
            if let Some(address) = found {
                break address;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the service exited with {status}: {:?}", log.lock().unwrap());
            }
            assert!(
                Instant::now() < deadline,
                "the service never listened: {:?}",
                log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        Served {
            base: format!("http://{address}"),
            address,
            child,
            stdout,
            log,
            client: awc::Client::builder()
                .timeout(Duration::from_secs(30))
                .disable_redirects()
                .finish(),
            requests: 0,
        }
    }

    /// The first admin's token, which the first start prints on standard output, alone on
    /// the line after the one that announces it. The two pipes are read by two threads, so
    /// it may come in after the log line that says the service listens.
    pub fn admin(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let out = self.stdout.lock().unwrap().clone();
            let token = out
                .iter()
                .position(|l| l.contains("API token"))
                .and_then(|i| out.get(i + 1));
            if let Some(token) = token {
                return token.clone();
            }
            assert!(Instant::now() < deadline, "no token printed: {out:?}");
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Every line logged so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    pub async fn call(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Answer {
        self.requests += 1;
        let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        for (name, value) in headers {
            req = req.insert_header((*name, *value));
        }
        let mut resp = match body {
            Some((content_type, bytes)) => {
                req.insert_header(("Content-Type", content_type))
                    .send_body(bytes)
                    .await
            }
            None => req.send().await,
        }
        .expect("request sent");
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let (request_id, content_type) = (header("x-request-id"), header("content-type").unwrap_or_default());
        let cookies = resp
            .headers()
            .get_all("set-cookie")
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect();
        let body = resp.body().limit(16 << 20).await.expect("body");
        Answer {
            status: resp.status().as_u16(),
            request_id,
            content_type,
            cookies,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    pub async fn get(&mut self, path: &str, token: &str) -> Answer {
        let auth = format!("Bearer {token}");
        self.call("GET", path, &[("Authorization", &auth)], None).await
    }

    pub async fn post(&mut self, path: &str, token: &str, body: serde_json::Value) -> Answer {
        let auth = format!("Bearer {token}");
        let body = Some(("application/json", body.to_string().into_bytes()));
        self.call("POST", path, &[("Authorization", &auth)], body).await
    }

    /// Sends SIGTERM, as systemd does to stop a service.
    pub fn terminate(&self) {
        signal(self.pid(), "-TERM");
    }

    /// Waits for the process to end; `None` if it is still running after `secs`.
    pub fn wait(&mut self, secs: u64) -> Option<ExitStatus> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader thread take the last lines.
                std::thread::sleep(Duration::from_millis(100));
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `kill SIGNAL PID`, without a crate for it.
pub fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill {signal} {pid} failed");
}

/// The database URL for a backend: a fresh SQLite file in `dir`, or a fresh database in the
/// tests' PostgreSQL cluster (`None`, having said the test is skipped and why, when this
/// machine has none).
pub fn database_url(backend: crate::support::Backend, dir: &Path) -> Option<String> {
    match backend {
        crate::support::Backend::Sqlite => Some(format!("sqlite://{}", dir.join("served.db").display())),
        crate::support::Backend::Postgres => match crate::support::postgres_cluster() {
            Some(cluster) => Some(cluster.create_database()),
            None => {
                eprintln!(
                    "SKIPPED on PostgreSQL: {}",
                    crate::support::postgres_missing_reason()
                );
                None
            }
        },
    }
}
