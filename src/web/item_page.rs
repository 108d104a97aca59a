//! `/s/{tag}`: what a label's QR code opens. A verdict first, then the item, then exactly
//! the moves this person may make now. API clients with a bearer token get the JSON view.
//! A kit's tag (`KIT-…`) opens the kit's page, and its moves post to the kit's (`kit_page`).

use actix_web::http::StatusCode;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::check_forms::{self, Refused};
use super::exam_form::{self, CheckTyped};
use super::form::{Fields, MOVE_FORM_LIMIT, PageForm};
use super::handover_form;
use super::page::{PageError, csrf_field, layout, respond};
use super::refusal;
use super::session::PageUser;
use crate::app::AppState;
use crate::domain::asset_tag::AssetTag;
use crate::domain::examination::Examiner;
use crate::domain::lifecycle::Outcome;
use crate::domain::lifecycle::{CondemnReason, Move, Status};
use crate::error::AppError;
use crate::http::auth::Auth;
use crate::service::examinations::{self, CheckView};
use crate::service::kits;
use crate::service::moves::{
    self, CondemnBody, DecontaminateBody, FitBody, MoveRequest, ReasonBody, ReturnBody,
};
use crate::service::scan::{self, ScanResult};
use crate::service::today;
use crate::words::uk_date;

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

fn condemn_words(code: CondemnReason) -> &'static str {
    match code {
        CondemnReason::BeyondRepair => "Beyond repair",
        CondemnReason::Lost => "Lost",
        CondemnReason::LeftInPlace => "Left in the client's home",
        CondemnReason::NotEconomicToCollect => "Not economic to collect",
        CondemnReason::Recalled => "Recalled",
        CondemnReason::Other => "Other (say why)",
    }
}

fn done_words(done: &str) -> Option<&'static str> {
    Some(match done {
        "fit" => "Fit recorded. Each check's clock has started.",
        "checks-pass" => "Check recorded as passed. Its next due date has moved on.",
        "checks-fail" => "Failed check recorded. The item is quarantined and stores have been told.",
        "checks-defect" => {
            "Examination recorded as passed, with an open defect: it must be remedied by its date, \
             or the item may not be used after it."
        }
        "return" => "Collection recorded. The item is on its way back to stores.",
        "quarantine" => "Quarantined. Nobody may use it until stores release it.",
        "release" => "Released from quarantine.",
        "decontaminate" => "Decontamination recorded. The item is back in store.",
        "condemn" => "Condemned. Its checks have ended.",
        _ => return None,
    })
}

/// GET `/s/{tag}`: the page for people, and for an API client with a bearer token the JSON
/// scan view that `GET /api/v1/scan` documents (the pages are not in the API document).
pub async fn label(
    state: web::Data<AppState>,
    req: HttpRequest,
    tag: web::Path<String>,
    q: web::Query<Done>,
) -> Result<HttpResponse, PageError> {
    let is_kit = AssetTag::parse(&tag).is_ok_and(|t| t.is_kit());
    if req.headers().contains_key(AUTHORIZATION) {
        let Auth(actor) = Auth::extract(&req).await?;
        let url = state.public_url();
        // What `GET /api/v1/scan` answers for this tag.
        if is_kit {
            let body = state.read(move |c| kits::view(c, &actor, &tag, &url)).await?;
            return Ok(HttpResponse::Ok().json(body));
        }
        let body = state.read(move |c| scan::assess(c, &actor, &tag, &url)).await?;
        return Ok(HttpResponse::Ok().json(body));
    }
    let user = PageUser::extract(&req).await?;
    if is_kit {
        return super::kit_page::page(&state, &user, tag.into_inner(), q.done.as_deref()).await;
    }
    let found = assess(&state, &user, &tag).await?;
    let done = html! {
        @if let Some(done) = q.done.as_deref().and_then(done_words) {
            p class="done" role="status" { (done) }
        }
    };
    Ok(respond(StatusCode::OK, render(&user, &found, done, None)))
}

/// What the page shows: the verdict and moves, the checks recorded, and the examiner the
/// examination form starts from.
struct Found {
    scan: ScanResult,
    checks: Vec<CheckView>,
    examiner: Option<Examiner>,
    /// The tag of the kit the item is in, if any.
    kit: Option<String>,
}

async fn assess(state: &AppState, user: &PageUser, tag: &str) -> Result<Found, AppError> {
    let (actor, tag, url) = (user.actor.clone(), tag.to_string(), state.public_url());
    state
        .read(move |c| {
            let scan = scan::assess(c, &actor, &tag, &url)?;
            Ok(Found {
                checks: examinations::list(c, &scan.item.asset_tag)?,
                examiner: examinations::last_examiner(c, &actor)?,
                kit: kits::kit_of_item(c, scan.item.id)?,
                scan,
            })
        })
        .await
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
    pub reason_code: Option<String>,
    pub performed_at: Option<String>,
    pub method: Option<String>,
}

