//! Issue 9, the desk in a real browser: "Take back" and "Decontaminate" with the client and
//! worker selects left empty, as a person at the desk leaves them.

use serde_json::json;

use crate::browser::{Browser, ENTER, PASSWORD};
use crate::support::{Backend, TestApp};

async fn status(app: &TestApp) -> serde_json::Value {
    app.get("/api/v1/items/EQ-000001", &app.admin)
        .await
        .expect(200)
        .json()["status"]
        .clone()
}

#[actix_web::test]
async fn stores_take_back_and_decontaminate_at_the_desk_leaving_client_and_worker_empty() {
    let Some(browser) = Browser::start(false).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.stairlift_type().await;
    let (_, _, stores) = app.staff_with_password("stores", Some(PASSWORD));
    let worker = app.user_with_id("worker").0;
    let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
    app.item("STAIRLIFT-STRAIGHT", json!({})).await;
    app.post(
        "/api/v1/items/EQ-000001/issue",
        &app.admin,
        json!({"client_id": client, "worker_id": worker}),
    )
    .await
    .expect(200);
    app.post("/api/v1/items/EQ-000001/fit", &app.admin, json!({}))
        .await
        .expect(200);

    browser.goto(&format!("{}/desk", app.base)).await;
    browser.sign_in(&stores).await;
    browser.wait_for("#code").await;
    // The selects stay on "—": the page sends them as empty fields.
    browser.click("#mode option[value='return']").await;
    browser.type_into("#code", "EQ-000001").await;
    browser
        .click("form[action='/desk/move'] button[type=submit]")
        .await;
    browser.wait_for_text(".done", "Took back EQ-000001").await;
    assert_eq!(status(&app).await, "awaiting_decontamination");

    browser.click("#mode option[value='decontaminate']").await;
    browser.type_into("#code", &format!("EQ-000001{ENTER}")).await;
    browser.wait_for_text(".done", "Decontaminated EQ-000001").await;
    browser.screenshot("desk-take-back-and-decontaminate").await;
    assert_eq!(status(&app).await, "in_store");
}
