//! `/office/recalls/{id}`: one recall, each affected item with where it was found and how it
//! was resolved; for whoever may manage recalls, a "resolve" form per open item, done through
//! the same service function as the API. Clients are named by reference and postcode only.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, ResponseError, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::form::{Fields, PageForm};
use super::item_page::status_words;
use super::page::{PageError, csrf_field, layout, respond};
use super::recalls::{checked_form, progress, require, status_of};
use super::refusal::{Refused, Values, beside};
use super::session::{PageUser, url_encode};
use crate::app::AppState;
use crate::domain::roles::Action;
use crate::domain::states::RecallItemState;
use crate::error::AppError;
use crate::service::recalls::{self, RecallItemView, RecallView, ResolveRecallItem};
use crate::words::uk_date;

#[derive(Debug, Default, Deserialize)]
pub struct RecallQuery {
    pub done: Option<String>,
}

fn id_of(raw: &str) -> Result<i64, PageError> {
    raw.parse()
        .map_err(|_| AppError::NotFound(format!("there is no recall {raw:?}")).into())
}

/// GET `/office/recalls/{id}`.
pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    q: web::Query<RecallQuery>,
) -> Result<HttpResponse, PageError> {
    require(&user, Action::UseOffice)?;
    let id = id_of(&id)?;
    let banner = match q.done.as_deref() {
        Some("opened") => Some("Recall opened; stock in store is quarantined."),
        Some("resolved") => Some("Item resolved."),
        _ => None,
    };
    render(&state, &user, id, StatusCode::OK, banner, None).await
}

async fn render(
    state: &AppState,
    user: &PageUser,
    id: i64,
    status: StatusCode,
    banner: Option<&str>,
    refused: Option<Refused>,
) -> Result<HttpResponse, PageError> {
    let recall = state.read(move |c| recalls::view(c, id, true)).await?;
    let manage = user.may(Action::ManageRecalls);
    let title = format!("Recall {}", recall.reference);
    let body = html! {
        h1 { (title) }
        @if let Some(words) = banner { p class="done" role="status" { (words) } }
        section class="panel" {
            (summary(&recall))
            @let items = recall.items.as_deref().unwrap_or_default();
            @if items.is_empty() {
                p { "No item of ours is affected." }
            } @else {
                div class="scroll" {
                    table {
                        thead {
                            tr {
                                th { "Tag" } th { "Serial" } th { "Status now" } th { "Found" } th { "State" }
                                @if manage { th { "Resolve" } }
                            }
                        }
                        tbody {
                            @for i in items {
                                (row(user, &recall, i, manage, refused.as_ref()))
                            }
                        }
                    }
                }
            }
        }
        p { a href="/office/recalls" { "All recalls" } }
    };
    Ok(respond(status, layout(&title, Some(user), body)))
}

fn summary(r: &RecallView) -> Markup {
    html! {
        p { strong { (r.title) } " · " (r.type_.name) }
        p {
            @if let (Some(from), Some(to)) = (&r.serial_from, &r.serial_to) { "Serials " (from) " to " (to) ". " }
            @if let Some(batch) = &r.batch { "Batch " (batch) ". " }
            "Opened " (uk_date(r.opened_at.date_naive())) ". "
            @if let Some(closed) = r.closed_at { "Resolved " (uk_date(closed.date_naive())) ". " }
        }
        p class="progress" { (status_of(r.status)) ": " (progress(r)) "." }
    }
}

fn row(
    user: &PageUser,
    r: &RecallView,
    i: &RecallItemView,
    manage: bool,
    refused: Option<&Refused>,
) -> Markup {
    let form_id = format!("resolve-{}", i.asset_tag);
    let v = Values::of(&form_id, refused);
    html! {
        tr id=(format!("item-{}", i.asset_tag)) {
            td { a href={ "/s/" (i.asset_tag) } { (i.asset_tag) } }
            td { (i.serial_number.as_deref().unwrap_or("—")) }
            td { (status_words(i.status)) }
            td {
                @match &i.client {
                    Some(c) => { "Client " (c.reference) ", " (c.postcode) }
                    None => { "Store" }
                }
            }
            td {
                @match i.state {
                    RecallItemState::Open => { "Open" }
                    RecallItemState::Retrieved => { "Retrieved" }
                    RecallItemState::Safe => { "Found safe" }
                }
                @if let Some(at) = i.resolved_at { " " (uk_date(at.date_naive())) }
                @if let Some(notes) = &i.notes { br; (notes) }
            }
            @if manage {
                td {
                    (beside(&form_id, refused))
                    @if i.state == RecallItemState::Open {
                        form id=(form_id) method="post"
                            action={ "/office/recalls/" (r.id) "/items/" (url_encode(&i.asset_tag)) "/resolve" } {
                            (csrf_field(user))
                            @let outcome = v.text("outcome", "");
                            label for={ (form_id) "-outcome" } { "Outcome" }
                            select id={ (form_id) "-outcome" } name="outcome" {
                                option value="" { "Choose" }
                                option value="retrieved" selected[outcome == "retrieved"] { "Retrieved" }
                                option value="safe" selected[outcome == "safe"] { "Inspected, found safe" }
                            }
                            label for={ (form_id) "-notes" } { "Notes" }
                            input id={ (form_id) "-notes" } name="notes" type="text" maxlength="2000" value=(v.text("notes", ""));
                            button type="submit" { "Resolve" }
                        }
                    }
                }
            }
        }
    }
}

/// POST `/office/recalls/{id}/items/{tag}/resolve`.
pub async fn resolve(
    state: web::Data<AppState>,
    user: PageUser,
    path: web::Path<(String, String)>,
    form: PageForm<Fields>,
) -> Result<HttpResponse, PageError> {
    let fields = checked_form(&user, form)?;
    let (id, tag) = path.into_inner();
    let id = id_of(&id)?;
    let given = |n: &str| fields.one(n).filter(|v| !v.trim().is_empty()).map(str::to_string);
    let req = ResolveRecallItem {
        outcome: given("outcome"),
        notes: given("notes"),
    };
    let (actor, item) = (user.actor.clone(), tag.clone());
    match state
        .write(move |c| recalls::resolve(c, &actor, id, &item, &req))
        .await
    {
        Ok(_) => {
            let to = format!("/office/recalls/{id}?done=resolved");
            Ok(HttpResponse::SeeOther().insert_header((LOCATION, to)).finish())
        }
        Err(e @ AppError::NotFound(_)) => Err(e.into()),
        Err(e) => {
            let refused = Refused::new(format!("resolve-{tag}"), &e, &[], fields);
            render(&state, &user, id, e.status_code(), None, Some(refused)).await
        }
    }
}
