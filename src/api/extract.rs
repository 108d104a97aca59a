//! The JSON body extractor: every bad body answered with a problem naming the field, never a 500.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, HttpRequest, dev::Payload};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{AppError, FieldError};
use crate::http::body::{declared_length, read_limited};

/// Largest JSON body accepted.
pub const JSON_LIMIT: usize = 1 << 20;

/// A CSV upload may be larger than a JSON body: a whole store's spreadsheet.
pub const IMPORT_LIMIT: usize = 32 << 20;

/// An import's file: `text/csv` (415 otherwise), at most `IMPORT_LIMIT` bytes (413).
pub async fn csv_upload(
    req: &HttpRequest,
    payload: actix_web::web::Payload,
) -> Result<actix_web::web::Bytes, AppError> {
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.to_ascii_lowercase().starts_with("text/csv") {
        return Err(AppError::UnsupportedMediaType(
            "send the file with Content-Type: text/csv".into(),
        ));
    }
    crate::http::body::read_body(req, payload.into_inner(), IMPORT_LIMIT).await
}

type Boxed<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

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
    let mut value: Value = serde_json::from_slice(text)
        .map_err(|e| AppError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    whole_numbers_as_integers(&mut value);
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

/// JSON (and the OpenAPI document's `integer`) does not tell `3` from `3.0`; serde does,
/// so a whole number written with a fraction becomes an integer before the fields are read.
fn whole_numbers_as_integers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            // Beyond 2^53 a float no longer holds one whole number exactly.
            if x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0 {
                *value = Value::from(x as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
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
