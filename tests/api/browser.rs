//! The pages in a real browser: headless Chromium driven over WebDriver (chromedriver),
//! at a phone's size for the label page and a desk's for the stores desk. Each test saves
//! screenshots under `target/browser-screenshots/`. SQLite only: the pages, not the
//! backends, are under test here.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

use crate::support::{Backend, TestApp};

pub(crate) const PASSWORD: &str = "a long enough password";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// WebDriver's code for the Enter key, which a USB scanner sends after the tag.
pub(crate) const ENTER: &str = "\u{E007}";

pub(crate) struct Browser {
    driver: Child,
    base: String,
    session: String,
    http: awc::Client,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ending the WebDriver session closes Chromium (which leaves chromedriver's process
        // group); a plain blocking request, since Drop cannot await. Then the driver goes.
        if !self.session.is_empty() {
            let address = self.base.trim_start_matches("http://").to_string();
            if let Ok(mut stream) = std::net::TcpStream::connect(&address) {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let request = format!(
                    "DELETE /session/{} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    self.session
                );
                if stream.write_all(request.as_bytes()).is_ok() {
                    let _ = stream.read_to_end(&mut Vec::new());
                }
            }
        }
        let _ = Command::new("kill")
            .args(["-9", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.wait();
    }
}

fn chromedriver() -> Option<&'static str> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
}

fn skip(why: &str) -> Option<Browser> {
    if std::env::var_os("EQUIPTRACK_REQUIRE_BROWSER").is_some() {
        panic!("EQUIPTRACK_REQUIRE_BROWSER is set but {why}");
    }
    eprintln!("SKIPPED in the browser: {why}");
    None
}

impl Browser {
    /// A headless Chromium; `phone` emulates a 360-pixel-wide phone, else a desk screen.
    pub(crate) async fn start(phone: bool) -> Option<Browser> {
        Self::start_with(phone, Vec::new()).await
    }

    pub(crate) async fn start_with(phone: bool, extra_args: Vec<String>) -> Option<Browser> {
        let Some(driver_path) = chromedriver() else {
            return skip("chromedriver is not installed (Debian: chromium-driver)");
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(driver_path)
            .process_group(0)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let http = awc::Client::builder().timeout(Duration::from_secs(60)).finish();
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while http.get(format!("{base}/status")).send().await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        args.extend(extra_args);
        let mut options = json!({ "binary": "/usr/bin/chromium" });
        if phone {
            options["mobileEmulation"] =
                json!({ "deviceMetrics": { "width": 360, "height": 740, "pixelRatio": 2.0, "touch": true } });
        } else {
            args.push("--window-size=1280,1000".into());
        }
        options["args"] = json!(args);
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
            http,
            _profile: profile,
        };
        let created = browser
            .call(
                "POST",
                "/session",
                json!({ "capabilities": { "alwaysMatch": { "goog:chromeOptions": options } } }),
            )
            .await;
        browser.session = created["sessionId"]
            .as_str()
            .expect("a WebDriver session")
            .to_string();
        Some(browser)
    }

    pub(crate) async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        self.try_call(method, path, body)
            .await
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"))
    }

