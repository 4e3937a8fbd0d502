//! SECURITY 19: bursts of sign-in attempts or changes from one address get 429.
//! Reads are never limited. Per client IP: the peer address, or, when the peer is a
//! trusted proxy (`HACKFEST_TRUSTED_PROXIES`, e.g. the OpenShift router), the
//! nearest address in `X-Forwarded-For` that is not a trusted proxy.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

pub struct Limits {
    sign_in: DefaultKeyedRateLimiter<IpAddr>,
    changes: DefaultKeyedRateLimiter<IpAddr>,
    trusted: Vec<Cidr>,
}

/// Server functions that only read; every other server function changes something.
const READ_ENDPOINTS: &[&str] = &[
    "/list",
    "/overview",
    "/page",
    "/session",
    "/get",
    "/row",
    "/part",
    "/editor",
    "/me/actions",
    "/me/hackfests",
    "/pages/get",
    "/pages/editor",
    "/pages/history",
];

/// An address block such as `10.128.0.0/14` or one address (`192.0.2.7`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl std::str::FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (addr, bits) = s.split_once('/').unwrap_or((s, ""));
        let net: IpAddr = addr
            .parse()
            .map_err(|_| format!("\"{s}\" is not an IP address or block such as 10.0.0.0/8"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = if bits.is_empty() {
            max
        } else {
            match bits.parse::<u8>() {
                Ok(b) if b <= max => b,
                _ => return Err(format!("\"{s}\": the prefix length must be 0 to {max}")),
            }
        };
        Ok(Cidr { net, bits })
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        let mask = |len: u32| -> u128 {
            if self.bits == 0 {
                0
            } else {
                (!0u128) << (len - u32::from(self.bits))
            }
        };
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let m = mask(32);
                (u128::from(u32::from(n)) & m) == (u128::from(u32::from(a)) & m)
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let m = mask(128);
                (u128::from(n) & m) == (u128::from(a) & m)
            }
            _ => false,
        }
    }
}

/// The client's address as a key for limits: the peer, unless the peer is a trusted
/// proxy; then the right-most `X-Forwarded-For` entry that is not itself a trusted
/// proxy. Every `X-Forwarded-For` header line is read, in order, as one list (a
/// client's own line before the proxy's cannot hide the proxy's entry). Entries may be
/// `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1` or `[2001:db8::1]:4711`. Entries a client
/// wrote itself (left of the first untrusted one) are never believed; an entry that is
/// not an address stops the walk at the last trusted hop.
///
/// The result is a key, not always the exact address: IPv4 (and IPv4-mapped IPv6) as
/// is, IPv6 as its /64 network with the rest zeroed, since one host or household
/// usually holds a whole /64. Callers: the rate limits here and the live-update
/// connection cap; pass the request's peer address and its headers.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[Cidr]) -> IpAddr {
    // All lines, in order; a line that is not text is one unreadable entry.
    let lines: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str().unwrap_or("\u{0}"))
        .collect();
    key(forwarded_client(peer, &lines, trusted))
}

fn forwarded_client(peer: IpAddr, lines: &[&str], trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let mut last = peer;
    for entry in lines.iter().rev().flat_map(|line| line.rsplit(',')) {
        if entry.trim().is_empty() {
            continue;
        }
        match parse_hop(entry) {
            Some(ip) if is_trusted(ip) => last = ip,
            Some(ip) => return ip,
            None => return last,
        }
    }
    last
}

/// One `X-Forwarded-For` entry: an address, with or without a port.
fn parse_hop(entry: &str) -> Option<IpAddr> {
    let s = entry.trim();
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Some(sa.ip());
    }
    s.strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|v6| v6.parse::<std::net::Ipv6Addr>().ok())
        .map(IpAddr::V6)
}

/// IPv4 as is (IPv4-mapped IPv6 becomes IPv4); IPv6 as its /64.
fn key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & (!0u128 << 64)).into()),
        },
        v4 => v4,
    }
}

