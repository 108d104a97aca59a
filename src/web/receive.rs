//! Receiving stock in the office: a type, a count or the serial numbers, and the label sheet
//! of exactly the items created, one click away.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::form::PageForm;
use super::page::{PageError, csrf_field, layout, problem, report, respond};
use super::session::{PageUser, url_encode};
use crate::app::AppState;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::service::catalogue::{self, LocationView, TypeView};
use crate::service::pages::{MAX_PER_PAGE, Page};
use crate::service::receive::{self, Receive};
use crate::service::views::ItemView;

#[derive(Debug, Default, Deserialize)]
pub struct ReceiveForm {
    pub csrf: String,
    #[serde(rename = "type")]
    pub type_code: String,
    pub count: String,
    pub serials: String,
    pub batch: String,
    pub location_id: Option<i64>,
}

const STORES_ONLY: &str = "receiving stock is for stores staff";

struct Choices {
    types: Vec<TypeView>,
    locations: Vec<LocationView>,
}

async fn choices(state: &AppState) -> Result<Choices, AppError> {
    let page = Page::parse(Some(1), Some(MAX_PER_PAGE))?;
    state
        .read(move |c| {
            Ok(Choices {
                types: catalogue::list_types(c, page)?.items,
                locations: catalogue::list_locations(c, page)?.items,
            })
        })
        .await
}

fn render(user: &PageUser, ch: &Choices, f: &ReceiveForm, outcome: Markup) -> Markup {
    let body = html! {
        h1 { "Receive stock" }
        (outcome)
        section class="panel" {
            form method="post" action="/office/receive" {
                (csrf_field(user))
                label for="type" { "Equipment type" }
                select id="type" name="type" required {
                    option value="" { "—" }
                    @for t in &ch.types {
                        option value=(t.code) selected[t.code == f.type_code] { (t.name) " (" (t.code) ")" }
                    }
                }
                label for="count" { "How many (without serial numbers)" }
                input id="count" name="count" type="number" min="1" max=(receive::MAX_RECEIVE) value=(f.count);
                label for="serials" { "Or their serial numbers, one per line" }
                textarea id="serials" name="serials" rows="6" { (f.serials) }
                div class="two" {
                    div {
                        label for="batch" { "Batch (optional)" }
                        input id="batch" name="batch" type="text" maxlength="200" value=(f.batch);
                    }
                    div {
                        label for="location_id" { "Store (optional)" }
                        select id="location_id" name="location_id" {
                            option value="" { "—" }
                            @for l in &ch.locations {
                                option value=(l.id) selected[Some(l.id) == f.location_id] { (l.name) }
                            }
                        }
                    }
                }
                button type="submit" { "Receive the items" }
            }
        }
    };
    layout("Receive stock", Some(user), body)
}

/// The banner after a delivery: the items, and their label sheet.
fn received(items: &[ItemView]) -> Markup {
    let query: Vec<String> = items
        .iter()
        .map(|i| format!("tags={}", url_encode(&i.asset_tag)))
        .collect();
    html! {
        section class="panel" {
            p class="done" role="status" { "Received " (items.len()) " items." }
            a class="button" id="print" href={ "/desk/labels.pdf?" (query.join("&")) } target="_blank" {
                "Print their labels (PDF)"
            }
            div class="scroll" {
                table {
                    thead { tr { th { "Tag" } th { "Type" } th { "Serial" } } }
                    tbody {
                        @for i in items {
                            tr {
                                td { a href={ "/s/" (i.asset_tag) } { (i.asset_tag) } }
                                td { (i.type_.name) }
                                td { (i.serial_number.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub async fn page(state: web::Data<AppState>, user: PageUser) -> Result<HttpResponse, PageError> {
    user.require(Action::ManageItems, STORES_ONLY)?;
    let ch = choices(&state).await?;
    Ok(respond(
        StatusCode::OK,
        render(&user, &ch, &ReceiveForm::default(), html! {}),
    ))
}

pub async fn submit(
    state: web::Data<AppState>,
    user: PageUser,
    form: PageForm<ReceiveForm>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ManageItems, STORES_ONLY)?;
    let f = form.into_inner();
    user.check_form(&f.csrf)?;
    let count = match f.count.trim() {
        "" => None,
        n => match n.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => Some(0),
        },
    };
    let req = Receive {
        type_code: f.type_code.clone(),
        count,
        serials: Receive::serial_lines(&f.serials),
        batch: Some(f.batch.clone()),
        location_id: f.location_id,
    };
    let (actor, url) = (user.actor.clone(), state.public_url());
    let prefix = state.settings.service.asset_tag_prefix.clone();
    let outcome = state
        .write(move |c| receive::receive(c, &actor, &req, &prefix, &url))
        .await;
    let ch = choices(&state).await?;
    Ok(match outcome {
        Ok(items) => respond(
            StatusCode::OK,
            render(&user, &ch, &ReceiveForm::default(), received(&items)),
        ),
        Err(e) => respond(
            e.status_code(),
            render(
                &user,
                &ch,
                &f,
                problem(Some(&format!("Nothing received: {}", report(&e)))),
            ),
        ),
    })
}
