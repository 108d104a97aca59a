//! Typed states: stored as the same words as ever, and a word no state has is an error
//! rather than a quiet default.

use diesel::prelude::*;
use equiptrack::db::schema::{items, staff};
use serde_json::json;

both_backends! {
    async fn states_and_roles_are_stored_as_the_words_they_always_were(app: TestApp) {
        app.stairlift_type().await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        app.post("/api/v1/items/EQ-000001/quarantine", &app.admin, json!({"reason": "cracked"})).await.expect(200);
        let (status, roles) = app
            .db
            .read(|c| {
                let status: String = items::table.select(items::status).first(c)?;
                let roles: Vec<String> = staff::table.select(staff::role).load(c)?;
                Ok((status, roles))
            })
            .unwrap();
        assert_eq!(status, "quarantined");
        assert!(roles.iter().any(|r| r == "admin"), "{roles:?}");
    }

    async fn an_item_whose_stored_status_is_no_status_is_an_error_not_quarantined(app: TestApp) {
        app.stairlift_type().await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        app.db
            .read(|c| Ok(diesel::sql_query("UPDATE items SET status = 'lost'").execute(c)?))
            .unwrap();
        // Before, the row read as quarantined and was answered 200 as if it were.
        let reply = app.get("/api/v1/items/EQ-000001", &app.admin).await.expect(500);
        assert!(!reply.text().contains("lost"), "the cause is for the log: {}", reply.text());
    }
}
