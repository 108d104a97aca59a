//! HTML escaped by construction: what a client sent comes out as text on a page and in an
//! email's HTML part, never as markup.

use serde_json::json;

use crate::pages::{PASSWORD, page, sign_in};
use crate::reminders::STORES;

const SENT: &str = r#"<script>alert("x")</script> O'Neil"#;
// maud writes every attribute between double quotes, so a `'` can end nothing and stays as it is.
const SHOWN: &str = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O'Neil";

both_backends! {
    async fn markup_a_client_sent_is_shown_as_text_on_pages_and_in_mail(app: TestApp) {
        app.stairlift_type().await;
        let (worker, token, email) = app.staff_with_password("worker", Some(PASSWORD));
        let client = app.client_person("SC-1", SENT, "LS6 2AB").await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        app.post("/api/v1/items/EQ-000001/issue", &app.admin, json!({"client_id": client, "worker_id": worker}))
            .await
            .expect(200);

        let (cookie, _) = sign_in(&app, &email, "/scan").await;
        let item = page(&app, &cookie, "/s/EQ-000001").await.expect(200).text();
        assert!(item.contains(&format!("{SHOWN}<br>")), "the client's name as text:\n{item}");
        assert!(!item.contains("<script>"));

        let (_, _, stores) = app.staff_with_password("stores", Some(PASSWORD));
        let (cookie, _) = sign_in(&app, &stores, "/desk").await;
        let desk = page(&app, &cookie, "/desk?q=%3Cscript%3Ealert(%22x%22)%3C%2Fscript%3E%20O'Neil").await.expect(200).text();
        assert!(desk.contains(&format!("value=\"{SHOWN}\"")), "what was typed, inside its attribute:\n{desk}");
        assert!(!desk.contains("<script>"));

        app.post("/api/v1/items/EQ-000001/fit", &token, json!({})).await.expect(200);
        app.post(
            "/api/v1/items/EQ-000001/checks",
            &token,
            json!({"rule": "LOLER thorough examination", "outcome": "fail", "notes": SENT}),
        )
        .await
        .expect(200);
        let mail = app.smtp.wait_for(1, 20).await;
        assert_eq!(mail[0].to, [STORES]);
        let html = mail[0].part("text/html").expect("an HTML part");
        assert!(html.contains(&format!(": fail. {SHOWN}</p>")), "the notes as text:\n{html}");
        assert!(!html.contains("<script>"));
        assert!(mail[0].part("text/plain").unwrap().contains(SENT), "the text part as written");
    }
}
