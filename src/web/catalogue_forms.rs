//! What `/office/catalogue` shows: each type with its check rules, and, for whoever may manage
//! types, the forms that create and change them (each change behind a `details`, so the list
//! stays readable on a phone).

use maud::{Markup, html};

use super::page::csrf_field;
use super::refusal::{Refused, Values, beside};
use super::session::PageUser;
use crate::domain::checks::CheckKind;
use crate::service::catalogue::{CATEGORIES, RuleView, TypeView};

/// The service's field names in the forms' words (the labels below).
pub const NAMES: &[(&str, &str)] = &[
    ("check_rules[0].name", "rule name"),
    ("check_rules[0].interval_days", "every (days)"),
    ("check_rules[0].lead_days", "remind ahead (days)"),
    ("check_rules[0].kind", "kind of check"),
    ("interval_days", "every (days)"),
    ("lead_days", "remind ahead (days)"),
    ("kind", "kind of check"),
    ("safe_working_load_kg", "safe working load (kg)"),
    ("requires_decontamination", "decontaminate before reissue"),
    ("digital_unit", "digital telecare base unit"),
];

pub fn kind_words(kind: CheckKind) -> &'static str {
    match kind {
        CheckKind::Examination => "Thorough examination (LOLER)",
        CheckKind::Inspection => "Inspection",
        CheckKind::TestCall => "Test call",
    }
}

pub fn category_words(category: &str) -> String {
    let spaced = category.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map_or(String::new(), |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}

/// The list and its forms; `default_lead` is `reminders.lead_days`, shown for rules without
/// their own.
pub struct Catalogue<'a> {
    pub user: &'a PageUser,
    pub types: &'a [TypeView],
    pub manage: bool,
    pub default_lead: u32,
    pub refused: Option<&'a Refused>,
}

impl Catalogue<'_> {
    pub fn render(&self, banner: Markup, pager: Markup) -> Markup {
        html! {
            h1 { "Equipment catalogue" }
            (banner)
            @if self.manage {
                section class="panel" id="new-type" { (self.new_type()) }
            } @else {
                p class="muted" { "You can read the catalogue; an admin changes it." }
            }
            @if self.types.is_empty() {
                section class="panel" { p { "No equipment types yet." } }
            }
            @for t in self.types {
                (self.one_type(t))
            }
            (pager)
        }
    }

    fn details(&self, form: &str, summary: &str, body: Markup) -> Markup {
        let open = Values::of(form, self.refused).refused();
        html! {
            details class="edit" data-form=(form) open[open] {
                summary { (summary) }
                (beside(form, self.refused))
                (body)
            }
        }
    }

    fn new_type(&self) -> Markup {
        let v = Values::of("new-type", self.refused);
        let form = html! {
            form id="new-type-form" method="post" action="/office/catalogue/types" {
                (csrf_field(self.user))
                div class="two" {
                    div { label for="new-code" { "Code" }
                        input id="new-code" name="code" type="text" required maxlength="64"
                            placeholder="STAIRLIFT-STRAIGHT" value=(v.text("code", "")); }
                    div { label for="new-name" { "Name" }
                        input id="new-name" name="name" type="text" required maxlength="200" value=(v.text("name", "")); }
                }
                (type_fields(&v, "new", None))
                fieldset {
                    legend { "Its first check rule" }
                    (rule_fields(&v, "new", "rule_", None))
                }
                button type="submit" { "Add the type" }
            }
        };
        self.details("new-type", "Add an equipment type", form)
    }

    fn one_type(&self, t: &TypeView) -> Markup {
        let maker: Vec<&str> = [t.manufacturer.as_deref(), t.model.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        html! {
            section class="panel" id={ "type-" (t.code) } {
                h2 { (t.name) " " span class="muted" { (t.code) } }
                p class="muted" {
                    (category_words(&t.category))
                    @if !maker.is_empty() { " · " (maker.join(" ")) }
                    @if let Some(kg) = t.safe_working_load_kg { " · safe working load " (kg) " kg" }
                    " · " (if t.requires_decontamination { "decontaminated before reissue" } else { "no decontamination needed" })
                    @if t.digital_unit { " · digital telecare base unit" }
                }
                table class="cards rules" {
                    thead { tr { th { "Check rule" } th { "Kind" } th { "Every" } th { "Reminded" } th { "First due" } } }
                    tbody {
                        @for r in &t.check_rules {
                            tr id={ "rule-" (r.id) } {
                                td data-label="Check rule" { (r.name) }
                                td data-label="Kind" { (kind_words(r.kind)) }
                                td data-label="Every" { (r.interval_days) " days" }
                                td data-label="Reminded" {
                                    @match r.lead_days {
                                        Some(d) => { (d) " days ahead" }
                                        None => { (self.default_lead) " days ahead (the default)" }
                                    }
                                }
                                td data-label="First due" {
                                    (if r.due_on_fit { "on the fit day" } else { "one interval after the fit" })
                                }
                            }
                        }
                    }
                }
                @if self.manage {
                    @for r in &t.check_rules { (self.edit_rule(t, r)) }
                    (self.add_rule(t))
                    (self.edit_type(t))
                }
            }
        }
    }

    fn edit_type(&self, t: &TypeView) -> Markup {
        let id = format!("type-{}-form", t.code);
        let v = Values::of(&id, self.refused);
        let form = html! {
            form method="post" action={ "/office/catalogue/types/" (t.code) } {
                (csrf_field(self.user))
                label for={ (id) "-name" } { "Name" }
                input id={ (id) "-name" } name="name" type="text" required maxlength="200" value=(v.text("name", &t.name));
                (type_fields(&v, &id, Some(t)))
                button type="submit" { "Save the type" }
            }
        };
        self.details(&id, "Change the type's details", form)
    }

    fn add_rule(&self, t: &TypeView) -> Markup {
        let id = format!("type-{}-add-rule", t.code);
        let v = Values::of(&id, self.refused);
        let form = html! {
            form method="post" action={ "/office/catalogue/types/" (t.code) "/rules" } {
                (csrf_field(self.user))
                (rule_fields(&v, &id, "", None))
                button type="submit" { "Add the rule" }
            }
        };
        self.details(&id, "Add a check rule", form)
    }

    fn edit_rule(&self, t: &TypeView, r: &RuleView) -> Markup {
        let id = format!("rule-{}-form", r.id);
        let v = Values::of(&id, self.refused);
        let action = format!("/office/catalogue/types/{}/rules/{}", t.code, r.id);
        let form = html! {
            form method="post" action=(action) {
                (csrf_field(self.user))
                (rule_fields(&v, &id, "", Some(r)))
                button type="submit" { "Save the rule" }
            }
            form method="post" action={ (action) "/retire" } {
                (csrf_field(self.user))
                p class="muted" { "Retiring a rule keeps its checks in each item's history; no item is reminded of it again." }
                button type="submit" class="secondary" { "Retire “" (r.name) "”" }
            }
        };
        self.details(&id, &format!("Change or retire “{}”", r.name), form)
    }
}

