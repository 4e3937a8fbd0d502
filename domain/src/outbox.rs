//! Bus messages (MESSAGES.md): every change writes its message into the `outbox` table
//! in the same transaction, so a rolled-back change sends nothing and a committed one
//! is never lost. The server's publisher drains the table to AMQP; the event feed
//! (`GET /api/events`) and live updates read it by `seq`, the commit order.
//!
//! Always compiled: the feed's wire type. With `server`: enqueue, dequeue, retention.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "server")]
pub use store::*;

/// Version suffix of a topic's first schema (`hackfest.goal.new.v1`).
pub const SCHEMA_VERSION: &str = "v1";
/// Topics whose body changed incompatibly since v1, with the version emitted today.
/// Every earlier version's schema stays in `schemas/` (a published schema never
/// changes; older messages may still be in the feed).
pub const NEWER_SCHEMAS: &[(&str, u32)] = &[("hackfest.wiki.new", 2), ("hackfest.wiki.edit", 2)];

/// The schema version `topic` is emitted with today: 1 unless [`NEWER_SCHEMAS`] says more.
pub fn schema_version(topic: &str) -> u32 {
    NEWER_SCHEMAS
        .iter()
        .find(|(t, _)| *t == topic)
        .map_or(1, |(_, v)| *v)
}

/// The `fedora_messaging_schema` of a message of `topic`: `hackfest.wiki.edit.v2`.
pub fn schema_name(topic: &str) -> String {
    format!("{topic}.v{}", schema_version(topic))
}
/// `fedora_messaging_severity`: 20 = info.
pub const INFO: i32 = 20;

/// Every topic (without prefix) the app emits; each has `schemas/<topic>.v1.json`
/// (and `.v2.json` … up to its [`schema_version`]).
pub const TOPICS: &[&str] = &[
    "hackfest.goal.new",
    "hackfest.goal.update",
    "hackfest.goal.note",
    "hackfest.session.new",
    "hackfest.session.update",
    "hackfest.session.cancel",
    "hackfest.session.schedule",
    "hackfest.decision.new",
    "hackfest.decision.update",
    "hackfest.decision.agreed",
    "hackfest.decision.rejected",
    "hackfest.decision.superseded",
    "hackfest.action_item.new",
    "hackfest.action_item.update",
    "hackfest.room.new",
    "hackfest.room.update",
    "hackfest.wiki.new",
    "hackfest.wiki.edit",
    "hackfest.question.new",
    "hackfest.question.answer",
    "hackfest.question.reopen",
    "hackfest.question.link",
    "hackfest.hackfest.new",
    "hackfest.member.join",
    "hackfest.member.organizer",
    "hackfest.summary.publish",
    "hackfest.travel.new",
    "hackfest.travel.update",
    "hackfest.travel.state",
    "hackfest.budget.new",
    "hackfest.budget.update",
];

/// One message as the event feed and live updates serve it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedEvent {
    /// Position in commit order: pass it back as `after` (or `Last-Event-ID`).
    pub cursor: i64,
    pub message_id: Uuid,
    /// Without the deployment's prefix: `hackfest.goal.update`.
    pub topic: String,
    pub hackfest_id: Uuid,
    pub object_id: Uuid,
    /// The message body, exactly as published on the bus.
    pub body: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// What `GET /api/events` answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedPage {
    pub events: Vec<FeedEvent>,
    /// The cursor to ask with next (the last event's, or the one asked with).
    pub next: i64,
}

/// Keeps what may follow `fedora_messaging_user_`: a plain account name.
pub fn is_username(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b))
        && s.as_bytes()[0].is_ascii_alphanumeric()
}

#[cfg(feature = "server")]
mod store {
    use chrono::{DateTime, Utc};
    use serde::Serialize;
    use serde_json::{Map, Value, json};
    use sqlx::types::Json;
    use uuid::Uuid;

    use super::{FeedEvent, INFO, is_username};
    use crate::db::{Db, Tx};
    use crate::history::FieldChange;
    use crate::{on_db, on_tx};

    static WAKE: std::sync::LazyLock<tokio::sync::watch::Sender<u64>> =
        std::sync::LazyLock::new(|| tokio::sync::watch::channel(0).0);

