//! The web pages over plain HTTP: sign-in, sessions, CSRF, throttling, moves from the page,
//! the desk. The same flows in a real browser are in `browser.rs`.

use std::time::Instant;

use serde_json::json;

use crate::support::{Reply, TestApp};

pub(crate) const PASSWORD: &str = "a long enough password";

pub(crate) fn cookie_value(reply: &Reply, name: &str) -> Option<String> {
    reply.cookies.iter().find_map(|c| {
        c.strip_prefix(&format!("{name}="))?
            .split(';')
            .next()
            .map(str::to_string)
    })
}

pub(crate) fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.bytes()
                    .map(|b| if b.is_ascii_alphanumeric() {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    })
                    .collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// Signs in through the form as a client would; answers the session cookie.
pub(crate) async fn sign_in(app: &TestApp, email: &str, next: &str) -> (String, Reply) {
    let page = app
        .request("GET", &format!("/login?next={next}"), None, None)
        .await
        .expect(200);
    let csrf = cookie_value(&page, "et_login").expect("a sign-in CSRF cookie");
    let cookie = format!("et_login={csrf}");
    let r = app
        .request_with(
            "POST",
            "/login",
            &[("Cookie", &cookie)],
            Some((
                "application/x-www-form-urlencoded",
                form(&[
                    ("email", email),
                    ("password", PASSWORD),
                    ("csrf", &csrf),
                    ("next", next),
                ]),
            )),
        )
        .await;
    let session = cookie_value(&r, "et_session").unwrap_or_default();
    (format!("et_session={session}"), r)
}

/// The CSRF token a page's forms carry.
pub(crate) fn page_csrf(html: &str) -> String {
    let at = html
        .find("name=\"csrf\" value=\"")
        .expect("a form with a CSRF token")
        + 19;
    html[at..at + 64].to_string()
}

pub(crate) async fn page(app: &TestApp, cookie: &str, path: &str) -> Reply {
    app.request_with("GET", path, &[("Cookie", cookie)], None).await
}

pub(crate) async fn post_form(app: &TestApp, cookie: &str, path: &str, pairs: &[(&str, &str)]) -> Reply {
    app.request_with(
        "POST",
        path,
        &[("Cookie", cookie)],
        Some(("application/x-www-form-urlencoded", form(pairs))),
    )
    .await
}

/// A stairlift issued to a worker who can sign in: answers the worker's email.
async fn issued(app: &TestApp) -> String {
    app.stairlift_type().await;
    let (worker, _, email) = app.staff_with_password("worker", Some(PASSWORD));
    let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
    app.item("STAIRLIFT-STRAIGHT", json!({})).await;
    app.post(
        "/api/v1/items/EQ-000001/issue",
        &app.admin,
        json!({"client_id": client, "worker_id": worker}),
    )
    .await
    .expect(200);
    email
}

