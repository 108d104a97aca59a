//! `GET /metrics`: the counters kept in memory, and what the database holds now, read when
//! Prometheus scrapes (never per request). An operational endpoint, not part of `/api/v1` nor
//! of its OpenAPI document.

use actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use super::exposition::{self, Exposition};
use crate::app::AppState;
use crate::db::{gauges, sweeps};
use crate::domain::lifecycle::Status;
use crate::domain::states::{OutboxStatus, SweepOutcome};
use crate::error::AppError;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(metrics));
}

/// The bearer token when `metrics.token` is set; compared as digests, so the time the
/// comparison takes tells nothing about the token.
fn allowed(req: &HttpRequest, token: &str) -> bool {
    if token.is_empty() {
        return true;
    }
    let sent = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    Sha256::digest(sent.trim()) == Sha256::digest(token)
}

async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, AppError> {
    let (Some(counters), settings) = (state.counters.clone(), &state.settings.metrics) else {
        return crate::app::not_found().await;
    };
    if !allowed(&req, &settings.token) {
        return Err(AppError::Unauthorized);
    }
    // Before this scrape takes a connection of its own.
    let (in_use, idle) = state.db.pool_counts();
    let now = crate::service::now();
    let (items, outbox, oldest, last_sweep) = state
        .read(|c| {
            Ok((
                gauges::items_by_status(c)?,
                gauges::outbox_by_status(c)?,
                gauges::oldest_pending(c)?,
                sweeps::list(c, 0, 1)?.0.into_iter().next(),
            ))
        })
        .await?;

    let mut out = Exposition::default();
    out.family(
        "equiptrack_http_requests_in_flight",
        "gauge",
        "HTTP requests arrived and not yet answered, this scrape included.",
    );
    out.sample(
        "equiptrack_http_requests_in_flight",
        &[],
        state.in_flight.count() as f64,
    );
    counters.write(&mut out);

    out.family(
        "equiptrack_db_pool_connections",
        "gauge",
        "Database connections in the pool, in use or idle.",
    );
    out.sample(
        "equiptrack_db_pool_connections",
        &[("state", "in_use")],
        f64::from(in_use),
    );
    out.sample(
        "equiptrack_db_pool_connections",
        &[("state", "idle")],
        f64::from(idle),
    );

    out.family("equiptrack_items", "gauge", "Items by status.");
    for status in Status::ALL {
        let n = items.iter().find(|(s, _)| *s == status).map_or(0, |(_, n)| *n);
        out.sample("equiptrack_items", &[("status", status.as_str())], n as f64);
    }

    out.family(
        "equiptrack_outbox_messages",
        "gauge",
        "Emails in the outbox by status.",
    );
    for status in OutboxStatus::ALL {
        let n = outbox.iter().find(|(s, _)| *s == status).map_or(0, |(_, n)| *n);
        out.sample(
            "equiptrack_outbox_messages",
            &[("status", status.as_str())],
            n as f64,
        );
    }
    out.family(
        "equiptrack_outbox_oldest_pending_age_seconds",
        "gauge",
        "Seconds since the oldest email still pending was queued; 0 when none is.",
    );
    let age = oldest.map_or(0.0, |at| (now - at).as_seconds_f64().max(0.0));
    out.sample("equiptrack_outbox_oldest_pending_age_seconds", &[], age);

    out.family(
        "equiptrack_sweep_last_started_timestamp_seconds",
        "gauge",
        "When the last reminder sweep started (Unix time); absent before the first.",
    );
    if let Some(sweep) = &last_sweep {
        let at = sweep.started_at.and_utc().timestamp() as f64;
        out.sample("equiptrack_sweep_last_started_timestamp_seconds", &[], at);
    }
    out.family(
        "equiptrack_sweep_last_finished_timestamp_seconds",
        "gauge",
        "When the last reminder sweep finished (Unix time); absent while it runs.",
    );
    if let Some(at) = last_sweep.as_ref().and_then(|s| s.finished_at) {
        let at = at.and_utc().timestamp() as f64;
        out.sample("equiptrack_sweep_last_finished_timestamp_seconds", &[], at);
    }
    out.family(
        "equiptrack_sweep_last_outcome",
        "gauge",
        "1 for the last reminder sweep's outcome, 0 for the others; all 0 before the first.",
    );
    for outcome in SweepOutcome::ALL {
        let is = last_sweep.as_ref().is_some_and(|s| s.outcome == outcome);
        out.sample(
            "equiptrack_sweep_last_outcome",
            &[("outcome", outcome.as_str())],
            if is { 1.0 } else { 0.0 },
        );
    }

    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, exposition::CONTENT_TYPE))
        .body(out.finish()))
}
