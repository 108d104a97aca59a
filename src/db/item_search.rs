//! `q` in the item list: what it matches and in which order, answered from the search
//! indexes of the migration `2026-12-03-100000_search_index` (FTS5 trigram tables kept by
//! triggers on SQLite, pg_trgm GIN indexes on PostgreSQL).
//!
//! Three characters or more: a substring, in any case, of the tag, serial or batch (the
//! item's `search_key`), or of the name, reference or postcode (its spaces ignored) of the
//! client who holds the item, unless erased. Fewer: the start of the tag or the serial, since
//! a trigram index cannot answer them. Either way an exact tag or serial comes first, then
//! the rest in tag order.

use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Nullable, Text};

use super::items::escape_like;
use super::schema::items;
use super::{DbConn, MultiBackend};

/// The shortest text a trigram index answers.
const TRIGRAM: usize = 3;

type Condition = Box<dyn BoxableExpression<items::table, MultiBackend, SqlType = Bool>>;
type Rank = Box<dyn BoxableExpression<items::table, MultiBackend, SqlType = Integer>>;

/// The ids of one page of the items `filtered` holds that match `q`, and how many match in all.
pub fn page(
    conn: &mut DbConn,
    filtered: impl Fn() -> items::BoxedQuery<'static, MultiBackend>,
    q: &str,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<i64>, i64)> {
    let sqlite = matches!(conn, DbConn::Sqlite(_));
    let ids: Vec<i64> = filtered()
        .filter(matching(sqlite, q))
        .order(exact_first(q))
        .then_order_by(items::asset_tag)
        .offset(offset)
        .limit(limit)
        .select(items::id)
        .load(conn)?;
    // A page that is not full ends the matches: its length gives the total, and a search
    // narrow enough to be typed at the desk costs one query, not two.
    let total = if !ids.is_empty() && (ids.len() as i64) < limit {
        offset + ids.len() as i64
    } else {
        filtered().filter(matching(sqlite, q)).count().get_result(conn)?
    };
    Ok((ids, total))
}

fn matching(sqlite: bool, q: &str) -> Condition {
    let lower = q.to_lowercase();
    if q.chars().count() < TRIGRAM {
        let start = format!("{}%", escape_like(&lower));
        return Box::new(
            sql::<Bool>("(lower(items.asset_tag) LIKE ")
                .bind::<Text, _>(start.clone())
                .sql(" ESCAPE '\\' OR lower(items.serial_number) LIKE ")
                .bind::<Text, _>(start)
                .sql(" ESCAPE '\\')"),
        );
    }
    let compact = compact_postcode(&lower);
    if sqlite {
        // A quoted phrase is matched as a substring by the trigram tokenizer, `%` and `_`
        // included as themselves.
        let mut of_client = format!("{{name reference}} : {}", phrase(&lower));
        if let Some(postcode) = &compact {
            of_client.push_str(&format!(" OR postcode : {}", phrase(postcode)));
        }
        Box::new(
            sql::<Bool>("items.id IN (SELECT rowid FROM items_search WHERE items_search MATCH ")
                .bind::<Text, _>(phrase(&lower))
                .sql(
                    " UNION ALL SELECT holding.id FROM items AS holding WHERE holding.client_id IN \
                     (SELECT rowid FROM clients_search WHERE clients_search MATCH ",
                )
                .bind::<Text, _>(of_client)
                .sql("))"),
        )
    } else {
        // Each arm on its own indexed expression, gathered by id: an OR across the item and
        // its client would read every item.
        let within = format!("%{}%", escape_like(&lower));
        let postcode = compact.map(|p| format!("%{}%", escape_like(&p)));
        Box::new(
            sql::<Bool>(
                "items.id IN (SELECT holding.id FROM items AS holding WHERE holding.search_key LIKE ",
            )
            .bind::<Text, _>(within.clone())
            .sql(
                " ESCAPE '\\' UNION ALL SELECT holding.id FROM items AS holding WHERE holding.client_id IN \
                 (SELECT clients.id FROM clients WHERE clients.erased_at IS NULL AND (lower(clients.name) LIKE ",
            )
            .bind::<Text, _>(within.clone())
            .sql(" ESCAPE '\\' OR lower(clients.reference) LIKE ")
            .bind::<Text, _>(within)
            .sql(" ESCAPE '\\' OR replace(lower(clients.postcode), ' ', '') LIKE ")
            .bind::<Nullable<Text>, _>(postcode)
            .sql(" ESCAPE '\\')))"),
        )
    }
}

/// 0 for an item whose tag or serial is exactly `q` (in any case), 1 for the rest.
fn exact_first(q: &str) -> Rank {
    let lower = q.to_lowercase();
    Box::new(
        sql::<Integer>("CASE WHEN lower(items.asset_tag) = ")
            .bind::<Text, _>(lower.clone())
            .sql(" OR lower(items.serial_number) = ")
            .bind::<Text, _>(lower)
            .sql(" THEN 0 ELSE 1 END"),
    )
}

/// `q` as postcodes are indexed, without spaces; none when too short for the index (no
/// postcode is matched then).
fn compact_postcode(lower: &str) -> Option<String> {
    let compact: String = lower.chars().filter(|c| *c != ' ').collect();
    (compact.chars().count() >= TRIGRAM).then_some(compact)
}

/// Text as one FTS5 phrase: in double quotes, a double quote doubled.
fn phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_keeps_its_quotes_and_operators_as_text() {
        assert_eq!(phrase(r#"a"b OR c*"#), r#""a""b OR c*""#);
    }

    #[test]
    fn a_postcode_is_compared_without_its_spaces_once_long_enough() {
        assert_eq!(compact_postcode("ls6 1aa").as_deref(), Some("ls61aa"));
        assert_eq!(compact_postcode("l 6"), None);
    }
}
