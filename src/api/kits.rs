//! `/kits`: sets of items with a tag and label of their own, moved together.

use actix_web::{HttpResponse, web};

use super::extract::JsonBody;
use crate::app::AppState;
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::http::labels::{kit_content, service};
use crate::labels;
use crate::service::kits::moves::{self as kit_moves, KitMoveRequest, KitReturnBody};
use crate::service::kits::{self, AddMember, CreateKit, KitEventView, KitRef, KitView};
use crate::service::moves::{DecontaminateBody, FitBody, IssueBody};
use crate::service::pages::{PageQuery, Paged};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/kits").get(list_kits).post(create_kit))
        .service(web::resource("/kits/{tag}").get(get_kit))
        .service(web::resource("/kits/{tag}/members").post(add_member))
        .service(web::resource("/kits/{tag}/members/{item_tag}").delete(remove_member))
        .service(web::resource("/kits/{tag}/events").get(kit_events))
        .service(web::resource("/kits/{tag}/label.png").get(kit_label_png))
        .service(web::resource("/kits/{tag}/label.svg").get(kit_label_svg))
        .service(web::resource("/kits/{tag}/issue").post(issue_kit))
        .service(web::resource("/kits/{tag}/fit").post(fit_kit))
        .service(web::resource("/kits/{tag}/return").post(return_kit))
        .service(web::resource("/kits/{tag}/decontaminate").post(decontaminate_kit));
}

#[utoipa::path(post, path = "/api/v1/kits", tag = "kits", request_body = CreateKit,
    description = "Make a kit of items (stores, admin): its tag is generated, `KIT-` and six digits.",
    responses((status = 201, body = KitView, description = "The kit; `Location` names it"),
              (status = 403, description = "The caller's role may not do this"),
              (status = 422, description = "Invalid fields: no name, or a member unknown, condemned, in another kit or listed twice (`members[i]`)")),
    security(("bearer" = [])))]
pub async fn create_kit(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    JsonBody(req): JsonBody<CreateKit>,
) -> Result<HttpResponse, AppError> {
    let url = state.public_url();
    let body = state.write(move |c| kits::create(c, &actor, &req, &url)).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/kits/{}", body.kit.tag)))
        .json(body))
}

#[utoipa::path(get, path = "/api/v1/kits", tag = "kits", params(PageQuery),
    responses((status = 200, body = Paged<KitRef>, description = "Kits by tag"), (status = 422, description = "A bad page")),
    security(("bearer" = [])))]
pub async fn list_kits(
    state: web::Data<AppState>,
    _auth: Auth,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = q.validate()?;
    let url = state.public_url();
    let body = state.read(move |c| kits::list(c, page, &url)).await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(get, path = "/api/v1/kits/{tag}", tag = "kits", params(("tag" = String, Path, description = "A kit's tag", example = "KIT-000001")),
    responses((status = 200, body = KitView, description = "The kit, each member with its verdict, and the kit's verdict"),
              (status = 404, description = "No kit has the tag")),
    security(("bearer" = [])))]
pub async fn get_kit(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    tag: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let url = state.public_url();
    let body = state.read(move |c| kits::view(c, &actor, &tag, &url)).await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(post, path = "/api/v1/kits/{tag}/members", tag = "kits", params(("tag" = String, Path, description = "A kit's tag", example = "KIT-000001")),
    request_body = AddMember,
    responses((status = 200, body = KitView, description = "The kit with its new member"),
              (status = 403, description = "The caller's role may not do this"),
              (status = 404, description = "No kit has the tag"),
              (status = 409, description = "A stale expected_version"),
              (status = 422, description = "Invalid `tag`: no such item, condemned, or in a kit already")),
    security(("bearer" = [])))]
pub async fn add_member(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    tag: web::Path<String>,
    JsonBody(req): JsonBody<AddMember>,
) -> Result<HttpResponse, AppError> {
    let url = state.public_url();
    let body = state
        .write(move |c| kits::add_member(c, &actor, &tag, &req, &url))
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(delete, path = "/api/v1/kits/{tag}/members/{item_tag}", tag = "kits",
    params(("tag" = String, Path, description = "A kit's tag", example = "KIT-000001"),
           ("item_tag" = String, Path, description = "A member's asset tag", example = "EQ-000003")),
    responses((status = 200, body = KitView, description = "The kit without the member; the item stays where it is"),
              (status = 403, description = "The caller's role may not do this"),
              (status = 404, description = "No kit has the tag, no item has the item tag, or it is not a member of this kit"),
              (status = 409, description = "Someone changed the kit at the same moment")),
    security(("bearer" = [])))]
