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

/// Runs `script` in the page; answers what it returns.
async fn script(browser: &Browser, script: &str) -> serde_json::Value {
    browser
        .call("POST", "/execute/sync", json!({ "script": script, "args": [] }))
        .await
}

#[actix_web::test]
async fn a_worker_fits_a_kit_with_a_handover_and_collects_it_with_a_member_missing_on_a_phone() {
    let Some(browser) = Browser::start(true).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.stairlift_type().await;
    let client = app.client_person("K-2", "Ada Marsh", "LS7 1AA").await;
    let (worker, _, email) = app.staff_with_password("worker", Some(PASSWORD));
    for _ in 0..3 {
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
    }
    let stores = app.user("stores");
    app.post(
        "/api/v1/kits",
        &stores,
        json!({"name": "Lift and slings", "members": ["EQ-000001", "EQ-000002", "EQ-000003"]}),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/kits/KIT-000001/issue",
        &stores,
        json!({"client_id": client, "worker_id": worker}),
    )
    .await
    .expect(200);

    browser.goto(&format!("{}/s/KIT-000001", app.base)).await;
    browser.sign_in(&email).await;
    browser.wait_for("form[action='/s/KIT-000001/fit']").await;
    // A worker is offered the fit, never the issue.
    assert_eq!(
        script(
            &browser,
            "return document.querySelectorAll('form[action=\"/s/KIT-000001/issue\"]').length;"
        )
        .await,
        json!(0)
    );
    browser.type_into("#fit-handover-name", "Peter Marsh").await;
    script(
        &browser,
        "document.querySelector('#fit-handover-relation').value = 'family';",
    )
    .await;
    browser
        .click("form[action$='/fit'] input[name=handover_demonstrated]")
        .await;
    browser
        .type_into("#fit-handover-reason", "client's son, hands full")
        .await;
    script(&browser, "document.querySelector('#kit-fit').scrollIntoView();").await;
    browser.screenshot("phone-kit-moves").await;
    let wide = script(
        &browser,
        "return document.documentElement.scrollWidth > window.innerWidth;",
    )
    .await;
    assert_eq!(wide, json!(false), "nothing wider than the phone");
    // Notes and the date left as they are: the browser sends the empty notes too.
    browser.click("form[action$='/fit'] button[type=submit]").await;
    browser
        .wait_for_text(".done", "Fit recorded for every member")
        .await;
    for tag in ["EQ-000001", "EQ-000002", "EQ-000003"] {
        let member = browser.wait_for(&format!("li.member[data-tag='{tag}']")).await;
        assert!(member.contains("In use"), "{tag}: {member}");
    }
    // The hand-over is on each member's own record.
    let events = app
        .get("/api/v1/items/EQ-000003/events", &app.admin)
        .await
        .expect(200)
        .json();
    let fitted = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "fitted")
        .cloned()
        .expect("a fit");
    assert_eq!(fitted["handover"]["name"], "Peter Marsh", "{fitted}");

    // Collected: the sling EQ-000002 is not found.
    browser.wait_for("form[action='/s/KIT-000001/return']").await;
    browser
        .click("form[action$='/return'] input[name=missing][value='EQ-000002']")
        .await;
    browser.type_into("#return-handover-name", "Ada Marsh").await;
    script(
        &browser,
        "document.querySelector('#return-handover-relation').value = 'client';",
    )
    .await;
    browser
        .type_into("#return-handover-reason", "unable to sign")
        .await;
    browser.click("form[action$='/return'] button[type=submit]").await;
    browser.wait_for_text(".done", "Collection recorded").await;
    let missing = browser.wait_for("li.member[data-tag='EQ-000002']").await;
    assert!(missing.contains("In use"), "{missing}");
    let back = browser.wait_for("li.member[data-tag='EQ-000001']").await;
    assert!(back.contains("Awaiting decontamination"), "{back}");
    let history = browser.wait_for("#kit-history").await;
    assert!(
        history.contains("EQ-000002 missing at the collection") && history.contains("Collected"),
        "{history}"
    );
    // The API agrees: the missing member is still with the client.
    let item = app
        .get("/api/v1/items/EQ-000002", &app.admin)
        .await
        .expect(200)
        .json();
    assert_eq!(item["client"]["id"], client);
    assert_eq!(item["status"], "in_use");

    // The kit's whole history, a page of its own, from the link.
    browser.click("a[href='/s/KIT-000001/history']").await;
    browser.wait_for_text("h1", "History of KIT-000001").await;
    let all = browser.wait_for("#kit-history").await;
    for words in [
        "Kit made",
        "Issued",
        "Fitted",
        "Collected",
        "EQ-000002 missing at the collection",
    ] {
        assert!(all.contains(words), "{words}: {all}");
    }
    // Newest first.
    assert!(
        all.find("Collected").unwrap() < all.find("Fitted").unwrap(),
        "{all}"
    );
}