both_backends! {
    async fn signing_in_returns_to_the_page_that_asked_with_a_protected_session(app: TestApp) {
        let email = issued(&app).await;
        let r = app.request("GET", "/s/EQ-000001", None, None).await.expect(303);
        assert_eq!(r.location.as_deref(), Some("/login?next=/s/EQ-000001"));
        let (cookie, r) = sign_in(&app, &email, "/s/EQ-000001").await;
        let r = r.expect(303);
        assert_eq!(r.location.as_deref(), Some("/s/EQ-000001"));
        let set = r.cookies.iter().find(|c| c.starts_with("et_session=")).unwrap();
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"), "{set}");
        assert!(!set.contains("Secure"), "plain http here; Secure only with an https public_url");
        let item = page(&app, &cookie, "/s/EQ-000001").await.expect(200);
        assert!(item.content_type.starts_with("text/html"));
        let html = item.text();
        assert!(html.contains("Safe to use") && html.contains("EQ-000001") && html.contains("Margaret Oduya"));
        assert!(html.contains("Record the fit") && !html.contains("Condemn this item"), "a worker's moves only");
        // A foreign redirect target is ignored.
        let (_, r) = sign_in(&app, &email, "//evil.example/").await;
        assert_eq!(r.location.as_deref(), Some("/scan"));
    }

    async fn a_worker_records_the_fit_and_a_check_from_the_page(app: TestApp) {
        let email = issued(&app).await;
        let (cookie, _) = sign_in(&app, &email, "/scan").await;
        let html = page(&app, &cookie, "/s/EQ-000001").await.expect(200).text();
        let csrf = page_csrf(&html);
        let r = post_form(&app, &cookie, "/s/EQ-000001/fit", &[("csrf", &csrf), ("version", "2"), ("fitted_at", "2026-11-01")]).await.expect(303);
        assert_eq!(r.location.as_deref(), Some("/s/EQ-000001?done=fit"));
        assert!(page(&app, &cookie, "/s/EQ-000001?done=fit").await.expect(200).text().contains("Fit recorded"));
        // A fail needs a note saying what failed.
        let r = post_form(&app, &cookie, "/s/EQ-000001/checks", &[("csrf", &csrf), ("rule", "LOLER thorough examination"), ("outcome", "fail")]).await.expect(422);
        assert!(r.text().contains("say what failed"));
        // A stale page cannot record twice.
        post_form(&app, &cookie, "/s/EQ-000001/fit", &[("csrf", &csrf), ("version", "2")]).await.expect(409);
        post_form(&app, &cookie, "/s/EQ-000001/checks", &[("csrf", &csrf), ("rule", "LOLER thorough examination"), ("outcome", "pass")]).await.expect(303);
        let item = app.get("/api/v1/items/EQ-000001", &app.admin).await.expect(200).json();
        assert_eq!(item["status"], "in_use");
        assert_eq!(item["fitted_at"], "2026-11-01");
        assert!(item["checks_due"][0]["last_checked_at"].is_string());
    }

    async fn a_form_without_its_csrf_token_changes_nothing(app: TestApp) {
        let email = issued(&app).await;
        let (cookie, _) = sign_in(&app, &email, "/scan").await;
        post_form(&app, &cookie, "/s/EQ-000001/fit", &[("csrf", &"0".repeat(64))]).await.expect(403);
        let item = app.get("/api/v1/items/EQ-000001", &app.admin).await.expect(200).json();
        assert_eq!(item["status"], "issued");
        // The sign-in form itself is protected too.
        let r = app
            .request("POST", "/login", None, Some(("application/x-www-form-urlencoded", form(&[("email", &email), ("password", PASSWORD), ("csrf", "x")]))))
            .await
            .expect(403);
        assert!(r.cookies.iter().all(|c| !c.starts_with("et_session=")));
    }

    async fn wrong_passwords_are_slowed_down_then_refused(app: TestApp) {
        let (_, _, email) = app.staff_with_password("worker", Some(PASSWORD));
        let page_reply = app.request("GET", "/login", None, None).await.expect(200);
        let csrf = cookie_value(&page_reply, "et_login").unwrap();
        let cookie = format!("et_login={csrf}");
        let attempt = |password: &'static str| {
            let (cookie, csrf, email) = (cookie.clone(), csrf.clone(), email.clone());
            let app = &app;
            async move {
                app.request_with("POST", "/login", &[("Cookie", &cookie)],
                    Some(("application/x-www-form-urlencoded", form(&[("email", &email), ("password", password), ("csrf", &csrf)])))).await
            }
        };
        let started = Instant::now();
        for _ in 0..5 {
            attempt("wrong password!").await.expect(401);
        }
        assert!(started.elapsed().as_millis() >= 2000, "five wrong passwords take time: {:?}", started.elapsed());
        // Now even the right password waits out the window.
        let r = attempt(PASSWORD).await.expect(429);
        assert!(r.text().contains("Too many"));
        // The API tokens are unaffected.
        app.get("/api/v1/items", &app.admin).await.expect(200);
    }

    async fn signing_out_ends_the_session(app: TestApp) {
        let email = issued(&app).await;
        let (cookie, _) = sign_in(&app, &email, "/scan").await;
        let html = page(&app, &cookie, "/scan").await.expect(200).text();
        let r = post_form(&app, &cookie, "/logout", &[("csrf", &page_csrf(&html))]).await.expect(303);
        assert_eq!(r.location.as_deref(), Some("/login"));
        page(&app, &cookie, "/scan").await.expect(303);
        // A session that has simply expired is purged by the daily job.
        let (cookie, _) = sign_in(&app, &email, "/scan").await;
        page(&app, &cookie, "/scan").await.expect(200);
        let later = equiptrack::service::now() + chrono::TimeDelta::hours(13);
        let purged = app.db.write(|c| Ok(equiptrack::db::sessions::purge_expired(c, later)?)).unwrap();
        assert_eq!(purged, 1);
        page(&app, &cookie, "/scan").await.expect(303);
    }

    async fn the_desk_is_for_stores_and_records_a_move_per_scan(app: TestApp) {
        let email = issued(&app).await;
        let (worker_cookie, _) = sign_in(&app, &email, "/scan").await;
        page(&app, &worker_cookie, "/desk").await.expect(403);
        let (_, _, stores) = app.staff_with_password("stores", Some(PASSWORD));
        let (cookie, _) = sign_in(&app, &stores, "/desk").await;
        let html = page(&app, &cookie, "/desk?q=eq-000001").await.expect(200).text();
        assert!(html.contains("value=\"EQ-000001\""), "the search finds it, ready to print");
        let csrf = page_csrf(&html);
        // The scanner types the label's URL; the item comes back from the worker.
        let url = format!("{}/s/EQ-000001", app.base);
        let r = post_form(&app, &cookie, "/desk/move", &[("csrf", &csrf), ("mode", "return"), ("code", &url)]).await.expect(200);
        assert!(r.text().contains("Took back EQ-000001"), "{}", r.text());
        let r = post_form(&app, &cookie, "/desk/move", &[("csrf", &csrf), ("mode", "return"), ("code", "EQ-000001")]).await.expect(422);
        assert!(r.text().contains("Not recorded"));
        post_form(&app, &cookie, "/desk/move", &[("csrf", &csrf), ("mode", "decontaminate"), ("code", "eq-000001"), ("method", "washer")]).await.expect(200);
        let item = app.get("/api/v1/items/EQ-000001", &app.admin).await.expect(200).json();
        assert_eq!(item["status"], "in_store");
        let pdf = page(&app, &cookie, "/desk/labels.pdf?tags=EQ-000001").await.expect(200);
        assert!(pdf.body.starts_with(b"%PDF-"));
        page(&app, &cookie, "/desk/overdue").await.expect(200);
    }

    async fn typed_input_at_the_scan_page_opens_the_item(app: TestApp) {
        let email = issued(&app).await;
        let (cookie, _) = sign_in(&app, &email, "/scan").await;
        let r = page(&app, &cookie, "/scan/go?code=%20eq-000001%20").await.expect(303);
        assert_eq!(r.location.as_deref(), Some("/s/EQ-000001"));
        page(&app, &cookie, "/scan/go?code=https%3A%2F%2Felsewhere.example%2Fs%2FEQ-000001").await.expect(404);
        page(&app, &cookie, "/scan/go?code=EQ-999999").await.expect(404);
        assert!(page(&app, &cookie, "/assets/scan.js").await.expect(200).text().contains("BarcodeDetector"));
        assert!(page(&app, &cookie, "/assets/jsQR.js").await.expect(200).text().contains("jsQR"));
    }
}