/// POST `/s/{tag}/{move}`: one move from the page, then back to the page saying what it did.
/// A kit's tag is a kit's move (`kit_page::act`).
pub async fn act(
    state: web::Data<AppState>,
    user: PageUser,
    path: web::Path<(String, String)>,
    form: PageForm<Fields, MOVE_FORM_LIMIT>,
) -> Result<HttpResponse, PageError> {
    let (tag, mv) = path.into_inner();
    let fields = form.into_inner();
    if AssetTag::parse(&tag).is_ok_and(|t| t.is_kit()) {
        return super::kit_page::act(state, user, tag, mv, fields).await;
    }
    let handover = handover_form::read(&fields)?;
    let f: MoveForm = fields.read()?;
    user.check_form(&f.csrf)?;
    let typed = (mv == Move::Check.path()).then(|| CheckTyped::read(&fields));
    let no_such_move = || AppError::NotFound("there is no such move on this page".into());
    let the_move = Move::ALL
        .into_iter()
        .find(|m| m.path() == mv)
        .ok_or_else(no_such_move)?;
    let mut done = mv.clone();
    let reason = || ReasonBody {
        reason: f.reason,
        expected_version: f.version,
    };
    let request = match the_move {
        Move::Fit => MoveRequest::Fit(FitBody {
            client_id: None,
            fitted_at: f.fitted_at,
            notes: f.notes,
            handover,
            expected_version: f.version,
        }),
        Move::Check => {
            let failed = f.outcome.as_deref() == Some("fail");
            done = format!("checks-{}", if failed { "fail" } else { "pass" });
            let typed = typed.as_ref().expect("read for a check");
            match typed.body(f.outcome, f.version) {
                Ok(body) => MoveRequest::Check(body),
                Err(e) => return rerender(&state, &user, &tag, e, Some(typed.clone())).await,
            }
        }
        Move::Return => MoveRequest::Return(ReturnBody {
            notes: f.notes,
            handover,
            expected_version: f.version,
        }),
        Move::Decontaminate => MoveRequest::Decontaminate(DecontaminateBody {
            method: f.method,
            notes: f.notes,
            expected_version: f.version,
        }),
        Move::Quarantine => MoveRequest::Quarantine(reason()),
        Move::Release => MoveRequest::Release(reason()),
        Move::Condemn => {
            let ReasonBody {
                reason,
                expected_version,
            } = reason();
            MoveRequest::Condemn(CondemnBody {
                reason_code: f.reason_code,
                reason,
                expected_version,
            })
        }
        // Issuing needs a client and a worker: the desk's business, not a label's page.
        Move::Issue => return Err(no_such_move().into()),
    };
    let (actor, mail, moved_tag) = (user.actor.clone(), state.mail_context(), tag.clone());
    match state
        .write(move |c| moves::perform(c, &actor, &moved_tag, &request, &mail))
        .await
    {
        Ok(item) => {
            state.outbox.notify_one();
            if typed.as_ref().is_some_and(|t| t.exam.is_some()) {
                done = examination_done(&state, &item.asset_tag).await?.to_string();
            }
            Ok(HttpResponse::SeeOther()
                .insert_header(("Location", format!("/s/{}?done={done}", item.asset_tag)))
                .finish())
        }
        Err(e @ (AppError::Conflict { .. } | AppError::Validation(_) | AppError::Forbidden(_))) => {
            rerender(&state, &user, &tag, e, typed).await
        }
        Err(e) => Err(e.into()),
    }
}

/// What the examination just recorded came to, from the record the service wrote (the rule
/// for the outcome is the service's, not the page's): the item's newest check.
async fn examination_done(state: &AppState, tag: &str) -> Result<&'static str, AppError> {
    let tag = tag.to_string();
    let checks = state.read(move |c| examinations::list(c, &tag)).await?;
    let newest = checks.iter().max_by_key(|c| c.id);
    Ok(match newest {
        Some(c) if c.outcome == Outcome::Fail => "checks-fail",
        Some(c) if c.defects.iter().any(|d| d.remedied_on.is_none()) => "checks-defect",
        _ => "checks-pass",
    })
}

/// The page again, with what went wrong above it and the status that says so.
async fn rerender(
    state: &AppState,
    user: &PageUser,
    tag: &str,
    error: AppError,
    typed: Option<CheckTyped>,
) -> Result<HttpResponse, PageError> {
    let status = actix_web::ResponseError::status_code(&error);
    let found = assess(state, user, tag).await?;
    // A check's refusal goes above the form it concerns, with what was typed still in it;
    // any other above the page.
    let shown = typed.filter(|t| found.scan.item.checks_due.iter().any(|d| d.rule == t.rule));
    if let Some(typed) = shown {
        error.log();
        let refused = Refused {
            problems: exam_form::problems(&error),
            typed,
        };
        let banner = check_forms::refused_banner(&found.scan.item, &refused);
        return Ok(respond(status, render(user, &found, banner, Some(&refused))));
    }
    let words = refusal::words(&error, handover_form::NAMES);
    let banner = html! { p class="error" role="alert" { "Not recorded: " (words) } };
    Ok(respond(status, render(user, &found, banner, None)))
}

