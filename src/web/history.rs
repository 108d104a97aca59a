//! `/s/{tag}/history`: everything that happened to an item, newest first, a page at a time.
//! Under `/s/{tag}` rather than `/office/`: it belongs to the item's own page, which every
//! signed-in person may open (as the API's `/items/{tag}/events` lets every caller read), and
//! workers, who may not use the office, are the ones holding the phone.
//!
//! Client names are left out: an event names a client by id only, and whoever's item it is
//! now is on the item's page for those allowed to see it. A fit's or a collection's
//! hand-over shows who received or handed over the item; its signature and its note (which
//! names the client) only to those who may see hand-overs.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::item_page::status_words;
use super::page::{PageError, layout, respond};
use super::session::PageUser;
use crate::app::AppState;
use crate::domain::asset_tag::AssetTag;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::pdf::handover_note::relation_words;
use crate::service::handovers::HandoverView;
use crate::service::items::{self, EventView};
use crate::service::pages::Page;

/// Events on one page.
const PER_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct HistoryQuery {
    /// Text, so that a bad value is a plain refusal rather than a failed extraction.
    pub page: Option<String>,
}

/// GET `/s/{tag}/history`; a kit's tag is the kit's history (`kit_page::history`).
pub async fn page(
    state: web::Data<AppState>,
    user: PageUser,
    tag: web::Path<String>,
    q: web::Query<HistoryQuery>,
) -> Result<HttpResponse, PageError> {
    let number = match q.page.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(n) => Some(
            n.parse()
                .map_err(|_| AppError::invalid("page", "must be from 1 to 1000000"))?,
        ),
    };
    let page = Page::parse(number, Some(PER_PAGE))?;
    let tag = tag.into_inner();
    if AssetTag::parse(&tag).is_ok_and(|t| t.is_kit()) {
        return super::kit_page::history(&state, &user, tag, page).await;
    }
    let found = state
        .read(move |c| items::history_newest_first(c, &tag, page).map(|h| (tag, h)))
        .await;
    let (tag, history) = found?;
    let pages = (history.total + PER_PAGE - 1) / PER_PAGE;
    let evidence = user.may(Action::ViewHandovers);
    let link = |n: i64, words: &str| {
        html! { a class="button secondary" href={ "/s/" (tag) "/history?page=" (n) } { (words) } }
    };
    let body = html! {
        h1 { "History of " (tag) }
        p { a href={ "/s/" (tag) } { "Back to the item" } }
        section class="panel" {
            @if history.total == 0 {
                p { "Nothing recorded yet." }
            } @else if history.items.is_empty() {
                p { "There are only " (pages) " pages." }
            } @else {
                div class="scroll" {
                    table {
                        thead { tr { th { "When (UTC)" } th { "What" } th { "Who" } th { "Notes" } } }
                        tbody {
                            @for e in &history.items {
                                tr {
                                    td { (e.occurred_at.format("%d/%m/%Y %H:%M")) }
                                    td {
                                        (e.action)
                                        @if let (Some(from), Some(to)) = (e.from_status, e.to_status) {
                                            @if from != to {
                                                br; span class="muted" { (status_words(from)) " → " (status_words(to)) }
                                            }
                                        }
                                    }
                                    td { (e.staff_name.as_deref().unwrap_or("—")) }
                                    td { (e.notes.as_deref().unwrap_or("")) }
                                }
                                // Under its event, across the table: on a phone the notes
                                // column is off to the right.
                                @if e.handover.is_some() || (evidence && e.note_url.is_some()) {
                                    tr class="handover-row" { td colspan="4" { (handover(e, evidence)) } }
                                }
                            }
                        }
                    }
                }
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
        layout(&format!("History of {tag}"), Some(&user), body),
    ))
}

/// A fit's or a collection's hand-over under its notes: who, what they were shown, and the
/// signature (or why there is none); with `evidence`, the signature itself and the note.
fn handover(e: &EventView, evidence: bool) -> Markup {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let returned = e.action == "returned";
    html! {
        @if let Some(h) = &e.handover {
            div class="handover" {
                p {
                    (if returned { "Handed over by " } else { "Received by " })
                    strong { (h.name) } " (" (relation_words(h.relation)) ")"
                    br; "Use demonstrated: " (yes_no(h.demonstrated)) " · Leaflet left: " (yes_no(h.leaflet_left))
                }
                (proof(h, evidence))
            }
        }
        @if let Some(url) = e.note_url.as_deref().filter(|_| evidence) {
            p { a href=(url) { (if returned { "Collection note (PDF)" } else { "Delivery note (PDF)" }) } }
        }
    }
}

/// The signature as an image for those who may see it, else that there is one; or the
/// reason there is none.
fn proof(h: &HandoverView, evidence: bool) -> Markup {
    match (&h.signature_url, &h.no_signature_reason) {
        (Some(url), _) if evidence => {
            html! { img class="signature" src=(url) alt={ "Signature of " (h.name) }; }
        }
        (Some(_), _) => html! { p class="muted" { "Signed." } },
        (None, Some(reason)) => html! { p class="muted" { "No signature: " (reason) } },
        (None, None) => html! {},
    }
}