    pub(crate) async fn try_call(&self, method: &str, path: &str, body: Value) -> Result<Value, String> {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let req = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url),
        };
        let sent = if method == "GET" || method == "DELETE" {
            req.send().await
        } else {
            req.send_json(&body).await
        };
        let mut resp = sent.map_err(|e| e.to_string())?;
        let reply: Value = resp.json().limit(32 << 20).await.map_err(|e| e.to_string())?;
        if resp.status().is_success() {
            Ok(reply["value"].clone())
        } else {
            Err(reply["value"].to_string())
        }
    }

    /// The text of the first element matching `css`, if the page shows one right now.
    pub(crate) async fn try_text(&self, css: &str) -> Option<String> {
        let found = self
            .try_call(
                "POST",
                "/element",
                json!({ "using": "css selector", "value": css }),
            )
            .await
            .ok()?;
        let el = found[ELEMENT].as_str()?.to_string();
        // The page may move on between the two calls; that is a "not yet", not a failure.
        let text = self
            .try_call("GET", &format!("/element/{el}/text"), Value::Null)
            .await
            .ok()?;
        text.as_str().map(str::to_string)
    }

    pub(crate) async fn goto(&self, url: &str) {
        self.call("POST", "/url", json!({ "url": url })).await;
    }

    pub(crate) async fn url(&self) -> String {
        self.call("GET", "/url", Value::Null)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub(crate) async fn find(&self, css: &str) -> String {
        let found = self
            .call(
                "POST",
                "/element",
                json!({ "using": "css selector", "value": css }),
            )
            .await;
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    pub(crate) async fn click(&self, css: &str) {
        let el = self.find(css).await;
        self.call("POST", &format!("/element/{el}/click"), json!({}))
            .await;
    }

    pub(crate) async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        self.call("POST", &format!("/element/{el}/value"), json!({ "text": text }))
            .await;
    }

    /// Waits for the page to show `css` (pages load after a click); answers its text.
    pub(crate) async fn wait_for(&self, css: &str) -> String {
        self.wait_for_text(css, "").await
    }

    /// Waits until `css` shows text containing `needle` (the page after a form posts).
    pub(crate) async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let started = Instant::now();
        loop {
            if let Some(text) = self.try_text(css).await.filter(|t| t.contains(needle)) {
                return text;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{css} never said {needle:?} at {}",
                self.url().await
            );
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub(crate) async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.call("GET", "/screenshot", Value::Null).await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, bytes).unwrap();
        eprintln!("screenshot: {}", path.display());
        path
    }

    pub(crate) async fn sign_in(&self, email: &str) {
        self.wait_for("#email").await;
        self.type_into("#email", email).await;
        self.type_into("#password", PASSWORD).await;
        self.click("form[action='/login'] button").await;
    }
}

#[actix_web::test]
async fn a_worker_opens_a_label_on_a_phone_and_records_the_fit_and_a_check() {
    let Some(browser) = Browser::start(true).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.stairlift_type().await;
    let (worker, _, email) = app.staff_with_password("worker", Some(PASSWORD));
    let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
    app.item("STAIRLIFT-STRAIGHT", json!({"serial_number": "SL-88213"}))
        .await;
    app.post(
        "/api/v1/items/EQ-000001/issue",
        &app.admin,
        json!({"client_id": client, "worker_id": worker}),
    )
    .await
    .expect(200);

    // What the phone's camera opens: the label's URL. Not signed in yet, so sign in first.
    browser.goto(&format!("{}/s/EQ-000001", app.base)).await;
    browser.screenshot("phone-sign-in").await;
    browser.sign_in(&email).await;
    assert_eq!(browser.wait_for(".verdict strong").await, "Safe to use");
    assert!(
        browser.url().await.ends_with("/s/EQ-000001"),
        "back to the label's page"
    );
    browser.click("form[action$='/fit'] button[type=submit]").await;
    browser.wait_for_text(".done", "Fit recorded").await;
    browser.click("form[action$='/checks'] button[value=pass]").await;
    browser.wait_for_text(".done", "passed").await;
    browser.screenshot("phone-item-page").await;

    let item = app
        .get("/api/v1/items/EQ-000001", &app.admin)
        .await
        .expect(200)
        .json();
    assert_eq!(item["status"], "in_use");
    assert!(
        item["checks_due"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["last_checked_at"].is_string())
    );
}

