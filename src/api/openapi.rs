//! The OpenAPI document, generated from the handlers' own annotations.

use actix_web::{HttpResponse, web};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    audit, catalogue, clients, examinations, health, items, labels, moves, notifications, recalls, reports,
    scan, staff, sweeps,
};
use crate::http::auth::Auth;

#[derive(OpenApi)]
#[openapi(
    info(title = "equiptrack", description = "Equipment and telecare register of a community equipment service"),
    paths(
        health::healthz,
        catalogue::list_types, catalogue::create_type, catalogue::patch_type, catalogue::add_rule,
        catalogue::patch_rule, catalogue::retire_rule, catalogue::list_locations, catalogue::create_location,
        clients::list_clients, clients::create_client, clients::get_client, clients::patch_client, clients::erase_client,
        clients::export_client, audit::list_audit,
        staff::list_staff, staff::create_staff, staff::patch_staff, staff::rotate_token,
        items::list_items, items::create_item, items::get_item, items::patch_item, items::events, items::import_csv,
        moves::issue, moves::fit, moves::check, moves::return_item, moves::decontaminate, moves::quarantine,
        moves::release, moves::condemn, examinations::list_checks, examinations::remedy,
        scan::scan_code,
        labels::label_png, labels::label_svg, labels::labels_pdf,
        notifications::list_notifications, notifications::retry_notification, sweeps::list_sweeps,
        reports::overdue,
        recalls::list_recalls, recalls::open_recall, recalls::get_recall, recalls::resolve_recall_item,
    ),
    components(schemas(crate::error::FieldError)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document `app` composes once from this one and the pages' own (`/s/{tag}` answers API
/// clients too), so the API needs no knowledge of the pages.
pub async fn document(_auth: Auth, document: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(document.get_ref())
}
