//! `/office/recalls`: the recalls, newest first, with how far each has got; and, for whoever
//! may manage recalls, the form that opens one. Submitting it first shows the items it would
//! reach, writing nothing; only "Confirm" (the same fields and `confirm=1`) opens it, through
//! the same service function as the API.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, ResponseError, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::form::{Fields, PageForm};
use super::item_page::status_words;
use super::page::{PageError, csrf_field, layout, pager, respond};
use super::refusal::{Refused, Values, beside};
use super::session::PageUser;
use crate::app::AppState;
use crate::domain::roles::Action;
use crate::domain::states::RecallStatus;
use crate::error::AppError;
use crate::service::catalogue::{self, TypeView};
use crate::service::pages::Page;
use crate::service::recalls::{self, CreateRecall, RecallPreview, RecallView, Whereabouts};

/// Recalls on one page of the list.
const PER_PAGE: i64 = 25;
/// The form's fields, as the service names them.
const FIELDS: [&str; 6] = ["reference", "title", "type", "serial_from", "serial_to", "batch"];
const NAMES: &[(&str, &str)] = &[
    ("type", "equipment type"),
    ("serial_from", "first serial"),
    ("serial_to", "last serial"),
];

/// The recall pages' refusal, in words for what was asked.
pub(super) fn require(user: &PageUser, action: Action) -> Result<(), PageError> {
    let why = match action {
        Action::ManageRecalls => "only stores staff and admins run recalls",
        _ => "recalls are for office staff",
    };
    user.require(action, why)
}

/// Items resolved of items affected, as words.
pub(super) fn progress(r: &RecallView) -> String {
    format!("{} of {} resolved", r.affected - r.unresolved, r.affected)
}

pub(super) fn status_of(s: RecallStatus) -> &'static str {
    match s {
        RecallStatus::Open => "Open",
        RecallStatus::Closed => "Resolved",
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub page: Option<i64>,
}

/// GET `/office/recalls?page=N`.
pub async fn list(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    require(&user, Action::UseOffice)?;
    let page = Page::parse(q.page, Some(PER_PAGE))?;
    show(&state, &user, StatusCode::OK, None, page).await
}

async fn show(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    refused: Option<Refused>,
    page: Page,
) -> Result<HttpResponse, PageError> {
    let found = state.read(move |c| recalls::list(c, None, page)).await?;
    let manage = user.may(Action::ManageRecalls);
    let types = if manage {
        let all = Page::parse(None, Some(500))?;
        state.read(move |c| catalogue::list_types(c, all)).await?.items
    } else {
        Vec::new()
    };
    let body = html! {
        h1 { "Recalls" }
        @if manage {
            section class="panel" {
                h2 { "Open a recall" }
                p { "You will see the affected items before anything is changed." }
                (beside("new-recall", refused.as_ref()))
                (recall_form(user, &types, Values::of("new-recall", refused.as_ref())))
            }
        }
        section class="panel" {
            @if found.total == 0 {
                p { "No recalls recorded." }
            } @else if found.items.is_empty() {
                p { "No recalls on this page." }
            } @else {
                (table(&found.items))
            }
            (pager("/office/recalls?page=", page, found.total))
        }
    };
    Ok(respond(status, layout("Recalls", Some(user), body)))
}

fn table(rows: &[RecallView]) -> Markup {
    html! {
        div class="scroll" {
            table {
                thead { tr { th { "Reference" } th { "Title" } th { "Type" } th { "Status" } th { "Progress" } } }
                tbody {
                    // The service lists them newest first.
                    @for r in rows {
                        tr {
                            td { a href={ "/office/recalls/" (r.id) } { (r.reference) } }
                            td { (r.title) }
                            td { (r.type_.name) }
                            td { (status_of(r.status)) }
                            td { (progress(r)) }
                        }
                    }
                }
            }
        }
    }
}

fn recall_form(user: &PageUser, types: &[TypeView], v: Values) -> Markup {
    let chosen = v.text("type", "").to_ascii_uppercase();
    html! {
        form id="new-recall" method="post" action="/office/recalls" {
            (csrf_field(user))
            div class="two" {
                div {
                    label for="reference" { "Reference (notice number)" }
                    input id="reference" name="reference" type="text" maxlength="100" required value=(v.text("reference", ""));
                }
                div {
                    label for="type" { "Equipment type" }
                    select id="type" name="type" {
                        option value="" { "Choose a type" }
                        @for t in types {
                            option value=(t.code) selected[t.code == chosen] { (t.name) " (" (t.code) ")" }
                        }
                    }
                }
            }
            label for="title" { "Title" }
            input id="title" name="title" type="text" maxlength="300" required value=(v.text("title", ""));
            p { "Either a range of serial numbers or a batch:" }
            div class="two" {
                div {
                    label for="serial_from" { "First serial" }
                    input id="serial_from" name="serial_from" type="text" maxlength="200" value=(v.text("serial_from", ""));
                }
                div {
                    label for="serial_to" { "Last serial" }
                    input id="serial_to" name="serial_to" type="text" maxlength="200" value=(v.text("serial_to", ""));
                }
            }
            label for="batch" { "Batch" }
            input id="batch" name="batch" type="text" maxlength="200" value=(v.text("batch", ""));
            button type="submit" { "Show the affected items" }
        }
    }
}

