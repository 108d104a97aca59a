//! The one way a state or a role is declared: each variant beside the word it is stored,
//! serialised and shown as, so the database, the JSON and the pages cannot disagree.

/// Declares an enum of words: `Variant => "word"`. It gets the derives every stored state
/// needs (serde by the word, the OpenAPI schema, a diesel `Text` column; see
/// `db::stored_text`), `ALL`, `WORDS`, `as_str`, `parse` (exactly the word, or `None`) and `Display`.
macro_rules! stored_words {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $word:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            serde::Serialize,
            serde::Deserialize,
            diesel::expression::AsExpression,
            diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $word)] $variant, )+
        }

        impl $name {
            pub const ALL: [Self; [$($word),+].len()] = [$(Self::$variant),+];
            /// The words, for an enumeration in the OpenAPI document of a field read as one.
            pub const WORDS: [&'static str; [$($word),+].len()] = [$($word),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $word,)+
                }
            }

            /// The variant stored as exactly `raw`.
            pub fn parse(raw: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|v| v.as_str() == raw)
            }
        }

        // By hand, not derived: the derive cannot read a rename that a macro wrote, and
        // would document the variants' Rust names instead of their words.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                crate::domain::field_schema::one_of(&Self::WORDS, false).into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use stored_words;
