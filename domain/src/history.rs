//! The change log: one row per change to any object, written in the same
//! transaction as the change. Later read by messages and published summaries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "server")]
pub use store::*;

/// Every field of an object as text, in form order: what history and conflict views show.
pub type Fields = Vec<(&'static str, String)>;

/// (field, old, new) for each field that differs.
pub fn diff(old: Fields, new: Fields) -> Vec<(&'static str, String, String)> {
    old.into_iter()
        .zip(new)
        .filter(|((_, a), (_, b))| a != b)
        .map(|((f, a), (_, b))| (f, a, b))
        .collect()
}

/// The history entry of a new object: every field that has a value.
pub fn created(new: Fields) -> Vec<(&'static str, String, String)> {
    new.into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(f, v)| (f, String::new(), v))
        .collect()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: Uuid,
    pub entity: String,
    pub entity_id: Uuid,
    pub action: String,
    pub actor: String,
    pub changes: Vec<FieldChange>,
    pub created_at: DateTime<Utc>,
    /// `created_at` on the hackfest's wall clock, and that clock's zone (set where a
    /// page reads an object's history: pages show the hackfest's time, not UTC).
    #[serde(default)]
    pub created_local: Option<chrono::NaiveDateTime>,
    #[serde(default)]
    pub zone: String,
}

#[cfg(feature = "server")]
mod store {
    use chrono::{DateTime, Utc};
    use sqlx::types::Json;
    use uuid::Uuid;

    use super::{FieldChange, HistoryEntry};
    use crate::db::{Db, Tx};
    use crate::{on_db, on_tx};

    #[derive(sqlx::FromRow)]
    struct HistoryRow {
        id: Uuid,
        entity: String,
        entity_id: Uuid,
        action: String,
        actor: String,
        changes: Json<Vec<FieldChange>>,
        created_at: DateTime<Utc>,
    }

    pub struct Change<'a> {
        pub hackfest_id: Uuid,
        pub entity: &'a str,
        pub entity_id: Uuid,
        pub action: &'a str,
        pub actor: &'a str,
        pub changes: Vec<(&'static str, String, String)>,
        pub at: DateTime<Utc>,
    }

    impl<'a> Change<'a> {
        /// A new object: every field with a value, from empty.
        pub fn created(
            hackfest_id: Uuid,
            entity: &'a str,
            entity_id: Uuid,
            actor: &'a str,
            fields: super::Fields,
            at: DateTime<Utc>,
        ) -> Self {
            Change {
                hackfest_id,
                entity,
                entity_id,
                action: "create",
                actor,
                changes: super::created(fields),
                at,
            }
        }
    }

    /// Returns the recorded field changes (the outbox message carries them too).
    pub async fn record(tx: &mut Tx, c: Change<'_>) -> Result<Vec<FieldChange>, sqlx::Error> {
        let changes: Vec<FieldChange> = c
            .changes
            .into_iter()
            .map(|(f, old, new)| FieldChange {
                field: f.into(),
                old,
                new,
            })
            .collect();
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO history (id, hackfest_id, entity, entity_id, action, actor, changes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(Uuid::now_v7())
        .bind(c.hackfest_id)
        .bind(c.entity)
        .bind(c.entity_id)
        .bind(c.action)
        .bind(c.actor)
        .bind(Json(&changes))
        .bind(c.at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(changes)
    }

    impl From<HistoryRow> for HistoryEntry {
        fn from(r: HistoryRow) -> Self {
            HistoryEntry {
                id: r.id,
                entity: r.entity,
                entity_id: r.entity_id,
                action: r.action,
                actor: r.actor,
                changes: r.changes.0,
                created_at: r.created_at,
                created_local: None,
                zone: String::new(),
            }
        }
    }

    /// The hackfest's history from `from` until before `to`, oldest first, without
    /// the rows of `except` (an entity) nor those of private entities (travel), at most `limit` rows; and how many rows the
    /// span holds in all.
    pub async fn between_in(
        tx: &mut Tx,
        hackfest_id: Uuid,
        (from, to): (DateTime<Utc>, DateTime<Utc>),
        except: &str,
        limit: i64,
    ) -> Result<(Vec<HistoryEntry>, i64), sqlx::Error> {
        // Travel and its budget are private: never in what a summary is drafted from.
        const WHERE: &str = "WHERE hackfest_id = $1 AND created_at >= $2 AND created_at < $3 \
                             AND entity <> $4 AND entity NOT IN ('travel', 'budget')";
        let rows: Vec<HistoryRow> = on_tx!(tx, c => sqlx::query_as(&format!(
            "SELECT id, entity, entity_id, action, actor, changes, created_at FROM history \
             {WHERE} ORDER BY created_at, id LIMIT $5"
        ))
        .bind(hackfest_id)
        .bind(from)
        .bind(to)
        .bind(except)
        .bind(limit)
        .fetch_all(c)
        .await)?;
        let total: i64 = on_tx!(tx, c => sqlx::query_scalar(&format!("SELECT COUNT(*) FROM history {WHERE}"))
            .bind(hackfest_id)
            .bind(from)
            .bind(to)
            .bind(except)
            .fetch_one(c)
            .await)?;
        Ok((rows.into_iter().map(HistoryEntry::from).collect(), total))
    }

    /// The history of one object of hackfest `hackfest_id`, newest first (empty for an
    /// object of another hackfest).
    pub async fn for_entity(
        db: &Db,
        hackfest_id: Uuid,
        entity: &str,
        entity_id: Uuid,
    ) -> Result<Vec<HistoryEntry>, sqlx::Error> {
        #[derive(sqlx::FromRow)]
        struct Zoned {
            #[sqlx(flatten)]
            row: HistoryRow,
            time_zone: String,
        }
        // The hackfest's time zone in the same query: the entries carry their wall clock.
        let rows: Vec<Zoned> = on_db!(db, p => sqlx::query_as(
            "SELECT h.id, h.entity, h.entity_id, h.action, h.actor, h.changes, h.created_at, \
             f.time_zone FROM history h JOIN hackfests f ON f.id = h.hackfest_id \
             WHERE h.hackfest_id = $1 AND h.entity = $2 AND h.entity_id = $3 \
             ORDER BY h.created_at DESC, h.id DESC",
        )
        .bind(hackfest_id)
        .bind(entity)
        .bind(entity_id)
        .fetch_all(p)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|z| {
                let tz = crate::hackfest::service::zone_named(&z.time_zone);
                let mut e = HistoryEntry::from(z.row);
                e.created_local = Some(e.created_at.with_timezone(&tz).naive_local());
                e.zone = z.time_zone;
                e
            })
            .collect())
    }
}
