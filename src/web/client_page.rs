//! One client in the office: their details (and a form to correct them), what they hold
//! now, what they held before, the telecare installation in their home
//! (`installation_form.rs`), and erasure behind a confirming step.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::clients::{ClientForm, client_fields};
use super::form::PageForm;
use super::installation_form::{self, CHANGES_SHOWN, InstallationForm, Installed};
use super::item_page::status_words;
use super::page::{PageError, csrf_field, layout, problem, report, respond};
use super::session::PageUser;
use crate::api::clients::erase_and_tidy;
use crate::api::parse_id;
use crate::app::AppState;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::service::clients::{self, ClientView, HeldBefore, PatchClient};
use crate::service::installations;
use crate::service::pages::Page;
use crate::words::uk_date;

#[derive(Debug, Default, Deserialize)]
pub struct CsrfOnly {
    pub csrf: String,
}

struct Shown {
    client: ClientView,
    before: Vec<HeldBefore>,
    telecare: Installed,
}

async fn load(state: &AppState, id: i64) -> Result<Shown, AppError> {
    let url = state.public_url();
    state
        .read(move |c| {
            let client = clients::get(c, id, &url)?;
            let now: Vec<i64> = client.equipment.iter().flatten().map(|i| i.id).collect();
            let before = clients::held_before(c, id, &now, &url)?;
            let telecare = Installed {
                view: installations::of_client(c, id)?,
                changes: installations::history(c, id, Page::parse(None, Some(CHANGES_SHOWN))?)?,
            };
            Ok(Shown {
                client,
                before,
                telecare,
            })
        })
        .await
}

fn form_of(c: &ClientView) -> ClientForm {
    ClientForm {
        csrf: String::new(),
        reference: c.reference.clone(),
        name: c.name.clone(),
        address: c.address.clone(),
        postcode: c.postcode.clone(),
        phone: c.phone.clone().unwrap_or_default(),
    }
}

