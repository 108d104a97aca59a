//! The log: `tracing` records on standard error, as text or as one JSON object a line
//! (`log.format`), from `log.level` up. Records that dependencies write through the `log`
//! crate (actix-web, r2d2, lettre) join the same lines.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt;
use tracing_subscriber::prelude::*;

use crate::config::{LogFormat, LogLevel, LogSettings};

/// Installs the log for this process; the first call wins.
pub fn init(settings: &LogSettings) -> Result<(), String> {
    let level = match settings.level {
        LogLevel::Error => LevelFilter::ERROR,
        LogLevel::Warn => LevelFilter::WARN,
        LogLevel::Info => LevelFilter::INFO,
        LogLevel::Debug => LevelFilter::DEBUG,
        LogLevel::Trace => LevelFilter::TRACE,
    };
    // actix-server announces each worker it starts, and the cron scheduler its own start, at
    // info: noise beside the request lines.
    let quiet = level.min(LevelFilter::WARN);
    let filter = Targets::new()
        .with_default(level)
        .with_target("actix_server", quiet)
        .with_target("tokio_cron_scheduler", quiet);
    let registry = tracing_subscriber::registry().with(filter);
    let installed = match settings.format {
        LogFormat::Text => registry
            .with(fmt::layer().with_ansi(false).with_writer(std::io::stderr))
            .try_init(),
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    };
    installed.map_err(|e| format!("cannot start the log: {e}"))
}
