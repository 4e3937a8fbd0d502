//! Endpoints, deliveries and the dispatcher's reading of the outbox.

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::{Delivery, ENDPOINTS_MAX, Endpoint, NewEndpoint, wants};
use crate::db::{Db, Tx};
use crate::outbox::OutboxRow;
use crate::{DomainError, FieldErrors, on_db, on_tx};

#[derive(sqlx::FromRow)]
struct EndpointRow {
    id: Uuid,
    hackfest_id: Uuid,
    url: String,
    topics: String,
    description: String,
    enabled: bool,
    disabled_reason: Option<String>,
    created_by: String,
    created_at: DateTime<Utc>,
}

impl From<EndpointRow> for Endpoint {
    fn from(r: EndpointRow) -> Self {
        Endpoint {
            id: r.id,
            url: r.url,
            topics: serde_json::from_str(&r.topics).unwrap_or_default(),
            description: r.description,
            enabled: r.enabled,
            disabled_reason: r.disabled_reason,
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

const ENDPOINT_COLUMNS: &str = "id, hackfest_id, url, topics, description, enabled, \
     disabled_reason, created_by, created_at";

/// A new secret: `whsec_` and 32 random bytes, base64 (the HMAC key is the bytes).
pub fn new_secret() -> Result<String, DomainError> {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        DomainError::Database(sqlx::Error::Io(std::io::Error::other(format!(
            "no random bytes for a webhook secret: {e}"
        ))))
    })?;
    Ok(format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

/// Registers an endpoint (the caller checked that its URL may be reached): the
/// endpoint and its secret, to show once. At most [`ENDPOINTS_MAX`] per hackfest.
pub async fn create(
    db: &Db,
    hackfest_id: Uuid,
    new: &NewEndpoint,
    actor: &str,
) -> Result<(Endpoint, String), DomainError> {
    let secret = new_secret()?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut tx = db.begin().await?;
    let n: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM webhook_endpoints WHERE hackfest_id = $1")
        .bind(hackfest_id)
        .fetch_one(c)
        .await)?;
    if n >= ENDPOINTS_MAX {
        return Err(FieldErrors::single(
            "url",
            format!(
                "This hackfest has {n} endpoints, the most it may have; disable and reuse one."
            ),
        )
        .into());
    }
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO webhook_endpoints (id, hackfest_id, url, topics, description, secret, enabled, \
         created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)")
        .bind(id)
        .bind(hackfest_id)
        .bind(&new.url)
        .bind(serde_json::to_string(&new.topics).unwrap_or_default())
        .bind(&new.description)
        .bind(&secret)
        .bind(true)
        .bind(actor)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    start_at_the_end(&mut tx, id).await?;
    tx.commit().await?;
    let made = Endpoint {
        id,
        url: new.url.clone(),
        topics: new.topics.clone(),
        description: new.description.clone(),
        enabled: true,
        disabled_reason: None,
        created_by: actor.to_owned(),
        created_at: now,
    };
    Ok((made, secret))
}

/// The hackfest's endpoints, oldest first.
pub async fn list(db: &Db, hackfest_id: Uuid) -> Result<Vec<Endpoint>, DomainError> {
    let sql = format!(
        "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE hackfest_id = $1 ORDER BY created_at, id"
    );
    let rows: Vec<EndpointRow> =
        on_db!(db, p => sqlx::query_as(&sql).bind(hackfest_id).fetch_all(p).await)?;
    Ok(rows.into_iter().map(Endpoint::from).collect())
}

/// Turns an endpoint on or off (off cancels what it still had to receive; on sends
/// what arrives from now). `false` when the hackfest has no such endpoint.
pub async fn set_enabled(
    db: &Db,
    hackfest_id: Uuid,
    id: Uuid,
    enabled: bool,
    reason: Option<&str>,
) -> Result<bool, DomainError> {
    let mut tx = db.begin().await?;
    let n = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE webhook_endpoints SET enabled = $3, disabled_reason = $4, updated_at = $5 \
         WHERE id = $1 AND hackfest_id = $2")
        .bind(id)
        .bind(hackfest_id)
        .bind(enabled)
        .bind(if enabled { None } else { reason })
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    if n > 0 && enabled {
        start_at_the_end(&mut tx, id).await?;
    }
    if n > 0 && !enabled {
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE webhook_deliveries SET state = 'cancelled', next_attempt_at = NULL \
             WHERE endpoint_id = $1 AND state = 'pending'")
            .bind(id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    tx.commit().await?;
    Ok(n > 0)
}

/// While no endpoint is on, [`fan_out`] writes nothing (not even its cursor: every
/// commit wakes it, and on SQLite a write would take the writers' turn). So the first
/// endpoint turned on (`id`, registered or enabled, no other one on) moves the cursor
/// to the outbox's end in its own transaction: it gets what is committed from then on,
/// not what was left behind the cursor. Never moves it back.
async fn start_at_the_end(tx: &mut Tx, id: Uuid) -> Result<(), sqlx::Error> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE webhook_cursor SET seq = (SELECT MAX(seq) FROM outbox) \
         WHERE id = 1 AND (SELECT MAX(seq) FROM outbox) > seq \
         AND NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled = $1 AND id <> $2)")
        .bind(true)
        .bind(id)
        .execute(c)
        .await
        .map(drop))
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: Uuid,
    endpoint_id: Uuid,
    message_id: Uuid,
    topic: String,
    state: String,
    attempts: i64,
    next_attempt_at: Option<DateTime<Utc>>,
    last_status: Option<i64>,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
}

/// `webhook-id` of a message: stable across retries and replays.
pub fn webhook_id(message_id: Uuid) -> String {
    format!("msg_{}", message_id.simple())
}

impl From<DeliveryRow> for Delivery {
    fn from(r: DeliveryRow) -> Self {
        Delivery {
            id: r.id,
            endpoint_id: r.endpoint_id,
            webhook_id: webhook_id(r.message_id),
            topic: r.topic,
            state: r.state,
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            last_status: r.last_status,
            last_error: r.last_error,
            created_at: r.created_at,
            delivered_at: r.delivered_at,
        }
    }
}

/// The endpoint's latest deliveries, newest first (its delivery log).
pub async fn deliveries(
    db: &Db,
    hackfest_id: Uuid,
    endpoint_id: Uuid,
    limit: i64,
) -> Result<Vec<Delivery>, DomainError> {
    let rows: Vec<DeliveryRow> = on_db!(db, p => sqlx::query_as(
        "SELECT id, endpoint_id, message_id, topic, state, attempts, next_attempt_at, last_status, \
         last_error, created_at, delivered_at FROM webhook_deliveries \
         WHERE endpoint_id = $1 AND hackfest_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3")
        .bind(endpoint_id)
        .bind(hackfest_id)
        .bind(limit)
        .fetch_all(p)
        .await)?;
    Ok(rows.into_iter().map(Delivery::from).collect())
}

/// Sends a delivery again, as soon as it can, with the same `webhook-id` (its retries
/// start over). `false` when the hackfest has no such delivery or its endpoint is off.
pub async fn replay(db: &Db, hackfest_id: Uuid, id: Uuid) -> Result<bool, DomainError> {
    let mut tx = db.begin().await?;
    let n = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = $3, \
         last_error = NULL WHERE id = $1 AND hackfest_id = $2 AND EXISTS (SELECT 1 FROM \
         webhook_endpoints e WHERE e.id = webhook_deliveries.endpoint_id AND e.enabled = $4)")
        .bind(id)
        .bind(hackfest_id)
        .bind(Utc::now())
        .bind(true)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(n > 0)
}

/// What a step of [`fan_out`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FanOut {
    /// Outbox messages read.
    pub read: usize,
    /// Deliveries made.
    pub made: usize,
    /// Some endpoint, of any hackfest, is on.
    pub listening: bool,
}

