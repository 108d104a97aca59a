//! `GET /items/{tag}/checks` (the evidence), `POST /items/{tag}/examinations/form` (an
//! examination sent as the page's form fields, by the phone's offline queue) and
//! `POST /items/{tag}/defects/{id}/remedy`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::openapi::schema::{Array, ArrayBuilder, Object, ObjectBuilder, Schema, Type};

use super::extract::JsonBody;
use super::parse_id;
use crate::app::AppState;
use crate::error::AppError;
use crate::http::auth::{Auth, AuthOrSessionCsrf};
use crate::service::examinations::{self, CheckView, RemedyBody};
use crate::service::moves::{self, MoveRequest};
use crate::service::views::ItemView;
use crate::web::exam_form::CheckTyped;
use crate::web::form::Fields;

pub fn routes(cfg: &mut web::ServiceConfig) {
    // `GET /items/{tag}/checks` is served by the same resource as the check move, in `moves`.
    cfg.service(web::resource("/items/{tag}/examinations/form").post(examination_form))
        .service(web::resource("/items/{tag}/defects/{id}/remedy").post(remedy));
}

/// The item page's examination form as its fields were typed, for a phone that recorded it
/// with no signal: the server reads them as it reads the page's form (`web::exam_form`), so
/// that the rule from form to report stays in one place.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExamFormBody {
    /// The form's fields as `[name, value]` pairs in the order of the form (`rule`,
    /// `performed_at`, `examination` = `yes`, `basis`, `safe_to_operate`, the examiner's,
    /// and one `defect_part` … `defect_repair` group per defect row); names the form does
    /// not have are ignored.
    #[schema(schema_with = field_pairs)]
    pub fields: Vec<(String, String)>,
    /// The item's version the phone saw (409 if it has moved on).
    pub expected_version: Option<i64>,
}

/// Each pair exactly two texts, name then value.
fn field_pairs() -> Array {
    let text: Object = ObjectBuilder::new().schema_type(Type::String).build();
    let pair = ArrayBuilder::new()
        .items(text)
        .min_items(Some(2))
        .max_items(Some(2))
        .build();
    ArrayBuilder::new()
        .items(utoipa::openapi::RefOr::T(Schema::Array(pair)))
        .build()
}

#[utoipa::path(post, path = "/api/v1/items/{tag}/examinations/form", tag = "moves", request_body = ExamFormBody,
    description = "Record a thorough examination from the item page's form fields, read as the page reads them: \
                   what the phone's offline queue sends. The same report, defects and outcome as the page would record.",
    params(("tag" = String, Path, description = "An asset tag", example = "EQ-000003")),
    responses((status = 201, body = ItemView, description = "The examination is recorded; the updated item"),
              (status = 401, description = "No valid bearer token, and no session of the pages with its CSRF token in `X-CSRF-Token`"),
              (status = 403, description = "The caller's role may not record checks"),
              (status = 404, description = "No item has the tag"),
              (status = 409, description = "The status does not allow a check, or a stale expected_version"),
              (status = 422, description = "Invalid fields, each named as the API's examination body names it \
                   (`examination.examiner.name`, `examination.defects[0].remedy_by`, …); `examination` when the \
                   fields are not an examination's; `rule` when it is not one of the type's rules")),
    security(("bearer" = [])))]
pub async fn examination_form(
    state: web::Data<AppState>,
    AuthOrSessionCsrf(actor): AuthOrSessionCsrf,
    tag: web::Path<String>,
    JsonBody(req): JsonBody<ExamFormBody>,
) -> Result<HttpResponse, AppError> {
    let typed = CheckTyped::read(&Fields(req.fields));
    if typed.exam.is_none() {
        return Err(AppError::invalid(
            "examination",
            "the fields must be an examination form's (examination = yes)",
        ));
    }
    let request = MoveRequest::Check(typed.body(None, req.expected_version)?);
    let mail = state.mail_context();
    let body = state
        .write(move |c| moves::perform(c, &actor, &tag, &request, &mail))
        .await?;
    // A failed examination has queued mail for stores.
    state.outbox.notify_one();
    Ok(HttpResponse::Created().json(body))
}

#[utoipa::path(get, path = "/api/v1/items/{tag}/checks", tag = "items", params(("tag" = String, Path)),
    responses((status = 200, body = Vec<CheckView>, description = "Every check of the item, oldest first, each with its \
               examination report and defects"),
              (status = 404, description = "No item has the tag")), security(("bearer" = [])))]
pub async fn list_checks(
    state: web::Data<AppState>,
    _auth: Auth,
    tag: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let body = state.read(move |c| examinations::list(c, &tag)).await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(post, path = "/api/v1/items/{tag}/defects/{id}/remedy", tag = "items", request_body = RemedyBody,
    params(("tag" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = ItemView, description = "The item, the defect no longer open"),
              (status = 403, description = "Admin and stores only"),
              (status = 404, description = "No such item, or no such defect on it"),
              (status = 409, description = "Already remedied, or a stale expected_version"),
              (status = 422, description = "Invalid fields")), security(("bearer" = [])))]
pub async fn remedy(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
    JsonBody(req): JsonBody<RemedyBody>,
) -> Result<HttpResponse, AppError> {
    let (tag, id) = path.into_inner();
    let id = parse_id(&id, "defect")?;
    let url = state.public_url();
    let body = state
        .write(move |c| examinations::remedy(c, &actor, &tag, id, &req, &url))
        .await?;
    Ok(HttpResponse::Ok().json(body))
}
