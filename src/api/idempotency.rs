//! `Idempotency-Key` on the API's writes: every POST under `/api/v1` (each a move or a
//! create) takes one, but those whose answer shows a secret once. Around the handler:
//!
//! 1. Without the header, nothing here happens. With it, the caller must be signed in (or
//!    the handler answers 401 as ever, and nothing is kept), the key valid (422), the body
//!    within its limit (413).
//! 2. The key is claimed for the account in the database before the handler runs, so two
//!    instances honour each other's keys and of two requests at once one runs (the other:
//!    409). A key already answered for this very request gets that answer again
//!    (`Idempotent-Replayed: true`); for another request, 422.
//! 3. The handler runs, on a task of its own so that a client that hangs up does not stop
//!    it half way; its answer is kept (status, content type, `Location`, body), unless it
//!    is one that changed nothing (`domain::idempotency::answer_is_kept`), which releases
//!    the key. A claim whose answer was never kept is never run again: 409.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{CONTENT_TYPE, HeaderName, LOCATION};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError, web};

use super::extract::{IMPORT_LIMIT, JSON_LIMIT};
use crate::app::AppState;
use crate::domain::idempotency::{HEADER, IdempotencyKey, answer_is_kept, fingerprint};
use crate::error::{AppError, FieldError};
use crate::http::auth::asking;
use crate::http::body::{declared_length, read_limited};
use crate::service::idempotency::{self as keys, Claim, Kept};
use crate::service::now;

/// Marks an answer given again for a key, not made afresh.
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// Writes whose answer shows a secret once (a new account's API token, a new token, a
/// sign-in link): only its hash is stored, so no answer is kept to show again, and a key
/// is refused rather than silently not honoured.
pub const SECRET_ANSWERS: &[&str] = &[
    "/api/v1/staff",
    "/api/v1/staff/{id}/tokens",
    "/api/v1/staff/{id}/sign-in-link",
];

/// Whether a request, by its method and route pattern, takes an `Idempotency-Key`. The
/// OpenAPI document asks this too, so what it lists is what is served.
pub fn takes_key(method: &Method, route: &str) -> bool {
    method == Method::POST && route.starts_with("/api/v1/") && !SECRET_ANSWERS.contains(&route)
}

/// The middleware around `/api/v1` (see the module's comment).
pub async fn idempotent(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let sent: Vec<Vec<u8>> = req
        .headers()
        .get_all(HEADER)
        .map(|v| v.as_bytes().to_vec())
        .collect();
    let route = req.match_pattern().unwrap_or_default();
    let writes = req.method() == Method::POST && route.starts_with("/api/v1/");
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (false, true, Some(state)) = (sent.is_empty(), writes, state) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let actor = match asking(req.request()).await {
        Ok(Some(actor)) => actor,
        // Nobody signed in: the handler answers 401, and nothing is claimed for it.
        Ok(None) => return Ok(next.call(req).await?.map_into_boxed_body()),
        Err(e) => return Ok(refused(req, e)),
    };
    if !takes_key(req.method(), &route) {
        return Ok(refused(
            req,
            AppError::invalid(
                HEADER,
                "this request takes no Idempotency-Key: its answer shows a secret once, \
                 and no copy of it is kept to show again",
            ),
        ));
    }
    let key = match sent.as_slice() {
        [one] => IdempotencyKey::parse(one),
        _ => Err(FieldError::new(HEADER, "send it once")),
    };
    let key = match key {
        Ok(key) => key,
        Err(field) => return Ok(refused(req, AppError::Validation(vec![field]))),
    };
    let body = match read_body(&mut req).await {
        Ok(body) => body,
        Err(e) => return Ok(refused(req, e)),
    };
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.path().to_string(), |p| p.as_str().to_string());
    let hash = fingerprint(req.method().as_str(), &target, &body);
    req.set_payload(Payload::from(body));
    let staff_id = actor.id;
    let claimed = {
        let key = key.clone();
        state
            .write(move |c| keys::claim(c, staff_id, &key, &hash, now()))
            .await
    };
    match claimed {
        Err(e) => return Ok(refused(req, e)),
        Ok(Claim::Answered(kept)) => return Ok(req.into_response(replay(kept))),
        Ok(Claim::Claimed) => {}
    }
    // Its own task: dropped with a lost connection, the handler could write and leave no
    // answer, and the key could never be used again.
    let task = actix_web::rt::spawn(async move {
        let answered = next.call(req).await;
        answer_and_keep(&state, staff_id, &key, answered).await
    });
    task.await.unwrap_or_else(|e| {
        Err(AppError::internal("a write with an Idempotency-Key failed", e.to_string()).into())
    })
}

