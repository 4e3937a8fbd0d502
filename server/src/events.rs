//! The event feed (`GET /api/events`), Prometheus metrics (`GET /metrics`) and live
//! updates (server-sent events), all read from the outbox.
//!
//! Who sees what: every message row carries `public`. Anonymous and signed-in readers
//! get public rows only; admins get all. Every object type today (goals, sessions,
//! decisions, action items, goal notes) is public to read, so today everyone sees
//! every message; a future private type (e.g. travel) writes `public = false`.

use std::collections::HashMap;

use app::error::{AppError, ErrorContext};
use app::state::AppState;
use axum::Extension;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::FieldErrors;
use domain::outbox::{self, FeedPage};
use domain::user::Viewer;
use serde_json::json;

use crate::bus::Bus;

/// Events per page when `limit` is not given, and at most.
pub const FEED_PAGE: i64 = 100;
pub const FEED_MAX: i64 = 1000;
/// Bytes of message bodies per feed page and per hub read: a page stops before its
/// bodies exceed this (it always holds at least one event, so the cursor moves on).
pub const FEED_BYTES: i64 = 1024 * 1024;

/// A malformed query parameter: 422 naming it, as a server function would answer.
fn invalid(field: &str, message: &str) -> AppError {
    AppError::Validation(FieldErrors::single(field, message))
}

/// The hackfest of this slug, or 404 (`{"NotFound":"Hackfest"}`).
async fn hackfest(
    state: &AppState,
    slug: &str,
    operation: &str,
) -> Result<domain::hackfest::Hackfest, AppError> {
    domain::hackfest::repo::by_slug(&state.db, slug)
        .await
        .context(operation)?
        .ok_or_else(|| AppError::NotFound("Hackfest".into()))
}

/// `GET /api/events?after=<cursor>&limit=<n>&hackfest=<slug>`: messages in commit
/// order after the cursor (0 or absent: from the oldest kept), with `next` to ask
/// with next time. Retention (`HACKFEST_EVENTS_RETENTION`) bounds how far back.
pub async fn feed(
    State(state): State<AppState>,
    Extension(bus): Extension<Bus>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    const OPERATION: &str = "events/feed";
    let after = match q.get("after").map(|s| s.trim()) {
        None | Some("") => 0,
        Some(s) => match s.parse::<i64>() {
            Ok(n) if n >= 0 => n,
            _ => {
                return Err(invalid(
                    "after",
                    "must be a cursor: a whole number, 0 or more",
                ));
            }
        },
    };
    let limit = match q.get("limit").map(|s| s.trim()) {
        None | Some("") => FEED_PAGE,
        Some(s) => match s.parse::<i64>() {
            Ok(n) if (1..=FEED_MAX).contains(&n) => n,
            _ => {
                return Err(invalid(
                    "limit",
                    &format!("must be a whole number from 1 to {FEED_MAX}"),
                ));
            }
        },
    };
    let hackfest_id = match q.get("hackfest").map(|s| s.trim()) {
        None | Some("") => None,
        Some(slug) => Some(hackfest(&state, slug, OPERATION).await?.id),
    };
    let rows = outbox::after_within(
        &state.db,
        after,
        hackfest_id,
        !viewer.admin,
        limit,
        FEED_BYTES,
    )
    .await
    .context(OPERATION)?
    .rows;
    let public_url = &bus.settings().public_url;
    let events: Vec<_> = rows.iter().map(|r| r.to_feed(public_url)).collect();
    let next = events.last().map(|e| e.cursor).unwrap_or(after);
    Ok(Json(FeedPage { events, next }).into_response())
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

/// Live updates: one task per process reads new outbox rows (woken by this process's
/// commits, and polling for other instances' on PostgreSQL) and fans them out to the
/// open server-sent-event streams.
#[derive(Clone)]
pub struct Hub {
    tx: tokio::sync::broadcast::Sender<std::sync::Arc<outbox::FeedEvent>>,
    cursor: std::sync::Arc<std::sync::atomic::AtomicI64>,
    db: domain::db::Db,
    public_url: String,
    slots: std::sync::Arc<Slots>,
}

/// Events buffered per subscriber before it counts as fallen behind (then: resync).
pub const HUB_BUFFER: usize = 1024;
/// A live event whose body is larger than this carries `{"truncated": true, "url": …}`
/// instead (the feed has the whole body): the hub's buffer stays within
/// `HUB_BUFFER` × this, whatever the messages.
pub const LIVE_BODY_MAX: usize = 64 * 1024;

/// Counts what is written.
struct Count(usize);

impl std::io::Write for Count {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0 += b.len();
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The feed event a live stream sends for `r`: a body over [`LIVE_BODY_MAX`] bytes
/// is left out (live pages only look at the topic and reload).
fn live_event(r: &outbox::OutboxRow, public_url: &str) -> outbox::FeedEvent {
    let mut size = Count(0);
    let _ = serde_json::to_writer(&mut size, &r.body.0);
    if size.0 <= LIVE_BODY_MAX {
        return r.to_feed(public_url);
    }
    outbox::FeedEvent {
        cursor: r.seq,
        message_id: r.message_id,
        topic: r.topic.clone(),
        hackfest_id: r.hackfest_id,
        object_id: r.object_id,
        body: json!({
            "truncated": true,
            "url": format!("{}{}", public_url.trim_end_matches('/'), r.path),
        }),
        created_at: r.created_at,
    }
}
/// How often the hub looks for rows committed by other instances.
pub const HUB_POLL: std::time::Duration = std::time::Duration::from_millis(250);
/// A resuming client missing more than this many events gets a resync instead.
pub const RESUME_MAX: i64 = 500;
/// … or missing events whose bodies add up to more than this many bytes.
pub const RESUME_BYTES: i64 = 1024 * 1024;
/// Open live-update streams per client address unless `HACKFEST_LIVE_PER_CLIENT` says.
pub const LIVE_PER_CLIENT: u32 = 8;

/// Open live-update streams per client address (as the rate limits key it), capped.
struct Slots {
    per_client: u32,
    trusted: Vec<crate::limit::Cidr>,
    open: std::sync::Mutex<HashMap<std::net::IpAddr, u32>>,
}

/// One open stream's place; dropped with the stream, which frees it.
struct Slot {
    slots: std::sync::Arc<Slots>,
    key: std::net::IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.key);
            }
        }
    }
}

