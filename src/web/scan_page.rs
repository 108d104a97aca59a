//! `/scan`: the camera inside the page, and a box a USB scanner or a person types into.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::page::{PageError, html, layout};
use super::session::PageUser;
use crate::app::AppState;
use crate::domain::asset_tag;
use crate::mail::render::escape;

#[derive(Debug, Deserialize)]
pub struct CodeQuery {
    pub code: Option<String>,
}

pub fn scan_box(action: &str, label: &str, value: &str) -> String {
    format!(
        "<form method=\"get\" action=\"{action}\"><label for=\"code\">{label}</label>\
         <input id=\"code\" name=\"code\" type=\"search\" autocomplete=\"off\" autocapitalize=\"characters\" \
         autofocus required value=\"{value}\"><button type=\"submit\">Open</button></form>",
        value = escape(value),
    )
}

fn page(user: &PageUser, problem: Option<&str>, typed: &str) -> String {
    let problem = problem
        .map(|p| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(p)))
        .unwrap_or_default();
    let body = format!(
        "<h1>Scan a label</h1>{problem}\
         <section class=\"panel\"><button id=\"camera-start\" type=\"button\">Use the camera</button>\
         <video id=\"camera\" playsinline muted hidden></video><p id=\"camera-status\" class=\"muted\" aria-live=\"polite\"></p></section>\
         <section class=\"panel\">{}</section><script src=\"/assets/scan.js\" defer></script>",
        scan_box("/scan/go", "Or type or scan the asset tag", typed)
    );
    layout("Scan", Some(user), &body)
}

pub async fn scan(user: PageUser) -> HttpResponse {
    html(StatusCode::OK, &page(&user, None, ""))
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
        return Ok(html(
            StatusCode::NOT_FOUND,
            &page(
                &user,
                Some(&format!(
                    "“{shown}” is not one of our labels. Scan an equiptrack QR code or type an asset tag."
                )),
                "",
            ),
        ));
    };
    let probe = tag.to_string();
    let exists = state
        .read(move |c| Ok(crate::db::items::tag_exists(c, &probe)?))
        .await?;
    if !exists {
        return Ok(html(
            StatusCode::NOT_FOUND,
            &page(&user, Some(&format!("No item has the tag {tag}.")), tag.as_str()),
        ));
    }
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", format!("/s/{tag}")))
        .finish())
}
