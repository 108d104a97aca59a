//! `/equipment-types` and `/locations`.

use actix_web::{HttpResponse, web};

use super::extract::JsonBody;
use crate::app::AppState;
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::service::catalogue::{self, CreateLocation, CreateType, LocationView, TypeView};
use crate::service::pages::{PageQuery, Paged};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/equipment-types")
            .get(list_types)
            .post(create_type),
    )
    .service(
        web::resource("/locations")
            .get(list_locations)
            .post(create_location),
    );
}

#[utoipa::path(get, path = "/api/v1/equipment-types", tag = "catalogue", params(PageQuery),
    responses((status = 200, body = Paged<TypeView>)), security(("bearer" = [])))]
pub async fn list_types(
    state: web::Data<AppState>,
    _auth: Auth,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = q.validate()?;
    let body = state.read(move |c| catalogue::list_types(c, page)).await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(post, path = "/api/v1/equipment-types", tag = "catalogue", request_body = CreateType,
    responses((status = 403, description = "The caller's role may not do this"), (status = 201, body = TypeView), (status = 409, description = "The code is taken"),
              (status = 422, description = "Invalid fields")), security(("bearer" = [])))]
pub async fn create_type(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    JsonBody(req): JsonBody<CreateType>,
) -> Result<HttpResponse, AppError> {
    let body = state
        .write(move |c| catalogue::create_type(c, &actor, &req))
        .await?;
    Ok(HttpResponse::Created().json(body))
}

#[utoipa::path(get, path = "/api/v1/locations", tag = "catalogue", params(PageQuery),
    responses((status = 200, body = Paged<LocationView>)), security(("bearer" = [])))]
pub async fn list_locations(
    state: web::Data<AppState>,
    _auth: Auth,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = q.validate()?;
    let body = state.read(move |c| catalogue::list_locations(c, page)).await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(post, path = "/api/v1/locations", tag = "catalogue", request_body = CreateLocation,
    responses((status = 403, description = "The caller's role may not do this"), (status = 201, body = LocationView), (status = 409, description = "The name is taken"),
              (status = 422, description = "Invalid fields")), security(("bearer" = [])))]
pub async fn create_location(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    JsonBody(req): JsonBody<CreateLocation>,
) -> Result<HttpResponse, AppError> {
    let body = state
        .write(move |c| catalogue::create_location(c, &actor, &req))
        .await?;
    Ok(HttpResponse::Created().json(body))
}
