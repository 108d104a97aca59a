//! How an office page answers a form the service refused: the page again, with the refusal in
//! plain words beside the form it concerns and every field as the person typed it.

use maud::{Markup, html};

use super::form::Fields;
use super::page::report;
use crate::domain::validate::Errors;
use crate::error::AppError;

/// A refused form: which one (its element id), why, and what was sent.
pub struct Refused {
    pub form: String,
    pub words: String,
    pub fields: Fields,
}

impl Refused {
    /// `names` turns the service's field names into the form's labels (`check_rules[0].name`
    /// into "rule name"); a field not listed reads as its name with spaces.
    pub fn new(form: impl Into<String>, error: &AppError, names: &[(&str, &str)], fields: Fields) -> Self {
        Self {
            form: form.into(),
            words: words(error, names),
            fields,
        }
    }
}

/// A refusal in words, logged once: each invalid field by its label in `names`, else what
/// `page::report` says of the error.
pub fn words(error: &AppError, names: &[(&str, &str)]) -> String {
    match error {
        AppError::Validation(errors) => {
            error.log();
            errors
                .iter()
                .map(|e| format!("{}: {}", label(names, &e.field), e.message))
                .collect::<Vec<_>>()
                .join("; ")
        }
        other => report(other),
    }
}

/// A field as the form labels it: its entry in `names`, else its name with spaces.
pub fn label(names: &[(&str, &str)], field: &str) -> String {
    names
        .iter()
        .find(|(name, _)| *name == field)
        .map_or_else(|| field.replace('_', " "), |(_, label)| label.to_string())
}

/// The values a form shows: what was typed, when this form is the one refused, else what is
/// stored now.
#[derive(Clone, Copy)]
pub struct Values<'a> {
    typed: Option<&'a Fields>,
}

impl<'a> Values<'a> {
    /// The values for the form with element id `form`, given the page's refusal if any.
    pub fn of(form: &str, refused: Option<&'a Refused>) -> Self {
        Self {
            typed: refused.filter(|r| r.form == form).map(|r| &r.fields),
        }
    }

    pub fn refused(&self) -> bool {
        self.typed.is_some()
    }

    pub fn text(&self, name: &str, stored: &str) -> String {
        match self.typed {
            Some(f) => f.one(name).unwrap_or_default().to_string(),
            None => stored.to_string(),
        }
    }

    /// A checkbox: a browser sends it only when ticked.
    pub fn ticked(&self, name: &str, stored: bool) -> bool {
        self.typed.map_or(stored, |f| f.one(name).is_some())
    }
}

/// The refusal's words, above the form they concern.
pub fn beside(form: &str, refused: Option<&Refused>) -> Markup {
    html! {
        @if let Some(r) = refused.filter(|r| r.form == form) {
            p class="error" role="alert" { "Not saved: " (r.words) }
        }
    }
}

/// A number as a person typed it: empty is "not given"; anything else must be a whole number.
pub fn whole_number(errors: &mut Errors, field: &str, raw: Option<&str>) -> Option<i64> {
    let raw = raw?.trim();
    if raw.is_empty() {
        return None;
    }
    raw.parse().map_or_else(
        |_| {
            errors.add(field, "must be a whole number");
            None
        },
        Some,
    )
}
