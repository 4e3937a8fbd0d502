//! The publisher: drains the outbox to an AMQP 0-9-1 broker in the fedora-messaging
//! wire format (shared/docs/MESSAGES.md), in commit order, with publisher confirms.
//!
//! - A row is marked sent only after the broker confirmed it. A nack, a lost
//!   connection or a timeout leaves it (and everything after it) pending; it is
//!   published again with the same `message_id` after a backoff (0.5 s doubling to
//!   30 s). Consumers dedupe on `message_id` (at-least-once).
//! - Only the acknowledged *prefix* of a batch is marked sent, so a retried message is
//!   never overtaken by a later one: order per object (indeed overall) is kept.
//! - An unroutable message (no queue bound) is acked by the broker on a topic
//!   exchange without `mandatory`: it counts as sent, as with fedora-messaging.
//! - With several instances on one PostgreSQL database, one publishes at a time: it
//!   holds a session advisory lock (`domain::outbox::try_lead`). Not
//!   `FOR UPDATE SKIP LOCKED`: that lets instances publish different rows in
//!   parallel, and then a later change can reach the broker before an earlier one.
//!   One publisher keeps the commit order; pipelined confirms keep it fast enough.
//!   The others stand by and take over when the holder's connection goes.
//! - A bad URL, refused credentials or a broker that is down never stop the app: one
//!   clear log line (again only when the reason changes), the backlog grows and
//!   drains once the broker answers.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use domain::db::{Db, redact_url};
use domain::outbox::{self, Lease, OutboxRow};
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Confirmation, Connection, ConnectionProperties};

/// Settings checked by `Config::bus`.
#[derive(Clone, Debug)]
pub struct BusSettings {
    pub amqp_url: Option<String>,
    pub exchange: String,
    pub topic_prefix: String,
    pub public_url: String,
    pub retention: Duration,
}

impl BusSettings {
    /// `<prefix>.<topic>`, or the bare topic without a prefix.
    pub fn routing_key(&self, topic: &str) -> String {
        if self.topic_prefix.is_empty() {
            topic.to_owned()
        } else {
            format!("{}.{topic}", self.topic_prefix)
        }
    }
}

/// Messages published per round; confirms are awaited together.
const BATCH: i64 = 200;
/// How often an idle publisher (or a standby instance) looks at the table anyway.
const POLL: Duration = Duration::from_millis(500);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const CONFIRM_TIMEOUT: Duration = Duration::from_secs(30);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// What `/readyz` and `/metrics` say about the broker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum BrokerState {
    /// No `HACKFEST_AMQP_URL`: messages stay in the event feed.
    NotConfigured = 0,
    Disconnected = 1,
    Connected = 2,
    /// Another instance holds the publisher lease.
    Standby = 3,
}

impl BrokerState {
    pub fn as_str(self) -> &'static str {
        match self {
            BrokerState::NotConfigured => "not_configured",
            BrokerState::Disconnected => "disconnected",
            BrokerState::Connected => "connected",
            BrokerState::Standby => "standby",
        }
    }

    fn from_u8(v: u8) -> Self {
        match v {
            1 => BrokerState::Disconnected,
            2 => BrokerState::Connected,
            3 => BrokerState::Standby,
            _ => BrokerState::NotConfigured,
        }
    }
}

struct Inner {
    settings: BusSettings,
    db: Db,
    state: AtomicU8,
    published: AtomicU64,
    failures: AtomicU64,
    stopped: AtomicBool,
    last_error: Mutex<Option<String>>,
}

/// Handle on the publisher, shared with the HTTP routes.
#[derive(Clone)]
pub struct Bus(Arc<Inner>);

impl Bus {
    /// Starts the publisher (when a broker is configured) and the retention task.
    pub fn start(db: Db, settings: BusSettings) -> Bus {
        let state = if settings.amqp_url.is_some() {
            BrokerState::Disconnected
        } else {
            BrokerState::NotConfigured
        };
        let bus = Bus(Arc::new(Inner {
            settings,
            db,
            state: AtomicU8::new(state as u8),
            published: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            stopped: AtomicBool::new(false),
            last_error: Mutex::new(None),
        }));
        if let Some(url) = bus.0.settings.amqp_url.clone() {
            tokio::spawn(bus.clone().publish_forever(url));
        } else {
            tracing::info!(
                "no HACKFEST_AMQP_URL: messages are kept and served at /api/events only"
            );
        }
        tokio::spawn(bus.clone().prune_forever());
        bus
    }

    pub fn settings(&self) -> &BusSettings {
        &self.0.settings
    }

    pub fn state(&self) -> BrokerState {
        BrokerState::from_u8(self.0.state.load(Ordering::Relaxed))
    }

    /// Messages this process has had confirmed by the broker.
    pub fn published_total(&self) -> u64 {
        self.0.published.load(Ordering::Relaxed)
    }