impl Limits {
    /// `per_minute` of each kind, all of which may come at once (the burst).
    pub fn new(sign_in_per_minute: u32, changes_per_minute: u32, trusted: Vec<Cidr>) -> Arc<Self> {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).expect("at least one"));
        let limits = Arc::new(Limits {
            sign_in: RateLimiter::keyed(quota(sign_in_per_minute)),
            changes: RateLimiter::keyed(quota(changes_per_minute)),
            trusted,
        });
        // Forget idle addresses so the maps stay small.
        let weak = Arc::downgrade(&limits);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(60)).await;
                let Some(l) = weak.upgrade() else { return };
                l.sign_in.retain_recent();
                l.changes.retain_recent();
            }
        });
        limits
    }

    /// The trusted proxies, for [`client_ip`] elsewhere (the live-update cap).
    pub fn trusted(&self) -> &[Cidr] {
        &self.trusted
    }

    fn limiter_for(&self, method: &Method, path: &str) -> Option<&DefaultKeyedRateLimiter<IpAddr>> {
        if path.starts_with("/auth/") {
            return Some(&self.sign_in);
        }
        let mutating = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
        // Pages take no other POST than a form saved without JavaScript (server/src/nojs.rs).
        if mutating
            && (!path.starts_with("/api/") || !READ_ENDPOINTS.iter().any(|r| path.ends_with(r)))
        {
            return Some(&self.changes);
        }
        None
    }
}

