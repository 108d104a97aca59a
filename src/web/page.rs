//! The frame every page shares, and how errors look to a person rather than a program.

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, LOCATION};
use actix_web::{HttpResponse, ResponseError};

use super::session::PageUser;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::mail::render::escape;

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
                let detail = report(e);
                let body = format!(
                    "<section class=\"panel\"><h1>{}</h1><p>{}</p><p><a class=\"button\" href=\"/scan\">Scan a label</a></p></section>",
                    title_for(self.status_code()),
                    escape(&detail)
                );
                html(self.status_code(), &layout("Problem", None, &body))
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

pub fn html(status: StatusCode, page: &str) -> HttpResponse {
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
        .body(page.to_string())
}

/// A whole page: header with who is signed in, then `body`.
pub fn layout(title: &str, user: Option<&PageUser>, body: &str) -> String {
    let nav = match user {
        Some(u) => format!(
            "<nav><a href=\"/scan\">Scan</a>{desk}<form method=\"post\" action=\"/logout\" class=\"inline\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><button class=\"link\" type=\"submit\">Sign out</button></form>\
             <span class=\"who\">{name}</span></nav>",
            desk = if u.may(Action::UseDesk) {
                "<a href=\"/desk\">Desk</a>"
            } else {
                ""
            },
            csrf = escape(&u.csrf),
            name = escape(&u.actor.name),
        ),
        None => String::new(),
    };
    format!(
        "<!doctype html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · equiptrack</title><link rel=\"stylesheet\" href=\"/assets/app.css\"></head>\
         <body><header>{nav}</header><main>{body}</main></body></html>",
        title = escape(title),
    )
}

/// A hidden CSRF field for a form.
pub fn csrf_field(user: &PageUser) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        escape(&user.csrf)
    )
}
