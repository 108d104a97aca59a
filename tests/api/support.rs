//! The test harness: a fresh service on port 0 per test, on SQLite or on a throwaway
//! PostgreSQL cluster that this process starts, and an HTTP client that talks to it.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

use actix_web::dev::ServerHandle;
use equiptrack::app::Application;
use equiptrack::config::Settings;
use equiptrack::db::Db;

pub use crate::postgres::{postgres_cluster, postgres_missing_reason};
use crate::smtp::SmtpSink;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Defines each test twice, once per backend: `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($(async fn $name:ident($app:ident: TestApp) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn run($app: $crate::support::TestApp) $body

                #[actix_web::test]
                async fn sqlite() {
                    let app = $crate::support::TestApp::spawn($crate::support::Backend::Sqlite).await.unwrap();
                    let server = app.server();
                    run(app).await;
                    server.stop(false).await;
                }

                #[actix_web::test]
                async fn postgres() {
                    match $crate::support::TestApp::spawn($crate::support::Backend::Postgres).await {
                        Some(app) => {
                            let server = app.server();
                            run(app).await;
                            server.stop(false).await;
                        }
                        None => eprintln!("SKIPPED on PostgreSQL: {}", $crate::support::postgres_missing_reason()),
                    }
                }
            }
        )*
    };
}

pub struct TestApp {
    pub base: String,

    pub db: Db,
    pub settings: Settings,
    pub admin: String,
    pub client: awc::Client,
    pub dir: tempfile::TempDir,
    /// The mail server this app sends to.
    pub smtp: SmtpSink,
    /// Wakes the app's outbox dispatcher.
    pub outbox: std::sync::Arc<tokio::sync::Notify>,
    handle: ServerHandle,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop the workers; the server future ends with the test's runtime.
        drop(self.handle.stop(false));
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub location: Option<String>,
    /// Every `Set-Cookie` header, as sent.
    pub cookies: Vec<String>,
    pub retry_after: Option<String>,
    /// The methods a 405 says the path takes.
    pub allow: Option<String>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Fails the test with the body when the status is not the expected one.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text());
        self
    }
}

impl TestApp {
    /// `None` only when PostgreSQL was asked for and this machine has no server binaries.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = match backend {
            Backend::Sqlite => format!("sqlite://{}", dir.path().join("equiptrack.db").display()),
            Backend::Postgres => postgres_cluster()?.create_database(),
        };
        Some(Self::spawn_on(dir, &url).await)
    }

    /// A service on the database at `url` (which may hold data already), with a new admin.
    pub async fn spawn_on(dir: tempfile::TempDir, url: &str) -> TestApp {
        let smtp = SmtpSink::start();
        let settings = test_settings(dir.path(), url, smtp.port);
        let application = Application::build(settings)
            .expect("database opens and migrates")
            .linking_to_bound_address()
            .without_sweep_schedule();
        // A database that already has the usual admin (a copy) gets one more, by another address.
        let admin_email = match application
            .db()
            .read(|c| Ok(equiptrack::db::staff::by_email(c, "admin@test.example")?))
            .expect("staff")
        {
            None => "admin@test.example".to_string(),
            Some(_) => {
                static COPIES: AtomicU32 = AtomicU32::new(0);
                format!(
                    "admin-copy{}@test.example",
                    COPIES.fetch_add(1, Ordering::Relaxed)
                )
            }
        };
        let admin = application
            .db()
            .write(|c| {
                equiptrack::service::staff::create_account(c, &admin_email, "Ada Admin", "admin", None)
            })
            .expect("admin")
            .token
            .unwrap();
        let base = format!("http://{}", application.address());
        let running = application.start().await.expect("the service starts");
        let state = running.state.clone();
        let handle = running.handle();
        actix_web::rt::spawn(running.until_stopped());
        let client = awc::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .disable_redirects()
            .finish();
        TestApp {
            base,
            db: state.db.clone(),
            settings: Settings::clone(&state.settings),
            admin,
            client,
            dir,
            smtp,
            outbox: state.outbox.clone(),
            handle,
        }
    }

    /// The server's handle. Stopping it from `Drop` only asks: the server acts on it when
    /// next polled, which a finished test's runtime never does, and its worker threads
    /// would keep their database pool open. `both_backends!` awaits the stop instead.
    pub fn server(&self) -> ServerHandle {
        self.handle.clone()
    }

    /// A new active account with `role`; answers its token.
    pub fn user(&self, role: &str) -> String {
        self.user_with_id(role).1
    }

    pub fn user_with_id(&self, role: &str) -> (i64, String) {
        let (id, token, _) = self.staff(role);
        (id, token)
    }

    /// A new account with `role`: its id, token and email address.
    pub fn staff(&self, role: &str) -> (i64, String, String) {
        self.staff_with_password(role, None)
    }

    /// A new account that can also sign in to the pages with `password`.
    pub fn staff_with_password(&self, role: &str, password: Option<&str>) -> (i64, String, String) {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let view = self
            .db
            .write(|c| {
                equiptrack::service::staff::create_account(
                    c,
                    &format!("{role}{n}@test.example"),
                    &format!("{role} {n}"),
                    role,
                    password,
                )
            })
            .expect("user");
        (view.id, view.token.unwrap(), view.email)
    }

    pub async fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
    ) -> Reply {
        let auth = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", a.as_str())).collect();
        self.request_with(method, path, &headers, body).await
    }

    /// A request with any headers (cookies for the web pages).
    pub async fn request_with(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Reply {
        self.request_to(&self.base, method, path, headers, body).await
    }

    /// Like `request_with`, to another instance of the service at `base`.
    pub async fn request_to(
        &self,
        base: &str,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Reply {
        let url = format!("{base}{path}");
        let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.client.request(method, url);
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
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let (location, retry_after, allow) = (header("location"), header("retry-after"), header("allow"));
        let cookies = resp
            .headers()
            .get_all("set-cookie")
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect();
        let body = resp.body().limit(64 << 20).await.expect("body").to_vec();
        Reply {
            status: resp.status().as_u16(),
            content_type,
            location,
            cookies,
            retry_after,
            allow,
            body,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.request("GET", path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.request(
            "POST",
            path,
            Some(token),
            Some(("application/json", body.to_string().into_bytes())),
        )
        .await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Reply {
        self.request(
            "PATCH",
            path,
            Some(token),
            Some(("application/json", body.to_string().into_bytes())),
        )
        .await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Reply {
        self.request("DELETE", path, Some(token), None).await
    }

    pub async fn post_csv(&self, path: &str, token: &str, csv: &str) -> Reply {
        self.request(
            "POST",
            path,
            Some(token),
            Some(("text/csv", csv.as_bytes().to_vec())),
        )
        .await
    }

    // A small catalogue most tests start from.

    pub async fn stairlift_type(&self) -> Value {
        self.post(
            "/api/v1/equipment-types",
            &self.admin,
            serde_json::json!({
                "code": "STAIRLIFT-STRAIGHT", "name": "Straight stairlift", "category": "stairlift",
                "manufacturer": "Acme Lifts", "model": "S1",
                "check_rules": [
                    {"name": "LOLER thorough examination", "interval_days": 182},
                    {"name": "manufacturer service", "interval_days": 365}
                ]
            }),
        )
        .await
        .expect(201)
        .json()
    }

    pub async fn frame_type(&self) -> Value {
        self.post(
            "/api/v1/equipment-types",
            &self.admin,
            serde_json::json!({
                "code": "FRAME-WALKING", "name": "Walking frame", "category": "walking_aid",
                "requires_decontamination": false, "check_interval_days": 365
            }),
        )
        .await
        .expect(201)
        .json()
    }

    pub async fn store(&self, name: &str) -> i64 {
        self.post(
            "/api/v1/locations",
            &self.admin,
            serde_json::json!({ "name": name }),
        )
        .await
        .expect(201)
        .json()["id"]
            .as_i64()
            .unwrap()
    }

    pub async fn client_person(&self, reference: &str, name: &str, postcode: &str) -> i64 {
        self.post(
            "/api/v1/clients",
            &self.admin,
            serde_json::json!({
                "reference": reference, "name": name, "address": "1 High Street, Leeds", "postcode": postcode,
                "phone": "0113 496 0000"
            }),
        )
        .await
        .expect(201)
        .json()["id"]
            .as_i64()
            .unwrap()
    }

    /// Moves an item's registration back to `date`, as if the register had held it since:
    /// the service's own today cannot be set, and a check may not be dated before the item
    /// was registered.
    pub fn registered_on(&self, tag: &str, date: &str) {
        use diesel::RunQueryDsl;
        let sql = format!("UPDATE items SET created_at = '{date} 09:00:00' WHERE asset_tag = '{tag}'");
        let moved = self
            .db
            .write(|c| Ok(diesel::sql_query(sql).execute(c)?))
            .expect("registration moved back");
        assert_eq!(moved, 1, "{tag} exists");
    }

    pub async fn item(&self, type_code: &str, body: Value) -> Value {
        let mut body = body;
        body["type"] = Value::String(type_code.into());
        self.post("/api/v1/items", &self.admin, body)
            .await
            .expect(201)
            .json()
    }
}

/// The secret a monitoring centre's webhook signs with, in every test's settings.
pub const WEBHOOK_SECRET: &str = "whsec_test_secret";

/// Settings for a test: its own folder and database, mail to the test's SMTP listener with
/// retries a second apart.
pub fn test_settings(dir: &Path, database_url: &str, smtp_port: u16) -> Settings {
    let env = vec![
        ("EQUIPTRACK__MAIL__TRANSPORT".to_string(), "smtp".to_string()),
        ("EQUIPTRACK__MAIL__SMTP_HOST".to_string(), "127.0.0.1".to_string()),
        ("EQUIPTRACK__MAIL__SMTP_PORT".to_string(), smtp_port.to_string()),
        ("EQUIPTRACK__MAIL__SMTP_SECURITY".to_string(), "none".to_string()),
        ("EQUIPTRACK__MAIL__TIMEOUT_SECONDS".to_string(), "5".to_string()),
        (
            "EQUIPTRACK__MAIL__DISPATCH_INTERVAL_SECONDS".to_string(),
            "1".to_string(),
        ),
        (
            "EQUIPTRACK__MAIL__RETRY_BASE_SECONDS".to_string(),
            "1".to_string(),
        ),
        ("EQUIPTRACK__MAIL__RETRY_MAX_SECONDS".to_string(), "2".to_string()),
        (
            "EQUIPTRACK__MAIL__STORES_ADDRESS".to_string(),
            "stores@test.example".to_string(),
        ),
        (
            "EQUIPTRACK__SERVER__DATA_DIR".to_string(),
            dir.display().to_string(),
        ),
        ("EQUIPTRACK__SERVER__BIND".to_string(), "127.0.0.1:0".to_string()),
        ("EQUIPTRACK__SERVER__WORKERS".to_string(), "2".to_string()),
        (
            "EQUIPTRACK__SERVICE__PHONE".to_string(),
            "0113 496 0999".to_string(),
        ),
        (
            "EQUIPTRACK__SERVICE__ADDRESS".to_string(),
            "Civic Hall, Calverley Street, Leeds LS1 1UR".to_string(),
        ),
        (
            "EQUIPTRACK__TELECARE__WEBHOOK_SECRET".to_string(),
            WEBHOOK_SECRET.to_string(),
        ),
        ("DATABASE_URL".to_string(), database_url.to_string()),
    ];
    Settings::load_from(None, &env).expect("test settings")
}