/// A type's fields other than its code and name: for a new type and for a change.
fn type_fields(v: &Values, id: &str, t: Option<&TypeView>) -> Markup {
    let category = v.text("category", t.map_or("", |t| t.category.as_str()));
    let text = |name: &str, stored: Option<&String>| v.text(name, stored.map_or("", |s| s.as_str()));
    let load = t
        .and_then(|t| t.safe_working_load_kg)
        .map_or(String::new(), |kg| kg.to_string());
    html! {
        label for={ (id) "-category" } { "Category" }
        select id={ (id) "-category" } name="category" required {
            option value="" { "Choose…" }
            @for c in CATEGORIES {
                option value=(c) selected[c == category] { (category_words(c)) }
            }
        }
        div class="two" {
            div { label for={ (id) "-manufacturer" } { "Manufacturer" }
                input id={ (id) "-manufacturer" } name="manufacturer" type="text" maxlength="200"
                    value=(text("manufacturer", t.and_then(|t| t.manufacturer.as_ref()))); }
            div { label for={ (id) "-model" } { "Model" }
                input id={ (id) "-model" } name="model" type="text" maxlength="200"
                    value=(text("model", t.and_then(|t| t.model.as_ref()))); }
        }
        label for={ (id) "-load" } { "Safe working load (kg), if it has one" }
        input id={ (id) "-load" } name="safe_working_load_kg" type="number" min="1" max="10000"
            inputmode="numeric" value=(v.text("safe_working_load_kg", &load));
        label class="check" {
            input type="checkbox" name="requires_decontamination" value="yes"
                checked[v.ticked("requires_decontamination", t.is_none_or(|t| t.requires_decontamination))];
            "Decontaminate before reissue"
        }
        label class="check" {
            input type="checkbox" name="digital_unit" value="yes"
                checked[v.ticked("digital_unit", t.is_some_and(|t| t.digital_unit))];
            "A digital telecare base unit (IP or SIM): a home with one off the analogue line is digital-ready"
        }
    }
}

/// A rule's fields, named with `prefix` (`rule_` inside the new type's form).
fn rule_fields(v: &Values, id: &str, prefix: &str, r: Option<&RuleView>) -> Markup {
    let name = |field: &str| format!("{prefix}{field}");
    let el = |field: &str| format!("{id}-{prefix}{field}");
    let stored_kind = r.map_or(CheckKind::Inspection, |r| r.kind);
    let kind = v.text(&name("kind"), stored_kind.as_str());
    let interval = r.map_or(String::new(), |r| r.interval_days.to_string());
    let lead = r
        .and_then(|r| r.lead_days)
        .map_or(String::new(), |d| d.to_string());
    html! {
        label for=(el("name")) { "Rule name" }
        input id=(el("name")) name=(name("name")) type="text" required maxlength="100"
            placeholder="safety check" value=(v.text(&name("name"), r.map_or("", |r| r.name.as_str())));
        label for=(el("kind")) { "Kind of check" }
        select id=(el("kind")) name=(name("kind")) {
            @for k in CheckKind::ALL {
                option value=(k.as_str()) selected[k.as_str() == kind] { (kind_words(k)) }
            }
        }
        div class="two" {
            div { label for=(el("interval_days")) { "Every (days)" }
                input id=(el("interval_days")) name=(name("interval_days")) type="number" min="1" max="3653"
                    inputmode="numeric" required value=(v.text(&name("interval_days"), &interval)); }
            div { label for=(el("lead_days")) { "Remind ahead (days; empty: the default)" }
                input id=(el("lead_days")) name=(name("lead_days")) type="number" min="0" max="365"
                    inputmode="numeric" value=(v.text(&name("lead_days"), &lead)); }
        }
        label class="check" {
            input type="checkbox" name=(name("due_on_fit")) value="yes"
                checked[v.ticked(&name("due_on_fit"), r.is_some_and(|r| r.due_on_fit))];
            "First due on the fit day"
        }
    }
}
