//! The frame every page shares, and how errors look to a person rather than a program.

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, LOCATION};
use actix_web::{HttpResponse, ResponseError};
use maud::{DOCTYPE, Markup, html};

use super::session::PageUser;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::service::pages::Page;

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("redirect to {0}")]
    Redirect(String),
    #[error("{0}")]
    App(#[from] AppError),
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Redirect(_) => StatusCode::SEE_OTHER,
            Self::App(e) => e.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Redirect(to) => HttpResponse::SeeOther()
                .insert_header((LOCATION, to.as_str()))
                .finish(),
            Self::App(e) => {
                let body = html! {
                    section class="panel" {
                        h1 { (title_for(self.status_code())) }
                        p { (report(e)) }
                        p { a class="button" href="/scan" { "Scan a label" } }
                    }
                };
                respond(self.status_code(), layout("Problem", None, body))
            }
        }
    }
}

/// An error as a page tells it; the one place pages report an error, so the one place
/// they log it (the unexpected, with its cause).
pub fn report(error: &AppError) -> String {
    error.log();
    error.for_people("; ")
}

fn title_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        403 => "Not allowed",
        404 => "Not found",
        409 => "Not possible now",
        422 => "Please check what you entered",
        429 => "Too many attempts",
        _ => "Something went wrong",
    }
}

/// A page as the answer, with the headers every page carries.
pub fn respond(status: StatusCode, page: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        // Only our own scripts and styles; forms post only to us.
        .insert_header((
            "Content-Security-Policy",
            "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        ))
        .insert_header(("Referrer-Policy", "same-origin"))
        .body(page.into_string())
}

/// The header's links, in order, each shown only to a role that may use its page (`None`:
/// anyone signed in). Pages still check for themselves; this only hides what would be refused.
/// A new page is one line here.
const NAV: &[(&str, &str, Option<Action>)] = &[
    ("/scan", "Scan", None),
    ("/desk", "Desk", Some(Action::UseDesk)),
    ("/office/clients", "Clients", Some(Action::UseOffice)),
    ("/office/receive", "Receive", Some(Action::ManageItems)),
    ("/office/overdue", "Overdue", Some(Action::UseOffice)),
    ("/office/switchover", "Switchover", Some(Action::UseOffice)),
    ("/office/recalls", "Recalls", Some(Action::UseOffice)),
    ("/office/catalogue", "Catalogue", Some(Action::UseOffice)),
    ("/office/staff", "Staff", Some(Action::ListStaff)),
];

/// A whole page: header with who is signed in, then `body`.
pub fn layout(title: &str, user: Option<&PageUser>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · equiptrack" }
                link rel="stylesheet" href="/assets/app.css";
                link rel="manifest" href="/manifest.webmanifest";
                link rel="icon" href="/assets/icon-192.png";
                meta name="theme-color" content="#1d3557";
                // Field mode (assets/web/field.js): whose round and queue the phone keeps,
                // and the token its queue sends moves with.
                @if let Some(u) = user {
                    meta name="et-user" content=(u.actor.id);
                    meta name="et-csrf" content=(u.csrf);
                    script src="/assets/field.js" defer {}
                }
            }
            body {
                header {
                    @if let Some(u) = user {
                        nav aria-label="Pages" {
                            @for (href, words, needs) in NAV {
                                @if needs.is_none_or(|a| u.may(a)) {
                                    a href=(href) { (words) }
                                }
                            }
                            form method="post" action="/logout" class="inline" {
                                (csrf_field(u))
                                button class="link" type="submit" { "Sign out" }
                            }
                            a id="field-badge" class="badge" href=(super::field::QUEUE_PAGE) hidden { "0 waiting" }
                            span class="who" { (u.actor.name) }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// A hidden CSRF field for a form.
pub fn csrf_field(user: &PageUser) -> Markup {
    html! { input type="hidden" name="csrf" value=(user.csrf); }
}

/// What went wrong, above the form it concerns.
pub fn problem(words: Option<&str>) -> Markup {
    html! {
        @if let Some(words) = words {
            p class="error" role="alert" { (words) }
        }
    }
}

/// "Page 2 of 51" with links to the pages either side, each `{href}{n}`; nothing when all
/// fits on one page.
pub fn pager(href: &str, page: Page, total: i64) -> Markup {
    let pages = (total + page.per_page - 1) / page.per_page;
    let link = |n: i64, words: &str| html! { a class="button secondary" href={ (href) (n) } { (words) } };
    html! {
        @if pages > 1 {
            nav class="pager" aria-label="Pages" {
                p { "Page " (page.page) " of " (pages) }
                @if page.page > 1 { (link(page.page - 1, "Previous page")) }
                " "
                @if page.page < pages { (link(page.page + 1, "Next page")) }
            }
        }
    }
}
