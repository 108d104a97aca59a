//! What both HTTP surfaces share, the pages (`web`) and the JSON API (`api`), so that neither
//! reaches into the other.

pub mod auth;
pub mod body;
pub mod csv;
pub mod labels;
pub mod token_cache;
