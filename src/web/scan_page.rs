//! `/scan`: the camera inside the page, and a box a USB scanner or a person types into.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use maud::{Markup, html};

use super::page::{PageError, layout, problem, respond};
use super::session::PageUser;
use crate::app::AppState;
use crate::domain::asset_tag;

#[derive(Debug, Deserialize)]
pub struct CodeQuery {
    pub code: Option<String>,
}

pub fn scan_box(action: &str, label: &str, value: &str) -> Markup {
    html! {
        form method="get" action=(action) {
            label for="code" { (label) }
            input id="code" name="code" type="search" autocomplete="off" autocapitalize="characters"
                autofocus required value=(value);
            button type="submit" { "Open" }
        }
    }
}

fn page(user: &PageUser, trouble: Option<&str>, typed: &str) -> Markup {
    let body = html! {
        h1 { "Scan a label" }
        (problem(trouble))
        section class="panel" {
            button id="camera-start" type="button" { "Use the camera" }
            video id="camera" playsinline muted hidden {}
            p id="camera-status" class="muted" aria-live="polite" {}
        }
        section class="panel" { (scan_box("/scan/go", "Or type or scan the asset tag", typed)) }
        // field.js: how old the round kept on this phone is, or that there is none.
        p id="round-age" class="muted" aria-live="polite" {}
        script src="/assets/scan.js" defer {}
    };
    layout("Scan", Some(user), body)
}

pub async fn scan(user: PageUser) -> HttpResponse {
    respond(StatusCode::OK, page(&user, None, ""))
}

/// Whatever was scanned or typed: to the item's page, or back with a plain message.
pub async fn go(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<CodeQuery>,
) -> Result<HttpResponse, PageError> {
    let code = q.into_inner().code.unwrap_or_default();
    let Some(tag) = asset_tag::from_scan(&code, state.settings.public_url()) else {
        let shown: String = code.trim().chars().take(80).collect();
        return Ok(respond(
            StatusCode::NOT_FOUND,
            page(
                &user,
                Some(&format!(
                    "“{shown}” is not one of our labels. Scan an equiptrack QR code or type an asset tag."
                )),
                "",
            ),
        ));
    };
    let probe = tag.to_string();
    let kit = tag.is_kit();
    let exists = state
        .read(move |c| match kit {
            true => crate::service::kits::exists(c, &probe),
            false => crate::service::desk::tag_exists(c, &probe),
        })
        .await?;
    if !exists {
        let what = if kit { "kit" } else { "item" };
        return Ok(respond(
            StatusCode::NOT_FOUND,
            page(
                &user,
                Some(&format!("No {what} has the tag {tag}.")),
                tag.as_str(),
            ),
        ));
    }
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", format!("/s/{tag}")))
        .finish())
}
