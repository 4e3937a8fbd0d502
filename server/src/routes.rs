//! Plain axum routes and middleware: health, readiness, the metrics token, Host
//! validation, cache and security headers.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use app::state::AppState;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::startup::READY_TIMEOUT;

/// The process is up.
pub async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, Json(json!({ "status": "ok" })))
}

/// Who may read the operations endpoints' details.
#[derive(Clone, Default)]
pub struct OpsAccess {
    /// `HACKFEST_METRICS_TOKEN`: required for /metrics; also unlocks /readyz details.
    pub token: Option<Arc<str>>,
    /// `HACKFEST_READYZ_DETAILS`: /readyz reports details to everyone.
    pub readyz_details: bool,
}

impl OpsAccess {
    /// The request carries `Authorization: Bearer <the token>` (compared in constant time).
    pub fn has_token(&self, headers: &HeaderMap) -> bool {
        let Some(token) = &self.token else {
            return false;
        };
        headers
            .get_all(header::AUTHORIZATION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| {
                let (scheme, rest) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
            })
            .fold(false, |ok, given| {
                same_secret(given.as_bytes(), token.as_bytes()) | ok
            })
    }
}

/// Equal byte strings, in time that depends on the lengths only.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    let mut diff = u8::from(a.len() != b.len());
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0);
    }
    std::hint::black_box(diff) == 0
}

/// `/metrics` behind `HACKFEST_METRICS_TOKEN` when one is set: 401 with
/// `WWW-Authenticate: Bearer` otherwise.
pub async fn require_metrics_token(
    State(ops): State<OpsAccess>,
    req: Request,
    next: Next,
) -> Response {
    if ops.token.is_some() && !ops.has_token(req.headers()) {
        let mut res = (
            StatusCode::UNAUTHORIZED,
            "Metrics need Authorization: Bearer <HACKFEST_METRICS_TOKEN>.",
        )
            .into_response();
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"hackfest metrics\""),
        );
        return res;
    }
    next.run(req).await
}

/// The app can serve: its database answers. To anonymous callers that is all it says
/// (`{"status":"ready"}` or `{"status":"unavailable"}`); with `HACKFEST_READYZ_DETAILS`
/// or the metrics token it also reports the database and the outbox: its backlog and
/// the broker connection. A broker that is down does not make the app unready (pages
/// and changes keep working; messages wait in the outbox).
pub async fn readyz(
    State(state): State<AppState>,
    axum::Extension(bus): axum::Extension<crate::bus::Bus>,
    axum::Extension(ops): axum::Extension<OpsAccess>,
    headers: HeaderMap,
) -> impl IntoResponse {
    let details = ops.readyz_details || ops.has_token(&headers);
    let (status, body) = match tokio::time::timeout(READY_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) if !details => (StatusCode::OK, json!({ "status": "ready" })),
        Ok(Ok(())) => {
            let backlog = domain::outbox::backlog(&state.db).await.ok();
            (
                StatusCode::OK,
                json!({
                    "status": "ready",
                    "database": "ok",
                    "outbox": {
                        "backlog": backlog,
                        "broker": bus.state().as_str(),
                        "published": bus.published_total(),
                    },
                }),
            )
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                json!({ "status": "unavailable", "database": "error" }),
            )
        }
        Err(_) => {
            tracing::warn!("readiness: the database did not answer in time");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                json!({ "status": "unavailable", "database": "timeout" }),
            )
        }
    };
    if details {
        (status, Json(body))
    } else {
        (status, Json(json!({ "status": body["status"] })))
    }
}

/// A `Host` value (`name`, `name:port`, `[v6]:port`): its lower-case host name (IPv6
/// in brackets, a trailing dot dropped) and port. `None` when it is not one.
pub fn parse_authority(value: &str) -> Option<(String, Option<u16>)> {
    if value.is_empty() || value.contains(['@', '/', '?', '#']) {
        return None;
    }
    let a: axum::http::uri::Authority = value.parse().ok()?;
    let port = match a.port() {
        Some(p) => Some(p.as_str().parse::<u16>().ok()?),
        // Something after the host that is not a port (`host:`, `host:99999`).
        None if a.host() != value => return None,
        None => None,
    };
    let host = a.host().to_ascii_lowercase();
    let host = host.strip_suffix('.').unwrap_or(&host).to_owned();
    let valid = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        v6.parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        !host.is_empty()
            && host.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            })
    };
    valid.then_some((host, port))
}

/// `localhost`, `127.x.x.x` or `[::1]`, with or without a port.
pub fn is_loopback_authority(value: &str) -> bool {
    parse_authority(value).is_some_and(|(host, _)| is_loopback_name(&host))
}