#[actix_web::test]
async fn a_kit_issue_from_the_phone_is_refused_naming_the_overdue_member_and_keeps_what_was_typed() {
    let Some(browser) = Browser::start(true).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.frame_type().await;
    let client = app.client_person("K-1", "Nora Pike", "LS6 2AB").await;
    let (worker, worker_token, worker_email) = app.staff("worker");
    let (_, stores, email) = app.staff_with_password("stores", Some(PASSWORD));
    for _ in 0..3 {
        app.item("FRAME-WALKING", json!({})).await;
    }
    // EQ-000002 was out years ago and never checked: back in store, its check overdue.
    app.post(
        "/api/v1/items/EQ-000002/issue",
        &stores,
        json!({"client_id": client, "worker_id": worker}),
    )
    .await
    .expect(200);
    app.post(
        "/api/v1/items/EQ-000002/fit",
        &worker_token,
        json!({"fitted_at": "2020-01-01"}),
    )
    .await
    .expect(200);
    app.post("/api/v1/items/EQ-000002/return", &worker_token, json!({}))
        .await
        .expect(200);
    app.post(
        "/api/v1/kits",
        &stores,
        json!({"name": "Frames", "members": ["EQ-000001", "EQ-000002", "EQ-000003"]}),
    )
    .await
    .expect(201);
    browser.goto(&format!("{}/s/KIT-000001", app.base)).await;
    browser.sign_in(&email).await;
    browser.wait_for("form[action='/s/KIT-000001/issue']").await;
    browser.type_into("#kit-issue-client", "K-1").await;
    browser.type_into("#kit-issue-worker", &worker_email).await;
    browser.click("form[action$='/issue'] button[type=submit]").await;
    let refused = browser
        .wait_for_text("#kit-issue .refused-members", "EQ-000002")
        .await;
    assert!(
        refused
            .contains("EQ-000002: cannot issue an item with a check overdue: safety check (due 2020-12-31)"),
        "{refused}"
    );
    assert!(
        !refused.contains("EQ-000001") && !refused.contains("EQ-000003"),
        "{refused}"
    );
    // What was typed is still there, to issue again once the member is checked.
    assert_eq!(
        script(
            &browser,
            "return document.querySelector('#kit-issue-client').value;"
        )
        .await,
        json!("K-1")
    );
    assert_eq!(
        script(
            &browser,
            "return document.querySelector('#kit-issue-worker').value;"
        )
        .await,
        json!(worker_email)
    );
    browser.screenshot("phone-kit-refused").await;
    // Nothing moved.
    let kit = app
        .get("/api/v1/kits/KIT-000001", &stores)
        .await
        .expect(200)
        .json();
    for member in kit["members"].as_array().unwrap() {
        assert_eq!(member["item"]["status"], "in_store", "{member}");
    }
    assert_eq!(kit["kit"]["version"], 1);
}
