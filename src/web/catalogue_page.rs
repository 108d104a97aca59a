//! `/office/catalogue`: equipment types and their check rules. Whoever may use the office
//! reads it; whoever may manage types creates and changes them, through the same service
//! functions as the API. A refusal comes back as the page, its words beside the form, what
//! was typed kept; a change done answers 303 back to the type.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::catalogue_forms::{Catalogue, NAMES};
use super::form::{Fields, PageForm};
use super::page::{PageError, layout, respond};
use super::refusal::{Refused, whole_number};
use super::session::{PageUser, url_encode};
use crate::app::AppState;
use crate::domain::roles::Action;
use crate::domain::validate::Errors;
use crate::error::AppError;
use crate::service::catalogue::{self, CreateType, PatchType, RuleInput};
use crate::service::check_rules::{self, PatchRule};
use crate::service::pages::Page;

/// Types on one page of the catalogue.
const PER_PAGE: i64 = 100;

#[derive(Debug, Default, Deserialize)]
pub struct CatalogueQuery {
    pub page: Option<i64>,
    pub done: Option<String>,
}

/// What a change that went through says above the list.
fn done_words(done: &str) -> Option<&'static str> {
    Some(match done {
        "type-added" => "Equipment type added.",
        "type-saved" => "Equipment type saved.",
        "rule-added" => "Check rule added; every item of the type now follows it.",
        "rule-saved" => "Check rule saved; the items' due dates follow it.",
        "rule-retired" => "Check rule retired.",
        _ => return None,
    })
}

pub async fn catalogue(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<CatalogueQuery>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::UseOffice, "the catalogue is for office staff")?;
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
    let found = state.read(move |c| catalogue::list_types(c, page)).await?;
    let view = Catalogue {
        user,
        types: &found.items,
        manage: user.may(Action::ManageTypes),
        default_lead: state.settings.reminders.lead_days,
        refused: refused.as_ref(),
    };
    let body = view.render(banner, pager(page, found.total));
    Ok(respond(status, layout("Equipment catalogue", Some(user), body)))
}

fn pager(page: Page, total: i64) -> Markup {
    let pages = ((total + page.per_page - 1) / page.per_page).max(1);
    html! {
        @if pages > 1 {
            nav class="pager" aria-label="Pages of the catalogue" {
                p { "Page " (page.page) " of " (pages) }
                @if page.page > 1 { a class="button secondary" href={ "?page=" (page.page - 1) } { "Previous page" } }
                " "
                @if page.page < pages { a class="button secondary" href={ "?page=" (page.page + 1) } { "Next page" } }
            }
        }
    }
}

/// After a change: back to the list at the type it concerned.
fn changed(done: &str, code: &str) -> HttpResponse {
    let to = format!(
        "/office/catalogue?done={done}#type-{}",
        url_encode(&code.trim().to_ascii_uppercase())
    );
    HttpResponse::SeeOther().insert_header((LOCATION, to)).finish()
}

/// How a change ended: 303 back to the type, or the page again with the refusal beside
/// `form_id` and what was typed kept.
async fn answer(
    state: &AppState,
    user: &PageUser,
    fields: Fields,
    form_id: &str,
    outcome: Result<String, AppError>,
    done: &str,
) -> Result<HttpResponse, PageError> {
    match outcome {
        Ok(code) => Ok(changed(done, &code)),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let refused = Refused::new(form_id, &e, NAMES, fields);
            show(state, user, None, status, html! {}, Some(refused)).await
        }
    }
}

/// The form read after the permission and CSRF checks: a page's change is made only by
/// someone who may manage types, from the session the form was given to.
fn checked_form(user: &PageUser, form: PageForm<Fields>) -> Result<Fields, PageError> {
    user.require(Action::ManageTypes, "only an admin changes the catalogue")?;
    let fields = form.into_inner();
    user.check_form(&fields.read::<Csrf>()?.csrf)?;
    Ok(fields)
}

#[derive(Debug, Deserialize)]
struct Csrf {
    csrf: String,
}

fn checked(fields: &Fields, name: &str) -> bool {
    fields.one(name).is_some()
}

fn rule_input(f: &Fields, prefix: &str, errors: &mut Errors) -> RuleInput {
    let field = |n: &str| format!("{prefix}{n}");
    let own = |n: &str| f.one(&field(n)).filter(|v| !v.is_empty()).map(str::to_string);
    RuleInput {
        name: Some(f.one(&field("name")).unwrap_or_default().to_string()),
        interval_days: whole_number(errors, "interval_days", f.one(&field("interval_days"))),
        lead_days: whole_number(errors, "lead_days", f.one(&field("lead_days"))),
        kind: own("kind"),
        due_on_fit: Some(checked(f, &field("due_on_fit"))),
    }
}

/// The fields of the type form other than the code: name, category, maker, model, load,
/// decontamination, digital base unit.
struct TypeFields {
    name: String,
    category: Option<String>,
    manufacturer: Option<String>,
    model: Option<String>,
    load: Option<i64>,
    decontaminate: bool,
    digital: bool,
}

fn type_fields(f: &Fields, errors: &mut Errors) -> TypeFields {
    let given = |n: &str| f.one(n).filter(|v| !v.trim().is_empty()).map(str::to_string);
    TypeFields {
        name: f.one("name").unwrap_or_default().to_string(),
        category: given("category"),
        manufacturer: given("manufacturer"),
        model: given("model"),
        load: whole_number(errors, "safe_working_load_kg", f.one("safe_working_load_kg")),
        decontaminate: checked(f, "requires_decontamination"),
        digital: checked(f, "digital_unit"),
    }
}

