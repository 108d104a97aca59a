//! Field mode in headless Chromium with the network switched off through the DevTools
//! protocol (issue 15, point 6): a worker's phone keeps the round, opens labels from it with
//! no connection, records a check and a fit there, and sends them when the signal is back;
//! the server holds each exactly once, and a change made meanwhile at the desk ends as a
//! conflict the worker sees and re-applies, nothing lost; a fit and a collection made there
//! carry their hand-over, the signature drawn on the phone with no signal. Screenshots under
//! `target/browser-screenshots/`.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::browser::{Browser, PASSWORD};
use crate::browser_handover::{draw, wait_until};
use crate::support::{Backend, TestApp};

/// The network of the page (and of its service worker) on or off, as DevTools does it.
async fn network(browser: &Browser, online: bool) {
    browser
        .call(
            "POST",
            "/goog/cdp/execute",
            json!({ "cmd": "Network.enable", "params": {} }),
        )
        .await;
    let conditions = json!({
        "offline": !online, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1
    });
    browser
        .call(
            "POST",
            "/goog/cdp/execute",
            json!({ "cmd": "Network.emulateNetworkConditions", "params": conditions }),
        )
        .await;
    // The page tells its service worker (an `offline`/`online` event, then a message).
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
}

/// Runs `script` in the page and answers what it returns.
async fn run(browser: &Browser, script: &str) -> Value {
    browser
        .call("POST", "/execute/sync", json!({ "script": script, "args": [] }))
        .await
}

/// The phone's queue as IndexedDB holds it (an async script: IndexedDB answers in callbacks).
async fn queue(browser: &Browser) -> Vec<Value> {
    let script = "const done = arguments[arguments.length - 1];
        const open = indexedDB.open('equiptrack-field', 1);
        open.onsuccess = () => {
            const all = open.result.transaction('queue').objectStore('queue').getAll();
            all.onsuccess = () => { open.result.close(); done(all.result); };
        };
        open.onerror = () => done(null);";
    let v = browser
        .call("POST", "/execute/async", json!({ "script": script, "args": [] }))
        .await;
    v.as_array().cloned().expect("the queue can be read")
}

/// Puts entries back into the phone's queue, as a second send of the same queue would.
async fn put_back(browser: &Browser, entries: &[Value]) {
    let script = "const done = arguments[arguments.length - 1];
        const entries = arguments[0];
        const open = indexedDB.open('equiptrack-field', 1);
        open.onsuccess = () => {
            const t = open.result.transaction('queue', 'readwrite');
            for (const e of entries) t.objectStore('queue').put(e);
            t.oncomplete = () => { open.result.close(); done(true); };
        };";
    browser
        .call(
            "POST",
            "/execute/async",
            json!({ "script": script, "args": [entries] }),
        )
        .await;
}

/// How many of the item's history entries have `action` (paged: the first page is enough
/// for a new item).
async fn count(app: &TestApp, tag: &str, action: &str) -> usize {
    let history = app
        .get(&format!("/api/v1/items/{tag}/events"), &app.admin)
        .await
        .expect(200)
        .json();
    history["items"]
        .as_array()
        .unwrap_or_else(|| panic!("events: {history}"))
        .iter()
        .filter(|e| e["action"] == action)
        .count()
}

async fn checks(app: &TestApp, tag: &str) -> usize {
    let list = app
        .get(&format!("/api/v1/items/{tag}/checks"), &app.admin)
        .await
        .expect(200)
        .json();
    list.as_array().map_or(0, Vec::len)
}

