//! `/equipment-types` and `/locations`.

use actix_web::{HttpResponse, web};

use super::extract::JsonBody;
use crate::app::AppState;
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::service::catalogue::{
    self, CreateLocation, CreateType, LocationView, PatchType, RuleInput, RuleView, TypeView,
};
use crate::service::check_rules::{self, PatchRule};
use crate::service::pages::{PageQuery, Paged};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/equipment-types")
            .get(list_types)
            .post(create_type),
    )
    .service(web::resource("/equipment-types/{code}").patch(patch_type))
    .service(web::resource("/equipment-types/{code}/check-rules").post(add_rule))
    .service(
        web::resource("/equipment-types/{code}/check-rules/{id}")
            .patch(patch_rule)
            .delete(retire_rule),
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

#[utoipa::path(patch, path = "/api/v1/equipment-types/{code}", tag = "catalogue", request_body = PatchType,
    params(("code" = String, Path)),
    responses((status = 200, body = TypeView), (status = 403, description = "Admin only"),
              (status = 404, description = "No such type"), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub async fn patch_type(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    code: web::Path<String>,
    JsonBody(req): JsonBody<PatchType>,
) -> Result<HttpResponse, AppError> {
    let body = state
        .write(move |c| catalogue::patch_type(c, &actor, &code, &req))
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(post, path = "/api/v1/equipment-types/{code}/check-rules", tag = "catalogue", request_body = RuleInput,
    params(("code" = String, Path)), description = "Adds a rule; every item of the type fitted before falls due from its first fit.",
    responses((status = 201, body = RuleView, description = "The new rule; `Location` names it"), (status = 403, description = "Admin only"),
              (status = 404, description = "No such type"), (status = 409, description = "The type already has a rule of that name"),
              (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub async fn add_rule(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    code: web::Path<String>,
    JsonBody(req): JsonBody<RuleInput>,
) -> Result<HttpResponse, AppError> {
    let location = format!("/api/v1/equipment-types/{code}/check-rules");
    let body = state
        .write(move |c| check_rules::add(c, &actor, &code, &req))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("{location}/{}", body.id)))
        .json(body))
}

#[utoipa::path(patch, path = "/api/v1/equipment-types/{code}/check-rules/{id}", tag = "catalogue", request_body = PatchRule,
    params(("code" = String, Path), ("id" = i64, Path)),
    description = "Changes a rule. A changed interval or due_on_fit recomputes the next due date of every item of the type \
                   from its last check of the rule (or its first fit), in one transaction, with a history entry on each item that moved.",
    responses((status = 200, body = TypeView), (status = 403, description = "Admin only"),
              (status = 404, description = "No such type or rule in force"), (status = 409, description = "The name is taken"),
              (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub async fn patch_rule(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, i64)>,
    JsonBody(req): JsonBody<PatchRule>,
) -> Result<HttpResponse, AppError> {
    let (code, id) = path.into_inner();
    let body = state
        .write(move |c| check_rules::patch(c, &actor, &code, id, &req))
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(delete, path = "/api/v1/equipment-types/{code}/check-rules/{id}", tag = "catalogue",
    params(("code" = String, Path), ("id" = i64, Path)),
    description = "Retires a rule: its checks stay in every item's history; items stop being reminded of it or held back by it.",
    responses((status = 200, body = TypeView), (status = 403, description = "Admin only"),
              (status = 404, description = "No such type or rule in force"),
              (status = 409, description = "The type's last rule")),
    security(("bearer" = [])))]
pub async fn retire_rule(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (code, id) = path.into_inner();
    let body = state
        .write(move |c| check_rules::retire(c, &actor, &code, id))
        .await?;
    Ok(HttpResponse::Ok().json(body))
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
