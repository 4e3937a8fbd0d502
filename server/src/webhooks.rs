//! Sending webhooks (issue 15, item 4; Standard Webhooks).
//!
//! One task per process, and one sender among all instances (a lease, as the bus
//! publisher has): it turns new outbox messages into deliveries
//! ([`domain::webhook::service::fan_out`]), then sends the due ones, eight at a time:
//! - headers `webhook-id` (`msg_…`, the same on every attempt), `webhook-timestamp`
//!   (seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`
//!   keyed with the endpoint's `whsec_` secret;
//! - 2xx is delivered; 410 Gone disables the endpoint; anything else (a redirect
//!   too: they are not followed) is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
//!   14 h, 20 h and 20 h (about three days), then given up; 15 s timeout.
//!
//! SSRF: a URL must be http(s) and reach a public address. Loopback, private,
//! link-local, shared (CGNAT), multicast, documentation and reserved ranges, and the
//! app's own host, are refused unless `HACKFEST_WEBHOOK_ALLOW` lists the address. The
//! check runs when an endpoint is registered and again on every connection (the
//! client's resolver refuses such addresses), so a name that later resolves elsewhere
//! (DNS rebinding) gets nowhere.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use domain::db::Db;
use domain::webhook::service::{self as hooks, Due, Outcome};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::limit::Cidr;

/// Time for one attempt, connecting included.
pub const TIMEOUT: Duration = Duration::from_secs(15);
/// Days the delivery log keeps finished deliveries.
pub const KEEP_DAYS: i64 = 30;
/// The default waits before each retry.
pub const RETRIES: &str = "5s,5m,30m,2h,5h,10h,14h,20h,20h";

/// What the sender and the URL check need.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Addresses webhooks may reach although they are not public.
    pub allow: Vec<Cidr>,
    /// Waits before each retry; after the last, the delivery is given up.
    pub retries: Vec<Duration>,
    /// The app's public URL (its host is refused as a target).
    pub public_url: String,
}

/// `5s`, `250ms`, `5m`, `2h`, `3d` → a duration.
pub fn parse_wait(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("\"{s}\" is not a duration such as 5s or 30m"))?;
    let ms = match unit {
        "ms" => n,
        "s" => n * 1_000,
        "m" => n * 60_000,
        "h" => n * 3_600_000,
        "d" => n * 86_400_000,
        _ => return Err(format!("\"{s}\": the unit is ms, s, m, h or d")),
    };
    Ok(Duration::from_millis(ms))
}

/// The retry schedule, a comma-separated list of waits.
pub fn parse_retries(s: &str) -> Result<Vec<Duration>, String> {
    let waits = s
        .split(',')
        .filter(|w| !w.trim().is_empty())
        .map(parse_wait)
        .collect::<Result<Vec<_>, _>>()?;
    if waits.len() > 20 {
        return Err("at most 20 retries".into());
    }
    Ok(waits)
}

/// Whether `ip` is on the public internet (not loopback, private, link-local, shared,
/// multicast, documentation, benchmarking, reserved or unspecified).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return public_v4(v4);
            }
            let s = v6.segments();
            // NAT64 (64:ff9b::/96) carries an IPv4 address.
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                return public_v4(Ipv4Addr::new(
                    (s[6] >> 8) as u8,
                    s[6] as u8,
                    (s[7] >> 8) as u8,
                    s[7] as u8,
                ));
            }
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || v6 == Ipv6Addr::UNSPECIFIED)
        }
    }
}

fn public_v4(v4: Ipv4Addr) -> bool {
    let o = v4.octets();
    !(v4.is_unspecified()
        || v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_broadcast()
        || v4.is_multicast()
        || v4.is_documentation()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // shared address space 100.64/10
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18/15
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        || o[0] >= 240) // reserved
}

impl Settings {
    /// Whether a webhook may connect to `ip`.
    pub fn may_reach(&self, ip: IpAddr) -> bool {
        self.allow.iter().any(|c| c.contains(ip)) || is_public(ip)
    }

