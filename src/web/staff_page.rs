//! `/office/staff`: who has an account, with what role. Whoever may list staff reads it;
//! whoever may manage staff adds a person (and emails them a welcome link through the outbox),
//! changes a role, deactivates or reactivates an account, and sends a new sign-in link: the
//! same service functions as the API. A refusal comes back beside its form, what was typed kept.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::form::{Fields, PageForm};
use super::page::{PageError, csrf_field, layout, respond};
use super::refusal::{Refused, Values, beside};
use super::session::PageUser;
use crate::app::AppState;
use crate::domain::roles::{Action, Role};
use crate::error::AppError;
use crate::service::pages::{Page, Paged};
use crate::service::sign_in::link::{self, SendLink};
use crate::service::staff::{self, CreateStaff, PatchStaff, StaffView};

const PER_PAGE: i64 = 100;

#[derive(Debug, Default, Deserialize)]
pub struct StaffQuery {
    pub page: Option<i64>,
    pub done: Option<String>,
}

fn done_words(done: &str) -> Option<&'static str> {
    Some(match done {
        "added" => "Added. A welcome link to set a password is on its way to them by email.",
        "role" => "Role changed.",
        "deactivate" => "Deactivated: they are signed out and their API token has ended.",
        "reactivate" => "Reactivated. Send them a sign-in link if they need a new password.",
        "sign-in-link" => "A new sign-in link is on its way by email; earlier unused links have ended.",
        _ => return None,
    })
}

pub fn role_words(role: Role) -> &'static str {
    match role {
        Role::Admin => "Admin",
        Role::Stores => "Stores",
        Role::Worker => "Worker",
        Role::Viewer => "Viewer",
    }
}

const ADMIN_ONLY: &str = "only an admin changes staff accounts";

pub async fn staff(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<StaffQuery>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ListStaff, "the staff list is for admins and stores")?;
    let q = q.into_inner();
    let banner = match q.done.as_deref().and_then(done_words) {
        Some(words) => html! { p class="done" role="status" { (words) } },
        None => html! {},
    };
    show(&state, &user, q.page, StatusCode::OK, banner, None).await
}

async fn show(
    state: &AppState,
    user: &PageUser,
    page: Option<i64>,
    status: StatusCode,
    banner: Markup,
    refused: Option<Refused>,
) -> Result<HttpResponse, PageError> {
    let page = Page::parse(page, Some(PER_PAGE))?;
    let actor = user.actor.clone();
    let found = state.read(move |c| staff::list(c, &actor, page)).await?;
    let body = render(user, &found, banner, refused.as_ref());
    Ok(respond(status, layout("Staff", Some(user), body)))
}

fn render(user: &PageUser, found: &Paged<StaffView>, banner: Markup, refused: Option<&Refused>) -> Markup {
    let manage = user.may(Action::ManageStaff);
    html! {
        h1 { "Staff" }
        (banner)
        @if manage { (add_form(user, refused)) }
        section class="panel" {
            h2 { (found.total) " accounts" }
            table class="cards staff" {
                thead { tr {
                    th { "Name" } th { "Email" } th { "Role" } th { "Account" }
                    @if manage { th { "Change" } }
                } }
                tbody {
                    @for s in &found.items {
                        tr id={ "staff-" (s.id) } {
                            td data-label="Name" { (s.name) }
                            td data-label="Email" { (s.email) }
                            td data-label="Role" { (role_words(s.role)) }
                            td data-label="Account" {
                                span {
                                    (if s.active { "Active" } else { "Deactivated" })
                                    @if s.active && !s.has_password { br; span class="muted" { "no password yet" } }
                                }
                            }
                            @if manage { td class="actions" data-label="Change" { (row_forms(user, s, refused)) } }
                        }
                    }
                }
            }
            (pager(found))
        }
    }
}

fn add_form(user: &PageUser, refused: Option<&Refused>) -> Markup {
    let v = Values::of("new-staff", refused);
    let role = v.text("role", "worker");
    html! {
        section class="panel" id="new-staff" {
            details class="edit" data-form="new-staff" open[v.refused()] {
                summary { "Add a person" }
                (beside("new-staff", refused))
                form method="post" action="/office/staff" {
                    (csrf_field(user))
                    div class="two" {
                        div { label for="staff-name" { "Name" }
                            input id="staff-name" name="name" type="text" required maxlength="200" value=(v.text("name", "")); }
                        div { label for="staff-email" { "Email" }
                            input id="staff-email" name="email" type="email" required maxlength="254" value=(v.text("email", "")); }
                    }
                    label for="staff-role" { "Role" }
                    (role_select("staff-role", &role))
                    p class="muted" { "They get an email with a link to set their password; it works once, for 24 hours." }
                    button type="submit" { "Add and email a welcome link" }
                }
            }
        }
    }
}

fn role_select(id: &str, chosen: &str) -> Markup {
    html! {
        select id=(id) name="role" {
            @for r in Role::ALL {
                option value=(r.as_str()) selected[r.as_str() == chosen] { (role_words(r)) }
            }
        }
    }
}

