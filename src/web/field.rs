//! Field mode: what lets the phone work in a home with no signal. The manifest that makes the
//! pages an installable app, the service worker that keeps their shell, the shells a label
//! and the queue open from when offline (assets/web/field.js fills them from the round the
//! phone keeps and its queue of moves), and the files those need.

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use maud::html;

use super::page::{layout, respond};
use super::session::PageUser;
use super::{check_forms, handover_form};
use crate::app::AppState;
use crate::domain::lifecycle::Move;
use crate::service::examinations;

const MANIFEST: &str = include_str!("../../assets/web/manifest.webmanifest");
const SERVICE_WORKER: &str = include_str!("../../assets/web/sw.js");
const FIELD_JS: &str = include_str!("../../assets/web/field.js");
const ICON_192: &[u8] = include_bytes!("../../assets/web/icon-192.png");
const ICON_512: &[u8] = include_bytes!("../../assets/web/icon-512.png");

/// The page a label's address opens when the phone is offline (the service worker answers
/// `/s/{tag}` with it); the script draws the item from the round.
pub const LABEL_SHELL: &str = "/offline/label";
/// The moves waiting on the phone, the conflicts and the refusals.
pub const QUEUE_PAGE: &str = "/offline/queue";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/manifest.webmanifest").get(|| async {
        HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, "application/manifest+json"))
            .insert_header((CACHE_CONTROL, "no-cache"))
            .body(MANIFEST)
    }))
    // From the root, so that its scope is every page; never cached by the browser's HTTP
    // cache, so a new version is found at the next visit.
    .service(web::resource("/sw.js").get(|| async {
        HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, "text/javascript; charset=utf-8"))
            .insert_header((CACHE_CONTROL, "no-cache, no-store"))
            .insert_header(("Service-Worker-Allowed", "/"))
            .body(SERVICE_WORKER)
    }))
    .service(web::resource("/assets/field.js").get(|| async {
        HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, "text/javascript; charset=utf-8"))
            .insert_header((CACHE_CONTROL, "no-cache"))
            .body(FIELD_JS)
    }))
    .service(web::resource("/assets/icon-192.png").get(|| async { icon(ICON_192) }))
    .service(web::resource("/assets/icon-512.png").get(|| async { icon(ICON_512) }))
    .service(web::resource(LABEL_SHELL).get(label_shell))
    .service(web::resource(QUEUE_PAGE).get(queue_page));
}

fn icon(png: &'static [u8]) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "image/png"))
        .insert_header((CACHE_CONTROL, "public, max-age=86400"))
        .body(png)
}

/// The label's page with no item in it: field.js reads the tag from the address and draws
/// the item, its verdict "offline — as of …" and the moves that can wait in the queue. The
/// fit's and the collection's hand-over are the online page's own fields, kept here as
/// templates (`handover-fit`, `handover-return`) for field.js to put into its forms, with
/// the signature pad's script; so is the thorough examination's form (`exam-form`), its
/// examiner filled in as the item page fills it for this person.
pub async fn label_shell(state: web::Data<AppState>, user: PageUser) -> HttpResponse {
    let actor = user.actor.clone();
    // The form works without the examiner filled in: a failed look-up leaves it blank.
    let examiner = state
        .read(move |c| examinations::last_examiner(c, &actor))
        .await
        .ok()
        .flatten();
    let body = html! {
        div id="offline-label" {
            section class="panel" {
                h1 { "No connection" }
                p { "Looking for this label in the round kept on this phone…" }
            }
        }
        p { a class="button secondary" href="/scan" { "Scan another label" } }
        @for (mv, collecting) in [(Move::Fit, false), (Move::Return, true)] {
            template id=(format!("handover-{}", mv.path())) {
                (handover_form::fields(mv.path(), collecting))
            }
        }
        template id="exam-form" { (check_forms::offline_exam_fields(examiner.as_ref())) }
        script src="/assets/signature.js" defer {}
    };
    respond(StatusCode::OK, layout("Offline", Some(&user), body))
}

/// What is waiting to be sent, and what the worker must decide (a conflict, a refusal).
pub async fn queue_page(user: PageUser) -> HttpResponse {
    let body = html! {
        h1 { "Recorded on this phone" }
        p class="muted" {
            "Moves recorded without a connection wait here and are sent in order when the phone is \
             back online. Each stays until the server has answered it."
        }
        div id="field-queue" { p class="muted" { "Reading the queue…" } }
    };
    respond(StatusCode::OK, layout("Queue", Some(&user), body))
}
