//! Signed-in staff by token hash, remembered briefly so a busy scanner costs no extra query
//! per request. A change to staff on this instance clears it at once; a deactivation made on
//! another instance takes effect within the time to live.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use crate::service::Actor;

pub const TTL: Duration = Duration::from_secs(10);
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub struct TokenCache {
    entries: RwLock<HashMap<String, (Actor, Instant)>>,
}

impl TokenCache {
    pub fn get(&self, token_hash: &str) -> Option<Actor> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        entries
            .get(token_hash)
            .filter(|(_, at)| at.elapsed() < TTL)
            .map(|(actor, _)| actor.clone())
    }

    pub fn put(&self, token_hash: String, actor: Actor) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(token_hash, (actor, Instant::now()));
    }

    pub fn clear(&self) {
        self.entries.write().unwrap_or_else(|p| p.into_inner()).clear();
    }
}
