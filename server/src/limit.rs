//! SECURITY 19: bursts of sign-in attempts or changes from one address get 429.
//! Reads are never limited. Per client IP (the peer address).

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

pub struct Limits {
    sign_in: DefaultKeyedRateLimiter<IpAddr>,
    changes: DefaultKeyedRateLimiter<IpAddr>,
}

/// Server functions that only read; every other server function changes something.
const READ_ENDPOINTS: &[&str] = &["/list", "/overview", "/page", "/session"];

impl Limits {
    /// `per_minute` of each kind, all of which may come at once (the burst).
    pub fn new(sign_in_per_minute: u32, changes_per_minute: u32) -> Arc<Self> {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).expect("at least one"));
        let limits = Arc::new(Limits {
            sign_in: RateLimiter::keyed(quota(sign_in_per_minute)),
            changes: RateLimiter::keyed(quota(changes_per_minute)),
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

    fn limiter_for(&self, method: &Method, path: &str) -> Option<&DefaultKeyedRateLimiter<IpAddr>> {
        if path.starts_with("/auth/") {
            return Some(&self.sign_in);
        }
        let mutating = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
        if mutating
            && path.starts_with("/api/")
            && !READ_ENDPOINTS.iter().any(|r| path.ends_with(r))
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
        .map(|c| c.0.ip());
    if let (Some(ip), Some(limiter)) = (ip, limits.limiter_for(req.method(), req.uri().path()))
        && limiter.check_key(&ip).is_err()
    {
        tracing::warn!(%ip, path = %req.uri().path(), "rate limited");
        let mut res = (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests from your address; please wait a moment.",
        )
            .into_response();
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
        let l = Limits::new(2, 3);
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
    }
}
