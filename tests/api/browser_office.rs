//! The office pages in a real browser (issue 13, points 5 and 6): an admin builds a type and
//! its rules on the catalogue page and adds a person, who is emailed a welcome link; a viewer
//! reads the catalogue without forms; a worker is shown no office link and is refused the
//! staff page. Screenshots at a desk's and a phone's width under `target/browser-screenshots/`.
//! SQLite only: the pages are under test, not the backends (`office_pages.rs` runs both).

use serde_json::{Value, json};

use crate::browser::{Browser, PASSWORD};
use crate::support::{Backend, TestApp};

async fn clear(browser: &Browser, css: &str) {
    let el = browser.find(css).await;
    browser
        .call("POST", &format!("/element/{el}/clear"), json!({}))
        .await;
}

async fn open(browser: &Browser, form: &str) {
    browser
        .click(&format!("details[data-form='{form}'] summary"))
        .await;
}

async fn rules(app: &TestApp) -> Vec<Value> {
    let types = app
        .get("/api/v1/equipment-types", &app.admin)
        .await
        .expect(200)
        .json();
    types["items"][0]["check_rules"].as_array().unwrap().clone()
}

#[actix_web::test]
async fn an_admin_builds_a_type_with_its_rules_and_adds_a_person_who_is_emailed_a_welcome_link() {
    let Some(browser) = Browser::start(false).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (_, _, admin) = app.staff_with_password("admin", Some(PASSWORD));

    browser.goto(&format!("{}/office/catalogue", app.base)).await;
    browser.sign_in(&admin).await;
    assert_eq!(browser.wait_for("h1").await, "Equipment catalogue");
    let nav = browser.wait_for("header nav").await;
    for link in ["Scan", "Desk", "Catalogue", "Staff"] {
        assert!(nav.contains(link), "{link} in {nav}");
    }
    open(&browser, "new-type").await;
    browser.type_into("#new-code", "hoist-mobile").await;
    browser.type_into("#new-name", "Mobile hoist").await;
    browser.click("#new-category option[value=hoist]").await;
    browser.type_into("#new-manufacturer", "Arjo").await;
    browser.type_into("#new-load", "182").await;
    browser.type_into("#new-rule_name", "thorough examination").await;
    browser.click("#new-rule_kind option[value=examination]").await;
    browser.type_into("#new-rule_interval_days", "182").await;
    browser.click("input[name=rule_due_on_fit]").await;
    browser.screenshot("office-catalogue-new-type").await;
    browser.click("#new-type-form button[type=submit]").await;
    browser.wait_for_text(".done", "Equipment type added").await;

    open(&browser, "type-HOIST-MOBILE-add-rule").await;
    browser
        .type_into("#type-HOIST-MOBILE-add-rule-name", "manufacturer service")
        .await;
    browser
        .type_into("#type-HOIST-MOBILE-add-rule-interval_days", "365")
        .await;
    browser
        .click("form[action='/office/catalogue/types/HOIST-MOBILE/rules'] button[type=submit]")
        .await;
    browser.wait_for_text(".done", "Check rule added").await;
    let found = rules(&app).await;
    assert_eq!(found.len(), 2, "{found:?}");
    let (first, second) = (found[0]["id"].as_i64().unwrap(), found[1]["id"].as_i64().unwrap());

    // The examination every 120 days instead of 182.
    open(&browser, &format!("rule-{first}-form")).await;
    let interval = format!("#rule-{first}-form-interval_days");
    clear(&browser, &interval).await;
    browser.type_into(&interval, "120").await;
    browser
        .click(&format!(
            "form[action='/office/catalogue/types/HOIST-MOBILE/rules/{first}'] button[type=submit]"
        ))
        .await;
    browser.wait_for_text(".done", "Check rule saved").await;
    open(&browser, &format!("rule-{second}-form")).await;
    browser
        .click(&format!("form[action$='/rules/{second}/retire'] button"))
        .await;
    browser.wait_for_text(".done", "Check rule retired").await;
    let left = rules(&app).await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(
        (&left[0]["id"], &left[0]["interval_days"], &left[0]["due_on_fit"]),
        (&json!(first), &json!(120), &json!(true))
    );
    let listed = browser.wait_for("#type-HOIST-MOBILE table").await;
    assert!(
        listed.contains("120 days") && !listed.contains("manufacturer service"),
        "{listed}"
    );
    open(&browser, &format!("rule-{first}-form")).await;
    browser.screenshot("office-catalogue").await;

    browser.goto(&format!("{}/office/staff", app.base)).await;
    open(&browser, "new-staff").await;
    browser.type_into("#staff-name", "Nia Patel").await;
    browser.type_into("#staff-email", "nia@test.example").await;
    browser.click("#staff-role option[value=stores]").await;
    browser
        .click("form[action='/office/staff'] button[type=submit]")
        .await;
    browser.wait_for_text(".done", "welcome link").await;
    let mail = app.smtp.wait_for(1, 20).await;
    assert_eq!(mail[0].to, ["nia@test.example"]);
    assert!(
        mail[0]
            .part("text/plain")
            .unwrap()
            .contains(&format!("{}/welcome/", app.base))
    );
    let table = browser.wait_for("table.staff").await;
    assert!(
        table.contains("Nia Patel") && table.contains("no password yet"),
        "{table}"
    );
    browser.screenshot("office-staff").await;
    // The same person again: refused beside the form, what was typed still there.
    open(&browser, "new-staff").await;
    browser.type_into("#staff-name", "Nia Patel").await;
    browser.type_into("#staff-email", "nia@test.example").await;
    browser
        .click("form[action='/office/staff'] button[type=submit]")
        .await;
    browser.wait_for_text("#new-staff .error", "already exists").await;
    browser.screenshot("office-staff-refused").await;
    drop(browser);

    // The same pages on a phone.
    let Some(phone) = Browser::start(true).await else {
        return;
    };
    phone.goto(&format!("{}/office/catalogue", app.base)).await;
    phone.sign_in(&admin).await;
    phone.wait_for("#type-HOIST-MOBILE").await;
    phone.screenshot("phone-office-catalogue").await;
    open(&phone, &format!("rule-{first}-form")).await;
    phone.screenshot("phone-office-catalogue-rule").await;
    phone.goto(&format!("{}/office/staff", app.base)).await;
    phone.wait_for("table.staff").await;
    phone.screenshot("phone-office-staff").await;
}