    /// The URL, if a webhook may be sent to it as far as can be told without DNS:
    /// http(s), a host, no credentials, not the app itself, and a literal address
    /// that may be reached. Each error is the `url` field's message.
    pub fn check_url(&self, url: &str) -> Result<reqwest::Url, String> {
        let u = reqwest::Url::parse(url.trim()).map_err(|e| {
            format!("URL is not a valid URL ({e}); give one such as https://ci.example.org/hooks.")
        })?;
        if !matches!(u.scheme(), "http" | "https") {
            return Err(format!(
                "URL must be http:// or https://, not {}:.",
                u.scheme()
            ));
        }
        if !u.username().is_empty() || u.password().is_some() {
            return Err("URL must not carry a user name or password.".into());
        }
        let Some(host) = u.host_str().filter(|h| !h.is_empty()) else {
            return Err("URL has no host.".into());
        };
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let literal = host.parse::<IpAddr>().ok();
        if let Some(ip) = literal
            && !self.may_reach(ip)
        {
            return Err(format!(
                "URL points to {ip}, a private or local address; webhooks go to public addresses (an operator can allow one with HACKFEST_WEBHOOK_ALLOW)."
            ));
        }
        if let Ok(own) = reqwest::Url::parse(&self.public_url)
            && own.host_str().map(str::to_ascii_lowercase).as_deref()
                == u.host_str().map(str::to_ascii_lowercase).as_deref()
            && own.port_or_known_default() == u.port_or_known_default()
            && !literal.is_some_and(|ip| self.allow.iter().any(|c| c.contains(ip)))
        {
            return Err("URL points to this app itself; a webhook must go elsewhere.".into());
        }
        if host == "localhost" || host.ends_with(".localhost") {
            let allowed = self
                .allow
                .iter()
                .any(|c| c.contains(IpAddr::V4(Ipv4Addr::LOCALHOST)));
            if !allowed {
                return Err("URL points to localhost; webhooks go to public addresses.".into());
            }
        }
        Ok(u)
    }

    /// [`Settings::check_url`], then every address its name resolves to.
    pub async fn check_reachable(&self, url: &str) -> Result<reqwest::Url, String> {
        let u = self.check_url(url)?;
        let host = u
            .host_str()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        if host.parse::<IpAddr>().is_ok() {
            return Ok(u);
        }
        let port = u.port_or_known_default().unwrap_or(443);
        let addrs: Vec<SocketAddr> = match tokio::time::timeout(
            Duration::from_secs(5),
            tokio::net::lookup_host((host.as_str(), port)),
        )
        .await
        {
            Ok(Ok(a)) => a.collect(),
            Ok(Err(_)) | Err(_) => {
                return Err(format!("URL: the name {host} does not resolve; check it."));
            }
        };
        if let Some(bad) = addrs.iter().find(|a| !self.may_reach(a.ip())) {
            return Err(format!(
                "URL: {host} resolves to {}, a private or local address; webhooks go to public addresses.",
                bad.ip()
            ));
        }
        if addrs.is_empty() {
            return Err(format!("URL: the name {host} does not resolve; check it."));
        }
        Ok(u)
    }
}

/// The client's resolver: a name that resolves to an address webhooks may not reach
/// is an error, so the connection is never made.
struct Guard(Arc<Settings>);

impl reqwest::dns::Resolve for Guard {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let settings = self.0.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(bad) = addrs.iter().find(|a| !settings.may_reach(a.ip())) {
                return Err(format!(
                    "{host} resolves to {}, which webhooks may not reach",
                    bad.ip()
                )
                .into());
            }
            let it: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(it)
        })
    }
}

