//! A kit's label opened on a phone: the kit's verdict, then each member's, in a real browser.
//! SQLite only: the page is under test here (`kits.rs` runs both backends).

use serde_json::json;

use crate::browser::{Browser, PASSWORD};
use crate::support::{Backend, TestApp};

#[actix_web::test]
async fn a_kit_label_on_a_phone_shows_the_kit_unsafe_and_each_members_verdict() {
    let Some(browser) = Browser::start(true).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.frame_type().await;
    for _ in 0..3 {
        app.item("FRAME-WALKING", json!({})).await;
    }
    let (_, stores, email) = app.staff_with_password("stores", Some(PASSWORD));
    app.post(
        "/api/v1/kits",
        &stores,
        json!({"name": "Pendant, base unit, smoke detector", "members": ["EQ-000001", "EQ-000002", "EQ-000003"]}),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/items/EQ-000002/checks",
        &stores,
        json!({"outcome": "fail", "notes": "button cracked"}),
    )
    .await
    .expect(200);

    browser.goto(&format!("{}/s/KIT-000001", app.base)).await;
    browser.sign_in(&email).await;
    let verdict = browser.wait_for(".verdict.unsafe").await;
    assert!(
        verdict.contains("Do not use this kit") && verdict.contains("EQ-000002: quarantined"),
        "{verdict}"
    );
    assert!(browser.wait_for("h1").await.contains("KIT-000001"));
    for (tag, words) in [
        ("EQ-000001", "Safe to use"),
        ("EQ-000002", "Do not use"),
        ("EQ-000003", "Safe to use"),
    ] {
        let member = browser.wait_for(&format!("li.member[data-tag='{tag}']")).await;
        assert!(member.contains(tag) && member.contains(words), "{tag}: {member}");
    }
    assert!(browser.wait_for("li.member.unsafe").await.contains("EQ-000002"));
    browser.screenshot("phone-kit").await;
    let wide = browser
        .call(
            "POST",
            "/execute/sync",
            json!({ "script": "return document.documentElement.scrollWidth > window.innerWidth;", "args": [] }),
        )
        .await;
    assert_eq!(wide, json!(false), "nothing wider than the phone");

    // A member's link opens its own page.
    browser.click("li.member[data-tag='EQ-000002'] a").await;
    browser.wait_for_text("h1", "EQ-000002").await;
    assert!(browser.wait_for(".verdict.unsafe").await.contains("Do not use"));
    // And the member's page leads back to its kit.
    browser.click("a[href='/s/KIT-000001']").await;
    browser.wait_for_text("h1", "KIT-000001").await;
}