impl Slots {
    /// A place for one more stream from `key` (a [`crate::limit::client_ip`]), or
    /// `None` when that address holds `per_client` already.
    fn take(self: &std::sync::Arc<Self>, key: std::net::IpAddr) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(key).or_insert(0);
        if *n >= self.per_client {
            return None;
        }
        *n += 1;
        Some(Slot {
            slots: self.clone(),
            key,
        })
    }
}

impl Hub {
    pub async fn start(db: domain::db::Db, public_url: String) -> Hub {
        let start = outbox::latest(&db).await.unwrap_or(0);
        let hub = Hub {
            tx: tokio::sync::broadcast::channel(HUB_BUFFER).0,
            cursor: std::sync::Arc::new(std::sync::atomic::AtomicI64::new(start)),
            db,
            public_url,
            slots: std::sync::Arc::new(Slots {
                per_client: LIVE_PER_CLIENT,
                trusted: vec![],
                open: Default::default(),
            }),
        };
        tokio::spawn(hub.clone().run());
        hub
    }

    /// At most `per_client` open streams per client address (at least 1); the address
    /// is read through `trusted` proxies as the rate limits read it.
    pub fn limit_clients(mut self, per_client: u32, trusted: Vec<crate::limit::Cidr>) -> Hub {
        self.slots = std::sync::Arc::new(Slots {
            per_client: per_client.max(1),
            trusted,
            open: Default::default(),
        });
        self
    }

    /// Open live-update streams now (all addresses).
    pub fn open_streams(&self) -> u32 {
        let open = self.slots.open.lock().unwrap_or_else(|e| e.into_inner());
        open.values().sum()
    }

    /// The newest cursor the hub has fanned out.
    pub fn cursor(&self) -> i64 {
        self.cursor.load(std::sync::atomic::Ordering::Relaxed)
    }

