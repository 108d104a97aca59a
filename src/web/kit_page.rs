//! `/s/KIT-…`: what a kit's label opens. The kit's verdict first, big, then each member with
//! its own verdict and a link to its page. The moves of a whole kit are the API's
//! (`POST /api/v1/kits/{tag}/{move}`); each member's own moves are on its page.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use maud::{Markup, html};

use super::item_page::status_words;
use super::page::{PageError, layout, respond};
use super::session::PageUser;
use crate::app::AppState;
use crate::service::kits::{self, KitEventView, KitView};
use crate::service::pages::Page;

/// The newest entries of the kit's history the page shows.
const HISTORY_SHOWN: i64 = 20;

/// The kit's page for a person signed in.
pub async fn page(state: &AppState, user: &PageUser, tag: String) -> Result<HttpResponse, PageError> {
    let (actor, url) = (user.actor.clone(), state.public_url());
    let (kit, history) = state
        .read(move |c| {
            let kit = kits::view(c, &actor, &tag, &url)?;
            let page = Page::parse(Some(1), Some(HISTORY_SHOWN))?;
            let history = kits::history_newest_first(c, &kit.kit.tag, page)?;
            Ok((kit, history.items))
        })
        .await?;
    Ok(respond(StatusCode::OK, render(user, &kit, &history)))
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

fn render(user: &PageUser, view: &KitView, history: &[KitEventView]) -> Markup {
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
        section class="panel" {
            h1 { (kit.tag) " " span class="muted" { (kit.name) } }
            p { "A kit of " (view.members.len()) " items. Each keeps its own checks." }
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
        section class="panel" id="kit-history" {
            h2 { "What happened to this kit" }
            ul {
                @for e in history {
                    li {
                        (e.occurred_at.format("%d/%m/%Y %H:%M")) " · " (entry_words(e))
                        @if let Some(by) = &e.staff_name { span class="muted" { " · " (by) } }
                    }
                }
            }
        }
    };
    layout(&kit.tag, Some(user), body)
}
