//! Liveness: answers when the database does.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::app::AppState;
use crate::error::AppError;

#[utoipa::path(get, path = "/healthz", tag = "service",
    responses((status = 200, description = "The database answers", example = json!({"status": "ok"})),
              (status = 503, description = "The database does not answer")))]
pub async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let db = state.db.clone();
    web::block(move || db.ping()).await??;
    Ok(HttpResponse::Ok().json(json!({ "status": "ok" })))
}
