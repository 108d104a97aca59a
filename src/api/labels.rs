//! Label images for one item and PDF sheets for many.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::http::labels::{content, service, sheet_response};
use crate::labels;
use crate::service::items::{self, ItemQuery};
use crate::service::pages::Page;
use crate::service::views::{self, ItemView};

/// Most labels on one sheet request: 100 A4 pages.
pub const MAX_SHEET_LABELS: i64 = 2100;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/items/{tag}/label.png").get(label_png))
        .service(web::resource("/items/{tag}/label.svg").get(label_svg))
        .service(web::resource("/labels.pdf").get(labels_pdf));
}

#[utoipa::path(get, path = "/api/v1/items/{tag}/label.png", tag = "labels", params(("tag" = String, Path, description = "An asset tag", example = "EQ-000003")),
    responses((status = 200, content_type = "image/png", description = "63.5 × 38.1 mm at 300 dpi"),
              (status = 404, description = "No item has the tag")), security(("bearer" = [])))]
pub async fn label_png(
    state: web::Data<AppState>,
    _auth: Auth,
    tag: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let item = labelled(&state, tag.into_inner()).await?;
    let service = service(&state);
    let png = web::block(move || labels::render_png(&content(&item, &service))).await??;
    Ok(HttpResponse::Ok().content_type("image/png").body(png))
}

#[utoipa::path(get, path = "/api/v1/items/{tag}/label.svg", tag = "labels", params(("tag" = String, Path, description = "An asset tag", example = "EQ-000003")),
    responses((status = 200, content_type = "image/svg+xml", description = "63.5 × 38.1 mm"),
              (status = 404, description = "No item has the tag")), security(("bearer" = [])))]
pub async fn label_svg(
    state: web::Data<AppState>,
    _auth: Auth,
    tag: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let item = labelled(&state, tag.into_inner()).await?;
    let svg = labels::render_svg(&content(&item, &service(&state)))?;
    Ok(HttpResponse::Ok().content_type("image/svg+xml").body(svg))
}

/// The item one label is for.
async fn labelled(state: &AppState, tag: String) -> Result<ItemView, AppError> {
    let url = state.public_url();
    state.read(move |c| views::by_tag(c, &tag, &url)).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SheetQuery {
    /// Comma-separated asset tags, in the order to print them; without it, every item
    /// the list's filters match.
    pub tags: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/labels.pdf", tag = "labels", params(SheetQuery, ItemQuery),
    responses((status = 200, content_type = "application/pdf", description = "A4 sheets of 3 × 7 labels, 63.5 × 38.1 mm"),
              (status = 404, description = "A listed tag names no item"),
              (status = 422, description = "Nothing to print, or more than 2,100 labels")), security(("bearer" = [])))]
pub async fn labels_pdf(
    state: web::Data<AppState>,
    _auth: Auth,
    q: web::Query<SheetQuery>,
    filter: web::Query<ItemQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    // A sheet holds every match: the list's paging chooses nothing here, but is checked as
    // the list checks it, since the same query string serves both.
    Page::parse(filter.page, filter.per_page)?;
    let url = state.public_url();
    let items: Vec<ItemView> = match q.tags.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(list) => {
            let tags: Vec<String> = list
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect();
            if tags.len() as i64 > MAX_SHEET_LABELS {
                return Err(AppError::invalid(
                    "tags",
                    format!("at most {MAX_SHEET_LABELS} labels at once"),
                ));
            }
            state
                .read(move |c| {
                    tags.iter()
                        .map(|t| views::by_tag(c, t, &url))
                        .collect::<Result<Vec<_>, _>>()
                })
                .await?
        }
        None => {
            let filter = filter.filter()?;
            state
                .read(move |c| items::all_matching(c, &filter, MAX_SHEET_LABELS, &url))
                .await?
        }
    };
    sheet_response(&state, items).await
}
