//! How the service is told to stop: SIGTERM (what systemd and container runtimes send) or
//! Ctrl-C. Either starts the same graceful stop: no new connections, the requests in flight
//! answered, then (`app::Running::until_stopped`) the email being sent finished, exit 0.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::ServerHandle;

use crate::telemetry::in_flight::InFlight;

/// How long a stop waits for the requests in flight (actix's own default).
const REQUESTS_LIMIT: Duration = Duration::from_secs(30);

/// Resolves when the process is asked to stop.
pub async fn requested() {
    let signal = received().await;
    tracing::info!(
        signal,
        "stopping: finishing the requests in flight and the email being sent"
    );
}

/// Stops the server once its requests in flight are answered. actix-server's own graceful
/// stop cannot be trusted with them: its accept thread may let go of a worker before the
/// worker has read the stop, and the worker then ends at once, dropping the connections it
/// holds. So this stops accepting first, closes the listening socket so that new
/// connections are refused at once (a proxy in front moves on to another instance), waits
/// for the requests in flight, and only then stops the server, whose connections are idle.
pub async fn gracefully(server: &ServerHandle, listening: &TcpListener, in_flight: &InFlight) {
    server.pause().await;
    if let Err(e) = socket2::SockRef::from(listening).shutdown(std::net::Shutdown::Read) {
        tracing::warn!("cannot close the listening socket ({e}); new connections wait until the stop");
    }
    if !in_flight.drained(REQUESTS_LIMIT).await {
        tracing::warn!(
            in_flight = in_flight.count(),
            "stopping with requests still in flight after {} seconds",
            REQUESTS_LIMIT.as_secs()
        );
    }
    server.stop(true).await;
}

#[cfg(unix)]
async fn received() -> &'static str {
    use actix_web::rt::signal::unix::{SignalKind, signal};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(term) => term,
        Err(e) => {
            tracing::error!("cannot listen for SIGTERM ({e}); only Ctrl-C stops gracefully");
            let _ = actix_web::rt::signal::ctrl_c().await;
            return "SIGINT";
        }
    };
    tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = actix_web::rt::signal::ctrl_c() => "SIGINT",
    }
}

#[cfg(not(unix))]
async fn received() -> &'static str {
    let _ = actix_web::rt::signal::ctrl_c().await;
    "Ctrl-C"
}
