//! Who the client is: the peer address, or, when the peer is a configured trusted proxy,
//! the address that proxy says it forwarded for. `X-Forwarded-For` is anyone's to write, so
//! it is believed only from a trusted proxy, and only up to the first hop that is not one.

use std::net::IpAddr;

use actix_web::HttpRequest;
use serde::Deserialize;

/// `server.trusted_proxies`: addresses (`10.0.0.5`) and networks (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(try_from = "Vec<String>")]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TryFrom<Vec<String>> for TrustedProxies {
    type Error = String;

    fn try_from(entries: Vec<String>) -> Result<Self, String> {
        entries
            .iter()
            .map(|e| e.trim())
            .filter(|e| !e.is_empty())
            .map(|e| network(e).ok_or_else(|| format!("{e:?} is not an IP address or address/prefix")))
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

fn network(entry: &str) -> Option<(IpAddr, u8)> {
    let (addr, prefix) = entry.split_once('/').unwrap_or((entry, ""));
    let addr: IpAddr = addr.trim().parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix.trim() {
        "" => max,
        p => p.parse().ok().filter(|p| *p <= max)?,
    };
    Some((addr, prefix))
}

impl TrustedProxies {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|(net, prefix)| match (canonical(*net), ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                same_prefix(u32::from(n).into(), u32::from(a).into(), *prefix, 32)
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => same_prefix(u128::from(n), u128::from(a), *prefix, 128),
            _ => false,
        })
    }

    /// The client's address: the nearest hop that is not a trusted proxy.
    pub fn client(&self, peer: Option<IpAddr>, forwarded_for: &[&str]) -> Option<IpAddr> {
        let mut client = peer?;
        let hops = forwarded_for.iter().flat_map(|h| h.split(',')).map(str::trim);
        for hop in hops.rev() {
            if !self.contains(client) {
                break;
            }
            match hop.parse::<IpAddr>() {
                Ok(ip) => client = ip,
                // A hop we cannot read ends what we can believe: the proxy that sent it stands in.
                Err(_) => break,
            }
        }
        Some(canonical(client))
    }

    /// The client of a request, as text for the sign-in throttle.
    pub fn client_of(&self, req: &HttpRequest) -> String {
        let headers: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .collect();
        self.client(req.peer_addr().map(|a| a.ip()), &headers)
            .map(|ip| ip.to_string())
            .unwrap_or_default()
    }
}

/// An IPv4 peer seen through an IPv6 socket is the same client.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn same_prefix(net: u128, addr: u128, prefix: u8, bits: u8) -> bool {
    let shift = u32::from(bits - prefix.min(bits));
    net.checked_shr(shift).unwrap_or(0) == addr.checked_shr(shift).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(entries: &[&str]) -> TrustedProxies {
        TrustedProxies::try_from(entries.iter().map(|e| e.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn networks_match_by_prefix_and_bad_entries_are_refused() {
        let p = proxies(&["10.0.0.0/8", "192.0.2.7", "fd00::/8"]);
        assert!(p.contains(ip("10.200.3.4")) && p.contains(ip("192.0.2.7")) && p.contains(ip("fd12::1")));
        assert!(!p.contains(ip("11.0.0.1")) && !p.contains(ip("192.0.2.8")) && !p.contains(ip("fe80::1")));
        assert!(p.contains(ip("::ffff:10.1.1.1")), "IPv4 through an IPv6 socket");
        assert!(proxies(&["0.0.0.0/0"]).contains(ip("203.0.113.1")));
        for bad in ["10.0.0.0/33", "proxy.example", "10.0.0/8", "::1/129"] {
            assert!(TrustedProxies::try_from(vec![bad.to_string()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_is_read_from_the_right_up_to_the_first_untrusted_hop() {
        let p = proxies(&["10.0.0.0/8"]);
        let peer = Some(ip("10.0.0.1"));
        assert_eq!(
            p.client(peer, &["198.51.100.9, 203.0.113.5"]),
            Some(ip("203.0.113.5"))
        );
        assert_eq!(
            p.client(peer, &["203.0.113.5, 10.0.0.2"]),
            Some(ip("203.0.113.5"))
        );
        assert_eq!(
            p.client(peer, &["203.0.113.5", "10.0.0.3"]),
            Some(ip("203.0.113.5"))
        );
        assert_eq!(p.client(peer, &[]), peer, "no header: the proxy itself");
        assert_eq!(p.client(peer, &["junk"]), peer);
        let direct = Some(ip("203.0.113.5"));
        assert_eq!(
            p.client(direct, &["10.0.0.9"]),
            direct,
            "not from a proxy: the header is ignored"
        );
        assert_eq!(TrustedProxies::default().client(peer, &["203.0.113.5"]), peer);
    }
}