#[actix_web::test]
async fn a_viewer_reads_the_catalogue_without_forms_and_a_worker_is_shown_no_office_link() {
    let Some(browser) = Browser::start(true).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.stairlift_type().await;
    let (_, _, viewer) = app.staff_with_password("viewer", Some(PASSWORD));
    let (_, _, worker) = app.staff_with_password("worker", Some(PASSWORD));

    browser.goto(&format!("{}/office/catalogue", app.base)).await;
    browser.sign_in(&viewer).await;
    let listed = browser.wait_for("#type-STAIRLIFT-STRAIGHT").await;
    assert!(
        listed.contains("Straight stairlift") && listed.contains("LOLER thorough examination"),
        "{listed}"
    );
    assert!(
        browser.try_text("main form").await.is_none(),
        "no forms for a viewer"
    );
    assert!(browser.try_text("details.edit").await.is_none());
    let nav = browser.wait_for("header nav").await;
    assert!(
        nav.contains("Catalogue") && !nav.contains("Staff") && !nav.contains("Desk"),
        "{nav}"
    );
    browser.screenshot("phone-office-catalogue-viewer").await;
    browser.click("header nav form[action='/logout'] button").await;
    browser.wait_for("#email").await;

    browser.goto(&format!("{}/scan", app.base)).await;
    browser.sign_in(&worker).await;
    browser.wait_for("#code").await;
    let nav = browser.wait_for("header nav").await;
    assert!(nav.contains("Scan"), "{nav}");
    for office in ["Catalogue", "Staff", "Desk"] {
        assert!(!nav.contains(office), "{office} in a worker's {nav}");
    }
    browser.goto(&format!("{}/office/staff", app.base)).await;
    assert_eq!(browser.wait_for("h1").await, "Not allowed");
    let words = browser.wait_for("main").await;
    assert!(
        words.contains("the staff list is for admins and stores"),
        "{words}"
    );
    browser.screenshot("phone-office-staff-worker-refused").await;
}
