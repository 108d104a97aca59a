//! Signed-in staff by token hash, remembered briefly so a busy scanner costs no extra query
//! per request. A change to staff or a token on this instance clears it at once; a token's
//! own end is kept with it and honoured to the second; a deactivation or rotation made on
//! another instance takes effect within the time to live.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use crate::service::Actor;

pub const TTL: Duration = Duration::from_secs(10);
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub struct TokenCache {
    entries: RwLock<HashMap<String, Entry>>,
}

struct Entry {
    actor: Actor,
    cached_at: Instant,
    /// When the token itself ends.
    expires: Option<NaiveDateTime>,
}

impl TokenCache {
    pub fn get(&self, token_hash: &str, now: NaiveDateTime) -> Option<Actor> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        entries
            .get(token_hash)
            .filter(|e| e.cached_at.elapsed() < TTL && e.expires.is_none_or(|end| end > now))
            .map(|e| e.actor.clone())
    }

    pub fn put(&self, token_hash: String, actor: Actor, expires: Option<NaiveDateTime>) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            token_hash,
            Entry {
                actor,
                cached_at: Instant::now(),
                expires,
            },
        );
    }

    pub fn clear(&self) {
        self.entries.write().unwrap_or_else(|p| p.into_inner()).clear();
    }
}
