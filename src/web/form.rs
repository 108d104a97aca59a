//! The one way pages read a posted form: a size limit, the form content type, no NUL
//! anywhere (PostgreSQL cannot store it, and no person types it), all as a 400 before any
//! handler or the sign-in throttle sees the fields. A browser sends a select left on "—" or a
//! blank text box as an empty field (`client_id=&worker_id=`); for a form that means "none",
//! so an optional field that came empty is `None` rather than a number that failed to parse.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use serde::de::value::{Error as ValueError, MapDeserializer};
use serde::de::{DeserializeOwned, Deserializer, Error as _, IntoDeserializer, Visitor};

use super::page::PageError;
use crate::error::AppError;
use crate::http::body::read_body;

/// Largest form accepted.
pub const FORM_LIMIT: usize = 64 * 1024;

/// Largest form of a move from the item page: a fit or a collection may carry a signature
/// (a PNG of up to 200 KB, as base64 and escaped), so as large as a JSON body.
pub const MOVE_FORM_LIMIT: usize = 1 << 20;

/// A posted form of at most `LIMIT` bytes.
pub struct PageForm<T, const LIMIT: usize = FORM_LIMIT>(pub T);

impl<T, const LIMIT: usize> PageForm<T, LIMIT> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T, const LIMIT: usize> std::ops::Deref for PageForm<T, LIMIT> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static, const LIMIT: usize> FromRequest for PageForm<T, LIMIT> {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                ct.to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            });
        let (req, payload) = (req.clone(), payload.take());
        Box::pin(async move {
            if !is_form {
                return Err(unreadable("send it as application/x-www-form-urlencoded"));
            }
            let bytes = read_body(&req, payload, LIMIT).await?;
            parse_form(&bytes).map(PageForm).map_err(PageError::from)
        })
    }
}

pub fn parse_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    // In a urlencoded body a NUL is either a raw byte or the escape %00.
    if bytes.contains(&0) || bytes.windows(3).any(|w| w == b"%00") {
        return Err(AppError::BadRequest(
            "the form could not be read: a field contains a NUL character".into(),
        ));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| AppError::BadRequest("the form could not be read: it is not UTF-8".into()))?;
    // A form body is a query string: the same decoder reads both.
    let fields = web::Query::<Vec<(String, String)>>::from_query(text)
        .map(web::Query::into_inner)
        .map_err(|e| AppError::BadRequest(format!("the form could not be read: {e}")))?;
    from_fields(&fields).map_err(|e| AppError::BadRequest(format!("the form could not be read: {e}")))
}

fn unreadable(why: &str) -> PageError {
    PageError::App(AppError::BadRequest(format!("the form could not be read: {why}")))
}

/// Builds `T` from a form's fields: an empty field is `None` for an `Option`, an empty
/// string for a `String`, and numbers and flags are parsed from the text.
pub fn from_fields<T: DeserializeOwned>(fields: &[(String, String)]) -> Result<T, ValueError> {
    let pairs = fields.iter().map(|(k, v)| (k.as_str(), Field(v.as_str())));
    T::deserialize(MapDeserializer::new(pairs))
}

/// Every field of a form as sent, in order, repeats kept: for a form whose rows repeat
/// (an examination's defects), which a struct cannot take (a repeated field is refused).
#[derive(Debug, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of `name`.
    pub fn one(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in the order sent.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The fields read as `T`, the way `PageForm<T>` reads them (a repeat is refused only
    /// for a field `T` names).
    pub fn read<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        from_fields(&self.0).map_err(|e| AppError::BadRequest(format!("the form could not be read: {e}")))
    }
}

impl<'de> serde::Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> Visitor<'de> for Pairs {
            type Value = Fields;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a form's fields")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry::<String, String>()? {
                    pairs.push(pair);
                }
                Ok(Fields(pairs))
            }
        }
        d.deserialize_map(Pairs)
    }
}

/// One field's text.
struct Field<'a>(&'a str);

impl<'de> IntoDeserializer<'de, ValueError> for Field<'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

macro_rules! parsed {
    ($($method:ident => $visit:ident as $what:literal),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
                let value = self.0.trim().parse().map_err(|_| {
                    ValueError::custom(format!("{:?} is not {}", self.0, $what))
                })?;
                visitor.$visit(value)
            }
        )*
    };
}

impl<'de> Deserializer<'de> for Field<'de> {
    type Error = ValueError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        visitor.visit_borrowed_str(self.0)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        if self.0.is_empty() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    parsed! {
        deserialize_bool => visit_bool as "true or false",
        deserialize_i8 => visit_i8 as "a whole number",
        deserialize_i16 => visit_i16 as "a whole number",
        deserialize_i32 => visit_i32 as "a whole number",
        deserialize_i64 => visit_i64 as "a whole number",
        deserialize_u8 => visit_u8 as "a whole number",
        deserialize_u16 => visit_u16 as "a whole number",
        deserialize_u32 => visit_u32 as "a whole number",
        deserialize_u64 => visit_u64 as "a whole number",
        deserialize_f32 => visit_f32 as "a number",
        deserialize_f64 => visit_f64 as "a number",
    }

    serde::forward_to_deserialize_any! {
        char str string bytes byte_buf unit unit_struct newtype_struct seq tuple tuple_struct
        map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Move {
        csrf: String,
        client_id: Option<i64>,
        worker_id: Option<i64>,
        method: Option<String>,
        version: Option<i64>,
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn empty_fields_are_none_and_the_rest_are_parsed() {
        let m: Move = from_fields(&fields(&[
            ("csrf", ""),
            ("client_id", ""),
            ("worker_id", "7"),
            ("method", ""),
            ("version", " 3 "),
        ]))
        .unwrap();
        assert_eq!(
            m,
            Move {
                csrf: String::new(),
                client_id: None,
                worker_id: Some(7),
                method: None,
                version: Some(3),
            }
        );
    }

    #[test]
    fn a_field_that_is_not_a_number_or_is_missing_is_refused() {
        let bad = from_fields::<Move>(&fields(&[("csrf", "x"), ("client_id", "seven")]));
        assert!(
            bad.unwrap_err()
                .to_string()
                .contains("\"seven\" is not a whole number")
        );
        assert!(from_fields::<Move>(&fields(&[("client_id", "1")])).is_err());
    }

    #[test]
    fn repeated_fields_are_kept_in_order() {
        let f: Fields = parse_form(b"csrf=x&part=a&part=&version=3&part=c").unwrap();
        assert_eq!(f.all("part"), ["a", "", "c"]);
        assert_eq!(f.one("csrf"), Some("x"));
        let m: Move = f.read().unwrap();
        assert_eq!(m.version, Some(3));
    }

    #[derive(Debug, serde::Deserialize)]
    struct Login {
        email: String,
    }

    #[test]
    fn a_nul_is_refused_but_an_escaped_percent_is_text() {
        assert!(parse_form::<Login>(b"email=a%00b").is_err());
        assert!(parse_form::<Login>(b"email=a\0b").is_err());
        assert_eq!(parse_form::<Login>(b"email=a%2500b").unwrap().email, "a%00b");
        assert_eq!(parse_form::<Login>(b"email=a+b%40c").unwrap().email, "a b@c");
    }
}
