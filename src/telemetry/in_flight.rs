//! Requests arrived and not yet fully answered. A graceful stop waits for this count to reach
//! zero (`crate::stop`), and `/metrics` reports it. A request counts from the moment it reaches
//! the app until its answer's body has been sent, so a long download is waited for too.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::web::Bytes;

#[derive(Default)]
pub struct InFlight {
    count: AtomicU64,
}

/// One request in flight, until dropped.
pub struct Guard(Arc<InFlight>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.count.fetch_sub(1, Ordering::Relaxed);
    }
}

impl InFlight {
    pub fn start(self: &Arc<Self>) -> Guard {
        self.count.fetch_add(1, Ordering::Relaxed);
        Guard(self.clone())
    }

    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// Resolves once no request is in flight, or when `limit` has passed; true if drained.
    pub async fn drained(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while self.count() > 0 {
            if Instant::now() >= deadline {
                return false;
            }
            actix_web::rt::time::sleep(Duration::from_millis(25)).await;
        }
        true
    }
}

/// An answer's body that keeps its request in flight until it has been sent (or dropped).
pub struct Tracked {
    body: BoxBody,
    _guard: Guard,
}

impl Tracked {
    pub fn new(body: BoxBody, guard: Guard) -> Self {
        Self { body, _guard: guard }
    }
}

impl MessageBody for Tracked {
    type Error = <BoxBody as MessageBody>::Error;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_next(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn a_request_is_in_flight_until_its_body_is_dropped() {
        let in_flight = Arc::new(InFlight::default());
        let answer = Tracked::new(BoxBody::new("words"), in_flight.start());
        let other = in_flight.start();
        assert_eq!(in_flight.count(), 2);
        drop(other);
        assert!(!in_flight.drained(Duration::from_millis(60)).await);
        drop(answer);
        assert!(in_flight.drained(Duration::from_millis(60)).await);
    }
}
