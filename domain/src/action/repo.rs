use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{ActionItem, NewAction};
use crate::db::{Db, Tx};
use crate::ids::{ActionItemId, HackfestId};
use crate::{on_db, on_tx};

pub(crate) const COLUMNS: &str = "id, hackfest_id, title, description, owner, due_date, status, goal_id, \
                       session_id, decision_id, version, created_at, updated_at";

/// In the order they were added.
pub async fn list_for_hackfest(db: &Db, hackfest_id: Uuid) -> Result<Vec<ActionItem>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM action_items WHERE hackfest_id = $1 ORDER BY created_at, id"
    );
    on_db!(db, p => sqlx::query_as(&sql).bind(hackfest_id).fetch_all(p).await)
}

/// Every item this person owns, in any hackfest (owners are usernames; case ignored).
pub async fn list_for_owner(db: &Db, owner: &str) -> Result<Vec<ActionItem>, sqlx::Error> {
    if !crate::text::lookup_key(owner) {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM action_items WHERE LOWER(owner) = LOWER($1) \
         ORDER BY CASE WHEN due_date IS NULL THEN 1 ELSE 0 END, due_date, created_at"
    );
    on_db!(db, p => sqlx::query_as(&sql).bind(owner).fetch_all(p).await)
}

pub async fn get(db: &Db, id: Uuid) -> Result<Option<ActionItem>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM action_items WHERE id = $1");
    on_db!(db, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await)
}

pub async fn get_in_tx(tx: &mut Tx, id: Uuid) -> Result<Option<ActionItem>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM action_items WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)
}

/// Writes a new item at version 1 and returns it as stored.
pub async fn insert(
    tx: &mut Tx,
    id: ActionItemId,
    hackfest_id: HackfestId,
    a: &NewAction,
    now: DateTime<Utc>,
) -> Result<ActionItem, sqlx::Error> {
    let sql = format!(
        "INSERT INTO action_items ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11) \
         RETURNING {COLUMNS}"
    );
    on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(id)
        .bind(hackfest_id)
        .bind(&a.title)
        .bind(&a.description)
        .bind(&a.owner)
        .bind(a.due_date)
        .bind(a.status)
        .bind(a.goal_id)
        .bind(a.session_id)
        .bind(a.decision_id)
        .bind(now)
        .fetch_one(c)
        .await)
}

/// Writes only if the stored version is still `expected_version`: the item as stored
/// then, or `None` if someone saved in between.
pub async fn update(
    tx: &mut Tx,
    id: ActionItemId,
    expected_version: i64,
    a: &NewAction,
    now: DateTime<Utc>,
) -> Result<Option<ActionItem>, sqlx::Error> {
    let sql = format!(
        "UPDATE action_items SET title = $3, description = $4, owner = $5, due_date = $6, status = $7, \
         goal_id = $8, session_id = $9, decision_id = $10, version = version + 1, updated_at = $11 \
         WHERE id = $1 AND version = $2 RETURNING {COLUMNS}"
    );
    on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(id)
        .bind(expected_version)
        .bind(&a.title)
        .bind(&a.description)
        .bind(&a.owner)
        .bind(a.due_date)
        .bind(a.status)
        .bind(a.goal_id)
        .bind(a.session_id)
        .bind(a.decision_id)
        .bind(now)
        .fetch_optional(c)
        .await)
}
