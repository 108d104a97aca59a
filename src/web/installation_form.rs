//! The telecare installation on a client's page: what is installed and where the home stands
//! in the switchover, and the form that records or replaces it through the API's own
//! function (`service::installations::put`). The form is read as a browser sends it: every
//! field present, empty ones included, a checkbox only when ticked, responder rows repeated.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::client_page;
use super::form::{Fields, PageForm};
use super::page::{PageError, csrf_field, problem, report, respond};
use super::session::PageUser;
use super::switchover::{connection_words, status_words};
use crate::api::parse_id;
use crate::app::AppState;
use crate::domain::roles::Action;
use crate::domain::telecare::{Connection, MAX_RESPONDERS, RouterBattery, SwitchoverStatus};
use crate::error::AppError;
use crate::service::clients::ClientView;
use crate::service::installations::{
    self, InstallationChange, InstallationView, PutInstallation, ResponderInput, SwitchoverInput,
};
use crate::service::pages::Paged;
use crate::service::today_in;
use crate::words::uk_date;

/// Blank responder rows offered below those recorded.
const BLANK_ROWS: usize = 2;
/// The latest changes the panel lists (the API pages through them all).
pub const CHANGES_SHOWN: i64 = 10;

/// The installation as stored, and its latest changes.
pub struct Installed {
    pub view: Option<InstallationView>,
    pub changes: Paged<InstallationChange>,
}

/// The form's fields as typed (or as stored, to begin with).
#[derive(Default, Clone)]
pub struct InstallationForm {
    pub monitoring_centre: String,
    pub unit_reference: String,
    pub base_unit: String,
    pub connection: String,
    pub router_battery: String,
    pub provider_told: bool,
    pub key_safe: bool,
    pub status: String,
    pub scheduled_on: String,
    pub migrated_on: String,
    pub end_to_end_test_on: String,
    pub version: String,
    /// Name, phone, relation.
    pub responders: Vec<(String, String, String)>,
}

