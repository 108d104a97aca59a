//! Slows down and limits wrong passwords, per address and per client, so a password cannot
//! be guessed at speed. In memory: each instance keeps its own count.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed in one window before sign-in is refused for the rest of it.
pub const PER_ADDRESS: u32 = 5;
pub const PER_CLIENT: u32 = 20;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginThrottle {
    fn count(&self, key: &str) -> u32 {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key)
            .filter(|(_, since)| since.elapsed() < WINDOW)
            .map_or(0, |(n, _)| *n)
    }

    /// How long until this address and client may try again, if they are locked out.
    pub fn locked(&self, email: &str, client: &str) -> Option<Duration> {
        let over = self.count(&format!("a:{email}")) >= PER_ADDRESS
            || self.count(&format!("c:{client}")) >= PER_CLIENT;
        over.then_some(WINDOW)
    }

    /// Records a failure; answers how long to hold the answer back (longer each time).
    pub fn failed(&self, email: &str, client: &str) -> Duration {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (_, since)| since.elapsed() < WINDOW);
        }
        let mut worst = 0;
        for key in [format!("a:{email}"), format!("c:{client}")] {
            let entry = map.entry(key).or_insert((0, Instant::now()));
            if entry.1.elapsed() >= WINDOW {
                *entry = (0, Instant::now());
            }
            entry.0 += 1;
            worst = worst.max(entry.0);
        }
        Duration::from_millis((250 * u64::from(worst)).min(2000))
    }

    pub fn succeeded(&self, email: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&format!("a:{email}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_locked_after_five_failures_and_each_failure_waits_longer() {
        let t = LoginThrottle::default();
        assert!(t.locked("a@x.org", "1.2.3.4").is_none());
        let waits: Vec<Duration> = (0..5).map(|_| t.failed("a@x.org", "1.2.3.4")).collect();
        assert!(waits.windows(2).all(|w| w[0] < w[1]));
        assert!(
            t.locked("a@x.org", "5.6.7.8").is_some(),
            "locked for that address from anywhere"
        );
        assert!(t.locked("b@x.org", "5.6.7.8").is_none());
        t.succeeded("a@x.org");
        assert!(t.locked("a@x.org", "5.6.7.8").is_none());
    }
}
