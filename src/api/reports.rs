//! `/reports/overdue`: overdue and due-soon checks; `/reports/switchover`: the digital
//! switchover of telecare homes. Each as JSON, or CSV with `Accept: text/csv`.

use actix_web::http::header::ACCEPT;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::app::AppState;
use crate::domain::telecare::{Connection, SwitchoverStatus};
use crate::domain::validate;
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::http::csv;
use crate::service::pages::Page;
use crate::service::reports::{self, OverdueReport};
use crate::service::switchover::{self, FilterInput, SwitchoverReport};
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
    if wants_csv(&req) {
        return Ok(csv::attachment("overdue", as_of, reports::to_csv(&report)?));
    }
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SwitchoverQuery {
    /// Only homes at this stage of the switchover.
    #[param(schema_with = status_filter)]
    pub status: Option<String>,
    /// Only homes on this connection.
    #[param(schema_with = connection_filter)]
    pub connection: Option<String>,
    /// Only homes whose phone provider has not been told they rely on telecare.
    pub provider_not_told: Option<bool>,
    /// Only analogue homes left: not digital-ready and not yet migrated.
    pub analogue_left: Option<bool>,
    /// Only homes migrated with no end-to-end test call.
    pub untested: Option<bool>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

fn status_filter() -> utoipa::openapi::schema::Object {
    let mut schema = crate::domain::field_schema::one_of(&SwitchoverStatus::WORDS, false);
    schema.description = Some("Only homes at this stage of the switchover".into());
    schema
}

fn connection_filter() -> utoipa::openapi::schema::Object {
    let mut schema = crate::domain::field_schema::one_of(&Connection::WORDS, false);
    schema.description = Some("Only homes on this connection".into());
    schema
}

fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/csv"))
}

#[utoipa::path(get, path = "/api/v1/reports/switchover", tag = "reports", params(SwitchoverQuery),
    responses((status = 200, body = SwitchoverReport, description = "The counts over every home, and a page of \
                the homes the filters match; with `Accept: text/csv`, every home the filters match as CSV"),
              (status = 422, description = "An unknown status or connection, or a bad page")),
    security(("bearer" = [])))]
pub async fn switchover(
    state: web::Data<AppState>,
    _auth: Auth,
    req: HttpRequest,
    q: web::Query<SwitchoverQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let filter = switchover::filter_of(&FilterInput {
        status: q.status.as_deref(),
        connection: q.connection.as_deref(),
        provider_not_told: q.provider_not_told.unwrap_or(false),
        analogue_left: q.analogue_left.unwrap_or(false),
        untested: q.untested.unwrap_or(false),
    })?;
    let page = Page::parse(q.page, q.per_page)?;
    let today = today_in(state.settings.reminders.timezone);
    if wants_csv(&req) {
        let homes = state.read(move |c| switchover::every_home(c, &filter)).await?;
        return Ok(csv::attachment("switchover", today, switchover::to_csv(&homes)?));
    }
    let report = state
        .read(move |c| switchover::report(c, today, &filter, page))
        .await?;
    Ok(HttpResponse::Ok().json(report))
}
