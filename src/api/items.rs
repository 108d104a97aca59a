//! `/items`: the register itself.

use actix_web::{HttpRequest, HttpResponse, web};

use super::extract::{JsonBody, csv_upload};
use crate::app::AppState;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::service::import::{self, ImportSummary};
use crate::service::items::{self, CreateItem, EventView, ItemQuery, PatchItem};
use crate::service::pages::{Page, PageQuery, Paged};
use crate::service::views::{self, ItemView};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/items").get(list_items).post(create_item))
        .service(web::resource("/items/import").post(import_csv))
        .service(web::resource("/items/{tag}").get(get_item).patch(patch_item))
        .service(web::resource("/items/{tag}/events").get(events));
}

#[utoipa::path(get, path = "/api/v1/items", tag = "items", params(ItemQuery),
    responses((status = 200, body = Paged<ItemView>), (status = 422, description = "A bad filter")),
    security(("bearer" = [])))]
pub async fn list_items(
    state: web::Data<AppState>,
    _auth: Auth,
    q: web::Query<ItemQuery>,
) -> Result<HttpResponse, AppError> {
    let page = Page::parse(q.page, q.per_page)?;
    let filter = q.filter()?;
    let url = state.public_url();
    let body = state.read(move |c| items::list(c, &filter, page, &url)).await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(post, path = "/api/v1/items", tag = "items", request_body = CreateItem,
    responses((status = 403, description = "The caller's role may not do this"), (status = 201, body = ItemView), (status = 409, description = "The tag is taken"),
              (status = 422, description = "Invalid fields")), security(("bearer" = [])))]
pub async fn create_item(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    JsonBody(req): JsonBody<CreateItem>,
) -> Result<HttpResponse, AppError> {
    let url = state.public_url();
    let prefix = state.settings.service.asset_tag_prefix.clone();
    let body = state
        .write(move |c| items::create(c, &actor, &req, &prefix, &url))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/items/{}", body.asset_tag)))
        .json(body))
}

#[utoipa::path(get, path = "/api/v1/items/{tag}", tag = "items", params(("tag" = String, Path, description = "An asset tag", example = "EQ-000003")),
    responses((status = 200, body = ItemView), (status = 404, description = "No item has the tag")),
    security(("bearer" = [])))]
pub async fn get_item(
    state: web::Data<AppState>,
    _auth: Auth,
    tag: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let url = state.public_url();
    let body = state.read(move |c| views::by_tag(c, &tag, &url)).await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(patch, path = "/api/v1/items/{tag}", tag = "items", params(("tag" = String, Path, description = "An asset tag", example = "EQ-000003")), request_body = PatchItem,
    responses((status = 403, description = "The caller's role may not do this"), (status = 200, body = ItemView), (status = 404, description = "No item has the tag"),
              (status = 409, description = "A stale expected_version"), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub async fn patch_item(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    tag: web::Path<String>,
    JsonBody(req): JsonBody<PatchItem>,
) -> Result<HttpResponse, AppError> {
    let url = state.public_url();
    let body = state
        .write(move |c| items::patch(c, &actor, &tag, &req, &url))
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(get, path = "/api/v1/items/{tag}/events", tag = "items", params(("tag" = String, Path, description = "An asset tag", example = "EQ-000003"), PageQuery),
    responses((status = 200, body = Paged<EventView>, description = "The item's history, oldest first"),
              (status = 404, description = "No item has the tag")), security(("bearer" = [])))]
pub async fn events(
    state: web::Data<AppState>,
    _auth: Auth,
    tag: web::Path<String>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = q.validate()?;
    let body = state.read(move |c| items::history(c, &tag, page)).await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(post, path = "/api/v1/items/import", tag = "items",
    request_body(content = String, content_type = "text/csv",
        description = "A header line, then one item a line. Columns: type (required), asset_tag, \
            serial_number, batch, location, status (in_store or in_use), client_reference and fitted_at \
            (both required for in_use), worker_email, manufactured_on, and last_check:<rule name> \
            (the date of that rule's last check)"),
    responses((status = 403, description = "The caller's role may not do this"), (status = 201, body = ImportSummary), (status = 422, description = "The first 1,000 problems with their line numbers, and `errors_not_listed` counting the rest; nothing imported"),
              (status = 503, description = "The database stayed busy past database.busy_timeout_ms"),
              (status = 413, description = "Over 32 MiB")), security(("bearer" = [])))]
pub async fn import_csv(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    actor.require(Action::ManageItems)?;
    let body = csv_upload(&req, payload).await?;
    let db = state.db.clone();
    let prefix = state.settings.service.asset_tag_prefix.clone();
    let source = format!("an upload by {}", actor.name);
    let summary = web::block(move || {
        let req = import::Request {
            actor_id: Some(actor.id),
            source: &source,
            prefix: &prefix,
        };
        import::import_items(&db, std::io::Cursor::new(body), &req)
    })
    .await??;
    Ok(HttpResponse::Created().json(summary))
}
