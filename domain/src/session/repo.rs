use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::HackSession;
use super::warnings::Ack;
use crate::db::{Db, Tx};
use crate::ids::{HackfestId, SessionId};
use crate::{on_db, on_tx};

pub(crate) const COLUMNS: &str = "id, hackfest_id, title, kind, starts_at, ends_at, room, room_id, \
                       participants, goal_ids, agenda, notes, version, created_at, updated_at, cancelled_at, \
                       optional_participants, acknowledged";

/// Sessions stored in UTC, with the values to write.
pub struct Row<'a> {
    pub title: &'a str,
    pub kind: super::SessionKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub room: &'a str,
    pub room_id: Option<Uuid>,
    pub participants: &'a [String],
    pub goal_ids: &'a [Uuid],
    pub agenda: &'a str,
    pub notes: &'a str,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub optional_participants: &'a [String],
    pub acknowledged: &'a [Ack],
}

/// In start order.
pub async fn list_for_hackfest(
    db: &Db,
    hackfest_id: Uuid,
) -> Result<Vec<HackSession>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM hack_sessions WHERE hackfest_id = $1 ORDER BY starts_at, id"
    );
    on_db!(db, p => sqlx::query_as(&sql).bind(hackfest_id).fetch_all(p).await)
}

pub async fn get(db: &Db, id: Uuid) -> Result<Option<HackSession>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM hack_sessions WHERE id = $1");
    on_db!(db, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await)
}

pub async fn get_in_tx(tx: &mut Tx, id: Uuid) -> Result<Option<HackSession>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM hack_sessions WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)
}

/// Writes a new session at version 1 and returns it as stored.
pub async fn insert(
    tx: &mut Tx,
    id: SessionId,
    hackfest_id: HackfestId,
    r: &Row<'_>,
    now: DateTime<Utc>,
) -> Result<HackSession, sqlx::Error> {
    let sql = format!(
        "INSERT INTO hack_sessions ({COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $13, $8, $9, $10, $11, 1, $12, $12, $14, $15, $16) RETURNING {COLUMNS}"
    );
    on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(id)
        .bind(hackfest_id)
        .bind(r.title)
        .bind(r.kind)
        .bind(r.starts_at)
        .bind(r.ends_at)
        .bind(r.room)
        .bind(Json(r.participants))
        .bind(Json(r.goal_ids))
        .bind(r.agenda)
        .bind(r.notes)
        .bind(now)
        .bind(r.room_id)
        .bind(r.cancelled_at)
        .bind(Json(r.optional_participants))
        .bind(Json(r.acknowledged))
        .fetch_one(c)
        .await)
}

/// Writes only if the stored version is still `expected_version`: the session as
/// stored then, or `None` if someone saved in between.
pub async fn update(
    tx: &mut Tx,
    id: SessionId,
    expected_version: i64,
    r: &Row<'_>,
    now: DateTime<Utc>,
) -> Result<Option<HackSession>, sqlx::Error> {
    let sql = format!(
        "UPDATE hack_sessions SET title = $3, kind = $4, starts_at = $5, ends_at = $6, room = $7, \
         room_id = $13, participants = $8, goal_ids = $9, agenda = $10, notes = $11, version = version + 1, \
         updated_at = $12, cancelled_at = $14, optional_participants = $15, acknowledged = $16 WHERE id = $1 AND version = $2 RETURNING {COLUMNS}"
    );
    on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(id)
        .bind(expected_version)
        .bind(r.title)
        .bind(r.kind)
        .bind(r.starts_at)
        .bind(r.ends_at)
        .bind(r.room)
        .bind(Json(r.participants))
        .bind(Json(r.goal_ids))
        .bind(r.agenda)
        .bind(r.notes)
        .bind(now)
        .bind(r.room_id)
        .bind(r.cancelled_at)
        .bind(Json(r.optional_participants))
        .bind(Json(r.acknowledged))
        .fetch_optional(c)
        .await)
}

/// A room's sessions, in start order.
pub async fn list_in_room(db: &Db, room_id: Uuid) -> Result<Vec<HackSession>, sqlx::Error> {
    let sql =
        format!("SELECT {COLUMNS} FROM hack_sessions WHERE room_id = $1 ORDER BY starts_at, id");
    on_db!(db, p => sqlx::query_as(&sql).bind(room_id).fetch_all(p).await)
}

/// The first session other than `except` booked in `room_id` over part of
/// `[starts_at, ends_at)`: its title and times. A cancelled session holds no room.
pub async fn first_clash(
    tx: &mut Tx,
    room_id: Uuid,
    except: Uuid,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> Result<Option<(String, DateTime<Utc>, DateTime<Utc>)>, sqlx::Error> {
    let sql = "SELECT title, starts_at, ends_at FROM hack_sessions \
               WHERE room_id = $1 AND id <> $2 AND starts_at < $3 AND ends_at > $4 AND cancelled_at IS NULL \
               ORDER BY starts_at, id LIMIT 1";
    on_tx!(tx, c => sqlx::query_as(sql)
        .bind(room_id)
        .bind(except)
        .bind(ends_at)
        .bind(starts_at)
        .fetch_optional(c)
        .await)
}

/// The sessions of hackfest `hackfest_id` other than `except`, not cancelled, that
/// overlap or touch `[starts_at, ends_at]`: what a session's warnings compare it with.
/// At most `limit`.
pub async fn near(
    db: &Db,
    hackfest_id: Uuid,
    except: Uuid,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<HackSession>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM hack_sessions WHERE hackfest_id = $1 AND id <> $2 \
         AND starts_at <= $3 AND ends_at >= $4 AND cancelled_at IS NULL ORDER BY starts_at, id LIMIT $5"
    );
    on_db!(db, p => sqlx::query_as(&sql)
        .bind(hackfest_id)
        .bind(except)
        .bind(ends_at)
        .bind(starts_at)
        .bind(limit)
        .fetch_all(p)
        .await)
}
