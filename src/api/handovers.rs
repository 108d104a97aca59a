//! A hand-over's evidence: `GET /events/{id}/signature.png` (the signature drawn at a fit
//! or a collection) and `GET /events/{id}/note.pdf` (the delivery or collection note). The
//! history page shows and links both, so a page's session opens them too.

use actix_web::{HttpResponse, web};

use super::evidence::pdf_answer;
use super::parse_id;
use crate::app::AppState;
use crate::error::AppError;
use crate::http::auth::AuthOrSession;
use crate::pdf::handover_note::note_pdf;
use crate::service::handovers;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/events/{id}/signature.png").get(signature))
        .service(web::resource("/events/{id}/note.pdf").get(note));
}

#[utoipa::path(get, path = "/api/v1/events/{id}/signature.png", tag = "items",
    params(("id" = i64, Path, description = "An event's id, as `GET /items/{tag}/events` lists it")),
    responses((status = 200, content_type = "image/png", description = "The signature drawn at the event's \
               hand-over (a fit or a collection), as it was sent"),
              (status = 401, description = "No valid bearer token, and no session of the pages"),
              (status = 403, description = "The caller's role may not see hand-overs (viewers)"),
              (status = 404, description = "No event has the id, or its hand-over has no signature (none was \
               drawn, or the client was erased)")),
    security(("bearer" = [])))]
pub async fn signature(
    state: web::Data<AppState>,
    AuthOrSession(actor): AuthOrSession,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id, "event")?;
    let png = state.read(move |c| handovers::signature(c, &actor, id)).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header(("Cache-Control", "private, no-store"))
        .body(png))
}

#[utoipa::path(get, path = "/api/v1/events/{id}/note.pdf", tag = "items",
    params(("id" = i64, Path, description = "An event's id, as `GET /items/{tag}/events` lists it")),
    responses((status = 200, content_type = "application/pdf", description = "A fit's delivery note or a \
               collection's: the item (tag, type, serial), the client (name, address), the worker, the time, and \
               the hand-over (name, relation, demonstrated, leaflet left) with its signature or the reason there \
               is none"),
              (status = 401, description = "No valid bearer token, and no session of the pages"),
              (status = 403, description = "The caller's role may not see hand-overs (viewers)"),
              (status = 404, description = "No event has the id, or it is neither a fit nor a return: it has \
               no note")),
    security(("bearer" = [])))]
pub async fn note(
    state: web::Data<AppState>,
    AuthOrSession(actor): AuthOrSession,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id, "event")?;
    let url = state.public_url();
    let found = state.read(move |c| handovers::note(c, &actor, id, &url)).await?;
    let settings = state.settings.service.clone();
    let pdf = web::block(move || note_pdf(&found, &settings)).await?;
    Ok(pdf_answer(pdf, &format!("note-{id}.pdf")))
}
