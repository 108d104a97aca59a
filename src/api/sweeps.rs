//! `/sweeps`: the record of reminder sweeps, to see that each day's reminders went out.

use actix_web::{HttpResponse, web};

use crate::app::AppState;
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::service::pages::{PageQuery, Paged};
use crate::service::sweeps::{self, SweepView};

#[utoipa::path(get, path = "/api/v1/sweeps", tag = "notifications", params(PageQuery),
    responses((status = 200, body = Paged<SweepView>, description = "Newest first"),
              (status = 401, description = "No valid token"), (status = 403, description = "Not admin or stores"),
              (status = 422, description = "A bad page or per_page")),
    security(("bearer" = [])))]
pub async fn list_sweeps(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = q.into_inner().validate()?;
    let body = state.read(move |c| sweeps::list(c, &actor, page)).await?;
    Ok(HttpResponse::Ok().json(body))
}
