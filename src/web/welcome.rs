//! `/welcome/{token}`: where a one-time sign-in link lands. The person sets a password
//! (twice) and is signed in; a used or expired link says so with 410 Gone, a link never
//! issued with 404. Whether a link is good, and what using it does, is
//! `service::sign_in::link`'s to decide.

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::form::PageForm;
use super::page::{PageError, layout, problem, respond};
use super::session::{self, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::app::AppState;
use crate::domain::roles::{Action, Role};
use crate::domain::secret::random_token;
use crate::error::AppError;
use crate::service::sign_in::SESSION_HOURS;
use crate::service::sign_in::link::{self, Closed, Found, Invitee, LINK_HOURS, Redeemed};

#[derive(Debug, Deserialize)]
pub struct WelcomeForm {
    pub password: String,
    pub confirm: String,
    pub csrf: String,
}

fn form(token: &str, csrf: &str, name: &str, email: &str, trouble: Option<&str>) -> Markup {
    let body = html! {
        section class="panel" {
            h1 { "Welcome, " (name) }
            p { "Choose a password to sign in as " strong { (email) } ". This link works once." }
            (problem(trouble))
            form method="post" action={ "/welcome/" (token) } {
                input type="hidden" name="csrf" value=(csrf);
                // For password managers: the account this password belongs to.
                input type="hidden" name="username" autocomplete="username" value=(email);
                label for="password" { "New password (at least 10 characters)" }
                input id="password" name="password" type="password" autocomplete="new-password" required minlength="10";
                label for="confirm" { "The same password again" }
                input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength="10";
                button type="submit" { "Set password and sign in" }
            }
        }
    };
    layout("Welcome", None, body)
}

/// A link that no longer opens, said plainly.
fn gone(why: Option<Closed>) -> HttpResponse {
    let (status, title, words) = match why {
        None => (
            StatusCode::NOT_FOUND,
            "This sign-in link is not known",
            "Check that the whole link was copied, or ask an admin for a new one.".to_string(),
        ),
        Some(Closed::Used) => (
            StatusCode::GONE,
            "This sign-in link has already been used",
            "Each link works once. If you set your password with it, sign in with your email \
             address and password; otherwise ask an admin for a new link."
                .to_string(),
        ),
        Some(Closed::Expired) => (
            StatusCode::GONE,
            "This sign-in link has expired",
            format!("A link works for {LINK_HOURS} hours. Ask an admin for a new one."),
        ),
        Some(Closed::Deactivated) => (
            StatusCode::GONE,
            "This sign-in link can no longer be used",
            "The account it was for has been deactivated.".to_string(),
        ),
    };
    let body = html! {
        section class="panel" {
            h1 { (title) }
            p { (words) }
            p { a class="button" href="/login" { "Sign in" } }
        }
    };
    respond(status, layout(title, None, body))
}

/// Where a person lands once signed in: the desk for those who use it, else the scanner.
fn landing(role: Role) -> &'static str {
    if role.may(Action::UseDesk) {
        "/desk"
    } else {
        "/scan"
    }
}

pub async fn welcome_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    let lookup = token.clone();
    let found = state.read(move |c| link::look_up(c, &lookup)).await?;
    let staff = match found {
        Found::Unknown => return Ok(gone(None)),
        Found::Closed(why) => return Ok(gone(Some(why))),
        Found::Open(staff) => staff,
    };
    let csrf = session::pre_sign_in_csrf(&req);
    let mut r = respond(
        StatusCode::OK,
        form(&token, &csrf, &staff.name, &staff.email, None),
    );
    let _ = r.add_cookie(&session::cookie(&state, LOGIN_CSRF_COOKIE, csrf, None));
    Ok(r)
}

pub async fn set_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    f: PageForm<WelcomeForm>,
) -> Result<HttpResponse, PageError> {
    let (token, f) = (token.into_inner(), f.into_inner());
    // Shown again when the form must be: the name and address come from the link itself.
    let again = |status: StatusCode, csrf: &str, trouble: &str, staff: &Invitee| {
        respond(
            status,
            form(&token, csrf, &staff.name, &staff.email, Some(trouble)),
        )
    };
    let lookup = token.clone();
    let staff = match state.read(move |c| link::look_up(c, &lookup)).await? {
        Found::Unknown => return Ok(gone(None)),
        Found::Closed(why) => return Ok(gone(Some(why))),
        Found::Open(staff) => staff,
    };
    if !session::pre_sign_in_form_ok(&req, &f.csrf) {
        let fresh = random_token();
        let mut r = again(
            StatusCode::FORBIDDEN,
            &fresh,
            "This form had expired. Please enter your password again.",
            &staff,
        );
        let _ = r.add_cookie(&session::cookie(&state, LOGIN_CSRF_COOKIE, fresh, None));
        return Ok(r);
    }
    let (db, used) = (state.db.clone(), token.clone());
    let outcome = web::block(move || link::redeem(&db, &used, &f.password, &f.confirm))
        .await
        .map_err(AppError::from)?;
    let (session_token, role) = match outcome {
        Err(e @ AppError::Validation(_)) => {
            return Ok(again(
                StatusCode::UNPROCESSABLE_ENTITY,
                &f.csrf,
                &e.for_people("; "),
                &staff,
            ));
        }
        Err(e) => return Err(e.into()),
        Ok(Redeemed::Unknown) => return Ok(gone(None)),
        Ok(Redeemed::Closed(why)) => return Ok(gone(Some(why))),
        Ok(Redeemed::SignedIn { token, role }) => (token, role),
    };
    let mut r = HttpResponse::SeeOther()
        .insert_header(("Location", landing(role)))
        .finish();
    let _ = r.add_cookie(&session::cookie(
        &state,
        SESSION_COOKIE,
        session_token,
        Some(CookieDuration::hours(SESSION_HOURS)),
    ));
    let _ = r.add_removal_cookie(&session::cookie(&state, LOGIN_CSRF_COOKIE, String::new(), None));
    Ok(r)
}
