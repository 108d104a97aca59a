//! The overdue page in a real browser: stores filter it by postcode, and the CSV link gives
//! the same rows. SQLite only: the page is under test, not the backends (`overdue_pages.rs`
//! runs both).

use serde_json::json;

use crate::browser::{Browser, PASSWORD};
use crate::overdue_pages::overdue_checks;
use crate::support::{Backend, TestApp};

#[actix_web::test]
async fn stores_filter_the_overdue_list_by_postcode_and_download_the_same_rows_as_csv() {
    let Some(browser) = Browser::start(false).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    overdue_checks(&app).await;
    let (_, _, stores) = app.staff_with_password("stores", Some(PASSWORD));

    browser.goto(&format!("{}/office/overdue", app.base)).await;
    browser.sign_in(&stores).await;
    assert_eq!(browser.wait_for("h1").await, "Overdue checks");
    assert!(browser.wait_for("header nav").await.contains("Overdue"));
    let all = browser.wait_for("table").await;
    assert!(all.contains("OD-1") && all.contains("OD-2"), "{all}");

    browser.type_into("#postcode", "ls6").await;
    browser.click("form[role=search] button[type=submit]").await;
    browser.wait_for_text("main p", "1 check.").await;
    assert!(browser.url().await.contains("postcode=ls6"));
    let narrowed = browser.wait_for("table").await;
    assert!(
        narrowed.contains("OD-1") && !narrowed.contains("OD-2"),
        "{narrowed}"
    );
    browser.screenshot("office-overdue").await;

    // The link as the browser follows it, with its session: the same one row.
    let got = browser
        .call(
            "POST",
            "/execute/async",
            json!({
                "script": "const done = arguments[0]; \
                    const a = [...document.querySelectorAll('a')].find(l => l.textContent === 'Download CSV'); \
                    fetch(a.href).then(r => r.text().then(t => done([r.headers.get('content-type'), t])));",
                "args": []
            }),
        )
        .await;
    assert!(got[0].as_str().unwrap().starts_with("text/csv"), "{got}");
    let csv = got[1].as_str().unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[0].starts_with("asset_tag,type,category,rule,next_due") && lines[1].starts_with("OD-1,"),
        "{csv}"
    );
}
