//! `/audit`: who erased, exported or changed what (admin only).

use actix_web::{HttpResponse, web};

use crate::app::AppState;
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::service::audit::{self, AuditView};
use crate::service::pages::{PageQuery, Paged};

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(PageQuery),
    responses((status = 200, body = Paged<AuditView>, description = "Newest first"),
              (status = 401, description = "No valid token"), (status = 403, description = "Not admin"),
              (status = 422, description = "A bad page or per_page")),
    security(("bearer" = [])))]
pub async fn list_audit(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = q.into_inner().validate()?;
    let body = state.read(move |c| audit::list(c, &actor, page)).await?;
    Ok(HttpResponse::Ok().json(body))
}
