//! Every table of the schema and what `equiptrack copy` does with it. A table this list does
//! not name stops a copy before it begins (and fails the test that lists the migrated
//! schema), so a new table cannot be left behind unnoticed: add it here.

/// What a copy does with one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    /// Every row, ids included; the target must hold none.
    Copy,
    /// Rows the migrations seed (the asset-tag counter): the target's seeded rows are
    /// replaced by the source's, and do not make the target count as in use.
    Replace,
    /// Not copied, for the reason given.
    Skip(&'static str),
}

/// In the order rows are written: each table after every table it references.
pub const TABLES: &[(&str, Treatment)] = &[
    ("staff", Treatment::Copy),
    ("api_tokens", Treatment::Copy),
    ("sign_in_links", Treatment::Copy),
    ("equipment_types", Treatment::Copy),
    ("check_rules", Treatment::Copy),
    ("locations", Treatment::Copy),
    ("clients", Treatment::Copy),
    ("items", Treatment::Copy),
    ("item_checks_due", Treatment::Copy),
    ("notes", Treatment::Copy),
    ("events", Treatment::Copy),
    ("handovers", Treatment::Copy),
    ("safety_checks", Treatment::Copy),
    ("examinations", Treatment::Copy),
    ("defects", Treatment::Copy),
    ("decontaminations", Treatment::Copy),
    ("recalls", Treatment::Copy),
    ("recall_items", Treatment::Copy),
    ("counters", Treatment::Replace),
    ("notifications", Treatment::Copy),
    ("notification_clients", Treatment::Copy),
    ("audit_log", Treatment::Copy),
    ("sweeps", Treatment::Copy),
    ("telecare_installations", Treatment::Copy),
    ("telecare_changes", Treatment::Copy),
    ("kits", Treatment::Copy),
    ("kit_members", Treatment::Copy),
    ("kit_events", Treatment::Copy),
    ("telecare_events", Treatment::Copy),
    // A phone's queue may retry across a move to another database: its keys must hold there.
    ("idempotency_keys", Treatment::Copy),
    (
        "sessions",
        Treatment::Skip("sessions end: people sign in again on the new database"),
    ),
    (
        "login_throttle",
        Treatment::Skip("wrong-password counts are short-lived"),
    ),
];

/// Tables the database engine and the migration tool keep for themselves.
pub fn is_bookkeeping(table: &str) -> bool {
    table.starts_with("sqlite_") || table == "__diesel_schema_migrations" || is_search_index(table)
}

/// SQLite's search indexes (FTS5 tables and their shadow tables): never copied, since the
/// target's own triggers fill them as the items and clients are written, and PostgreSQL
/// keeps its indexes without tables.
fn is_search_index(table: &str) -> bool {
    ["items_search", "clients_search"].iter().any(|index| {
        table
            .strip_prefix(index)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('_'))
    })
}

/// What the list says of `table`, if it names it.
pub fn treatment(table: &str) -> Option<Treatment> {
    TABLES.iter().find(|(name, _)| *name == table).map(|(_, t)| *t)
}

/// What is wrong with the list for a schema holding `tables`: a table it does not name, or
/// one it names that the schema lacks.
pub fn mismatch(tables: &[String]) -> Option<String> {
    let unlisted = unlisted(tables);
    if !unlisted.is_empty() {
        return Some(format!(
            "tables copy does not know: {} (add them to db::copy::tables)",
            unlisted.join(", ")
        ));
    }
    let missing: Vec<&str> = TABLES
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !tables.iter().any(|t| t == name))
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "tables db::copy::tables names but the schema lacks: {}",
            missing.join(", ")
        )
    })
}

/// The tables of a schema that the list does not name.
fn unlisted(tables: &[String]) -> Vec<&str> {
    tables
        .iter()
        .map(String::as_str)
        .filter(|t| !is_bookkeeping(t) && treatment(t).is_none())
        .collect()
}
