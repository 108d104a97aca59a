//! One-time sign-in links: `/welcome/{token}` from the API, the command line and the first
//! start; set a password, land signed in; a used, expired or unknown link says so.

use diesel::prelude::*;
use serde_json::json;

use crate::browser::Browser;
use crate::cli::equiptrack;
use crate::pages::{PASSWORD, cookie_value, page, page_csrf, post_form, sign_in};
use crate::support::{Reply, TestApp};

/// A new account with no password, made through the API: its id and email.
async fn person(app: &TestApp, email: &str, role: &str) -> i64 {
    app.post(
        "/api/v1/staff",
        &app.admin,
        json!({"email": email, "name": "Nia Newstart", "role": role}),
    )
    .await
    .expect(201)
    .json()["id"]
        .as_i64()
        .unwrap()
}

async fn link_for(app: &TestApp, id: i64) -> String {
    let issued = app
        .post(&format!("/api/v1/staff/{id}/sign-in-link"), &app.admin, json!({}))
        .await
        .expect(201)
        .json();
    assert_eq!(issued["emailed"], false);
    assert!(issued["expires_at"].is_string());
    let url = issued["url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("{}/welcome/", app.base)), "{url}");
    url
}

fn path_of(app: &TestApp, url: &str) -> String {
    url.strip_prefix(&app.base)
        .expect("a link to this service")
        .to_string()
}

/// Opens the link's page and posts the two passwords with the page's CSRF token and cookie.
async fn follow(app: &TestApp, url: &str, password: &str, confirm: &str) -> Reply {
    let path = path_of(app, url);
    let shown = app.request("GET", &path, None, None).await.expect(200);
    let csrf = cookie_value(&shown, "et_login").expect("a CSRF cookie");
    assert_eq!(page_csrf(&shown.text()), csrf);
    post_form(
        app,
        &format!("et_login={csrf}"),
        &path,
        &[("csrf", &csrf), ("password", password), ("confirm", confirm)],
    )
    .await
}

fn session_of(reply: &Reply) -> String {
    format!(
        "et_session={}",
        cookie_value(reply, "et_session").expect("a session cookie")
    )
}

both_backends! {
    async fn a_sign_in_link_sets_the_password_and_signs_in_in_the_browser(app: TestApp) {
        let Some(browser) = Browser::start(false).await else {
            return;
        };
        let id = person(&app, "nia@test.example", "stores").await;
        let url = link_for(&app, id).await;

        browser.goto(&url).await;
        assert_eq!(browser.wait_for("h1").await, "Welcome, Nia Newstart");
        browser.screenshot("welcome").await;
        browser.type_into("#password", PASSWORD).await;
        browser.type_into("#confirm", PASSWORD).await;
        browser.click("form[action^='/welcome/'] button").await;
        // Stores land on the desk, signed in.
        browser.wait_for("#code").await;
        assert!(browser.url().await.ends_with("/desk"), "{}", browser.url().await);
        assert_eq!(browser.wait_for(".who").await, "Nia Newstart");

        browser.click("form[action='/logout'] button").await;
        browser.sign_in("nia@test.example").await;
        assert_eq!(browser.wait_for(".who").await, "Nia Newstart");
        assert!(browser.url().await.ends_with("/scan"));

        browser.goto(&url).await;
        assert_eq!(browser.wait_for("h1").await, "This sign-in link has already been used");
        browser.screenshot("welcome-used").await;
    }

    async fn a_link_works_once_and_ends_every_other_session(app: TestApp) {
        let (id, _, email) = app.staff_with_password("worker", Some("the old password"));
        // Signed in elsewhere with the old password (the test helper signs in with PASSWORD,
        // so this session is made by setting that password first).
        app.patch(&format!("/api/v1/staff/{id}"), &app.admin, json!({"password": PASSWORD}))
            .await
            .expect(200);
        let (old_session, _) = sign_in(&app, &email, "/scan").await;
        page(&app, &old_session, "/scan").await.expect(200);

        let url = link_for(&app, id).await;
        let r = follow(&app, &url, "short", "short").await.expect(422);
        assert!(r.text().contains("at least 10 characters"), "{}", r.text());
        let r = follow(&app, &url, "a new long password", "a different one!").await.expect(422);
        assert!(r.text().contains("does not match"), "{}", r.text());
        let r = follow(&app, &url, "a new long password", "a new long password").await.expect(303);
        assert_eq!(r.location.as_deref(), Some("/scan"), "a worker lands on the scanner");
        page(&app, &session_of(&r), "/scan").await.expect(200);
        assert_eq!(
            page(&app, &old_session, "/scan").await.status,
            303,
            "the session from before the new password has ended"
        );

        // Used: said plainly, to a look and to a second post alike.
        let path = path_of(&app, &url);
        let again = app.request("GET", &path, None, None).await.expect(410);
        assert!(again.text().contains("already been used"), "{}", again.text());
        let csrf = "0".repeat(64);
        let posted = post_form(&app, &format!("et_login={csrf}"), &path, &[("csrf", &csrf), ("password", "another long password"), ("confirm", "another long password")]).await.expect(410);
        assert!(posted.text().contains("already been used"));

        // The new password signs in; the old one does not.
        let stored = app.db.read(|c| Ok(equiptrack::db::staff::by_email(c, &email)?)).unwrap().unwrap();
        assert!(equiptrack::service::staff::verify_password(stored.password_hash.as_deref().unwrap(), "a new long password"));
        assert!(!equiptrack::service::staff::verify_password(stored.password_hash.as_deref().unwrap(), PASSWORD));
        let audit = app.get("/api/v1/audit?per_page=100", &app.admin).await.expect(200).json();
        assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "staff_password_set" && e["actor_id"] == id));
    }

    async fn an_expired_or_unknown_link_says_so_and_a_new_link_replaces_the_old(app: TestApp) {
        let id = person(&app, "late@test.example", "viewer").await;
        let url = link_for(&app, id).await;
        let path = path_of(&app, &url);
        // A day passes: the link's end is moved into the past, as the clock would.
        app.db.write(|c| {
            use equiptrack::db::schema::sign_in_links as l;
            diesel::update(l::table.filter(l::staff_id.eq(id)))
                .set(l::expires_at.eq(equiptrack::service::now() - chrono::TimeDelta::seconds(1)))
                .execute(c)?;
            Ok(())
        }).unwrap();
        let r = app.request("GET", &path, None, None).await.expect(410);
        assert!(r.text().contains("has expired"), "{}", r.text());
        assert!(r.content_type.starts_with("text/html"));
        let csrf = "0".repeat(64);
        post_form(&app, &format!("et_login={csrf}"), &path, &[("csrf", &csrf), ("password", PASSWORD), ("confirm", PASSWORD)]).await.expect(410);

        let unknown = app.request("GET", &format!("/welcome/{}", "ab".repeat(32)), None, None).await.expect(404);
        assert!(unknown.text().contains("not known"));
        app.request("GET", "/welcome/%00%20", None, None).await.expect(404);

        let first = link_for(&app, id).await;
        let second = link_for(&app, id).await;
        app.request("GET", &path_of(&app, &first), None, None).await.expect(410);
        follow(&app, &second, PASSWORD, PASSWORD).await.expect(303);
    }

    async fn only_an_admin_issues_links_and_may_have_them_emailed(app: TestApp) {
        let id = person(&app, "mailme@test.example", "worker").await;
        let path = format!("/api/v1/staff/{id}/sign-in-link");
        let stores = app.user("stores");
        app.post(&path, &stores, json!({})).await.expect(403);
        app.request("POST", &path, None, None).await.expect(401);
        app.post("/api/v1/staff/999999/sign-in-link", &app.admin, json!({})).await.expect(404);
        app.post(&path, &app.admin, json!({"emial": true})).await.expect(422);
        app.request("POST", &path, Some(&app.admin), Some(("application/json", b"{".to_vec()))).await.expect(400);
        // No body at all is an empty request.
        app.request("POST", &path, Some(&app.admin), None).await.expect(201);

        let issued = app.post(&path, &app.admin, json!({"email": true})).await.expect(201).json();
        assert_eq!(issued["emailed"], true);
        let url = issued["url"].as_str().unwrap();
        let mail = app.smtp.wait_for(1, 20).await;
        assert_eq!(mail[0].to, ["mailme@test.example"]);
        assert!(!mail[0].subject().contains("/welcome/"), "the outbox lists subjects: no link there");
        assert!(mail[0].part("text/plain").unwrap().contains(url));
        follow(&app, url, PASSWORD, PASSWORD).await.expect(303);

        let other = person(&app, "gone@test.example", "worker").await;
        app.patch(&format!("/api/v1/staff/{other}"), &app.admin, json!({"active": false})).await.expect(200);
        app.post(&format!("/api/v1/staff/{other}/sign-in-link"), &app.admin, json!({})).await.expect(409);

        let doc = app.get("/api/v1/openapi.json", &app.admin).await.expect(200).json();
        let responses = &doc["paths"]["/api/v1/staff/{id}/sign-in-link"]["post"]["responses"];
        for status in ["201", "400", "401", "403", "404", "409", "413", "422", "503"] {
            assert!(responses[status].is_object(), "the document lists {status}");
        }
    }

    async fn user_invite_prints_a_working_link_on_its_last_line(app: TestApp) {
        let url = app.settings.database.target.to_url();
        let invite = |email: &str| {
            equiptrack(app.dir.path(), &url)
                .env("EQUIPTRACK__SERVER__PUBLIC_URL", &app.base)
                .args(["user", "invite", "--email", email, "--name", "Ivy Invited", "--role", "stores"])
                .output()
                .unwrap()
        };
        let out = invite("ivy@test.example");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(stdout.contains("created Ivy Invited"), "{stdout}");
        let first = stdout.lines().last().unwrap().to_string();
        // Again for the same person: their account is kept, the new link replaces the first.
        let out = invite("IVY@test.example");
        assert!(out.status.success());
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(stdout.contains("already has an account"), "{stdout}");
        let second = stdout.lines().last().unwrap().to_string();
        assert_ne!(first, second);
        app.request("GET", &path_of(&app, &first), None, None).await.expect(410);
        let r = follow(&app, &second, PASSWORD, PASSWORD).await.expect(303);
        assert_eq!(r.location.as_deref(), Some("/desk"));
        page(&app, &session_of(&r), "/desk").await.expect(200);

        let bad = equiptrack(app.dir.path(), &url)
            .args(["user", "invite", "--email", "x@test.example", "--name", "X", "--role", "boss"])
            .output()
            .unwrap();
        assert!(!bad.status.success());
        assert!(String::from_utf8_lossy(&bad.stderr).contains("role"));
    }
}