/// The dispatcher's step: reads the outbox after its cursor (in commit order) and
/// makes a pending delivery for each public message and enabled endpoint of its
/// hackfest that wants the topic, moving the cursor, in one transaction. One read
/// first, outside any transaction: with nothing after the cursor, or no endpoint on
/// anywhere, it writes nothing (see [`start_at_the_end`]).
pub async fn fan_out(db: &Db, public_url: &str, limit: i64) -> Result<FanOut, DomainError> {
    let (cursor, latest, listening): (i64, Option<i64>, bool) = on_db!(db, p => sqlx::query_as(
        "SELECT (SELECT seq FROM webhook_cursor WHERE id = 1), (SELECT MAX(seq) FROM outbox), \
         EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled = $1)")
        .bind(true)
        .fetch_one(p)
        .await)?;
    if !listening || latest.is_none_or(|l| l <= cursor) {
        return Ok(FanOut {
            read: 0,
            made: 0,
            listening,
        });
    }
    let mut tx = db.begin().await?;
    let lock = match db {
        Db::Postgres(_) => " FOR UPDATE",
        Db::Sqlite(..) => "",
    };
    let cursor: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
        &format!("SELECT seq FROM webhook_cursor WHERE id = 1{lock}"))
        .fetch_one(c)
        .await)?;
    let rows: Vec<EndpointRow> = on_tx!(&mut tx, c => sqlx::query_as(&format!(
        "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE enabled = $1"))
        .bind(true)
        .fetch_all(c)
        .await)?;
    // (id, hackfest, topic patterns) of each enabled endpoint.
    let rows: Vec<(Uuid, Uuid, Vec<String>)> = rows
        .into_iter()
        .map(|e| {
            (
                e.id,
                e.hackfest_id,
                serde_json::from_str(&e.topics).unwrap_or_default(),
            )
        })
        .collect();
    let (read, next, made) = if rows.is_empty() {
        let latest: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT MAX(seq) FROM outbox")
            .fetch_one(c)
            .await)?;
        (0, latest.unwrap_or(0).max(cursor), 0)
    } else {
        let messages: Vec<OutboxRow> = on_tx!(&mut tx, c => sqlx::query_as(&format!(
            "SELECT {} FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2",
            crate::outbox::COLUMNS))
            .bind(cursor)
            .bind(limit)
            .fetch_all(c)
            .await)?;
        let now = Utc::now();
        let mut made = 0;
        for m in &messages {
            if !m.public {
                continue;
            }
            for (endpoint, _, _) in rows
                .iter()
                .filter(|(_, h, topics)| *h == m.hackfest_id && wants(topics, &m.topic))
            {
                let body = json!({
                    "type": m.topic,
                    "timestamp": m.created_at,
                    "data": m.body_with_url(public_url),
                });
                let n = on_tx!(&mut tx, c => sqlx::query(
                    "INSERT INTO webhook_deliveries (id, endpoint_id, hackfest_id, message_id, topic, body, \
                     state, attempts, next_attempt_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7) \
                     ON CONFLICT (endpoint_id, message_id) DO NOTHING")
                    .bind(Uuid::now_v7())
                    .bind(endpoint)
                    .bind(m.hackfest_id)
                    .bind(m.message_id)
                    .bind(&m.topic)
                    .bind(body.to_string())
                    .bind(now)
                    .execute(c)
                    .await
                    .map(|r| r.rows_affected()))?;
                made += n as usize;
            }
        }
        (
            messages.len(),
            messages.last().map_or(cursor, |m| m.seq),
            made,
        )
    };
    if next != cursor {
        on_tx!(&mut tx, c => sqlx::query("UPDATE webhook_cursor SET seq = $1 WHERE id = 1")
            .bind(next)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    tx.commit().await?;
    Ok(FanOut {
        read,
        made,
        listening,
    })
}

/// A delivery to attempt now.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Due {
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub message_id: Uuid,
    pub body: String,
    pub attempts: i64,
    pub url: String,
    pub secret: String,
}

