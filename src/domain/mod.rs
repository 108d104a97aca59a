//! Plain types and rules, free of HTTP and SQL so tests can call them directly.

pub mod asset_tag;
pub mod centre_events;
pub mod checks;
pub mod examination;
pub mod field_schema;
pub mod handover;
pub mod idempotency;
pub mod lifecycle;
pub mod roles;
pub mod secret;
pub mod serial;
pub mod states;
mod stored;
pub mod telecare;
pub mod validate;
