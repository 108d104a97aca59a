//! `/telecare/events`: a monitoring centre's events sent in (a CSV export or a JSON array,
//! with a bearer token or as a signed webhook), and the events kept for an item read back.

use actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE};
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::api::extract::IMPORT_LIMIT;
use crate::app::AppState;
use crate::domain::centre_events::{self, CentreEventKind, SIGNATURE_HEADER};
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::http::body::read_body;
use crate::service::centre_events::{self as service, ImportCounts, KeptEventView};
use crate::service::notify::MailContext;
use crate::service::pages::{Page, Paged};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/telecare/events")
            .get(list_events)
            .post(import_events),
    );
}

/// How a body was sent.
#[derive(Clone, Copy)]
enum Format {
    Csv,
    Json,
}

fn format_of(req: &HttpRequest) -> Result<Format, AppError> {
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("text/csv") {
        Ok(Format::Csv)
    } else if content_type.starts_with("application/json") {
        Ok(Format::Json)
    } else {
        Err(AppError::UnsupportedMediaType(
            "send a CSV export as text/csv or a JSON array as application/json".into(),
        ))
    }
}

/// One event of a JSON array, for the document only (`service::centre_events` reads it).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct CentreEvent {
    /// The unit's reference at its monitoring centre (a telecare installation's); or `serial`.
    reference: Option<String>,
    /// The item's serial number; or `reference`.
    serial: Option<String>,
    kind: CentreEventKind,
    /// RFC 3339; kept to the second, in UTC.
    #[schema(format = DateTime)]
    occurred_at: String,
    /// The monitoring centre: narrows a reference used at several centres.
    centre: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/telecare/events", tag = "telecare",
    request_body(content(
        (String = "text/csv"),
        (Vec<CentreEvent> = "application/json")),
        description = "A monitoring centre's events: a CSV export (a header naming kind, occurred_at (RFC 3339) \
            and reference or serial, optionally centre, in any order and case; then one event a line) or a JSON \
            array. A test call, heartbeat or low battery records a pass of \
            the item's test call rule by \"Monitoring centre\" (at most one a day: only a day later than its \
            last check); a low battery opens a defect to remedy within 3 days, a fault fails the test call \
            (the item quarantined) with a dangerous defect, each mailed once to the item's worker (stores \
            when none). The same event (unit, kind, time to the second) is kept once. Sent with a bearer \
            token (admin, stores), or without one as a webhook signed in X-Equiptrack-Signature."),
    params((
        "X-Equiptrack-Signature" = Option<String>, Header,
        description = "Without a bearer token: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\"> under \
            telecare.webhook_secret; refused when more than 300 seconds from the server's clock"
    )),
    responses(
        (status = 200, body = ImportCounts, description = "What was recorded; lines that named no unit, or \
            had a bad field, are listed in `refused` with their line (CSV) or index (JSON)"),
        (status = 400, description = "The JSON body is not JSON"),
        (status = 401, description = "No valid token, or (as a webhook) no signature, a wrong one, a stale \
            one (its time more than 300 seconds off), or the webhook is off (telecare.webhook_secret empty)"),
        (status = 403, description = "The caller's role may not import events"),
        (status = 413, description = "Over 32 MiB"),
        (status = 415, description = "Neither text/csv nor application/json"),
        (status = 422, description = "A CSV header without kind, occurred_at and reference or serial (the \
            header is checked: a well-formed string is not enough), or a JSON body that is not an array of events"),
        (status = 503, description = "The database stayed busy past database.busy_timeout_ms")),
    security((), ("bearer" = [])))]
pub async fn import_events(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let signed = !req.headers().contains_key(AUTHORIZATION);
    if signed {
        // No token: only a signed delivery, and only when a secret is set.
        if state.settings.telecare.webhook_secret.is_empty() || !req.headers().contains_key(SIGNATURE_HEADER)
        {
            return Err(AppError::Unauthorized);
        }
    } else {
        let Auth(actor) = Auth::extract(&req).await?;
        actor.require(Action::ImportCentreEvents)?;
    }
    let format = format_of(&req)?;
    let body = read_body(&req, payload.into_inner(), IMPORT_LIMIT).await?;
    if signed {
        let header = req
            .headers()
            .get(SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let now = chrono::Utc::now().timestamp();
        centre_events::verify(
            state.settings.telecare.webhook_secret.as_bytes(),
            header,
            &body,
            now,
        )
        .map_err(|refusal| AppError::SignatureRefused(refusal.to_string()))?;
    }
    let db = state.db.clone();
    let mail = MailContext::from_settings(&state.settings);
    let counts = web::block(move || {
        // Read outside the write lock: only the recording holds it.
        let parsed = match format {
            Format::Csv => service::parse_csv(&body)?,
            Format::Json => service::parse_json(&body)?,
        };
        drop(body);
        db.write(|c| service::record(c, parsed, &mail))
    })
    .await??;
    Ok(HttpResponse::Ok().json(counts))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// The item's asset tag (as printed or scanned).
    #[param(min_length = 1)]
    pub item: String,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// Rows per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/telecare/events", tag = "telecare", params(EventsQuery),
    responses((status = 200, body = Paged<KeptEventView>, description = "The events kept for the item, newest first"),
              (status = 401, description = "No valid token"),
              (status = 404, description = "No item has that tag"),
              (status = 422, description = "No item given (a missing `item` is a bad query), or a bad page or per_page")),
    security(("bearer" = [])))]
pub async fn list_events(
    state: web::Data<AppState>,
    _auth: Auth,
    q: web::Query<EventsQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let page = Page::parse(q.page, q.per_page)?;
    let tag = q.item;
    if tag.is_empty() {
        return Err(AppError::invalid("item", "is required: the item's asset tag"));
    }
    let body = state.read(move |c| service::of_item(c, &tag, page)).await?;
    Ok(HttpResponse::Ok().json(body))
}