/// Waits until the queue holds no entry waiting to be sent.
async fn settled(browser: &Browser) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let entries = queue(browser).await;
        if entries.iter().all(|e| e["state"] != "waiting") {
            return entries;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the queue was never sent: {entries:?}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A frame issued to the worker for a client: on their round, waiting to be fitted.
async fn on_the_round(app: &TestApp) -> String {
    app.frame_type().await;
    let (worker, _, email) = app.staff_with_password("worker", Some(PASSWORD));
    let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
    for tag in ["EQ-000001", "EQ-000002"] {
        app.item("FRAME-WALKING", json!({})).await;
        app.post(
            &format!("/api/v1/items/{tag}/issue"),
            &app.admin,
            json!({"client_id": client, "worker_id": worker}),
        )
        .await
        .expect(200);
    }
    email
}

/// Signs in on /scan and waits until the round is on the phone and the shell is cached.
async fn ready_for_no_signal(browser: &Browser, app: &TestApp, email: &str) {
    browser.goto(&format!("{}/scan", app.base)).await;
    browser.sign_in(email).await;
    browser.wait_for_text("#round-age", "Ready for no signal").await;
    let started = Instant::now();
    while run(browser, "return !!navigator.serviceWorker.controller").await != json!(true) {
        assert!(started.elapsed() < Duration::from_secs(20), "no service worker");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_web::test]
async fn a_check_and_a_fit_made_offline_reach_the_server_once_and_a_conflict_is_shown() {
    let Some(browser) = Browser::start(true).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let email = on_the_round(&app).await;
    ready_for_no_signal(&browser, &app, &email).await;
    assert!(
        browser
            .wait_for("#round-age")
            .await
            .contains("Round on this phone: 2 items")
    );

    network(&browser, false).await;
    assert_eq!(run(&browser, "return navigator.onLine").await, json!(false));
    // The label's address with no connection: the shell, drawn from the round.
    browser.goto(&format!("{}/s/EQ-000001", app.base)).await;
    let as_of = browser.wait_for_text(".verdict", "Offline — as of").await;
    assert!(as_of.starts_with("Safe to use"), "{as_of}");
    assert!(browser.wait_for("main").await.contains("Margaret Oduya"));
    browser.click("form[data-move=checks] button[value=pass]").await;
    browser.wait_for_text(".done", "Saved on this phone").await;
    browser.click("form[data-move=fit] button[type=submit]").await;
    browser.wait_for_text(".done", "Saved on this phone: Fit").await;
    assert_eq!(browser.wait_for("#field-badge").await, "2 waiting");

    // The other item, scanned by typing its tag: a check offline.
    browser.goto(&format!("{}/scan", app.base)).await;
    browser.type_into("#code", "EQ-000002").await;
    browser.click("form[action='/scan/go'] button").await;
    browser.wait_for_text(".verdict", "Offline — as of").await;
    browser.click("form[data-move=checks] button[value=pass]").await;
    browser.wait_for_text(".done", "Saved on this phone").await;
    assert_eq!(browser.wait_for("#field-badge").await, "3 waiting");
    run(&browser, "window.scrollTo(0, 0)").await;
    browser.screenshot("phone-offline-badge").await;
    let recorded = queue(&browser).await;
    assert_eq!(recorded.len(), 3);
    assert_eq!(
        recorded
            .iter()
            .map(|e| e["move"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["checks", "fit", "checks"]
    );
    // Each with its own key, the phone's date and the version the worker saw.
    let keys: std::collections::HashSet<&str> = recorded.iter().map(|e| e["key"].as_str().unwrap()).collect();
    assert_eq!(keys.len(), 3);
    let today = chrono::Local::now().date_naive().to_string();
    assert_eq!(recorded[0]["body"]["performed_at"], today);
    assert_eq!(recorded[1]["body"]["fitted_at"], today);
    assert_eq!(recorded[0]["body"]["expected_version"], 2);
    assert_eq!(
        recorded[1]["body"]["expected_version"], 3,
        "after the check before it"
    );
    assert_eq!(
        checks(&app, "EQ-000001").await,
        0,
        "nothing reached the server yet"
    );

    // Meanwhile at the desk, someone checks EQ-000002.
    let rule = app
        .get("/api/v1/items/EQ-000002", &app.admin)
        .await
        .expect(200)
        .json()["checks_due"][0]["rule"]
        .as_str()
        .unwrap()
        .to_string();
    app.post(
        "/api/v1/items/EQ-000002/checks",
        &app.admin,
        json!({"rule": rule, "outcome": "pass"}),
    )
    .await
    .expect(200);

    // The queue's page, still offline (from the cache); then the signal comes back and the
    // page sends the queue by itself.
    browser.goto(&format!("{}/offline/queue", app.base)).await;
    browser.wait_for_text("#field-queue", "Waiting for signal").await;
    network(&browser, true).await;
    let left = settled(&browser).await;
    assert_eq!(left.len(), 1, "done entries leave the queue: {left:?}");
    assert_eq!(left[0]["state"], "conflict");
    assert_eq!(left[0]["tag"], "EQ-000002");
    let shown = browser
        .wait_for_text("#field-queue [data-state=conflict]", "changed")
        .await;
    assert!(shown.contains("last checked"), "what changed is shown: {shown}");
    assert!(browser.wait_for("#field-badge").await.contains("1 to look at"));
    run(&browser, "window.scrollTo(0, 0)").await;
    browser.screenshot("phone-offline-conflict").await;

    let item = app
        .get("/api/v1/items/EQ-000001", &app.admin)
        .await
        .expect(200)
        .json();
    assert_eq!(item["status"], "in_use");
    assert_eq!(item["fitted_at"], today);
    assert_eq!(checks(&app, "EQ-000001").await, 1, "exactly one check");
    assert_eq!(count(&app, "EQ-000001", "fitted").await, 1, "exactly one fit");
    assert_eq!(checks(&app, "EQ-000002").await, 1, "only the desk's, so far");

    // The worker sends it again on the item as it is now: both checks are kept.
    browser.click("#field-queue [data-reapply]").await;
    browser.wait_for_text("#field-queue", "Nothing waiting").await;
    assert!(queue(&browser).await.is_empty());
    assert_eq!(checks(&app, "EQ-000002").await, 2, "nothing lost");
    assert_eq!(
        run(&browser, "return document.getElementById('field-badge').hidden").await,
        json!(true)
    );
}

/// Sending the same queue twice writes nothing twice: by its `Idempotency-Key`,
/// the second send must be answered with the first answers, so each entry ends done.
/// (Without it the stale `expected_version` still stops a second write, but as a conflict.)
#[actix_web::test]
async fn the_same_queue_sent_twice_writes_each_move_once() {
    let Some(browser) = Browser::start(true).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let email = on_the_round(&app).await;
    ready_for_no_signal(&browser, &app, &email).await;
    network(&browser, false).await;
    browser.goto(&format!("{}/s/EQ-000001", app.base)).await;
    browser.wait_for_text(".verdict", "Offline — as of").await;
    browser.click("form[data-move=checks] button[value=pass]").await;
    browser.wait_for_text(".done", "Saved on this phone").await;
    browser.click("form[data-move=fit] button[type=submit]").await;
    browser.wait_for_text(".done", "Saved on this phone: Fit").await;
    let recorded = queue(&browser).await;
    assert_eq!(recorded.len(), 2);

    browser.goto(&format!("{}/offline/queue", app.base)).await;
    browser.wait_for_text("#field-queue", "Waiting for signal").await;
    network(&browser, true).await;
    assert!(settled(&browser).await.is_empty());
    put_back(&browser, &recorded).await;
    browser.goto(&format!("{}/offline/queue", app.base)).await;
    let left = settled(&browser).await;
    assert!(
        left.is_empty(),
        "each replay answered as the first time: {left:?}"
    );
    assert_eq!(checks(&app, "EQ-000001").await, 1);
    assert_eq!(count(&app, "EQ-000001", "fitted").await, 1);
}

/// The item's history entry with `action`.
async fn event(app: &TestApp, tag: &str, action: &str) -> Value {
    let history = app
        .get(&format!("/api/v1/items/{tag}/events"), &app.admin)
        .await
        .expect(200)
        .json();
    history["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == action)
        .unwrap_or_else(|| panic!("no {action}: {history}"))
        .clone()
}

/// Point 6 with the hand-over: a check, then a fit signed on the screen, on a label opened
/// from the round with no signal; a collection of the other item with the reason there is
/// no signature. Sent when the signal is back, the server holds one check, one fit with its
/// signature, and the collection with its reason.
#[actix_web::test]
async fn a_fit_signed_offline_reaches_the_server_once_with_its_signature() {
    let Some(browser) = Browser::start(true).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let email = on_the_round(&app).await;
    ready_for_no_signal(&browser, &app, &email).await;
    network(&browser, false).await;
    browser.goto(&format!("{}/s/EQ-000001", app.base)).await;
    browser.wait_for_text(".verdict", "Offline — as of").await;
    browser.click("form[data-move=checks] button[value=pass]").await;
    browser.wait_for_text(".done", "Saved on this phone").await;

    // The shell's fit has the online page's hand-over, its pad set up by signature.js
    // (from the service worker's cache: there is no network).
    wait_until(
        &browser,
        "var c = document.querySelector('form[data-move=fit] #fit-handover-signature'); \
         return c && !c.closest('[data-signature-pad]').hidden;",
        "the signature pad is shown offline",
    )
    .await;
    // Half a hand-over is said on the phone, not queued to be refused later.
    browser.type_into("#fit-handover-name", "Peter Oduya").await;
    browser.click("form[data-move=fit] button[type=submit]").await;
    let said = run(
        &browser,
        "return document.querySelector('#fit-handover-relation').validationMessage",
    )
    .await;
    assert_eq!(said, "Say who they are to the client");
    assert_eq!(queue(&browser).await.len(), 1, "only the check");

    draw(&browser, "#fit-handover-signature").await;
    run(
        &browser,
        "document.querySelector('#fit-handover-relation').value = 'family';",
    )
    .await;
    browser
        .click("form[data-move=fit] input[name=handover_demonstrated]")
        .await;
    browser.click("form[data-move=fit] button[type=submit]").await;
    browser.wait_for_text(".done", "Saved on this phone: Fit").await;

    // The other item collected, the person unable to sign.
    browser.goto(&format!("{}/s/EQ-000002", app.base)).await;
    browser.wait_for_text(".verdict", "Offline — as of").await;
    browser.type_into("#return-handover-name", "Margaret Oduya").await;
    run(
        &browser,
        "document.querySelector('#return-handover-relation').value = 'client';",
    )
    .await;
    browser
        .type_into("#return-handover-reason", "cannot hold a pen")
        .await;
    browser.click("form[data-move=return] button[type=submit]").await;
    browser
        .wait_for_text(".done", "Saved on this phone: Collection")
        .await;

    let recorded = queue(&browser).await;
    assert_eq!(recorded.len(), 3);
    assert!(recorded[0]["body"].get("handover").is_none(), "a check has none");
    let fit = &recorded[1]["body"]["handover"];
    assert_eq!(fit["name"], "Peter Oduya");
    assert_eq!(fit["relation"], "family");
    assert_eq!(fit["demonstrated"], true);
    assert_eq!(fit["leaflet_left"], false);
    assert!(fit.get("no_signature_reason").is_none(), "{fit}");
    let drawn = fit["signature_png"].as_str().unwrap();
    assert!(drawn.starts_with("iVBORw0KGgo"), "a PNG in base64");
    let collected = &recorded[2]["body"]["handover"];
    assert_eq!(collected["no_signature_reason"], "cannot hold a pen");
    assert!(collected.get("signature_png").is_none(), "{collected}");

    // The queue's page says who, in the form's words.
    browser.goto(&format!("{}/offline/queue", app.base)).await;
    let waiting = browser.wait_for_text("#field-queue", "Waiting for signal").await;
    assert!(
        waiting.contains("Fit · EQ-000001\nReceived by Peter Oduya (Family), signed."),
        "{waiting}"
    );
    assert!(
        waiting.contains(
            "Collection · EQ-000002\nHanded over by Margaret Oduya (The client), no signature: cannot hold a pen."
        ),
        "{waiting}"
    );
    browser.screenshot("phone-offline-handover-queue").await;
    assert!(checks(&app, "EQ-000001").await == 0 && count(&app, "EQ-000001", "fitted").await == 0);

    network(&browser, true).await;
    let left = settled(&browser).await;
    assert!(left.is_empty(), "all three recorded: {left:?}");
    assert_eq!(checks(&app, "EQ-000001").await, 1, "exactly one check");
    assert_eq!(count(&app, "EQ-000001", "fitted").await, 1, "exactly one fit");
    let fitted = event(&app, "EQ-000001", "fitted").await;
    assert_eq!(fitted["handover"]["name"], "Peter Oduya");
    assert_eq!(fitted["handover"]["relation"], "family");
    assert_eq!(fitted["handover"]["demonstrated"], true);
    let png = app
        .get(
            &format!("/api/v1/events/{}/signature.png", fitted["id"]),
            &app.admin,
        )
        .await
        .expect(200);
    assert_eq!(png.content_type, "image/png");
    let img = image::load_from_memory(&png.body).unwrap().to_luma8();
    assert_eq!(img.dimensions(), (600, 200));
    assert!(
        img.pixels().filter(|p| p.0[0] < 100).count() > 300,
        "the strokes drawn"
    );
    let returned = event(&app, "EQ-000002", "returned").await;
    assert_eq!(returned["handover"]["name"], "Margaret Oduya");
    assert_eq!(returned["handover"]["no_signature_reason"], "cannot hold a pen");
    assert!(returned["handover"]["signature_url"].is_null());
}

/// Changes the round kept on the phone with `change(round)`, as time passing would.
async fn age_round(browser: &Browser, change: &str) {
    let script = format!(
        "const done = arguments[arguments.length - 1];
        const open = indexedDB.open('equiptrack-field', 1);
        open.onsuccess = () => {{
            const s = open.result.transaction('round', 'readwrite').objectStore('round');
            const r = s.get('round');
            r.onsuccess = () => {{
                const round = r.result;
                {change};
                s.put(round, 'round').onsuccess = () => {{ open.result.close(); done(true); }};
            }};
        }};"
    );
    browser
        .call("POST", "/execute/async", json!({ "script": script, "args": [] }))
        .await;
}

#[actix_web::test]
async fn an_old_round_says_do_not_use_from_the_day_the_server_named_and_is_wiped_after_7_days() {
    let Some(browser) = Browser::start(true).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let email = on_the_round(&app).await;
    ready_for_no_signal(&browser, &app, &email).await;
    network(&browser, false).await;
    // The server said a check falls overdue on a day that has come since.
    age_round(&browser, "round.items[0].unsafe_from = '2020-01-01'").await;
    browser.goto(&format!("{}/s/EQ-000001", app.base)).await;
    let verdict = browser.wait_for_text(".verdict", "Offline — as of").await;
    assert!(verdict.starts_with("Do not use"), "{verdict}");
    assert!(verdict.contains("fell due on 1 Jan 2020"), "{verdict}");
    // Eight days without signal: the round is gone, and with it the client's details.
    age_round(
        &browser,
        "round.as_of = new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString()",
    )
    .await;
    browser.goto(&format!("{}/s/EQ-000001", app.base)).await;
    let shown = browser
        .wait_for_text("#offline-label", "No round is kept on this phone")
        .await;
    assert!(
        !browser.wait_for("main").await.contains("Margaret Oduya"),
        "{shown}"
    );
}

#[actix_web::test]
async fn a_label_page_sent_with_no_signal_queues_its_move_and_signing_out_wipes_the_round() {
    let Some(browser) = Browser::start(true).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let email = on_the_round(&app).await;
    ready_for_no_signal(&browser, &app, &email).await;
    // The label's own page, opened with signal; the signal goes before the fit is sent.
    browser.goto(&format!("{}/s/EQ-000001", app.base)).await;
    assert_eq!(browser.wait_for(".verdict strong").await, "Safe to use");
    network(&browser, false).await;
    // Its hand-over as typed on the page goes with it.
    browser.type_into("#fit-handover-name", "Margaret Oduya").await;
    run(
        &browser,
        "document.querySelector('#fit-handover-relation').value = 'client';",
    )
    .await;
    browser
        .type_into("#fit-handover-reason", "asked not to sign")
        .await;
    browser.click("form[action$='/fit'] button[type=submit]").await;
    browser.wait_for_text(".done", "Saved on this phone: Fit").await;
    let recorded = queue(&browser).await;
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0]["move"], "fit");
    assert_eq!(recorded[0]["body"]["expected_version"], 2);
    assert_eq!(
        recorded[0]["body"]["handover"],
        json!({
            "name": "Margaret Oduya", "relation": "client", "demonstrated": false,
            "leaflet_left": false, "no_signature_reason": "asked not to sign"
        })
    );
    network(&browser, true).await;
    assert!(settled(&browser).await.is_empty());
    let item = app
        .get("/api/v1/items/EQ-000001", &app.admin)
        .await
        .expect(200)
        .json();
    assert_eq!(item["status"], "in_use");
    let fitted = event(&app, "EQ-000001", "fitted").await;
    assert_eq!(fitted["handover"]["no_signature_reason"], "asked not to sign");

    browser.click("form[action='/logout'] button").await;
    browser.wait_for("#email").await;
    let script = "const done = arguments[arguments.length - 1];
        const open = indexedDB.open('equiptrack-field', 1);
        open.onsuccess = () => {
            const r = open.result.transaction('round').objectStore('round').get('round');
            r.onsuccess = () => { open.result.close(); done(r.result === undefined); };
        };";
    let wiped = browser
        .call("POST", "/execute/async", json!({ "script": script, "args": [] }))
        .await;
    assert_eq!(wiped, json!(true));
}

/// Sets a field's value through the page's DOM, as a date picker would.
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

/// A hoist's thorough examination made with no signal, from the form the shell keeps: queued
/// as the form's fields, sent once the signal is back, held once with what was typed.
#[actix_web::test]
async fn a_hoists_examination_made_offline_is_held_once_with_its_report_and_defect() {
    let Some(browser) = Browser::start(true).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    crate::examinations::hoist(&app).await;
    let (worker, _, email) = app.staff_with_password("worker", Some(PASSWORD));
    let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
    app.post(
        "/api/v1/items/EQ-000001/issue",
        &app.admin,
        json!({"client_id": client, "worker_id": worker}),
    )
    .await
    .expect(200);
    let today = chrono::Local::now().date_naive();
    let remedy_by = today.checked_add_days(chrono::Days::new(30)).unwrap().to_string();
    let today = today.to_string();
    ready_for_no_signal(&browser, &app, &email).await;

    network(&browser, false).await;
    browser.goto(&format!("{}/s/EQ-000001", app.base)).await;
    browser.wait_for_text(".verdict", "Offline — as of").await;
    let form = "form.offline-exam";
    assert!(browser.wait_for(form).await.contains("Basis of the examination"));
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
    // A second row, added with no signal and left empty, as people do.
    browser.click(&format!("{form} [data-add-defect]")).await;
    assert_eq!(
        run(
            &browser,
            "return document.querySelectorAll('form.offline-exam .defect').length"
        )
        .await,
        json!(2)
    );
    for (name, value) in [
        ("examiner_name", "Edith Examiner"),
        ("examiner_qualifications", "LEEA diploma"),
        ("examiner_employer", "Lift Safe Ltd"),
    ] {
        browser
            .type_into(&format!("{form} input[name={name}]"), value)
            .await;
    }
    run(
        &browser,
        "document.querySelector('form.offline-exam .defects').scrollIntoView()",
    )
    .await;
    browser.screenshot("phone-offline-examination").await;
    browser.click(&format!("{form} button[type=submit]")).await;
    browser
        .wait_for_text(".done", "Saved on this phone: Examination")
        .await;
    let recorded = queue(&browser).await;
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(recorded[0]["move"], "examinations/form");
    let body = &recorded[0]["body"];
    assert_eq!(body["expected_version"], 2, "{body}");
    let fields = body["fields"].as_array().unwrap();
    assert_eq!(fields[0], json!(["rule", "thorough examination"]));
    assert!(
        fields.contains(&json!(["performed_at", today])),
        "the phone's date: {body}"
    );
    assert!(!fields.iter().any(|f| f[0] == "csrf"), "{body}");

    // The queue page says what waits; then the signal comes back and it is sent.
    browser.goto(&format!("{}/offline/queue", app.base)).await;
    assert!(
        browser
            .wait_for_text("#field-queue", "Waiting for signal")
            .await
            .contains("Examination: thorough examination · EQ-000001")
    );
    assert_eq!(
        checks(&app, "EQ-000001").await,
        0,
        "nothing reached the server yet"
    );
    network(&browser, true).await;
    let left = settled(&browser).await;
    assert!(left.is_empty(), "done, it left the queue: {left:?}");

    let held = app
        .get("/api/v1/items/EQ-000001/checks", &app.admin)
        .await
        .expect(200)
        .json();
    assert_eq!(held.as_array().unwrap().len(), 1, "exactly one: {held}");
    let check = &held[0];
    assert_eq!(
        (&check["rule"], &check["outcome"], &check["performed_at"]),
        (&json!("thorough examination"), &json!("pass"), &json!(today))
    );
    let exam = &check["examination"];
    assert_eq!(exam["basis"], "interval_6_months");
    assert_eq!(exam["safe_working_load_kg"], 150, "pre-filled from the item");
    assert_eq!(exam["tests"], "Proof load 1.25 x SWL");
    assert_eq!(exam["examiner"]["name"], "Edith Examiner");
    assert_eq!(exam["examiner"]["employer"], "Lift Safe Ltd");
    assert_eq!(exam["report_date"], today);
    let defects = check["defects"].as_array().unwrap();
    assert_eq!(defects.len(), 1, "{held}");
    assert_eq!(
        (
            &defects[0]["part"],
            &defects[0]["description"],
            &defects[0]["dangerous"],
            &defects[0]["remedy_by"]
        ),
        (
            &json!("Castor"),
            &json!("Worn tread"),
            &json!(false),
            &json!(remedy_by)
        )
    );
}

/// Fills the item page's examination form (not safe to operate) and sends it.
async fn examine_on_the_page(browser: &Browser, qualifications: &str) {
    let form = "#check-0-form form";
    browser
        .click(&format!(
            "{form} select[name=basis] option[value=after_installation]"
        ))
        .await;
    browser
        .click(&format!("{form} input[name=safe_to_operate][value=no]"))
        .await;
    browser
        .type_into(&format!("{form} input[name=examiner_name]"), "Edith Examiner")
        .await;
    if !qualifications.is_empty() {
        browser
            .type_into(
                &format!("{form} input[name=examiner_qualifications]"),
                qualifications,
            )
            .await;
    }
    browser.click(&format!("{form} button[type=submit]")).await;
    browser
        .wait_for_text(".done", "Saved on this phone: Examination")
        .await;
}

/// The item page opened with signal, its examination form sent after the signal went: the
/// report waits in the queue as the form's fields; one the server refuses is shown on the
/// queue page with the field it names, a good one is held once when the signal is back.
#[actix_web::test]
async fn an_examination_form_sent_after_the_signal_went_waits_and_is_held_once() {
    let Some(browser) = Browser::start(true).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    crate::examinations::hoist(&app).await;
    let (worker, _, email) = app.staff_with_password("worker", Some(PASSWORD));
    let client = app.client_person("SC-1", "Margaret Oduya", "LS6 2AB").await;
    app.post(
        "/api/v1/items/EQ-000001/issue",
        &app.admin,
        json!({"client_id": client, "worker_id": worker}),
    )
    .await
    .expect(200);
    ready_for_no_signal(&browser, &app, &email).await;

    // Neither qualifications nor employer: queued, then refused naming the field.
    browser.goto(&format!("{}/s/EQ-000001", app.base)).await;
    browser.wait_for("#check-0-form form").await;
    network(&browser, false).await;
    examine_on_the_page(&browser, "").await;
    let recorded = queue(&browser).await;
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    let fields = recorded[0]["body"]["fields"].as_array().unwrap().clone();
    assert!(
        !fields.iter().any(|f| f[0] == "csrf" || f[0] == "version"),
        "the page's token stays off the phone's queue: {fields:?}"
    );
    browser.goto(&format!("{}/offline/queue", app.base)).await;
    browser.wait_for_text("#field-queue", "Waiting for signal").await;
    network(&browser, true).await;
    let left = settled(&browser).await;
    assert_eq!(left[0]["state"], "refused", "{left:?}");
    let shown = browser
        .wait_for_text("#field-queue [data-state=refused]", "Refused")
        .await;
    assert!(
        shown.contains("examination.examiner.qualifications: give the examiner's qualifications"),
        "{shown}"
    );
    assert_eq!(checks(&app, "EQ-000001").await, 0);
    browser.click("#field-queue [data-discard]").await;
    browser.wait_for_text("#field-queue", "Nothing waiting").await;

    // Again, complete: held once, a fail (not safe to operate) that quarantines the item.
    browser.goto(&format!("{}/s/EQ-000001", app.base)).await;
    browser.wait_for("#check-0-form form").await;
    network(&browser, false).await;
    examine_on_the_page(&browser, "LEEA diploma").await;
    assert_eq!(checks(&app, "EQ-000001").await, 0);
    network(&browser, true).await;
    let left = settled(&browser).await;
    assert!(left.is_empty(), "{left:?}");
    let held = app
        .get("/api/v1/items/EQ-000001/checks", &app.admin)
        .await
        .expect(200)
        .json();
    assert_eq!(held.as_array().unwrap().len(), 1, "exactly one: {held}");
    assert_eq!(held[0]["outcome"], "fail", "not safe to operate: {held}");
    assert_eq!(held[0]["examination"]["basis"], "after_installation");
    assert_eq!(
        held[0]["examination"]["examiner"]["qualifications"],
        "LEEA diploma"
    );
    let item = app
        .get("/api/v1/items/EQ-000001", &app.admin)
        .await
        .expect(200)
        .json();
    assert_eq!(item["status"], "quarantined");
}
