//! Sign-in and account security from issue 9: where sign-in may send the browser, the
//! throttle shared by instances and not fooled by a shared proxy address, NUL bytes,
//! sessions and tokens that end, sign-in that answers alike for unknown accounts, and
//! addresses the mail library cannot use.

use actix_web::dev::ServerHandle;
use equiptrack::app::Application;
use equiptrack::config::Settings;
use futures_util::future::join_all;
use serde_json::json;

use crate::pages::{PASSWORD, cookie_value};
use crate::support::{Reply, TestApp};

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// Another instance of the service on the same database, as a second server would run.
pub(crate) struct Instance {
    pub(crate) base: String,
    handle: ServerHandle,
}

impl Drop for Instance {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

pub(crate) async fn instance(settings: Settings) -> Instance {
    let application = Application::build(settings)
        .unwrap()
        .linking_to_bound_address()
        .without_sweep_schedule();
    let base = format!("http://{}", application.address());
    let running = application.start().await.unwrap();
    let handle = running.handle();
    actix_web::rt::spawn(running.until_stopped());
    Instance { base, handle }
}

/// Sign-in attempts against one instance, with a login CSRF pair fetched once.
struct SignIn<'a> {
    app: &'a TestApp,
    base: String,
    csrf: String,
}

impl<'a> SignIn<'a> {
    async fn on(app: &'a TestApp, base: &str) -> SignIn<'a> {
        let page = app.request_to(base, "GET", "/login", &[], None).await.expect(200);
        let csrf = cookie_value(&page, "et_login").expect("a sign-in CSRF cookie");
        SignIn {
            app,
            base: base.to_string(),
            csrf,
        }
    }

    async fn attempt(&self, email: &str, password: &str, headers: &[(&str, &str)]) -> Reply {
        self.post(
            &form(&[("email", email), ("password", password), ("csrf", &self.csrf)]),
            headers,
        )
        .await
    }

    async fn post(&self, body: &[u8], headers: &[(&str, &str)]) -> Reply {
        let cookie = format!("et_login={}", self.csrf);
        let mut all = vec![("Cookie", cookie.as_str())];
        all.extend_from_slice(headers);
        self.app
            .request_to(
                &self.base,
                "POST",
                "/login",
                &all,
                Some(("application/x-www-form-urlencoded", body.to_vec())),
            )
            .await
    }
}

/// Signs in through the form; answers the session cookie header.
async fn session(app: &TestApp, email: &str) -> String {
    let r = SignIn::on(app, &app.base)
        .await
        .attempt(email, PASSWORD, &[])
        .await
        .expect(303);
    format!(
        "et_session={}",
        cookie_value(&r, "et_session").expect("a session")
    )
}

async fn scan_page(app: &TestApp, cookie: &str) -> u16 {
    app.request_with("GET", "/scan", &[("Cookie", cookie)], None)
        .await
        .status
}

fn trusting(app: &TestApp, proxies: &str) -> Settings {
    let loaded = Settings::load_from(
        None,
        &[(
            "EQUIPTRACK__SERVER__TRUSTED_PROXIES".to_string(),
            proxies.to_string(),
        )],
    )
    .expect("trusted_proxies is a setting");
    let mut settings = app.settings.clone();
    settings.server.trusted_proxies = loaded.server.trusted_proxies;
    settings
}

both_backends! {
    async fn sign_in_sends_the_browser_only_to_a_path_on_this_site(app: TestApp) {
        let (_, _, email) = app.staff_with_password("worker", Some(PASSWORD));
        let page = app.request("GET", "/login?next=/%09/evil.example/phish", None, None).await.expect(200);
        assert!(page.text().contains("name=\"next\" value=\"/scan\""), "{}", page.text());
        let login = SignIn::on(&app, &app.base).await;
        for next in ["/\t/evil.example/phish", "/\\evil.example", "\\/evil.example", "/\r\nSet-Cookie: x=1", "/ok\u{7f}", "https://evil.example/"] {
            let body = form(&[("email", &email), ("password", PASSWORD), ("csrf", &login.csrf), ("next", next)]);
            let r = login.post(&body, &[]).await.expect(303);
            assert_eq!(r.location.as_deref(), Some("/scan"), "next = {next:?}");
        }
        let body = form(&[("email", &email), ("password", PASSWORD), ("csrf", &login.csrf), ("next", "/s/EQ-000001?from=scan")]);
        let r = login.post(&body, &[]).await.expect(303);
        assert_eq!(r.location.as_deref(), Some("/s/EQ-000001?from=scan"), "a path on this site is kept");
    }

    async fn a_parallel_burst_of_wrong_passwords_gets_no_more_verifications_than_the_limit(app: TestApp) {
        let (_, _, email) = app.staff_with_password("worker", Some(PASSWORD));
        let login = SignIn::on(&app, &app.base).await;
        let replies = join_all((0..40).map(|_| login.attempt(&email, "wrong password!", &[]))).await;
        let verified = replies.iter().filter(|r| r.status == 401).count();
        let refused = replies.iter().filter(|r| r.status == 429).count();
        assert_eq!(verified + refused, 40, "{:?}", replies.iter().map(|r| r.status).collect::<Vec<_>>());
        assert_eq!(verified, 5, "only the limit's worth of guesses are checked");
        let waits: Vec<_> = replies.iter().filter(|r| r.status == 429).map(|r| r.retry_after.as_deref()).collect();
        assert!(waits.iter().all(|w| *w == Some("900")), "a refusal says how long to wait: {waits:?}");
        login.attempt(&email, PASSWORD, &[]).await.expect(429);
    }

    async fn two_instances_on_one_database_share_the_wrong_password_count(app: TestApp) {
        let (_, _, email) = app.staff_with_password("worker", Some(PASSWORD));
        let other = instance(app.settings.clone()).await;
        let (here, there) = (SignIn::on(&app, &app.base).await, SignIn::on(&app, &other.base).await);
        for _ in 0..3 {
            here.attempt(&email, "wrong password!", &[]).await.expect(401);
        }
        for _ in 0..2 {
            there.attempt(&email, "wrong password!", &[]).await.expect(401);
        }
        let r = here.attempt(&email, PASSWORD, &[]).await.expect(429);
        assert!(r.cookies.iter().all(|c| !c.starts_with("et_session=")));
    }

    async fn wrong_guesses_for_invented_addresses_do_not_lock_out_the_admin(app: TestApp) {
        let (_, _, admin) = app.staff_with_password("admin", Some(PASSWORD));
        let (_, _, worker) = app.staff_with_password("worker", Some(PASSWORD));
        let login = SignIn::on(&app, &app.base).await;
        let invented: Vec<String> = (0..25).map(|n| format!("nobody{n}@test.example")).collect();
        join_all(invented.iter().map(|e| login.attempt(e, "guess guess guess", &[]))).await;
        // The client is over its cap: a wrong password is refused outright...
        login.attempt(&worker, "wrong password!", &[]).await.expect(429);
        login.attempt("nobody99@test.example", "guess guess guess", &[]).await.expect(429);
        // ...but the right password for a known account still passes.
        login.attempt(&admin, PASSWORD, &[]).await.expect(303);
        login.attempt(&worker, PASSWORD, &[]).await.expect(303);
    }

    async fn forwarded_for_is_believed_only_from_a_trusted_proxy(app: TestApp) {
        let (_, _, email) = app.staff_with_password("worker", Some(PASSWORD));
        // Not trusted (the default): the header is the client's own claim and changes nothing.
        let direct = SignIn::on(&app, &app.base).await;
        for n in 0..5 {
            let xff = format!("203.0.113.{n}");
            direct.attempt(&email, "wrong password!", &[("X-Forwarded-For", &xff)]).await.expect(401);
        }
        direct.attempt(&email, PASSWORD, &[("X-Forwarded-For", "203.0.113.200")]).await.expect(429);

        let (_, _, email) = app.staff_with_password("worker", Some(PASSWORD));
        let proxied = instance(trusting(&app, "10.0.0.0/8, 127.0.0.1")).await;
        let login = SignIn::on(&app, &proxied.base).await;
        for _ in 0..5 {
            // The proxy appends the peer it saw; what the client claimed to its left is ignored.
            login.attempt(&email, "wrong password!", &[("X-Forwarded-For", "198.51.100.1, 203.0.113.7, 10.1.2.3")]).await.expect(401);
        }
        login.attempt(&email, PASSWORD, &[("X-Forwarded-For", "198.51.100.2, 203.0.113.7")]).await.expect(429);
        // Another person behind the same proxy is not stopped.
        login.attempt(&email, PASSWORD, &[("X-Forwarded-For", "203.0.113.8")]).await.expect(303);
    }

    async fn a_nul_byte_in_a_form_or_json_field_is_refused_not_a_server_error(app: TestApp) {
        let (_, _, email) = app.staff_with_password("worker", Some(PASSWORD));
        let login = SignIn::on(&app, &app.base).await;
        let body = format!("email=a%00b&password=x&csrf={}", login.csrf);
        login.post(body.as_bytes(), &[]).await.expect(400);
        let body = format!("email={}&password=a%00b&csrf={}", encode(&email), login.csrf);
        login.post(body.as_bytes(), &[]).await.expect(400);
        let body = json!({"code": "FRAME", "name": "Frame", "category": "walking_aid",
            "check_rules": [{"name": "yearly\u{0}check", "interval_days": 365}]});
        let r = app.post("/api/v1/equipment-types", &app.admin, body).await.expect(422);
        assert_eq!(r.json()["errors"][0]["field"], "check_rules[0].name", "{}", r.text());
        let r = app.post("/api/v1/staff", &app.admin, json!({"email\u{0}": "x"})).await;
        assert!(r.status == 400 || r.status == 422, "{}", r.text());
        // An escaped backslash before u0000 is text, not a NUL.
        app.post("/api/v1/locations", &app.admin, json!({"name": "Store \\u0000"})).await.expect(201);
        // Nor in a query string or a path.
        for path in ["/api/v1/items?q=a%00b", "/api/v1/clients?q=%00", "/api/v1/items/EQ%00"] {
            let r = app.get(path, &app.admin).await;
            assert!((400..500).contains(&r.status), "{path}: {} {}", r.status, r.text());
        }
    }

    async fn setting_a_password_ends_the_persons_sessions(app: TestApp) {
        let (id, _, email) = app.staff_with_password("worker", Some(PASSWORD));
        let (_, _, other) = app.staff_with_password("worker", Some(PASSWORD));
        let (cookie, bystander) = (session(&app, &email).await, session(&app, &other).await);
        assert_eq!(scan_page(&app, &cookie).await, 200);
        app.patch(&format!("/api/v1/staff/{id}"), &app.admin, json!({"name": "Renamed"})).await.expect(200);
        assert_eq!(scan_page(&app, &cookie).await, 200, "other changes leave sessions alone");
        app.patch(&format!("/api/v1/staff/{id}"), &app.admin, json!({"password": "another long password"})).await.expect(200);
        assert_eq!(scan_page(&app, &cookie).await, 303);
        assert_eq!(scan_page(&app, &bystander).await, 200);
    }

    async fn reactivating_an_account_revives_no_session_or_token(app: TestApp) {
        let (id, token, email) = app.staff_with_password("worker", Some(PASSWORD));
        let cookie = session(&app, &email).await;
        app.get("/api/v1/items", &token).await.expect(200);
        app.patch(&format!("/api/v1/staff/{id}"), &app.admin, json!({"active": false})).await.expect(200);
        app.get("/api/v1/items", &token).await.expect(401);
        app.patch(&format!("/api/v1/staff/{id}"), &app.admin, json!({"active": true})).await.expect(200);
        app.get("/api/v1/items", &token).await.expect(401);
        assert_eq!(scan_page(&app, &cookie).await, 303);
        // A new token and a new sign-in work.
        let fresh = app.post(&format!("/api/v1/staff/{id}/tokens"), &app.admin, json!({})).await.expect(201).json();
        app.get("/api/v1/items", fresh["token"].as_str().unwrap()).await.expect(200);
        assert_eq!(scan_page(&app, &session(&app, &email).await).await, 200);
    }

    async fn rotating_a_token_ends_the_old_one_at_once(app: TestApp) {
        let (id, old, _) = app.staff("worker");
        let (other, other_token, _) = app.staff("stores");
        app.get("/api/v1/items", &old).await.expect(200);
        let r = app.post(&format!("/api/v1/staff/{id}/tokens"), &app.admin, json!({})).await.expect(201).json();
        assert_eq!(r["id"], id);
        assert!(r["token_expires_at"].is_null());
        let new = r["token"].as_str().unwrap().to_string();
        app.get("/api/v1/items", &old).await.expect(401);
        app.get("/api/v1/items", &new).await.expect(200);
        let log = app.get("/api/v1/audit", &app.admin).await.expect(200).json();
        let newest = &log["items"][0];
        assert_eq!((&newest["action"], &newest["subject_id"]), (&json!("staff_token_rotated"), &json!(id)), "{log}");
        assert!(!log.to_string().contains(&new), "the audit log never holds a token");
        // A person may rotate their own token, not somebody else's.
        let own = app.post(&format!("/api/v1/staff/{id}/tokens"), &new, json!({})).await.expect(201).json();
        app.get("/api/v1/items", &new).await.expect(401);
        app.get("/api/v1/items", own["token"].as_str().unwrap()).await.expect(200);
        app.post(&format!("/api/v1/staff/{other}/tokens"), own["token"].as_str().unwrap(), json!({})).await.expect(403);
        app.get("/api/v1/items", &other_token).await.expect(200);
        app.post("/api/v1/staff/999999/tokens", &app.admin, json!({})).await.expect(404);
        app.post("/api/v1/staff/abc/tokens", &app.admin, json!({})).await.expect(404);
        let r = app.post(&format!("/api/v1/staff/{id}/tokens"), &app.admin, json!({"expires_at": "2001-01-01T00:00:00Z"})).await.expect(422);
        assert_eq!(r.json()["errors"][0]["field"], "expires_at");
        app.post(&format!("/api/v1/staff/{id}/tokens"), &app.admin, json!({"expires_at": "soon"})).await.expect(422);
        app.post(&format!("/api/v1/staff/{id}/tokens"), &app.admin, json!({"expires": "soon"})).await.expect(422);
    }

    async fn a_token_with_an_expiry_stops_working_when_it_ends(app: TestApp) {
        let (id, _, _) = app.staff("worker");
        let ends = chrono::Utc::now() + chrono::TimeDelta::seconds(2);
        let r = app.post(&format!("/api/v1/staff/{id}/tokens"), &app.admin, json!({"expires_at": ends.to_rfc3339()})).await.expect(201).json();
        assert!(r["token_expires_at"].is_string(), "{r}");
        let token = r["token"].as_str().unwrap().to_string();
        app.get("/api/v1/items", &token).await.expect(200);
        actix_web::rt::time::sleep(std::time::Duration::from_millis(2500)).await;
        app.get("/api/v1/items", &token).await.expect(401);
    }

    async fn an_unknown_account_is_answered_like_a_wrong_password(app: TestApp) {
        let (_, _, known) = app.staff_with_password("worker", Some(PASSWORD));
        let (id, _, inactive) = app.staff_with_password("worker", Some(PASSWORD));
        let (_, _, no_password) = app.staff("worker");
        app.patch(&format!("/api/v1/staff/{id}"), &app.admin, json!({"active": false})).await.expect(200);
        let login = SignIn::on(&app, &app.base).await;
        let mut seen = Vec::new();
        for email in [known.as_str(), "nobody@test.example", inactive.as_str(), no_password.as_str()] {
            let r = login.attempt(email, "wrong password!", &[]).await;
            // The form shows back the address typed; everything else must match.
            seen.push((r.status, r.content_type.clone(), r.cookies.clone(), r.text().replace(email, "EMAIL")));
        }
        assert_eq!(seen[0].0, 401);
        assert!(seen.iter().all(|s| s == &seen[0]), "{seen:#?}");
    }

    async fn an_address_the_mail_library_refuses_is_refused_when_staff_are_created(app: TestApp) {
        for email in ["pat..smith@test.example", "pat@test..example", "pat(x)@test.example"] {
            let r = app.post("/api/v1/staff", &app.admin, json!({"email": email, "name": "Pat", "role": "worker"})).await.expect(422);
            assert_eq!(r.json()["errors"][0]["field"], "email", "{email}: {}", r.text());
        }
        app.post("/api/v1/staff", &app.admin, json!({"email": "pat.smith@test.example", "name": "Pat", "role": "worker"})).await.expect(201);
    }
}
