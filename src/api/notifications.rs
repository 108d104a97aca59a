//! `/notifications`: the outbox and the state of each email.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::parse_id;
use crate::app::AppState;
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::service::notifications::{self, NotificationView};
use crate::service::pages::{Page, Paged};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    #[param(value_type = Option<crate::domain::states::OutboxStatus>)]
    pub status: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(NotificationQuery),
    responses((status = 200, body = Paged<NotificationView>, description = "Newest first"),
              (status = 403, description = "Not admin or stores"), (status = 422, description = "A bad status")),
    security(("bearer" = [])))]
pub async fn list_notifications(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    q: web::Query<NotificationQuery>,
) -> Result<HttpResponse, AppError> {
    let page = Page::parse(q.page, q.per_page)?;
    let status = q.into_inner().status;
    let body = state
        .read(move |c| notifications::list(c, &actor, status.as_deref(), page))
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(post, path = "/api/v1/notifications/{id}/retry", tag = "notifications", params(("id" = i64, Path, example = 1)),
    responses((status = 200, body = NotificationView, description = "Queued again, attempts reset"),
              (status = 401, description = "No valid token"), (status = 403, description = "Not admin or stores"),
              (status = 404, description = "No such notification"),
              (status = 409, description = "The notification is not failed")),
    security(("bearer" = [])))]
pub async fn retry_notification(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id, "notification")?;
    let body = state.write(move |c| notifications::retry(c, &actor, id)).await?;
    state.outbox.notify_one();
    Ok(HttpResponse::Ok().json(body))
}
