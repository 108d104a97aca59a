//! The evidence an inspector asks for, as PDF: `GET /checks/{id}/report.pdf` (the LOLER
//! Schedule 1 report of one thorough examination) and `GET /items/{tag}/record.pdf` (the
//! item's whole record). The item page links to both, so a page's session opens them too.

use actix_web::{HttpResponse, web};

use super::parse_id;
use crate::app::AppState;
use crate::error::AppError;
use crate::http::auth::AuthOrSession;
use crate::pdf::evidence::{record_pdf, report_pdf};
use crate::service::evidence;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/checks/{id}/report.pdf").get(report))
        .service(web::resource("/items/{tag}/record.pdf").get(record));
}

#[utoipa::path(get, path = "/api/v1/checks/{id}/report.pdf", tag = "items",
    params(("id" = i64, Path, description = "A check's id, as `GET /items/{tag}/checks` lists it")),
    responses((status = 200, content_type = "application/pdf", description = "The report of a thorough examination \
               (LOLER 1998, Schedule 1): the employer (`service.name`, `service.address`), the premises (the client's \
               home the item was with when the check was recorded, else its store), the equipment, every field of the \
               examination and each defect, the examiner"),
              (status = 401, description = "No valid bearer token, and no session of the pages"),
              (status = 404, description = "No check has the id"),
              (status = 409, description = "The check is of a rule that is not an examination: it has no report \
               (the item's record.pdf lists it)")),
    security(("bearer" = [])))]
pub async fn report(
    state: web::Data<AppState>,
    _auth: AuthOrSession,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id, "check")?;
    let url = state.public_url();
    let found = state.read(move |c| evidence::report(c, id, &url)).await?;
    let settings = state.settings.service.clone();
    let pdf = web::block(move || report_pdf(&found, &settings)).await?;
    Ok(pdf_answer(pdf, &format!("examination-{id}.pdf")))
}

#[utoipa::path(get, path = "/api/v1/items/{tag}/record.pdf", tag = "items",
    params(("tag" = String, Path, description = "An asset tag", example = "EQ-000003")),
    responses((status = 200, content_type = "application/pdf", description = "The item's whole record: identity, \
               check rules and dates, every check with its examination and defects, open defects, \
               decontaminations, recalls and the full history"),
              (status = 401, description = "No valid bearer token, and no session of the pages"),
              (status = 404, description = "No item has the tag")),
    security(("bearer" = [])))]
pub async fn record(
    state: web::Data<AppState>,
    _auth: AuthOrSession,
    tag: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let url = state.public_url();
    let found = state.read(move |c| evidence::record(c, &tag, &url)).await?;
    let name = format!("record-{}.pdf", found.item.asset_tag);
    let settings = state.settings.service.clone();
    let pdf = web::block(move || record_pdf(&found, &settings)).await?;
    Ok(pdf_answer(pdf, &name))
}

/// Shown in the browser, saved under `name` (an asset tag or a number: nothing to escape).
pub(super) fn pdf_answer(pdf: Vec<u8>, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Content-Disposition", format!("inline; filename=\"{name}\"")))
        .insert_header(("Cache-Control", "private, no-store"))
        .body(pdf)
}