pub async fn remove_member(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (tag, item_tag) = path.into_inner();
    let url = state.public_url();
    let body = state
        .write(move |c| kits::remove_member(c, &actor, &tag, &item_tag, &url))
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(get, path = "/api/v1/kits/{tag}/events", tag = "kits", params(("tag" = String, Path, description = "A kit's tag", example = "KIT-000001"), PageQuery),
    responses((status = 200, body = Paged<KitEventView>, description = "The kit's history, oldest first: members added and removed, its moves, members missing at a collection"),
              (status = 404, description = "No kit has the tag"), (status = 422, description = "A bad page")),
    security(("bearer" = [])))]
pub async fn kit_events(
    state: web::Data<AppState>,
    _auth: Auth,
    tag: web::Path<String>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = q.validate()?;
    let body = state.read(move |c| kits::history(c, &tag, page)).await?;
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(get, path = "/api/v1/kits/{tag}/label.png", tag = "labels", params(("tag" = String, Path, description = "A kit's tag", example = "KIT-000001")),
    responses((status = 200, content_type = "image/png", description = "63.5 × 38.1 mm at 300 dpi; the QR code holds the kit's page"),
              (status = 404, description = "No kit has the tag")), security(("bearer" = [])))]
pub async fn kit_label_png(
    state: web::Data<AppState>,
    _auth: Auth,
    tag: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let url = state.public_url();
    let kit = state.read(move |c| kits::labelled(c, &tag, &url)).await?;
    let service = service(&state);
    let png = web::block(move || labels::render_png(&kit_content(&kit, &service))).await??;
    Ok(HttpResponse::Ok().content_type("image/png").body(png))
}

#[utoipa::path(get, path = "/api/v1/kits/{tag}/label.svg", tag = "labels", params(("tag" = String, Path, description = "A kit's tag", example = "KIT-000001")),
    responses((status = 200, content_type = "image/svg+xml", description = "63.5 × 38.1 mm; the QR code holds the kit's page"),
              (status = 404, description = "No kit has the tag")), security(("bearer" = [])))]
pub async fn kit_label_svg(
    state: web::Data<AppState>,
    _auth: Auth,
    tag: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let url = state.public_url();
    let kit = state.read(move |c| kits::labelled(c, &tag, &url)).await?;
    let svg = labels::render_svg(&kit_content(&kit, &service(&state)))?;
    Ok(HttpResponse::Ok().content_type("image/svg+xml").body(svg))
}

async fn perform(
    state: web::Data<AppState>,
    actor: crate::service::Actor,
    tag: String,
    request: KitMoveRequest,
) -> Result<HttpResponse, AppError> {
    let mail = state.mail_context();
    let body = state
        .write(move |c| kit_moves::perform(c, &actor, &tag, request, &mail))
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The answers every kit move shares, for the OpenAPI document.
macro_rules! kit_move_doc {
    ($fn:ident, $path:literal, $body:ty, $what:literal, $variant:ident) => {
        #[utoipa::path(post, path = $path, tag = "kits", description = $what,
            params(("tag" = String, Path, description = "A kit's tag", example = "KIT-000001")), request_body = $body,
            responses((status = 200, body = KitView, description = "The kit, every member moved"),
                      (status = 401, description = "No valid bearer token"),
                      (status = 403, description = "The caller's role may not make this move"),
                      (status = 404, description = "No kit has the tag"),
                      (status = 409, description = "Nothing moved: a stale expected_version (the kit's), a kit with no members, \
                       or members refused: `refused_members` names each (tag, status, code, detail; `overdue_checks`, \
                       `current_status` and `allowed_moves` as the item's own move answers them)"),
                      (status = 422, description = "Invalid fields (every member found the request itself invalid)")),
            security(("bearer" = [])))]
        pub async fn $fn(
            state: web::Data<AppState>,
            Auth(actor): Auth,
            tag: web::Path<String>,
            JsonBody(body): JsonBody<$body>,
        ) -> Result<HttpResponse, AppError> {
            perform(state, actor, tag.into_inner(), KitMoveRequest::$variant(body)).await
        }
    };
}

kit_move_doc!(
    issue_kit,
    "/api/v1/kits/{tag}/issue",
    IssueBody,
    "Issue every member of the kit, as `POST /items/{tag}/issue` would each, in one transaction: all or none (409 naming every refused member, e.g. one with a check overdue).",
    Issue
);
kit_move_doc!(
    fit_kit,
    "/api/v1/kits/{tag}/fit",
    FitBody,
    "Record the fit of every member, as `POST /items/{tag}/fit` would each, all or none.",
    Fit
);
kit_move_doc!(
    return_kit,
    "/api/v1/kits/{tag}/return",
    KitReturnBody,
    "Collect the kit: every member not named in `missing` returns as `POST /items/{tag}/return` would, all or none; those in `missing` stay where they were, and the kit's history and their own record them as missing at the collection.",
    Return
);
kit_move_doc!(
    decontaminate_kit,
    "/api/v1/kits/{tag}/decontaminate",
    DecontaminateBody,
    "Record the decontamination of every member, as `POST /items/{tag}/decontaminate` would each, all or none.",
    Decontaminate
);
