//! `q` in the item list: substrings of tag, serial, batch and the holder's name, reference
//! and postcode through each backend's search index; an exact tag or serial first; short
//! text matching only the start of a tag or serial; the index in step with every change;
//! and an existing register's rows indexed by the migration.

use diesel::connection::SimpleConnection;
use serde_json::{Value, json};

use crate::support::{TestApp, postgres_cluster, postgres_missing_reason, test_settings};

/// The tags `q` finds, in the order given, with the total the answer states.
async fn found(app: &TestApp, query: &str) -> (Vec<String>, i64) {
    let answer = app
        .get(&format!("/api/v1/items?{query}"), &app.admin)
        .await
        .expect(200)
        .json();
    let tags = answer["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["asset_tag"].as_str().unwrap().to_string())
        .collect();
    (tags, answer["total"].as_i64().unwrap())
}

async fn tags(app: &TestApp, query: &str) -> Vec<String> {
    let (tags, total) = found(app, query).await;
    assert_eq!(total, tags.len() as i64, "{query}: one page holds them all");
    tags
}

/// Walking frames with these (tag, serial, batch): a tag of "" is generated.
async fn frames(app: &TestApp, rows: &[(&str, &str, &str)]) {
    app.frame_type().await;
    for (tag, serial, batch) in rows {
        app.item(
            "FRAME-WALKING",
            json!({"asset_tag": tag, "serial_number": serial, "batch": batch}),
        )
        .await;
    }
}

/// Issues and fits `tag` to `client` through a worker.
async fn fit(app: &TestApp, tag: &str, client: i64) {
    let (worker, worker_token) = app.user_with_id("worker");
    app.post(
        &format!("/api/v1/items/{tag}/issue"),
        &app.admin,
        json!({"client_id": client, "worker_id": worker}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/items/{tag}/fit"),
        &worker_token,
        json!({"client_id": client}),
    )
    .await
    .expect(200);
}

both_backends! {
    async fn any_part_of_a_serial_or_batch_is_found_in_any_case(app: TestApp) {
        frames(&app, &[("", "SN-4471-X", "LOT-Q7"), ("", "AB-9", "LOT-Q8"), ("", "ZZ-1", "other")]).await;
        assert_eq!(tags(&app, "q=4471").await, ["EQ-000001"]);
        assert_eq!(tags(&app, "q=471-x").await, ["EQ-000001"]);
        assert_eq!(tags(&app, "q=Ot-q").await, ["EQ-000001", "EQ-000002"]);
        assert_eq!(tags(&app, "q=000003").await, ["EQ-000003"]);
        assert!(tags(&app, "q=nothing-like-it").await.is_empty());
        // Paging keeps the total of every match.
        assert_eq!(found(&app, "q=lot-q&per_page=1&page=2").await, (vec!["EQ-000002".to_string()], 2));
        assert_eq!(found(&app, "q=lot-q&per_page=1&page=1").await, (vec!["EQ-000001".to_string()], 2));
        assert_eq!(found(&app, "q=lot-q&per_page=1&page=3").await, (vec![], 2));
        assert_eq!(found(&app, "q=lot-q&per_page=3&page=1").await.1, 2);
    }

    async fn an_exact_tag_or_serial_comes_before_the_rest_in_tag_order(app: TestApp) {
        frames(&app, &[("ZZ-1", "WX-100", ""), ("EQ-2", "WX-1001", ""), ("WX-1000", "", ""), ("AA-1", "WX-10002", "")]).await;
        assert_eq!(tags(&app, "q=wx-100").await, ["ZZ-1", "AA-1", "EQ-2", "WX-1000"], "the serial WX-100 first");
        assert_eq!(tags(&app, "q=WX-1000").await, ["WX-1000", "AA-1"], "the tag WX-1000 first");
        assert_eq!(tags(&app, "q=x-1").await, ["AA-1", "EQ-2", "WX-1000", "ZZ-1"], "no exact one: tag order");
    }

    async fn one_or_two_characters_match_only_the_start_of_a_tag_or_serial(app: TestApp) {
        frames(&app, &[("WX-1", "", ""), ("AA-1", "wx-7", ""), ("AB-1", "QWX", "WX-B"), ("AC-1", "", ""), ("ZX", "", ""), ("AD-1", "ZX-2", "")]).await;
        assert_eq!(tags(&app, "q=wx").await, ["AA-1", "WX-1"]);
        assert_eq!(tags(&app, "q=W").await, ["AA-1", "WX-1"]);
        assert_eq!(tags(&app, "q=a").await, ["AA-1", "AB-1", "AC-1", "AD-1"]);
        assert_eq!(tags(&app, "q=qw").await, ["AB-1"]);
        assert_eq!(tags(&app, "q=zx").await, ["ZX", "AD-1"], "an exact tag first");
        assert!(tags(&app, "q=-1").await.is_empty(), "inside a tag is not its start");
        assert!(tags(&app, "q=b").await.is_empty(), "nor is a batch");
    }

    async fn like_wildcards_in_the_text_stand_for_themselves(app: TestApp) {
        frames(&app, &[("", "A%B_C1", ""), ("", "AXB-C1", ""), ("", "AB", "")]).await;
        assert_eq!(tags(&app, "q=a%25b").await, ["EQ-000001"]);
        assert_eq!(tags(&app, "q=%25b_").await, ["EQ-000001"]);
        assert_eq!(tags(&app, "q=b_c").await, ["EQ-000001"]);
        assert_eq!(tags(&app, "q=a%25").await, ["EQ-000001"]);
        assert!(tags(&app, "q=_").await.is_empty());
        assert!(tags(&app, "q=%25%25").await.is_empty());
        // Nor is an FTS5 operator or quote anything but text.
        assert!(tags(&app, "q=%22a%22+OR+b*").await.is_empty());
    }

    async fn an_item_is_found_by_its_holders_name_reference_or_postcode(app: TestApp) {
        frames(&app, &[("", "SN-1", ""), ("", "SN-2", ""), ("", "SN-3", "")]).await;
        let client = app.client_person("SC-88231", "Philippa Quarrington", "LS6 1AA").await;
        let other = app.client_person("SC-55500", "Ravi Quarry", "HX1 2BB").await;
        assert!(tags(&app, "q=quarr").await.is_empty(), "nobody holds anything yet");
        fit(&app, "EQ-000002", client).await;
        fit(&app, "EQ-000003", other).await;
        assert_eq!(tags(&app, "q=quarrington").await, ["EQ-000002"]);
        assert_eq!(tags(&app, "q=QUARR").await, ["EQ-000002", "EQ-000003"]);
        assert_eq!(tags(&app, "q=88231").await, ["EQ-000002"]);
        assert_eq!(tags(&app, "q=sc-8").await, ["EQ-000002"]);
        assert_eq!(tags(&app, "q=ls6+1a").await, ["EQ-000002"]);
        assert_eq!(tags(&app, "q=ls61aa").await, ["EQ-000002"], "a postcode without its space");
        assert_eq!(tags(&app, "q=6+1aa").await, ["EQ-000002"]);
        // With the other filters.
        assert_eq!(tags(&app, "q=quarr&status=in_use").await, ["EQ-000002", "EQ-000003"]);
        assert!(tags(&app, "q=quarr&status=in_store").await.is_empty());
        assert_eq!(tags(&app, &format!("q=quarr&client_id={other}")).await, ["EQ-000003"]);
        assert_eq!(tags(&app, "q=sn-&status=in_store&category=walking_aid&type=FRAME-WALKING").await, ["EQ-000001"]);
        assert!(tags(&app, "q=sn-&category=stairlift").await.is_empty());
        assert_eq!(tags(&app, "q=sn&due_before=2099-01-01").await, ["EQ-000002", "EQ-000003"]);
    }

    async fn a_change_is_found_at_once_and_the_old_words_are_not(app: TestApp) {
        frames(&app, &[("", "SN-4471-X", "LOT-1"), ("", "SN-9", "")]).await;
        app.patch("/api/v1/items/EQ-000001", &app.admin, json!({"serial_number": "SN-5582-Y", "batch": null}))
            .await
            .expect(200);
        assert!(tags(&app, "q=4471").await.is_empty());
        assert!(tags(&app, "q=lot-1").await.is_empty());
        assert_eq!(tags(&app, "q=5582-y").await, ["EQ-000001"]);

        let client = app.client_person("SC-31", "Philippa Quarrington", "LS6 1AA").await;
        fit(&app, "EQ-000002", client).await;
        assert_eq!(tags(&app, "q=quarrington").await, ["EQ-000002"]);
        app.patch(&format!("/api/v1/clients/{client}"), &app.admin, json!({"name": "Philippa Tremayne", "reference": "SC-77", "postcode": "BD1 9ZZ"}))
            .await
            .expect(200);
        for gone in ["quarrington", "sc-31", "ls61aa"] {
            assert!(tags(&app, &format!("q={gone}")).await.is_empty(), "{gone}");
        }
        for now in ["tremayne", "sc-77", "bd19z"] {
            assert_eq!(tags(&app, &format!("q={now}")).await, ["EQ-000002"], "{now}");
        }

        // Quarantined and condemned where it stands, the item stays with the client, who may
        // then be erased: neither their old details nor the words put in their place find it.
        app.post("/api/v1/items/EQ-000002/quarantine", &app.admin, json!({"reason": "rail bent"}))
            .await
            .expect(200);
        app.post("/api/v1/items/EQ-000002/condemn", &app.admin, json!({"reason_code": "beyond_repair", "reason": "bent"}))
            .await
            .expect(200);
        assert_eq!(tags(&app, "q=tremayne").await, ["EQ-000002"]);
        app.delete(&format!("/api/v1/clients/{client}"), &app.admin).await.expect(200);
        for gone in ["tremayne", "sc-77", "bd19zz", "erased", &format!("erased-{client}")] {
            assert!(tags(&app, &format!("q={gone}")).await.is_empty(), "{gone}");
        }
        assert_eq!(tags(&app, "q=sn-9").await, ["EQ-000002"], "its own serial still finds it");
    }

    async fn imported_items_and_clients_are_found(app: TestApp) {
        app.frame_type().await;
        app.post_csv("/api/v1/clients/import", &app.admin, "reference,name,address,postcode\nSC-600,Winifred Atterbury,2 Mill Lane,LS7 4QQ\n")
            .await
            .expect(201);
        app.post_csv("/api/v1/items/import", &app.admin, "asset_tag,type,serial_number,batch\nIM-1,FRAME-WALKING,IMP-7781,B-22\n")
            .await
            .expect(201);
        assert_eq!(tags(&app, "q=7781").await, ["IM-1"]);
        assert_eq!(tags(&app, "q=im").await, ["IM-1"]);
        let client: Value = app.get("/api/v1/clients?q=atterbury", &app.admin).await.expect(200).json();
        let client = client["items"][0]["id"].as_i64().unwrap();
        fit(&app, "IM-1", client).await;
        assert_eq!(tags(&app, "q=atterbur").await, ["IM-1"]);
        assert_eq!(tags(&app, "q=ls7+4").await, ["IM-1"]);
    }
}

/// The search migration, undone: the register as it stood before it.
const SEARCH_MIGRATION: &str = "20261203100000";

fn before_search_index(sqlite: bool) -> &'static str {
    if sqlite {
        include_str!("../../migrations/sqlite/2026-12-03-100000_search_index/down.sql")
    } else {
        include_str!("../../migrations/postgres/2026-12-03-100000_search_index/down.sql")
    }
}

const OLD_ROWS: &str = "
INSERT INTO clients (id, reference, name, address, postcode, created_at, updated_at) VALUES
    (501, 'SC-501', 'Olwen Bryce', '1 High St', 'LS6 1AA', '2026-01-01 09:00:00', '2026-01-01 09:00:00'),
    (502, 'ERASED-502', 'Erased client', '', '', '2026-01-01 09:00:00', '2026-01-01 09:00:00');
UPDATE clients SET erased_at = '2026-02-01 09:00:00' WHERE id = 502;
INSERT INTO equipment_types (id, code, name, category, requires_decontamination, created_at)
    VALUES (501, 'COMMODE', 'Commode', 'other', TRUE, '2026-01-01 09:00:00');
INSERT INTO items (id, asset_tag, type_id, serial_number, batch, status, client_id, search_key, version, created_at, updated_at) VALUES
    (501, 'OLD-1', 501, 'SN-31337', 'LOT-9', 'in_use', 501, 'old-1 sn-31337 lot-9', 3, '2026-01-01 09:00:00', '2026-01-01 09:00:00'),
    (502, 'OLD-2', 501, NULL, NULL, 'condemned', 502, 'old-2  ', 3, '2026-01-01 09:00:00', '2026-01-01 09:00:00');
";

async fn existing_rows_are_indexed_by_the_migration(url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = url.starts_with("sqlite:");
    let settings = test_settings(dir.path(), url, 1);
    let db = equiptrack::app::open_database(&settings).unwrap();
    db.write(|c| {
        c.batch_execute(before_search_index(sqlite))?;
        c.batch_execute(&format!(
            "DELETE FROM __diesel_schema_migrations WHERE version = '{SEARCH_MIGRATION}'"
        ))?;
        c.batch_execute(OLD_ROWS)?;
        Ok(())
    })
    .unwrap();
    drop(db);
    let app = TestApp::spawn_on(dir, url).await;
    let server = app.server();
    assert_eq!(tags(&app, "q=31337").await, ["OLD-1"]);
    assert_eq!(tags(&app, "q=bryce").await, ["OLD-1"]);
    assert_eq!(tags(&app, "q=ls61a").await, ["OLD-1"]);
    assert_eq!(tags(&app, "q=ld-").await, ["OLD-1", "OLD-2"]);
    assert!(
        tags(&app, "q=erased").await.is_empty(),
        "an erased client is not indexed"
    );
    // And kept in step from then on.
    app.patch(
        "/api/v1/items/OLD-1",
        &app.admin,
        json!({"serial_number": "SN-4242"}),
    )
    .await
    .expect(200);
    assert!(tags(&app, "q=31337").await.is_empty());
    assert_eq!(tags(&app, "q=4242").await, ["OLD-1"]);
    server.stop(false).await;
}

#[actix_web::test]
async fn an_existing_registers_rows_are_indexed_by_the_migration_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    existing_rows_are_indexed_by_the_migration(&url).await;
}

#[actix_web::test]
async fn an_existing_registers_rows_are_indexed_by_the_migration_on_postgres() {
    let Some(cluster) = postgres_cluster() else {
        eprintln!("SKIPPED on PostgreSQL: {}", postgres_missing_reason());
        return;
    };
    existing_rows_are_indexed_by_the_migration(&cluster.create_database()).await;
}
