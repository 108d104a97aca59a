//! Who is asking: the bearer token of an API client (`Auth`), and for the few API answers a
//! page links to (the evidence PDFs), that token or the page's session cookie
//! (`AuthOrSession`), and `asking`: whose idempotency keys a write's are.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::app::AppState;
use crate::domain::secret::{hash_token, same_secret};
use crate::error::AppError;
use crate::service::staff::token_holder;
use crate::service::{Actor, now, sign_in};

type Boxed<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// The cookie that holds a page's session; `web::session` sets and clears it.
pub const SESSION_COOKIE: &str = "et_session";

/// The signed-in member of staff, from `Authorization: Bearer <token>`.
pub struct Auth(pub Actor);

impl FromRequest for Auth {
    type Error = AppError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let (Some(token), Some(state)) = (token, state) else {
                return Err(AppError::Unauthorized);
            };
            by_token(&state, token).await.map(Auth)
        })
    }
}

/// The signed-in member of staff, from a bearer token or, without an `Authorization`
/// header, from the session cookie of the pages: for an answer a page links to, which a
/// browser opens with its cookie and no token. Only for reads: a cookie goes with a
/// request another site makes the browser send (SameSite=Lax lets a link through), so
/// nothing that changes anything may take it.
pub struct AuthOrSession(pub Actor);

impl FromRequest for AuthOrSession {
    type Error = AppError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let actor = token_or_session(req, false);
        Box::pin(async move { actor.await.map(AuthOrSession) })
    }
}

/// Who is asking, by the rules of `AuthOrSession` (the bearer token, else the session
/// cookie), or None when nobody valid is. For what must know the account before the
/// handler runs (an `Idempotency-Key` belongs to its account), never to allow anything:
/// the handler's own extractor decides that, and answers a 401 itself.
pub async fn asking(req: &HttpRequest) -> Result<Option<Actor>, AppError> {
    match AuthOrSession::extract(req).await {
        Ok(AuthOrSession(actor)) => Ok(Some(actor)),
        Err(AppError::Unauthorized) => Ok(None),
        Err(other) => Err(other),
    }
}

/// The header a page's script sends its session's CSRF token in.
pub const CSRF_HEADER: &str = "X-CSRF-Token";

/// The signed-in member of staff for a change: a bearer token or, without an
/// `Authorization` header, the pages' session cookie together with that session's CSRF
/// token in `X-CSRF-Token`. The phone's queue of moves made offline sends them this way.
/// Another site can make a browser send the cookie, but can neither read the token nor set
/// a custom header across origins (no CORS is served), so the header is what makes the
/// cookie enough. A missing or wrong token is 401, like a missing bearer token: the phone
/// keeps the move and asks the person to sign in again.
pub struct AuthOrSessionCsrf(pub Actor);

impl FromRequest for AuthOrSessionCsrf {
    type Error = AppError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let actor = token_or_session(req, true);
        Box::pin(async move { actor.await.map(AuthOrSessionCsrf) })
    }
}

/// A bearer token or, without an `Authorization` header, the pages' session cookie; with
/// `needs_csrf`, the cookie only together with its session's CSRF token in `X-CSRF-Token`.
fn token_or_session(req: &HttpRequest, needs_csrf: bool) -> Boxed<Actor> {
    let has_header = req.headers().contains_key(AUTHORIZATION);
    let token = bearer(req);
    let session = session_token(req);
    // None: no token asked for; Some(None): asked for and not sent.
    let csrf = needs_csrf.then(|| {
        req.headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .filter(|t| !t.is_empty() && t.len() < 200)
    });
    let state = req.app_data::<web::Data<AppState>>().cloned();
    Box::pin(async move {
        let Some(state) = state else {
            return Err(AppError::Unauthorized);
        };
        if let Some(token) = token {
            return by_token(&state, token).await;
        }
        // A header that is not a valid bearer token is refused, cookie or not.
        let (Some(session), false) = (session, has_header) else {
            return Err(AppError::Unauthorized);
        };
        if csrf == Some(None) {
            return Err(AppError::Unauthorized);
        }
        let held = state.read(move |c| sign_in::session(c, &session)).await?;
        held.filter(|h| match &csrf {
            Some(Some(given)) => same_secret(&h.csrf, given),
            _ => true,
        })
        .map(|h| h.actor)
        .ok_or(AppError::Unauthorized)
    })
}

fn session_token(req: &HttpRequest) -> Option<String> {
    req.cookie(SESSION_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|t| !t.is_empty() && t.len() < 200)
}

fn bearer(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty() && t.len() < 200)
}

async fn by_token(state: &AppState, token: String) -> Result<Actor, AppError> {
    let key = hash_token(&token);
    if let Some(actor) = state.tokens.get(&key, now()) {
        return Ok(actor);
    }
    let found = state.read(move |conn| token_holder(conn, &token)).await?;
    let (actor, expires) = found.ok_or(AppError::Unauthorized)?;
    state.tokens.put(key, actor.clone(), expires);
    Ok(actor)
}
