//! Signing in and out with an email address and password.

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderValue, RETRY_AFTER};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::form::PageForm;
use maud::{Markup, html};

use super::page::{PageError, layout, problem, respond};
use super::session::{self, LOGIN_CSRF_COOKIE, SESSION_COOKIE, safe_next};
use crate::app::AppState;
use crate::domain::secret::random_token;
use crate::domain::validate::canonical_email;
use crate::error::AppError;
use crate::service::sign_in::{self, SESSION_HOURS, SignIn, throttle};

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
    pub csrf: String,
    pub next: Option<String>,
}

fn form(csrf: &str, next: &str, email: &str, trouble: Option<&str>) -> Markup {
    let body = html! {
        section class="panel" {
            h1 { "Sign in" }
            (problem(trouble))
            form method="post" action="/login" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="next" value=(next);
                label for="email" { "Email address" }
                input id="email" name="email" type="email" autocomplete="username" required value=(email);
                label for="password" { "Password" }
                input id="password" name="password" type="password" autocomplete="current-password" required;
                button type="submit" { "Sign in" }
            }
        }
    };
    layout("Sign in", None, body)
}

pub async fn login_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    q: web::Query<NextQuery>,
) -> HttpResponse {
    let csrf = session::pre_sign_in_csrf(&req);
    let mut response = respond(
        StatusCode::OK,
        form(&csrf, &safe_next(q.next.as_deref()), "", None),
    );
    let _ = response.add_cookie(&session::cookie(&state, LOGIN_CSRF_COOKIE, csrf, None));
    response
}

pub async fn login_submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    f: PageForm<LoginForm>,
) -> Result<HttpResponse, PageError> {
    let f = f.into_inner();
    let next = safe_next(f.next.as_deref());
    let email = canonical_email(&f.email);
    if !session::pre_sign_in_form_ok(&req, &f.csrf) {
        let fresh = random_token();
        let mut r = respond(
            StatusCode::FORBIDDEN,
            form(
                &fresh,
                &next,
                &email,
                Some("This sign-in form had expired. Please sign in again."),
            ),
        );
        let _ = r.add_cookie(&session::cookie(&state, LOGIN_CSRF_COOKIE, fresh, None));
        return Ok(r);
    }
    let client = state.settings.server.trusted_proxies.client_of(&req);
    let too_many = |csrf: &str| {
        let mut r = respond(
            StatusCode::TOO_MANY_REQUESTS,
            form(
                csrf,
                &next,
                &email,
                Some(&format!(
                    "Too many wrong passwords. Please wait {} minutes and try again.",
                    throttle::WINDOW.num_minutes()
                )),
            ),
        );
        // The longest the window can still run; a client that waits this long gets a fresh one.
        r.headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(throttle::WINDOW.num_seconds()));
        r
    };
    let (db, typed, password) = (state.db.clone(), f.email, f.password);
    let outcome = web::block(move || sign_in::sign_in(&db, &typed, &password, &client))
        .await
        .map_err(AppError::from)??;
    let token = match outcome {
        SignIn::Throttled => return Ok(too_many(&f.csrf)),
        SignIn::Mismatch(failure) => {
            // Each wrong password waits a little longer before it is answered.
            actix_web::rt::time::sleep(failure.delay).await;
            if failure.refused {
                return Ok(too_many(&f.csrf));
            }
            return Ok(respond(
                StatusCode::UNAUTHORIZED,
                form(
                    &f.csrf,
                    &next,
                    &email,
                    Some("That email address and password do not match."),
                ),
            ));
        }
        SignIn::SignedIn { token } => token,
    };
    let mut r = HttpResponse::SeeOther()
        .insert_header(("Location", next))
        .finish();
    let _ = r.add_cookie(&session::cookie(
        &state,
        SESSION_COOKIE,
        token,
        Some(CookieDuration::hours(SESSION_HOURS)),
    ));
    let _ = r.add_removal_cookie(&session::cookie(&state, LOGIN_CSRF_COOKIE, String::new(), None));
    Ok(r)
}

#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    pub csrf: String,
}

pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    f: PageForm<LogoutForm>,
) -> Result<HttpResponse, PageError> {
    if let Some(token) = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string()) {
        state
            .write(move |c| sign_in::sign_out(c, &token, &f.csrf))
            .await?;
    }
    let mut r = HttpResponse::SeeOther()
        .insert_header(("Location", "/login"))
        .finish();
    let _ = r.add_removal_cookie(&session::cookie(&state, SESSION_COOKIE, String::new(), None));
    Ok(r)
}
