//! `/s/KIT-…`: what a kit's label opens. The kit's verdict first, big, then each member with
//! its own verdict and a link to its page, then the kit's moves this person may make now
//! (the same `kits::moves::perform` the API's kit moves call: the page only reads the form),
//! then its newest history. `/s/KIT-…/history` is all of the kit's history, a page at a time.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::form::Fields;
use super::handover_form;
use super::item_page::status_words;
use super::page::{PageError, csrf_field, layout, respond};
use super::refusal::{self, Refused, Values};
use super::session::PageUser;
use crate::app::AppState;
use crate::domain::lifecycle::Move;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::service::kits::moves::{self as kit_moves, KitMoveRequest, KitReturnBody};
use crate::service::kits::{self, KitEventView, KitView};
use crate::service::moves::{DecontaminateBody, FitBody, IssueBody};
use crate::service::pages::Page;
use crate::service::{clients, desk, today};

/// The newest entries of the kit's history the page shows.
const HISTORY_SHOWN: i64 = 20;

/// The kit's page for a person signed in; `done` names the move just recorded.
pub async fn page(
    state: &AppState,
    user: &PageUser,
    tag: String,
    done: Option<&str>,
) -> Result<HttpResponse, PageError> {
    let (kit, history) = read(state, user, tag).await?;
    let banner = html! {
        @if let Some(words) = done.and_then(done_words) {
            p class="done" role="status" { (words) }
        }
    };
    Ok(respond(
        StatusCode::OK,
        render(user, &kit, &history, banner, None),
    ))
}

async fn read(
    state: &AppState,
    user: &PageUser,
    tag: String,
) -> Result<(KitView, Vec<KitEventView>), AppError> {
    let (actor, url) = (user.actor.clone(), state.public_url());
    state
        .read(move |c| {
            let kit = kits::view(c, &actor, &tag, &url)?;
            let page = Page::parse(Some(1), Some(HISTORY_SHOWN))?;
            let history = kits::history_newest_first(c, &kit.kit.tag, page)?;
            Ok((kit, history.items))
        })
        .await
}

fn done_words(done: &str) -> Option<&'static str> {
    Some(match done {
        "issue" => "Kit issued: every member is with the worker.",
        "fit" => "Fit recorded for every member. Each check's clock has started.",
        "return" => "Collection recorded. Any member ticked missing stays where it was, recorded as missing.",
        "decontaminate" => "Decontamination recorded. Every member is back in store.",
        _ => return None,
    })
}

/// The kit's move form as a browser sends it: every field, empty when left blank (none).
#[derive(Debug, Default, Deserialize)]
struct KitForm {
    csrf: String,
    version: Option<i64>,
    /// The client's reference, as the desk's search box takes it.
    client: Option<String>,
    /// The worker's email, as the desk's search box takes it.
    worker: Option<String>,
    fitted_at: Option<String>,
    notes: Option<String>,
    method: Option<String>,
}