/// Pending deliveries whose time has come, oldest first, of enabled endpoints.
pub async fn due(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<Due>, DomainError> {
    Ok(on_db!(db, p => sqlx::query_as(
        "SELECT d.id, d.endpoint_id, d.message_id, d.body, d.attempts, e.url, e.secret \
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
         WHERE d.state = 'pending' AND d.next_attempt_at <= $1 AND e.enabled = $2 \
         ORDER BY d.next_attempt_at, d.id LIMIT $3")
        .bind(now)
        .bind(true)
        .bind(limit)
        .fetch_all(p)
        .await)?)
}

/// How one attempt went.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// A 2xx answer.
    Delivered { status: u16 },
    /// Not delivered; try again at `at`.
    Retry {
        status: Option<u16>,
        error: String,
        at: DateTime<Utc>,
    },
    /// Not delivered, and that was the last try.
    GaveUp { status: Option<u16>, error: String },
    /// 410 Gone: the endpoint is disabled.
    Gone,
}

/// What an attempt writes: state, status, error, next attempt, delivery time.
type Row<'a> = (
    &'a str,
    Option<i64>,
    Option<&'a str>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
);

/// Records an attempt's outcome.
pub async fn record(db: &Db, d: &Due, outcome: &Outcome) -> Result<(), DomainError> {
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let (state, status, error, next, delivered): Row<'_> = match outcome {
        Outcome::Delivered { status } => {
            ("delivered", Some(i64::from(*status)), None, None, Some(now))
        }
        Outcome::Retry { status, error, at } => (
            "pending",
            status.map(i64::from),
            Some(error.as_str()),
            Some(*at),
            None,
        ),
        Outcome::GaveUp { status, error } => (
            "failed",
            status.map(i64::from),
            Some(error.as_str()),
            None,
            None,
        ),
        Outcome::Gone => (
            "cancelled",
            Some(410),
            Some("410 Gone: the endpoint was disabled"),
            None,
            None,
        ),
    };
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE webhook_deliveries SET state = $2, attempts = attempts + 1, last_status = $3, \
         last_error = $4, next_attempt_at = $5, delivered_at = $6, \
         first_sent_at = COALESCE(first_sent_at, $7) WHERE id = $1")
        .bind(d.id)
        .bind(state)
        .bind(status)
        .bind(error)
        .bind(next)
        .bind(delivered)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    if *outcome == Outcome::Gone {
        let h: Option<Uuid> = on_db!(db, p => sqlx::query_scalar(
            "SELECT hackfest_id FROM webhook_endpoints WHERE id = $1")
            .bind(d.endpoint_id)
            .fetch_optional(p)
            .await)?;
        if let Some(h) = h {
            set_enabled(
                db,
                h,
                d.endpoint_id,
                false,
                Some("The endpoint answered 410 Gone."),
            )
            .await?;
        }
    }
    Ok(())
}

/// An endpoint's secret (for tests that verify signatures).
pub async fn secret(db: &Db, id: Uuid) -> Result<Option<String>, DomainError> {
    Ok(
        on_db!(db, p => sqlx::query_scalar("SELECT secret FROM webhook_endpoints WHERE id = $1")
        .bind(id)
        .fetch_optional(p)
        .await)?,
    )
}

/// Retention: forgets deliveries that are done (delivered, failed or cancelled) and
/// older than `before`. Returns how many went.
pub async fn prune(db: &Db, before: DateTime<Utc>) -> Result<u64, DomainError> {
    let mut tx = db.begin().await?;
    let n = on_tx!(&mut tx, c => sqlx::query(
        "DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_at < $1")
        .bind(before)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(n)
}
