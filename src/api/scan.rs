//! `GET /scan?code=…`: whatever a scanner produced, resolved to an item or a kit. (`/s/{tag}`, the
//! address a label opens, is in `web::item_page`.)

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::service::scan::{self, ScanAnswer};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScanQuery {
    /// Whatever the scanner produced: the label's URL or the bare tag, any case.
    #[param(
        required = true,
        min_length = 1,
        max_length = 2048,
        pattern = r"\S",
        example = "EQ-000003"
    )]
    pub code: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/scan", tag = "scan", params(ScanQuery),
    responses((status = 200, body = ScanAnswer, description = "An item's label: the item, its verdict and moves (`item`); a kit's (`KIT-…`): the kit, each member's verdict and the kit's (`kit`)"),
              (status = 404, description = "Not one of our labels, or no such item or kit"),
              (status = 422, description = "No code given")), security(("bearer" = [])))]
pub async fn scan_code(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    q: web::Query<ScanQuery>,
) -> Result<HttpResponse, AppError> {
    let code = q
        .into_inner()
        .code
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| AppError::invalid("code", "is required"))?;
    if code.chars().count() > 2048 {
        return Err(AppError::invalid("code", "is too long to be one of our labels"));
    }
    let url = state.public_url();
    let body = state.read(move |c| scan::scan(c, &actor, &code, &url)).await?;
    Ok(HttpResponse::Ok().json(body))
}
