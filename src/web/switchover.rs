//! `/office/switchover`: the digital switchover at a glance. The counts by connection and
//! status, the days to the switch-off, and every home's state on one page, narrowed by GET
//! parameters (so a filtered list can be bookmarked and the CSV link carries them); each
//! row links to the client's page, where the installation is edited.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::page::{PageError, layout, problem, report, respond};
use super::session::{PageUser, url_encode};
use crate::app::AppState;
use crate::domain::roles::Action;
use crate::domain::telecare::{Connection, SWITCH_OFF, SwitchoverStatus, untested};
use crate::http::csv;
use crate::service::switchover::{self, FilterInput, HomeState, SwitchoverCounts};
use crate::service::today_in;
use crate::words::uk_date;

const OFFICE_ONLY: &str = "the switchover page is for office staff";

/// The filters as a browser sends them: every field a text, perhaps empty.
#[derive(Debug, Default, Deserialize)]
pub struct SwitchoverParams {
    pub status: Option<String>,
    pub connection: Option<String>,
    pub provider_not_told: Option<String>,
    pub analogue_left: Option<String>,
    pub untested: Option<String>,
}

fn ticked(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|v| !v.trim().is_empty())
}

impl SwitchoverParams {
    fn input(&self) -> FilterInput<'_> {
        FilterInput {
            status: self.status.as_deref(),
            connection: self.connection.as_deref(),
            provider_not_told: ticked(&self.provider_not_told),
            analogue_left: ticked(&self.analogue_left),
            untested: ticked(&self.untested),
        }
    }

    /// The filters as a query string: what the CSV link adds.
    fn query(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [("status", &self.status), ("connection", &self.connection)] {
            if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                parts.push(format!("{k}={}", url_encode(v)));
            }
        }
        for (k, v) in [
            ("provider_not_told", &self.provider_not_told),
            ("analogue_left", &self.analogue_left),
            ("untested", &self.untested),
        ] {
            if ticked(v) {
                parts.push(format!("{k}=true"));
            }
        }
        parts.join("&")
    }
}

/// A connection in words a person reads.
pub fn connection_words(c: Connection) -> &'static str {
    match c {
        Connection::Pstn => "Analogue line (PSTN)",
        Connection::IpBroadband => "Broadband (IP)",
        Connection::SimSingle => "SIM, one network",
        Connection::SimDual => "SIM, two networks",
        Connection::DualPath => "Dual path (IP and SIM)",
    }
}

pub fn status_words(s: SwitchoverStatus) -> &'static str {
    match s {
        SwitchoverStatus::NotStarted => "Not started",
        SwitchoverStatus::Scheduled => "Scheduled",
        SwitchoverStatus::Migrated => "Migrated",
        SwitchoverStatus::Verified => "Verified",
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "Yes" } else { "No" }
}

fn filters(p: &SwitchoverParams) -> Markup {
    let chosen = |v: &Option<String>| v.clone().unwrap_or_default();
    let (status, connection) = (chosen(&p.status), chosen(&p.connection));
    html! {
        form method="get" action="/office/switchover" role="search" {
            div class="two" {
                div {
                    label for="status" { "Status" }
                    select id="status" name="status" {
                        option value="" { "Any" }
                        @for s in SwitchoverStatus::ALL {
                            option value=(s.as_str()) selected[s.as_str() == status] { (status_words(s)) }
                        }
                    }
                }
                div {
                    label for="connection" { "Connection" }
                    select id="connection" name="connection" {
                        option value="" { "Any" }
                        @for c in Connection::ALL {
                            option value=(c.as_str()) selected[c.as_str() == connection] { (connection_words(c)) }
                        }
                    }
                }
            }
            label class="check" {
                input type="checkbox" name="provider_not_told" value="true" checked[ticked(&p.provider_not_told)];
                " Phone provider not told"
            }
            label class="check" {
                input type="checkbox" name="analogue_left" value="true" checked[ticked(&p.analogue_left)];
                " Analogue homes left"
            }
            label class="check" {
                input type="checkbox" name="untested" value="true" checked[ticked(&p.untested)];
                " Migrated, no end-to-end test"
            }
            button type="submit" class="secondary" { "Filter" }
        }
    }
}

fn counts_table(c: &SwitchoverCounts) -> Markup {
    html! {
        div class="scroll" {
            table id="switchover-counts" {
                thead {
                    tr {
                        th { "Connection" }
                        @for s in SwitchoverStatus::ALL { th { (status_words(s)) } }
                        th { "Homes" }
                    }
                }
                tbody {
                    @for row in &c.by_connection {
                        tr {
                            td { (row.connection.map(connection_words).unwrap_or("")) }
                            @for s in SwitchoverStatus::ALL { td { (row.of(s)) } }
                            td { (row.total) }
                        }
                    }
                    tr {
                        th { "All" }
                        @for s in SwitchoverStatus::ALL { th { (c.all_connections.of(s)) } }
                        th { (c.all_connections.total) }
                    }
                }
            }
        }
    }
}