pub async fn rate_limit(State(limits): State<Arc<Limits>>, req: Request, next: Next) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| client_ip(c.0.ip(), req.headers(), &limits.trusted));
    if let (Some(ip), Some(limiter)) = (ip, limits.limiter_for(req.method(), req.uri().path()))
        && limiter.check_key(&ip).is_err()
    {
        tracing::warn!(%ip, path = %req.uri().path(), "rate limited");
        let text = "Too many requests from your address; please wait a moment.";
        // Server functions answer in the app's error vocabulary; sign-in pages in text.
        let mut res = if req.uri().path().starts_with("/api/") {
            app::error::AppError::TooManyRequests(text.into()).into_response()
        } else {
            (StatusCode::TOO_MANY_REQUESTS, text).into_response()
        };
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
        return res;
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_sign_in_and_changes_are_limited() {
        let l = Limits::new(2, 3, vec![]);
        assert!(l.limiter_for(&Method::GET, "/h/x").is_none());
        assert!(
            l.limiter_for(&Method::POST, "/api/hackfests/overview")
                .is_none()
        );
        assert!(l.limiter_for(&Method::POST, "/api/goals/create").is_some());
        assert!(l.limiter_for(&Method::GET, "/auth/login").is_some());
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(l.changes.check_key(&ip).is_ok());
        assert!(l.changes.check_key(&ip).is_ok());
        assert!(l.changes.check_key(&ip).is_ok());
        assert!(
            l.changes.check_key(&ip).is_err(),
            "the fourth change within a minute is refused"
        );
        assert!(l.changes.check_key(&other).is_ok(), "per address");
        assert!(l.limiter_for(&Method::POST, "/api/actions/get").is_none());
        assert!(l.limiter_for(&Method::POST, "/api/me/actions").is_none());
        assert!(l.limiter_for(&Method::POST, "/api/pages/history").is_none());
        assert!(l.limiter_for(&Method::POST, "/api/pages/revert").is_some());
        assert!(
            l.limiter_for(&Method::POST, "/api/actions/update")
                .is_some()
        );
    }

    /// Headers with one `X-Forwarded-For` line per entry of `lines`.
    fn xff(lines: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for l in lines {
            h.append("x-forwarded-for", l.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn trusted() -> Vec<Cidr> {
        vec![
            "10.128.0.0/14".parse().unwrap(),
            "192.0.2.7".parse().unwrap(),
            "2001:db8:ffff::/48".parse().unwrap(),
        ]
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted = trusted();
        // A direct client cannot pick its address.
        assert_eq!(
            client_ip(ip("198.51.100.9"), &xff(&["1.2.3.4"]), &trusted),
            ip("198.51.100.9")
        );
        // Through the router: the address the router saw.
        assert_eq!(
            client_ip(ip("10.128.3.4"), &xff(&["203.0.113.5"]), &trusted),
            ip("203.0.113.5")
        );
        // A client's own X-Forwarded-For entries, left of the proxy's, are ignored.
        assert_eq!(
            client_ip(
                ip("10.128.3.4"),
                &xff(&["1.2.3.4, 203.0.113.5, 192.0.2.7"]),
                &trusted
            ),
            ip("203.0.113.5")
        );
        // Garbage or nothing: the last trusted hop.
        assert_eq!(
            client_ip(ip("10.128.3.4"), &xff(&["nonsense"]), &trusted),
            ip("10.128.3.4")
        );
        assert_eq!(
            client_ip(ip("10.128.3.4"), &HeaderMap::new(), &trusted),
            ip("10.128.3.4")
        );
        // IPv4-mapped IPv6 peers match IPv4 blocks.
        assert_eq!(
            client_ip(ip("::ffff:10.128.0.1"), &xff(&["203.0.113.5"]), &trusted),
            ip("203.0.113.5")
        );
    }

    /// SECURITY 36: a client that sends its own X-Forwarded-For line gets a second
    /// line from the proxy; the proxy's (last) line counts, not the client's.
    #[test]
    fn every_forwarded_for_line_is_read_in_order() {
        let trusted = trusted();
        assert_eq!(
            client_ip(
                ip("10.128.3.4"),
                &xff(&["1.2.3.4", "203.0.113.5"]),
                &trusted
            ),
            ip("203.0.113.5")
        );
        // Two proxies, each adding its own line.
        assert_eq!(
            client_ip(
                ip("10.128.3.4"),
                &xff(&["6.6.6.6, 203.0.113.5", "192.0.2.7"]),
                &trusted
            ),
            ip("203.0.113.5")
        );
        // An unreadable (non-text) line stops the walk at the last trusted hop.
        let mut h = xff(&["1.2.3.4"]);
        h.append(
            "x-forwarded-for",
            axum::http::HeaderValue::from_bytes(b"\xff\xfe").unwrap(),
        );
        assert_eq!(client_ip(ip("10.128.3.4"), &h, &trusted), ip("10.128.3.4"));
    }

    #[test]
    fn forwarded_for_entries_with_ports_and_brackets_parse() {
        let trusted = trusted();
        for (entry, want) in [
            ("203.0.113.5:4711", "203.0.113.5"),
            (" 203.0.113.5 ", "203.0.113.5"),
            ("[2001:db8:1:2::5]:443", "2001:db8:1:2::"),
            ("[2001:db8:1:2::5]", "2001:db8:1:2::"),
            ("2001:db8:1:2::5", "2001:db8:1:2::"),
            ("::ffff:203.0.113.5", "203.0.113.5"),
        ] {
            assert_eq!(
                client_ip(ip("10.128.3.4"), &xff(&[entry]), &trusted),
                ip(want),
                "{entry}"
            );
        }
        // A trusted IPv6 proxy with a port is skipped like any trusted hop.
        assert_eq!(
            client_ip(
                ip("10.128.3.4"),
                &xff(&["203.0.113.5, [2001:db8:ffff::1]:8443"]),
                &trusted
            ),
            ip("203.0.113.5")
        );
    }

    /// IPv6 clients count per /64: hopping within one's own /64 gains nothing.
    #[tokio::test]
    async fn ipv6_clients_are_keyed_by_their_64() {
        let none: Vec<Cidr> = vec![];
        let a = client_ip(ip("2001:db8:1:2:aaaa::1"), &HeaderMap::new(), &none);
        let b = client_ip(
            ip("2001:db8:1:2:bbbb:cccc:dddd:eeee"),
            &HeaderMap::new(),
            &none,
        );
        let other = client_ip(ip("2001:db8:1:3::1"), &HeaderMap::new(), &none);
        assert_eq!(a, ip("2001:db8:1:2::"));
        assert_eq!(a, b);
        assert_ne!(a, other);
        assert_eq!(
            client_ip(ip("198.51.100.9"), &HeaderMap::new(), &none),
            ip("198.51.100.9"),
            "IPv4 is kept whole"
        );
        let l = Limits::new(2, 2, vec![]);
        assert!(l.changes.check_key(&a).is_ok());
        assert!(l.changes.check_key(&b).is_ok());
        assert!(
            l.changes.check_key(&a).is_err(),
            "the third change from one /64 is refused"
        );
        assert!(l.changes.check_key(&other).is_ok());
    }

    #[test]
    fn cidr_parsing_names_the_problem() {
        assert!(
            "10.0.0.0/8"
                .parse::<Cidr>()
                .unwrap()
                .contains("10.1.2.3".parse().unwrap())
        );
        assert!(
            !"10.0.0.0/8"
                .parse::<Cidr>()
                .unwrap()
                .contains("11.0.0.1".parse().unwrap())
        );
        assert!(
            "2001:db8::/32"
                .parse::<Cidr>()
                .unwrap()
                .contains("2001:db8::1".parse().unwrap())
        );
        assert!(
            "0.0.0.0/0"
                .parse::<Cidr>()
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        assert!(
            "10.0.0.0/33"
                .parse::<Cidr>()
                .unwrap_err()
                .contains("0 to 32")
        );
        assert!(
            "router"
                .parse::<Cidr>()
                .unwrap_err()
                .contains("not an IP address")
        );
    }
}
