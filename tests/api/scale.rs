//! Issue 14: the item list's deep pages, and a PostgreSQL connection the server dropped.

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::Integer;
use equiptrack::db::{DatabaseTarget, Db};
use equiptrack::error::AppError;
use serde_json::{Value, json};

use crate::support::{TestApp, postgres_cluster, postgres_missing_reason};

/// Every page of `filter` at `per_page`, one after another, and the totals they gave.
async fn walk(app: &TestApp, filter: &str, per_page: usize, pages: usize) -> (Vec<String>, Vec<i64>) {
    let mut tags = Vec::new();
    let mut totals = Vec::new();
    for page in 1..=pages {
        let r = app
            .get(
                &format!("/api/v1/items?{filter}page={page}&per_page={per_page}"),
                &app.admin,
            )
            .await
            .expect(200)
            .json();
        let items = r["items"].as_array().unwrap();
        assert!(items.len() <= per_page);
        tags.extend(items.iter().map(|i| i["asset_tag"].as_str().unwrap().to_string()));
        totals.push(r["total"].as_i64().unwrap());
    }
    (tags, totals)
}

fn tags(numbers: &[u32]) -> Vec<String> {
    numbers.iter().map(|n| format!("EQ-{n:06}")).collect()
}

both_backends! {
    async fn pages_of_a_filtered_list_join_up_in_tag_order_and_end_empty(app: TestApp) {
        app.stairlift_type().await;
        app.frame_type().await;
        for i in 1..=9 {
            let code = if i % 2 == 1 { "STAIRLIFT-STRAIGHT" } else { "FRAME-WALKING" };
            app.item(code, json!({})).await;
        }
        for tag in ["EQ-000002", "EQ-000005", "EQ-000009"] {
            app.post(&format!("/api/v1/items/{tag}/quarantine"), &app.admin, json!({"reason": "bench"}))
                .await
                .expect(200);
        }
        let cases: [(&str, Vec<String>); 5] = [
            ("", tags(&[1, 2, 3, 4, 5, 6, 7, 8, 9])),
            ("status=quarantined&", tags(&[2, 5, 9])),
            ("status=in_store&", tags(&[1, 3, 4, 6, 7, 8])),
            ("type=STAIRLIFT-STRAIGHT&", tags(&[1, 3, 5, 7, 9])),
            ("category=walking_aid&status=in_store&", tags(&[4, 6, 8])),
        ];
        for (filter, expected) in cases {
            // Two pages more than needed: those past the end are empty and keep the total.
            let (got, totals) = walk(&app, filter, 2, expected.len().div_ceil(2) + 2).await;
            assert_eq!(got, expected, "{filter}");
            assert!(totals.iter().all(|t| *t == expected.len() as i64), "{filter}: {totals:?}");
        }
        let far: Value = app.get("/api/v1/items?page=1000000&per_page=500", &app.admin).await.expect(200).json();
        assert_eq!(far["items"], json!([]));
        assert_eq!(far["total"], 9);
    }
}

#[derive(QueryableByName)]
struct Backend {
    #[diesel(sql_type = Integer)]
    pid: i32,
}

fn backend_pid(db: &Db) -> Result<i32, AppError> {
    db.read(|c| {
        Ok(diesel::sql_query("SELECT pg_backend_pid() AS pid")
            .get_result::<Backend>(c)?
            .pid)
    })
}

fn terminate(admin: &mut PgConnection, pid: i32) {
    diesel::sql_query(format!("SELECT pg_terminate_backend({pid})"))
        .execute(admin)
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
}

/// The pool no longer asks every connection `SELECT 1` before handing it out: a connection
/// the server dropped costs one 503 when in steady use, none after it sat idle, and is
/// replaced either way.
#[test]
fn a_postgres_connection_the_server_dropped_is_replaced() {
    let Some(cluster) = postgres_cluster() else {
        eprintln!("SKIPPED on PostgreSQL: {}", postgres_missing_reason());
        return;
    };
    let url = cluster.create_database();
    let db = Db::connect(&DatabaseTarget::parse(&url).unwrap(), 1).unwrap();
    let mut admin = PgConnection::establish(&cluster.admin_url()).unwrap();

    let first = backend_pid(&db).unwrap();
    terminate(&mut admin, first);
    let lost = backend_pid(&db);
    assert!(matches!(lost, Err(AppError::Unavailable(_))), "{lost:?}");
    let second = backend_pid(&db).expect("the next read has a new connection");
    assert_ne!(second, first);

    terminate(&mut admin, second);
    std::thread::sleep(Duration::from_secs(5));
    let third = backend_pid(&db).expect("an idle connection is checked before it is handed out");
    assert_ne!(third, second);
}
