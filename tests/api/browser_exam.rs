//! The examination form in a real browser on a phone (issue 12, point 10): a worker records a
//! hoist's thorough examination with one defect not yet dangerous, an extra defect row added
//! and left empty. Screenshots under `target/browser-screenshots/`.

use serde_json::json;

use crate::browser::{Browser, PASSWORD};
use crate::examinations::hoist;
use crate::support::{Backend, TestApp};

/// Sets a field's value through the page's own DOM, as a date picker would (typing into a
/// date input depends on the browser's locale).
async fn set_value(browser: &Browser, css: &str, value: &str) {
    let script = "document.querySelector(arguments[0]).value = arguments[1];";
    browser
        .call(
            "POST",
            "/execute/sync",
            json!({ "script": script, "args": [css, value] }),
        )
        .await;
}

async fn scroll_to(browser: &Browser, css: &str) {
    let script = "document.querySelector(arguments[0]).scrollIntoView();";
    browser
        .call(
            "POST",
            "/execute/sync",
            json!({ "script": script, "args": [css] }),
        )
        .await;
}

#[actix_web::test]
async fn a_worker_records_a_hoists_examination_with_a_defect_from_the_phone() {
    let Some(browser) = Browser::start(true).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    hoist(&app).await;
    let (_, _, email) = app.staff_with_password("worker", Some(PASSWORD));
    let remedy_by = chrono::Utc::now()
        .date_naive()
        .checked_add_days(chrono::Days::new(30))
        .unwrap()
        .to_string();

    browser.goto(&format!("{}/s/EQ-000001", app.base)).await;
    browser.sign_in(&email).await;
    browser.wait_for(".verdict strong").await;
    let form = "#check-0-form";
    browser
        .click(&format!(
            "{form} select[name=basis] option[value=interval_6_months]"
        ))
        .await;
    browser
        .click(&format!("{form} input[name=safe_to_operate][value=yes]"))
        .await;
    browser
        .type_into(&format!("{form} textarea[name=tests]"), "Proof load 1.25 x SWL")
        .await;
    browser
        .type_into(&format!("{form} input[name=defect_part]"), "Castor")
        .await;
    browser
        .type_into(&format!("{form} input[name=defect_description]"), "Worn tread")
        .await;
    set_value(
        &browser,
        &format!("{form} input[name=defect_remedy_by]"),
        &remedy_by,
    )
    .await;
    // A second row, added by the script and left empty, as people do.
    browser.click(&format!("{form} [data-add-defect]")).await;
    let rows = browser
        .call(
            "POST",
            "/elements",
            json!({ "using": "css selector", "value": format!("{form} .defect") }),
        )
        .await;
    assert_eq!(rows.as_array().unwrap().len(), 2, "the button added a row");
    browser
        .type_into(
            &format!("{form} input[name=examiner_qualifications]"),
            "LEEA diploma",
        )
        .await;
    browser
        .type_into(&format!("{form} input[name=examiner_employer]"), "Lift Safe Ltd")
        .await;
    scroll_to(&browser, &format!("{form} .defects")).await;
    browser.screenshot("phone-examination-form").await;
    // Forgot the examiner's name: told so above the form, with what was typed still there.
    browser.click(&format!("{form} button[type=submit]")).await;
    browser
        .wait_for_text(&format!("{form} .error"), "name: is required")
        .await;
    scroll_to(&browser, &format!("{form} .error")).await;
    browser.screenshot("phone-examination-refused").await;
    let kept = browser
        .call(
            "POST",
            "/execute/sync",
            json!({ "script": "return document.querySelector(arguments[0]).value;",
                    "args": [format!("{form} input[name=defect_part]")] }),
        )
        .await;
    assert_eq!(kept, "Castor");
    browser
        .type_into(&format!("{form} input[name=examiner_name]"), "Edith Examiner")
        .await;
    browser.click(&format!("{form} button[type=submit]")).await;

    browser.wait_for_text(".done", "open defect").await;
    let page = browser.wait_for("main").await;
    assert!(
        page.contains("Open defects") && page.contains("Worn tread"),
        "{page}"
    );
    browser.screenshot("phone-examination-recorded").await;
    scroll_to(&browser, "section.panel table").await;
    browser.screenshot("phone-examination-checks").await;
    scroll_to(&browser, "ul.evidence").await;
    browser.screenshot("phone-examination-evidence").await;

    let checks = app
        .get("/api/v1/items/EQ-000001/checks", &app.admin)
        .await
        .expect(200)
        .json();
    assert_eq!(checks.as_array().unwrap().len(), 1);
    let exam = &checks[0]["examination"];
    assert_eq!(exam["examiner"]["name"], "Edith Examiner");
    assert_eq!(exam["safe_working_load_kg"], 150, "pre-filled from the type");
    assert_eq!(checks[0]["outcome"], "pass");
    let defects = checks[0]["defects"].as_array().unwrap();
    assert_eq!(defects.len(), 1, "the empty row is no defect: {checks}");
    assert_eq!(
        (
            &defects[0]["part"],
            &defects[0]["dangerous"],
            &defects[0]["remedy_by"]
        ),
        (&json!("Castor"), &json!(false), &json!(remedy_by))
    );
}