/// POST `/s/KIT-…/{move}` (dispatched from `item_page::act`): one kit move, then back to
/// the kit's page saying what it did; refused, the page again with each refused member's
/// words beside the form and what was typed still in it.
pub async fn act(
    state: web::Data<AppState>,
    user: PageUser,
    tag: String,
    mv: String,
    fields: Fields,
) -> Result<HttpResponse, PageError> {
    let f: KitForm = fields.read()?;
    user.check_form(&f.csrf)?;
    let handover = handover_form::read(&fields)?;
    let no_such_move = || AppError::NotFound("there is no such move for a kit".into());
    let the_move = Move::KIT
        .into_iter()
        .find(|m| m.path() == mv)
        .ok_or_else(no_such_move)?;
    let (client, worker) = (f.client.clone(), f.worker.clone());
    let mut request = match the_move {
        Move::Issue => KitMoveRequest::Issue(IssueBody {
            client_id: None,
            worker_id: None,
            notes: f.notes,
            expected_version: f.version,
        }),
        Move::Fit => KitMoveRequest::Fit(FitBody {
            client_id: None,
            fitted_at: f.fitted_at,
            notes: f.notes,
            handover,
            expected_version: f.version,
        }),
        Move::Return => {
            let missing: Vec<String> = fields.all("missing").into_iter().map(String::from).collect();
            KitMoveRequest::Return(KitReturnBody {
                notes: f.notes,
                handover,
                missing: (!missing.is_empty()).then_some(missing),
                expected_version: f.version,
            })
        }
        Move::Decontaminate => KitMoveRequest::Decontaminate(DecontaminateBody {
            method: f.method,
            notes: f.notes,
            expected_version: f.version,
        }),
        _ => return Err(no_such_move().into()),
    };
    let (actor, mail, moved) = (user.actor.clone(), state.mail_context(), tag.clone());
    let result = state
        .write(move |c| {
            // The search boxes name a client by reference and a worker by email, as at the
            // desk; the move takes their ids.
            if let KitMoveRequest::Issue(body) = &mut request {
                if let Some(client) = client.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                    body.client_id = Some(clients::by_reference(c, "client", client)?.id);
                }
                if let Some(worker) = worker.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                    body.worker_id = Some(desk::responsible_by_email(c, worker)?);
                }
            }
            kit_moves::perform(c, &actor, &moved, request, &mail)
        })
        .await;
    match result {
        Ok(kit) => {
            state.outbox.notify_one();
            Ok(HttpResponse::SeeOther()
                .insert_header(("Location", format!("/s/{}?done={mv}", kit.kit.tag)))
                .finish())
        }
        Err(e @ (AppError::Conflict { .. } | AppError::Validation(_) | AppError::Forbidden(_))) => {
            let status = actix_web::ResponseError::status_code(&e);
            let members = refused_members(&e);
            let refused = Refused::new(mv, &e, handover_form::NAMES, fields);
            let (kit, history) = read(&state, &user, tag).await?;
            let banner = html! { p class="error" role="alert" { "Not recorded: nothing moved. " a href={ "#kit-" (refused.form) } { "See why, beside the form." } } };
            Ok(respond(
                status,
                render(&user, &kit, &history, banner, Some((&refused, &members))),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Each refused member in words, "EQ-000002: …", from the refusal the service answered.
fn refused_members(error: &AppError) -> Vec<String> {
    let AppError::Conflict {
        extra: Some(extra), ..
    } = error
    else {
        return Vec::new();
    };
    let Some(refused) = extra.get("refused_members").and_then(|r| r.as_array()) else {
        return Vec::new();
    };
    refused
        .iter()
        .map(|r| {
            let tag = r["tag"].as_str().unwrap_or("a member");
            let words = match r.get("errors").and_then(|e| e.as_array()) {
                Some(errors) => errors
                    .iter()
                    .map(|e| {
                        format!(
                            "{}: {}",
                            refusal::label(handover_form::NAMES, e["field"].as_str().unwrap_or("")),
                            e["message"].as_str().unwrap_or("")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                None => r["detail"].as_str().unwrap_or("refused").to_string(),
            };
            format!("{tag}: {words}")
        })
        .collect()
}

/// GET `/s/KIT-…/history` (dispatched from `history::page`): everything that happened to the
/// kit, newest first, a page at a time (the item history's page size).
pub async fn history(
    state: &AppState,
    user: &PageUser,
    tag: String,
    page: Page,
) -> Result<HttpResponse, PageError> {
    let found = state
        .read(move |c| {
            let kit = kits::row_by_tag(c, &tag)?;
            kits::history_newest_first(c, &kit.tag, page).map(|h| (kit.tag, h))
        })
        .await;
    let (tag, history) = found?;
    let pages = (history.total + page.per_page - 1) / page.per_page;
    let link = |n: i64, words: &str| {
        html! { a class="button secondary" href={ "/s/" (tag) "/history?page=" (n) } { (words) } }
    };
    let body = html! {
        h1 { "History of " (tag) }
        p { a href={ "/s/" (tag) } { "Back to the kit" } }
        section class="panel" id="kit-history" {
            @if history.total == 0 {
                p { "Nothing recorded yet." }
            } @else if history.items.is_empty() {
                p { "There are only " (pages) " pages." }
            } @else {
                (entries(&history.items))
            }
            @if pages > 1 {
                nav class="pager" aria-label="Pages" {
                    p { "Page " (page.page) " of " (pages) }
                    @if page.page > 1 { (link(page.page - 1, "Newer")) }
                    " "
                    @if page.page < pages { (link(page.page + 1, "Older")) }
                }
            }
        }
    };
    Ok(respond(
        StatusCode::OK,
        layout(&format!("History of {tag}"), Some(user), body),
    ))
}

/// What an entry of the kit's history says, in words.
fn entry_words(e: &KitEventView) -> String {
    let member = e.item_tag.as_deref().unwrap_or("a member");
    match e.action.as_str() {
        "created" => "Kit made".into(),
        "member_added" => format!("{member} added"),
        "member_removed" => format!("{member} removed"),
        "issued" => "Issued".into(),
        "fitted" => "Fitted".into(),
        "returned" => "Collected".into(),
        "decontaminated" => "Decontaminated".into(),
        "missing_at_collection" => format!("{member} missing at the collection"),
        other => other.replace('_', " "),
    }
}

fn entries(history: &[KitEventView]) -> Markup {
    html! {
        ul {
            @for e in history {
                li {
                    (e.occurred_at.format("%d/%m/%Y %H:%M")) " · " (entry_words(e))
                    @if let Some(by) = &e.staff_name { span class="muted" { " · " (by) } }
                }
            }
        }
    }
}

/// A refused move's form, with each refused member's words.
type RefusedForm<'a> = (&'a Refused, &'a [String]);

fn render(
    user: &PageUser,
    view: &KitView,
    history: &[KitEventView],
    banner: Markup,
    refused: Option<RefusedForm>,
) -> Markup {
    let kit = &view.kit;
    let body = html! {
        @if view.safe_to_use {
            section class="verdict safe" aria-live="polite" { strong { "Safe to use" } }
        } @else {
            section class="verdict unsafe" aria-live="polite" {
                strong { "Do not use this kit" }
                ul { @for reason in &view.reasons { li { (reason.message) } } }
            }
        }
        (banner)
        section class="panel" {
            h1 { (kit.tag) " " span class="muted" { (kit.name) } }
            p { "A kit of " (view.members.len()) " items. Each keeps its own checks." }
            @if user.may(Action::UseDesk) {
                p { a href={ "/desk/labels.pdf?tags=" (kit.tag) } target="_blank" { "Print the kit's label" } }
            }
        }
        section class="panel" id="members" {
            h2 { "Members" }
            ul class="members" {
                @for member in &view.members {
                    @let item = &member.item;
                    li class={ "member " @if member.safe_to_use { "safe" } @else { "unsafe" } } data-tag=(item.asset_tag) {
                        a href={ "/s/" (item.asset_tag) } { strong { (item.asset_tag) } } " "
                        span class="muted" { (item.type_.name) }
                        br;
                        @if member.safe_to_use {
                            strong class="member-verdict" { "Safe to use" }
                        } @else {
                            strong class="member-verdict" { "Do not use" }
                        }
                        " · " (status_words(item.status))
                        @if !member.reasons.is_empty() {
                            ul { @for reason in &member.reasons { li { (reason.message) } } }
                        }
                    }
                }
            }
        }
        @for mv in &view.actions {
            (move_form(user, view, *mv, refused.filter(|(r, _)| r.form == mv.path())))
        }
        // A move refused whose form the kit's state no longer offers: its words alone.
        @if let Some(refused) = refused.filter(|(r, _)| !view.actions.iter().any(|m| m.path() == r.form)) {
            section class="panel kit-move" { (refusal_words(refused)) }
        }
        section class="panel" id="kit-history" {
            h2 { "What happened to this kit" }
            (entries(history))
            p { a href={ "/s/" (kit.tag) "/history" } { "Everything that happened to this kit" } }
        }
    };
    layout(&kit.tag, Some(user), body)
}

/// Why the move was refused: each refused member in its own words, else the refusal's.
fn refusal_words((r, members): RefusedForm) -> Markup {
    html! {
        div class="error" role="alert" {
            @if members.is_empty() {
                p { "Not recorded: " (r.words) }
            } @else {
                p { "Not recorded: nothing moved, because:" }
                ul class="refused-members" { @for words in members { li { (words) } } }
            }
        }
    }
}

/// One of the kit's moves: its form, posting to `/s/KIT-…/{move}`.
fn move_form(user: &PageUser, view: &KitView, mv: Move, refused: Option<RefusedForm>) -> Markup {
    let kit = &view.kit;
    let values = Values::of(mv.path(), refused.map(|(r, _)| r));
    let id = |name: &str| format!("kit-{}-{name}", mv.path());
    let notes = html! {
        label for=(id("notes")) { "Notes (optional)" }
        textarea id=(id("notes")) name="notes" { (values.text("notes", "")) }
    };
    let held = view.members.iter().any(|m| m.item.client.is_some());
    let (title, fields) = match mv {
        Move::Issue => (
            "Issue the kit",
            html! {
                label for=(id("client")) { "Client: name, reference or postcode" }
                input id=(id("client")) name="client" type="search" autocomplete="off" required
                    list=(id("client-list")) data-suggest="/office/clients/suggest"
                    placeholder="Type to search; a reference is enough" value=(values.text("client", ""));
                datalist id=(id("client-list")) {}
                label for=(id("worker")) { "Worker: name or email" }
                input id=(id("worker")) name="worker" type="search" autocomplete="off" maxlength="254"
                    list=(id("worker-list")) data-suggest=(super::suggest::STAFF)
                    placeholder="Type to search; an email is enough" value=(values.text("worker", ""));
                datalist id=(id("worker-list")) {}
                (notes)
                button type="submit" { "Issue every member" }
                script src="/assets/suggest.js" defer {}
            },
        ),
        Move::Fit => (
            "Record the fit",
            html! {
                label for=(id("date")) { "Date fitted" }
                input id=(id("date")) name="fitted_at" type="date"
                    value=(values.text("fitted_at", &today().to_string())) max=(today().to_string());
                (notes)
                (handover_form::fields_as(mv.path(), false, values))
                button type="submit" { "Record the fit of every member" }
            },
        ),
        Move::Return => (
            "Collect the kit",
            html! {
                fieldset class="missing" {
                    legend { "Not found at the collection (stays where it was)" }
                    @for member in &view.members {
                        @let tag = &member.item.asset_tag;
                        @let ticked = values.refused() && refused.is_some_and(|(r, _)| r.fields.all("missing").contains(&tag.as_str()));
                        label class="check" {
                            input type="checkbox" name="missing" value=(tag) checked[ticked];
                            " " (tag) " missing at collection"
                        }
                    }
                }
                (notes)
                // A hand-over is someone at a client's home.
                @if held { (handover_form::fields_as(mv.path(), true, values)) }
                button type="submit" { "Collect this kit" }
            },
        ),
        _ => (
            "Decontaminate the kit",
            html! {
                label for=(id("method")) { "Method" }
                input id=(id("method")) name="method" type="text" required
                    value=(values.text("method", "Chlorine 1000 ppm wipe"));
                button type="submit" { "Record decontamination of every member" }
            },
        ),
    };
    html! {
        section class="panel kit-move" id={ "kit-" (mv.path()) } {
            h2 { (title) }
            @if let Some(refused) = refused { (refusal_words(refused)) }
            form method="post" action={ "/s/" (kit.tag) "/" (mv.path()) } {
                (csrf_field(user))
                input type="hidden" name="version" value=(kit.version);
                (fields)
            }
        }
    }
}