    /// Failed publish rounds (nack, timeout, lost connection, refused connect).
    pub fn failures_total(&self) -> u64 {
        self.0.failures.load(Ordering::Relaxed)
    }

    pub fn last_error(&self) -> Option<String> {
        self.0.last_error.lock().ok().and_then(|e| e.clone())
    }

    /// Stops publishing after the current round (tests: simulate a crashed instance).
    pub fn stop(&self) {
        self.0.stopped.store(true, Ordering::Relaxed);
    }

    fn set_state(&self, s: BrokerState) {
        self.0.state.store(s as u8, Ordering::Relaxed);
    }

    /// Logs a failure once per distinct reason (at error level), then quietly.
    fn fail(&self, what: &str, e: &str) {
        self.0.failures.fetch_add(1, Ordering::Relaxed);
        let line = format!("{what}: {e}");
        let mut last = self.0.last_error.lock().unwrap_or_else(|p| p.into_inner());
        if last.as_deref() != Some(line.as_str()) {
            tracing::error!(
                "HACKFEST_AMQP_URL: {line}; messages wait in the outbox and are sent once the broker answers (retrying with backoff up to {}s)",
                MAX_BACKOFF.as_secs()
            );
            *last = Some(line);
        } else {
            tracing::debug!("{line}");
        }
    }