fn date_text(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

impl InstallationForm {
    /// The form filled with the installation as stored, or blank for a first one.
    pub fn of(installed: Option<&InstallationView>) -> Self {
        let Some(i) = installed else {
            return Self {
                connection: Connection::Pstn.as_str().into(),
                router_battery: RouterBattery::Unknown.as_str().into(),
                status: SwitchoverStatus::NotStarted.as_str().into(),
                ..Self::default()
            };
        };
        Self {
            monitoring_centre: i.monitoring_centre.clone(),
            unit_reference: i.unit_reference.clone(),
            base_unit: i.base_unit.clone().unwrap_or_default(),
            connection: i.connection.as_str().into(),
            router_battery: i.router_battery.as_str().into(),
            provider_told: i.provider_told,
            key_safe: i.key_safe,
            status: i.switchover.status.as_str().into(),
            scheduled_on: date_text(i.switchover.scheduled_on),
            migrated_on: date_text(i.switchover.migrated_on),
            end_to_end_test_on: date_text(i.switchover.end_to_end_test_on),
            version: i.version.to_string(),
            responders: i
                .responders
                .iter()
                .map(|r| {
                    (
                        r.name.clone(),
                        r.phone.clone().unwrap_or_default(),
                        r.relation.clone().unwrap_or_default(),
                    )
                })
                .collect(),
        }
    }

    fn read(f: &Fields) -> Self {
        let text = |name: &str| f.one(name).unwrap_or_default().to_string();
        let (names, phones, relations) = (
            f.all("responder_name"),
            f.all("responder_phone"),
            f.all("responder_relation"),
        );
        let responders = (0..names.len().max(phones.len()).max(relations.len()))
            .map(|i| {
                let at = |list: &[&str]| list.get(i).copied().unwrap_or_default().to_string();
                (at(&names), at(&phones), at(&relations))
            })
            // A row left blank is no responder.
            .filter(|(n, p, r)| !(n.trim().is_empty() && p.trim().is_empty() && r.trim().is_empty()))
            .collect();
        Self {
            monitoring_centre: text("monitoring_centre"),
            unit_reference: text("unit_reference"),
            base_unit: text("base_unit"),
            connection: text("connection"),
            router_battery: text("router_battery"),
            provider_told: f.one("provider_told").is_some(),
            key_safe: f.one("key_safe").is_some(),
            status: text("status"),
            scheduled_on: text("scheduled_on"),
            migrated_on: text("migrated_on"),
            end_to_end_test_on: text("end_to_end_test_on"),
            version: text("version"),
            responders,
        }
    }

    /// The API's request: blank optional fields are none, so the same checks refuse the same.
    fn request(&self) -> PutInstallation {
        let some = |v: &str| Some(v.to_string());
        // A date box left empty is no date (the API refuses a blank one).
        let date = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        PutInstallation {
            monitoring_centre: some(&self.monitoring_centre),
            unit_reference: some(&self.unit_reference),
            base_unit: some(&self.base_unit),
            connection: some(&self.connection),
            provider_told: Some(self.provider_told),
            router_battery: some(&self.router_battery),
            responders: Some(
                self.responders
                    .iter()
                    .map(|(name, phone, relation)| ResponderInput {
                        name: some(name),
                        phone: some(phone),
                        relation: some(relation),
                    })
                    .collect(),
            ),
            key_safe: Some(self.key_safe),
            switchover: Some(SwitchoverInput {
                status: some(&self.status),
                scheduled_on: date(&self.scheduled_on),
                migrated_on: date(&self.migrated_on),
                end_to_end_test_on: date(&self.end_to_end_test_on),
            }),
            // A blank version is a first installation; a number that does not read is stale.
            expected_version: match self.version.trim() {
                "" => None,
                v => Some(v.parse().unwrap_or(0)),
            },
        }
    }
}

fn day(d: Option<chrono::NaiveDate>) -> String {
    d.map(uk_date).unwrap_or_else(|| "—".into())
}

fn shown(i: &InstallationView) -> Markup {
    let s = &i.switchover;
    html! {
        dl id="telecare-installed" {
            dt { "Monitoring centre" } dd { (i.monitoring_centre) }
            dt { "Unit reference" } dd { (i.unit_reference) }
            dt { "Base unit" }
            dd {
                @if let Some(tag) = &i.base_unit { a href={ "/s/" (tag) } { (tag) } } @else { "—" }
            }
            dt { "Connection" } dd { (connection_words(i.connection)) }
            dt { "Digital-ready" } dd { @if i.digital_ready { "Yes" } @else { "No" } }
            dt { "Phone provider told" } dd { @if i.provider_told { "Yes" } @else { "No" } }
            dt { "Router battery back-up" } dd { (i.router_battery.as_str()) }
            dt { "Key safe" } dd { @if i.key_safe { "Yes" } @else { "No" } }
            dt { "Responders" }
            dd {
                @if i.responders.is_empty() { "None" }
                @for r in &i.responders {
                    (r.name)
                    @if let Some(rel) = &r.relation { " (" (rel) ")" }
                    @if let Some(phone) = &r.phone { ", " (phone) }
                    br;
                }
            }
            dt { "Switchover" } dd { (status_words(s.status)) }
            dt { "Scheduled for" } dd { (day(s.scheduled_on)) }
            dt { "Migrated on" } dd { (day(s.migrated_on)) }
            dt { "End-to-end test call" } dd { (day(s.end_to_end_test_on)) }
        }
    }
}

fn select<T: Copy + PartialEq>(
    id: &str,
    label: &str,
    all: &[T],
    word: fn(T) -> &'static str,
    shown: fn(T) -> &'static str,
    chosen: &str,
) -> Markup {
    html! {
        div {
            label for=(id) { (label) }
            select id=(id) name=(id) {
                @for v in all {
                    option value=(word(*v)) selected[word(*v) == chosen] { (shown(*v)) }
                }
            }
        }
    }
}

fn fields(f: &InstallationForm) -> Markup {
    let rows = (f.responders.len() + BLANK_ROWS)
        .min(MAX_RESPONDERS)
        .max(f.responders.len());
    let blank = (String::new(), String::new(), String::new());
    html! {
        input type="hidden" name="version" value=(f.version);
        div class="two" {
            div {
                label for="monitoring_centre" { "Monitoring centre" }
                input id="monitoring_centre" name="monitoring_centre" type="text" required maxlength="100" value=(f.monitoring_centre);
            }
            div {
                label for="unit_reference" { "Unit reference at the centre" }
                input id="unit_reference" name="unit_reference" type="text" required maxlength="64" value=(f.unit_reference);
            }
        }
        div class="two" {
            div {
                label for="base_unit" { "Base unit (asset tag, optional)" }
                input id="base_unit" name="base_unit" type="text" maxlength="64" value=(f.base_unit);
            }
            (select("connection", "Connection", &Connection::ALL, Connection::as_str, connection_words, &f.connection))
        }
        div class="two" {
            (select("router_battery", "Router battery back-up", &RouterBattery::ALL, RouterBattery::as_str, RouterBattery::as_str, &f.router_battery))
            div {
                label class="check" {
                    input type="checkbox" name="provider_told" value="yes" checked[f.provider_told];
                    " Phone provider told they rely on telecare"
                }
                label class="check" {
                    input type="checkbox" name="key_safe" value="yes" checked[f.key_safe];
                    " Key safe (never write its code here)"
                }
            }
        }
        fieldset {
            legend { "Responders" }
            @for i in 0..rows {
                @let r = f.responders.get(i).unwrap_or(&blank);
                div class="two" {
                    div {
                        label for={ "responder_name_" (i) } { "Name" }
                        input id={ "responder_name_" (i) } name="responder_name" type="text" maxlength="200" value=(r.0);
                    }
                    div {
                        label for={ "responder_phone_" (i) } { "Phone" }
                        input id={ "responder_phone_" (i) } name="responder_phone" type="text" maxlength="40" value=(r.1);
                    }
                }
                label for={ "responder_relation_" (i) } { "Relation" }
                input id={ "responder_relation_" (i) } name="responder_relation" type="text" maxlength="100" value=(r.2);
            }
        }
        fieldset {
            legend { "Digital switchover" }
            div class="two" {
                (select("status", "Status", &SwitchoverStatus::ALL, SwitchoverStatus::as_str, status_words, &f.status))
                div {
                    label for="scheduled_on" { "Scheduled for" }
                    input id="scheduled_on" name="scheduled_on" type="date" value=(f.scheduled_on);
                }
            }
            div class="two" {
                div {
                    label for="migrated_on" { "Migrated on" }
                    input id="migrated_on" name="migrated_on" type="date" value=(f.migrated_on);
                }
                div {
                    label for="end_to_end_test_on" { "End-to-end test call on" }
                    input id="end_to_end_test_on" name="end_to_end_test_on" type="date" value=(f.end_to_end_test_on);
                }
            }
        }
    }
}

/// Who changed the installation when, and where it then stood (gone once the client is
/// erased).
fn changes(list: &Paged<InstallationChange>) -> Markup {
    let word = |c: &InstallationChange, path: &[&str]| {
        path.iter()
            .try_fold(&c.installation, |v, key| v.get(*key))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    html! {
        @if !list.items.is_empty() {
            details id="telecare-history" {
                summary { "Changes (" (list.total) ")" }
                ul {
                    @for c in &list.items {
                        li {
                            (uk_date(c.changed_at.date_naive()))
                            @if let Some(by) = &c.changed_by { ", " (by.name) }
                            @if let (Some(connection), Some(status)) = (word(c, &["connection"]), word(c, &["switchover", "status"])) {
                                ": " (connection) ", " (status)
                            }
                        }
                    }
                }
                @if list.total > list.items.len() as i64 {
                    p { "The latest " (list.items.len()) " are shown." }
                }
            }
        }
    }
}

/// The panel on the client's page.
pub fn panel(
    user: &PageUser,
    client: &ClientView,
    installed: &Installed,
    form: &InstallationForm,
    banner: Markup,
) -> Markup {
    let view = installed.view.as_ref();
    html! {
        section class="panel" id="telecare" {
            h2 { "Telecare" }
            (banner)
            @match view {
                Some(i) => (shown(i)),
                None => p { "No telecare installation recorded." },
            }
            (changes(&installed.changes))
            @if !client.erased && user.may(Action::ManageTelecare) {
                h3 { @if view.is_some() { "Change the installation" } @else { "Record the installation" } }
                form id="telecare-form" method="post" action={ "/office/clients/" (client.id) "/telecare" } {
                    (csrf_field(user))
                    (fields(form))
                    button type="submit" { "Save the installation" }
                }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
struct Csrf {
    csrf: String,
}

/// POST `/office/clients/{id}/telecare`: saved, the page again with the installation as it is
/// now; refused, the page again with the words beside the form and what was typed kept.
pub async fn save(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    form: PageForm<Fields>,
) -> Result<HttpResponse, PageError> {
    let id = parse_id(&id, "client")?;
    let fields = form.into_inner();
    user.check_form(&fields.read::<Csrf>()?.csrf)?;
    let typed = InstallationForm::read(&fields);
    let req = typed.request();
    let actor = user.actor.clone();
    let today = today_in(state.settings.reminders.timezone);
    let outcome = state
        .write(move |c| installations::put(c, &actor, id, &req, today))
        .await;
    let (status, banner, form) = match outcome {
        Ok(saved) => (
            StatusCode::OK,
            html! { p class="done" role="status" { "Installation saved." } },
            InstallationForm::of(Some(&saved.view)),
        ),
        Err(e @ (AppError::Forbidden(_) | AppError::NotFound(_))) => return Err(e.into()),
        Err(e) => (e.status_code(), problem(Some(&report(&e))), typed),
    };
    let page = client_page::page_with_telecare(&state, &user, id, form, banner).await?;
    Ok(respond(status, page))
}
