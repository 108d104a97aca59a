//! The one way pages read a posted form: a size limit, the form content type, and no NUL
//! anywhere (PostgreSQL cannot store it, and no person types it), all as a 400 before any
//! handler or the sign-in throttle sees the fields.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use serde::de::DeserializeOwned;

use super::page::PageError;
use crate::api::extract::read_body;
use crate::error::AppError;

/// Largest form accepted.
pub const FORM_LIMIT: usize = 64 * 1024;

pub struct PageForm<T>(pub T);

impl<T> PageForm<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for PageForm<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for PageForm<T> {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                ct.to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            });
        let (req, payload) = (req.clone(), payload.take());
        Box::pin(async move {
            if !is_form {
                return Err(unreadable("send it as application/x-www-form-urlencoded"));
            }
            let bytes = read_body(&req, payload, FORM_LIMIT).await?;
            parse_form(&bytes).map(PageForm).map_err(PageError::from)
        })
    }
}

pub fn parse_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    // In a urlencoded body a NUL is either a raw byte or the escape %00.
    if bytes.contains(&0) || bytes.windows(3).any(|w| w == b"%00") {
        return Err(AppError::BadRequest(
            "the form could not be read: a field contains a NUL character".into(),
        ));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| AppError::BadRequest("the form could not be read: it is not UTF-8".into()))?;
    // A form body is a query string: the same decoder reads both.
    web::Query::<T>::from_query(text)
        .map(web::Query::into_inner)
        .map_err(|e| AppError::BadRequest(format!("the form could not be read: {e}")))
}

fn unreadable(why: &str) -> PageError {
    PageError::App(AppError::BadRequest(format!("the form could not be read: {why}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Login {
        email: String,
    }

    #[test]
    fn a_nul_is_refused_but_an_escaped_percent_is_text() {
        assert!(parse_form::<Login>(b"email=a%00b").is_err());
        assert!(parse_form::<Login>(b"email=a\0b").is_err());
        assert_eq!(parse_form::<Login>(b"email=a%2500b").unwrap().email, "a%00b");
        assert_eq!(parse_form::<Login>(b"email=a+b%40c").unwrap().email, "a b@c");
    }
}
