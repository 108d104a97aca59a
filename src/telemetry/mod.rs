//! What operators watch: the log (`logs`), each request's log line, id and counts
//! (`request`), the counters kept in memory (`counters`), the requests in flight
//! (`in_flight`, which a graceful stop waits for), and `GET /metrics` (`scrape`,
//! written by `exposition`). The rule for every line: counts, ids, statuses and route
//! patterns, never a person's name, address, note or email address.

pub mod counters;
pub mod exposition;
pub mod in_flight;
pub mod logs;
pub mod request;
pub mod scrape;

/// `text` with every word that holds an `@` replaced, for error messages from elsewhere (a
/// mail server's answer often repeats the recipient's address) before they are logged.
pub fn without_addresses(text: &str) -> String {
    text.split(' ')
        .map(|word| if word.contains('@') { "[address]" } else { word })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::without_addresses;

    #[test]
    fn addresses_in_an_error_are_replaced() {
        assert_eq!(
            without_addresses("permanent error (550): 5.1.1 <ann@example.org>: unknown user"),
            "permanent error (550): 5.1.1 [address] unknown user"
        );
        assert_eq!(without_addresses("connection refused"), "connection refused");
    }
}
