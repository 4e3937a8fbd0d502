//! SECURITY 17: a mutating request from another site is refused (403), whatever its
//! cookies. Browsers send `Origin` and `Sec-Fetch-Site` on such requests.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The allowed origin, e.g. `https://hackfest.example.org`.
#[derive(Clone)]
pub struct PublicOrigin(pub String);

pub fn is_cross_site(method: &Method, headers: &HeaderMap, public_origin: &str) -> bool {
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
    let scheme = if public_origin.starts_with("https://") {
        "https"
    } else {
        "http"
    };
    let host_origin = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|h| format!("{scheme}://{h}"));
    !(origin == public_origin || Some(origin) == host_origin.as_deref())
}

pub async fn csrf_middleware(
    State(origin): State<PublicOrigin>,
    req: Request,
    next: Next,
) -> Response {
    if is_cross_site(req.method(), req.headers(), &origin.0) {
        tracing::warn!(path = %req.uri().path(), "refused a cross-site request");
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

    #[test]
    fn foreign_origin_and_cross_site_are_refused() {
        let o = "http://127.0.0.1:3000";
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
        assert!(!is_cross_site(
            &Method::POST,
            &headers(&[
                ("origin", "http://localhost:3000"),
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
}