fn render(user: &PageUser, found: &Found, banner: Markup, refused: Option<&Refused>) -> Markup {
    let r = &found.scan;
    let item = &r.item;
    let body = html! {
        @if r.safe_to_use {
            section class="verdict safe" aria-live="polite" { strong { "Safe to use" } }
        } @else {
            section class="verdict unsafe" aria-live="polite" {
                strong { "Do not use" }
                ul { @for reason in &r.reasons { li { (reason.message) } } }
            }
        }
        (banner)
        section class="panel" {
            h1 { (item.asset_tag) " " span class="muted" { (item.type_.name) } }
            dl {
                dt { "Status" } dd { (status_words(item.status)) }
                dt { "Serial" } dd { (item.serial_number.as_deref().unwrap_or("—")) }
                dt { "Client" }
                dd {
                    @if let Some(c) = &item.client {
                        (c.name) br; (c.address) ", " (c.postcode)
                        @if let Some(phone) = &c.phone {
                            br; a href={ "tel:" (phone) } { (phone) }
                        }
                    } @else {
                        "—"
                    }
                }
                dt { "Worker" } dd { (item.worker.as_ref().map_or("—", |w| w.name.as_str())) }
                dt { "Fitted" } dd { (item.fitted_at.map_or("—".to_string(), uk_date)) }
                @if let Some(kit) = &found.kit {
                    dt { "Kit" } dd { a href={ "/s/" (kit) } { (kit) } }
                }
            }
            (check_forms::dates(item, &found.checks))
            p { a href={ "/s/" (item.asset_tag) "/history" } { "Everything that happened to this item" } }
        }
        @if r.actions.is_empty() {
            section class="panel" {
                p class="muted" { "There is nothing for you to record on this item now." }
            }
        }
        @for mv in &r.actions {
            @if *mv == Move::Check {
                (check_forms::forms(user, item, found.examiner.as_ref(), refused))
            } @else {
                (action_form(user, r, *mv))
            }
        }
    };
    layout(&item.asset_tag, Some(user), body)
}

fn action_form(user: &PageUser, r: &ScanResult, mv: Move) -> Markup {
    let item = &r.item;
    let id = |name: &str| format!("{}-{name}", mv.path());
    let notes = |label: &str| {
        html! {
            label for=(id("notes")) { (label) }
            textarea id=(id("notes")) name="notes" {}
        }
    };
    let reason = |button: &str| {
        html! {
            label for=(id("reason")) { "Reason" }
            input id=(id("reason")) name="reason" type="text" required;
            button type="submit" { (button) }
        }
    };
    let (title, fields) = match mv {
        Move::Issue => {
            return html! {
                section class="panel" {
                    h2 { "Issue" }
                    p { a class="button" href="/desk" { "Issue from the desk" } }
                }
            };
        }
        Move::Fit => (
            "Record the fit",
            html! {
                label for=(id("date")) { "Date fitted" }
                input id=(id("date")) name="fitted_at" type="date" value=(today().to_string()) max=(today().to_string());
                (notes("Notes (optional)"))
                (handover_form::fields(mv.path(), false))
                button type="submit" { "Record the fit" }
            },
        ),
        // Each rule has its own form: `check_forms`.
        Move::Check => return html! {},
        Move::Return => (
            "Collect",
            html! {
                (notes("Notes (optional)"))
                // A hand-over is someone at a client's home.
                @if item.client.is_some() { (handover_form::fields(mv.path(), true)) }
                button type="submit" { "Collect this item" }
            },
        ),
        Move::Decontaminate => (
            "Decontaminate",
            html! {
                label for=(id("method")) { "Method" }
                input id=(id("method")) name="method" type="text" required value="Chlorine 1000 ppm wipe";
                button type="submit" { "Record decontamination" }
            },
        ),
        Move::Quarantine => ("Quarantine", reason("Quarantine this item")),
        Move::Release => ("Release from quarantine", reason("Release")),
        Move::Condemn => (
            "Condemn",
            html! {
                label for=(id("code")) { "Why" }
                select id=(id("code")) name="reason_code" required {
                    option value="" { "—" }
                    @for code in CondemnReason::ALL { option value=(code.as_str()) { (condemn_words(code)) } }
                }
                (reason("Condemn this item"))
            },
        ),
    };
    html! {
        section class="panel" id=(mv.path()) {
            h2 { (title) }
            form method="post" action={ "/s/" (item.asset_tag) "/" (mv.path()) } {
                (csrf_field(user))
                input type="hidden" name="version" value=(item.version);
                (fields)
            }
        }
    }
}