fn is_loopback_name(host: &str) -> bool {
    if host == "localhost" {
        return true;
    }
    let literal = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    match literal.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

/// SECURITY 32 (DNS rebinding): the host names the app answers for.
#[derive(Clone, Debug)]
pub struct HostPolicy {
    host: String,
    port: u16,
    default_port: u16,
    loopback: bool,
}

/// Probes (Kubernetes sends the pod's IP as `Host`) and scrapers: answered whatever
/// the `Host`. /healthz and /readyz say no more than up or ready to anonymous callers,
/// and /metrics can be closed with `HACKFEST_METRICS_TOKEN`.
pub const ANY_HOST_PATHS: &[&str] = &["/healthz", "/readyz", "/metrics"];

impl HostPolicy {
    /// The public URL's host and port; loopback names too when `listen` is a
    /// loopback address.
    pub fn new(public_url: &str, listen: SocketAddr) -> Result<Self, String> {
        let (rest, default_port) = match public_url.strip_prefix("https://") {
            Some(r) => (r, 443),
            None => (public_url.strip_prefix("http://").unwrap_or(public_url), 80),
        };
        let authority = rest.split('/').next().unwrap_or_default();
        let (host, port) = parse_authority(authority).ok_or_else(|| {
            format!("HACKFEST_PUBLIC_URL: \"{public_url}\" has no valid host name")
        })?;
        Ok(HostPolicy {
            host,
            port: port.unwrap_or(default_port),
            default_port,
            loopback: listen.ip().is_loopback(),
        })
    }

    /// `Ok` for a `Host` the app answers for; otherwise the status and a short reason.
    pub fn check(&self, value: Option<&str>) -> Result<(), (StatusCode, &'static str)> {
        let Some(value) = value else {
            return Err((
                StatusCode::BAD_REQUEST,
                "Bad request: the Host header is missing.",
            ));
        };
        let Some((host, port)) = parse_authority(value) else {
            return Err((
                StatusCode::BAD_REQUEST,
                "Bad request: the Host header is malformed.",
            ));
        };
        if host == self.host && port.unwrap_or(self.default_port) == self.port {
            return Ok(());
        }
        if self.loopback && is_loopback_name(&host) {
            return Ok(());
        }
        Err((
            StatusCode::MISDIRECTED_REQUEST,
            "Misdirected request: this server does not answer for that host name (HACKFEST_PUBLIC_URL sets the one it answers for).",
        ))
    }
}

/// Refuses requests for other host names (421) or without a readable `Host` (400),
/// except on [`ANY_HOST_PATHS`]. HTTP/2's `:authority` is checked like `Host`.
pub async fn host_check(
    State(policy): State<Arc<HostPolicy>>,
    req: Request,
    next: Next,
) -> Response {
    if ANY_HOST_PATHS.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let host = match req.headers().get(header::HOST) {
        Some(v) => Some(v.to_str().unwrap_or("")),
        None => req.uri().authority().map(|a| a.as_str()),
    };
    let mut verdict = policy.check(host);
    if verdict.is_ok()
        && let Some(a) = req.uri().authority()
    {
        verdict = policy.check(Some(a.as_str()));
    }
    match verdict {
        Ok(()) => next.run(req).await,
        Err((status, text)) => {
            tracing::info!(host = ?host, path = %req.uri().path(), %status, "refused a request for another host");
            (status, text).into_response()
        }
    }
}

/// Hashed assets under /pkg never change: cache them for a year. Everything else
/// (HTML, server-function answers) is revalidated.
pub async fn cache_headers(req_path: axum::http::Uri, mut res: Response) -> Response {
    let value = if req_path.path().starts_with("/pkg/") && res.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    res.headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(value));
    res
}

