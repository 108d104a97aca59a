//! Who is signed in on the web pages: a session cookie (HttpOnly, SameSite=Lax, Secure on
//! https), and the per-session CSRF token every form carries.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::page::PageError;
use crate::app::AppState;
use crate::domain::roles::Action;
use crate::domain::secret::{random_token, same_secret};
use crate::error::AppError;
use crate::service::{Actor, sign_in};

pub use crate::http::auth::SESSION_COOKIE;
pub const LOGIN_CSRF_COOKIE: &str = "et_login";

pub fn cookie<'a>(
    state: &AppState,
    name: &'a str,
    value: String,
    max_age: Option<CookieDuration>,
) -> Cookie<'a> {
    let mut c = Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.public_url().starts_with("https://"))
        .finish();
    if let Some(age) = max_age {
        c.set_max_age(age);
    }
    c
}

/// The CSRF token of a form shown before anyone is signed in (sign-in, a welcome link): the
/// one this browser's cookie already holds, or a new one. The form and the cookie carry the
/// same token; another site can make a browser post, but cannot read or set the cookie.
pub fn pre_sign_in_csrf(req: &HttpRequest) -> String {
    req.cookie(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 64)
        .unwrap_or_else(random_token)
}

/// Whether a form posted before sign-in carries the token of this browser's cookie.
pub fn pre_sign_in_form_ok(req: &HttpRequest, submitted: &str) -> bool {
    let expected = req
        .cookie(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    !expected.is_empty() && same_secret(&expected, submitted)
}

/// A signed-in person on a page. Without a live session, the page sends them to sign in
/// and back to where they were.
pub struct PageUser {
    pub actor: Actor,
    pub email: String,
    pub csrf: String,
}

impl PageUser {
    /// What the permission matrix lets this person do, for pages that show or hide a link.
    pub fn may(&self, action: Action) -> bool {
        self.actor.role.may(action)
    }

    /// Refuses with a plain 403 page, in `why`'s words, a person whose role may not do
    /// `action`; the permission matrix decides, never the page.
    pub fn require(&self, action: Action, why: &str) -> Result<(), PageError> {
        if self.may(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden(why.into()).into())
        }
    }

    /// A form is taken only from the session it was given to (its CSRF token).
    pub fn check_form(&self, csrf: &str) -> Result<(), PageError> {
        if same_secret(&self.csrf, csrf) {
            Ok(())
        } else {
            Err(AppError::Forbidden("this form had expired; reload the page and try again".into()).into())
        }
    }
}

/// Where sign-in should return to: only a path on this site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) => n.to_string(),
        _ => "/scan".to_string(),
    }
}

/// One `/` not followed by `/` or `\` (browsers read either as the start of another host),
/// and printable ASCII only: browsers drop tabs and newlines before reading a URL (so
/// `/<tab>/evil.example` is `//evil.example`), and a header cannot carry them. The pages' own
/// links back are percent-encoded, so nothing genuine is lost.
fn is_local_path(next: &str) -> bool {
    let mut chars = next.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !next.contains('\\')
        && next.len() < 500
        && next.bytes().all(|b| b.is_ascii_graphic())
}

impl FromRequest for PageUser {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let wanted = match req.query_string() {
            "" => req.path().to_string(),
            q => format!("{}?{q}", req.path()),
        };
        let to_login = move || {
            let next: String = url_encode(&wanted);
            PageError::Redirect(format!("/login?next={next}"))
        };
        Box::pin(async move {
            let (Some(token), Some(state)) = (token, state) else {
                return Err(to_login());
            };
            let found = state.read(move |c| sign_in::session(c, &token)).await?;
            let Some(held) = found else {
                return Err(to_login());
            };
            Ok(PageUser {
                actor: held.actor,
                email: held.email,
                csrf: held.csrf,
            })
        })
    }
}

pub fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
