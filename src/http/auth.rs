//! The bearer token of an API client, for the API and for the label page's JSON answer.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::app::AppState;
use crate::domain::secret::hash_token;
use crate::error::AppError;
use crate::service::staff::token_holder;
use crate::service::{Actor, now};

type Boxed<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// The signed-in member of staff, from `Authorization: Bearer <token>`.
pub struct Auth(pub Actor);

impl FromRequest for Auth {
    type Error = AppError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = req
            .headers()
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty() && t.len() < 200);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let (Some(token), Some(state)) = (token, state) else {
                return Err(AppError::Unauthorized);
            };
            let key = hash_token(&token);
            if let Some(actor) = state.tokens.get(&key, now()) {
                return Ok(Auth(actor));
            }
            let found = state.read(move |conn| token_holder(conn, &token)).await?;
            let (actor, expires) = found.ok_or(AppError::Unauthorized)?;
            state.tokens.put(key, actor.clone(), expires);
            Ok(Auth(actor))
        })
    }
}
