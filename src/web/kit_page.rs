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
use crate::service::kits::{self, KitView};

/// The kit's page for a person signed in.
pub async fn page(state: &AppState, user: &PageUser, tag: String) -> Result<HttpResponse, PageError> {
    let (actor, url) = (user.actor.clone(), state.public_url());
    let kit = state.read(move |c| kits::view(c, &actor, &tag, &url)).await?;
    Ok(respond(StatusCode::OK, render(user, &kit)))
}

fn render(user: &PageUser, view: &KitView) -> Markup {
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
    };
    layout(&kit.tag, Some(user), body)
}
