//! `/s/{tag}`: what a label's QR code opens. A verdict first, then the item, then exactly
//! the moves this person may make now. API clients with a bearer token get the JSON view.

use actix_web::http::StatusCode;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::form::PageForm;
use super::page::{PageError, csrf_field, html, layout};
use super::session::{PageUser, same_secret};
use crate::api::extract::Auth;
use crate::app::AppState;
use crate::domain::lifecycle::{Move, Status};
use crate::error::AppError;
use crate::mail::render::{escape, uk_date};
use crate::service::moves::{
    self, CheckBody, DecontaminateBody, FitBody, MoveRequest, ReasonBody, ReturnBody,
};
use crate::service::scan::{self, ScanResult};
use crate::service::today;

#[derive(Debug, Deserialize)]
pub struct Done {
    pub done: Option<String>,
}

pub fn status_words(s: Status) -> &'static str {
    match s {
        Status::InStore => "In store",
        Status::Issued => "Issued, not yet fitted",
        Status::InUse => "In use",
        Status::AwaitingDecontamination => "Awaiting decontamination",
        Status::Quarantined => "Quarantined",
        Status::Condemned => "Condemned",
    }
}

fn done_words(done: &str) -> Option<&'static str> {
    Some(match done {
        "fit" => "Fit recorded. Each check's clock has started.",
        "checks-pass" => "Check recorded as passed. Its next due date has moved on.",
        "checks-fail" => "Failed check recorded. The item is quarantined and stores have been told.",
        "return" => "Collection recorded. The item is on its way back to stores.",
        "quarantine" => "Quarantined. Nobody may use it until stores release it.",
        "release" => "Released from quarantine.",
        "decontaminate" => "Decontamination recorded. The item is back in store.",
        "condemn" => "Condemned.",
        _ => return None,
    })
}

/// GET `/s/{tag}`: the page for people, the JSON scan view for API clients.
#[utoipa::path(get, path = "/s/{tag}", tag = "scan", params(("tag" = String, Path)),
    responses((status = 200, body = ScanResult, description = "With a bearer token: the scan view as JSON; \
               with a session cookie: the item's HTML page"),
              (status = 303, description = "No session: to /login and back"), (status = 404, description = "No such item")),
    security(("bearer" = [])))]
pub async fn label(
    state: web::Data<AppState>,
    req: HttpRequest,
    tag: web::Path<String>,
    q: web::Query<Done>,
) -> Result<HttpResponse, PageError> {
    if req.headers().contains_key(AUTHORIZATION) {
        let Auth(actor) = Auth::extract(&req).await?;
        let url = state.public_url();
        let body = state.read(move |c| scan::assess(c, &actor, &tag, &url)).await?;
        return Ok(HttpResponse::Ok().json(body));
    }
    let user = PageUser::extract(&req).await?;
    let result = assess(&state, &user, &tag).await?;
    let done = q
        .done
        .as_deref()
        .and_then(done_words)
        .map(|d| format!("<p class=\"done\" role=\"status\">{d}</p>"));
    Ok(html(
        StatusCode::OK,
        &render(&user, &result, done.as_deref().unwrap_or("")),
    ))
}

async fn assess(state: &AppState, user: &PageUser, tag: &str) -> Result<ScanResult, AppError> {
    let (actor, tag, url) = (user.actor.clone(), tag.to_string(), state.public_url());
    state.read(move |c| scan::assess(c, &actor, &tag, &url)).await
}

#[derive(Debug, Default, Deserialize)]
pub struct MoveForm {
    pub csrf: String,
    pub version: Option<i64>,
    pub fitted_at: Option<String>,
    pub rule: Option<String>,
    pub outcome: Option<String>,
    pub notes: Option<String>,
    pub reason: Option<String>,
    pub method: Option<String>,
}

