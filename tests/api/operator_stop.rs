//! Stopping the real binary with SIGTERM or Ctrl-C while it sends an email: no new
//! connections, the email sent exactly once, the emails not yet claimed left pending for the
//! next start, exit 0; and a request in flight answered.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use diesel::prelude::*;
use equiptrack::db::Db;
use equiptrack::db::schema::notifications;
use equiptrack::mail::render::Rendered;

use crate::served::{Served, database_url, signal};
use crate::smtp::SmtpSink;
use crate::support::{Backend, test_settings};

const SUBJECTS: [&str; 3] = ["stop test one", "stop test two", "stop test three"];

/// Each queued email's subject, status and attempts, and whether it is claimed.
fn outbox(db: &Db) -> Vec<(String, String, i32, bool)> {
    db.read(|c| {
        Ok(notifications::table
            .order(notifications::id)
            .select((
                notifications::subject,
                notifications::status,
                notifications::attempts,
                notifications::claimed_until.is_not_null(),
            ))
            .load(c)?)
    })
    .unwrap()
}

fn subjects_received(smtp: &SmtpSink) -> Vec<String> {
    let mut got: Vec<String> = smtp.messages().iter().map(|m| m.subject()).collect();
    got.sort();
    got
}

async fn a_stop_in_the_middle_of_a_send(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(url) = database_url(backend, dir.path()) else {
        return;
    };
    let smtp = SmtpSink::start();
    // Three emails wait in the outbox before the service starts.
    let db = equiptrack::app::open_database(&test_settings(dir.path(), &url, smtp.port)).unwrap();
    for (n, subject) in SUBJECTS.iter().enumerate() {
        let mail = Rendered {
            subject: subject.to_string(),
            text: "words".into(),
            html: "<p>words</p>".into(),
            clients: Vec::new(),
        };
        db.write(|c| {
            equiptrack::service::notify::queue(c, &format!("stop:{n}"), "test", "stores@test.example", mail)
        })
        .unwrap();
    }
    // The mail server takes each message, then keeps the sender waiting for its answer.
    smtp.hold_replies(Duration::from_secs(4));
    let served = Served::start(dir.path(), &url, smtp.port, &[]);

    // The first email is with the mail server, not yet answered.
    assert_eq!(smtp.wait_for(1, 20).await.len(), 1);
    served.terminate();
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        TcpStream::connect(&served.address).is_err(),
        "a stopping service accepts no new connection"
    );

    let mut served = served;
    let status = served
        .wait(40)
        .expect("the service stops once its send is answered");
    assert!(
        status.success(),
        "exit status {status}; log:\n{}",
        served.log().join("\n")
    );
    let log = served.log().join("\n");
    assert!(
        log.contains("SIGTERM") && log.contains("the outbox dispatcher has stopped"),
        "{log}"
    );

    // The email in flight was sent once and recorded; the others wait, unclaimed.
    let received = subjects_received(&smtp);
    assert_eq!(received.len(), 1, "{received:?}");
    let rows = outbox(&db);
    let sent: Vec<_> = rows.iter().filter(|r| r.1 == "sent").collect();
    assert_eq!(sent.len(), 1, "{rows:?}");
    assert_eq!(sent[0].0, received[0]);
    assert!(
        rows.iter()
            .filter(|r| r.1 != "sent")
            .all(|r| r.1 == "pending" && r.2 == 0 && !r.3),
        "the rest are pending, untried and unclaimed: {rows:?}"
    );

    // The next start sends the rest, each once; Ctrl-C stops it as gracefully.
    smtp.hold_replies(Duration::ZERO);
    let mut again = Served::start(dir.path(), &url, smtp.port, &[]);
    smtp.wait_for(3, 30).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while outbox(&db).iter().any(|r| r.1 != "sent") && std::time::Instant::now() < deadline {
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    signal(again.pid(), "-INT");
    let status = again.wait(40).expect("Ctrl-C stops the service");
    assert!(status.success(), "exit status {status}");
    let mut expected: Vec<String> = SUBJECTS.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(subjects_received(&smtp), expected, "each email sent exactly once");
    assert!(
        outbox(&db).iter().all(|r| r.1 == "sent" && !r.3),
        "{:?}",
        outbox(&db)
    );
}

#[actix_web::test]
async fn sigterm_finishes_the_send_in_flight_and_leaves_the_rest_pending_on_sqlite() {
    a_stop_in_the_middle_of_a_send(Backend::Sqlite).await;
}

#[actix_web::test]
async fn sigterm_finishes_the_send_in_flight_and_leaves_the_rest_pending_on_postgres() {
    a_stop_in_the_middle_of_a_send(Backend::Postgres).await;
}

/// The service is stopped while a request's body is still arriving: it is answered in full
/// before the service exits. `/metrics` tells when the service has taken the request (stopping
/// drops connections still waiting in the listen queue, as any server does).
#[actix_web::test]
async fn a_request_in_flight_at_sigterm_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(Backend::Sqlite, dir.path()).unwrap();
    let smtp = SmtpSink::start();
    let mut served = Served::start(
        dir.path(),
        &url,
        smtp.port,
        &[("EQUIPTRACK__METRICS__ENABLED", "true")],
    );
    let token = served.admin();
    // Its head and half its body sent on a new connection.
    let body = br#"{"name": "The store opened while stopping"}"#;
    let mut in_flight = TcpStream::connect(&served.address).unwrap();
    write!(
        in_flight,
        "POST /api/v1/locations HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        served.address,
        body.len()
    )
    .unwrap();
    in_flight.write_all(&body[..12]).unwrap();
    wait_until_in_flight(&mut served, 2).await;
    served.terminate();
    std::thread::sleep(Duration::from_millis(500));
    in_flight.write_all(&body[12..]).unwrap();
    in_flight.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut answer = String::new();
    in_flight.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 201"),
        "{answer:?}; log:\n{}",
        served.log().join("\n")
    );
    assert!(served.wait(40).expect("stops").success());
}

/// Waits until `/metrics` counts `n` requests in flight, its own scrape included.
async fn wait_until_in_flight(served: &mut Served, n: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let line = format!("equiptrack_http_requests_in_flight {n}");
    loop {
        let scrape = served.call("GET", "/metrics", &[], None).await.expect(200);
        if scrape.body.lines().any(|l| l == line) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never {n} in flight:\n{}",
            scrape.body
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}