/// The client's page with the telecare panel as given (a form refused keeps what was typed).
fn render_with(
    user: &PageUser,
    shown: &Shown,
    form: &ClientForm,
    banner: Markup,
    telecare: Markup,
) -> Markup {
    let c = &shown.client;
    let path = format!("/office/clients/{}", c.id);
    let holds = c.equipment.as_deref().unwrap_or_default();
    let title = if c.erased {
        "Erased client"
    } else {
        c.name.as_str()
    };
    let body = html! {
        p { a href="/office/clients" { "← Clients" } }
        h1 { (title) }
        (banner)
        section class="panel" {
            h2 { "Details" }
            dl {
                dt { "Reference" } dd { (c.reference) }
                @if c.erased {
                    dt { "Erased" } dd { "Nothing personal is kept about this client." }
                } @else {
                    dt { "Address" } dd { (c.address) }
                    dt { "Postcode" } dd { (c.postcode) }
                    dt { "Phone" } dd { (c.phone.as_deref().unwrap_or("—")) }
                }
            }
        }
        section class="panel" {
            h2 { "Holds now" }
            @if holds.is_empty() {
                p { "Nothing." }
            } @else {
                div class="scroll" {
                    table {
                        thead { tr { th { "Tag" } th { "Type" } th { "Status" } th { "Next check" } } }
                        tbody {
                            @for i in holds {
                                tr {
                                    td { a href={ "/s/" (i.asset_tag) } { (i.asset_tag) } }
                                    td { (i.type_.name) }
                                    td { (status_words(i.status)) }
                                    td { (i.next_check_due.map(uk_date).unwrap_or_default()) }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "Held before" }
            @if shown.before.is_empty() {
                p { "Nothing." }
            } @else {
                div class="scroll" {
                    table {
                        thead { tr { th { "Tag" } th { "Type" } th { "From" } th { "Until" } } }
                        tbody {
                            @for h in &shown.before {
                                tr {
                                    td { a href={ "/s/" (h.asset_tag) } { (h.asset_tag) } }
                                    td { (h.type_name) }
                                    td { (uk_date(h.first.date_naive())) }
                                    td { (uk_date(h.last.date_naive())) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !c.erased && user.may(Action::ManageClients) {
            section class="panel" {
                h2 { "Correct the details" }
                form method="post" action=(path) {
                    (csrf_field(user))
                    (client_fields(form))
                    button type="submit" { "Save the details" }
                }
            }
        }
        (telecare)
        @if !c.erased && user.may(Action::EraseClients) {
            p { a class="button secondary" href={ (path) "/erase" } { "Erase this client…" } }
        }
    };
    layout(title, Some(user), body)
}

/// The client's page with the telecare panel showing the installation as stored.
fn render(user: &PageUser, shown: &Shown, form: &ClientForm, banner: Markup) -> Markup {
    let form_now = InstallationForm::of(shown.telecare.view.as_ref());
    let telecare = installation_form::panel(user, &shown.client, &shown.telecare, &form_now, html! {});
    render_with(user, shown, form, banner, telecare)
}

/// The page after the telecare form was sent: `form` as it should be shown, `banner` above it.
pub async fn page_with_telecare(
    state: &AppState,
    user: &PageUser,
    id: i64,
    form: InstallationForm,
    banner: Markup,
) -> Result<Markup, PageError> {
    let shown = load(state, id).await?;
    let telecare = installation_form::panel(user, &shown.client, &shown.telecare, &form, banner);
    Ok(render_with(
        user,
        &shown,
        &form_of(&shown.client),
        html! {},
        telecare,
    ))
}

pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = parse_id(&id, "client")?;
    let shown = load(&state, id).await?;
    let html = render(&user, &shown, &form_of(&shown.client), html! {});
    Ok(respond(StatusCode::OK, html))
}

/// Corrects the details through the API's own function; refused, the form keeps what was typed.
pub async fn edit(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    form: PageForm<ClientForm>,
) -> Result<HttpResponse, PageError> {
    let id = parse_id(&id, "client")?;
    let f = form.into_inner();
    user.check_form(&f.csrf)?;
    let phone = Some(f.phone.trim().to_string()).filter(|p| !p.is_empty());
    let req = PatchClient {
        reference: Some(f.reference.clone()),
        name: Some(f.name.clone()),
        address: Some(f.address.clone()),
        postcode: Some(f.postcode.clone()),
        phone: Some(phone),
    };
    let actor = user.actor.clone();
    let outcome = state.write(move |c| clients::patch(c, &actor, id, &req)).await;
    let shown = load(&state, id).await?;
    let (status, banner, form) = match outcome {
        Ok(_) => (
            StatusCode::OK,
            html! { p class="done" role="status" { "Saved." } },
            form_of(&shown.client),
        ),
        Err(e @ (AppError::Forbidden(_) | AppError::NotFound(_))) => return Err(e.into()),
        Err(e) => (e.status_code(), problem(Some(&report(&e))), f),
    };
    Ok(respond(status, render(&user, &shown, &form, banner)))
}

/// The confirming step before an erasure, which cannot be undone.
pub async fn confirm_erase(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    if !user.may(Action::EraseClients) {
        return Err(AppError::Forbidden("only an admin may erase a client".into()).into());
    }
    let id = parse_id(&id, "client")?;
    let shown = load(&state, id).await?;
    let c = &shown.client;
    let body = html! {
        h1 { "Erase " (c.name) "?" }
        section class="panel" {
            p {
                "Their name, address, postcode and phone, the notes of their visits, the mail "
                "about them and the responders of their telecare are blanked for good. The history of the equipment stays, naming "
                "only the reference " strong { (c.reference) } ". This cannot be undone."
            }
            form method="post" action={ "/office/clients/" (c.id) "/erase" } {
                (csrf_field(&user))
                button type="submit" class="fail" { "Erase this client" }
            }
            p { a class="button secondary" href={ "/office/clients/" (c.id) } { "Keep them" } }
        }
    };
    Ok(respond(
        StatusCode::OK,
        layout("Erase a client", Some(&user), body),
    ))
}

pub async fn erase(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    form: PageForm<CsrfOnly>,
) -> Result<HttpResponse, PageError> {
    let id = parse_id(&id, "client")?;
    user.check_form(&form.csrf)?;
    let banner = match erase_and_tidy(&state, user.actor.clone(), id).await {
        Ok(_) => html! { p class="done" role="status" { "Erased." } },
        Err(e @ (AppError::Forbidden(_) | AppError::NotFound(_))) => return Err(e.into()),
        Err(e) => problem(Some(&format!("Not erased: {}", report(&e)))),
    };
    let shown = load(&state, id).await?;
    let html = render(&user, &shown, &form_of(&shown.client), banner);
    let status = if shown.client.erased {
        StatusCode::OK
    } else {
        StatusCode::CONFLICT
    };
    Ok(respond(status, html))
}
