//! Reading a request body with a size limit, refused before it is read when the declared
//! length is already too large.

use actix_web::http::header::CONTENT_LENGTH;
use actix_web::{HttpRequest, dev::Payload, web};
use futures_util::StreamExt;

use crate::error::AppError;

/// The length the client declared, if it declared one that is a number.
pub fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// A raw body of at most `limit` bytes: a CSV upload, a form.
pub async fn read_body(req: &HttpRequest, payload: Payload, limit: usize) -> Result<web::Bytes, AppError> {
    read_limited(payload, declared_length(req), limit).await
}

pub async fn read_limited(
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
