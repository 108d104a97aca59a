//! How the service is told to stop: SIGTERM (what systemd and container runtimes send) or
//! Ctrl-C. Either starts the same graceful stop (`app::Running::until_stopped`): no new
//! connections, the requests in flight answered, the email being sent finished, exit 0.

/// Resolves when the process is asked to stop.
pub async fn requested() {
    let signal = received().await;
    tracing::info!(
        signal,
        "stopping: finishing the requests in flight and the email being sent"
    );
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
