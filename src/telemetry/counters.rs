//! Requests counted in memory as they are answered: by method, route pattern and status, and
//! their latency in a histogram. A request costs a read lock and a few atomic additions; the
//! write lock is taken only the first time a method and route are seen.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use actix_web::http::Method;
use parking_lot::RwLock;

use super::exposition::Exposition;

/// Upper bounds of the latency histogram's buckets, in seconds.
pub const LATENCY_BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The statuses counted one by one; anything outside is counted as 599 (never answered).
const STATUSES: std::ops::RangeInclusive<u16> = 100..=599;

/// The route label of a request that matched no route: the concrete path may carry data, and
/// every stray path its own series would let a scanner grow this map without end.
pub const UNMATCHED: &str = "unmatched";

/// One method on one route pattern.
struct RouteCounts {
    by_status: Box<[AtomicU64]>,
    buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl RouteCounts {
    fn new() -> Self {
        Self {
            by_status: STATUSES.map(|_| AtomicU64::new(0)).collect(),
            buckets: Default::default(),
            count: AtomicU64::new(0),
            sum_micros: AtomicU64::new(0),
        }
    }

    fn record(&self, status: u16, latency: Duration) {
        let status = if STATUSES.contains(&status) { status } else { 599 };
        self.by_status[usize::from(status - STATUSES.start())].fetch_add(1, Ordering::Relaxed);
        let seconds = latency.as_secs_f64();
        // Each bucket counts only its own slice; the exposition adds them up.
        if let Some(i) = LATENCY_BUCKETS.iter().position(|le| seconds <= *le) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }
}

/// The methods counted by name; anything else is `other`, so a client inventing methods
/// cannot add series.
const METHODS: [(Method, &str); 9] = [
    (Method::GET, "GET"),
    (Method::HEAD, "HEAD"),
    (Method::POST, "POST"),
    (Method::PUT, "PUT"),
    (Method::PATCH, "PATCH"),
    (Method::DELETE, "DELETE"),
    (Method::OPTIONS, "OPTIONS"),
    (Method::CONNECT, "CONNECT"),
    (Method::TRACE, "TRACE"),
];

/// A route pattern's counts, one slot per method (the last for `other`), made when first used.
type ByMethod = [OnceLock<RouteCounts>; METHODS.len() + 1];

#[derive(Default)]
pub struct RequestCounters {
    routes: RwLock<HashMap<String, Arc<ByMethod>>>,
}

fn method_label(slot: usize) -> &'static str {
    METHODS.get(slot).map_or("other", |(_, name)| name)
}

impl RequestCounters {
    /// Counts one answered request. `route` is the matched pattern, or `UNMATCHED`.
    pub fn record(&self, method: &Method, route: &str, status: u16, latency: Duration) {
        let slot = METHODS
            .iter()
            .position(|(m, _)| m == method)
            .unwrap_or(METHODS.len());
        let known = self.routes.read().get(route).cloned();
        let by_method =
            known.unwrap_or_else(|| self.routes.write().entry(route.to_string()).or_default().clone());
        by_method[slot]
            .get_or_init(RouteCounts::new)
            .record(status, latency);
    }

    /// Writes the request counter and the latency histogram.
    pub fn write(&self, out: &mut Exposition) {
        let mut by_route: Vec<_> = self
            .routes
            .read()
            .iter()
            .map(|(route, by_method)| (route.clone(), by_method.clone()))
            .collect();
        by_route.sort_by(|a, b| a.0.cmp(&b.0));
        let routes: Vec<((&str, &str), &RouteCounts)> = by_route
            .iter()
            .flat_map(|(route, by_method)| {
                by_method.iter().enumerate().filter_map(move |(slot, counts)| {
                    Some(((method_label(slot), route.as_str()), counts.get()?))
                })
            })
            .collect();

        out.family(
            "equiptrack_http_requests_total",
            "counter",
            "HTTP requests answered, by method, route pattern and status.",
        );
        for ((method, route), counts) in &routes {
            for (status, n) in STATUSES.zip(counts.by_status.iter()) {
                let n = n.load(Ordering::Relaxed);
                if n > 0 {
                    let status = status.to_string();
                    out.sample(
                        "equiptrack_http_requests_total",
                        &[("method", method), ("route", route), ("status", &status)],
                        n as f64,
                    );
                }
            }
        }

        out.family(
            "equiptrack_http_request_duration_seconds",
            "histogram",
            "Time from a request's arrival to its answer's headers, by method and route pattern.",
        );
        for ((method, route), counts) in &routes {
            let labels = [("method", *method), ("route", *route)];
            let mut cumulative = 0;
            for (le, n) in LATENCY_BUCKETS.iter().zip(&counts.buckets) {
                cumulative += n.load(Ordering::Relaxed);
                out.bucket(
                    "equiptrack_http_request_duration_seconds",
                    &labels,
                    &le.to_string(),
                    cumulative,
                );
            }
            let count = counts.count.load(Ordering::Relaxed);
            out.bucket("equiptrack_http_request_duration_seconds", &labels, "+Inf", count);
            let sum = counts.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
            out.sample("equiptrack_http_request_duration_seconds_sum", &labels, sum);
            out.sample(
                "equiptrack_http_request_duration_seconds_count",
                &labels,
                count as f64,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_route_and_status_and_timed_in_cumulative_buckets() {
        let counters = RequestCounters::default();
        counters.record(&Method::GET, "/api/v1/items/{tag}", 200, Duration::from_millis(3));
        counters.record(
            &Method::GET,
            "/api/v1/items/{tag}",
            200,
            Duration::from_millis(30),
        );
        counters.record(&Method::GET, "/api/v1/items/{tag}", 404, Duration::from_secs(20));
        counters.record(
            &Method::from_bytes(b"BREW").unwrap(),
            UNMATCHED,
            404,
            Duration::ZERO,
        );
        let mut out = Exposition::default();
        counters.write(&mut out);
        let text = out.finish();
        for line in [
            r#"equiptrack_http_requests_total{method="GET",route="/api/v1/items/{tag}",status="200"} 2"#,
            r#"equiptrack_http_requests_total{method="GET",route="/api/v1/items/{tag}",status="404"} 1"#,
            r#"equiptrack_http_requests_total{method="other",route="unmatched",status="404"} 1"#,
            r#"equiptrack_http_request_duration_seconds_bucket{method="GET",route="/api/v1/items/{tag}",le="0.005"} 1"#,
            r#"equiptrack_http_request_duration_seconds_bucket{method="GET",route="/api/v1/items/{tag}",le="0.05"} 2"#,
            r#"equiptrack_http_request_duration_seconds_bucket{method="GET",route="/api/v1/items/{tag}",le="10"} 2"#,
            r#"equiptrack_http_request_duration_seconds_bucket{method="GET",route="/api/v1/items/{tag}",le="+Inf"} 3"#,
            r#"equiptrack_http_request_duration_seconds_sum{method="GET",route="/api/v1/items/{tag}"} 20.033"#,
            r#"equiptrack_http_request_duration_seconds_count{method="GET",route="/api/v1/items/{tag}"} 3"#,
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line} in\n{text}");
        }
    }
}
