//! `/clients/{id}/telecare`: the telecare installation in a client's home, and its history.

use actix_web::{HttpResponse, web};

use super::extract::JsonBody;
use super::parse_id;
use crate::app::AppState;
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::service::installations::{self, InstallationChange, InstallationView, PutInstallation};
use crate::service::pages::{PageQuery, Paged};
use crate::service::today_in;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/clients/{id}/telecare")
            .get(get_telecare)
            .put(put_telecare),
    )
    .service(web::resource("/clients/{id}/telecare/history").get(telecare_history));
}

#[utoipa::path(get, path = "/api/v1/clients/{id}/telecare", tag = "telecare",
    params(("id" = i64, Path, example = 1)),
    responses((status = 200, body = InstallationView),
              (status = 404, description = "No such client, or the client has no telecare installation")),
    security(("bearer" = [])))]
pub async fn get_telecare(
    state: web::Data<AppState>,
    _auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id, "client")?;
    let body = state.read(move |c| installations::get(c, id)).await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(put, path = "/api/v1/clients/{id}/telecare", tag = "telecare",
    params(("id" = i64, Path, example = 1)), request_body = PutInstallation,
    responses((status = 200, body = InstallationView, description = "Replaced"),
              (status = 201, body = InstallationView, description = "Recorded: the client's first"),
              (status = 403, description = "Not stores or admin"),
              (status = 404, description = "No such client"),
              (status = 409, description = "The client is erased; `expected_version` missing, stale, or sent \
                for a client with none yet; or another home has this unit reference at this centre"),
              (status = 422, description = "Invalid fields, each named: a base unit that is not a telecare \
                item the client holds; a switchover stage without its date; a test call before the \
                migration; a date of something done in the future")),
    security(("bearer" = [])))]
pub async fn put_telecare(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<String>,
    JsonBody(req): JsonBody<PutInstallation>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id, "client")?;
    let today = today_in(state.settings.reminders.timezone);
    let saved = state
        .write(move |c| installations::put(c, &actor, id, &req, today))
        .await?;
    let mut answer = if saved.created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(answer.json(saved.view))
}

#[utoipa::path(get, path = "/api/v1/clients/{id}/telecare/history", tag = "telecare",
    params(("id" = i64, Path, example = 1), PageQuery),
    responses((status = 200, body = Paged<InstallationChange>,
                description = "Each change of the installation, newest first"),
              (status = 404, description = "No such client")),
    security(("bearer" = [])))]
pub async fn telecare_history(
    state: web::Data<AppState>,
    _auth: Auth,
    id: web::Path<String>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id, "client")?;
    let page = q.into_inner().validate()?;
    let body = state.read(move |c| installations::history(c, id, page)).await?;
    Ok(HttpResponse::Ok().json(body))
}
