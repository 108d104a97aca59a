//! The stores desk: find an item, issue / take back / decontaminate one scan after another,
//! print labels for a selection (items' and kits'), and see what is overdue.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::form::PageForm;
use super::page::{PageError, csrf_field, layout, pager, respond};
use super::session::PageUser;
use crate::app::AppState;
use crate::domain::asset_tag;
use crate::domain::checks::days_overdue;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::http::labels::Labelled;
use crate::service::moves::{self, DecontaminateBody, IssueBody, MoveRequest, ReturnBody};
use crate::service::pages::Page;
use crate::service::views::{self, ItemView};
use crate::service::{clients, items, today};
use crate::service::{desk, kits};
use crate::web::item_page::status_words;
use crate::words::uk_date;

#[derive(Debug, Default, Deserialize)]
pub struct DeskQuery {
    pub q: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DeskMove {
    pub csrf: String,
    pub mode: String,
    pub code: String,
    pub client_id: Option<i64>,
    /// The client's reference, as the desk's search box sends it.
    #[serde(default)]
    pub client: String,
    /// The worker's email, as the desk's search box sends it (blank: no one).
    #[serde(default)]
    pub worker: String,
    pub method: Option<String>,
}

const DESK_ONLY: &str = "the desk is for stores staff";

fn render(user: &PageUser, last: &DeskMove, outcome: Markup, found: &[ItemView], q: &str) -> Markup {
    let mode = if last.mode.is_empty() {
        "issue"
    } else {
        last.mode.as_str()
    };
    let modes = [
        ("issue", "Issue to a worker"),
        ("return", "Take back (return)"),
        ("decontaminate", "Decontaminate"),
    ];
    let method = last.method.as_deref().unwrap_or("Chlorine 1000 ppm wipe");
    let body = html! {
        h1 { "Stores desk" }
        section class="panel" {
            h2 { "Scan to record" }
            (outcome)
            form method="post" action="/desk/move" {
                (csrf_field(user))
                label for="mode" { "Each scan will" }
                select id="mode" name="mode" {
                    @for (value, label) in modes {
                        option value=(value) selected[value == mode] { (label) }
                    }
                }
                div class="two" {
                    div {
                        // A search box, not a list: a service has tens of thousands of clients.
                        label for="client" { "Client (issue): name, reference or postcode" }
                        input id="client" name="client" type="search" autocomplete="off"
                            list="client-list" data-suggest="/office/clients/suggest"
                            placeholder="Type to search; a reference is enough" value=(last.client);
                        datalist id="client-list" {}
                    }
                    div {
                        label for="worker" { "Worker (issue): name or email" }
                        input id="worker" name="worker" type="search" autocomplete="off" maxlength="254"
                            list="worker-list" data-suggest=(super::suggest::STAFF)
                            placeholder="Type to search; an email is enough" value=(last.worker);
                        datalist id="worker-list" {}
                    }
                }
                label for="method" { "Method (decontaminate)" }
                input id="method" name="method" type="text" value=(method);
                label for="code" { "Scan or type the tag" }
                input id="code" name="code" type="search" autocomplete="off" autofocus required;
                button type="submit" { "Record" }
            }
        }
        section class="panel" {
            h2 { "Find an item" }
            form method="get" action="/desk" {
                label for="q" { "Tag, serial, batch, or client name, reference or postcode" }
                input id="q" name="q" type="search" value=(q);
                button type="submit" class="secondary" { "Find" }
            }
            @if q.is_empty() {
            } @else if found.is_empty() {
                p { "Nothing matches “" (q) "”." }
            } @else {
                form method="get" action="/desk/labels.pdf" target="_blank" {
                    table {
                        thead {
                            tr { th {} th { "Tag" } th { "Type" } th { "Status" } th { "Serial" } th { "Client" } }
                        }
                        tbody {
                            @for i in found {
                                tr {
                                    td {
                                        input type="checkbox" name="tags" value=(i.asset_tag)
                                            aria-label={ "Select " (i.asset_tag) };
                                    }
                                    td { a href={ "/s/" (i.asset_tag) } { (i.asset_tag) } }
                                    td { (i.type_.name) }
                                    td { (status_words(i.status)) }
                                    td { (i.serial_number.as_deref().unwrap_or("")) }
                                    td { (i.client.as_ref().map_or("", |c| c.name.as_str())) }
                                }
                            }
                        }
                    }
                    button type="submit" class="secondary" { "Print labels for the selected items" }
                }
            }
        }
        div class="row" {
            a class="button secondary" href="/desk/overdue" { "Overdue checks" }
            a class="button secondary" href="/office/receive" { "Receive stock" }
            a class="button secondary" href="/office/clients" { "Clients" }
        }
        script src="/assets/suggest.js" defer {}
    };
    layout("Stores desk", Some(user), body)
}

async fn search(state: &AppState, q: &str) -> Result<Vec<ItemView>, AppError> {
    if q.trim().is_empty() {
        return Ok(Vec::new());
    }
    let query = items::ItemQuery {
        q: Some(q.to_string()),
        ..Default::default()
    };
    let filter = query.filter()?;
    let url = state.public_url();
    let page = Page::parse(Some(1), Some(50))?;
    Ok(state
        .read(move |c| items::list(c, &filter, page, &url))
        .await?
        .items)
}

pub async fn desk(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<DeskQuery>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::UseDesk, DESK_ONLY)?;
    let q = q.into_inner().q.unwrap_or_default();
    let found = search(&state, &q).await?;
    Ok(respond(
        StatusCode::OK,
        render(&user, &DeskMove::default(), html! {}, &found, &q),
    ))
}