    async fn publish_forever(self, url: String) {
        let db = self.0.db.clone();
        let shown = redact_url(&url);
        let mut wake = outbox::wakeups();
        let mut lease: Option<Lease> = None;
        let mut lease_checked = Instant::now();
        let mut link: Option<(Connection, Channel)> = None;
        let mut backoff = Duration::from_millis(500);
        let mut standby_logged = false;
        while !self.0.stopped.load(Ordering::Relaxed) {
            // 1. The right to publish.
            if lease.is_none() {
                match outbox::try_lead(&db).await {
                    Ok(Some(l)) => {
                        if standby_logged {
                            tracing::info!("this instance now publishes the outbox");
                        }
                        lease = Some(l);
                        lease_checked = Instant::now();
                    }
                    Ok(None) => {
                        if !standby_logged {
                            tracing::info!(
                                "another instance publishes the outbox; this one stands by"
                            );
                            standby_logged = true;
                        }
                        self.set_state(BrokerState::Standby);
                        tokio::time::sleep(POLL * 4).await;
                        continue;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "outbox: database unreachable");
                        tokio::time::sleep(backoff).await;
                        continue;
                    }
                }
            } else if lease_checked.elapsed() > Duration::from_secs(5) {
                lease_checked = Instant::now();
                if let Some(l) = lease.as_mut()
                    && !l.alive().await
                {
                    tracing::warn!("outbox: lost the publisher lease (database connection)");
                    lease = None;
                    continue;
                }
            }
            // 2. A connection with confirms on.
            let usable = link
                .as_ref()
                .is_some_and(|(c, ch)| c.status().connected() && ch.status().connected());
            if !usable {
                self.set_state(BrokerState::Disconnected);
                if let Some((c, _)) = link.take() {
                    let _ = tokio::time::timeout(
                        Duration::from_secs(1),
                        c.close(200, "reconnecting".into()),
                    )
                    .await;
                }
                match connect(&url, &self.0.settings.exchange).await {
                    Ok(l) => {
                        tracing::info!(broker = %shown, exchange = %self.0.settings.exchange, "connected to the message broker");
                        link = Some(l);
                        backoff = Duration::from_millis(500);
                        *self.0.last_error.lock().unwrap_or_else(|p| p.into_inner()) = None;
                        self.set_state(BrokerState::Connected);
                    }
                    Err(e) => {
                        self.fail(&format!("cannot connect to {shown}"), &e);
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                        continue;
                    }
                }
            }
            // 3. Drain.
            wake.borrow_and_update();
            let rows = match outbox::pending(&db, BATCH).await {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox: reading pending messages failed");
                    tokio::time::sleep(backoff).await;
                    continue;
                }
            };
            if rows.is_empty() {
                tokio::select! {
                    _ = wake.changed() => {}
                    _ = tokio::time::sleep(POLL) => {}
                }
                continue;
            }
            let Some((_, channel)) = link.as_ref() else {
                continue;
            };
            match self.publish_batch(channel, &rows).await {
                Ok(()) => backoff = Duration::from_millis(500),
                Err(e) => {
                    self.fail(&format!("publishing to {shown} failed"), &e);
                    link = None;
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
        if let Some((c, _)) = link {
            let _ = c.close(200, "stopping".into()).await;
        }
    }

    /// Publishes `rows` pipelined, then marks the confirmed prefix sent.
    async fn publish_batch(&self, channel: &Channel, rows: &[OutboxRow]) -> Result<(), String> {
        let s = &self.0.settings;
        let mut confirms = Vec::with_capacity(rows.len());
        let mut error = None;
        for row in rows {
            let body = match serde_json::to_vec(&row.body_with_url(&s.public_url)) {
                Ok(b) => b,
                Err(e) => {
                    error = Some(format!("encoding message {}: {e}", row.message_id));
                    break;
                }
            };
            match channel
                .basic_publish(
                    s.exchange.as_str().into(),
                    s.routing_key(&row.topic).into(),
                    BasicPublishOptions::default(),
                    &body,
                    properties(row),
                )
                .await
            {
                Ok(c) => confirms.push((row.seq, c)),
                Err(e) => {
                    error = Some(e.to_string());
                    break;
                }
            }
        }
        let mut acked = Vec::with_capacity(confirms.len());
        for (seq, confirm) in confirms {
            let outcome = match tokio::time::timeout(CONFIRM_TIMEOUT, confirm).await {
                Ok(Ok(Confirmation::Ack(_))) => Ok(()),
                Ok(Ok(Confirmation::Nack(_))) => Err("the broker refused (nack)".to_string()),
                Ok(Ok(Confirmation::NotRequested)) => Err("no publisher confirm".into()),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err("no confirm within 30 s".into()),
            };
            match outcome {
                // Only an unbroken run of confirms counts; after a gap, the rest is
                // resent so nothing overtakes the message that failed.
                Ok(()) if error.is_none() => acked.push(seq),
                Ok(()) => {}
                Err(e) => {
                    if error.is_none() {
                        let _ = outbox::mark_failed(&self.0.db, seq, &e).await;
                        error = Some(e);
                    }
                }
            }
        }
        if !acked.is_empty() {
            outbox::mark_sent(&self.0.db, &acked, Utc::now())
                .await
                .map_err(|e| format!("marking messages sent: {e}"))?;
            self.0
                .published
                .fetch_add(acked.len() as u64, Ordering::Relaxed);
        }
        match error {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }

    /// Retention: hourly, drops messages older than the setting that need no
    /// further delivery (sent, or any when no broker is configured).
    async fn prune_forever(self) {
        // Not at the very start: start-up has enough to do.
        tokio::time::sleep(Duration::from_secs(60)).await;
        loop {
            let _ = self.prune_now().await;
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    }

    pub async fn prune_now(&self) -> Result<u64, sqlx::Error> {
        let keep = chrono::TimeDelta::from_std(self.0.settings.retention)
            .unwrap_or(chrono::TimeDelta::days(14));
        let n = outbox::prune(
            &self.0.db,
            Utc::now() - keep,
            self.0.settings.amqp_url.is_none(),
        )
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "outbox: retention failed"))?;
        if n > 0 {
            tracing::info!(removed = n, "outbox: old messages removed (retention)");
        }
        Ok(n)
    }
}

async fn connect(url: &str, exchange: &str) -> Result<(Connection, Channel), String> {
    let props = ConnectionProperties::default().with_connection_name("hackfest".into());
    let conn = tokio::time::timeout(CONNECT_TIMEOUT, Connection::connect(url, props))
        .await
        .map_err(|_| format!("no answer within {}s", CONNECT_TIMEOUT.as_secs()))?
        .map_err(|e| e.to_string())?;
    let channel = conn.create_channel().await.map_err(|e| e.to_string())?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    // amq.* exchanges exist on every broker; our own is declared durable, as a topic
    // exchange (the same declaration fedora-messaging makes).
    if !exchange.starts_with("amq.") {
        channel
            .exchange_declare(
                exchange.into(),
                lapin::ExchangeKind::Topic,
                ExchangeDeclareOptions {
                    durable: true,
                    ..Default::default()
                },
                FieldTable::default(),
            )
            .await
            .map_err(|e| format!("declaring exchange {exchange}: {e}"))?;
    }
    Ok((conn, channel))
}

/// fedora-messaging's properties and headers (MESSAGES.md).
fn properties(row: &OutboxRow) -> BasicProperties {
    let mut headers = FieldTable::default();
    headers.insert(
        "fedora_messaging_schema".into(),
        AMQPValue::LongString(row.schema_name.as_str().into()),
    );
    headers.insert(
        "fedora_messaging_severity".into(),
        AMQPValue::LongInt(row.severity),
    );
    headers.insert(
        "sent-at".into(),
        AMQPValue::LongString(sent_at(Utc::now()).into()),
    );
    for u in row.users.0.iter().filter(|u| outbox::is_username(u)) {
        headers.insert(
            format!("fedora_messaging_user_{u}").into(),
            AMQPValue::Boolean(true),
        );
    }
    BasicProperties::default()
        .with_content_type("application/json".into())
        .with_content_encoding("utf-8".into())
        .with_delivery_mode(2)
        .with_message_id(row.message_id.to_string().into())
        .with_headers(headers)
}

/// ISO 8601 with the UTC offset and no fraction: `2026-11-25T19:12:22+00:00`.
pub fn sent_at(t: chrono::DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_at_has_offset_and_no_fraction() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-11-25T19:12:22.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(sent_at(t), "2026-11-25T19:12:22+00:00");
    }
}
