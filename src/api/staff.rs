//! `/staff`: accounts, for admins (stores may list them to pick a worker).

use actix_web::{HttpResponse, web};

use super::extract::JsonBody;
use super::parse_id;
use crate::app::AppState;
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::service::pages::{PageQuery, Paged};
use crate::service::sign_in::link::{self, IssuedLink, SendLink};
use crate::service::staff::{self, CreateStaff, PatchStaff, RotateToken, StaffView};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/staff").get(list_staff).post(create_staff))
        .service(web::resource("/staff/{id}").patch(patch_staff))
        .service(web::resource("/staff/{id}/tokens").post(rotate_token))
        .service(web::resource("/staff/{id}/sign-in-link").post(send_sign_in_link));
}

#[utoipa::path(get, path = "/api/v1/staff", tag = "staff", params(PageQuery),
    responses((status = 200, body = Paged<StaffView>), (status = 403, description = "Not admin or stores")),
    security(("bearer" = [])))]
pub async fn list_staff(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = q.validate()?;
    let body = state.read(move |c| staff::list(c, &actor, page)).await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(post, path = "/api/v1/staff", tag = "staff", request_body = CreateStaff,
    responses((status = 403, description = "The caller's role may not do this"), (status = 201, body = StaffView, description = "The account, with its API token shown once"),
              (status = 409, description = "The email is taken"), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub async fn create_staff(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    JsonBody(req): JsonBody<CreateStaff>,
) -> Result<HttpResponse, AppError> {
    let body = state.write(move |c| staff::create(c, &actor, &req)).await?;
    Ok(HttpResponse::Created().json(body))
}

#[utoipa::path(patch, path = "/api/v1/staff/{id}", tag = "staff", params(("id" = i64, Path, example = 3)), request_body = PatchStaff,
    responses((status = 403, description = "The caller's role may not do this"), (status = 200, body = StaffView), (status = 404, description = "No such staff member"),
              (status = 409, description = "Would leave no active admin")), security(("bearer" = [])))]
pub async fn patch_staff(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<String>,
    JsonBody(req): JsonBody<PatchStaff>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id, "staff member")?;
    let body = state.write(move |c| staff::patch(c, &actor, id, &req)).await?;
    // A role or active flag may have changed: signed-in staff are looked up afresh.
    state.tokens.clear();
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(post, path = "/api/v1/staff/{id}/tokens", tag = "staff", params(("id" = i64, Path, example = 3)), request_body = RotateToken,
    responses((status = 201, body = StaffView, description = "A new API token, shown once; the account's old token has ended"),
              (status = 400, description = "The body is not JSON"),
              (status = 401, description = "No valid token"),
              (status = 403, description = "Not admin, and not the person's own account"),
              (status = 404, description = "No such staff member"),
              (status = 409, description = "The account is deactivated"),
              (status = 413, description = "The body is too large"),
              (status = 422, description = "Invalid fields, or `expires_at` not in the future")),
    security(("bearer" = [])))]
pub async fn rotate_token(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<String>,
    JsonBody(req): JsonBody<RotateToken>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id, "staff member")?;
    let body = state
        .write(move |c| staff::rotate_token(c, &actor, id, &req))
        .await?;
    // The old token must stop working at once, cached or not.
    state.tokens.clear();
    Ok(HttpResponse::Created().json(body))
}

#[utoipa::path(post, path = "/api/v1/staff/{id}/sign-in-link", tag = "staff", params(("id" = i64, Path, example = 3)),
    request_body(content = SendLink, description = "Optional: an empty body issues the link without email"),
    responses((status = 201, body = IssuedLink, description = "A one-time link to set a password and sign in, valid 24 hours; \
                earlier unused links of this person end"),
              (status = 403, description = "Not admin"),
              (status = 404, description = "No such staff member"),
              (status = 409, description = "The account is deactivated")),
    security(("bearer" = [])))]
pub async fn send_sign_in_link(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<String>,
    JsonBody(req): JsonBody<SendLink>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id, "staff member")?;
    let mail = state.mail_context();
    let body = state
        .write(move |c| link::send(c, &actor, id, &req, &mail))
        .await?;
    if body.emailed {
        state.outbox.notify_one();
    }
    Ok(HttpResponse::Created().json(body))
}