    /// Called after every commit: readers of this process look at the outbox now.
    /// (Other instances find new rows by polling.)
    pub fn wake() {
        WAKE.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Changes whenever this process commits a transaction.
    pub fn wakeups() -> tokio::sync::watch::Receiver<u64> {
        WAKE.subscribe()
    }

    /// Key of the PostgreSQL advisory locks used here (an arbitrary constant: "hackfest").
    const INSERT_LOCK: i64 = 0x6861_636b_6665_7374;
    const PUBLISHER_LOCK: i64 = INSERT_LOCK + 1;

    /// A message about to be written; built by each service after its change.
    pub struct Message<'a> {
        hackfest_id: Uuid,
        object: &'static str,
        object_id: Uuid,
        event: &'static str,
        agent: &'a str,
        value: Value,
        extra: Vec<(&'static str, Value)>,
        changes: Vec<FieldChange>,
        users: Vec<String>,
        page: String,
        at: DateTime<Utc>,
        /// Readable by everyone (the event feed, live updates); see [`Message::private`].
        public: bool,
    }

    /// Derived HTML (`*_html`) and browser-only fields do not travel on the bus.
    fn plain(value: &impl Serialize) -> Value {
        let mut v = serde_json::to_value(value).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            // Derived for pages (rendered Markdown, wall-clock times, warnings): not the object.
            m.retain(|k, _| !k.ends_with("_html") && !k.ends_with("_local") && k != "warnings");
        }
        v
    }

    impl<'a> Message<'a> {
        /// `object` is the topic's object word and the body key (`goal`, `action_item`);
        /// `event` its last word (`new`, `update`, `agreed` …).
        pub fn new(
            hackfest_id: Uuid,
            object: &'static str,
            object_id: Uuid,
            event: &'static str,
            agent: &'a str,
            value: &impl Serialize,
            at: DateTime<Utc>,
        ) -> Self {
            Message {
                hackfest_id,
                object,
                object_id,
                event,
                agent,
                value: plain(value),
                extra: vec![],
                changes: vec![],
                users: vec![],
                page: String::new(),
                at,
                public: true,
            }
        }

        /// The fields that changed, with old and new values (from the history record).
        pub fn changes(mut self, changes: Vec<FieldChange>) -> Self {
            if self.public {
                self.changes = changes;
            }
            self
        }

        /// A message about something private (a travel request): marked non-public,
        /// so the event feed and live updates show it to admins only, and it carries
        /// no field changes (they would hold amounts and travel details); `value` is
        /// all its body says of the object.
        pub fn private(mut self) -> Self {
            self.public = false;
            self.changes.clear();
            self
        }

        /// People concerned besides the agent (owner, assignee); non-usernames are skipped.
        pub fn users<'u>(mut self, users: impl IntoIterator<Item = &'u str>) -> Self {
            self.users.extend(users.into_iter().map(str::to_owned));
            self
        }

        /// The object's page below `/h/<slug>`, e.g. `/decisions/<id>`.
        pub fn page(mut self, suffix: impl Into<String>) -> Self {
            self.page = suffix.into();
            self
        }

        /// Another body member, e.g. the note of a `goal.note`.
        pub fn with(mut self, key: &'static str, value: &impl Serialize) -> Self {
            self.extra.push((key, plain(value)));
            self
        }

