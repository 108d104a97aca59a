//! HTTP handlers by resource. Each parses the request, calls one service function, answers.

pub mod audit;
pub mod catalogue;
pub mod clients;
pub mod evidence;
pub mod examinations;
pub mod extract;
pub mod handovers;
pub mod health;
pub mod idempotency;
pub mod installations;
pub mod items;
pub mod kits;
pub mod labels;
pub mod me;
pub mod moves;
pub mod notifications;
pub mod openapi;
pub mod recalls;
pub mod reports;
pub mod scan;
pub mod staff;
pub mod sweeps;
pub mod telecare_events;

use actix_web::web;

use crate::error::AppError;

/// The service's JSON surface: the health check and everything under `/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    // One resource per path, with every method it serves: a method it does not serve is
    // answered 405 with `Allow` (made a problem in `app`), not 404.
    cfg.service(web::resource("/healthz").get(health::healthz))
        .service(
            web::scope("/api/v1")
                .service(web::resource("/openapi.json").get(openapi::document))
                .configure(catalogue::routes)
                .configure(clients::routes)
                .configure(staff::routes)
                .service(web::resource("/scan").get(scan::scan_code))
                .service(web::resource("/me/round").get(me::my_round))
                .service(web::resource("/notifications").get(notifications::list_notifications))
                .service(web::resource("/notifications/{id}/retry").post(notifications::retry_notification))
                .service(web::resource("/sweeps").get(sweeps::list_sweeps))
                .service(web::resource("/audit").get(audit::list_audit))
                .service(web::resource("/reports/overdue").get(reports::overdue))
                .service(web::resource("/reports/switchover").get(reports::switchover))
                .configure(installations::routes)
                .configure(items::routes)
                .configure(kits::routes)
                .configure(moves::routes)
                .configure(examinations::routes)
                .configure(evidence::routes)
                .configure(handovers::routes)
                .configure(labels::routes)
                .configure(recalls::routes)
                .configure(telecare_events::routes)
                // Every write's `Idempotency-Key`, on the way in and out of its handler.
                .wrap(actix_web::middleware::from_fn(idempotency::idempotent)),
        );
}

/// A path id that is not a number names nothing: 404, not 400.
pub fn parse_id(raw: &str, what: &str) -> Result<i64, AppError> {
    raw.trim()
        .parse()
        .map_err(|_| AppError::NotFound(format!("no {what} has the id {raw:?}")))
}
