//! `POST /items/{tag}/{move}`: the lifecycle moves, each answering the updated item. A bearer
//! token, or the pages' session with its CSRF header (the phone's offline queue sends them so).

use actix_web::{HttpResponse, web};

use super::extract::JsonBody;
use crate::app::AppState;
use crate::error::AppError;
use crate::http::auth::AuthOrSessionCsrf;
use crate::service::moves::{
    self, CheckBody, CondemnBody, DecontaminateBody, FitBody, IssueBody, MoveRequest, ReasonBody, ReturnBody,
};
use crate::service::views::ItemView;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/items/{tag}/issue").post(issue))
        .service(web::resource("/items/{tag}/fit").post(fit))
        // One resource for the path: GET lists the item's checks (`examinations`).
        .service(
            web::resource("/items/{tag}/checks")
                .get(super::examinations::list_checks)
                .post(check),
        )
        .service(web::resource("/items/{tag}/return").post(return_item))
        .service(web::resource("/items/{tag}/decontaminate").post(decontaminate))
        .service(web::resource("/items/{tag}/quarantine").post(quarantine))
        .service(web::resource("/items/{tag}/release").post(release))
        .service(web::resource("/items/{tag}/condemn").post(condemn));
}

async fn perform(
    state: web::Data<AppState>,
    AuthOrSessionCsrf(actor): AuthOrSessionCsrf,
    tag: web::Path<String>,
    request: MoveRequest,
) -> Result<HttpResponse, AppError> {
    let mail = state.mail_context();
    let body = state
        .write(move |c| moves::perform(c, &actor, &tag, &request, &mail))
        .await?;
    // A failed check has queued mail for stores.
    state.outbox.notify_one();
    Ok(HttpResponse::Ok().json(body))
}

/// The answers every move shares, for the OpenAPI document.
macro_rules! move_doc {
    ($fn:ident, $path:literal, $body:ty, $what:literal, $variant:ident) => {
        #[utoipa::path(post, path = $path, tag = "moves", description = $what,
            params(("tag" = String, Path, description = "An asset tag", example = "EQ-000003")), request_body = $body,
            responses((status = 200, body = ItemView, description = "The updated item"),
                      (status = 401, description = "No valid bearer token, and no session of the pages with its CSRF token in `X-CSRF-Token`"),
                      (status = 403, description = "The caller's role may not make this move"),
                      (status = 404, description = "No item has the tag"),
                      (status = 409, description = "The status does not allow the move (current_status, allowed_moves), a stale expected_version, \
                       or (issue, fit) a check overdue on the day of the move (overdue_checks: rule, next_due)"),
                      (status = 422, description = "Invalid fields")),
            security(("bearer" = [])))]
        pub async fn $fn(
            state: web::Data<AppState>,
            auth: AuthOrSessionCsrf,
            tag: web::Path<String>,
            JsonBody(body): JsonBody<$body>,
        ) -> Result<HttpResponse, AppError> {
            perform(state, auth, tag, MoveRequest::$variant(body)).await
        }
    };
}

move_doc!(
    issue,
    "/api/v1/items/{tag}/issue",
    IssueBody,
    "Stores issue an item in store to a worker for a client; refused (409, overdue_checks) while any check is overdue.",
    Issue
);
move_doc!(
    fit,
    "/api/v1/items/{tag}/fit",
    FitBody,
    "A worker records the fit in the client's home; the first fit starts each check rule's clock. Refused (409, overdue_checks) while any check was overdue on the fit date.",
    Fit
);
move_doc!(
    check,
    "/api/v1/items/{tag}/checks",
    CheckBody,
    "Workers, stores or admin record a safety check wherever the item is (any status but condemned): a pass moves that rule's next due date and leaves the status as it was, a fail quarantines the item and must say what failed in `notes` (422 naming `notes` otherwise). `performed_at` may be any past date from the day the item was registered.",
    Check
);
move_doc!(
    return_item,
    "/api/v1/items/{tag}/return",
    ReturnBody,
    "The item comes back (or is collected): to decontamination when its type requires it, else to store.",
    Return
);
move_doc!(
    decontaminate,
    "/api/v1/items/{tag}/decontaminate",
    DecontaminateBody,
    "Stores record the decontamination (who, when, method); the item is back in store.",
    Decontaminate
);
move_doc!(
    quarantine,
    "/api/v1/items/{tag}/quarantine",
    ReasonBody,
    "Take an item out of use (damage, doubt).",
    Quarantine
);
move_doc!(
    release,
    "/api/v1/items/{tag}/release",
    ReasonBody,
    "Release a repaired or inspected item from quarantine.",
    Release
);
move_doc!(
    condemn,
    "/api/v1/items/{tag}/condemn",
    CondemnBody,
    "Condemn an item for good, with a `reason_code`; its checks end. One condemned in a client's home stays in that client's list.",
    Condemn
);