/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` keyed with the secret's
/// bytes (what follows `whsec_`, base64).
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, String> {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|e| format!("the secret is not base64: {e}"))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| e.to_string())?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The HTTP client webhooks are sent with: no redirects, 15 s, the guarded resolver.
pub fn client(settings: Arc<Settings>) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("Hackfest-Webhooks/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(Arc::new(Guard(settings)))
        .build()
        .expect("an HTTP client")
}

/// One attempt of one delivery: how it went.
pub async fn attempt(client: &reqwest::Client, settings: &Settings, d: &Due) -> Outcome {
    let retry_or_give_up = |status: Option<u16>, error: String| {
        let n = usize::try_from(d.attempts).unwrap_or(usize::MAX);
        match settings.retries.get(n) {
            Some(wait) => Outcome::Retry {
                status,
                error,
                at: Utc::now() + chrono::TimeDelta::from_std(*wait).unwrap_or_default(),
            },
            None => Outcome::GaveUp { status, error },
        }
    };
    let url = match settings.check_url(&d.url) {
        Ok(u) => u,
        Err(e) => return retry_or_give_up(None, e),
    };
    let id = hooks::webhook_id(d.message_id);
    let ts = Utc::now().timestamp();
    let signature = match sign(&d.secret, &id, ts, &d.body) {
        Ok(s) => s,
        Err(e) => {
            return Outcome::GaveUp {
                status: None,
                error: e,
            };
        }
    };
    let sent = client
        .post(url)
        .header("webhook-id", &id)
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", signature)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(d.body.clone())
        .send()
        .await;
    match sent {
        Ok(r) if r.status().is_success() => Outcome::Delivered {
            status: r.status().as_u16(),
        },
        Ok(r) if r.status() == reqwest::StatusCode::GONE => Outcome::Gone,
        Ok(r) if r.status().is_redirection() => retry_or_give_up(
            Some(r.status().as_u16()),
            format!("HTTP {}: redirects are not followed", r.status().as_u16()),
        ),
        Ok(r) => retry_or_give_up(
            Some(r.status().as_u16()),
            format!("HTTP {}", r.status().as_u16()),
        ),
        Err(e) => {
            let why = if e.is_timeout() {
                "no answer within 15 s".to_owned()
            } else {
                // The cause chain without the URL (which may carry a token).
                let mut s = String::new();
                let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(&e);
                while let Some(c) = cur {
                    s = c.to_string();
                    cur = c.source();
                }
                if s.is_empty() {
                    "the request failed".to_owned()
                } else {
                    s
                }
            };
            retry_or_give_up(None, domain::text::shown_up_to(&why, 300))
        }
    }
}

/// Starts the sender: new outbox messages become deliveries, due ones are sent.
pub fn spawn(db: Db, settings: Settings) {
    let settings = Arc::new(settings);
    tokio::spawn(async move {
        let client = client(settings.clone());
        let mut wake = domain::outbox::wakeups();
        loop {
            // One sender among the instances; the others wait for its lease.
            let mut lease = match domain::outbox::try_lock(&db, domain::outbox::WEBHOOK_LOCK).await
            {
                Ok(Some(l)) => l,
                Ok(None) => {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    continue;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "webhooks: the database did not answer");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    continue;
                }
            };
            let mut pruned: Option<std::time::Instant> = None;
            while lease.alive().await {
                // The delivery log keeps 30 days (pending ones until they end).
                if pruned.is_none_or(|t| t.elapsed() >= Duration::from_secs(3600)) {
                    pruned = Some(std::time::Instant::now());
                    let before = Utc::now() - chrono::TimeDelta::days(KEEP_DAYS);
                    if let Err(e) = hooks::prune(&db, before).await {
                        tracing::warn!(error = %e, "webhooks: pruning the delivery log failed");
                    }
                }
                match round(&db, &client, &settings).await {
                    // New messages wake us; retries come due on the tick.
                    Ok(true) => {
                        let _ =
                            tokio::time::timeout(Duration::from_millis(500), wake.changed()).await;
                    }
                    // No endpoint on anywhere: a commit (an endpoint registered here)
                    // or the tick (one registered elsewhere) makes us look again, but
                    // no more than 20 times a second, however many commits there are
                    // (the app's writes, hundreds a second under load).
                    Ok(false) => {
                        let _ =
                            tokio::time::timeout(Duration::from_millis(500), wake.changed()).await;
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        wake.borrow_and_update();
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "webhooks: a round failed");
                        tokio::time::sleep(Duration::from_secs(2)).await;
                    }
                }
            }
        }
    });
}

/// Fans out what is new, then sends what is due (eight at a time). Whether any
/// endpoint is on (`false`: nothing to fan out or send until one is).
async fn round(
    db: &Db,
    client: &reqwest::Client,
    settings: &Arc<Settings>,
) -> Result<bool, domain::DomainError> {
    loop {
        let step = hooks::fan_out(db, &settings.public_url, 500).await?;
        if !step.listening {
            return Ok(false);
        }
        if step.read < 500 {
            break;
        }
    }
    loop {
        let due = hooks::due(db, Utc::now(), 64).await?;
        if due.is_empty() {
            return Ok(true);
        }
        let n = due.len();
        let mut set = tokio::task::JoinSet::new();
        let permits = Arc::new(tokio::sync::Semaphore::new(8));
        for d in due {
            let (client, settings, db, permits) = (
                client.clone(),
                settings.clone(),
                db.clone(),
                permits.clone(),
            );
            set.spawn(async move {
                let _permit = permits.acquire_owned().await;
                let outcome = attempt(&client, &settings, &d).await;
                match &outcome {
                    Outcome::Delivered { .. } => {}
                    other => tracing::info!(endpoint = %d.endpoint_id, webhook_id = %hooks::webhook_id(d.message_id), outcome = ?other, "webhook not delivered"),
                }
                if let Err(e) = hooks::record(&db, &d, &outcome).await {
                    tracing::warn!(error = %e, "webhooks: recording an attempt failed");
                }
            });
        }
        while set.join_next().await.is_some() {}
        if n < 64 {
            return Ok(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Standard Webhooks spec's published example.
    #[test]
    fn signs_the_spec_test_vector() {
        assert_eq!(
            sign(
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                r#"{"test": 2432232314}"#
            )
            .unwrap(),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    fn settings(allow: &[&str]) -> Settings {
        Settings {
            allow: allow.iter().map(|a| a.parse().unwrap()).collect(),
            retries: parse_retries(RETRIES).unwrap(),
            public_url: "https://hackfest.example.org".into(),
        }
    }

    #[test]
    fn private_and_odd_urls_are_refused_unless_allowed() {
        let s = settings(&[]);
        for bad in [
            "ftp://example.org/x",
            "file:///etc/passwd",
            "http://10.1.2.3/hook",
            "http://127.0.0.1:9000/",
            "http://[::1]/",
            "http://169.254.169.254/latest/meta-data",
            "http://100.64.0.1/",
            "http://[fd00::1]/",
            "http://[::ffff:192.168.1.1]/",
            "http://0.0.0.0/",
            "http://localhost:8080/",
            "https://user:pw@example.org/",
            "https://hackfest.example.org/api",
            "not a url",
        ] {
            assert!(s.check_url(bad).is_err(), "{bad}");
        }
        assert!(s.check_url("https://ci.example.org/hooks?x=1").is_ok());
        assert!(s.check_url("http://93.184.216.34:8080/").is_ok());
        let s = settings(&["127.0.0.1/32", "10.0.0.0/8"]);
        assert!(s.check_url("http://127.0.0.1:9000/").is_ok());
        assert!(s.check_url("http://10.1.2.3/").is_ok());
        assert!(s.check_url("http://192.168.1.1/").is_err());
    }

    #[test]
    fn the_retry_schedule_spans_about_three_days() {
        let total: Duration = parse_retries(RETRIES).unwrap().iter().sum();
        assert!(total > Duration::from_secs(70 * 3600) && total < Duration::from_secs(80 * 3600));
        assert!(parse_retries("5x").is_err());
        assert_eq!(
            parse_retries("250ms,1s").unwrap(),
            [Duration::from_millis(250), Duration::from_secs(1)]
        );
    }
}