/// POST `/s/{tag}/{move}`: one move from the page, then back to the page saying what it did.
pub async fn act(
    state: web::Data<AppState>,
    user: PageUser,
    path: web::Path<(String, String)>,
    form: PageForm<MoveForm>,
) -> Result<HttpResponse, PageError> {
    let (tag, mv) = path.into_inner();
    let f = form.into_inner();
    if !same_secret(&user.csrf, &f.csrf) {
        return Err(
            AppError::Forbidden("this form had expired; reload the page and try again".into()).into(),
        );
    }
    let mut done = mv.clone();
    let request = match mv.as_str() {
        "fit" => MoveRequest::Fit(FitBody {
            client_id: None,
            fitted_at: f.fitted_at,
            notes: f.notes,
            expected_version: f.version,
        }),
        "checks" => {
            let failed = f.outcome.as_deref() == Some("fail");
            done = format!("checks-{}", if failed { "fail" } else { "pass" });
            MoveRequest::Check(CheckBody {
                rule: f.rule,
                outcome: f.outcome,
                performed_at: None,
                notes: f.notes,
                expected_version: f.version,
            })
        }
        "return" => MoveRequest::Return(ReturnBody {
            notes: f.notes,
            expected_version: f.version,
        }),
        "decontaminate" => MoveRequest::Decontaminate(DecontaminateBody {
            method: f.method,
            notes: f.notes,
            expected_version: f.version,
        }),
        "quarantine" => MoveRequest::Quarantine(ReasonBody {
            reason: f.reason,
            expected_version: f.version,
        }),
        "release" => MoveRequest::Release(ReasonBody {
            reason: f.reason,
            expected_version: f.version,
        }),
        "condemn" => MoveRequest::Condemn(ReasonBody {
            reason: f.reason,
            expected_version: f.version,
        }),
        _ => return Err(AppError::NotFound("there is no such move on this page".into()).into()),
    };
    let (actor, mail, moved_tag) = (user.actor.clone(), state.mail_context(), tag.clone());
    match state
        .write(move |c| moves::perform(c, &actor, &moved_tag, &request, &mail))
        .await
    {
        Ok(item) => {
            state.outbox.notify_one();
            Ok(HttpResponse::SeeOther()
                .insert_header(("Location", format!("/s/{}?done={done}", item.asset_tag)))
                .finish())
        }
        Err(e @ (AppError::Conflict { .. } | AppError::Validation(_) | AppError::Forbidden(_))) => {
            rerender(&state, &user, &tag, e).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The page again, with what went wrong above it and the status that says so.
async fn rerender(
    state: &AppState,
    user: &PageUser,
    tag: &str,
    error: AppError,
) -> Result<HttpResponse, PageError> {
    let status = actix_web::ResponseError::status_code(&error);
    let words = super::page::report(&error);
    let result = assess(state, user, tag).await?;
    let banner = format!(
        "<p class=\"error\" role=\"alert\">Not recorded: {}</p>",
        escape(&words)
    );
    Ok(html(status, &render(user, &result, &banner)))
}

fn render(user: &PageUser, r: &ScanResult, banner: &str) -> String {
    let item = &r.item;
    let verdict = if r.safe_to_use {
        "<section class=\"verdict safe\" aria-live=\"polite\"><strong>Safe to use</strong></section>"
            .to_string()
    } else {
        let reasons: String = r
            .reasons
            .iter()
            .map(|x| format!("<li>{}</li>", escape(&x.message)))
            .collect();
        format!(
            "<section class=\"verdict unsafe\" aria-live=\"polite\"><strong>Do not use</strong><ul>{reasons}</ul></section>"
        )
    };
    let client = item.client.as_ref().map_or("—".to_string(), |c| {
        let phone = c
            .phone
            .as_deref()
            .map(|p| format!("<br><a href=\"tel:{0}\">{0}</a>", escape(p)))
            .unwrap_or_default();
        format!(
            "{}<br>{}, {}{phone}",
            escape(&c.name),
            escape(&c.address),
            escape(&c.postcode)
        )
    });
    let worker = item.worker.as_ref().map_or("—".to_string(), |w| escape(&w.name));
    let today = today();
    let checks: String = item
        .checks_due
        .iter()
        .map(|d| {
            let next = d.next_due.map_or("—".to_string(), |n| {
                let class = if n < today { " class=\"overdue\"" } else { "" };
                format!("<span{class}>{}</span>", uk_date(n))
            });
            let last = d.last_checked_at.map_or("—".to_string(), uk_date);
            format!(
                "<tr><td>{}</td><td>{last}</td><td>{next}</td></tr>",
                escape(&d.rule)
            )
        })
        .collect();
    let details = format!(
        "<section class=\"panel\"><h1>{tag} <span class=\"muted\">{kind}</span></h1><dl>\
         <dt>Status</dt><dd>{status}</dd><dt>Serial</dt><dd>{serial}</dd><dt>Client</dt><dd>{client}</dd>\
         <dt>Worker</dt><dd>{worker}</dd><dt>Fitted</dt><dd>{fitted}</dd></dl>\
         <h2>Checks</h2><table><thead><tr><th>Check</th><th>Last</th><th>Next due</th></tr></thead><tbody>{checks}</tbody></table></section>",
        tag = escape(&item.asset_tag),
        kind = escape(&item.type_.name),
        status = status_words(item.status),
        serial = escape(item.serial_number.as_deref().unwrap_or("—")),
        fitted = item.fitted_at.map_or("—".to_string(), uk_date),
    );
    let actions: String = r.actions.iter().map(|mv| action_form(user, r, *mv)).collect();
    let actions = if actions.is_empty() {
        "<section class=\"panel\"><p class=\"muted\">There is nothing for you to record on this item now.</p></section>".to_string()
    } else {
        actions
    };
    layout(
        &item.asset_tag,
        Some(user),
        &format!("{verdict}{banner}{details}{actions}"),
    )
}

fn action_form(user: &PageUser, r: &ScanResult, mv: Move) -> String {
    let item = &r.item;
    let head = |title: &str| {
        format!(
            "<section class=\"panel\"><h2>{title}</h2><form method=\"post\" action=\"/s/{tag}/{path}\">{csrf}\
             <input type=\"hidden\" name=\"version\" value=\"{version}\">",
            tag = escape(&item.asset_tag),
            path = mv.path(),
            csrf = csrf_field(user),
            version = item.version,
        )
    };
    let id = |name: &str| format!("{}-{name}", mv.path());
    let reason = |button: &str| {
        format!(
            "<label for=\"{0}\">Reason</label><input id=\"{0}\" name=\"reason\" type=\"text\" required>\
             <button type=\"submit\">{button}</button></form></section>",
            id("reason")
        )
    };
    match mv {
        Move::Fit => format!(
            "{}<label for=\"{d}\">Date fitted</label><input id=\"{d}\" name=\"fitted_at\" type=\"date\" value=\"{today}\" max=\"{today}\">\
             <label for=\"{n}\">Notes (optional)</label><textarea id=\"{n}\" name=\"notes\"></textarea>\
             <button type=\"submit\">Record the fit</button></form></section>",
            head("Record the fit"),
            d = id("date"),
            n = id("notes"),
            today = today(),
        ),
        Move::Check => {
            let rules = &item.checks_due;
            let rule_field = match rules.as_slice() {
                [only] => format!("<input type=\"hidden\" name=\"rule\" value=\"{}\">", escape(&only.rule)),
                many => {
                    let options: String = many.iter().map(|d| format!("<option>{}</option>", escape(&d.rule))).collect();
                    format!("<label for=\"{0}\">Which check</label><select id=\"{0}\" name=\"rule\">{options}</select>", id("rule"))
                }
            };
            format!(
                "{}{rule_field}<label for=\"{n}\">Notes (say what failed)</label><textarea id=\"{n}\" name=\"notes\"></textarea>\
                 <div class=\"row\"><button class=\"pass\" type=\"submit\" name=\"outcome\" value=\"pass\">Passed</button>\
                 <button class=\"fail\" type=\"submit\" name=\"outcome\" value=\"fail\">Failed</button></div></form></section>",
                head("Record a check"),
                n = id("notes"),
            )
        }
        Move::Return => format!(
            "{}<label for=\"{n}\">Notes (optional)</label><textarea id=\"{n}\" name=\"notes\"></textarea>\
             <button type=\"submit\">Collect this item</button></form></section>",
            head("Collect"),
            n = id("notes"),
        ),
        Move::Decontaminate => format!(
            "{}<label for=\"{m}\">Method</label><input id=\"{m}\" name=\"method\" type=\"text\" required value=\"Chlorine 1000 ppm wipe\">\
             <button type=\"submit\">Record decontamination</button></form></section>",
            head("Decontaminate"),
            m = id("method"),
        ),
        Move::Quarantine => format!("{}{}", head("Quarantine"), reason("Quarantine this item")),
        Move::Release => format!("{}{}", head("Release from quarantine"), reason("Release")),
        Move::Condemn => format!("{}{}", head("Condemn"), reason("Condemn this item")),
        Move::Issue => "<section class=\"panel\"><h2>Issue</h2><p><a class=\"button\" href=\"/desk\">Issue from the desk</a></p></section>".to_string(),
    }
}
