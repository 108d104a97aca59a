//! Request extractors that answer every bad request with a problem body, never a 500.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::app::AppState;
use crate::db::staff::hash_token;
use crate::error::{AppError, FieldError};
use crate::service::staff::token_holder;
use crate::service::{Actor, now};

/// Largest JSON body accepted.
pub const JSON_LIMIT: usize = 1 << 20;

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

/// A JSON body read with a size limit and parsed so that a wrong field is named:
/// malformed JSON is 400, a well-formed body with a wrong field is 422, an empty body is `{}`.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = AppError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase);
        let declared = declared_length(req);
        let payload = payload.take();
        Box::pin(async move {
            if let Some(ct) =
                content_type.filter(|ct| !ct.starts_with("application/json") && !ct.contains("+json"))
            {
                return Err(AppError::UnsupportedMediaType(format!(
                    "send JSON with Content-Type: application/json (got {ct})"
                )));
            }
            let bytes = read_limited(payload, declared, JSON_LIMIT).await?;
            parse_json(&bytes).map(JsonBody)
        })
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    let value: Value = serde_json::from_slice(text)
        .map_err(|e| AppError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    // PostgreSQL cannot store NUL, and no person types it: refused here for every field at once.
    if let Some(field) = nul_at(&value, String::new()) {
        return Err(AppError::Validation(vec![FieldError::new(
            field,
            "must not contain a NUL character",
        )]));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "body".to_string() } else { path };
        AppError::Validation(vec![FieldError::new(
            field,
            strip_position(&e.into_inner().to_string()),
        )])
    })
}

/// Where the first NUL is, named like a field error (`check_rules[0].name`).
fn nul_at(value: &Value, path: String) -> Option<String> {
    let named = |path: String| if path.is_empty() { "body".to_string() } else { path };
    match value {
        Value::String(s) if s.contains('\0') => Some(named(path)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_at(v, format!("{path}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(k, v)| {
            let at = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            if k.contains('\0') { Some(at) } else { nul_at(v, at) }
        }),
        _ => None,
    }
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// A raw body of at most `limit` bytes, for CSV uploads.
pub async fn read_body(req: &HttpRequest, payload: Payload, limit: usize) -> Result<web::Bytes, AppError> {
    read_limited(payload, declared_length(req), limit).await
}

async fn read_limited(
    mut payload: Payload,
    declared: Option<usize>,
    limit: usize,
) -> Result<web::Bytes, AppError> {
    if declared.is_some_and(|n| n > limit) {
        return Err(AppError::PayloadTooLarge(limit));
    }
    // Sized once from the declared length: growing by doubling would briefly hold a large
    // upload twice.
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest(format!("the body could not be read: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
