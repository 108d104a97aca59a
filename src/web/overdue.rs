//! `/office/overdue`: the checks overdue (and, if asked, due within some days), narrowed by
//! worker, postcode, rule and category, and the same rows as CSV. The filters are GET
//! parameters, so the CSV link carries them and a filtered list can be bookmarked.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError, web};
use maud::{Markup, html};

use super::item_page::status_words;
use super::page::{PageError, layout, pager, problem, report, respond};
use super::session::{PageUser, url_encode};
use crate::app::AppState;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::http::csv;
use crate::service::catalogue::CATEGORIES;
use crate::service::overdue::{self, DueCheck, MAX_WITHIN_DAYS, OverdueParams};
use crate::service::pages::Page;
use crate::service::today_in;
use crate::words::uk_date;

/// Rows on one page of the list (the CSV holds them all).
const PER_PAGE: i64 = 100;

const OFFICE_ONLY: &str = "the overdue list is for office staff";

/// The filters as a query string, without the page: what the CSV link and the pager add to.
fn query_of(p: &OverdueParams) -> String {
    [
        ("worker", &p.worker),
        ("postcode", &p.postcode),
        ("rule", &p.rule),
        ("category", &p.category),
        ("within", &p.within),
    ]
    .into_iter()
    .filter_map(|(k, v)| {
        v.as_deref()
            .filter(|v| !v.trim().is_empty())
            .map(|v| format!("{k}={}", url_encode(v)))
    })
    .collect::<Vec<_>>()
    .join("&")
}

/// The filter form. `suggest`: whether the worker box may ask for suggestions (the desk's
/// permission); without it the box still takes a typed address.
fn filters(p: &OverdueParams, suggest: bool) -> Markup {
    let chosen = |v: &Option<String>| v.clone().unwrap_or_default();
    let category = chosen(&p.category);
    html! {
        form method="get" action="/office/overdue" role="search" {
            div class="two" {
                div {
                    label for="worker" { "Worker: name or email" }
                    input id="worker" name="worker" type="search" autocomplete="off" maxlength="254"
                        list="worker-list" data-suggest=[suggest.then_some(super::suggest::STAFF)]
                        placeholder="Anyone" value=(chosen(&p.worker));
                    datalist id="worker-list" {}
                }
                div {
                    label for="postcode" { "Postcode starts with" }
                    input id="postcode" name="postcode" type="text" maxlength="16" value=(chosen(&p.postcode));
                }
            }
            div class="two" {
                div {
                    label for="rule" { "Check (rule name)" }
                    input id="rule" name="rule" type="text" maxlength="100" value=(chosen(&p.rule));
                }
                div {
                    label for="category" { "Category" }
                    select id="category" name="category" {
                        option value="" { "Any" }
                        @for c in CATEGORIES {
                            option value=(c) selected[c == category] { (c) }
                        }
                    }
                }
            }
            label for="within" { "Also due within (days)" }
            input id="within" name="within" type="number" min="0" max=(MAX_WITHIN_DAYS)
                value=(p.within.clone().unwrap_or_else(|| "0".into()));
            button type="submit" class="secondary" { "Filter" }
        }
        script src="/assets/suggest.js" defer {}
    }
}

fn table(rows: &[DueCheck]) -> Markup {
    html! {
        div class="scroll" {
            table {
                thead {
                    tr {
                        th { "Tag" } th { "Type" } th { "Check" } th { "Due" } th { "Status" }
                        th { "Client ref., postcode" } th { "Worker" }
                    }
                }
                tbody {
                    @for r in rows {
                        tr {
                            td { a href={ "/s/" (r.asset_tag) } { (r.asset_tag) } }
                            td { (r.type_name) }
                            td { (r.rule) }
                            td class=[r.overdue.then_some("overdue")] {
                                (uk_date(r.next_due))
                                @if r.overdue { " (" (r.days_overdue) " days overdue)" }
                            }
                            td { (status_words(r.status)) }
                            td {
                                (r.client_reference.as_deref().unwrap_or("—"))
                                @if let Some(pc) = &r.postcode { ", " (pc) }
                            }
                            td { (r.worker.as_deref().unwrap_or("no one")) }
                        }
                    }
                }
            }
        }
    }
}

/// GET `/office/overdue`.
pub async fn list(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<OverdueParams>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::UseOffice, OFFICE_ONLY)?;
    let params = q.into_inner();
    let suggest = user.may(Action::UseDesk);
    let parsed = params
        .filter()
        .and_then(|f| Ok((f, Page::parse(parse_page(&params)?, Some(PER_PAGE))?)));
    let (filter, page) = match parsed {
        Ok(ok) => ok,
        Err(e) => {
            // A bad filter: the form again with what is wrong, never a failure.
            let body = html! {
                h1 { "Overdue checks" }
                section class="panel" { (problem(Some(&report(&e)))) (filters(&params, suggest)) }
            };
            return Ok(respond(
                e.status_code(),
                layout("Overdue checks", Some(&user), body),
            ));
        }
    };
    let today = today_in(state.settings.reminders.timezone);
    let (shown, total) = state
        .read(move |c| overdue::page_of_checks(c, today, &filter, page))
        .await?;
    let query = query_of(&params);
    let body = html! {
        h1 { "Overdue checks" }
        section class="panel" {
            (filters(&params, suggest))
            p {
                (total) @if total == 1 { " check. " } @else { " checks. " }
                a class="button secondary" href={ "/office/overdue.csv?" (query) } download { "Download CSV" }
            }
            @if !shown.is_empty() { (table(&shown)) }
            (pager(&format!("/office/overdue?{query}&page="), page, total))
        }
    };
    Ok(respond(
        StatusCode::OK,
        layout("Overdue checks", Some(&user), body),
    ))
}

fn parse_page(p: &OverdueParams) -> Result<Option<i64>, AppError> {
    match p.page.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(n) => n
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid("page", "must be from 1 to 1000000")),
    }
}

/// GET `/office/overdue.csv`: the same rows, every page, as a spreadsheet reads them.
pub async fn csv(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<OverdueParams>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::UseOffice, OFFICE_ONLY)?;
    let filter = match q.filter() {
        Ok(f) => f,
        Err(e) => {
            return Ok(HttpResponse::build(e.status_code())
                .content_type("text/plain; charset=utf-8")
                .body(report(&e)));
        }
    };
    let today = today_in(state.settings.reminders.timezone);
    let rows = state.read(move |c| overdue::checks(c, today, &filter)).await?;
    Ok(csv::attachment_no_store(
        "overdue",
        today,
        overdue::to_csv(&rows)?,
    ))
}
