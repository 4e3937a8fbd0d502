//! SECURITY 17: a mutating request from another site is refused (403), whatever its
//! cookies. Browsers send `Origin` and `Sec-Fetch-Site` on such requests.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The allowed origin, e.g. `https://hackfest.example.org`, and whether the app
/// listens on a loopback address.
#[derive(Clone)]
pub struct PublicOrigin {
    pub origin: String,
    pub loopback: bool,
}

/// SECURITY 32: `Origin` must be the public URL. The request's own `Host` is not
/// trusted (under DNS rebinding an attacker's page has `Origin` and `Host` both
/// `evil.example`). One exception, on a loopback listener only: a same-origin request
/// to a loopback `Host` (`http://localhost:3000` while the public URL says
/// `http://127.0.0.1:3000`); no attacker's name can be a loopback name.
pub fn is_cross_site(method: &Method, headers: &HeaderMap, public: &PublicOrigin) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // No Origin: not a browser's cross-site request (old browsers send Referer-less
        // same-origin posts; non-browser clients carry no ambient cookies).
        return false;
    };
    if origin.eq_ignore_ascii_case(&public.origin) {
        return false;
    }
    let loopback_same_origin = public.loopback
        && headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .filter(|h| crate::routes::is_loopback_authority(h))
            .is_some_and(|h| origin.eq_ignore_ascii_case(&format!("http://{h}")));
    !loopback_same_origin
}

pub async fn csrf_middleware(
    State(origin): State<PublicOrigin>,
    req: Request,
    next: Next,
) -> Response {
    if is_cross_site(req.method(), req.headers(), &origin) {
        tracing::warn!(path = %req.uri().path(), "refused a cross-site request");
        // Server functions answer in the app's error vocabulary.
        if req.uri().path().starts_with("/api/") {
            return app::error::AppError::Forbidden.into_response();
        }
        return (
            StatusCode::FORBIDDEN,
            "Cross-site requests are not allowed.",
        )
            .into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    fn public(origin: &str, loopback: bool) -> PublicOrigin {
        PublicOrigin {
            origin: origin.into(),
            loopback,
        }
    }

    #[test]
    fn foreign_origin_and_cross_site_are_refused() {
        let o = &public("http://127.0.0.1:3000", true);
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:3000")
            ]),
            o
        ));
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[("origin", "null"), ("host", "127.0.0.1:3000")]),
            o
        ));
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[("sec-fetch-site", "cross-site")]),
            o
        ));
        assert!(!is_cross_site(
            &Method::POST,
            &headers(&[("origin", "http://127.0.0.1:3000")]),
            o
        ));
        // On loopback, a same-origin post to a loopback name works.
        assert!(!is_cross_site(
            &Method::POST,
            &headers(&[
                ("origin", "http://localhost:3000"),
                ("host", "localhost:3000")
            ]),
            o
        ));
        // Another local app (another port) is another origin.
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[
                ("origin", "http://localhost:8080"),
                ("host", "localhost:3000")
            ]),
            o
        ));
        assert!(!is_cross_site(
            &Method::POST,
            &headers(&[("sec-fetch-site", "same-origin")]),
            o
        ));
        assert!(!is_cross_site(
            &Method::GET,
            &headers(&[("origin", "https://evil.example")]),
            o
        ));
    }

    /// SECURITY 32: under DNS rebinding, Origin and Host are both the attacker's
    /// name; only the configured public URL counts.
    #[test]
    fn origin_is_compared_with_the_public_url_not_the_host() {
        let prod = &public("https://hackfest.example.org", false);
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[("origin", "https://evil.example"), ("host", "evil.example")]),
            prod
        ));
        assert!(!is_cross_site(
            &Method::POST,
            &headers(&[
                ("origin", "https://hackfest.example.org"),
                ("host", "hackfest.example.org")
            ]),
            prod
        ));
        // Not on loopback: a loopback Host is no exception (a port-forward or tunnel).
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[
                ("origin", "http://localhost:3000"),
                ("host", "localhost:3000")
            ]),
            prod
        ));
        // On loopback, a rebinding name equal in Origin and Host is still refused.
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[
                ("origin", "http://evil.example:3000"),
                ("host", "evil.example:3000")
            ]),
            &public("http://127.0.0.1:3000", true)
        ));
    }
}
