//! `/reports/overdue`: overdue and due-soon checks, as JSON or CSV.

use actix_web::http::header::ACCEPT;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::app::AppState;
use crate::domain::validate;
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::service::reports::{self, OverdueReport};
use crate::service::today_in;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverdueQuery {
    /// The day to report for, YYYY-MM-DD (default today in `reminders.timezone`).
    #[param(schema_with = as_of)]
    pub as_of: Option<String>,
    /// How many days ahead count as due soon for rules without a lead time of their own
    /// (default `reminders.lead_days`).
    #[param(minimum = 0, maximum = 366)]
    pub lead_days: Option<u32>,
}

/// Its schema says what it is: a parameter's `schema_with` replaces its description.
fn as_of() -> utoipa::openapi::schema::Object {
    let mut schema = crate::domain::field_schema::date(false);
    schema.description = Some("The day to report for (default today in `reminders.timezone`)".into());
    schema
}

#[utoipa::path(get, path = "/api/v1/reports/overdue", tag = "reports", params(OverdueQuery),
    responses((status = 200, body = OverdueReport, description = "JSON; CSV with `Accept: text/csv`"),
              (status = 422, description = "A bad date or lead time")), security(("bearer" = [])))]
pub async fn overdue(
    state: web::Data<AppState>,
    _auth: Auth,
    req: HttpRequest,
    q: web::Query<OverdueQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let as_of = match q.as_of.as_deref() {
        Some(raw) => validate::date(raw).map_err(|message| AppError::invalid("as_of", message))?,
        None => today_in(state.settings.reminders.timezone),
    };
    let lead = q.lead_days.unwrap_or(state.settings.reminders.lead_days);
    if lead > 366 {
        return Err(AppError::invalid("lead_days", "must be at most 366"));
    }
    let report = state.read(move |c| reports::overdue(c, as_of, lead)).await?;
    let wants_csv = req
        .headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/csv"));
    if wants_csv {
        let body = reports::to_csv(&report)?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"overdue-{as_of}.csv\""),
            ))
            .body(body));
    }
    Ok(HttpResponse::Ok().json(report))
}
