//! The office's clients: find one by name, reference or postcode, and add one. A client's
//! own page is `client_page.rs`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::form::PageForm;
use super::page::{PageError, csrf_field, layout, problem, report, respond};
use super::session::{PageUser, url_encode};
use super::suggest::{Suggestion, answer};
use crate::app::AppState;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::service::clients::{self, ClientView, CreateClient};
use crate::service::pages::Page;

/// Rows on one page of the search.
const PER_PAGE: i64 = 25;
/// Suggestions the desk's search box offers at once.
const SUGGESTIONS: i64 = 10;

#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    pub q: Option<String>,
    pub page: Option<i64>,
}

/// The client form as posted: every field present, perhaps empty.
#[derive(Debug, Default, Deserialize)]
pub struct ClientForm {
    pub csrf: String,
    pub reference: String,
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub phone: String,
}

/// The fields of a client's form, filled with `f`: a refused form shows what was typed.
pub fn client_fields(f: &ClientForm) -> Markup {
    html! {
        div class="two" {
            div {
                label for="reference" { "Reference" }
                input id="reference" name="reference" type="text" required maxlength="64" value=(f.reference);
            }
            div {
                label for="name" { "Name" }
                input id="name" name="name" type="text" required maxlength="200" value=(f.name);
            }
        }
        label for="address" { "Address" }
        textarea id="address" name="address" required maxlength="500" { (f.address) }
        div class="two" {
            div {
                label for="postcode" { "Postcode" }
                input id="postcode" name="postcode" type="text" required maxlength="16" value=(f.postcode);
            }
            div {
                label for="phone" { "Phone (optional)" }
                input id="phone" name="phone" type="text" maxlength="40" value=(f.phone);
            }
        }
    }
}

fn render(
    user: &PageUser,
    q: &str,
    page: Page,
    found: &[ClientView],
    more: bool,
    form: &ClientForm,
    refused: Option<&str>,
) -> Markup {
    let link = |n: i64, words: &str| {
        html! { a class="button secondary" href={ "/office/clients?q=" (url_encode(q)) "&page=" (n) } { (words) } }
    };
    let body = html! {
        h1 { "Clients" }
        section class="panel" {
            form method="get" action="/office/clients" role="search" {
                label for="q" { "Name, reference or postcode" }
                input id="q" name="q" type="search" value=(q) autocomplete="off";
                button type="submit" class="secondary" { "Search" }
            }
            @if found.is_empty() {
                p { @if q.is_empty() { "No clients yet." } @else { "No client matches “" (q) "”." } }
            } @else {
                div class="scroll" {
                    table {
                        thead { tr { th { "Name" } th { "Reference, postcode" } } }
                        tbody {
                            @for c in found {
                                tr {
                                    td {
                                        a href={ "/office/clients/" (c.id) } {
                                            @if c.erased { "(erased)" } @else { (c.name) }
                                        }
                                    }
                                    // One column for both, so that a phone shows them without scrolling.
                                    td { (c.reference) ", " (c.postcode) }
                                }
                            }
                        }
                    }
                }
                @if page.page > 1 || more {
                    nav class="pager" aria-label="Pages" {
                        p { "Page " (page.page) }
                        @if page.page > 1 { (link(page.page - 1, "Previous page")) }
                        " "
                        @if more { (link(page.page + 1, "Next page")) }
                    }
                }
            }
        }
        @if user.may(Action::ManageClients) {
            section class="panel" id="new" {
                h2 { "Add a client" }
                (problem(refused))
                form method="post" action="/office/clients" {
                    (csrf_field(user))
                    (client_fields(form))
                    button type="submit" { "Add the client" }
                }
            }
        }
    };
    layout("Clients", Some(user), body)
}

async fn found(state: &AppState, q: &str, page: Page) -> Result<(Vec<ClientView>, bool), AppError> {
    let q = q.trim().to_string();
    state.read(move |c| clients::search(c, &q, page)).await
}

/// Any signed-in person may look a client up, as the API lets them; forms need the right.
pub async fn list(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<SearchQuery>,
) -> Result<HttpResponse, PageError> {
    let SearchQuery { q, page } = q.into_inner();
    let q = q.unwrap_or_default();
    let page = Page::parse(page, Some(PER_PAGE))?;
    let (rows, more) = found(&state, &q, page).await?;
    let html = render(&user, &q, page, &rows, more, &ClientForm::default(), None);
    Ok(respond(StatusCode::OK, html))
}

pub async fn create(
    state: web::Data<AppState>,
    user: PageUser,
    form: PageForm<ClientForm>,
) -> Result<HttpResponse, PageError> {
    let f = form.into_inner();
    user.check_form(&f.csrf)?;
    let req = CreateClient {
        reference: Some(f.reference.clone()),
        name: Some(f.name.clone()),
        address: Some(f.address.clone()),
        postcode: Some(f.postcode.clone()),
        phone: Some(f.phone.clone()),
    };
    let actor = user.actor.clone();
    match state.write(move |c| clients::create(c, &actor, &req)).await {
        Ok(client) => Err(PageError::Redirect(format!("/office/clients/{}", client.id))),
        Err(e @ AppError::Forbidden(_)) => Err(e.into()),
        Err(e) => {
            let status = e.status_code();
            let words = report(&e);
            let page = Page::parse(None, Some(PER_PAGE))?;
            let (rows, more) = found(&state, "", page).await?;
            let html = render(&user, "", page, &rows, more, &f, Some(&words));
            Ok(respond(status, html))
        }
    }
}

/// What the desk's client box offers as the person types: clients who may receive items.
pub async fn suggest(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<SearchQuery>,
) -> Result<HttpResponse, PageError> {
    if !user.may(Action::UseDesk) {
        return Err(AppError::Forbidden("the desk is for stores staff".into()).into());
    }
    let q = q.into_inner().q.unwrap_or_default();
    let page = Page::parse(Some(1), Some(SUGGESTIONS))?;
    let (rows, _) = if q.trim().is_empty() {
        (Vec::new(), false)
    } else {
        found(&state, &q, page).await?
    };
    Ok(answer(
        rows.into_iter()
            .filter(|c| !c.erased)
            .map(|c| Suggestion {
                label: format!("{}, {}", c.name, c.postcode),
                value: c.reference,
            })
            .collect(),
    ))
}