/// SECURITY 20: a Content-Security-Policy with a per-response script nonce on HTML,
/// and HSTS when served over https.
pub async fn security_headers(
    axum::extract::State(https): axum::extract::State<bool>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    req.extensions_mut()
        .insert(app::state::CspNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        let csp = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
        );
        if let Ok(v) = HeaderValue::from_str(&csp) {
            res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    if https {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(url: &str, listen: &str) -> HostPolicy {
        HostPolicy::new(url, listen.parse().unwrap()).unwrap()
    }

    #[test]
    fn hosts_are_parsed_strictly() {
        assert_eq!(
            parse_authority("HackFest.Example.org."),
            Some(("hackfest.example.org".into(), None))
        );
        assert_eq!(
            parse_authority("127.0.0.1:3000"),
            Some(("127.0.0.1".into(), Some(3000)))
        );
        assert_eq!(
            parse_authority("[::1]:8080"),
            Some(("[::1]".into(), Some(8080)))
        );
        for bad in [
            "",
            "a b",
            "user@host",
            "host:",
            "host:99999",
            "host:x",
            "[zz]:1",
            "a..b",
            "host/x",
        ] {
            assert_eq!(parse_authority(bad), None, "{bad:?}");
        }
        for lo in [
            "localhost",
            "localhost:1",
            "127.0.0.1",
            "127.1.2.3:80",
            "[::1]:3000",
            "LOCALHOST.",
        ] {
            assert!(is_loopback_authority(lo), "{lo}");
        }
        for not in [
            "localhost.evil.example",
            "evil.example",
            "10.0.0.1",
            "[::2]",
            "0.0.0.0",
        ] {
            assert!(!is_loopback_authority(not), "{not}");
        }
    }

    /// SECURITY 32: only the public URL's host (and loopback names on a loopback
    /// listener) are answered.
    #[test]
    fn host_must_be_the_public_urls() {
        let prod = policy("https://hackfest.example.org", "0.0.0.0:8080");
        assert!(prod.check(Some("hackfest.example.org")).is_ok());
        assert!(prod.check(Some("hackfest.example.org:443")).is_ok());
        assert!(prod.check(Some("HACKFEST.example.org")).is_ok());
        for other in [
            "hackfest.example.org:8080",
            "evil.example",
            "10.128.0.5:8080",
            "localhost:8080",
            "127.0.0.1:8080",
        ] {
            assert_eq!(
                prod.check(Some(other)).unwrap_err().0,
                StatusCode::MISDIRECTED_REQUEST,
                "{other}"
            );
        }
        assert_eq!(prod.check(None).unwrap_err().0, StatusCode::BAD_REQUEST);
        assert_eq!(
            prod.check(Some("a b")).unwrap_err().0,
            StatusCode::BAD_REQUEST
        );

        let local = policy("http://127.0.0.1:3000", "127.0.0.1:3000");
        for ok in [
            "127.0.0.1:3000",
            "localhost:3000",
            "localhost:8080",
            "[::1]:3000",
        ] {
            assert!(local.check(Some(ok)).is_ok(), "{ok}");
        }
        for other in ["evil.example:3000", "evil.example", "127.0.0.1.nip.io:3000"] {
            assert_eq!(
                local.check(Some(other)).unwrap_err().0,
                StatusCode::MISDIRECTED_REQUEST,
                "{other}"
            );
        }
        let port = policy("http://hackfest.test:8000/", "127.0.0.1:8000");
        assert!(port.check(Some("hackfest.test:8000")).is_ok());
        assert!(
            port.check(Some("hackfest.test")).is_err(),
            "port 80 is another origin"
        );
        assert!(
            HostPolicy::new("http://", "127.0.0.1:1".parse().unwrap())
                .unwrap_err()
                .starts_with("HACKFEST_PUBLIC_URL")
        );
    }

    #[test]
    fn metrics_token_is_a_bearer_token() {
        let ops = OpsAccess {
            token: Some("s3cret".into()),
            readyz_details: false,
        };
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::AUTHORIZATION, v.parse().unwrap());
            h
        };
        assert!(ops.has_token(&with("Bearer s3cret")));
        assert!(ops.has_token(&with("bearer  s3cret ")));
        for bad in [
            "Bearer s3cre",
            "Bearer s3cret2",
            "Basic s3cret",
            "s3cret",
            "Bearer ",
        ] {
            assert!(!ops.has_token(&with(bad)), "{bad}");
        }
        assert!(!ops.has_token(&HeaderMap::new()));
        assert!(
            !OpsAccess::default().has_token(&with("Bearer s3cret")),
            "no token set"
        );
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abcd") && !same_secret(b"", b"a"));
    }
}

/// How long shared caches may keep a public document (feeds, exports) before they ask
/// again with its `ETag`.
pub const PUBLIC_CACHE: &str = "public, max-age=60, stale-while-revalidate=300";

/// A strong `ETag` of `body`'s bytes.
pub fn etag_of(body: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    format!("\"{:016x}-{}\"", hasher.finish(), body.len())
}

/// Does `If-None-Match` name `tag` (or `*`)? Weak and strong forms compare equal
/// (RFC 9110's weak comparison, which `If-None-Match` uses).
pub fn etag_matches(headers: &HeaderMap, tag: &str) -> bool {
    let bare = tag.trim_start_matches("W/");
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t.trim_start_matches("W/") == bare)
}

/// A document with `tag`: `304` (nothing rendered) when `If-None-Match` has it, else
/// `render()`'s body. The tag must change whenever the body would.
pub fn document_tagged(
    headers: &HeaderMap,
    content_type: &'static str,
    cache: &'static str,
    tag: String,
    render: impl FnOnce() -> String,
) -> Response {
    if etag_matches(headers, &tag) {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, tag),
                (header::CACHE_CONTROL, cache.to_owned()),
            ],
        )
            .into_response();
    }
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::ETAG, tag),
            (header::CACHE_CONTROL, cache.to_owned()),
        ],
        render(),
    )
        .into_response()
}

/// `body` with a strong `ETag` of its bytes; `304` when the client has them.
pub fn document(
    headers: &HeaderMap,
    content_type: &'static str,
    cache: &'static str,
    body: String,
) -> Response {
    document_tagged(headers, content_type, cache, etag_of(&body), || body)
}

#[cfg(test)]
mod etag_tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly() {
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"a\", W/\"b\""),
        );
        assert!(etag_matches(&h, "W/\"b\""));
        assert!(etag_matches(&h, "\"a\""));
        assert!(!etag_matches(&h, "\"c\""));
        assert_ne!(etag_of("x"), etag_of("y"));
    }
}
