//! `/clients`: personal data, for signed-in staff only.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::extract::{JsonBody, csv_upload};
use super::parse_id;
use crate::app::AppState;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::mail;
use crate::service::Actor;
use crate::service::clients::{self, ClientView, CreateClient, PatchClient};
use crate::service::erasure;
use crate::service::export::{self, ClientExport};
use crate::service::import::clients::{self as import, ClientImportSummary};
use crate::service::pages::{Page, Paged};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/clients").get(list_clients).post(create_client))
        .service(web::resource("/clients/import").post(import_clients))
        .service(
            web::resource("/clients/{id}")
                .get(get_client)
                .patch(patch_client)
                .delete(erase_client),
        )
        .service(web::resource("/clients/{id}/export").get(export_client));
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientQuery {
    #[param(schema_with = search)]
    pub q: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

/// Its schema says what it is: a parameter's `schema_with` replaces its description.
fn search() -> utoipa::openapi::schema::Object {
    let mut schema = crate::domain::field_schema::optional_text::<200>();
    schema.description = Some("Text matched against reference, name and postcode".into());
    schema
}

#[utoipa::path(get, path = "/api/v1/clients", tag = "clients", params(ClientQuery),
    responses((status = 200, body = Paged<ClientView>)), security(("bearer" = [])))]
pub async fn list_clients(
    state: web::Data<AppState>,
    _auth: Auth,
    q: web::Query<ClientQuery>,
) -> Result<HttpResponse, AppError> {
    let page = Page::parse(q.page, q.per_page)?;
    let q = q.into_inner().q;
    let body = state.read(move |c| clients::list(c, q.as_deref(), page)).await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(post, path = "/api/v1/clients", tag = "clients", request_body = CreateClient,
    responses((status = 403, description = "The caller's role may not do this"), (status = 201, body = ClientView), (status = 409, description = "The reference is taken"),
              (status = 422, description = "Invalid fields")), security(("bearer" = [])))]
pub async fn create_client(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    JsonBody(req): JsonBody<CreateClient>,
) -> Result<HttpResponse, AppError> {
    let body = state.write(move |c| clients::create(c, &actor, &req)).await?;
    Ok(HttpResponse::Created().json(body))
}

#[utoipa::path(post, path = "/api/v1/clients/import", tag = "clients",
    request_body(content = String, content_type = "text/csv",
        description = "A header line naming reference,name,address,postcode and optionally phone, then one \
            client a line, each checked as a client created alone"),
    responses((status = 201, body = ClientImportSummary, description = "Every row created"),
              (status = 401, description = "No valid token"),
              (status = 403, description = "The caller's role may not do this"),
              (status = 413, description = "Over 32 MiB"),
              (status = 415, description = "Not sent as text/csv"),
              (status = 422, description = "The first 1,000 problems with their line numbers and fields (a \
                reference twice in the file or already in the register, a missing name...), and \
                `errors_not_listed` counting the rest; nothing imported"),
              (status = 503, description = "The database stayed busy past database.busy_timeout_ms")),
    security(("bearer" = [])))]
pub async fn import_clients(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    actor.require(Action::ManageClients)?;
    let body = csv_upload(&req, payload).await?;
    let db = state.db.clone();
    let summary = web::block(move || import::import_clients(&db, std::io::Cursor::new(body))).await??;
    Ok(HttpResponse::Created().json(summary))
}

#[utoipa::path(get, path = "/api/v1/clients/{id}", tag = "clients", params(("id" = i64, Path, example = 1)),
    responses((status = 200, body = ClientView, description = "The client and the equipment they hold"),
              (status = 404, description = "No such client")), security(("bearer" = [])))]
pub async fn get_client(
    state: web::Data<AppState>,
    _auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id, "client")?;
    let url = state.public_url();
    let body = state.read(move |c| clients::get(c, id, &url)).await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(patch, path = "/api/v1/clients/{id}", tag = "clients", params(("id" = i64, Path, example = 1)), request_body = PatchClient,
    responses((status = 403, description = "The caller's role may not do this"), (status = 200, body = ClientView), (status = 404, description = "No such client"),
              (status = 422, description = "Invalid fields")), security(("bearer" = [])))]
pub async fn patch_client(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<String>,
    JsonBody(req): JsonBody<PatchClient>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id, "client")?;
    let body = state.write(move |c| clients::patch(c, &actor, id, &req)).await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(delete, path = "/api/v1/clients/{id}", tag = "clients", params(("id" = i64, Path, example = 1)),
    responses((status = 200, body = ClientView, description = "The client, anonymised: the notes of their \
                visits read [erased], mail about them is redacted and its .eml files removed"),
              (status = 401, description = "No valid token"), (status = 403, description = "Not admin"),
              (status = 404, description = "No such client"),
              (status = 409, description = "The client still holds equipment")), security(("bearer" = [])))]
pub async fn erase_client(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id, "client")?;
    let client = erase_and_tidy(&state, actor, id).await?;
    Ok(HttpResponse::Ok().json(client))
}

/// Erases a client, then removes the `.eml` files of the mail about them: the API and the
/// office page erase the same way.
pub async fn erase_and_tidy(state: &AppState, actor: Actor, id: i64) -> Result<ClientView, AppError> {
    let erased = state.write(move |c| erasure::erase(c, &actor, id)).await?;
    // Files are removed once the database has committed; erasing again retries them.
    let dir = mail::outbox_dir(&state.settings);
    let ids = erased.message_ids;
    web::block(move || mail::files::remove_messages(&dir, &ids))
        .await?
        .map_err(|e| AppError::internal("cannot remove outbox files", e))?;
    Ok(erased.client)
}

#[utoipa::path(get, path = "/api/v1/clients/{id}/export", tag = "clients", params(("id" = i64, Path, example = 1)),
    responses((status = 200, body = ClientExport, description = "Everything held about the person"),
              (status = 401, description = "No valid token"), (status = 403, description = "Not admin"),
              (status = 404, description = "No such client")), security(("bearer" = [])))]
pub async fn export_client(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id, "client")?;
    let body = state.write(move |c| export::export(c, &actor, id)).await?;
    Ok(HttpResponse::Ok().json(body))
}
