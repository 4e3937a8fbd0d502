//! The event feed (`GET /api/events`), Prometheus metrics (`GET /metrics`) and live
//! updates (server-sent events), all read from the outbox.
//!
//! Who sees what: every message row carries `public`. Anonymous and signed-in readers
//! get public rows only; admins get all. Every object type today (goals, sessions,
//! decisions, action items, goal notes) is public to read, so today everyone sees
//! every message; a future private type (e.g. travel) writes `public = false`.

use std::collections::HashMap;

use app::state::AppState;
use axum::Extension;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::outbox::{self, FeedPage};
use domain::user::Viewer;
use serde_json::json;

use crate::bus::Bus;

/// Events per page when `limit` is not given, and at most.
pub const FEED_PAGE: i64 = 100;
pub const FEED_MAX: i64 = 1000;

fn bad_request(field: &str, message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": "validation", "fields": { field: message } })),
    )
        .into_response()
}

fn internal(e: impl std::fmt::Display) -> Response {
    let id = uuid::Uuid::new_v4();
    tracing::error!(error = %e, error_id = %id, "event feed failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({ "error": "internal", "id": id })),
    )
        .into_response()
}

/// `GET /api/events?after=<cursor>&limit=<n>&hackfest=<slug>`: messages in commit
/// order after the cursor (0 or absent: from the oldest kept), with `next` to ask
/// with next time. Retention (`HACKFEST_EVENTS_RETENTION`) bounds how far back.
pub async fn feed(
    State(state): State<AppState>,
    Extension(bus): Extension<Bus>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let after = match q.get("after").map(|s| s.trim()) {
        None | Some("") => 0,
        Some(s) => match s.parse::<i64>() {
            Ok(n) if n >= 0 => n,
            _ => return bad_request("after", "must be a cursor: a whole number, 0 or more"),
        },
    };
    let limit = match q.get("limit").map(|s| s.trim()) {
        None | Some("") => FEED_PAGE,
        Some(s) => match s.parse::<i64>() {
            Ok(n) if (1..=FEED_MAX).contains(&n) => n,
            _ => {
                return bad_request(
                    "limit",
                    &format!("must be a whole number from 1 to {FEED_MAX}"),
                );
            }
        },
    };
    let hackfest_id = match q.get("hackfest").map(|s| s.trim()) {
        None | Some("") => None,
        Some(slug) => match domain::hackfest::repo::by_slug(&state.db, slug).await {
            Ok(Some(h)) => Some(h.id),
            Ok(None) => {
                return (
                    StatusCode::NOT_FOUND,
                    Json(json!({ "error": "not_found", "what": "hackfest" })),
                )
                    .into_response();
            }
            Err(e) => return internal(e),
        },
    };
    let rows = match outbox::after(&state.db, after, hackfest_id, !viewer.admin, limit).await {
        Ok(rows) => rows,
        Err(e) => return internal(e),
    };
    let public_url = &bus.settings().public_url;
    let events: Vec<_> = rows.iter().map(|r| r.to_feed(public_url)).collect();
    let next = events.last().map(|e| e.cursor).unwrap_or(after);
    Json(FeedPage { events, next }).into_response()
}

/// Prometheus text format.
pub async fn metrics(State(state): State<AppState>, Extension(bus): Extension<Bus>) -> Response {
    let backlog = outbox::backlog(&state.db).await;
    let mut out = String::new();
    out.push_str(
        "# HELP hackfest_outbox_backlog Messages written but not yet confirmed by the broker.\n\
         # TYPE hackfest_outbox_backlog gauge\n",
    );
    match backlog {
        Ok(n) => out.push_str(&format!("hackfest_outbox_backlog {n}\n")),
        Err(e) => {
            tracing::warn!(error = %e, "metrics: counting the outbox backlog failed");
            out.push_str("hackfest_outbox_backlog NaN\n");
        }
    }
    let state_now = bus.state();
    out.push_str(&format!(
        "# HELP hackfest_outbox_published_total Messages confirmed by the broker (this process).\n\
         # TYPE hackfest_outbox_published_total counter\n\
         hackfest_outbox_published_total {}\n\
         # HELP hackfest_outbox_publish_failures_total Failed connects and publish rounds (this process).\n\
         # TYPE hackfest_outbox_publish_failures_total counter\n\
         hackfest_outbox_publish_failures_total {}\n\
         # HELP hackfest_broker_connected 1 when this process holds a broker connection.\n\
         # TYPE hackfest_broker_connected gauge\n\
         hackfest_broker_connected {}\n\
         # HELP hackfest_broker_state The publisher's state (one series is 1).\n\
         # TYPE hackfest_broker_state gauge\n",
        bus.published_total(),
        bus.failures_total(),
        u8::from(state_now == crate::bus::BrokerState::Connected),
    ));
    for s in [
        crate::bus::BrokerState::NotConfigured,
        crate::bus::BrokerState::Disconnected,
        crate::bus::BrokerState::Connected,
        crate::bus::BrokerState::Standby,
    ] {
        out.push_str(&format!(
            "hackfest_broker_state{{state=\"{}\"}} {}\n",
            s.as_str(),
            u8::from(s == state_now)
        ));
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response()
}
