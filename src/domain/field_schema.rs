//! How the request fields that `validate::Errors` checks are described in the OpenAPI
//! document, so that the document allows exactly what the checks accept. Used as
//! `#[schema(schema_with = …)]` on the request types.

use utoipa::openapi::schema::SchemaType;
use utoipa::openapi::schema::{KnownFormat, Object, ObjectBuilder, SchemaFormat, Type};

/// The control characters `Errors` refuses: all but tab, line feed and carriage return.
const CONTROL: &str = r"\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F";

/// Any text without control characters, blank included (an optional text left blank is absent).
fn any_text() -> String {
    format!("^[^{CONTROL}]*$")
}

/// Text with at least one character that is not white space (a required text cannot be blank).
fn not_blank() -> String {
    format!("^[^{CONTROL}]*[^\\s{CONTROL}][^{CONTROL}]*$")
}

fn string(nullable: bool) -> ObjectBuilder {
    let kind = if nullable {
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::new(Type::String)
    };
    ObjectBuilder::new().schema_type(kind)
}

/// `Errors::required(field, value, MAX)`: present, not blank, at most MAX characters as sent.
pub fn required_text<const MAX: usize>() -> Object {
    string(false)
        .min_length(Some(1))
        .max_length(Some(MAX))
        .pattern(Some(not_blank()))
        .build()
}

/// `Errors::optional(field, value, MAX)`: null, blank (both meaning absent), or text of at
/// most MAX characters as sent.
pub fn optional_text<const MAX: usize>() -> Object {
    string(true)
        .max_length(Some(MAX))
        .pattern(Some(any_text()))
        .build()
}

/// One of `values`, exactly as written.
pub fn one_of(values: &[&str], nullable: bool) -> Object {
    string(nullable).enum_values(Some(values.iter().copied())).build()
}

/// A day, `YYYY-MM-DD`.
pub fn date(nullable: bool) -> Object {
    string(nullable)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some(r"^\d{4}-\d{2}-\d{2}$"))
        .build()
}

/// A text to change to, in a PATCH: null or absent leaves it as it is, else as
/// `required_text`.
pub fn changed_text<const MAX: usize>() -> Object {
    string(true)
        .min_length(Some(1))
        .max_length(Some(MAX))
        .pattern(Some(not_blank()))
        .build()
}

/// A string whose whole form `pattern` gives, or null.
pub fn matching(pattern: &str, nullable: bool) -> Object {
    string(nullable).pattern(Some(pattern)).build()
}

/// What `AssetTag::parse` accepts, white space around it allowed.
pub fn tag(nullable: bool) -> Object {
    matching(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]{0,31}\s*$", nullable)
}

/// A list of at most MAX tags as `tag` describes each, or null.
pub fn tags<const MAX: usize>() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::ArrayBuilder;
    ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(tag(false))
        .max_items(Some(MAX))
        .build()
}