#[derive(Debug, Deserialize)]
struct Csrf {
    csrf: String,
}

/// The form read after the permission and CSRF checks.
pub(super) fn checked_form(user: &PageUser, form: PageForm<Fields>) -> Result<Fields, PageError> {
    require(user, Action::ManageRecalls)?;
    let fields = form.into_inner();
    user.check_form(&fields.read::<Csrf>()?.csrf)?;
    Ok(fields)
}

fn request_of(f: &Fields) -> CreateRecall {
    let given = |n: &str| f.one(n).filter(|v| !v.trim().is_empty()).map(str::to_string);
    CreateRecall {
        reference: given("reference"),
        title: given("title"),
        type_code: given("type"),
        serial_from: given("serial_from"),
        serial_to: given("serial_to"),
        batch: given("batch"),
    }
}

/// POST `/office/recalls`: the preview, or with `confirm=1` the recall opened.
pub async fn submit(
    state: web::Data<AppState>,
    user: PageUser,
    form: PageForm<Fields>,
) -> Result<HttpResponse, PageError> {
    let fields = checked_form(&user, form)?;
    let req = request_of(&fields);
    let actor = user.actor.clone();
    if fields.one("confirm") == Some("1") {
        let mail = state.mail_context();
        let opened = state.write(move |c| recalls::open(c, &actor, &req, &mail)).await;
        return match opened {
            Ok(r) => {
                state.outbox.notify_one();
                let to = format!("/office/recalls/{}?done=opened", r.id);
                Ok(HttpResponse::SeeOther().insert_header((LOCATION, to)).finish())
            }
            Err(e) => refuse(&state, &user, fields, &e).await,
        };
    }
    match state.read(move |c| recalls::preview(c, &actor, &req)).await {
        Ok(found) => Ok(respond(
            StatusCode::OK,
            layout(
                "Recall preview",
                Some(&user),
                preview_page(&user, &fields, &found),
            ),
        )),
        Err(e) => refuse(&state, &user, fields, &e).await,
    }
}

async fn refuse(
    state: &AppState,
    user: &PageUser,
    fields: Fields,
    e: &AppError,
) -> Result<HttpResponse, PageError> {
    let refused = Refused::new("new-recall", e, NAMES, fields);
    let first = Page::parse(None, Some(PER_PAGE))?;
    show(state, user, e.status_code(), Some(refused), first).await
}

fn preview_page(user: &PageUser, fields: &Fields, found: &RecallPreview) -> Markup {
    let n = found.items.len();
    html! {
        h1 { "Recall preview" }
        section class="panel" {
            p {
                (fields.one("reference").unwrap_or_default()) ": " (fields.one("title").unwrap_or_default())
                " (" (found.type_name) ")"
            }
            p role="status" {
                strong { (n) @if n == 1 { " item is affected." } @else { " items are affected." } }
                " Nothing has been changed yet. Opening the recall quarantines affected stock in store \
                  and tells the workers whose clients hold the rest."
            }
            @if n > 0 {
                div class="scroll" {
                    table {
                        thead { tr { th { "Tag" } th { "Serial" } th { "Batch" } th { "Status" } th { "Where" } } }
                        tbody {
                            @for i in &found.items {
                                tr {
                                    td { (i.asset_tag) }
                                    td { (i.serial_number.as_deref().unwrap_or("—")) }
                                    td { (i.batch.as_deref().unwrap_or("—")) }
                                    td { (status_words(i.status)) }
                                    td {
                                        @match &i.whereabouts {
                                            Whereabouts::Home { reference, postcode } => { "Client " (reference) ", " (postcode) }
                                            Whereabouts::Store(Some(name)) => { "Store: " (name) }
                                            Whereabouts::Store(None) => { "Store" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            form method="post" action="/office/recalls" {
                (csrf_field(user))
                @for name in FIELDS {
                    input type="hidden" name=(name) value=(fields.one(name).unwrap_or_default());
                }
                input type="hidden" name="confirm" value="1";
                button type="submit" { "Confirm and open the recall" }
            }
            p { a class="button secondary" href="/office/recalls" { "Cancel" } }
        }
    }
}
