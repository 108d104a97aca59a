//! The recalls pages in a real browser: stores open a recall by serial range, see the affected
//! items before confirming, then resolve one. SQLite only: the pages are under test, not the
//! backends (`recall_pages.rs` runs both).

use crate::browser::{Browser, PASSWORD};
use crate::recall_pages::stairlifts;
use crate::support::{Backend, TestApp};

#[actix_web::test]
async fn stores_preview_a_recall_confirm_it_and_resolve_an_item() {
    let Some(browser) = Browser::start(false).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    stairlifts(&app).await;
    let (_, _, stores) = app.staff_with_password("stores", Some(PASSWORD));

    browser.goto(&format!("{}/office/recalls", app.base)).await;
    browser.sign_in(&stores).await;
    assert_eq!(browser.wait_for("h1").await, "Recalls");
    assert!(browser.wait_for("header nav").await.contains("Recalls"));
    browser.type_into("#reference", "FSN-2026-041").await;
    browser.type_into("#title", "Carriage bolt may shear").await;
    browser.click("#type option[value='STAIRLIFT-STRAIGHT']").await;
    browser.type_into("#serial_from", "SN9").await;
    browser.type_into("#serial_to", "SN11").await;
    browser.click("#new-recall button[type=submit]").await;

    browser.wait_for_text("h1", "Recall preview").await;
    let preview = browser.wait_for("table").await;
    assert!(
        preview.contains("EQ-000002") && preview.contains("EQ-000003") && preview.contains("EQ-000004"),
        "{preview}"
    );
    assert!(
        !preview.contains("EQ-000001") && preview.contains("SC-1, LS6 2AB"),
        "{preview}"
    );
    assert!(browser.wait_for("main").await.contains("3 items are affected"));
    browser.screenshot("office-recall-preview").await;
    let none = app.get("/api/v1/recalls", &app.admin).await.expect(200).json();
    assert_eq!(none["total"], 0, "the preview writes nothing");

    browser.click("input[name=confirm] ~ button[type=submit]").await;
    browser.wait_for_text("h1", "Recall FSN-2026-041").await;
    assert!(browser.wait_for(".progress").await.contains("0 of 3 resolved"));
    browser
        .click("#resolve-EQ-000002-outcome option[value=safe]")
        .await;
    browser
        .type_into("#resolve-EQ-000002-notes", "bolt checked")
        .await;
    browser.click("#resolve-EQ-000002 button[type=submit]").await;
    browser.wait_for_text(".progress", "1 of 3 resolved").await;
    assert!(browser.wait_for("#item-EQ-000002").await.contains("bolt checked"));
    browser.screenshot("office-recall").await;
}