        pub fn topic(&self) -> String {
            format!("hackfest.{}.{}", self.object, self.event)
        }
    }

    /// Writes `m` into the outbox inside the change's transaction and returns its
    /// `message_id` (a UUID4, kept on every resend). One statement: the hackfest's
    /// slug and title (the message's `hackfest` and its path) are read by the insert
    /// itself, so a writer's turn holds no separate read.
    pub async fn enqueue(tx: &mut Tx, m: Message<'_>) -> Result<Uuid, sqlx::Error> {
        let topic = m.topic();
        let mut body = Map::new();
        body.insert("agent".into(), json!(m.agent));
        body.insert(m.object.into(), m.value);
        for (k, v) in m.extra {
            body.insert(k.into(), v);
        }
        body.insert("changes".into(), json!(m.changes));
        let mut users: Vec<String> = Vec::new();
        for u in std::iter::once(m.agent.to_owned()).chain(m.users) {
            let u = u.trim().to_owned();
            if is_username(&u) && !users.contains(&u) {
                users.push(u);
            }
        }
        let message_id = Uuid::new_v4();
        // `body.hackfest` = {id, slug, title}, added by the database from the row
        // (unless the message is about the hackfest itself: its body has it whole).
        let hackfest_json = match tx {
            Tx::Sqlite(..) => {
                "json_insert($10, '$.hackfest', json_object('id', $12, 'slug', h.slug, 'title', h.title))"
            }
            Tx::Postgres(..) => {
                "jsonb_build_object('hackfest', jsonb_build_object('id', $12, 'slug', h.slug, 'title', h.title)) || $10"
            }
        };
        if let Tx::Postgres(t) = tx {
            // Commit order = seq order: writers take turns from here to their commit
            // (the insert is the last statement before it). Without this, a reader of
            // `seq > cursor` could skip a row whose transaction commits late. SQLite
            // writers are already serialised by BEGIN IMMEDIATE.
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(INSERT_LOCK)
                .execute(&mut **t)
                .await?;
        }
        let sql = format!(
            "INSERT INTO outbox (message_id, topic, schema_name, severity, hackfest_id, object_id, \
             public, users, path, body, created_at) \
             SELECT $1, $2, $3, $4, h.id, $6, $7, $8, '/h/' || h.slug || $9, {hackfest_json}, $11 \
             FROM hackfests h WHERE h.id = $5"
        );
        let inserted = on_tx!(tx, c => sqlx::query(&sql)
        .bind(message_id)
        .bind(&topic)
        .bind(super::schema_name(&topic))
        .bind(INFO)
        .bind(m.hackfest_id)
        .bind(m.object_id)
        .bind(m.public)
        .bind(Json(&users))
        .bind(m.page)
        .bind(Json(Value::Object(body)))
        .bind(m.at)
        .bind(m.hackfest_id.to_string())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        if inserted != 1 {
            // As the read it replaces: a message of a hackfest that does not exist.
            return Err(sqlx::Error::RowNotFound);
        }
        Ok(message_id)
    }

    /// One stored message.
    #[derive(Clone, Debug, sqlx::FromRow)]
    pub struct OutboxRow {
        pub seq: i64,
        pub message_id: Uuid,
        pub topic: String,
        pub schema_name: String,
        pub severity: i32,
        pub hackfest_id: Uuid,
        pub object_id: Uuid,
        /// Readable by anyone (every object today); see [`after`].
        pub public: bool,
        pub users: Json<Vec<String>>,
        /// The object's page, below the public URL.
        pub path: String,
        /// The body without `url` (the public URL is the deployment's, added on the way out).
        pub body: Json<Value>,
        pub created_at: DateTime<Utc>,
        pub sent_at: Option<DateTime<Utc>>,
        pub attempts: i32,
    }

    impl OutboxRow {
        /// The body as published: with `url` = public URL + the object's path.
        pub fn body_with_url(&self, public_url: &str) -> Value {
            let mut body = self.body.0.clone();
            if let Value::Object(m) = &mut body {
                m.insert(
                    "url".into(),
                    json!(format!("{}{}", public_url.trim_end_matches('/'), self.path)),
                );
            }
            body
        }

        pub fn to_feed(&self, public_url: &str) -> FeedEvent {
            FeedEvent {
                cursor: self.seq,
                message_id: self.message_id,
                topic: self.topic.clone(),
                hackfest_id: self.hackfest_id,
                object_id: self.object_id,
                body: self.body_with_url(public_url),
                created_at: self.created_at,
            }
        }
    }

    pub const COLUMNS: &str = "seq, message_id, topic, schema_name, severity, hackfest_id, object_id, \
                           public, users, path, body, created_at, sent_at, attempts";

    /// Unsent messages, oldest (first committed) first.
    pub async fn pending(db: &Db, limit: i64) -> Result<Vec<OutboxRow>, sqlx::Error> {
        let sql =
            format!("SELECT {COLUMNS} FROM outbox WHERE sent_at IS NULL ORDER BY seq LIMIT $1");
        on_db!(db, p => sqlx::query_as(&sql).bind(limit).fetch_all(p).await)
    }

    /// After the broker confirmed them.
    pub async fn mark_sent(db: &Db, seqs: &[i64], at: DateTime<Utc>) -> Result<(), sqlx::Error> {
        for seq in seqs {
            on_db!(db, p => sqlx::query(
                "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL \
                 WHERE seq = $2 AND sent_at IS NULL",
            )
            .bind(at)
            .bind(*seq)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// A publish that failed (nack, lost connection): counted, the reason kept.
    pub async fn mark_failed(db: &Db, seq: i64, error: &str) -> Result<(), sqlx::Error> {
        on_db!(db, p => sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1 WHERE seq = $2",
        )
        .bind(error.chars().take(500).collect::<String>())
        .bind(seq)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Messages not yet confirmed by the broker.
    pub async fn backlog(db: &Db) -> Result<i64, sqlx::Error> {
        on_db!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .fetch_one(p)
            .await)
    }

    /// The newest cursor (0 when empty).
    pub async fn latest(db: &Db) -> Result<i64, sqlx::Error> {
        let v: Option<i64> = on_db!(db, p => sqlx::query_scalar("SELECT MAX(seq) FROM outbox")
            .fetch_one(p)
            .await)?;
        Ok(v.unwrap_or(0))
    }

    /// The oldest cursor still kept (None when empty): a reader whose cursor is older
    /// than this may have missed messages that retention removed.
    pub async fn oldest(db: &Db) -> Result<Option<i64>, sqlx::Error> {
        on_db!(db, p => sqlx::query_scalar("SELECT MIN(seq) FROM outbox")
            .fetch_one(p)
            .await)
    }

    /// Messages after `cursor` in commit order, optionally of one hackfest. The read
    /// rule: with `public_only`, only rows marked public (every object type today is
    /// public to read; a future private type writes `public = false`).
    pub async fn after(
        db: &Db,
        cursor: i64,
        hackfest_id: Option<Uuid>,
        public_only: bool,
        limit: i64,
    ) -> Result<Vec<OutboxRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox WHERE seq > $1{} ORDER BY seq LIMIT $2",
            filters(hackfest_id, public_only)
        );
        on_db!(db, p => {
            let mut q = sqlx::query_as(&sql).bind(cursor).bind(limit);
            if let Some(h) = hackfest_id {
                q = q.bind(h);
            }
            q.fetch_all(p).await
        })
    }

    /// What one bounded read found: the rows, and whether more may follow at once.
    #[derive(Clone, Debug, Default)]
    pub struct Batch {
        pub rows: Vec<OutboxRow>,
        /// The read stopped at its row or byte bound: ask again after the last row.
        pub more: bool,
    }

    /// The size of a stored body in bytes, computed by the database (nothing is fetched).
    fn body_bytes_sql(db: &Db) -> &'static str {
        match db {
            Db::Sqlite(..) => "LENGTH(CAST(body AS BLOB))",
            Db::Postgres(_) => "OCTET_LENGTH(body::text)",
        }
    }

    fn filters(hackfest_id: Option<Uuid>, public_only: bool) -> String {
        let mut sql = String::new();
        if hackfest_id.is_some() {
            sql.push_str(" AND hackfest_id = $3");
        }
        if public_only {
            sql.push_str(" AND public = TRUE");
        }
        sql
    }

    /// (cursor, body size in bytes) of up to `limit` messages after `cursor`, as
    /// [`after`] would pick them: a cheap look before fetching any body.
    pub async fn sizes_after(
        db: &Db,
        cursor: i64,
        hackfest_id: Option<Uuid>,
        public_only: bool,
        limit: i64,
    ) -> Result<Vec<(i64, i64)>, sqlx::Error> {
        let sql = format!(
            "SELECT seq, CAST({} AS BIGINT) FROM outbox WHERE seq > $1{} ORDER BY seq LIMIT $2",
            body_bytes_sql(db),
            filters(hackfest_id, public_only)
        );
        on_db!(db, p => {
            let mut q = sqlx::query_as(&sql).bind(cursor).bind(limit);
            if let Some(h) = hackfest_id {
                q = q.bind(h);
            }
            q.fetch_all(p).await
        })
    }

    /// How many of `sizes` fit in `max_bytes` (always at least one, so a reader's
    /// cursor moves past even a message larger than the budget).
    pub fn fitting(sizes: &[(i64, i64)], max_bytes: i64) -> usize {
        let mut total = 0i64;
        for (i, (_, size)) in sizes.iter().enumerate() {
            total = total.saturating_add((*size).max(0));
            if total > max_bytes && i > 0 {
                return i;
            }
        }
        sizes.len()
    }

    /// Like [`after`], bounded by bytes as well as rows: stops before the bodies exceed
    /// `max_bytes` (at least one message). Sizes are read first, then exactly the rows
    /// that fit: a backlog of large messages is never loaded whole. Nothing is skipped
    /// or repeated when the next read starts after the last row returned.
    pub async fn after_within(
        db: &Db,
        cursor: i64,
        hackfest_id: Option<Uuid>,
        public_only: bool,
        limit: i64,
        max_bytes: i64,
    ) -> Result<Batch, sqlx::Error> {
        let sizes = sizes_after(db, cursor, hackfest_id, public_only, limit).await?;
        let n = fitting(&sizes, max_bytes);
        let Some(&(upto, _)) = sizes[..n].last() else {
            return Ok(Batch::default());
        };
        let more = n < sizes.len() || sizes.len() as i64 == limit;
        let rows = through(db, cursor, upto, hackfest_id, public_only).await?;
        Ok(Batch { rows, more })
    }

    /// The messages after `cursor` up to and including `upto`, as [`after`] picks them
    /// (use [`sizes_after`] first to know what that costs).
    pub async fn through(
        db: &Db,
        cursor: i64,
        upto: i64,
        hackfest_id: Option<Uuid>,
        public_only: bool,
    ) -> Result<Vec<OutboxRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox WHERE seq > $1 AND seq <= $2{} ORDER BY seq",
            filters(hackfest_id, public_only)
        );
        on_db!(db, p => {
            let mut q = sqlx::query_as(&sql).bind(cursor).bind(upto);
            if let Some(h) = hackfest_id {
                q = q.bind(h);
            }
            q.fetch_all(p).await
        })
    }

    /// Retention: deletes messages created before `before` that need no further
    /// delivery: sent ones, and with `unsent_too` (no broker configured) all of them.
    /// Returns how many went.
    pub async fn prune(
        db: &Db,
        before: DateTime<Utc>,
        unsent_too: bool,
    ) -> Result<u64, sqlx::Error> {
        let sql = if unsent_too {
            "DELETE FROM outbox WHERE created_at < $1"
        } else {
            "DELETE FROM outbox WHERE created_at < $1 AND sent_at IS NOT NULL"
        };
        on_db!(db, p => sqlx::query(sql).bind(before).execute(p).await.map(|r| r.rows_affected()))
    }

    /// The right to publish. On PostgreSQL a session advisory lock held on a
    /// connection of its own: one publisher among all instances, the lock goes when
    /// the holder's connection does (crash, network). SQLite serves one instance.
    pub enum Lease {
        Sqlite,
        Postgres(sqlx::PgConnection),
    }

    /// Takes the lease if nobody holds it.
    pub async fn try_lead(db: &Db) -> Result<Option<Lease>, sqlx::Error> {
        try_lock(db, PUBLISHER_LOCK).await
    }

    /// The webhook sender's lease (one sender among all instances).
    pub const WEBHOOK_LOCK: i64 = INSERT_LOCK + 2;

    /// Takes the lease `key` if nobody holds it (see [`try_lead`]).
    pub async fn try_lock(db: &Db, key: i64) -> Result<Option<Lease>, sqlx::Error> {
        match db {
            Db::Sqlite(..) => Ok(Some(Lease::Sqlite)),
            Db::Postgres(p) => {
                // Detached: closing it (drop) releases the lock; back in the pool it would not.
                let mut conn = p.acquire().await?.detach();
                let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                    .bind(key)
                    .fetch_one(&mut conn)
                    .await?;
                Ok(got.then_some(Lease::Postgres(conn)))
            }
        }
    }

    impl Lease {
        /// Still ours? (Its connection still answers, so the lock is still held.)
        pub async fn alive(&mut self) -> bool {
            match self {
                Lease::Sqlite => true,
                Lease::Postgres(c) => sqlx::query("SELECT 1").execute(&mut *c).await.is_ok(),
            }
        }
    }
}