fn summary(c: &SwitchoverCounts) -> Markup {
    let days = c.days_to_switch_off;
    html! {
        p id="days-left" class=[(days <= 60).then_some("overdue")] {
            @if days >= 0 {
                strong { (days) } " days to the analogue switch-off on " (uk_date(SWITCH_OFF)) "."
            } @else {
                "The analogue network was switched off on " (uk_date(SWITCH_OFF)) "."
            }
        }
        ul id="switchover-summary" {
            li { a href="/office/switchover?analogue_left=true" { "Analogue homes left: " strong { (c.analogue_left) } } }
            li { a href="/office/switchover?untested=true" { "Migrated, no end-to-end test: " strong { (c.migrated_untested) } } }
            li { a href="/office/switchover?provider_not_told=true" { "Phone provider not told: " strong { (c.provider_not_told) } } }
            li { "Digital-ready: " strong { (c.digital_ready) } " of " (c.homes) " homes" }
        }
    }
}

fn day(d: Option<chrono::NaiveDate>) -> String {
    d.map(uk_date).unwrap_or_else(|| "—".into())
}

fn homes_table(homes: &[HomeState]) -> Markup {
    html! {
        div class="scroll" {
            table id="switchover-homes" {
                thead {
                    tr {
                        th { "Client ref." } th { "Postcode" } th { "Connection" } th { "Digital-ready" }
                        th { "Status" } th { "Scheduled" } th { "Migrated" } th { "Tested end to end" }
                        th { "Provider told" }
                    }
                }
                tbody {
                    @for h in homes {
                        tr {
                            td { a href={ "/office/clients/" (h.client_id) } { (h.client_reference) } }
                            td { (h.postcode) }
                            td { (connection_words(h.connection)) }
                            td { (yes_no(h.digital_ready)) }
                            td { (status_words(h.status)) }
                            td { (day(h.scheduled_on)) }
                            td { (day(h.migrated_on)) }
                            td class=[untested(h.status, h.end_to_end_test_on.is_some()).then_some("overdue")] {
                                (day(h.end_to_end_test_on))
                            }
                            td class=[(!h.provider_told).then_some("overdue")] { (yes_no(h.provider_told)) }
                        }
                    }
                }
            }
        }
    }
}

/// GET `/office/switchover`.
pub async fn page(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<SwitchoverParams>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::UseOffice, OFFICE_ONLY)?;
    let params = q.into_inner();
    let title = "Digital switchover";
    let filter = match switchover::filter_of(&params.input()) {
        Ok(f) => f,
        Err(e) => {
            // A bad filter: the form again with what is wrong, never a failure.
            let body = html! {
                h1 { (title) }
                section class="panel" { (problem(Some(&report(&e)))) (filters(&params)) }
            };
            return Ok(respond(e.status_code(), layout(title, Some(&user), body)));
        }
    };
    let today = today_in(state.settings.reminders.timezone);
    let (counts, homes) = state
        .read(move |c| Ok((switchover::counts(c, today)?, switchover::every_home(c, &filter)?)))
        .await?;
    let query = params.query();
    let body = html! {
        h1 { (title) }
        section class="panel" {
            (summary(&counts))
            h2 { "Homes by connection and status" }
            (counts_table(&counts))
        }
        section class="panel" {
            h2 { "Every home" }
            (filters(&params))
            p id="homes-count" {
                (homes.len()) @if homes.len() == 1 { " home. " } @else { " homes. " }
                a class="button secondary" href={ "/office/switchover.csv?" (query) } download { "Download CSV" }
            }
            @if !homes.is_empty() { (homes_table(&homes)) }
        }
    };
    Ok(respond(StatusCode::OK, layout(title, Some(&user), body)))
}

/// GET `/office/switchover.csv`: the homes the filters match, every one.
pub async fn csv(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<SwitchoverParams>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::UseOffice, OFFICE_ONLY)?;
    let filter = match switchover::filter_of(&q.input()) {
        Ok(f) => f,
        Err(e) => {
            return Ok(HttpResponse::build(e.status_code())
                .content_type("text/plain; charset=utf-8")
                .body(report(&e)));
        }
    };
    let today = today_in(state.settings.reminders.timezone);
    let homes = state.read(move |c| switchover::every_home(c, &filter)).await?;
    Ok(csv::attachment_no_store(
        "switchover",
        today,
        switchover::to_csv(&homes)?,
    ))
}
