//! `GET /me/round`: the signed-in person's round, for the phone to keep for places with no
//! signal. The phone's pages ask with their session cookie; API clients with their token.

use actix_web::{HttpResponse, web};

use crate::app::AppState;
use crate::error::AppError;
use crate::http::auth::AuthOrSession;
use crate::service::round::{self, Round};

#[utoipa::path(get, path = "/api/v1/me/round", tag = "scan",
    description = "The items the caller is responsible for in clients' homes (issued or fitted, not condemned), in tag \
                   order, each as `GET /scan` answers it: the item with its client (name, address, postcode), every \
                   check rule's last and next due dates, open defects and `version`, whether it is safe to use now \
                   and why not, and the moves the caller may make. `as_of` is when it was read. A page's session \
                   cookie is taken as well as a bearer token (a read only).",
    responses((status = 200, body = Round, description = "The round; `items` is empty for someone responsible for nothing"),
              (status = 401, description = "No valid bearer token, and no session of the pages")),
    security(("bearer" = [])))]
pub async fn my_round(
    state: web::Data<AppState>,
    AuthOrSession(actor): AuthOrSession,
) -> Result<HttpResponse, AppError> {
    let url = state.public_url();
    let body = state.read(move |c| round::of(c, &actor, &url)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(body))
}
