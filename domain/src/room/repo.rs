use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::{NewRoom, Room};
use crate::db::{Db, Tx};
use crate::ids::{HackfestId, RoomId};
use crate::{on_db, on_tx};

pub(crate) const COLUMNS: &str = "id, hackfest_id, name, location, capacity, equipment, notes, \
                       open_for_breakouts, opens, closes, version, created_at, updated_at, closed";

/// By name.
pub async fn list_for_hackfest(db: &Db, hackfest_id: Uuid) -> Result<Vec<Room>, sqlx::Error> {
    let sql =
        format!("SELECT {COLUMNS} FROM rooms WHERE hackfest_id = $1 ORDER BY lower(name), id");
    on_db!(db, p => sqlx::query_as(&sql).bind(hackfest_id).fetch_all(p).await)
}

pub async fn get(db: &Db, id: Uuid) -> Result<Option<Room>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM rooms WHERE id = $1");
    on_db!(db, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await)
}

pub async fn get_in_tx(tx: &mut Tx, id: Uuid) -> Result<Option<Room>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM rooms WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)
}

/// Writes a new room at version 1 and returns it as stored.
pub async fn insert(
    tx: &mut Tx,
    id: RoomId,
    hackfest_id: HackfestId,
    r: &NewRoom,
    now: DateTime<Utc>,
) -> Result<Room, sqlx::Error> {
    let sql = format!(
        "INSERT INTO rooms ({COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11, $12) RETURNING {COLUMNS}"
    );
    on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(id)
        .bind(hackfest_id)
        .bind(&r.name)
        .bind(&r.location)
        .bind(r.capacity)
        .bind(Json(&r.equipment))
        .bind(&r.notes)
        .bind(r.open_for_breakouts)
        .bind(r.opens_text())
        .bind(r.closes_text())
        .bind(now)
        .bind(Json(&r.closed))
        .fetch_one(c)
        .await)
}

/// Writes only if the stored version is still `expected_version`: the room as
/// stored then, or `None` if someone saved in between.
pub async fn update(
    tx: &mut Tx,
    id: RoomId,
    expected_version: i64,
    r: &NewRoom,
    now: DateTime<Utc>,
) -> Result<Option<Room>, sqlx::Error> {
    let sql = format!(
        "UPDATE rooms SET name = $3, location = $4, capacity = $5, equipment = $6, notes = $7, \
         open_for_breakouts = $8, opens = $9, closes = $10, version = version + 1, \
         updated_at = $11, closed = $12 WHERE id = $1 AND version = $2 RETURNING {COLUMNS}"
    );
    on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(id)
        .bind(expected_version)
        .bind(&r.name)
        .bind(&r.location)
        .bind(r.capacity)
        .bind(Json(&r.equipment))
        .bind(&r.notes)
        .bind(r.open_for_breakouts)
        .bind(r.opens_text())
        .bind(r.closes_text())
        .bind(now)
        .bind(Json(&r.closed))
        .fetch_optional(c)
        .await)
}

/// The room, locked for the rest of the transaction on PostgreSQL (`FOR UPDATE`), so
/// two sessions booked into it at once are checked one after the other. On SQLite
/// the writers' queue already runs one write transaction at a time.
pub async fn lock(tx: &mut Tx, id: Uuid) -> Result<Option<Room>, sqlx::Error> {
    match tx {
        Tx::Sqlite(t) => {
            let sql = format!("SELECT {COLUMNS} FROM rooms WHERE id = $1");
            sqlx::query_as(&sql).bind(id).fetch_optional(&mut **t).await
        }
        Tx::Postgres(t) => {
            let sql = format!("SELECT {COLUMNS} FROM rooms WHERE id = $1 FOR UPDATE");
            sqlx::query_as(&sql).bind(id).fetch_optional(&mut **t).await
        }
    }
}

/// The id of the hackfest's room called `name`.
pub async fn id_by_name(
    tx: &mut Tx,
    hackfest_id: Uuid,
    name: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM rooms WHERE hackfest_id = $1 AND name = $2")
        .bind(hackfest_id)
        .bind(name)
        .fetch_optional(c)
        .await)
}

/// A renamed room's sessions show its new name.
pub async fn rename_sessions(tx: &mut Tx, id: Uuid, name: &str) -> Result<(), sqlx::Error> {
    on_tx!(tx, c => sqlx::query("UPDATE hack_sessions SET room = $1 WHERE room_id = $2 AND room <> $1")
        .bind(name)
        .bind(id)
        .execute(c)
        .await
        .map(drop))
}
