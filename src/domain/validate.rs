//! Field checks shared by every request, collecting every problem rather than the first.

use chrono::NaiveDate;
use serde::Serialize;

/// The longest note, reason or comment a person may type.
pub const MAX_NOTES: usize = 2000;
/// The longest postal address, of a client or a location.
pub const MAX_ADDRESS: usize = 500;

/// One invalid field of a request: its name and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Every invalid field of one request, when there is at least one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub Vec<FieldError>);

/// Gathers field errors so a client learns about all of them at once.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// A required text: present, not blank, at most `max` characters as sent; trimmed.
    /// (`field_schema::required_text` says the same in the OpenAPI document.)
    pub fn required(&mut self, field: &str, value: Option<&str>, max: usize) -> String {
        match value {
            Some(raw) if !raw.trim().is_empty() => {
                self.check_text(field, raw, max);
                raw.trim().to_string()
            }
            _ => {
                self.add(field, "is required");
                String::new()
            }
        }
    }

    /// An optional text: at most `max` characters as sent; blank becomes absent; trimmed.
    /// (`field_schema::optional_text` says the same in the OpenAPI document.)
    pub fn optional(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let raw = value?;
        self.check_text(field, raw, max);
        Some(raw.trim()).filter(|v| !v.is_empty()).map(str::to_string)
    }

    /// Bounds are checked on the text as sent, white space included, so that a client can
    /// check them as the document states them.
    fn check_text(&mut self, field: &str, value: &str, max: usize) {
        if value.chars().count() > max {
            self.add(field, format!("must be at most {max} characters"));
        } else if value
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            // PostgreSQL cannot store NUL, and no scanner or person types control codes.
            self.add(field, "must not contain control characters");
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many problems so far, so a part of a request can tell whether it added any.
    pub fn count(&self) -> usize {
        self.0.len()
    }

    pub fn finish(self) -> Result<(), Invalid> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.0))
        }
    }
}

/// How a date is written in a request: YYYY-MM-DD, spaces around it ignored.
pub fn date(raw: &str) -> Result<NaiveDate, &'static str> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| "must be a date, YYYY-MM-DD")
}

/// The day something was done (a fit, a check): a date, not after `today`, this century.
pub fn day_done(raw: &str, today: NaiveDate) -> Result<NaiveDate, &'static str> {
    use chrono::Datelike;
    match date(raw)? {
        d if d > today => Err("must not be in the future"),
        d if d.year_ce().1 < 2000 => Err("must be this century"),
        d => Ok(d),
    }
}

/// The one form an address is stored and looked up in, whatever case it was typed in.
pub fn canonical_email(raw: &str) -> String {
    raw.trim().to_ascii_lowercase()
}

/// A plain check of an email address: one @, something either side, a dot in the domain.
pub fn email(raw: &str) -> Result<String, String> {
    let email = canonical_email(raw);
    let valid = email.len() <= 254
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty() && !domain.contains('@'));
    if valid {
        Ok(email)
    } else {
        Err(format!("{:?} is not an email address", raw.trim()))
    }
}

/// UK postcodes are checked loosely (services also hold addresses across the border); the
/// canonical form is upper case with one space.
pub fn postcode(raw: &str) -> Result<String, String> {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if compact.len() < 5 || compact.len() > 8 || !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!("{:?} is not a postcode", raw.trim()));
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    Ok(format!("{outward} {inward}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_postcodes() {
        assert_eq!(email(" Ann@Example.org ").unwrap(), "ann@example.org");
        assert!(email("nope").is_err());
        assert!(email("a@b@c").is_err());
        assert_eq!(postcode("sw1a1aa").unwrap(), "SW1A 1AA");
        assert_eq!(postcode("LS1  4AP").unwrap(), "LS1 4AP");
        assert!(postcode("12").is_err());
    }

    #[test]
    fn a_text_is_measured_as_sent_and_kept_trimmed() {
        let mut e = Errors::default();
        assert_eq!(e.required("name", Some(" Ann "), 5), "Ann");
        assert_eq!(e.optional("model", Some(" "), 5), None);
        assert!(e.is_empty());
        // Five characters once trimmed, seven as sent: the document's maxLength counts these.
        e.required("name", Some(" Anne5 "), 5);
        // A control character is refused even where trimming would have dropped it.
        e.optional("model", Some("\u{b}"), 5);
        let Invalid(list) = e.finish().unwrap_err();
        let fields: Vec<&str> = list.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["name", "model"]);
    }

    #[test]
    fn every_problem_is_collected() {
        let mut e = Errors::default();
        e.required("name", None, 10);
        e.required("code", Some("x".repeat(11).as_str()), 10);
        assert_eq!(e.optional("model", Some("  "), 10), None);
        let Invalid(list) = e.finish().unwrap_err();
        assert_eq!(list.len(), 2);
    }
}