#[actix_web::test]
async fn stores_issue_an_item_at_the_desk_by_typing_its_tag_and_scan_by_typing_too() {
    let Some(browser) = Browser::start(false).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.frame_type().await;
    let (_, _, stores) = app.staff_with_password("stores", Some(PASSWORD));
    let worker = app
        .db
        .write(|c| {
            equiptrack::service::staff::create_account(
                c,
                "k.mensah@test.example",
                "Kofi Mensah",
                "worker",
                None,
            )
        })
        .expect("a worker")
        .id;
    app.staff_with_password("worker", Some(PASSWORD));
    let client = app.client_person("SC-2", "Harold Finch", "LS1 4AP").await;
    app.item("FRAME-WALKING", json!({})).await;
    app.item("FRAME-WALKING", json!({})).await;

    browser.goto(&format!("{}/desk", app.base)).await;
    browser.sign_in(&stores).await;
    browser.wait_for("#code").await;
    // The client by the search box: typing part of the name offers them, by reference.
    browser.type_into("#client", "Finch").await;
    browser.wait_for("#client-list option[value='SC-2']").await;
    browser.type_into("#client", "").await;
    browser
        .call(
            "POST",
            "/execute/sync",
            json!({
                "script": "document.getElementById('client').value = 'SC-2';", "args": []
            }),
        )
        .await;
    // The worker the same way: part of the name offers them, by email, and the person picks it.
    browser.type_into("#worker", "mens").await;
    browser
        .wait_for("#worker-list option[value='k.mensah@test.example']")
        .await;
    let picked = browser
        .call(
            "POST",
            "/execute/sync",
            json!({
                "script": "const o = document.querySelector('#worker-list option'); \
                    document.getElementById('worker').value = o.value; return o.label;",
                "args": []
            }),
        )
        .await;
    assert_eq!(picked, "Kofi Mensah (worker)");
    // A USB scanner types the tag and presses Enter.
    browser.type_into("#code", &format!("eq-000001{ENTER}")).await;
    browser.wait_for_text(".done", "Issued EQ-000001").await;
    browser
        .type_into("#code", &format!("{}/s/EQ-000002{ENTER}", app.base))
        .await;
    browser.wait_for_text(".done", "Issued EQ-000002").await;
    browser.screenshot("desk").await;
    for tag in ["EQ-000001", "EQ-000002"] {
        let item = app
            .get(&format!("/api/v1/items/{tag}"), &app.admin)
            .await
            .expect(200)
            .json();
        assert_eq!(item["status"], "issued");
        assert_eq!(item["client"]["id"], client);
        assert_eq!(item["worker"]["id"], worker, "held by the worker picked");
    }

    // The scan page takes typed input the same way.
    browser.goto(&format!("{}/scan", app.base)).await;
    browser.type_into("#code", &format!(" EQ-000002 {ENTER}")).await;
    browser.wait_for(".verdict strong").await;
    assert!(browser.url().await.ends_with("/s/EQ-000002"));
    browser.screenshot("desk-item-page").await;
}

/// A camera's worth of video showing `png` (a label) on a white wall, as YUV4MPEG2, which
/// Chromium's fake capture device plays in a loop.
fn label_video(png: &[u8], path: &std::path::Path) {
    let label = image::load_from_memory(png).unwrap().to_luma8();
    let (w, h) = (960u32, 640u32);
    let (ox, oy) = ((w - label.width()) / 2, (h - label.height()) / 2);
    let mut luma = vec![235u8; (w * h) as usize];
    for (x, y, p) in label.enumerate_pixels() {
        luma[((y + oy) * w + x + ox) as usize] = p.0[0];
    }
    let chroma = vec![128u8; (w * h / 4) as usize];
    let mut video = format!("YUV4MPEG2 W{w} H{h} F10:1 Ip A1:1 C420jpeg\n").into_bytes();
    for _ in 0..10 {
        video.extend_from_slice(b"FRAME\n");
        video.extend_from_slice(&luma);
        video.extend_from_slice(&chroma);
        video.extend_from_slice(&chroma);
    }
    std::fs::write(path, video).unwrap();
}

#[actix_web::test]
async fn the_scan_page_reads_a_label_through_the_camera_and_opens_the_item() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.stairlift_type().await;
    let (_, _, email) = app.staff_with_password("worker", Some(PASSWORD));
    app.item("STAIRLIFT-STRAIGHT", json!({})).await;
    let png = app
        .get("/api/v1/items/EQ-000001/label.png", &app.admin)
        .await
        .expect(200)
        .body;
    let video = app.dir.path().join("label.y4m");
    label_video(&png, &video);
    // The fake camera shows the label; headless Chromium on Linux has no BarcodeDetector,
    // so this is the page's own jsQR path.
    let camera = vec![
        "--use-fake-device-for-media-stream".to_string(),
        "--use-fake-ui-for-media-stream".to_string(),
        format!("--use-file-for-fake-video-capture={}", video.display()),
    ];
    let Some(browser) = Browser::start_with(true, camera).await else {
        return;
    };
    browser.goto(&format!("{}/scan", app.base)).await;
    browser.sign_in(&email).await;
    browser.wait_for("#camera-start").await;
    browser.click("#camera-start").await;
    assert_eq!(browser.wait_for(".verdict strong").await, "Safe to use");
    assert!(
        browser.url().await.ends_with("/s/EQ-000001"),
        "the camera opened the label's page"
    );
    browser.screenshot("phone-after-camera-scan").await;
}