fn row_forms(user: &PageUser, s: &StaffView, refused: Option<&Refused>) -> Markup {
    let form_id = format!("staff-{}", s.id);
    let v = Values::of(&form_id, refused);
    let role = v.text("role", s.role.as_str());
    let to = |change: &str| format!("/office/staff/{}/{change}", s.id);
    html! {
        div class="actions" {
        (beside(&form_id, refused))
        form method="post" action=(to("role")) {
            (csrf_field(user))
            (role_select(&format!("role-{}", s.id), &role))
            button type="submit" class="secondary" { "Change role" }
        }
        @if s.active {
            form method="post" action=(to("sign-in-link")) {
                (csrf_field(user))
                button type="submit" class="secondary" { "Email a sign-in link" }
            }
            form method="post" action=(to("deactivate")) {
                (csrf_field(user))
                button type="submit" class="secondary" { "Deactivate" }
            }
        } @else {
            form method="post" action=(to("reactivate")) {
                (csrf_field(user))
                button type="submit" class="secondary" { "Reactivate" }
            }
        }
        }
    }
}

fn pager(found: &Paged<StaffView>) -> Markup {
    let pages = ((found.total + found.per_page - 1) / found.per_page).max(1);
    html! {
        @if pages > 1 {
            nav class="pager" aria-label="Pages of staff" {
                p { "Page " (found.page) " of " (pages) }
                @if found.page > 1 { a class="button secondary" href={ "?page=" (found.page - 1) } { "Previous page" } }
                " "
                @if found.page < pages { a class="button secondary" href={ "?page=" (found.page + 1) } { "Next page" } }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
struct AddForm {
    csrf: String,
    name: Option<String>,
    email: Option<String>,
    role: Option<String>,
}

fn done(what: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/office/staff?done={what}")))
        .finish()
}

async fn refused(
    state: &AppState,
    user: &PageUser,
    form_id: &str,
    e: &AppError,
    fields: Fields,
) -> Result<HttpResponse, PageError> {
    let status = actix_web::ResponseError::status_code(e);
    let refused = Refused::new(form_id, e, &[], fields);
    show(state, user, None, status, html! {}, Some(refused)).await
}

/// A new account, and its welcome link queued as an email, in one transaction.
pub async fn add(
    state: web::Data<AppState>,
    user: PageUser,
    form: PageForm<Fields>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ManageStaff, ADMIN_ONLY)?;
    let fields = form.into_inner();
    let f: AddForm = fields.read()?;
    user.check_form(&f.csrf)?;
    let (actor, mail) = (user.actor.clone(), state.mail_context());
    let req = CreateStaff {
        email: f.email,
        name: f.name,
        role: f.role,
        password: None,
    };
    let made = state
        .write(move |c| {
            let view = staff::create(c, &actor, &req)?;
            link::send(c, &actor, view.id, &SendLink { email: true }, &mail)
        })
        .await;
    match made {
        Ok(_) => {
            state.outbox.notify_one();
            Ok(done("added"))
        }
        Err(e) => refused(&state, &user, "new-staff", &e, fields).await,
    }
}

#[derive(Debug, Deserialize)]
struct ChangeForm {
    csrf: String,
    role: Option<String>,
}

/// One change to one account: `role`, `deactivate`, `reactivate` or `sign-in-link`.
pub async fn change(
    state: web::Data<AppState>,
    user: PageUser,
    path: web::Path<(String, String)>,
    form: PageForm<Fields>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ManageStaff, ADMIN_ONLY)?;
    let fields = form.into_inner();
    let f: ChangeForm = fields.read()?;
    user.check_form(&f.csrf)?;
    let (id, what) = path.into_inner();
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::NotFound(format!("no staff member has the id {id:?}")))?;
    let patch = |p: PatchStaff| Some(p);
    let request = match what.as_str() {
        "role" => patch(PatchStaff {
            role: Some(f.role.unwrap_or_default()),
            ..Default::default()
        }),
        "deactivate" | "reactivate" => patch(PatchStaff {
            active: Some(what == "reactivate"),
            ..Default::default()
        }),
        "sign-in-link" => None,
        _ => return Err(AppError::NotFound("there is no such change on this page".into()).into()),
    };
    let (actor, mail) = (user.actor.clone(), state.mail_context());
    let outcome = match request {
        Some(req) => state
            .write(move |c| staff::patch(c, &actor, id, &req))
            .await
            .map(|_| {
                // A role or active flag changed: signed-in staff are looked up afresh.
                state.tokens.clear();
            }),
        None => state
            .write(move |c| link::send(c, &actor, id, &SendLink { email: true }, &mail))
            .await
            .map(|_| state.outbox.notify_one()),
    };
    match outcome {
        Ok(()) => Ok(done(&what)),
        Err(e) => refused(&state, &user, &format!("staff-{id}"), &e, fields).await,
    }
}