/// One scan at the desk: the move on that item, and the desk again ready for the next.
pub async fn desk_move(
    state: web::Data<AppState>,
    user: PageUser,
    form: PageForm<DeskMove>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::UseDesk, DESK_ONLY)?;
    let f = form.into_inner();
    user.check_form(&f.csrf)?;
    let outcome = match asset_tag::from_scan(&f.code, state.settings.public_url()) {
        None => Err(format!(
            "“{}” is not one of our labels",
            f.code.trim().chars().take(60).collect::<String>()
        )),
        Some(tag) => {
            let request = match f.mode.as_str() {
                "issue" => Some(MoveRequest::Issue(IssueBody {
                    client_id: f.client_id,
                    worker_id: None,
                    notes: None,
                    expected_version: None,
                })),
                "return" => Some(MoveRequest::Return(ReturnBody::default())),
                "decontaminate" => Some(MoveRequest::Decontaminate(DecontaminateBody {
                    method: f.method.clone(),
                    notes: None,
                    expected_version: None,
                })),
                _ => None,
            };
            match request {
                None => Err("choose what each scan should do".to_string()),
                Some(mut request) => {
                    let (actor, mail, t) = (user.actor.clone(), state.mail_context(), tag.to_string());
                    let client = f.client.trim().to_string();
                    let worker = f.worker.trim().to_string();
                    state
                        .write(move |c| {
                            // The search boxes name a client by reference and a worker by
                            // email; the move takes their ids.
                            if let MoveRequest::Issue(body) = &mut request {
                                if !client.is_empty() {
                                    body.client_id = Some(clients::by_reference(c, "client", &client)?.id);
                                }
                                if !worker.is_empty() {
                                    body.worker_id = Some(desk::responsible_by_email(c, &worker)?);
                                }
                            }
                            moves::perform(c, &actor, &t, &request, &mail)
                        })
                        .await
                        .map(|item| describe(&f.mode, &item))
                        .map_err(|e| format!("{tag}: {}", super::page::report(&e)))
                }
            }
        }
    };
    let (status, banner) = match outcome {
        Ok(done) => (StatusCode::OK, html! { p class="done" role="status" { (done) } }),
        Err(problem) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            html! { p class="error" role="alert" { "Not recorded: " (problem) } },
        ),
    };
    Ok(respond(status, render(&user, &f, banner, &[], "")))
}

fn describe(mode: &str, item: &ItemView) -> String {
    let who = item
        .worker
        .as_ref()
        .map_or(String::new(), |w| format!(" to {}", w.name));
    let whom = item
        .client
        .as_ref()
        .map_or(String::new(), |c| format!(" for {}", c.name));
    match mode {
        "issue" => format!("Issued {}{who}{whom}.", item.asset_tag),
        "return" => format!(
            "Took back {}: now {}.",
            item.asset_tag,
            status_words(item.status).to_lowercase()
        ),
        _ => format!("Decontaminated {}: back in store.", item.asset_tag),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct OverdueQuery {
    pub page: Option<i64>,
}

/// Rows on one page of the overdue list.
const OVERDUE_PER_PAGE: i64 = 100;

pub async fn overdue(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<OverdueQuery>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::UseDesk, DESK_ONLY)?;
    let page = Page::parse(q.page, Some(OVERDUE_PER_PAGE))?;
    let today = today();
    let url = state.public_url();
    let found = state.read(move |c| desk::overdue(c, today, page, &url)).await?;
    let body = html! {
        h1 { "Overdue checks" }
        section class="panel" {
            p {
                (found.total) " items have a check overdue, in homes and in store. "
                "None of them can be issued or fitted until the check is recorded."
            }
            table {
                thead { tr { th { "Tag" } th { "Type" } th { "Due" } th { "Where" } th { "Worker" } th {} } }
                tbody {
                    @for i in &found.items {
                        tr {
                            td { a href={ "/s/" (i.asset_tag) } { (i.asset_tag) } }
                            td { (i.type_.name) }
                            td class="overdue" {
                                @if let Some(d) = i.next_check_due {
                                    (uk_date(d)) " (" (days_overdue(d, today)) " days)"
                                }
                            }
                            td {
                                @if let Some(c) = &i.client { (c.name) ", " (c.postcode) " — " }
                                (status_words(i.status))
                            }
                            td { (i.worker.as_ref().map_or("no one", |w| w.name.as_str())) }
                            td { a href={ "/s/" (i.asset_tag) "#checks" } { "Record a check" } }
                        }
                    }
                }
            }
            (pager("/desk/overdue?page=", page, found.total))
        }
    };
    Ok(respond(
        StatusCode::OK,
        layout("Overdue checks", Some(&user), body),
    ))
}

/// Any signed-in person may print labels; the session is the check.
pub async fn labels(
    state: web::Data<AppState>,
    _user: PageUser,
    q: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let tags: Vec<String> = q
        .into_inner()
        .into_iter()
        .filter(|(k, _)| k == "tags")
        .map(|(_, v)| v)
        .collect();
    if tags.is_empty() {
        return Err(AppError::invalid("tags", "tick at least one item to print").into());
    }
    let url = state.public_url();
    // A kit's tag (`KIT-…`) prints the kit's own label, where the tags place it.
    let found = state
        .read(move |c| {
            tags.iter()
                .map(|t| match asset_tag::AssetTag::parse(t) {
                    Ok(tag) if tag.is_kit() => kits::labelled(c, t, &url).map(Labelled::Kit),
                    _ => views::by_tag(c, t, &url).map(|i| Labelled::Item(Box::new(i))),
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(crate::http::labels::sheet_of(&state, found).await?)
}