    async fn run(self) {
        let mut wake = outbox::wakeups();
        let mut idle = true;
        loop {
            wake.borrow_and_update();
            // Nobody watching: no queries. Streams take their starting cursor from the
            // table, so a stale hub cursor only means a bounded catch-up read below.
            if self.tx.receiver_count() == 0 {
                idle = true;
                tokio::select! {
                    _ = wake.changed() => {}
                    _ = tokio::time::sleep(HUB_POLL) => {}
                }
                continue;
            }
            if idle {
                idle = false;
                if let Ok(latest) = outbox::latest(&self.db).await {
                    let floor = latest - FEED_MAX;
                    if self.cursor() < floor {
                        self.cursor
                            .store(floor, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            }
            let mut cursor = self.cursor();
            match outbox::after_within(&self.db, cursor, None, true, FEED_MAX, FEED_BYTES).await {
                Ok(batch) => {
                    for r in &batch.rows {
                        // No receivers is fine: nobody is watching.
                        let _ = self
                            .tx
                            .send(std::sync::Arc::new(live_event(r, &self.public_url)));
                        cursor = r.seq;
                    }
                    self.cursor
                        .store(cursor, std::sync::atomic::Ordering::Relaxed);
                    if batch.more {
                        continue;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "live updates: reading the outbox failed"),
            }
            tokio::select! {
                _ = wake.changed() => {}
                _ = tokio::time::sleep(HUB_POLL) => {}
            }
        }
    }
}

fn sse_event(e: &outbox::FeedEvent) -> axum::response::sse::Event {
    axum::response::sse::Event::default()
        .id(e.cursor.to_string())
        .event("change")
        .json_data(e)
        .unwrap_or_else(|_| {
            axum::response::sse::Event::default()
                .event("change")
                .data("{}")
        })
}

fn resync_event(cursor: i64) -> axum::response::sse::Event {
    axum::response::sse::Event::default()
        .id(cursor.to_string())
        .event("resync")
        .data("{}")
}

/// `GET /api/hackfests/{slug}/events`: server-sent events for one hackfest. Each
/// `change` event carries a feed event (`id` = its cursor); a reconnect with
/// `Last-Event-ID` (or `?after=`) first gets what it missed, or one `resync` event
/// when that is more than [`RESUME_MAX`], when retention removed some of it, or when
/// the client fell behind the live stream.
/// Public messages only, like the anonymous feed.
pub async fn live(
    State(state): State<AppState>,
    Extension(hub): Extension<Hub>,
    peer: Option<Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    axum::extract::Path(slug): axum::extract::Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    use axum::response::sse::{KeepAlive, Sse};
    use std::collections::VecDeque;
    use tokio::sync::broadcast::error::RecvError;

    // Served without connection info (a router under test): one shared address.
    let peer_ip = peer.map_or(std::net::IpAddr::from([0, 0, 0, 0]), |p| p.0.0.ip());
    // The address as the rate limits key it (every X-Forwarded-For line, IPv6 by /64).
    let ip = crate::limit::client_ip(peer_ip, &headers, &hub.slots.trusted);
    let Some(slot) = hub.slots.take(ip) else {
        tracing::warn!(%ip, "live updates: too many open streams from one address");
        let mut res = AppError::TooManyRequests(format!(
            "Too many live-update connections from your address (at most {}); \
             close another tab of this site and reload.",
            hub.slots.per_client
        ))
        .into_response();
        res.headers_mut().insert(
            header::RETRY_AFTER,
            axum::http::HeaderValue::from_static("30"),
        );
        return Ok(res);
    };

    const OPERATION: &str = "events/live";
    let hackfest = hackfest(&state, &slug, OPERATION).await?;
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| q.get("after").cloned());
    let resume = match resume.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => match s.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                return Err(invalid(
                    "Last-Event-ID",
                    "must be a cursor: a whole number, 0 or more",
                ));
            }
        },
    };
    // Subscribe first, then read the backlog: nothing falls between the two.
    let rx = hub.tx.subscribe();
    let mut queue = VecDeque::new();
    let mut last = outbox::latest(&state.db).await.context(OPERATION)?;
    // Retention removed messages this client has not seen: it must load everything.
    let pruned = match resume {
        Some(after) if after > 0 => outbox::oldest(&state.db)
            .await
            .context(OPERATION)?
            .is_some_and(|oldest| oldest > after + 1),
        _ => false,
    };
    if pruned {
        queue.push_back(resync_event(last));
    } else if let Some(after) = resume {
        // Sizes first: a backlog too long or too large is a resync, never loaded.
        let sizes = outbox::sizes_after(&state.db, after, Some(hackfest.id), true, RESUME_MAX + 1)
            .await
            .context(OPERATION)?;
        if sizes.len() as i64 > RESUME_MAX || outbox::fitting(&sizes, RESUME_BYTES) < sizes.len() {
            last = last.max(sizes.last().map_or(after, |s| s.0));
            queue.push_back(resync_event(last));
        } else {
            last = after;
            let upto = sizes.last().map_or(after, |s| s.0);
            let rows = outbox::through(&state.db, after, upto, Some(hackfest.id), true)
                .await
                .context(OPERATION)?;
            for r in rows {
                last = r.seq;
                queue.push_back(sse_event(&live_event(&r, &hub.public_url)));
            }
        }
    }
    struct St {
        rx: tokio::sync::broadcast::Receiver<std::sync::Arc<outbox::FeedEvent>>,
        queue: VecDeque<axum::response::sse::Event>,
        last: i64,
        hackfest_id: uuid::Uuid,
        hub: Hub,
        /// Held while the stream lives: closing it frees the address's place.
        _slot: Slot,
    }
    let st = St {
        rx,
        queue,
        last,
        hackfest_id: hackfest.id,
        hub,
        _slot: slot,
    };
    let stream = futures_util::stream::unfold(st, |mut st| async move {
        loop {
            if let Some(ev) = st.queue.pop_front() {
                return Some((Ok::<_, std::convert::Infallible>(ev), st));
            }
            match st.rx.recv().await {
                Ok(e) if e.hackfest_id == st.hackfest_id && e.cursor > st.last => {
                    st.last = e.cursor;
                    return Some((Ok(sse_event(&e)), st));
                }
                Ok(_) => {}
                Err(RecvError::Lagged(_)) => {
                    st.last = st.hub.cursor();
                    return Some((Ok(resync_event(st.last)), st));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}
