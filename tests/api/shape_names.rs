//! Issue 10, names: an outgoing email's category is `category` in the code, while the
//! contract keeps calling it `kind`.

both_backends! {
    async fn the_notifications_list_still_calls_each_emails_category_kind(app: TestApp) {
        let mail = equiptrack::mail::render::Rendered {
            subject: "Failed safety check: EQ-000001 Walking frame".into(),
            text: "EQ-000001 failed its check.".into(),
            html: "<p>EQ-000001 failed its check.</p>".into(),
            clients: Vec::new(),
        };
        app.db
            .write(|c| equiptrack::service::notify::queue(c, "test:category", "check_failed", "stores@test.example", mail))
            .unwrap();
        let list = app.get("/api/v1/notifications", &app.admin).await.expect(200).json();
        let first = &list["items"][0];
        assert_eq!(first["kind"], "check_failed", "{list}");
        assert!(first.get("category").is_none(), "{list}");
        let doc = app.get("/api/v1/openapi.json", &app.admin).await.expect(200).json();
        let fields = &doc["components"]["schemas"]["NotificationView"]["properties"];
        assert!(fields.get("kind").is_some() && fields.get("category").is_none(), "{fields}");
    }
}
