//! The hand-over in a real browser on a phone (issue 15, point 5): a worker fits an item, the
//! client's son signs on the screen (WebDriver pointer actions drawing on the canvas), and
//! the signature is then in the item's history and served as the PNG that was drawn.
//! Screenshots under `target/browser-screenshots/`.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::browser::{Browser, PASSWORD};
use crate::support::{Backend, TestApp};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

async fn run_script(browser: &Browser, script: &str, args: Value) -> Value {
    browser
        .call("POST", "/execute/sync", json!({ "script": script, "args": args }))
        .await
}

/// Waits until `script` answers something true; answers it.
pub(crate) async fn wait_until(browser: &Browser, script: &str, what: &str) -> Value {
    let started = Instant::now();
    loop {
        let v = run_script(browser, script, json!([])).await;
        if !(v.is_null() || v == json!(false) || v == json!(0)) {
            return v;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "never: {what}");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A stroke across the canvas as a finger draws it: offsets from the canvas's centre.
pub(crate) async fn draw(browser: &Browser, canvas: &str) {
    let el = browser.find(canvas).await;
    run_script(
        browser,
        "arguments[0].scrollIntoView({block: 'center'});",
        json!([{ ELEMENT: el }]),
    )
    .await;
    let at = |x: i64, y: i64, duration: u64| json!({ "type": "pointerMove", "origin": { ELEMENT: el }, "x": x, "y": y, "duration": duration });
    let mut actions = vec![at(-110, 10, 0), json!({ "type": "pointerDown", "button": 0 })];
    for (x, y) in [
        (-80, -25),
        (-50, 20),
        (-20, -20),
        (10, 25),
        (40, -15),
        (70, 20),
        (100, -5),
    ] {
        actions.push(at(x, y, 40));
    }
    actions.push(json!({ "type": "pointerUp", "button": 0 }));
    browser
        .call(
            "POST",
            "/actions",
            json!({ "actions": [{
                "type": "pointer", "id": "finger", "parameters": { "pointerType": "mouse" }, "actions": actions
            }] }),
        )
        .await;
    browser.call("DELETE", "/actions", Value::Null).await;
}

#[actix_web::test]
async fn a_signature_drawn_on_the_phone_at_a_fit_is_in_the_items_history() {
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

    browser.goto(&format!("{}/s/EQ-000001", app.base)).await;
    browser.sign_in(&email).await;
    browser.wait_for(".verdict strong").await;
    // The script shows the pad; without it the form offers only the reason.
    wait_until(
        &browser,
        "var c = document.querySelector('#fit-handover-signature'); \
         return c && !c.closest('[data-signature-pad]').hidden;",
        "the signature pad is shown",
    )
    .await;
    let field = "form[action$='/fit'] input[name=handover_signature_png]";
    let empty = run_script(
        &browser,
        "return document.querySelector(arguments[0]).value;",
        json!([field]),
    )
    .await;
    assert_eq!(empty, "", "nothing drawn, nothing sent");

    draw(&browser, "#fit-handover-signature").await;
    let sent = wait_until(
        &browser,
        "return document.querySelector(\"form[action$='/fit'] input[name=handover_signature_png]\").value.length;",
        "the drawing is kept in the hidden field",
    )
    .await;
    assert!(sent.as_u64().unwrap() > 100, "a PNG as base64: {sent}");
    browser.type_into("#fit-handover-name", "Peter Oduya").await;
    run_script(
        &browser,
        "document.querySelector('#fit-handover-relation').value = 'family';",
        json!([]),
    )
    .await;
    browser
        .click("form[action$='/fit'] input[name=handover_demonstrated]")
        .await;
    browser.screenshot("phone-handover-signature").await;
    browser.click("form[action$='/fit'] button[type=submit]").await;
    browser.wait_for_text(".done", "Fit recorded").await;

    browser.goto(&format!("{}/s/EQ-000001/history", app.base)).await;
    let shown = browser.wait_for_text(".handover", "Peter Oduya").await;
    assert!(shown.contains("Use demonstrated: yes"), "{shown}");
    assert!(shown.contains("Leaflet left: no"), "{shown}");
    // The image loads through the page's session, at the canvas's size.
    let width = wait_until(
        &browser,
        "var i = document.querySelector('img.signature'); return i && i.complete && i.naturalWidth;",
        "the signature's image loads",
    )
    .await;
    assert_eq!(width, 600);
    browser.screenshot("phone-history-signature").await;

    // The PNG the history links to is the drawing: strokes on white.
    let events = app
        .get("/api/v1/items/EQ-000001/events", &app.admin)
        .await
        .expect(200)
        .json();
    let fitted = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "fitted")
        .expect("the fit")
        .clone();
    assert_eq!(fitted["handover"]["relation"], "family");
    let png = app
        .get(fitted["handover"]["signature_url"].as_str().unwrap(), &app.admin)
        .await
        .expect(200);
    let img = image::load_from_memory(&png.body).unwrap().to_luma8();
    assert_eq!(img.dimensions(), (600, 200));
    let dark = img.pixels().filter(|p| p.0[0] < 100).count();
    let white = img.pixels().filter(|p| p.0[0] > 240).count();
    assert!(dark > 300, "strokes were drawn: {dark} dark pixels");
    assert!(white > 600 * 200 / 2, "on white paper: {white} white pixels");
}
