//! `/recalls`: field safety notices and the items they affect.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::extract::JsonBody;
use super::parse_id;
use crate::app::AppState;
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::service::pages::{Page, Paged};
use crate::service::recalls::{self, CreateRecall, RecallView, ResolveRecallItem};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/recalls").get(list_recalls).post(open_recall))
        .service(web::resource("/recalls/{id}").get(get_recall))
        .service(web::resource("/recalls/{id}/items/{tag}/resolve").post(resolve_recall_item));
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecallQuery {
    #[param(value_type = Option<crate::domain::states::RecallStatus>)]
    pub status: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/recalls", tag = "recalls", params(RecallQuery),
    responses((status = 200, body = Paged<RecallView>)), security(("bearer" = [])))]
pub async fn list_recalls(
    state: web::Data<AppState>,
    _auth: Auth,
    q: web::Query<RecallQuery>,
) -> Result<HttpResponse, AppError> {
    let page = Page::parse(q.page, q.per_page)?;
    let status = q.into_inner().status;
    let body = state
        .read(move |c| recalls::list(c, status.as_deref(), page))
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(post, path = "/api/v1/recalls", tag = "recalls", request_body = CreateRecall,
    responses((status = 403, description = "The caller's role may not do this"), (status = 201, body = RecallView, description = "The recall with every affected item; stock in store is quarantined"),
              (status = 409, description = "The reference is already recorded"), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub async fn open_recall(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    JsonBody(req): JsonBody<CreateRecall>,
) -> Result<HttpResponse, AppError> {
    let mail = state.mail_context();
    let body = state
        .write(move |c| recalls::open(c, &actor, &req, &mail))
        .await?;
    state.outbox.notify_one();
    Ok(HttpResponse::Created().json(body))
}

#[utoipa::path(get, path = "/api/v1/recalls/{id}", tag = "recalls", params(("id" = i64, Path, example = 1)),
    responses((status = 200, body = RecallView), (status = 404, description = "No such recall")), security(("bearer" = [])))]
pub async fn get_recall(
    state: web::Data<AppState>,
    _auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id, "recall")?;
    let body = state.read(move |c| recalls::view(c, id, true)).await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(post, path = "/api/v1/recalls/{id}/items/{tag}/resolve", tag = "recalls",
    params(("id" = i64, Path, example = 1), ("tag" = String, Path, description = "An asset tag", example = "EQ-000010")), request_body = ResolveRecallItem,
    responses((status = 403, description = "The caller's role may not do this"), (status = 200, body = RecallView, description = "The recall; it closes when its last item is resolved"),
              (status = 404, description = "No such recall, or the item is not affected"),
              (status = 409, description = "Already resolved"), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub async fn resolve_recall_item(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
    JsonBody(req): JsonBody<ResolveRecallItem>,
) -> Result<HttpResponse, AppError> {
    let (id, tag) = path.into_inner();
    let id = parse_id(&id, "recall")?;
    let body = state
        .write(move |c| recalls::resolve(c, &actor, id, &tag, &req))
        .await?;
    Ok(HttpResponse::Ok().json(body))
}
