//! Each request's id, its one log line, and its counts. The line names the route pattern
//! (`/api/v1/items/{tag}`), never the path, which may carry a tag, a name or a search.

use std::time::Instant;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use tracing::Instrument;

use super::counters::UNMATCHED;
use super::in_flight::Tracked;
use crate::app::AppState;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id a client (or the proxy in front) sent, when it is one we can log as it is: short,
/// and only characters that ids are made of (no spaces, no `@`, nothing to forge a line with).
fn sent_id(headers: &HeaderMap) -> Option<String> {
    let id = headers.get(&REQUEST_ID)?.to_str().ok()?;
    let sane = (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:+/=".contains(&b));
    sane.then(|| id.to_string())
}

fn new_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Wraps every request: an id (the sent one or a new one) in the answer's `X-Request-Id`
/// and on every line logged while it is handled, one line when it is answered, and its
/// counts when metrics are on.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let id = sent_id(req.headers()).unwrap_or_else(new_id);
    let method = req.method().clone();
    let route = req.match_pattern();
    let state = req.app_data::<web::Data<AppState>>();
    let counters = state.and_then(|state| state.counters.clone());
    let in_flight = state.map(|state| state.in_flight.start());
    let span = tracing::info_span!("request", request_id = %id);
    let answered = next.call(req).instrument(span).await;
    let latency = started.elapsed();
    let status = match &answered {
        Ok(response) => response.status(),
        Err(e) => e.as_response_error().status_code(),
    };
    let route = route.as_deref().unwrap_or(UNMATCHED);
    tracing::info!(
        target: "equiptrack::request",
        method = %method,
        route,
        status = status.as_u16(),
        latency_ms = (latency.as_secs_f64() * 1e6).round() / 1e3,
        request_id = %id,
        "request"
    );
    if let Some(counters) = counters {
        counters.record(&method, route, status.as_u16(), latency);
    }
    let mut response = answered?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(response.map_body(|_, body| match in_flight {
        Some(guard) => EitherBody::left(Tracked::new(body.boxed(), guard)),
        None => EitherBody::right(body),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(id: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(REQUEST_ID, HeaderValue::from_str(id).unwrap());
        h
    }

    #[test]
    fn a_sane_request_id_is_kept_and_anything_else_replaced() {
        assert_eq!(
            sent_id(&headers("4bf92f35-77b3.da6a:3a3e")).as_deref(),
            Some("4bf92f35-77b3.da6a:3a3e")
        );
        for bad in ["", "has space", "ann@example.org", &"x".repeat(129), "a\"b"] {
            assert_eq!(sent_id(&headers(bad)), None, "{bad:?}");
        }
        assert_eq!(sent_id(&HeaderMap::new()), None);
        let generated = new_id();
        assert_eq!(generated.len(), 32);
        assert_eq!(sent_id(&headers(&generated)).as_deref(), Some(generated.as_str()));
    }
}
