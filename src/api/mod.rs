//! HTTP handlers by resource. Each parses the request, calls one service function, answers.

pub mod audit;
pub mod catalogue;
pub mod clients;
pub mod examinations;
pub mod extract;
pub mod health;
pub mod items;
pub mod labels;
pub mod moves;
pub mod notifications;
pub mod openapi;
pub mod recalls;
pub mod reports;
pub mod scan;
pub mod staff;
pub mod sweeps;

use actix_web::web;

use crate::error::AppError;

/// The service's JSON surface: the health check and everything under `/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz)).service(
        web::scope("/api/v1")
            .route("/openapi.json", web::get().to(openapi::document))
            .configure(catalogue::routes)
            .configure(clients::routes)
            .configure(staff::routes)
            .route("/scan", web::get().to(scan::scan_code))
            .route("/notifications", web::get().to(notifications::list_notifications))
            .route(
                "/notifications/{id}/retry",
                web::post().to(notifications::retry_notification),
            )
            .route("/sweeps", web::get().to(sweeps::list_sweeps))
            .route("/audit", web::get().to(audit::list_audit))
            .route("/reports/overdue", web::get().to(reports::overdue))
            .configure(items::routes)
            .configure(moves::routes)
            .configure(examinations::routes)
            .configure(labels::routes)
            .configure(recalls::routes),
    );
}

/// A path id that is not a number names nothing: 404, not 400.
pub fn parse_id(raw: &str, what: &str) -> Result<i64, AppError> {
    raw.trim()
        .parse()
        .map_err(|_| AppError::NotFound(format!("no {what} has the id {raw:?}")))
}