pub async fn create_type(
    state: web::Data<AppState>,
    user: PageUser,
    form: PageForm<Fields>,
) -> Result<HttpResponse, PageError> {
    let fields = checked_form(&user, form)?;
    let actor = user.actor.clone();
    let outcome = async {
        let mut errors = Errors::default();
        let t = type_fields(&fields, &mut errors);
        let rule = rule_input(&fields, "rule_", &mut errors);
        errors.finish()?;
        let req = CreateType {
            code: Some(fields.one("code").unwrap_or_default().to_string()),
            name: Some(t.name),
            category: t.category,
            manufacturer: t.manufacturer,
            model: t.model,
            requires_decontamination: Some(t.decontaminate),
            safe_working_load_kg: t.load,
            check_rules: Some(vec![rule]),
            check_interval_days: None,
            digital_unit: Some(t.digital),
        };
        state
            .write(move |c| catalogue::create_type(c, &actor, &req))
            .await
    }
    .await;
    answer(
        &state,
        &user,
        fields,
        "new-type",
        outcome.map(|t| t.code),
        "type-added",
    )
    .await
}

pub async fn edit_type(
    state: web::Data<AppState>,
    user: PageUser,
    code: web::Path<String>,
    form: PageForm<Fields>,
) -> Result<HttpResponse, PageError> {
    let fields = checked_form(&user, form)?;
    let (actor, code) = (user.actor.clone(), code.into_inner());
    let form_id = format!("type-{code}-form");
    let outcome = async {
        let mut errors = Errors::default();
        let t = type_fields(&fields, &mut errors);
        errors.finish()?;
        // Every field is on the form: an empty optional one clears what was stored.
        let req = PatchType {
            name: Some(t.name),
            category: Some(t.category.unwrap_or_default()),
            manufacturer: Some(t.manufacturer),
            model: Some(t.model),
            requires_decontamination: Some(t.decontaminate),
            safe_working_load_kg: Some(t.load),
            digital_unit: Some(t.digital),
        };
        state
            .write(move |c| catalogue::patch_type(c, &actor, &code, &req))
            .await
    }
    .await;
    answer(
        &state,
        &user,
        fields,
        &form_id,
        outcome.map(|t| t.code),
        "type-saved",
    )
    .await
}

pub async fn add_rule(
    state: web::Data<AppState>,
    user: PageUser,
    code: web::Path<String>,
    form: PageForm<Fields>,
) -> Result<HttpResponse, PageError> {
    let fields = checked_form(&user, form)?;
    let (actor, code) = (user.actor.clone(), code.into_inner());
    let form_id = format!("type-{code}-add-rule");
    let outcome = async {
        let mut errors = Errors::default();
        let rule = rule_input(&fields, "", &mut errors);
        errors.finish()?;
        let added_to = code.clone();
        state
            .write(move |c| check_rules::add(c, &actor, &code, &rule))
            .await
            .map(|_| added_to)
    }
    .await;
    answer(&state, &user, fields, &form_id, outcome, "rule-added").await
}

pub async fn edit_rule(
    state: web::Data<AppState>,
    user: PageUser,
    path: web::Path<(String, String)>,
    form: PageForm<Fields>,
) -> Result<HttpResponse, PageError> {
    let fields = checked_form(&user, form)?;
    let (code, rule_id) = path.into_inner();
    let rule_id = rule_id_of(&rule_id)?;
    let actor = user.actor.clone();
    let outcome = async {
        let mut errors = Errors::default();
        let rule = rule_input(&fields, "", &mut errors);
        if rule.interval_days.is_none() && errors.is_empty() {
            errors.add("interval_days", "is required");
        }
        errors.finish()?;
        // Every field is on the form: an empty lead time means the default.
        let req = PatchRule {
            name: rule.name,
            interval_days: rule.interval_days,
            lead_days: Some(rule.lead_days),
            kind: rule.kind,
            due_on_fit: rule.due_on_fit,
        };
        state
            .write(move |c| check_rules::patch(c, &actor, &code, rule_id, &req))
            .await
    }
    .await;
    let form_id = format!("rule-{rule_id}-form");
    answer(
        &state,
        &user,
        fields,
        &form_id,
        outcome.map(|t| t.code),
        "rule-saved",
    )
    .await
}

pub async fn retire_rule(
    state: web::Data<AppState>,
    user: PageUser,
    path: web::Path<(String, String)>,
    form: PageForm<Fields>,
) -> Result<HttpResponse, PageError> {
    let fields = checked_form(&user, form)?;
    let (code, rule_id) = path.into_inner();
    let rule_id = rule_id_of(&rule_id)?;
    let actor = user.actor.clone();
    let outcome = state
        .write(move |c| check_rules::retire(c, &actor, &code, rule_id))
        .await;
    let form_id = format!("rule-{rule_id}-form");
    answer(
        &state,
        &user,
        fields,
        &form_id,
        outcome.map(|t| t.code),
        "rule-retired",
    )
    .await
}

fn rule_id_of(raw: &str) -> Result<i64, PageError> {
    raw.parse()
        .map_err(|_| AppError::NotFound(format!("there is no check rule {raw:?}")).into())
}