/// The handler's answer, kept for the key (or the key released when the answer is not kept).
async fn answer_and_keep<B: MessageBody + 'static>(
    state: &AppState,
    staff_id: i64,
    key: &IdempotencyKey,
    answered: Result<ServiceResponse<B>, Error>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let release = || {
        let key = key.clone();
        state.write(move |c| keys::release(c, staff_id, &key))
    };
    let response = match answered {
        Ok(response) => response,
        Err(e) => {
            log_unreleased(release().await);
            return Err(e);
        }
    };
    if !answer_is_kept(response.status().as_u16()) {
        log_unreleased(release().await);
        return Ok(response.map_into_boxed_body());
    }
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let Ok(bytes) = actix_web::body::to_bytes(body).await else {
        // The write may have happened: the claim stays, unanswered, and is never run again.
        let failed = AppError::internal("a write's answer could not be read", "body error");
        return Ok(ServiceResponse::new(request, failed.error_response()));
    };
    let header = |name: HeaderName| {
        head.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let kept = Kept {
        status: head.status().as_u16(),
        content_type: header(CONTENT_TYPE),
        location: header(LOCATION),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    let recorded = {
        let key = key.clone();
        state
            .write(move |c| keys::record(c, staff_id, &key, &kept, now()))
            .await
    };
    if let Err(e) = recorded {
        e.log();
        tracing::warn!(
            "the answer to a write with an Idempotency-Key was not kept: sent again, it will be refused as of unknown outcome"
        );
    }
    Ok(ServiceResponse::new(request, head.set_body(BoxBody::new(bytes))))
}

fn log_unreleased(released: Result<(), AppError>) {
    if let Err(e) = released {
        e.log();
        tracing::warn!(
            "an Idempotency-Key could not be released: sent again, it will be refused until it is purged"
        );
    }
}

/// The body, read within the limit of what it declares itself to be (a CSV upload or JSON),
/// as the handler would read it.
async fn read_body(req: &mut ServiceRequest) -> Result<Bytes, AppError> {
    let csv = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("text/csv"));
    let limit = if csv { IMPORT_LIMIT } else { JSON_LIMIT };
    let declared = declared_length(req.request());
    read_limited(req.take_payload(), declared, limit).await
}

fn refused(req: ServiceRequest, error: AppError) -> ServiceResponse<BoxBody> {
    req.into_response(error.error_response())
}

/// A kept answer as it was first given.
fn replay(kept: Kept) -> HttpResponse {
    let status = StatusCode::from_u16(kept.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut answer = HttpResponse::build(status);
    if let Some(content_type) = kept.content_type {
        answer.insert_header((CONTENT_TYPE, content_type));
    }
    if let Some(location) = kept.location {
        answer.insert_header((LOCATION, location));
    }
    answer.insert_header((REPLAYED, "true")).body(kept.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_post_takes_a_key_but_those_that_show_a_secret() {
        assert!(takes_key(&Method::POST, "/api/v1/items/{tag}/checks"));
        assert!(takes_key(&Method::POST, "/api/v1/clients"));
        assert!(!takes_key(&Method::GET, "/api/v1/items/{tag}/checks"));
        assert!(!takes_key(&Method::PATCH, "/api/v1/items/{tag}"));
        assert!(!takes_key(&Method::POST, "/api/v1/staff/{id}/tokens"));
        assert!(!takes_key(&Method::POST, "/login"));
    }
}
