//! The office pages in headless Chromium: a stores person finds a client by a fragment of
//! their postcode, corrects their phone, sees what they hold, adds a client, and receives
//! stock by serial numbers with its label sheet. Screenshots at desk and phone widths.

use serde_json::{Value, json};

use crate::browser::{Browser, PASSWORD};
use crate::support::{Backend, TestApp};

/// The browser's session cookie, to fetch what a link opens in another tab.
async fn session_cookie(browser: &Browser) -> String {
    let cookies = browser.call("GET", "/cookie", Value::Null).await;
    let value = cookies
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "et_session")
        .expect("a session cookie")["value"]
        .as_str()
        .unwrap()
        .to_string();
    format!("et_session={value}")
}

async fn attribute(browser: &Browser, css: &str, name: &str) -> String {
    let el = browser.find(css).await;
    browser
        .call("GET", &format!("/element/{el}/attribute/{name}"), Value::Null)
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn clear(browser: &Browser, css: &str) {
    let el = browser.find(css).await;
    browser
        .call("POST", &format!("/element/{el}/clear"), json!({}))
        .await;
}

#[actix_web::test]
async fn stores_find_a_client_by_postcode_edit_them_add_one_and_receive_stock_with_labels() {
    let Some(browser) = Browser::start(false).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.frame_type().await;
    let (_, _, stores) = app.staff_with_password("stores", Some(PASSWORD));
    let (worker, _, _) = app.staff_with_password("worker", Some(PASSWORD));
    let client = app.client_person("SC-31", "Margaret Oduya", "LS6 2AB").await;
    app.client_person("SC-32", "Harold Finch", "BD1 4AP").await;
    app.item("FRAME-WALKING", json!({})).await;
    app.post(
        "/api/v1/items/EQ-000001/issue",
        &app.admin,
        json!({"client_id": client, "worker_id": worker}),
    )
    .await
    .expect(200);

    browser.goto(&format!("{}/office/clients", app.base)).await;
    browser.sign_in(&stores).await;
    browser.wait_for("#q").await;
    browser.type_into("#q", "ls6 2").await;
    browser.click("form[role=search] button").await;
    browser.wait_for_text("table", "Margaret Oduya").await;
    assert!(!browser.wait_for("table").await.contains("Harold Finch"));
    browser.screenshot("office-clients").await;
    browser.click("table a").await;
    browser.wait_for_text("h1", "Margaret Oduya").await;
    assert!(
        browser.wait_for("table").await.contains("EQ-000001"),
        "what they hold now"
    );
    clear(&browser, "#phone").await;
    browser.type_into("#phone", "07700 900461").await;
    browser
        .click("form[method=post] button[type=submit]:not(.link)")
        .await;
    browser.wait_for_text(".done", "Saved").await;
    assert!(browser.wait_for("dl").await.contains("07700 900461"));
    browser.screenshot("office-client").await;
    browser.click("a[href='/s/EQ-000001']").await;
    browser.wait_for(".verdict strong").await;
    assert!(browser.url().await.ends_with("/s/EQ-000001"));

    // A new client.
    browser.goto(&format!("{}/office/clients", app.base)).await;
    browser.type_into("#reference", "SC-40").await;
    browser.type_into("#name", "Winifred Bell").await;
    browser.type_into("#address", "12 Canal Walk, Leeds").await;
    browser.type_into("#postcode", "ls11 5qq").await;
    browser.click("#new button[type=submit]").await;
    browser.wait_for_text("h1", "Winifred Bell").await;
    assert!(browser.wait_for("dl").await.contains("LS11 5QQ"));

    // Three items by serial number, then their labels.
    browser.goto(&format!("{}/office/receive", app.base)).await;
    browser.click("#type option[value='FRAME-WALKING']").await;
    browser.type_into("#serials", "WF-1001\nWF-1002\nWF-1003").await;
    browser.type_into("#batch", "DEL-2026-12").await;
    browser
        .click("form[action='/office/receive'] button[type=submit]")
        .await;
    browser.wait_for_text(".done", "Received 3 items").await;
    browser.screenshot("office-received").await;
    let href = attribute(&browser, "#print", "href").await;
    let path = href.trim_start_matches(&app.base).to_string();
    assert_eq!(
        path,
        "/desk/labels.pdf?tags=EQ-000002&tags=EQ-000003&tags=EQ-000004"
    );
    let cookie = session_cookie(&browser).await;
    let pdf = app
        .request_with("GET", &path, &[("Cookie", &cookie)], None)
        .await
        .expect(200);
    assert_eq!(pdf.content_type, "application/pdf");
    let file = app.dir.path().join("received.pdf");
    std::fs::write(&file, &pdf.body).unwrap();
    let text = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) reads the label sheet");
    let text = String::from_utf8_lossy(&text.stdout);
    for tag in ["EQ-000002", "EQ-000003", "EQ-000004"] {
        assert!(text.contains(tag), "{tag} on the sheet: {text}");
    }
    assert!(!text.contains("EQ-000001"), "only the items received");
}

#[actix_web::test]
async fn the_office_pages_fit_a_phone() {
    let Some(browser) = Browser::start(true).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.frame_type().await;
    let (_, _, stores) = app.staff_with_password("stores", Some(PASSWORD));
    let client = app.client_person("SC-31", "Margaret Oduya", "LS6 2AB").await;
    browser.goto(&format!("{}/office/clients?q=ls6", app.base)).await;
    browser.sign_in(&stores).await;
    browser.wait_for_text("table", "Margaret Oduya").await;
    browser.screenshot("phone-office-clients").await;
    browser
        .goto(&format!("{}/office/clients/{client}", app.base))
        .await;
    browser.wait_for_text("h1", "Margaret Oduya").await;
    browser.screenshot("phone-office-client").await;
    browser.goto(&format!("{}/office/receive", app.base)).await;
    browser.wait_for("#serials").await;
    browser.screenshot("phone-office-receive").await;
    // Nothing wider than the screen.
    let wide = browser
        .call(
            "POST",
            "/execute/sync",
            json!({ "script": "return document.documentElement.scrollWidth > window.innerWidth;", "args": [] }),
        )
        .await;
    assert_eq!(wide, json!(false));
}
