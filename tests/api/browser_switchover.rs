//! The switchover in a real browser: a telecare lead reads every home's state on one page,
//! narrows it, opens a home and records its migration and test call through the client's
//! page. SQLite only: the pages are under test, not the backends (`switchover.rs` runs both).

use serde_json::json;

use crate::browser::{Browser, PASSWORD};
use crate::support::{Backend, TestApp};
use crate::telecare_installations::{held, put, telecare_types};

#[actix_web::test]
async fn a_telecare_lead_sees_every_home_and_records_a_verified_switchover_from_the_client_page() {
    let Some(browser) = Browser::start(false).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    telecare_types(&app).await;
    let analogue = app.client_person("BR-A", "Ann Able", "LS1 1AA").await;
    let digital = app.client_person("BR-B", "Bob Baker", "LS2 2BB").await;
    let hub = held(&app, "BASE-DIGITAL", analogue).await;
    for (client, reference, connection) in [(analogue, "U-A", "pstn"), (digital, "U-B", "ip_broadband")] {
        put(
            &app,
            client,
            &app.admin,
            json!({"monitoring_centre": "Leeds Careline", "unit_reference": reference,
            "connection": connection}),
        )
        .await
        .expect(201);
    }
    let (_, _, stores) = app.staff_with_password("stores", Some(PASSWORD));

    browser.goto(&format!("{}/office/switchover", app.base)).await;
    browser.sign_in(&stores).await;
    assert_eq!(browser.wait_for("h1").await, "Digital switchover");
    assert!(browser.wait_for("header nav").await.contains("Switchover"));
    assert!(
        browser
            .wait_for("#days-left")
            .await
            .contains("days to the analogue switch-off")
    );
    assert!(
        browser
            .wait_for("#switchover-summary")
            .await
            .contains("Analogue homes left: 2")
    );
    let every = browser.wait_for("#switchover-homes").await;
    assert!(every.contains("BR-A") && every.contains("BR-B"), "{every}");

    browser.click("#connection option[value=pstn]").await;
    browser.click("form[role=search] button[type=submit]").await;
    browser.wait_for_text("#homes-count", "1 home.").await;
    assert!(browser.url().await.contains("connection=pstn"));
    assert!(!browser.wait_for("#switchover-homes").await.contains("BR-B"));
    browser.screenshot("office-switchover").await;

    // The home's page: the installation, and the form to move it on.
    browser.click("#switchover-homes a").await;
    browser.wait_for_text("h1", "Ann Able").await;
    assert!(
        browser
            .wait_for("#telecare-installed")
            .await
            .contains("Analogue line")
    );
    browser.type_into("#base_unit", &hub).await;
    browser.click("#connection option[value=sim_dual]").await;
    browser.click("#status option[value=verified]").await;
    browser.type_into("input[name=responder_name]", "Sam Able").await;
    // A date box's typing depends on the browser's locale; its value does not.
    browser
        .call(
            "POST",
            "/execute/sync",
            json!({"script": "document.querySelector('#migrated_on').value = '2026-11-20'; \
                              document.querySelector('#end_to_end_test_on').value = '2026-11-21';", "args": []}),
        )
        .await;
    browser.click("#telecare-form button[type=submit]").await;
    browser
        .wait_for_text("#telecare .done", "Installation saved")
        .await;
    let shown = browser.wait_for("#telecare-installed").await;
    assert!(
        shown.contains("Verified") && shown.contains("Sam Able") && shown.contains(&hub),
        "{shown}"
    );
    assert!(shown.contains("SIM, two networks"), "{shown}");
    browser.screenshot("office-client-telecare").await;

    let now = app
        .get(&format!("/api/v1/clients/{analogue}/telecare"), &app.admin)
        .await
        .expect(200)
        .json();
    assert_eq!(now["digital_ready"], true);
    assert_eq!(now["switchover"]["end_to_end_test_on"], "2026-11-21");
    browser.goto(&format!("{}/office/switchover", app.base)).await;
    assert!(
        browser
            .wait_for("#switchover-summary")
            .await
            .contains("Analogue homes left: 1")
    );
}
