//! Plain axum routes: health, readiness, cache headers.

use app::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::startup::READY_TIMEOUT;

/// The process is up.
pub async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, Json(json!({ "status": "ok" })))
}

/// The app can serve: its database answers. Also reports the outbox: its backlog
/// and the broker connection. A broker that is down does not make the app unready
/// (pages and changes keep working; messages wait in the outbox).
pub async fn readyz(
    State(state): State<AppState>,
    axum::Extension(bus): axum::Extension<crate::bus::Bus>,
) -> impl IntoResponse {
    match tokio::time::timeout(READY_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => {
            let backlog = domain::outbox::backlog(&state.db).await.ok();
            (
                StatusCode::OK,
                Json(json!({
                    "status": "ready",
                    "database": "ok",
                    "outbox": {
                        "backlog": backlog,
                        "broker": bus.state().as_str(),
                        "published": bus.published_total(),
                    },
                })),
            )
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "error" })),
            )
        }
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "database": "timeout" })),
        ),
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
