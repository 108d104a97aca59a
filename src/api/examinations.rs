//! `GET /items/{tag}/checks` (the evidence) and `POST /items/{tag}/defects/{id}/remedy`.

use actix_web::{HttpResponse, web};

use super::extract::JsonBody;
use super::parse_id;
use crate::app::AppState;
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::service::examinations::{self, CheckView, RemedyBody};
use crate::service::views::ItemView;

pub fn routes(cfg: &mut web::ServiceConfig) {
    // `GET /items/{tag}/checks` is served by the same resource as the check move, in `moves`.
    cfg.service(web::resource("/items/{tag}/defects/{id}/remedy").post(remedy));
}

#[utoipa::path(get, path = "/api/v1/items/{tag}/checks", tag = "items", params(("tag" = String, Path)),
    responses((status = 200, body = Vec<CheckView>, description = "Every check of the item, oldest first, each with its \
               examination report and defects"),
              (status = 404, description = "No item has the tag")), security(("bearer" = [])))]
pub async fn list_checks(
    state: web::Data<AppState>,
    _auth: Auth,
    tag: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let body = state.read(move |c| examinations::list(c, &tag)).await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(post, path = "/api/v1/items/{tag}/defects/{id}/remedy", tag = "items", request_body = RemedyBody,
    params(("tag" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = ItemView, description = "The item, the defect no longer open"),
              (status = 403, description = "Admin and stores only"),
              (status = 404, description = "No such item, or no such defect on it"),
              (status = 409, description = "Already remedied, or a stale expected_version"),
              (status = 422, description = "Invalid fields")), security(("bearer" = [])))]
pub async fn remedy(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
    JsonBody(req): JsonBody<RemedyBody>,
) -> Result<HttpResponse, AppError> {
    let (tag, id) = path.into_inner();
    let id = parse_id(&id, "defect")?;
    let url = state.public_url();
    let body = state
        .write(move |c| examinations::remedy(c, &actor, &tag, id, &req, &url))
        .await?;
    Ok(HttpResponse::Ok().json(body))
}
